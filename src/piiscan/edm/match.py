"""Exact data match inside the per-file scan: which candidates are a known customer's values.

    scan_file ─ for each segment: engine matches ─> EdmFile.observe(segment, matches)
                  a primary-typed match (PHONE, EMAIL, MY_NUMBER, a customer id...) is hashed
                  with the EDM key and looked up: a hit names master rows
                  near it (same record, or ``window`` characters of running text) names,
                  readings, addresses and birth dates are hashed -- whether or not a rule
                  found them -- and compared with those rows' corroborating hashes
              ─ at the end: EdmFile.finish(findings)
                  a hit becomes an EDM match of its best row: ``Finding.edm_row``, a reason
                  ("matches customer master row 1001 (phone + name)"), confidence medium
                  alone, high when corroborated; a rule-found name of that row is tagged too

Everything here is a pure function of the file's text, the index and the key, so it runs the
same in a pool worker (``EdmMatcher`` pickles as the index path and the key; the worker maps
the index itself, once). Raw text is held only while its record or segment is open; only
hashes are compared. Names found near a hit without any rule (an unlabelled name) are masked
in the snippets of that segment's findings, since they are now known to be a customer's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from piiscan.edm.index import EdmIndex
from piiscan.edm.schema import CORROBORATING_TYPES
from piiscan.errors import ConfigError, UsageError
from piiscan.mask import EdmHasher, address_form, canonical, date_form, name_form
from piiscan.models import Finding, Level, Match, Reason, Segment, TypeRegistry
from piiscan.normalize import normalize

NAME_TYPES = ("PERSON_NAME", "PERSON_NAME_KANA")
MIN_NAME_CHARS, MAX_NAME_CHARS = 2, 16
MAX_ROWS_PER_VALUE = 64  # rows compared for one shared value (a family's phone)
RECORD_CHARS = 4096  # text of one record kept for corroboration, at most
MAX_ADDRESS_CHARS = 160

_NAME_CHAR = ("\u3005\u3006\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe"
              "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9fA-Za-z\uff21-\uff3a\uff41-\uff5a")
_NAME_RUN = re.compile(f"[{_NAME_CHAR}]+(?:[ \u3000・･][{_NAME_CHAR}]+)*")
_NAME_SEPARATORS = frozenset(" \u3000・･.")
_KATAKANA_RUN = re.compile("[\u30a1-\u30fa\u30fc]{2,}")
_CHUNK = re.compile(r"[^\n\t,、，;；:：|｜「」『』()（）【】\[\]<>＜＞\"'“”]+")
_ADDRESS_END = re.compile(r"[0-9０-９]+(?![0-9０-９])|\S(?=\s)|\S$")
_WORD_START = re.compile(r"(?<=\s)\S")


class EdmMatcher:
    """A customer master's index and the key it was built with: ``mask.Keys.edm``."""

    def __init__(self, index: EdmIndex, hasher: EdmHasher) -> None:
        if index.key_id != hasher.key_id:
            raise ConfigError(f"{index.path}: built with another EDM key (the index's key id "
                              f"is {index.key_id}, this key's {hasher.key_id}): use the key "
                              "file it was built with")
        self.index = index
        self.hasher = hasher
        header = index.header
        self.primary_types = frozenset(str(c["type"]) for c in header["primary"])
        present = {str(c["type"]) for c in header["corroborating"]}
        self.field_types = tuple(t for t in CORROBORATING_TYPES if t in present)
        self.window = int(header.get("window", 40))

    @classmethod
    def load(cls, index_path: str, key_path: str) -> EdmMatcher:
        from piiscan.edm import keyfile

        return cls(EdmIndex.open(index_path), EdmHasher(keyfile.read(key_path)))

    @property
    def digest(self) -> str:
        """What changes what a file yields: the index's content and the key."""
        return f"edm:{self.index.content}:{self.hasher.key_id}"

    def check_rules(self, rules: Any) -> None:
        """Every primary type of the index must be found by a pattern rule of ``rules``
        (a RuleSet), or its values would never be looked up."""
        found_by = {r.type for r in rules.rules if r.pattern_source is not None}
        for column in self.index.header["primary"]:
            if column["type"] not in found_by:
                raise UsageError(
                    f"{self.index.path}: column '{column['column']}' holds {column['type']} "
                    f"values, but no rule in use finds {column['type']}: add the rule file "
                    "that declares it (--rules) or enable its rule")

    def for_file(self, rules: Mapping[str, Any], types: TypeRegistry) -> EdmFile:
        """The per-file state of one scan (``rules``: rule id -> Rule)."""
        return EdmFile(self, rules, types)


@dataclass
class _Hit:
    """A primary value found in the index."""

    index: int  # of the finding
    type: str
    rows: list[int]
    start: int
    end: int
    fields: dict[int, set[str]] = field(default_factory=dict)  # row -> types corroborating


