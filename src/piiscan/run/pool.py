"""Scan files in worker processes (``--jobs N``); results reach the reporters in walk order.

``scan_in_pool`` takes what the walker yields and gives back the stream ``--jobs 1`` gives:
skips pass through, unchanged files come from the cache, every other file is scanned by a
worker, and the order is the walk's whatever order the workers finish in. A report is the
same for any ``--jobs``.

How, and why:

- Start method: ``forkserver`` where there is one (Linux, macOS), else ``spawn``. A plain
  ``fork`` copies the parent with whatever locks its other threads hold at that moment (rich's
  progress bar refreshes from a thread; sqlite and logging hold locks), which can deadlock a
  child; Python 3.12 warns about forking a threaded process and 3.14 stopped using it by
  default. The fork server is a fresh, single-threaded interpreter that imports piiscan's
  scanning modules and loads the built-in rules and dictionaries once (``warm``, run by
  ``PRELOAD``), so a worker starts as a cheap fork of it, sharing those pages, instead of a
  new interpreter importing and loading everything again (``spawn``).
- Each worker compiles the rules once, in the pool initializer: the settings and the keys
  are pickled to it; the rules are loaded again from the same files (``CompiledRules.load``)
  rather than pickled with their compiled patterns, and must have the parent's digest. A
  worker that cannot load them says so; the scan then goes on in this process, with the same
  results. A worker calls the pure per-file scan (``piiscan.scan.scan_file``) and, when the
  run allows it (``run.finish.Finisher.portable``), finishes the file as this process would
  (suppressions, score, the file's share of the run's figures), sending its findings packed.
- Small files travel in batches (up to ``BATCH_FILES`` files or ``BATCH_BYTES`` per task,
  compressed containers weighing ``PACKED_WEIGHT`` times their size) to cut inter-process
  traffic; a big file is a task of its own. Results come back pickled by the worker and are
  unpickled here with the garbage collector paused, which halves their cost to this process.
- Memory stays bounded on a million files: at most ``IN_FLIGHT_PER_JOB`` tasks per worker are
  queued, and at most ``MAX_PENDING`` walk entries wait for an earlier, slower file.
- The state cache is read and written in this process only, in walk order and just before a
  result is handed on, as ``--jobs 1`` does; a worker encodes what the cache stores
  (``complete``), as the file was scanned, before finishing it.
- SIGINT and SIGTERM are the parent's (run.guard.SignalGuard raises ``Interrupted`` in its main
  thread). Workers ignore SIGINT, which a terminal sends to the whole process group; the
  parent kills them when the scan is interrupted and the run ends incomplete (exit 4). A
  signal waits while a worker is being started (``run.guard.held``), so none is lost
  to the parent half-started.
- A worker never outlives the scan: the fork server and every worker die with this process,
  even when it is killed with SIGKILL (``piiscan.lifeline``).
- A file that kills its worker (a crash in a parser library, the OOM killer) becomes a Skip
  naming it: the pool is restarted and the files that were in flight are scanned again one
  at a time to find the one that did it. Any other error is a Skip too, never a crash.
- Little work, no pool: files are scanned in this process, as with ``--jobs 1``, until that
  has taken ``POOL_AFTER_SECONDS``; only then, if more files than workers are waiting (or
  ``POOL_MIN_BYTES_LEFT`` of them), is the pool started, and this
  process goes on scanning until the workers are up, so their start-up is not waited for,
  as long as the next file is light (``WARM_SCAN_BYTES``: a heavy one, scanned here, would
  leave the workers idle once up). Workers that are not up after ``POOL_START_SECONDS``
  are given up on and the rest is scanned here.
  A pre-commit run over a few files costs no process start-up, even when its first file
  pays for loading the dictionaries, and the switch adapts to how slow the files really are
  (a hundred KB of dense CSV, or thousands of small notes).
"""

from __future__ import annotations

import gc
import os
import signal
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from piiscan.config import cpu_count as cpu_count
from piiscan.models import FileRef, FileResult, Skip
from piiscan.run.guard import held
from piiscan.scan import CompiledRules, internal_error, scan_file

