"""Scan on a Dask cluster (``--cluster local:N`` or ``--cluster tcp://host:8786``); results
reach the reporters in walk order, as with ``--jobs``.

``scan_on_cluster`` takes what the walker yields and gives back the stream a one-process
run gives: skips pass through, unchanged files come from the cache, every other file is
scanned by a Dask worker, and the order is the walk's whatever order the workers finish in.
The report is the same as a one-process run of the same files. docs/scale.md says how to
run a scheduler and workers on several servers, and what it costs.

How, and why:

- Dask ``distributed`` is the engine: its scheduler places tasks, retries those of a worker
  that dies (a task is given up, ``KilledWorker``, after the third worker dies running it),
  and takes workers that join or leave. piiscan adds no cluster code of its own.
- Work travels as batches of ``FileRef`` (a URL or a path, a size, a version): never file
  bytes through this process. Each worker opens, reads and scans its files
  (``piiscan.scan.scan_file``; remote files through ``piiscan.sources.open_ref``) and
  returns the batch's results pickled: masked findings only, a few KB per file.
- Each worker gets what it needs once, in a ``WorkerPlugin`` (also sent to workers that
  join later): the settings, the fingerprint keys and the rule set this process loaded
  (rules are data: a worker does not need the user's rule folders). It compiles the rules
  once per worker thread and checks that its piiscan is this one's version: the same code,
  the same results. A worker that differs says so before any file is sent.
- Only this process writes: the state cache (read before a file is sent, written in walk
  order just before a result is handed on), the reports and the lock.
- Bounded: at most ``IN_FLIGHT_PER_THREAD`` batches per worker thread are queued, at most
  ``MAX_PENDING`` walk entries (or twice what the batches in flight hold, on a large
  cluster) wait for an earlier, slower batch, and every wait for the
  cluster is ``WAIT_SECONDS`` long, so an interrupt (SIGINT, SIGTERM) ends the run at once.
- A file that kills every worker it runs on ends as a Skip naming it, as in the process
  pool: a batch given up by the scheduler is split and its files are sent one at a time.
  Files whose workers cannot scan them (a piiscan of another version joined late), and
  everything left when the cluster has had no worker for ``NO_WORKER_SECONDS``, are scanned
  in this process: the report is complete whatever happens to the cluster.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
import queue
import threading
import time
import uuid
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from piiscan import __version__
from piiscan.errors import UsageError
from piiscan.models import FileRef, FileResult, Skip
from piiscan.run.pool import (
    WORKER_DIED,
    _ref,
    _Slot,
    _unpickle,
    enqueue,
    hand_on,
    take_batch,
)
from piiscan.scan import CompiledRules, internal_error, scan_file

if TYPE_CHECKING:
    from distributed import Client, Future

    from piiscan.config import Settings
    from piiscan.mask import Keys
    from piiscan.rules.loader import RuleSet
    from piiscan.run.cache import FileCache

BATCH_FILES = 32  # files per task, at most
BATCH_BYTES = 1024 * 1024  # weighted bytes per task, at most (a bigger file goes alone)
IN_FLIGHT_PER_THREAD = 3  # batches queued per worker thread: keeps workers busy, memory flat
MAX_PENDING = 4096  # walk entries held while waiting for an earlier batch (more on big clusters)
WAIT_SECONDS = 0.25  # each wait for a batch to finish
CONNECT_SECONDS = 30  # to reach a scheduler
NO_WORKER_SECONDS = 60  # without any worker: at the start an error, later scan here
THREADS_EVERY_SECONDS = 5.0  # how often the number of worker threads is asked again

EXTRA_HINT = "pip install 'piiscan[distributed]'"


@dataclass(frozen=True)
class ClusterSpec:
    """``--cluster``: ``local:N`` (a LocalCluster of N worker processes on this machine) or
    a scheduler's address (``tcp://host:8786``, ``tls://...``)."""

    workers: int | None = None
    address: str | None = None

    @classmethod
    def parse(cls, text: str) -> ClusterSpec:
        kind, sep, rest = text.partition(":")
        if kind == "local" and sep:
            if not rest.isdigit() or int(rest) < 1:
                raise UsageError(f"--cluster {text}: local:N needs a number of workers >= 1")
            return cls(workers=int(rest))
        if kind in ("tcp", "tls") and rest.startswith("//") and len(rest) > 2:
            return cls(address=text)
        raise UsageError(f"--cluster {text}: expected local:N (N worker processes here) or "
                         "a Dask scheduler address like tcp://host:8786")