@dataclass
class _Value:
    """A corroborating value a rule found (its finding may be tagged with the row)."""

    index: int
    type: str
    digest: int
    start: int
    end: int


@dataclass
class _Record:
    id: str | None = None
    texts: list[str] = field(default_factory=list)
    chars: int = 0
    hits: list[_Hit] = field(default_factory=list)
    values: list[_Value] = field(default_factory=list)


@dataclass(frozen=True)
class _Verdict:
    row: int
    fields: tuple[str, ...]  # corroborating types found, in a stable order
    shared: int  # rows holding the primary value


class EdmFile:
    """One file's exact data match (see the module docstring)."""

    def __init__(self, matcher: EdmMatcher, rules: Mapping[str, Any],
                 types: TypeRegistry) -> None:
        self.matcher = matcher
        self.hasher = matcher.hasher
        self.index = matcher.index
        self.rules = rules
        self.types = types
        self.record = _Record()
        self.verdicts: dict[int, _Verdict] = {}
        self.tags: dict[int, tuple[int, str]] = {}  # finding -> (row, primary type)

    # --- during the scan ------------------------------------------------------------------

    def observe(self, segment: Segment, matches: Sequence[Match], first: int
                ) -> list[tuple[int, int]]:
        """Look this segment's matches up (they become findings ``first``, ``first + 1``
        ...). Returns spans of unlabelled customer names in the segment, to be masked in
        the snippets of its findings."""
        record = segment.record
        if record is not None and record != self.record.id:
            self._close_record()
            self.record = _Record(record)
        if record is not None and self.record.chars < RECORD_CHARS:
            text = segment.text[segment.scan_start:segment.scan_end]
            self.record.texts.append(text[:RECORD_CHARS - self.record.chars])
            self.record.chars += len(text)
        if not matches:
            return []
        hits, values = self._lookup(matches, first)
        if record is not None:
            self.record.values += values
        if not hits:
            return []
        spans: list[tuple[int, int]] = []
        for hit in hits:
            lo = max(0, hit.start - self.matcher.window)
            window = segment.text[lo:hit.end + self.matcher.window]
            spans += self._corroborate(hit, [window], offset=lo)
            if record is not None:
                self.record.hits.append(hit)
            else:
                self._decide(hit, [v for v in values
                                   if lo <= v.start and v.end <= hit.end + self.matcher.window])
        return spans

    def _lookup(self, matches: Sequence[Match], first: int) -> tuple[list[_Hit], list[_Value]]:
        hits, values = [], []
        primary, wanted = self.matcher.primary_types, self.matcher.field_types
        for i, m in enumerate(matches):
            value_type = self.rules[m.rule_id].type
            if value_type in primary:
                rows = self.index.rows_for(self.hasher.value(value_type, m.value))
                if rows:
                    hits.append(_Hit(first + i, value_type, rows[:MAX_ROWS_PER_VALUE],
                                     m.start, m.end))
            elif value_type in wanted:
                digest = self.hasher.field(value_type, canonical(value_type, m.value))
                values.append(_Value(first + i, value_type, digest, m.start, m.end))
        return hits, values

    def _corroborate(self, hit: _Hit, texts: list[str], offset: int = 0
                     ) -> list[tuple[int, int]]:
        """Add the corroborating types ``texts`` hold for each of the hit's rows; returns the
        spans (in the first text, plus ``offset``) of the names that matched."""
        candidates = _Candidates(self.hasher, self.matcher.field_types)
        for number, text in enumerate(texts):
            candidates.add(text, number)
        spans = []
        for row in hit.rows:
            for digest in self.index.fields(row):
                found = candidates.found.get(digest)
                if found is None:
                    continue
                value_type, text_number, start, end = found
                hit.fields.setdefault(row, set()).add(value_type)
                if text_number == 0 and value_type in NAME_TYPES:
                    spans.append((start + offset, end + offset))
        return spans

    def _close_record(self) -> None:
        record = self.record
        for hit in record.hits:
            self._corroborate(hit, record.texts)
            self._decide(hit, record.values)
        self.record = _Record()

    def _decide(self, hit: _Hit, values: list[_Value]) -> None:
        """The hit's row: the one most fields corroborate (the first on a tie); rule-found
        values of that row nearby are tagged with it."""
        row = max(hit.rows, key=lambda r: (len(hit.fields.get(r, ())), -hit.rows.index(r)))
        found = hit.fields.get(row, set())
        order = self.matcher.field_types
        self.verdicts[hit.index] = _Verdict(row, tuple(t for t in order if t in found),
                                            len(hit.rows))
        if values:
            own = set(self.index.fields(row))
            for value in values:
                if value.digest in own and value.index not in self.tags:
                    self.tags[value.index] = (row, hit.type)

    # --- at the end -----------------------------------------------------------------------

    def finish(self, findings: list[Finding]) -> list[Finding]:
        """The file's findings with its EDM matches marked (Finding.edm_row, a reason, the
        confidence)."""
        self._close_record()
        if not self.verdicts:
            return findings
        out = list(findings)
        label = self._label
        for i, verdict in self.verdicts.items():
            f = out[i]
            row_id = self.index.row_id(verdict.row)
            words = " + ".join(label(t) for t in (f.type, *verdict.fields))
            detail = f"row {row_id} ({words})"
            if verdict.shared > 1 and not verdict.fields:
                detail += f"; {verdict.shared} rows hold this {label(f.type)}"
            confidence = Level.HIGH if verdict.fields else max(f.confidence, Level.MEDIUM)
            out[i] = replace(f, edm_row=row_id, confidence=confidence,
                             reasons=(*f.reasons, Reason("edm", detail)))
        for i, (row, primary) in self.tags.items():
            f = out[i]
            row_id = self.index.row_id(row)
            out[i] = replace(f, edm_row=row_id, confidence=Level.HIGH, reasons=(
                *f.reasons, Reason("edm", f"row {row_id} ({label(f.type)}, beside its "
                                          f"{label(primary)})")))
        return out

    def _label(self, type_id: str) -> str:
        return self.types.info(type_id).en