# pickle and piiscan.lifeline (ctypes) are imported where a pool is used: a pre-commit run
# scans its few files in this process and never starts one.

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor
    from multiprocessing.context import BaseContext

    from piiscan.config import Settings
    from piiscan.mask import Keys
    from piiscan.run.cache import FileCache
    from piiscan.run.finish import Finisher
    from piiscan.suppress import Suppressor

BATCH_FILES = 16  # files per task, at most
BATCH_BYTES = 128 * 1024  # weighted bytes per task, at most (a bigger file goes alone)
# Compressed containers hold several times their size in text: they weigh more in a batch.
PACKED = frozenset({".xlsx", ".xlsm", ".docx", ".docm", ".pptx", ".pptm", ".zip", ".gz",
                    ".tgz", ".pdf", ".msg"})
PACKED_WEIGHT = 8
POOL_AFTER_SECONDS = 0.1  # in-process scanning before the pool starts (it warms up ~0.4 s)
# ...and only with work left for it: more files waiting than workers, or this many bytes
# (about a second of text). Not a rate measured here: the first file pays for loading the
# dictionaries, so it would make a few small files look like seconds of work.
POOL_MIN_BYTES_LEFT = 2 * 1024 * 1024
SCAN_WHILE_STARTING = True  # go on scanning here while the workers start (tests: False)
# ...while the next file is this light at most: a heavier one would keep this process busy
# after the workers are up, with nothing sent to them (a dense CSV takes seconds), so it
# waits for them, and the files behind it too.
WARM_SCAN_BYTES = 64 * 1024
# Workers not ready after this long are taken for stuck: the rest is scanned here.
POOL_START_SECONDS = 60.0
IN_FLIGHT_PER_JOB = 2  # tasks queued per worker: keeps workers busy, memory flat
MAX_PENDING = 4096  # walk entries held at most while waiting for an earlier file
MAX_RESTARTS = 16  # pool restarts after worker deaths before scanning in this process
WAIT_SECONDS = 0.25  # poll interval while waiting for workers
PRELOAD = ["piiscan.run.pool", "piiscan.run._preload"]  # imported once by the fork server

WORKER_DIED = ("the worker process scanning this file died (a crash in a parser library, or "
               "out of memory) — not scanned")


# --- worker side -------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkerSpec:
    """What a worker needs to scan as the parent does (pickled once per worker); with a
    ``suppressor``, it also finishes each file (``Finisher.finish_for_run``) and sends the
    findings packed (``run.spill.pack``), so the parent never builds them."""

    settings: Settings
    rules_digest: str
    keys: Keys
    suppressor: Suppressor | None = None
    for_cache: bool = False  # encode each result for the state cache (``complete``)


_rules: CompiledRules | None = None
_spec: WorkerSpec | None = None
_worker_error = "the worker was not initialised"


def _init_worker(spec: WorkerSpec) -> None:
    """Pool initializer: compile this worker's rules once."""
    global _rules, _spec, _worker_error
    from piiscan import lifeline

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; it stops us
    lifeline.arm()  # and if it dies, even by SIGKILL, we go too
    try:
        rules = CompiledRules.load(spec.settings)
        if rules.digest != spec.rules_digest:
            _worker_error = "the rules loaded in a worker differ from the parent's"
            return
        _rules, _spec = rules, spec
    except Exception as exc:
        _worker_error = f"a worker could not start: {type(exc).__name__}: {exc}"


def _ping() -> str:
    """The first task of every pool: empty when the worker has its rules, else why not."""
    return "" if _rules is not None else _worker_error


def _scan_batch(refs: list[FileRef]) -> bytes | str:
    """One task: scan these files; the results come back pickled (``_unpickle``). A string
    says the worker has no rules, and why."""
    if _rules is None or _spec is None:
        return _worker_error
    import pickle

    batch = [scan_file(ref, _rules, _spec.settings, _spec.keys) for ref in refs]
    finish = None
    if _spec.suppressor is not None:
        from piiscan.run.finish import Finisher

        finish = Finisher(_spec.settings, _rules, _spec.suppressor)
    if finish is not None or _spec.for_cache:
        from piiscan.run.spill import pack

        for result in batch:
            complete(result, finish, _spec.for_cache)
            if finish is not None:
                result.findings = pack(result.findings)
    return pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)


