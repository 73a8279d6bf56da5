"""Scan one file: extract -> match -> masked findings. A pure function of (file, rules,
settings), so it can run in a process pool; ``scan_paths`` wires it to the walker.
"""

from __future__ import annotations

import bisect
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from piiscan.config import Settings
from piiscan.extract import UNSUPPORTED, Blob, BudgetExceeded, ExtractContext, extract_blob
from piiscan.extract.encoding import SAMPLE_BYTES, sniff_encoding
from piiscan.extract.sniff import detect_kind
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


@dataclass
class Scanner:
    """Rules and settings compiled once, applied to many files."""

    ruleset: RuleSet
    settings: Settings
    fingerprint: Fingerprinter

    def __post_init__(self) -> None:
        self.engine = Engine(self.ruleset.rules, self.settings.limits.regex_seconds)
        self.rules = self.ruleset.by_id()

    def scan_file(self, ref: FileRef) -> FileResult:
        started = time.monotonic()
        result = FileResult(file=ref)
        limits = self.settings.limits
        blob = Blob(os.path.basename(ref.display), Location(ref.display), path=ref.path,
                    size=ref.size)
        if ref.size > limits.max_file_size:
            self._too_large(blob, result)
        else:
            ctx = ExtractContext(limits=limits, chunk_chars=self.settings.chunk_chars,
                                 deadline=started + limits.seconds_per_file)
            try:
                self._consume(extract_blob(blob, ctx, include_name=True), result, ctx)
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
        result.elapsed = time.monotonic() - started
        score_file(result, self.settings)
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
        if kind in UNSUPPORTED:
            result.skips.append(Skip(blob.display, UNSUPPORTED[kind], SkipKind.UNSUPPORTED))
            return
        limit_mib = self.settings.limits.max_file_size / (1024 * 1024)
        result.skips.append(Skip(blob.display,
                                 f"larger than --max-file-size ({limit_mib:g} MiB) — not scanned"))

    def _consume(self, items: Iterator[Segment | Skip | Note], result: FileResult,
                 ctx: ExtractContext) -> None:
        for item in items:
            if isinstance(item, Segment):
                ctx.check_time()
                self._findings(item, self.engine.scan(item), result)
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

    def _findings(self, segment: Segment, matches: list[Match], result: FileResult) -> None:
        if not matches:
            return
        matches = _best_per_span(matches, self.rules)
        spans = [(m.start, m.end) for m in matches]
        line_starts = _line_starts(segment.text) if segment.line_based else None
        for m in matches:
            rule = self.rules[m.rule_id]
            if m.confidence < self.settings.min_confidence:
                result.below_threshold += 1
                continue
            result.findings.append(self._finding(rule, m, segment, spans, line_starts))

    def _finding(self, rule: Rule, m: Match, segment: Segment, spans: list[tuple[int, int]],
                 line_starts: list[int] | None) -> Finding:
        location = segment.location
        if line_starts is not None:
            index = bisect.bisect_right(line_starts, m.start) - 1
            location = replace(location, line=segment.first_line + index,
                               column=m.start - line_starts[index] + 1)
        masked = mask_value(m.value, rule.mask)
        others = [s for s in spans if s != (m.start, m.end)]
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
            masked_snippet=mask_snippet(segment.text, m.start, m.end, masked, others,
                                        self.settings.context_chars),
            fingerprint=self.fingerprint(rule.type, m.value),
            value=m.value if self.settings.show_values else None,
            hidden=segment.hidden,
            record=segment.record,
        )


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


def scan_paths(paths: Iterable[str], scanner: Scanner,
               on_file: Callable[[FileResult], None] | None = None) -> ScanResult:
    """Walk the paths and scan every file, in a deterministic order."""
    settings = scanner.settings
    result = ScanResult(roots=list(paths), started=now_iso(),
                        rules_digest=scanner.ruleset.digest, settings=settings.as_dict())
    try:
        for item in iter_sources(result.roots, settings):
            if isinstance(item, Skip):
                if item.kind == SkipKind.EXCLUDED:
                    result.excluded += 1
                else:
                    result.skips.append(item)
                continue
            file_result = scanner.scan_file(item)
            result.files.append(file_result)
            result.low_confidence_hidden += file_result.below_threshold
            if on_file is not None:
                on_file(file_result)
    except KeyboardInterrupt:
        result.complete = False
    result.finished = now_iso()
    return result


def fail_level_reached(result: ScanResult, fail_on: Level) -> bool:
    return any(f.severity >= fail_on and f.suppressed_by is None
               for fr in result.files for f in fr.findings)
