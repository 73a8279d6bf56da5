"""One run with its surroundings: walk, cache, pool, baseline, suppressions, scoring, state.

    CLI ──> ScanSession.run(paths)
              walk (sources) ─> cache hit? ─> scan_file (here or in the pool)
              ─> baseline ─> suppressions ─> score ─> on_file (progress, streamed reports)
              ─> ScanResult, recorded in the state

The CLI builds a ``ScanSession`` and calls ``run``; everything that needs the state lock
happens between ``__enter__`` and ``__exit__``, so the lock is released however the run ends.
The per-file scan (``piiscan.scan.scan_file``) knows none of this.
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from piiscan import __version__
from piiscan.clock import now_iso
from piiscan.errors import UsageError
from piiscan.mask import Fingerprinter, Keys
from piiscan.models import FileRef, FileResult, Level, ScanResult, Skip, SkipKind
from piiscan.record import build_run_record
from piiscan.run.baseline import BaselineMatcher
from piiscan.run.cache import FileCache, RunCache, Source
from piiscan.run.finish import Finisher
from piiscan.run.guard import held
from piiscan.run.spill import Spill
from piiscan.scan import CompiledRules, scan_file
from piiscan.score import RunTally, tally
from piiscan.sources import is_url
from piiscan.sources.walk import iter_sources
from piiscan.state.baseline import BASELINE_FILE, Baseline, Entry
from piiscan.suppress import Suppressor

if TYPE_CHECKING:
    from piiscan.config import Settings
    from piiscan.edm.match import EdmMatcher
    from piiscan.rules.loader import RuleSet
    from piiscan.run.guard import SignalGuard
    from piiscan.state.store import StateStore


@dataclass
class SessionOptions:
    state: Path | None = None
    baseline: Path | None = None
    new_only: bool = False
    allow_values: tuple[str, ...] = ()
    root: Path = field(default_factory=Path.cwd)  # allow_paths are relative to this
    collect: Baseline | None = None  # baseline create/update: fingerprint every finding
    key: bytes | None = None  # fingerprint key; default: the state's, else random per run
    key_file: Path | None = None  # the state's fingerprint key, kept outside it
    edm: EdmMatcher | None = None  # exact data match against a customer master (--edm)


@dataclass
class SessionOutcome:
    """What a run learned beyond the ScanResult, for the CLI to print."""

    run_id: int | None = None
    cache_hits: int = 0
    cache_misses: int = 0
    stale: list[Entry] = field(default_factory=list)
    audited: dict[str, int] = field(default_factory=dict)
    previous_run: int | None = None
    collected: set[Entry] = field(default_factory=set)


def find_baseline(config_dir: Path | None) -> Path | None:
    """``.piiscan-baseline.json`` next to the config file, in the current folder, or at the
    root of the git work tree around it, whichever exists first."""
    cwd = Path.cwd()
    candidates = [config_dir] if config_dir is not None else []
    candidates.append(cwd)
    for folder in (cwd, *cwd.parents):
        if (folder / ".git").exists():
            candidates.append(folder)
            break
    for folder in candidates:
        if (folder / BASELINE_FILE).is_file():
            return folder / BASELINE_FILE
    return None


def cache_digest(ruleset: RuleSet, settings: Settings, edm: EdmMatcher | None = None) -> str:
    """Everything that changes what one file yields: piiscan's version, the rules, the
    settings (Settings.digest leaves out those applied after the cache), the customer
    master's index and key (--edm)."""
    from piiscan.state.codec import CODEC_VERSION

    blob = "\0".join((__version__, str(CODEC_VERSION), ruleset.digest, settings.digest(),
                      edm.digest if edm is not None else ""))
    return hashlib.sha256(blob.encode()).hexdigest()[:32]


