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
import functools
import re
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from piiscan import columns
from piiscan.columns import ARROW
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
from piiscan.link import (
    DocumentSignals,
    Unmade,
    author_names,
    demote_samples,
    link_sensitive,
)
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
from piiscan.recognizers.names import WEAK_EVIDENCE
from piiscan.redact import Redactor, redact_text
from piiscan.rules.engine import SHORT_TEXT, Engine
from piiscan.rules.loader import RuleSet
from piiscan.rules.rule import Rule
from piiscan.sources import open_ref
from piiscan.structure.records import ORGANISATION_TYPES, Assembler, Record
from piiscan.suppress import INLINE, MARKER, inline_ignored

if TYPE_CHECKING:
    from piiscan.snippet import SnippetWords


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

    @functools.cached_property
    def snippet_words(self) -> SnippetWords:
        """What a masked snippet may show besides the value (piiscan.snippet)."""
        from piiscan.snippet import SnippetWords

        return SnippetWords.for_rules(self.ruleset.rules, self.ruleset.types.values())

    @functools.cached_property
    def redactor(self) -> Redactor:
        """The masking gate every result passes (piiscan.redact)."""
        return Redactor(self.engine, self.by_id, self.snippet_words)

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
        result = _scan(source, rules, settings, keys)
    except Exception as exc:
        rules.engine.stats.timeouts.clear()
        result = internal_error(source, exc)
    return rules.redactor.result(result)  # the masking gate: nothing leaves unmasked


