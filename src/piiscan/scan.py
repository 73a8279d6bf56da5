"""Scan one file: extract -> match -> masked findings. A pure function of (file, rules,
settings), so it can run in a process pool; ``scan_paths`` wires it to the walker.
"""

from __future__ import annotations

import bisect
import gc
import os
import signal
import threading
import time
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from types import FrameType
from typing import TYPE_CHECKING, Protocol

from piiscan.config import Settings
from piiscan.extract import (
    Blob,
    BudgetExceeded,
    ExtractContext,
    extract_blob,
    unsupported_reason,
)
from piiscan.extract.encoding import SAMPLE_BYTES, sniff_encoding
from piiscan.extract.sniff import detect_kind
from piiscan.link import DocumentSignals, demote_samples, link_sensitive
from piiscan.mask import Fingerprinter, mask_snippet, mask_value
from piiscan.models import (
    FileRef,
    FileResult,
    Finding,
    Level,
    Location,
    Match,
    Note,
    ScanResult,
    Segment,
    Skip,
    SkipKind,
)
from piiscan.rules.engine import Engine
from piiscan.rules.loader import RuleSet
from piiscan.rules.rule import Rule
from piiscan.score import score_file
from piiscan.sources.walk import iter_sources
from piiscan.suppress import BASELINE, INLINE, MARKER, Suppressor, inline_ignored

if TYPE_CHECKING:
    from piiscan.state.baseline import BaselineMatcher