def check(text: str) -> ClusterSpec:
    """The parsed ``--cluster`` value, with Dask installed; else a UsageError (exit 2)."""
    import importlib.util

    spec = ClusterSpec.parse(text)
    if importlib.util.find_spec("distributed") is None:
        raise UsageError(f"--cluster needs piiscan's 'distributed' extra: {EXTRA_HINT}")
    return spec


# --- worker side ---------------------------------------------------------------------------

if TYPE_CHECKING:
    from distributed.diagnostics.plugin import WorkerPlugin
else:
    try:
        from distributed.diagnostics.plugin import WorkerPlugin
    except ImportError:  # pragma: no cover - without the extra, check() stops the run first
        WorkerPlugin = object


class ScannerPlugin(WorkerPlugin):
    """What every worker of one run scans with. Pickled once per worker by Dask."""

    def __init__(self, name: str, ruleset: RuleSet, settings: Settings, keys: Keys) -> None:
        self.name = name
        self.ruleset = ruleset
        self.settings = settings
        self.keys = keys
        self.version = __version__
        self.error = "the piiscan plugin was not set up on this worker"
        self._local: threading.local | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_local": None}

    def setup(self, worker: Any) -> None:
        self._local = threading.local()
        if self.version != __version__:
            self.error = (f"worker {worker.address} runs piiscan {__version__}, this client "
                          f"{self.version}: install the same version everywhere")
            return
        try:
            self.rules()
        except Exception as exc:
            self.error = f"worker {worker.address} cannot compile the rules: {exc}"
            return
        self.error = ""

    def rules(self) -> CompiledRules:
        """This thread's compiled rules (the engine keeps per-file state: one per thread)."""
        assert self._local is not None
        rules: CompiledRules | None = getattr(self._local, "rules", None)
        if rules is None:
            rules = CompiledRules(self.ruleset, self.settings.limits.regex_seconds)
            if rules.digest != self.ruleset.digest:  # pragma: no cover - a pickling bug
                raise RuntimeError("the rules differ from the client's")
            self._local.rules = rules
        return rules


def _plugin(name: str, worker: Any = None) -> ScannerPlugin | None:
    if worker is None:
        from distributed import get_worker

        worker = get_worker()
    plugin = worker.plugins.get(name)
    return plugin if isinstance(plugin, ScannerPlugin) else None


def _status(name: str, dask_worker: Any = None) -> str:
    """Run on every worker (``Client.run`` passes it as ``dask_worker``) before any file is
    sent: empty when it can scan, else why not."""
    plugin = _plugin(name, dask_worker)
    return plugin.error if plugin is not None else "the piiscan plugin is not installed"


def _scan_batch(name: str, refs: list[FileRef]) -> bytes | str:
    """One task: scan these files here; the results come back pickled. A string says
    this worker cannot scan, and why."""
    plugin = _plugin(name)
    if plugin is None or plugin.error:
        return plugin.error if plugin is not None else "the piiscan plugin is not installed"
    rules = plugin.rules()
    batch = [scan_file(ref, rules, plugin.settings, plugin.keys) for ref in refs]
    return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)


# --- client side ---------------------------------------------------------------------------