class ScanSession:
    def __init__(self, ruleset: RuleSet, settings: Settings, options: SessionOptions) -> None:
        self.rules = CompiledRules(ruleset, settings.limits.regex_seconds)
        self.settings = settings
        self.options = options
        self.store: StateStore | None = None
        self.outcome = SessionOutcome()
        self.baseline: Baseline | None = None
        self.matcher: BaselineMatcher | None = None
        self._scanned: set[str] = set()

    @property
    def ruleset(self) -> RuleSet:
        return self.rules.ruleset

    def __enter__(self) -> ScanSession:
        opts = self.options
        if opts.new_only and opts.state is None:
            raise UsageError("--new-only needs a state database: add --state")
        if opts.edm is not None:
            opts.edm.check_rules(self.ruleset)
        if opts.collect is not None:
            self.baseline = opts.collect
            self.matcher = BaselineMatcher(opts.collect, collect=True)
        elif opts.baseline is not None:
            self.baseline = Baseline.load(opts.baseline)
            self.matcher = BaselineMatcher(self.baseline)
        if opts.key_file is not None and opts.state is None:
            raise UsageError("--key-file is the key of a state database: add --state")
        if opts.state is not None:
            from piiscan.state.keyfile import load_key
            from piiscan.state.store import StateStore  # sqlite3: only when a state is used

            key = load_key(opts.key_file) if opts.key_file is not None else None
            self.store = StateStore.open(opts.state, key=key)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def keys(self) -> Keys:
        key = self.options.key
        if key is None and self.store is not None:
            key = self.store.key
        fingerprint = Fingerprinter(key)
        return Keys(fingerprint, self.matcher.hasher() if self.matcher is not None else None,
                    self.options.edm)

    def finisher(self, paths: list[str], keys: Keys) -> Finisher:
        previous = None
        if self.options.new_only and self.store is not None:
            from piiscan.state.diff import present

            run = self.store.previous_complete_run(paths)
            previous = frozenset(present(self.store.findings(run.id))) if run else frozenset()
            self.outcome.previous_run = run.id if run else None
        verdicts = ({fp: v.verdict for fp, v in self.store.verdicts().items()}
                    if self.store is not None else {})
        suppressor = Suppressor.build(
            no_ignore=self.settings.no_ignore, allow_paths=self.settings.allow_paths,
            allow_values=self.options.allow_values, root=str(self.options.root),
            fingerprint=keys.fingerprint, types={r.type for r in self.ruleset.rules},
            previous=previous, verdicts=verdicts)
        return Finisher(self.settings, self.rules, suppressor, self.matcher)

    def _cache(self, source: Source | None) -> RunCache | None:
        if self.store is None or self.settings.show_values or self.options.collect is not None:
            return None  # --show-values needs the values, which the state never holds
        matcher = self.matcher
        bypass = None
        if matcher is not None:
            # Files with baseline entries are always scanned: matching needs the values.
            def bypass(ref: Any) -> bool:
                return matcher.has_entries(ref.path)
        digest = cache_digest(self.ruleset, self.settings, self.options.edm)
        if source is not None:
            return self.store.blob_cache(digest, bypass)
        return self.store.cache(digest, bypass)

    def run(self, paths: list[str], guard: SignalGuard | None = None,
            on_file: Callable[[FileResult], None] | None = None,
            source: Source | None = None) -> ScanResult:
        """Scan ``paths`` (folders and files), or what ``source`` lists (then ``paths`` are
        its roots, as runs in the state record them)."""
        check_sources(paths if source is None else [], self.settings)
        keys = self.keys()
        finish = self.finisher(paths, keys)
        cache = self._cache(source)
        store = self.store
        recorder = store.file_recorder() if store is not None else None
        if store is not None:
            self.outcome.run_id = store.begin_run(paths, now_iso(), self.ruleset.digest,
                                                  self.settings.digest(),
                                                  self.settings.reporting())

        try:
            result = scan_paths(paths, self.rules, self.settings, keys, finish,
                                on_file=on_file, cache=cache, source=source,
                                record=recorder.add if recorder is not None else None)
        finally:
            if guard is not None:
                guard.settle()  # from here on the run is written out, whatever arrives
        if cache is not None:
            cache.flush()
            if result.complete:
                cache.prune(paths)
            self.outcome.cache_hits, self.outcome.cache_misses = cache.hits, cache.misses
        if store is not None and self.outcome.run_id is not None:
            from piiscan.report.json import summary_dict

            counts = summary_dict(result)
            counts["cache"] = {"reused": self.outcome.cache_hits,
                               "scanned": self.outcome.cache_misses}
            store.finish_run(self.outcome.run_id, result, counts, recorder)
        self.outcome.audited = dict(finish.suppressor.audited)
        if self.matcher is not None:
            self._baseline_outcome(result, self.matcher, paths)
        return result

    def _baseline_outcome(self, result: ScanResult, matcher: BaselineMatcher,
                          paths: list[str]) -> None:
        unreadable = {fr.file.display for fr in result.files
                      if any(s.kind.value == "error" for s in fr.skips)}
        scanned = {fr.file.display for fr in result.files} - unreadable
        if matcher.collect:
            self.outcome.collected = {
                matcher.found[key] for fr in result.files for f in fr.findings
                if f.suppressed_by is None
                and (key := (f.location.path, f.type, f.fingerprint)) in matcher.found}
            self._scanned = scanned
        elif result.complete:
            self.outcome.stale = matcher.stale(scanned, paths, unreadable)

    def updated_entries(self, old: set[Entry]) -> set[Entry]:
        """``baseline update``: entries for files this run read are replaced by what it
        found; entries for files it did not read (not given, unreadable) are kept."""
        assert self.baseline is not None
        scanned = {self.baseline.relative(p) for p in self._scanned}
        return {e for e in old if e.path not in scanned} | self.outcome.collected