@dataclass
class Scanner:
    """Rules and settings compiled once, applied to many files."""

    ruleset: RuleSet
    settings: Settings
    fingerprint: Fingerprinter
    suppressor: Suppressor | None = None  # allowlists, --no-ignore, --new-only
    baseline: BaselineMatcher | None = None  # marks baselined values while scanning

    def __post_init__(self) -> None:
        self.engine = Engine(self.ruleset.rules, self.settings.limits.regex_seconds)
        self.rules = self.ruleset.by_id()
        if self.suppressor is None:
            self.suppressor = Suppressor.build(no_ignore=self.settings.no_ignore,
                                               allow_paths=self.settings.allow_paths)

    def scan_file(self, ref: FileRef) -> FileResult:
        return self.finish(self.scan_raw(ref))

    def finish(self, result: FileResult) -> FileResult:
        """What is applied after the incremental cache, to fresh and stored results alike:
        allowlists, --no-ignore, --new-only, then the risk score."""
        if self.suppressor is not None:
            self.suppressor.apply(result)
        score_file(result, self.settings)
        return result

    def scan_raw(self, ref: FileRef) -> FileResult:
        """Findings of one file, inline-ignore and baseline labels included, not yet scored:
        what the state caches."""
        started = time.monotonic()
        result = FileResult(file=ref)
        limits = self.settings.limits
        blob = Blob(os.path.basename(ref.display), Location(ref.display), path=ref.path,
                    size=ref.size)
        candidates: list[Finding] = []
        signals = DocumentSignals()
        if ref.size > limits.max_file_size:
            self._too_large(blob, result)
        else:
            ctx = ExtractContext(limits=limits, chunk_chars=self.settings.chunk_chars,
                                 deadline=started + limits.seconds_per_file,
                                 ocr=self.settings.ocr)
            try:
                self._consume(extract_blob(blob, ctx, include_name=True), result, ctx,
                              candidates, signals)
            except BudgetExceeded as exc:
                partial = " (findings before that point are reported)" if result.findings else ""
                result.skips.append(Skip(ref.display, f"{exc}{partial}"))
            except FileNotFoundError:
                result.skips.append(Skip(ref.display, "file vanished before it could be read"))
            except PermissionError:
                result.skips.append(Skip(ref.display, "permission denied"))
            except OSError as exc:
                result.skips.append(Skip(ref.display, f"cannot read: {exc.strerror or exc}"))
            result.encoding = ", ".join(ctx.encodings) or None
            result.kind = ctx.kind
        self._keep_confident(demote_samples(link_sensitive(candidates, signals), signals), result)
        result.elapsed = time.monotonic() - started
        return result

    def _too_large(self, blob: Blob, result: FileResult) -> None:
        """An over-size file is an incomplete scan, unless its head shows it is a kind
        piiscan does not read anyway (a video, a disk image)."""
        try:
            kind = detect_kind(blob)
            if kind == "text" and sniff_encoding(blob.head(SAMPLE_BYTES)) is None:
                kind = "binary"
        except OSError:
            kind = "unknown"
        result.kind = kind
        reason = unsupported_reason(kind, self.settings.ocr)
        if reason is not None:
            result.skips.append(Skip(blob.display, reason, SkipKind.UNSUPPORTED))
            return
        limit_mib = self.settings.limits.max_file_size / (1024 * 1024)
        result.skips.append(Skip(blob.display,
                                 f"larger than --max-file-size ({limit_mib:g} MiB) — not scanned"))

    def _consume(self, items: Iterator[Segment | Skip | Note], result: FileResult,
                 ctx: ExtractContext, candidates: list[Finding], signals: DocumentSignals
                 ) -> None:
        recent = RecentText()
        for item in items:
            if isinstance(item, Segment):
                ctx.check_time()
                signals.feed(item)
                item = recent.attach(item)
                self._findings(item, self.engine.scan(item), candidates)
            elif isinstance(item, Skip):
                result.skips.append(item)
            elif item.text.startswith("inventory:"):
                result.inventory.append(item.text.partition(":")[2])
            else:
                result.notes.append(item.text)
        for rule_id in sorted(set(self.engine.stats.timeouts)):
            result.notes.append(f"rule {rule_id} timed out on part of this file; that part "
                                "was not checked by it")
        self.engine.stats.timeouts.clear()

    def _findings(self, segment: Segment, matches: list[Match], out: list[Finding]) -> None:
        if not matches:
            return
        matches = _best_per_span(matches, self.rules)
        spans = [(m.start, m.end) for m in matches]
        line_starts = _line_starts(segment.text) if segment.line_based else None
        ignore_text = segment.text if MARKER in segment.text else None
        for m in matches:
            finding = self._finding(self.rules[m.rule_id], m, segment, spans, line_starts)
            out.append(self._label(finding, m, ignore_text))

    def _label(self, f: Finding, m: Match, ignore_text: str | None) -> Finding:
        """Suppressions that need the line or the value: ``piiscan:ignore`` and the baseline."""
        if ignore_text is not None and inline_ignored(ignore_text, m.start, m.end, f.type):
            return replace(f, suppressed_by=INLINE)
        if self.baseline is not None and self.baseline.check(
                f.location.path, f.type, f.rule_id, m.value, f.fingerprint):
            return replace(f, suppressed_by=BASELINE)
        return f

    def _keep_confident(self, findings: list[Finding], result: FileResult) -> None:
        """Findings under --min-confidence are counted, not listed. This happens after the
        whole file is read, because linking can move a finding either way."""
        floor = self.settings.min_confidence
        for f in findings:
            if f.confidence >= floor:
                result.findings.append(f)
            else:
                result.below_threshold += 1

    def _finding(self, rule: Rule, m: Match, segment: Segment, spans: list[tuple[int, int]],
                 line_starts: list[int] | None) -> Finding:
        location = segment.location
        if line_starts is not None:
            index = bisect.bisect_right(line_starts, m.start) - 1
            location = replace(location, line=segment.first_line + index,
                               column=m.start - line_starts[index] + 1)
        masked = mask_value(m.value, rule.mask)
        width = self.settings.context_chars
        # Spans are sorted by start; only those inside this snippet need masking. (A span
        # starting before the snippet is at most as long as the longest match.)
        first = bisect.bisect_left(spans, (m.start - width - 256, 0))
        last = bisect.bisect_right(spans, (m.end + width, len(segment.text)))
        # The snippet stays inside the text this segment owns: borrowed context (a chunk's
        # overlap, the paragraph before) holds values this segment did not mask.
        lo = segment.scan_start
        hi = segment.scan_end if segment.scan_end is not None else len(segment.text)
        others = [(s - lo, e - lo) for s, e in spans[first:last] if (s, e) != (m.start, m.end)]
        return Finding(
            type=rule.type,
            rule_id=rule.id,
            rule_name=rule.name,
            category=rule.category,
            severity=rule.severity,
            confidence=m.confidence,
            reasons=m.reasons,
            location=location,
            masked_value=masked,
            masked_snippet=mask_snippet(segment.text[lo:hi], m.start - lo, m.end - lo, masked,
                                        others, self.settings.context_chars),
            fingerprint=self.fingerprint(rule.type, m.value),
            value=m.value if self.settings.show_values else None,
            hidden=segment.hidden,
            record=segment.record,
        )


class RecentText:
    """The end of the text before a segment, in the same part of the file.

    A heading or letterhead one paragraph up (記入例, 株式会社…, 個人情報保護方針) is context
    for the values below it, but DOCX paragraphs and HTML blocks arrive one by one. Each
    such segment gets the tail of the text before it as borrowed context: seen by context
    and exclusion keywords, never matched or shown. Table cells (rows are their own
    context) and chunks of large text (they carry their own overlap) are left alone.
    """

    CHARS = 240

    def __init__(self) -> None:
        self.key: tuple[object, ...] | None = None
        self.tail = ""

    def attach(self, seg: Segment) -> Segment:
        loc = seg.location
        if seg.record is not None or seg.scan_start or seg.scan_end is not None \
                or loc.part == "filename":
            return seg
        key = (loc.members, loc.page, loc.sheet, loc.slide, loc.part)
        if key != self.key:
            self.key, self.tail = key, ""
        before = self.tail
        self.tail = (self.tail + "\n" + seg.text)[-self.CHARS:]
        if not before:
            return seg
        return replace(seg, text=f"{before}\n{seg.text}", scan_start=len(before) + 1,
                       first_line=seg.first_line - before.count("\n") - 1)


