"""Scan one file: extract -> rules -> mask -> link, as a pure function.

``scan_file(source, rules, settings, keys)`` reads one file and returns everything piiscan
learned from it: masked findings (with inline ``piiscan:ignore`` labels, which are part of
the file), skips, notes. Its result depends only on the file's bytes and its arguments, so it
runs the same in this process, a worker process or a worker on another machine. Everything
about the run -- walking, the cache, the pool, suppressions, the baseline, scoring, the state,
progress, signals -- lives in ``piiscan.run``.
"""

from __future__ import annotations

import bisect
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import partial

from piiscan.config import Settings
from piiscan.extract import UNSUPPORTED, Blob, BudgetExceeded, ExtractContext, extract_blob
from piiscan.extract.encoding import SAMPLE_BYTES, sniff_encoding
from piiscan.extract.sniff import detect_kind
from piiscan.link import DocumentSignals, author_names, demote_samples, link_sensitive
from piiscan.mask import Keys, mask_snippet, mask_value
from piiscan.models import (
    Category,
    FileRef,
    FileResult,
    Finding,
    Inventory,
    Level,
    Location,
    Match,
    Note,
    Reason,
    Segment,
    Skip,
    SkipKind,
    TypeRegistry,
)
from piiscan.rules.engine import Engine
from piiscan.rules.loader import RuleSet
from piiscan.rules.rule import Rule
from piiscan.sources import open_ref
from piiscan.structure.records import ORGANISATION_TYPES, Assembler, Record
from piiscan.suppress import INLINE, MARKER, inline_ignored


@dataclass
class CompiledRules:
    """A rule set ready to match: the engine (patterns compile on first use, and it keeps
    its caches from file to file) and each rule by id."""

    ruleset: RuleSet
    regex_seconds: float = 10.0
    engine: Engine = field(init=False)
    by_id: dict[str, Rule] = field(init=False)

    def __post_init__(self) -> None:
        self.engine = Engine(self.ruleset.rules, self.regex_seconds)
        self.by_id = self.ruleset.by_id()

    @classmethod
    def load(cls, settings: Settings) -> CompiledRules:
        from piiscan.rules.loader import load_ruleset

        return cls(load_ruleset(settings.rule_dirs, settings.disabled_rules),
                   settings.limits.regex_seconds)

    @property
    def types(self) -> TypeRegistry:
        return self.ruleset.types

    @property
    def digest(self) -> str:
        return self.ruleset.digest


def scan_file(source: FileRef, rules: CompiledRules, settings: Settings, keys: Keys
              ) -> FileResult:
    """Findings of one file, inline ignores labelled, not yet suppressed or scored. Never
    raises for a file: a bug in piiscan on one file becomes a Skip that names it (exit 3),
    not the end of a nightly scan or an exit code read as findings."""
    try:
        return _scan(source, rules, settings, keys)
    except Exception as exc:
        rules.engine.stats.timeouts.clear()
        return internal_error(source, exc)


def internal_error(source: FileRef, exc: BaseException) -> FileResult:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    result = FileResult(file=source)
    result.skips.append(Skip(source.display, f"internal error in piiscan while scanning "
                                             f"this file ({detail[:200]}); please report it"))
    return result


def _scan(ref: FileRef, rules: CompiledRules, settings: Settings, keys: Keys) -> FileResult:
    started = time.monotonic()
    result = FileResult(file=ref)
    limits = settings.limits
    name = os.path.basename(ref.display)
    blob = (Blob(name, Location(ref.display), path=ref.path, size=ref.size)
            if ref.origin is None else
            Blob(name, Location(ref.display), opener=partial(open_ref, ref), size=ref.size))
    findings = _Findings(rules, settings, keys, ref)
    signals = DocumentSignals()
    if ref.size > limits.max_file_size:
        _too_large(blob, result, settings)
    else:
        ctx = ExtractContext(limits=limits, chunk_chars=settings.chunk_chars,
                             deadline=started + limits.seconds_per_file)
        try:
            _consume(extract_blob(blob, ctx, include_name=True), result, ctx, rules,
                     findings, signals)
        except BudgetExceeded as exc:
            note = " (findings before that point are reported)" if findings.out else ""
            result.skips.append(Skip(ref.display, f"{exc}{note}"))
        except FileNotFoundError:
            result.skips.append(Skip(ref.display, "file vanished before it could be read"))
        except PermissionError:
            result.skips.append(Skip(ref.display, "permission denied"))
        except OSError as exc:
            result.skips.append(Skip(ref.display, f"cannot read: {exc.strerror or exc}"))
        result.encoding = ", ".join(ctx.encodings) or None
        result.kind = ctx.kind
    linked = link_sensitive(author_names(findings.out), signals, rules.types,
                            findings.record_ids)
    _keep_confident(demote_samples(linked, signals), result, settings)
    result.elapsed = time.monotonic() - started
    return result


def _too_large(blob: Blob, result: FileResult, settings: Settings) -> None:
    """An over-size file is an incomplete scan, unless its head shows it is a kind piiscan
    does not read anyway (a video, a disk image)."""
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
    limit_mib = settings.limits.max_file_size / (1024 * 1024)
    result.skips.append(Skip(blob.display,
                             f"larger than --max-file-size ({limit_mib:g} MiB) — not scanned"))