def check_sources(paths: list[str], settings: Settings) -> None:
    """Before anything is recorded: the URLs and ``--cluster`` are well formed and their
    extras installed (UsageError, exit 2, naming the extra to install)."""
    if settings.cluster is not None:
        from piiscan.run.cluster import check

        check(settings.cluster)
    if any(is_url(p) for p in paths):
        from piiscan.sources import remote

        remote.check(paths)


def scan_paths(paths: Iterable[str], rules: CompiledRules, settings: Settings, keys: Keys,
               finish: Callable[[FileResult], FileResult],
               on_file: Callable[[FileResult], None] | None = None,
               cache: FileCache | None = None, source: Source | None = None,
               record: Callable[[FileResult], None] | None = None) -> ScanResult:
    """Walk the paths (or list the ``source``) and scan every file, in a deterministic
    order. With a ``cache``, unchanged files reuse their stored result. Each file is
    finished (``finish``), then given to ``record`` and ``on_file``, in walk order."""
    roots = list(paths)
    result = ScanResult(roots=roots, started=now_iso(), rules_digest=rules.digest,
                        settings=settings.as_dict(), rules=rules.ruleset.info(),
                        types=rules.types,
                        record=build_run_record(roots, settings, rules.digest,
                                                len(rules.ruleset.rules)))
    items = source.items() if source is not None else iter_sources(result.roots, settings)
    # Workers may finish the files they scan (then the findings come back packed, with
    # their tally, and encoded for the cache as they were before finishing) when finishing
    # needs nothing of this process: no history source (it compares results before), no
    # counts kept (Finisher.portable).
    elsewhere = (finish if isinstance(finish, Finisher) and finish.portable and source is None
                 else None)
    results = _raw_results(items, rules, settings, keys, cache, elsewhere)
    scan_one = partial(_scan_one, rules, settings, keys, cache)
    keeper = HeldResults()
    counts = RunTally(result.types)
    spill = Spill()
    try:
        for item in results:
            if isinstance(item, Skip):
                if item.kind == SkipKind.EXCLUDED:
                    result.excluded += 1
                else:
                    result.skips.append(item)
                continue
            if source is not None:
                prepared = source.prepare(item, scan_one)
                if prepared is None:
                    continue
                item = prepared
            file_result = item if item.tally is not None else finish(item)
            if record is not None:
                record(file_result)
            share = counts.take(file_result, file_result.tally)
            result.files.append(file_result)
            keeper.add(file_result)
            result.low_confidence_hidden += file_result.below_threshold
            for reason, count in share.suppressed.items():
                result.suppressed[reason] = result.suppressed.get(reason, 0) + count
            if on_file is not None:
                with held():  # a streamed report's line is written whole, or not at all
                    on_file(file_result)
            spill.hold(file_result)  # from here on the findings are only read
    except KeyboardInterrupt:
        result.complete = False
    finally:
        results.close()  # stops the worker pool, however the loop ends
        keeper.release()
    result.finished = now_iso()
    # An interrupted run may have listed a file it did not count: then count them again,
    # once, rather than at every report's every question.
    result.tally = counts if result.complete else tally(result)
    return result