class _Candidates:
    """Keyed hashes of what in some text could be a corroborating value: every 2-16
    character stretch of a run of kanji and kana (a name need not be labelled, nor found by
    any rule), address-like stretches of each phrase, every date. ``found`` maps a hash to
    (type, text number, start, end)."""

    def __init__(self, hasher: EdmHasher, types: Sequence[str]) -> None:
        self.hasher = hasher
        self.types = types
        self.found: dict[int, tuple[str, int, int, int]] = {}

    def add(self, text: str, number: int) -> None:
        types = self.types
        if "PERSON_NAME" in types or "PERSON_NAME_KANA" in types:
            self._names(text, number)
        if "ADDRESS" in types:
            self._addresses(text, number)
        if "BIRTH_DATE" in types:
            self._dates(text, number)

    def _put(self, value_type: str, form: str, number: int, start: int, end: int) -> None:
        self.found.setdefault(self.hasher.field(value_type, form),
                              (value_type, number, start, end))

    def _names(self, text: str, number: int) -> None:
        kanji = "PERSON_NAME" in self.types
        kana = "PERSON_NAME_KANA" in self.types
        seen: set[str] = set()
        for run in _NAME_RUN.finditer(text):
            folded, positions = _folded_run(run.group(0), run.start())
            for form, a, b in _stretches(folded, seen):
                start, end = ((positions[a], positions[b - 1] + 1) if positions is not None
                              else (run.start(), run.end()))
                if kanji:
                    self._put("PERSON_NAME", form, number, start, end)
                if kana and _KATAKANA_RUN.fullmatch(form):
                    self._put("PERSON_NAME_KANA", form, number, start, end)

    def _addresses(self, text: str, number: int) -> None:
        for chunk in _CHUNK.finditer(text):
            phrase = chunk.group(0)
            if len(phrase) < 4 or len(phrase) > MAX_ADDRESS_CHARS:
                continue
            starts = [0, *(m.start() for m in _WORD_START.finditer(phrase))][:8]
            ends = [m.end() for m in _ADDRESS_END.finditer(phrase)][:24]
            for a in starts:
                for b in ends:
                    if b - a >= 4:
                        form = address_form(phrase[a:b])
                        if form:
                            self._put("ADDRESS", form, number, chunk.start() + a,
                                      chunk.start() + b)

    def _dates(self, text: str, number: int) -> None:
        from piiscan.validators.identifiers import find_dates

        folded = normalize(text)
        for start, end in find_dates(folded):
            self._put("BIRTH_DATE", date_form(folded[start:end]), number, start, end)


def _folded_run(run: str, offset: int) -> tuple[str, list[int] | None]:
    """A run in name form, and the text offset of each of its characters when folding kept
    one character per character (else None: the whole run is the span)."""
    folded = name_form(run)
    positions = [offset + i for i, c in enumerate(run) if c not in _NAME_SEPARATORS]
    return folded, positions if len(positions) == len(folded) else None


def _stretches(folded: str, seen: set[str]) -> Iterator[tuple[str, int, int]]:
    n = len(folded)
    for a in range(n - MIN_NAME_CHARS + 1):
        for b in range(a + MIN_NAME_CHARS, min(n, a + MAX_NAME_CHARS) + 1):
            form = folded[a:b]
            if form not in seen:
                seen.add(form)
                yield form, a, b