class ClusterScan:
    """The client's bookkeeping for one ``scan_on_cluster`` run."""

    def __init__(self, client: Client, name: str, rules: CompiledRules, settings: Settings,
                 keys: Keys, cache: FileCache | None) -> None:
        self.client = client
        self.name = name
        self.rules = rules
        self.settings = settings
        self.keys = keys
        self.cache = cache
        self.pending: deque[_Slot] = deque()  # every walk entry not yet handed on, in order
        self.todo: deque[_Slot] = deque()  # files to send, in walk order
        self.in_flight: dict[Future[Any], list[_Slot]] = {}
        self.finished: queue.SimpleQueue[Future[Any]] = queue.SimpleQueue()  # done callbacks
        self.seq = 0
        self.threads = 1
        self._threads_asked = 0.0
        self._no_worker_since: float | None = None
        self.batches_sent = 0
        self.retried = 0  # batches split after the scheduler gave them up

    def results(self, items: Iterator[FileRef | Skip]) -> Iterator[FileResult | Skip]:
        walking = True
        while True:
            yield from self._ready()
            if self._submit(partial=not walking or len(self.in_flight) < self.threads):
                continue
            if walking and len(self.pending) < self._max_pending():
                item = next(items, None)
                if item is None:
                    walking = False
                else:
                    self._add(item)
                continue
            if self.in_flight:
                self._wait()
            elif not self.pending:
                return
            else:  # pragma: no cover - every pending entry is done, queued or in flight
                raise AssertionError("cluster scan stalled")

    def _add(self, item: FileRef | Skip) -> None:
        self.seq += 1
        enqueue(_Slot(self.seq), item, self.pending, self.todo, self.cache)

    def _ready(self) -> Iterator[FileResult | Skip]:
        return hand_on(self.pending, self.cache)

    def _max_in_flight(self) -> int:
        now = time.monotonic()
        if now - self._threads_asked > THREADS_EVERY_SECONDS:
            self._threads_asked = now
            self.threads = max(1, sum(self.client.nthreads().values()))
        return IN_FLIGHT_PER_THREAD * self.threads

    def _max_pending(self) -> int:
        """Walk entries held: enough to keep every batch slot of a large cluster filled."""
        return max(MAX_PENDING, 2 * IN_FLIGHT_PER_THREAD * self.threads * BATCH_FILES)

    def _submit(self, partial: bool) -> bool:
        """Send the next batch; one that is not full only if ``partial``."""
        if not self.todo or len(self.in_flight) >= self._max_in_flight():
            return False
        batch = take_batch(self.todo, partial, BATCH_FILES, BATCH_BYTES)
        if batch:
            self._send(batch)
        return bool(batch)

    def _send(self, batch: list[_Slot]) -> None:
        self.batches_sent += 1
        future = self.client.submit(_scan_batch, self.name, [_ref(s) for s in batch],
                                    key=f"piiscan-{self.name}-{batch[0].seq}-{self.batches_sent}",
                                    pure=False)
        self.in_flight[future] = batch
        future.add_done_callback(self.finished.put)

    def _wait(self) -> None:
        """Collect the batches that finished, waiting at most WAIT_SECONDS for one."""
        try:
            done = [self.finished.get(timeout=WAIT_SECONDS)]
        except queue.Empty:
            self._check_workers()
            return
        self._no_worker_since = None
        with contextlib.suppress(queue.Empty):
            while True:
                done.append(self.finished.get_nowait())
        for future in sorted((f for f in done if f in self.in_flight),
                             key=lambda f: self.in_flight[f][0].seq):
            self._collect(future)

    def _collect(self, future: Future[Any]) -> None:
        from distributed import KilledWorker

        slots = self.in_flight.pop(future)
        try:
            out = future.result()
        except KilledWorker:
            self._give_up(slots, WORKER_DIED)
            return
        except Exception as exc:  # a result that could not be sent, a lost scheduler
            if future.status == "cancelled":
                self._scan_here(slots)
            else:
                self._give_up(slots, exc)
            return
        finally:
            future.release()
        if isinstance(out, str):  # this worker cannot scan: do it here
            self._scan_here(slots)
            return
        for slot, result in zip(slots, _unpickle(out), strict=True):
            slot.result = result

    def _give_up(self, slots: list[_Slot], why: str | BaseException) -> None:
        """A batch the cluster could not finish: its files are sent again one at a time,
        and a file that fails alone is a Skip naming it."""
        if len(slots) == 1 and slots[0].isolated:
            ref = _ref(slots[0])
            if isinstance(why, str):
                slots[0].result = FileResult(file=ref, skips=[Skip(ref.display, why)])
            else:
                slots[0].result = internal_error(ref, why)
            return
        self.retried += 1
        for slot in slots:
            slot.isolated = True
        self.todo = deque(sorted([*slots, *self.todo], key=lambda s: s.seq))

    def _scan_here(self, slots: list[_Slot]) -> None:
        for slot in slots:
            slot.result = scan_file(_ref(slot), self.rules, self.settings, self.keys)

    def _check_workers(self) -> None:
        """No batch finished in this wait: with no worker for NO_WORKER_SECONDS, the files
        in flight and the rest are scanned here."""
        if self.client.nthreads():
            self._no_worker_since = None
            return
        now = time.monotonic()
        if self._no_worker_since is None:
            self._no_worker_since = now
        elif now - self._no_worker_since > NO_WORKER_SECONDS:
            for future, slots in list(self.in_flight.items()):
                future.cancel()
                self.todo.extend(slots)
            self.in_flight.clear()
            self.todo = deque(sorted(self.todo, key=lambda s: s.seq))
            slots = list(self.todo)
            self.todo.clear()
            self._scan_here(slots)