def _raw_results(items: Iterator[FileRef | Skip], rules: CompiledRules, settings: Settings,
                 keys: Keys, cache: FileCache | None, elsewhere: Finisher | None = None
                 ) -> Generator[FileResult | Skip, None, None]:
    """Unscored results in walk order; skips pass through. On a cluster (piiscan.run.cluster)
    or with ``jobs`` above 1 (piiscan.run.pool) the files are scanned in other processes,
    still in this order; there a file is also finished by ``elsewhere``, when given (its
    ``tally`` is then set)."""
    if settings.cluster is not None:
        from piiscan.run.cluster import scan_on_cluster

        yield from scan_on_cluster(items, rules, settings, keys, cache)
        return
    if settings.jobs > 1:
        from piiscan.run.pool import scan_in_pool

        yield from scan_in_pool(items, rules, settings, keys, cache, finish=elsewhere)
        return
    for item in items:
        if isinstance(item, Skip):
            yield item
            continue
        yield _scan_one(rules, settings, keys, cache, item)


def _scan_one(rules: CompiledRules, settings: Settings, keys: Keys, cache: FileCache | None,
              ref: FileRef) -> FileResult:
    """One file in this process: its stored result, else ``scan_file`` (then stored)."""
    file_result = cache.get(ref) if cache is not None else None
    if file_result is None:
        file_result = scan_file(ref, rules, settings, keys)
        if cache is not None:
            cache.put(ref, file_result)
    return file_result


class HeldResults:
    """Keeps the cyclic garbage collector off the results a run holds.

    A run keeps every finding until its reports are written: hundreds of thousands of
    objects without cycles, which each full collection would walk again (12% of a run over
    the benchmark share went to that). Every so often the garbage made since the last time
    is collected and everything alive is moved out of the collector's sight (``gc.freeze``),
    so later collections walk only what is new. Garbage is collected before each freeze, so
    nothing that should go is kept; the end of the run gives the objects back.
    """

    FINDINGS = 20_000
    FILES = 2_000

    def __init__(self) -> None:
        self.findings = self.files = 0

    def add(self, file_result: FileResult) -> None:
        self.findings += len(file_result.findings)
        self.files += 1
        if self.findings >= self.FINDINGS or self.files >= self.FILES:
            gc.collect()
            gc.freeze()
            self.findings = self.files = 0

    def release(self) -> None:
        gc.unfreeze()  # also what the pool's parent froze (run.pool._unpickle)


def fail_level_reached(result: ScanResult, fail_on: Level) -> bool:
    worst = tally(result).worst
    return worst is not None and worst >= fail_on


def resolve_state(value: str | bool | None) -> Path | None:
    """The ``state`` setting: None/False -> no state; True/'' -> the default location."""
    if value is None or value is False:
        return None  # without importing the store (sqlite3): a hook run has no state
    from piiscan.state.store import resolve_state_path

    return resolve_state_path(None if value is True else str(value))


def resolve_baseline(value: str | bool | None, config_dir: Path | None) -> Path | None:
    if value is False:
        return None
    if value is True:
        return (config_dir or Path.cwd()) / BASELINE_FILE
    if value:
        return Path(os.path.expanduser(str(value)))
    return find_baseline(config_dir)