def internal_error(source: FileRef, exc: BaseException) -> FileResult:
    """A bug in piiscan on one file, as a Skip that names it (an exception may quote the
    file: the message passes the masking gate too)."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    result = FileResult(file=source)
    result.skips.append(Skip(source.display, redact_text(
        f"internal error in piiscan while scanning this file ({detail[:200]}); please "
        "report it")))
    return result


def _scan(ref: FileRef, rules: CompiledRules, settings: Settings, keys: Keys) -> FileResult:
    started = time.monotonic()
    result = FileResult(file=ref)
    limits = settings.limits
    name = ref.name
    blob = (Blob(name, Location(ref.display), path=ref.path, size=ref.size)
            if ref.origin is None else
            Blob(name, Location(ref.display), opener=partial(open_ref, ref), size=ref.size))
    findings = _Findings(rules, settings, keys, ref)
    signals = DocumentSignals()
    kind: str | None = None
    if ref.size > limits.max_file_size:
        _too_large(blob, result, settings)
    else:
        blob = _head_only(blob, result, settings)
        ctx = ExtractContext(limits=limits, chunk_chars=settings.chunk_chars,
                             deadline=started + limits.seconds_per_file, ocr=settings.ocr)
        try:
            _consume(extract_blob(blob, ctx, include_name=True), result, ctx, rules,
                     findings, signals)
        except BudgetExceeded as exc:
            note = " (findings before that point are reported)" \
                if findings.out or findings.unmade.count else ""
            result.skips.append(Skip(ref.display, f"{exc}{note}"))
        except FileNotFoundError:
            result.skips.append(Skip(ref.display, "file vanished before it could be read"))
        except PermissionError:
            result.skips.append(Skip(ref.display, "permission denied"))
        except OSError as exc:
            result.skips.append(Skip(ref.display, f"cannot read: {exc.strerror or exc}"))
        result.encoding = ", ".join(ctx.encodings) or None
        result.kind = kind = ctx.kind
    if findings.unlisted:
        result.notes.append(findings.unlisted_note())
    linked = link_sensitive(author_names(findings.finish(signals, kind)), signals, rules.types,
                            findings.record_ids)
    _keep_confident(demote_samples(linked, signals, findings.unmade), result, settings)
    result.below_threshold += findings.unmade.count
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
    reason = unsupported_reason(kind, settings.ocr)
    if reason is not None:
        result.skips.append(Skip(blob.display, reason, SkipKind.UNSUPPORTED))
        return
    limit_mib = settings.limits.max_file_size / (1024 * 1024)
    result.skips.append(Skip(blob.display,
                             f"larger than --max-file-size ({limit_mib:g} MiB) — not scanned"))


# Kinds read front to back, whose head is text on its own: --max-bytes-per-file applies to
# them. Containers (Office, PDF, archives, Outlook .msg) cannot be read from their head and
# are read whole (--max-file-size still bounds them).
HEAD_KINDS = frozenset({"text", "csv", "json", "html", "eml", "mbox"})


def _head_only(blob: Blob, result: FileResult, settings: Settings) -> Blob:
    """``--max-bytes-per-file``: a larger file of a kind in HEAD_KINDS is scanned up to
    that many bytes, and a PARTIAL skip on it says so in every report."""
    limit = settings.max_bytes_per_file
    if limit is None or blob.size <= limit:
        return blob
    try:
        kind = detect_kind(blob)
    except OSError:
        return blob  # the extractor says why it cannot be read
    if kind not in HEAD_KINDS:
        return blob
    result.skips.append(Skip(blob.display, f"only the first {_size(limit)} of "
                             f"{_size(blob.size)} were scanned (--max-bytes-per-file); the "
                             "rest was not checked", SkipKind.PARTIAL))
    return blob.head_only(limit)


def _size(n: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} bytes"


def _consume(items: Iterator[Segment | Skip | Note | Inventory], result: FileResult,
             ctx: ExtractContext, rules: CompiledRules, findings: _Findings,
             signals: DocumentSignals) -> None:
    engine = rules.engine
    recent = RecentText()
    timeouts = engine.stats.timeouts
    timed_out: dict[str, Location] = {}  # rule id -> the first part it gave up on
    records = Assembler()
    pending = _Records(engine, findings, recent, timed_out)
    for item in items:
        if isinstance(item, Segment):
            ctx.check_time()
            signals.feed(item)
            for record in records.feed(item):
                pending.add(record)
        elif isinstance(item, Skip):
            result.skips.append(item)
        elif isinstance(item, Inventory):
            result.inventory.append(item.kind)
        else:
            result.notes.append(item.text)
    for record in records.flush():
        pending.add(record)
    pending.flush()
    timeouts.clear()
    seconds = rules.regex_seconds
    result.skips.extend(_timeout_skip(rule_id, where, seconds)
                        for rule_id, where in sorted(timed_out.items()))


def _timeout_skip(rule_id: str, where: Location, seconds: float) -> Skip:
    """A rule that ran out of time did not check part of the file: coverage was lost, so it
    is an error (exit code 3), naming the rule and the part."""
    return Skip("!".join((where.path, *where.members)),
                f"rule {rule_id} timed out ({seconds:g} s) on {where.render()}; that part "
                "was not checked by this rule")


_T = TypeVar("_T")

CELL_BLOCK = 4096  # table cells matched together, a column header at a time


def _is_cell(segment: Segment) -> bool:
    """A table cell (a row's field, a record's value): short, whole, with a record."""
    return segment.record is not None and not segment.scan_start \
        and segment.scan_end is None and len(segment.text) <= SHORT_TEXT


class _Records:
    """Records (a row, an object, a paragraph) wait here until their cells fill a block;
    the cells of a block are matched a column at a time (``Engine.scan_cells``: a column's
    header is judged once, repeated values once, the words of every cell found in one pass),
    other segments one by one. Findings are then made record by record, in the order the
    file holds them, and each record's own verdicts (an organisation's row, a sample row,
    its id cells) applied to its findings."""

    def __init__(self, engine: Engine, findings: _Findings, recent: RecentText,
                 timed_out: dict[str, Location]) -> None:
        self.engine = engine
        self.findings = findings
        self.recent = recent
        self.timed_out = timed_out  # rule id -> the first part of the block it gave up on
        self.records: list[tuple[Record, list[Segment]]] = []
        self.cells = 0

    def add(self, record: Record) -> None:
        segments = [self.recent.attach(s) for s in record.segments]
        self.records.append((record, segments))
        self.cells += len(segments)
        if self.cells >= CELL_BLOCK or not all(_is_cell(s) for s in segments):
            self.flush()

    def flush(self) -> None:
        if not self.records:
            return
        segments = [s for _, segs in self.records for s in segs]
        matches = self._match(segments)
        found = iter(matches)
        for record, segs in self.records:
            first = len(self.findings.out)
            for segment in segs:
                self.findings.add(segment, next(found))
            self.findings.record_done(record, first)
        self.records = []
        self.cells = 0

    def _timed(self, where: Segment, run: Callable[[], _T]) -> _T:
        """Run a match; a rule that gave up during it is blamed on ``where`` (a segment, or
        the first cell of a column's block)."""
        timeouts = self.engine.stats.timeouts
        before = len(timeouts)
        result = run()
        for rule_id in timeouts[before:]:
            self.timed_out.setdefault(rule_id, where.location)
        return result

    def _match(self, segments: list[Segment]) -> list[list[Match]]:
        matches: list[list[Match]] = [[] for _ in segments]
        columns: dict[str | None, list[int]] = {}
        for i, segment in enumerate(segments):
            if _is_cell(segment):
                columns.setdefault(segment.header, []).append(i)
            else:
                matches[i] = self._timed(segment, partial(self.engine.scan, segment))
        for header, indexes in columns.items():
            texts = [segments[i].text for i in indexes]
            found = self._timed(segments[indexes[0]], partial(self.engine.scan_cells, header, texts))
            for i, cell_matches in zip(indexes, found, strict=True):
                matches[i] = cell_matches
        return matches


def _keep_confident(findings: list[Finding], result: FileResult, settings: Settings) -> None:
    """Findings under --min-confidence are counted, not listed. This happens after the whole
    file is read, because linking can move a finding either way."""
    floor = settings.min_confidence
    kept = [f for f in findings if f.confidence >= floor]
    result.below_threshold += len(findings) - len(kept)
    result.findings = kept


MAX_RECORD_KEYS = 200_000  # records whose id cells are remembered for linking
# A mobile number belongs to a person whoever's page it is on (070/080/090, +81 70/80/90).
_MOBILE = re.compile(r"^(?:0|\+81[ .-]?)[789]0")
# The rules' context keywords that say a value is someone's own (自宅, 携帯, お届け先 ...),
# not a publisher's.
_PERSONAL_WORDS = frozenset({"自宅", "携帯", "ケータイ", "緊急連絡", "mobile", "現住所", "お届け先",
                             "届け先", "送付先", "居所"})


_PUBLISHER = "the publisher's contact data"
# Columns of an organisation's contact data (所在地, 代表電話, company_address): their values
# are the organisation's, whoever else the row names (its representative).
_ORG_CONTACT_KINDS = frozenset({"ORG_ADDRESS", "ORG_PHONE"})
# Keys whose value is an example for whoever fills a form in (placeholder="例）山田花子").
_HINT_KEYS = frozenset({"placeholder", "hint", "example", "sample", "記入例", "入力例", "例"})


@functools.lru_cache(maxsize=1 << 16)
def _column_verdict(header: str) -> Reason | None:
    """What a value's own column or key says of it before any rule: an example's
    (``placeholder``), or an organisation's contact data (所在地)."""
    key = header.split(ARROW)[0].strip().rsplit(".", 1)[-1].lower()
    if key in _HINT_KEYS:
        return Reason("sample", key)
    kind = columns.kind_of(header)
    if kind in _ORG_CONTACT_KINDS:
        label = columns.table().kinds[kind].label
        return Reason("organisation", f"an organisation's column ({label})")
    return None


# Kinds of file that are documents for people to read, not data: pages, brochures, slides.
DOCUMENT_KINDS = frozenset({"html", "pdf", "docx", "pptx", "text"})


def _names_a_person(finding: Finding, place: bool) -> bool:
    """Whether a finding says its row is about a person: a name at medium or above; in a
    place's row, one with more than the weakest evidence (``names.WEAK_EVIDENCE``)."""
    if finding.type != "PERSON_NAME" or finding.confidence < Level.MEDIUM:
        return False
    return not place or any(r.code == "evidence" and r.detail not in WEAK_EVIDENCE
                            for r in finding.reasons)


class _Findings:
    """Matches of one file turned into masked, located findings."""

    def __init__(self, rules: CompiledRules, settings: Settings, keys: Keys,
                 ref: FileRef) -> None:
        self.rules = rules.by_id
        self.words = rules.snippet_words
        self.settings = settings
        self.keys = keys
        self.baseline = keys.baseline
        # The types whose values the baseline needs (its hash is slow): None for every type.
        self.baseline_types = (self.baseline.types_for(ref.path)
                               if self.baseline is not None else frozenset())
        # Exact data match against a customer master (--edm): piiscan.edm.match.
        self.edm = keys.edm.for_file(self.rules, rules.types) if keys.edm is not None else None
        self.out: list[Finding] = []
        self.record_ids: dict[str, tuple[str, ...]] = {}  # record -> id cells (client_id=101)
        self.organisation_types = rules.types.where(contact=True) | ORGANISATION_TYPES
        self.mobiles: set[int] = set()  # indexes in ``out`` of mobile phone numbers
        self.contact_types = rules.types.where(contact=True)
        self.limit = settings.limits.findings_per_file
        self.unlisted: Counter[str] = Counter()  # matches past the limit, by type
        self.listed_rules: set[str] = set()  # rules with a finding listed in this file
        # Matches low from the start, under a --min-confidence above low, are counted, not
        # made into findings (no snippet, no keyed hash, no object), unless something later
        # could raise them: linking raises 要配慮 facts, a customer master (--edm) raises its
        # matches. Every other step after this one only lowers a finding, and none of them
        # reads a low finding except for what ``unmade`` keeps.
        self.unmade = Unmade()
        self.make_low = settings.min_confidence == Level.LOW or self.edm is not None

    def add(self, segment: Segment, matches: list[Match]) -> None:
        if matches:
            matches = _best_per_span(matches, self.rules)
        listed = self._within_limit(matches) if matches else matches
        unlabelled = self.edm.observe(segment, listed, len(self.out)) if self.edm else []
        if not matches:
            return
        spans = sorted([(m.start, m.end) for m in matches] + unlabelled)
        longest = max(e - s for s, e in spans)
        line_starts = _line_starts(segment.text) if segment.line_based else None
        ignore_text = segment.text if MARKER in segment.text else None
        verdict = _column_verdict(segment.header) if segment.header else None
        for m in listed:
            rule = self.rules[m.rule_id]
            if not self.make_low and self._stays_low(rule, m, verdict):
                self.unmade.add(segment.record is not None,
                                partial(self.keys.fingerprint, rule.type, m.value))
                continue
            finding = self._finding(rule, m, segment, spans, longest, line_starts)
            if verdict is not None and finding.confidence > Level.LOW \
                    and self._column_lowers(verdict, finding.type):
                finding = replace(finding, confidence=Level.LOW,
                                  reasons=(*finding.reasons, verdict))
            if finding.type == "PHONE" and _MOBILE.match(m.value):
                self.mobiles.add(len(self.out))
            if ignore_text is not None and inline_ignored(ignore_text, m.start, m.end,
                                                          finding.type):
                finding = replace(finding, suppressed_by=INLINE)
            self.out.append(finding)

    def _stays_low(self, rule: Rule, m: Match, verdict: Reason | None) -> bool:
        """Whether a match will be a low finding whatever the rest of the file says: low
        already, or lowered by its column, and not a 要配慮 fact."""
        if rule.category == Category.SENSITIVE:
            return False
        return m.confidence <= Level.LOW or (
            verdict is not None and self._column_lowers(verdict, rule.type))

    def _column_lowers(self, verdict: Reason, value_type: str) -> bool:
        """Whether what the value's column says of it (an example's, an organisation's
        contact data: ``_column_verdict``) makes a finding of this type low."""
        return verdict.code == "sample" or value_type in self.contact_types

    def _within_limit(self, matches: list[Match]) -> list[Match]:
        """The matches to list: all of them until the file has ``findings_per_file``, then
        only the first of each rule, so the file's worst severity and its triggers (a My
        Number after 100,000 phone numbers) are still there; the rest are counted."""
        room = self.limit - len(self.out) - self.unmade.count
        if len(matches) <= room:
            self.listed_rules.update(m.rule_id for m in matches)
            return matches
        listed = []
        for i, m in enumerate(matches):
            if i < room or m.rule_id not in self.listed_rules:
                listed.append(m)
                self.listed_rules.add(m.rule_id)
            else:
                self.unlisted[self.rules[m.rule_id].type] += 1
        return listed

    def unlisted_note(self) -> str:
        counts = ", ".join(f"{t} {n:,}" for t, n in sorted(self.unlisted.items()))
        return (f"more than {self.limit:,} findings: the first {self.limit:,} and the first of "
                f"each rule are listed, {sum(self.unlisted.values()):,} more were counted, "
                f"not listed ({counts})")

    def finish(self, signals: DocumentSignals, kind: str | None) -> list[Finding]:
        """Every finding of the file, EDM matches marked, a publisher's contact data low."""
        out = self.edm.finish(self.out) if self.edm is not None else self.out
        if signals.organisation:
            self.publisher_contacts(out, document=kind in DOCUMENT_KINDS)
        return out

    def publisher_contacts(self, out: list[Finding], document: bool) -> None:
        """A file that names an organisation and no one — no name, birth date or
        identifier at medium or above; and no table or record, unless the file is a
        document (a web page's office table, a PDF brochure) rather than data (CSV, XLSX,
        JSON, SQL: a list of phone numbers alone is a list of people's) — gives the contact
        data of whoever publishes it: a clinic's access page, a list of care facilities, a
        brochure's footer. Its landline and FAX numbers, postal codes and addresses are low,
        with the reason. What stays: a mobile number, an e-mail address, a value that a word
        such as 自宅 or 携帯 calls someone's own, and a value of a customer master (--edm)."""
        if not out or (self.unmade.in_record and not document) or any(
                (f.record is not None and not document) or (
                f.confidence >= Level.MEDIUM and f.type not in self.contact_types
                and f.category != Category.SENSITIVE) for f in out):
            return  # a table, or a name, a birth date or an identifier: about someone
        why = Reason("organisation", _PUBLISHER)
        for i, f in enumerate(out):
            if f.type in ("PHONE", "POSTAL_CODE", "ADDRESS") and f.confidence > Level.LOW \
                    and i not in self.mobiles and f.edm_row is None and not any(
                        r.code == "keyword" and r.detail in _PERSONAL_WORDS for r in f.reasons):
                out[i] = replace(f, confidence=Level.LOW, reasons=(*f.reasons, why))

    def record_done(self, record: Record, first: int) -> None:
        """A record's own verdicts on its findings (those from ``first`` on)."""
        if record.organisation is not None:
            self.organisation_row(first, record.organisation, record.place)
        if record.sample is not None:
            self.sample_row(first, record.sample)
        if record.keys and record.key is not None:
            self.record_keys(record.key, record.keys)

    def organisation_row(self, first: int, detail: str, place: bool) -> None:
        """A row about a place or an organisation (a list of facilities, a company's row
        in a customer table) with no person named in it: its contact data, dates and
        readings are the organisation's, not anyone's (lesson 4). In a place's row, a name
        only the dictionaries or an ambiguous "name" column vouch for is the place's too:
        a catchphrase's 宮古 みんなが, the poet a museum is named after."""
        found = self.out[first:]
        if any(_names_a_person(f, place) for f in found):
            return
        why = Reason("organisation", detail)
        types = self.organisation_types | {"PERSON_NAME"} if place else self.organisation_types
        for i, f in enumerate(found, start=first):
            if f.type in types and f.confidence > Level.LOW:
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
                 longest: int, line_starts: list[int] | None) -> Finding:
        location = segment.location
        if line_starts is not None:
            index = bisect.bisect_right(line_starts, m.start) - 1
            location = location.at_line(segment.first_line + index,
                                        m.start - line_starts[index] + 1)
        masked = mask_value(m.value, rule.mask)
        width = self.settings.context_chars
        # Spans are sorted by start; only those inside this snippet need masking: one that
        # starts more than the longest span's length before the snippet ends before it.
        first = bisect.bisect_left(spans, (m.start - width - longest, 0))
        last = bisect.bisect_right(spans, (m.end + width, len(segment.text)))
        # The snippet stays inside the text this segment owns: borrowed context (a chunk's
        # overlap, the paragraph before) holds values this segment did not mask.
        owned = (segment.scan_start,
                 segment.scan_end if segment.scan_end is not None else len(segment.text))
        others = [span for span in spans[first:last] if span != (m.start, m.end)]
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
            masked_snippet=mask_snippet(segment.text, m.start, m.end, masked, others, width,
                                        self.words, owned),
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