class Cluster:
    """A connection to the cluster for one run: a LocalCluster it starts, or a scheduler."""

    def __init__(self, spec: ClusterSpec) -> None:
        self.spec = spec
        self.client: Client | None = None
        self._local: Any = None

    def __enter__(self) -> Client:
        import dask.config
        from distributed import Client, LocalCluster

        if self.spec.workers is not None:
            # Its processes' own logs are not this run's output (a cron job's stderr stays
            # empty): what goes wrong in a task reaches the client, and at shutdown a worker
            # may log a failed heartbeat to a scheduler already closed (dask/distributed#7105)
            self._local = LocalCluster(
                n_workers=self.spec.workers, threads_per_worker=1, processes=True,
                host="127.0.0.1", dashboard_address=None, silence_logs=logging.CRITICAL)
            self.client = Client(self._local, set_as_default=False)
            return self.client
        address = self.spec.address
        assert address is not None
        if address.startswith("tcp://") and dask.config.get(
                "distributed.comm.require-encryption", False):
            raise UsageError(f"--cluster {address}: the Dask configuration requires "
                             "encryption: use the scheduler's tls:// address")
        try:
            self.client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
        except (OSError, TimeoutError, RuntimeError, ValueError) as exc:
            raise UsageError(f"--cluster {address}: cannot reach the Dask scheduler "
                             f"({exc})") from None
        try:
            self.client.wait_for_workers(1, timeout=NO_WORKER_SECONDS)
        except TimeoutError:
            self.close()
            raise UsageError(f"--cluster {address}: no Dask worker joined the scheduler "
                             f"within {NO_WORKER_SECONDS} s") from None
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        client, self.client = self.client, None
        local, self._local = self._local, None
        if client is not None:
            client.close()
        if local is not None:
            local.close()


def _install(client: Client, name: str, rules: CompiledRules, settings: Settings,
             keys: Keys) -> None:
    """The plugin on every worker, and every worker ready to scan; else a UsageError."""
    client.register_plugin(ScannerPlugin(name, rules.ruleset, settings, keys), name=name)
    problems = sorted({why for why in client.run(_status, name).values() if why})
    if problems:
        raise UsageError(f"--cluster: {problems[0]}")


def scan_on_cluster(items: Iterator[FileRef | Skip], rules: CompiledRules, settings: Settings,
                    keys: Keys, cache: FileCache | None = None
                    ) -> Iterator[FileResult | Skip]:
    """Unscored results in walk order, files scanned on the cluster ``settings.cluster``
    names. Closing the iterator lets go of the cluster (and stops a local one)."""
    assert settings.cluster is not None
    spec = check(settings.cluster)
    name = f"piiscan-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    with Cluster(spec) as client:
        _install(client, name, rules, settings, keys)
        try:
            yield from ClusterScan(client, name, rules, settings, keys, cache).results(items)
        finally:
            if spec.address is not None:  # a shared cluster: leave no plugin behind
                try:
                    client.unregister_worker_plugin(name)
                except Exception:  # pragma: no cover - the scheduler went away
                    logging.getLogger(__name__).debug("plugin not removed", exc_info=True)