def complete(result: FileResult, finish: Finisher | None, for_cache: bool) -> None:
    """What the process that scanned a file does before handing it on: encode it as the
    state cache stores it (``FileResult.cache_entry``, before any finishing: allowlists and
    verdicts may change by the next run), then finish it, when asked to."""
    if for_cache:
        from piiscan.state.codec import encode_result

        result.cache_entry = encode_result(result)
    if finish is not None:
        finish.finish_for_run(result)


def _unpickle(data: bytes) -> list[FileResult]:
    """Results of a batch, unpickled with the cyclic garbage collector paused: thousands of
    findings are as many new objects, and collections triggered by them (over everything
    the run holds) cost more than the unpickling itself. They are then moved out of the
    collector's sight (``gc.freeze``) until the run ends (``run.session.HeldResults``):
    the parent holds them for the reports, and they hold no cycles."""
    import pickle

    enabled = gc.isenabled()
    gc.disable()
    try:
        batch: list[FileResult] = pickle.loads(data)
        gc.freeze()
    finally:
        if enabled:
            gc.enable()
    return batch


def warm() -> None:
    """Load what every worker needs (the built-in rules, their compiled patterns and the
    recognizers' dictionaries) in the fork server, once: workers forked from it share those
    pages instead of each loading its own copy (run by ``piiscan.run._preload``). The
    Hyperscan databases are built here too, so that workers find them in the compiled
    cache rather than each compiling its own."""
    from piiscan.config import Settings
    from piiscan.models import Location, Segment

    rules = CompiledRules.load(Settings())
    _ = rules.snippet_words  # compiled once here, shared by every worker
    for header in WARM_HEADERS:
        rules.engine.scan(Segment(WARM_TEXT, Location("warm"), header=header))
    shapes = rules.engine.shape_scanner()  # rules.shapes: only texts over SHORT_TEXT use it
    if shapes is not None:
        shapes.shaped()


WARM_TEXT = ("氏名 山田 太郎（ヤマダ タロウ）様 生年月日 1980年4月1日 住所 〒100-0001 東京都千代田区千代田1-1 "
             "電話 090-1234-5678 マイナンバー 1234 5678 9018 メール taro@mail.jp 既往歴 糖尿病")
WARM_HEADERS = (None, "氏名", "フリガナ", "住所", "電話番号")


# --- parent side -------------------------------------------------------------------------


class _Slot:
    """One walk entry on its way to the reporters."""

    __slots__ = ("isolated", "ref", "result", "seq")

    def __init__(self, seq: int, ref: FileRef | None = None,
                 result: FileResult | Skip | None = None) -> None:
        self.seq = seq
        self.ref = ref  # set when this process or a worker scans the file
        self.result = result
        self.isolated = False  # scanned alone to find the file that kills workers


def _ref(slot: _Slot) -> FileRef:
    assert slot.ref is not None
    return slot.ref


def _weight(ref: FileRef) -> int:
    """A file's share of a batch: its size, more for compressed containers."""
    suffix = os.path.splitext(ref.path)[1].lower()
    return ref.size * (PACKED_WEIGHT if suffix in PACKED else 1)


def enqueue(slot: _Slot, item: FileRef | Skip, pending: deque[_Slot], todo: deque[_Slot],
            cache: FileCache | None) -> None:
    """A walk entry joins the queue: a skip or a cached result is ready at once, any other
    file is to be scanned (``todo``). Shared with the cluster (run.cluster)."""
    pending.append(slot)
    if isinstance(item, Skip):
        slot.result = item
        return
    cached = cache.get(item) if cache is not None else None
    if cached is not None:
        slot.result = cached
        return
    slot.ref = item
    todo.append(slot)


def hand_on(pending: deque[_Slot], cache: FileCache | None) -> Iterator[FileResult | Skip]:
    """The finished entries at the front of ``pending``, in walk order; a fresh result is
    written to the cache just before it is handed on, as ``--jobs 1`` does."""
    while pending and pending[0].result is not None:
        slot = pending.popleft()
        result = slot.result
        assert result is not None
        if slot.ref is not None and isinstance(result, FileResult) and cache is not None:
            cache.put(slot.ref, result)
            result.cache_entry = None
        yield result