def _consume(items: Iterator[Segment | Skip | Note | Inventory], result: FileResult,
             ctx: ExtractContext, rules: CompiledRules, findings: _Findings,
             signals: DocumentSignals) -> None:
    engine = rules.engine
    recent = RecentText()
    records = Assembler()

    def scan(record: Record) -> None:
        first = len(findings.out)
        for segment in record.segments:
            segment = recent.attach(segment)
            findings.add(segment, engine.scan(segment))
        if record.organisation is not None:
            findings.organisation_row(first, record.organisation)
        if record.sample is not None:
            findings.sample_row(first, record.sample)
        if record.keys and record.key is not None:
            findings.record_keys(record.key, record.keys)

    for item in items:
        if isinstance(item, Segment):
            ctx.check_time()
            signals.feed(item)
            for record in records.feed(item):
                scan(record)
        elif isinstance(item, Skip):
            result.skips.append(item)
        elif isinstance(item, Inventory):
            result.inventory.append(item.kind)
        else:
            result.notes.append(item.text)
    for record in records.flush():
        scan(record)
    for rule_id in sorted(set(engine.stats.timeouts)):
        result.notes.append(f"rule {rule_id} timed out on part of this file; that part "
                            "was not checked by it")
    engine.stats.timeouts.clear()


def _keep_confident(findings: list[Finding], result: FileResult, settings: Settings) -> None:
    """Findings under --min-confidence are counted, not listed. This happens after the whole
    file is read, because linking can move a finding either way."""
    floor = settings.min_confidence
    for f in findings:
        if f.confidence >= floor:
            result.findings.append(f)
        else:
            result.below_threshold += 1


MAX_RECORD_KEYS = 200_000  # records whose id cells are remembered for linking


class _Findings:
    """Matches of one file turned into masked, located findings."""

    def __init__(self, rules: CompiledRules, settings: Settings, keys: Keys,
                 ref: FileRef) -> None:
        self.rules = rules.by_id
        self.settings = settings
        self.keys = keys
        self.baseline = keys.baseline
        # The types whose values the baseline needs (its hash is slow): None for every type.
        self.baseline_types = (self.baseline.types_for(ref.path)
                               if self.baseline is not None else frozenset())
        self.out: list[Finding] = []
        self.record_ids: dict[str, tuple[str, ...]] = {}  # record -> id cells (client_id=101)
        self.organisation_types = rules.types.where(contact=True) | ORGANISATION_TYPES

    def add(self, segment: Segment, matches: list[Match]) -> None:
        if not matches:
            return
        matches = _best_per_span(matches, self.rules)
        spans = [(m.start, m.end) for m in matches]
        line_starts = _line_starts(segment.text) if segment.line_based else None
        ignore_text = segment.text if MARKER in segment.text else None
        for m in matches:
            finding = self._finding(self.rules[m.rule_id], m, segment, spans, line_starts)
            if ignore_text is not None and inline_ignored(ignore_text, m.start, m.end,
                                                          finding.type):
                finding = replace(finding, suppressed_by=INLINE)
            self.out.append(finding)

    def organisation_row(self, first: int, detail: str) -> None:
        """A row about a place or an organisation (a list of facilities, a company's row
        in a customer table) with no person named in it: its contact data, dates and
        readings are the organisation's, not anyone's (lesson 4)."""
        found = self.out[first:]
        if any(f.type == "PERSON_NAME" and f.confidence >= Level.MEDIUM for f in found):
            return
        why = Reason("organisation", detail)
        for i, f in enumerate(found, start=first):
            if f.type in self.organisation_types and f.confidence > Level.LOW:
                self.out[i] = replace(f, confidence=Level.LOW, reasons=(*f.reasons, why))

    def record_keys(self, record: str, keys: tuple[str, ...]) -> None:
        if len(self.record_ids) < MAX_RECORD_KEYS:
            self.record_ids[record] = keys

    def sample_row(self, first: int, marker: str) -> None:
        """A row a cell of which says it is an example (記入例, 見本): its values are invented.
        Only that row: the rows under it are data."""
        why = Reason("sample", marker)
        for i in range(first, len(self.out)):
            f = self.out[i]
            self.out[i] = replace(f, confidence=Level.LOW, reasons=(*f.reasons, why))

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
                                        others, width),
            fingerprint=self.keys.fingerprint(rule.type, m.value),
            value=m.value if self.settings.show_values else None,
            hidden=segment.hidden,
            record=segment.record,
            baseline_fingerprint=self._baseline_fingerprint(rule.type, m.value),
        )


    def _baseline_fingerprint(self, value_type: str, value: str) -> str | None:
        if self.baseline is None or (self.baseline_types is not None
                                     and value_type not in self.baseline_types):
            return None
        return self.baseline(value_type, value)


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
    are one finding: keep the most confident. A 要配慮 fact inside a longer one of its type
    (糖尿病 inside 既往歴：2型糖尿病、高血圧) is the same fact: keep the longer."""
    best: dict[tuple[str, int, int], Match] = {}
    for m in matches:
        key = (rules[m.rule_id].type, m.start, m.end)
        if key not in best or m.confidence > best[key].confidence:
            best[key] = m
    kept = sorted(best.values(), key=lambda m: (m.start, m.end))
    if len(kept) < 2:
        return kept
    facts = [m for m in kept if rules[m.rule_id].category == Category.SENSITIVE]
    if len(facts) < 2:
        return kept
    inner = {id(m) for m in facts for o in facts
             if o is not m and rules[o.rule_id].type == rules[m.rule_id].type
             and o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start)}
    return [m for m in kept if id(m) not in inner]


def _line_starts(text: str) -> list[int]:
    starts = [0]
    find = text.find
    i = find("\n")
    while i != -1:
        starts.append(i + 1)
        i = find("\n", i + 1)
    return starts