def _best_per_span(matches: list[Match], rules: dict[str, Rule]) -> list[Match]:
    """Two rules of one type on the same span (a phone rule and its toll-free variant)
    are one finding: keep the most confident."""
    best: dict[tuple[str, int, int], Match] = {}
    for m in matches:
        key = (rules[m.rule_id].type, m.start, m.end)
        if key not in best or m.confidence > best[key].confidence:
            best[key] = m
    return sorted(best.values(), key=lambda m: (m.start, m.end))


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts


def now_iso() -> str:
    return datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")


class FileCache(Protocol):
    """Stored results of unchanged files (piiscan.state.store.ResultCache)."""

    def get(self, ref: FileRef) -> FileResult | None: ...

    def put(self, ref: FileRef, result: FileResult) -> None: ...


def scan_paths(paths: Iterable[str], scanner: Scanner,
               on_file: Callable[[FileResult], None] | None = None,
               cache: FileCache | None = None) -> ScanResult:
    """Walk the paths and scan every file, in a deterministic order. With a ``cache``,
    unchanged files reuse their stored result."""
    settings = scanner.settings
    result = ScanResult(roots=list(paths), started=now_iso(),
                        rules_digest=scanner.ruleset.digest, settings=settings.as_dict())
    results = _raw_results(iter_sources(result.roots, settings), scanner, cache)
    keeper = HeldResults()
    try:
        for item in results:
            if isinstance(item, Skip):
                if item.kind == SkipKind.EXCLUDED:
                    result.excluded += 1
                else:
                    result.skips.append(item)
                continue
            file_result = scanner.finish(item)
            result.files.append(file_result)
            keeper.add(file_result)
            result.low_confidence_hidden += file_result.below_threshold
            for f in file_result.findings:
                if f.suppressed_by is not None:
                    result.suppressed[f.suppressed_by] = result.suppressed.get(
                        f.suppressed_by, 0) + 1
            if on_file is not None:
                on_file(file_result)
    except KeyboardInterrupt:
        result.complete = False
    finally:
        results.close()  # stops the worker pool, however the loop ends
        keeper.release()
    result.finished = now_iso()
    return result


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
        gc.unfreeze()  # also what the pool's parent froze (parallel._unpickle)


def _raw_results(items: Iterator[FileRef | Skip], scanner: Scanner, cache: FileCache | None
                 ) -> Generator[FileResult | Skip, None, None]:
    """Unscored results in walk order; skips pass through. With ``jobs`` above 1 the files
    are scanned in worker processes (piiscan.parallel), still in this order."""
    if scanner.settings.jobs > 1:
        from piiscan.parallel import scan_in_pool

        yield from scan_in_pool(items, scanner, cache)
        return
    for item in items:
        if isinstance(item, Skip):
            yield item
            continue
        file_result = cache.get(item) if cache is not None else None
        if file_result is None:
            file_result = scan_one(scanner, item)
            if cache is not None:
                cache.put(item, file_result)
        yield file_result


def scan_one(scanner: Scanner, ref: FileRef) -> FileResult:
    """``scan_raw`` that does not raise: a bug in piiscan on one file becomes a Skip that
    names it (exit 3), not the end of a nightly scan or an exit code read as findings."""
    try:
        return scanner.scan_raw(ref)
    except Exception as exc:
        scanner.engine.stats.timeouts.clear()
        text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
        result = FileResult(file=ref)
        result.skips.append(Skip(ref.display, f"internal error in piiscan while scanning "
                                              f"this file ({detail[:200]}); please report it"))
        return result


def fail_level_reached(result: ScanResult, fail_on: Level) -> bool:
    return any(f.severity >= fail_on and f.suppressed_by is None
               for fr in result.files for f in fr.findings)


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) arrived during a scan: ``scan_paths`` ends the run incomplete."""


class SignalGuard:
    """Turns SIGTERM and SIGINT into ``Interrupted`` in the main thread, once.

    The first signal stops the scan at the next Python instruction; state transactions
    roll back, finished files stay stored, and the run is written out as incomplete (exit
    4). After ``settle()`` -- called when the scan loop is over -- signals are ignored, so
    writing the state and the reports is never cut in half. A run that hangs while writing
    can still be killed with SIGKILL; SQLite and the atomic report writes stay consistent.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.received: int | None = None
        self._settled = False
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None or self._settled:
            self.received = self.received or signum
            return
        self.received = signum
        raise Interrupted(signal.Signals(signum).name)

    def settle(self) -> None:
        self._settled = True

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self._previous.clear()