def take_batch(todo: deque[_Slot], partial: bool, max_files: int, max_bytes: int
               ) -> list[_Slot]:
    """The next batch, taken from the front of ``todo``: up to ``max_files`` files or
    ``max_bytes`` weighted bytes (a heavier file, or one being isolated, goes alone). A
    batch that is not full is taken only if ``partial``; else none ([])."""
    batch: list[_Slot] = []
    size = 0
    for slot in todo:
        weight = _weight(_ref(slot))
        if batch and (slot.isolated or len(batch) == max_files or size + weight > max_bytes):
            break
        batch.append(slot)
        size += weight
        if slot.isolated:
            break
    full = len(batch) < len(todo) or len(batch) == max_files or size >= max_bytes
    if not (full or partial):
        return []
    for _ in batch:
        todo.popleft()
    return batch


def _died(ref: FileRef) -> FileResult:
    result = FileResult(file=ref)
    result.skips.append(Skip(ref.display, WORKER_DIED))
    return result


# WAIT: no pool yet, files scanned here; WARMING: the pool starts, files still scanned here;
# POOL: workers scan; LOCAL: everything here (--jobs 1, or the pool could not work)
WAIT, WARMING, POOL, LOCAL = "wait", "warming", "pool", "local"


class PoolScan:
    """The parent's bookkeeping for one ``scan_in_pool`` run."""

    def __init__(self, rules: CompiledRules, settings: Settings, keys: Keys,
                 cache: FileCache | None, jobs: int, finish: Finisher | None = None) -> None:
        self.rules = rules
        self.settings = settings
        self.keys = keys
        self.cache = cache
        self.finish = finish  # files scanned here are finished too, as the workers do
        self.jobs = max(1, jobs)
        self.max_in_flight = IN_FLIGHT_PER_JOB * self.jobs
        self.mode = WAIT if self.jobs > 1 else LOCAL
        self.pending: deque[_Slot] = deque()  # every walk entry not yet handed on, in order
        self.todo: deque[_Slot] = deque()  # files to scan, not yet sent
        self.suspects: deque[_Slot] = deque()  # files in flight when a worker died
        self.in_flight: dict[Future[bytes | str], list[_Slot]] = {}
        self.executor: ProcessPoolExecutor | None = None
        self.ping: Future[str] | None = None  # the current pool's first task
        self.pool_since = 0.0  # when the current pool was started (time.monotonic)
        self.seq = 0
        self.local_seconds = 0.0  # spent scanning in this process while no pool runs
        self.restarts = 0
        self.pools_started = 0

    # the loop

    def results(self, items: Iterator[FileRef | Skip]) -> Iterator[FileResult | Skip]:
        walking = True
        while True:
            yield from self._ready()
            if self.mode == WAIT and self.todo and self.local_seconds >= POOL_AFTER_SECONDS:
                if walking and len(self.todo) <= self.jobs and not self._crowded():
                    walking = self._walk_one(items)  # look ahead: is enough work left?
                    continue
                if (walking or len(self.todo) > self.jobs or self._bytes_left() >=
                        POOL_MIN_BYTES_LEFT) and self._start_pool():
                    self.mode = WARMING  # this process scans on while the workers start
            if self.mode == WARMING and self._pool_started():
                if self._pool_works():
                    self.mode = POOL
                else:
                    self._fall_back([])
            if self.mode == WARMING and self.todo and (
                    not SCAN_WHILE_STARTING or _weight(_ref(self.todo[0])) > WARM_SCAN_BYTES):
                self._wait()
            elif self.mode != POOL and self.todo:
                self._scan_here(self.todo.popleft())
            elif self.mode == POOL and self.suspects:
                if self.in_flight or not self._pool_started():
                    self._wait()
                else:
                    self._isolate(self.suspects.popleft())
            elif self.mode == POOL and self._submit(partial=not walking or self._crowded()
                                                    or len(self.in_flight) < self.jobs):
                pass
            elif walking and not self._crowded():
                walking = self._walk_one(items)
            elif self.mode == POOL and self.in_flight:
                self._wait()
            elif not self.pending:
                return
            else:  # pragma: no cover - every pending entry is scanned, queued or in flight
                raise AssertionError("parallel scan stalled")

    def _walk_one(self, items: Iterator[FileRef | Skip]) -> bool:
        """Take the next walk entry; False once the walk is over."""
        item = next(items, None)
        if item is None:
            return False
        self._add(item)
        return True

    def _bytes_left(self) -> int:
        return sum(_ref(slot).size for slot in self.todo)

    def _crowded(self) -> bool:
        return len(self.pending) >= MAX_PENDING or (
            self.mode == POOL and len(self.in_flight) >= self.max_in_flight)

    def _ready(self) -> Iterator[FileResult | Skip]:
        return hand_on(self.pending, self.cache)

    def _add(self, item: FileRef | Skip) -> None:
        self.seq += 1
        enqueue(_Slot(self.seq), item, self.pending, self.todo, self.cache)

    def _scan_here(self, slot: _Slot) -> None:
        start = time.monotonic()
        slot.result = scan_file(_ref(slot), self.rules, self.settings, self.keys)
        if self.finish is not None:  # else the cache encodes the result as it is handed on
            complete(slot.result, self.finish, self.cache is not None)
        if self.mode == WAIT:
            self.local_seconds += time.monotonic() - start

    # the pool

    def _start_pool(self) -> bool:
        """Start a pool; False when the system will not give one (no semaphores where
        /dev/shm is missing, a helper process that cannot start): then the rest is scanned
        here, as when the workers cannot load the rules."""
        try:
            self.executor = self._new_executor()
        except OSError:
            self._fall_back([])
            return False
        return True

    def _new_executor(self) -> ProcessPoolExecutor:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from piiscan import lifeline

        lifeline.export()  # the fork server and the workers die with this process
        context: BaseContext
        if "forkserver" in multiprocessing.get_all_start_methods():
            forkserver = multiprocessing.get_context("forkserver")
            forkserver.set_forkserver_preload(PRELOAD)  # no effect once the server runs
            context = forkserver
        else:  # pragma: no cover - Windows
            context = multiprocessing.get_context("spawn")
        spec = WorkerSpec(self.settings, self.rules.digest, self.keys,
                          self.finish.suppressor if self.finish is not None else None,
                          for_cache=self.cache is not None)
        self.pools_started += 1
        executor = ProcessPoolExecutor(max_workers=self.jobs, mp_context=context,
                                       initializer=_init_worker, initargs=(spec,))
        with held():  # a submit may start a worker (see _send)
            self.ping = executor.submit(_ping)
        self.pool_since = time.monotonic()
        return executor

    def _pool_started(self) -> bool:
        return self.ping is None or self.ping.done()

    def _pool_works(self) -> bool:
        """Whether the current pool's workers started and compiled their rules."""
        ping = self.ping
        return (ping is not None and ping.done() and ping.exception() is None
                and ping.result() == "")

    def _submit(self, partial: bool) -> bool:
        """Send the next batch from ``todo``; a batch that is not full only if ``partial``."""
        if not self.todo or len(self.in_flight) >= self.max_in_flight:
            return False
        batch = take_batch(self.todo, partial, BATCH_FILES, BATCH_BYTES)
        if batch:
            self._send(batch)
        return bool(batch)

    def _send(self, batch: list[_Slot]) -> None:
        from concurrent.futures.process import BrokenProcessPool

        assert self.executor is not None
        try:
            # A submit may start a worker: a Ctrl-C waits until the pool knows its pid, so
            # that stopping the pool kills it (cut short, it outlives the run).
            with held():
                future = self.executor.submit(_scan_batch, [_ref(s) for s in batch])
        except BrokenProcessPool:
            for slot in reversed(batch):
                (self.suspects if slot.isolated else self.todo).appendleft(slot)
                slot.isolated = False
            self._restart()
            return
        self.in_flight[future] = batch

    def _isolate(self, slot: _Slot) -> None:
        slot.isolated = True
        self._send([slot])

    def _wait(self) -> None:
        from concurrent.futures import FIRST_COMPLETED, wait

        if self.ping is not None and not self.ping.done():
            waiting: list[Future[Any]] = [self.ping, *self.in_flight]
            wait(waiting, timeout=WAIT_SECONDS, return_when=FIRST_COMPLETED)
            if self.ping.done() and not self._pool_works():
                self._fall_back([])
            elif not self.ping.done() and \
                    time.monotonic() - self.pool_since > POOL_START_SECONDS:
                self._fall_back([])  # workers that never come up must not stall the run
            return
        done, _ = wait(list(self.in_flight), timeout=WAIT_SECONDS,
                       return_when=FIRST_COMPLETED)
        for future in sorted(done, key=lambda f: self.in_flight[f][0].seq):
            if future in self.in_flight:  # a restart may have taken it back already
                self._collect(future)

    def _collect(self, future: Future[bytes | str]) -> None:
        from concurrent.futures.process import BrokenProcessPool

        slots = self.in_flight.pop(future)
        try:
            out = future.result()
        except BrokenProcessPool:
            if not self._pool_works():
                self._fall_back(slots)
                return
            for slot in slots:
                self._blame_or_suspect(slot)
            self._restart()
            return
        except Exception as exc:  # e.g. a result that could not be pickled
            if len(slots) == 1:
                assert slots[0].ref is not None
                slots[0].result = internal_error(slots[0].ref, exc)
            else:
                self.suspects.extend(slots)
                self._sort_suspects()
            return
        if isinstance(out, str):  # the worker has no rules: scan here instead
            self._fall_back(slots)
            return
        for slot, result in zip(slots, _unpickle(out), strict=True):
            slot.result = result

    def _blame_or_suspect(self, slot: _Slot) -> None:
        if slot.isolated:  # it ran alone, so it is the one that killed the worker
            assert slot.ref is not None
            slot.result = _died(slot.ref)
        else:
            self.suspects.append(slot)

    def _sort_suspects(self) -> None:
        self.suspects = deque(sorted(self.suspects, key=lambda s: s.seq))

    def _restart(self) -> None:
        """The pool broke: everything in flight is suspect; start a new pool. A pool whose
        workers never started blames no file: the rest is scanned in this process."""
        if not self._pool_works():
            self._fall_back([])
            return
        for slots in self.in_flight.values():
            for slot in slots:
                self._blame_or_suspect(slot)
        self.in_flight.clear()
        self._sort_suspects()
        self._stop(kill=True)
        self.restarts += 1
        if self.restarts > MAX_RESTARTS:
            self._fall_back([])
        else:
            self._start_pool()

    def _fall_back(self, slots: list[_Slot]) -> None:
        """Scan the rest in this process (what ``--jobs 1`` does)."""
        back = [*slots, *self.suspects, *(s for b in self.in_flight.values() for s in b)]
        self.in_flight.clear()
        self.suspects.clear()
        self._stop(kill=True)
        self.todo = deque(sorted([*self.todo, *back], key=lambda s: s.seq))
        self.mode = LOCAL

    def _stop(self, kill: bool) -> None:
        executor, self.executor = self.executor, None
        if executor is None:
            return
        if kill:
            terminate = getattr(executor, "kill_workers", None)  # Python 3.14
            if terminate is not None:  # pragma: no cover - newer Pythons
                terminate()
            else:
                processes: dict[int, Any] = getattr(executor, "_processes", None) or {}
                for process in list(processes.values()):
                    process.kill()
        executor.shutdown(wait=True, cancel_futures=True)

    def close(self, finished: bool) -> None:
        self._stop(kill=not finished or self.mode != POOL)


def scan_in_pool(items: Iterator[FileRef | Skip], rules: CompiledRules, settings: Settings,
                 keys: Keys, cache: FileCache | None = None, jobs: int | None = None,
                 finish: Finisher | None = None) -> Iterator[FileResult | Skip]:
    """Results in walk order, files scanned by ``jobs`` (default: the settings') worker
    processes; unscored, or finished by ``finish`` (then with their ``tally``) wherever
    they were scanned. Closing the iterator stops the workers."""
    run = PoolScan(rules, settings, keys, cache, settings.jobs if jobs is None else jobs,
                   finish)
    finished = False
    try:
        yield from run.results(items)
        finished = True
    finally:
        run.close(finished)
