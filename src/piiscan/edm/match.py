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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from piiscan.edm.index import EdmIndex
from piiscan.edm.schema import CORROBORATING_TYPES, NAME_TYPES
from piiscan.errors import ConfigError, UsageError
from piiscan.mask import EdmHasher, address_form, canonical, date_form, name_form
from piiscan.models import Finding, Level, Match, Reason, Segment, TypeRegistry
from piiscan.normalize import normalize

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
_MUNICIPALITY = re.compile("[市区町村郡]")
MEMO_ENTRIES = 65_536  # hashes of one file's candidate stretches remembered


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
    """A corroborating value a rule found (its finding may be tagged with the row). Hashed
    only when a hit needs it: most files hold names and no customer's value."""

    index: int
    type: str
    value: str
    start: int
    end: int
    digest: int | None = None

    def hashed(self, hasher: EdmHasher) -> int:
        if self.digest is None:
            self.digest = hasher.field(self.type, canonical(self.type, self.value))
        return self.digest


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
        self.memo: dict[tuple[str, str], int] = {}  # candidate hashes of this file
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
            self.record.hits += hits
            # The row is decided when the record ends; names in the hit's own cell are
            # masked in its snippet now.
            if hits and _NAME_RUN.search(segment.text) is not None:
                found = self._candidates(hits, [segment.text])
                return [span for hit in hits for span in found.confirm(hit, [], None)]
            return []
        spans: list[tuple[int, int]] = []
        width = self.matcher.window
        for group in _clusters(hits, width):  # hits whose windows overlap share the work
            lo = max(0, group[0].start - width)
            found = self._candidates(group, [segment.text[lo:max(h.end for h in group)
                                                          + width]])
            for hit in group:
                a, b = hit.start - width, hit.end + width
                near = [v for v in values if a <= v.start and v.end <= b]
                spans += [(s + lo, e + lo) for s, e in found.confirm(hit, near,
                                                                     (a - lo, b - lo))]
                self._decide(hit, near)
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
                values.append(_Value(first + i, value_type, m.value, m.start, m.end))
        return hits, values

    def _candidates(self, hits: list[_Hit], texts: list[str]) -> _Candidates:
        """The corroborating values of the hits' rows that ``texts`` hold."""
        fields = {row: set(self.index.fields(row)) for hit in hits for row in hit.rows}
        found = _Candidates(self.hasher, self.matcher.field_types, fields, self.memo)
        if found.wanted:
            for number, text in enumerate(texts):
                found.add(text, number)
        return found

    def _close_record(self) -> None:
        record = self.record
        if record.hits:
            found = self._candidates(record.hits, record.texts)
            for hit in record.hits:
                found.confirm(hit, record.values, None)
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
                if value.index not in self.tags and value.hashed(self.hasher) in own:
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
    """What in some text is one of the wanted corroborating hashes (the fields of the rows a
    hit names): ``found`` maps each hash found to (type, text number, start, end).

    Names need no label and no rule: every run of kanji and kana is looked at, and wherever
    the hash of two characters is the start of a wanted name, the stretches from there (up
    to 16 characters) are hashed. Addresses: each phrase holding a municipality (市区町村郡),
    from its start or a word's, to the end of a number or a word. Dates: every date."""

    def __init__(self, hasher: EdmHasher, types: Sequence[str], fields: dict[int, set[int]],
                 memo: dict[tuple[str, str], int]) -> None:
        self.hasher = hasher
        self.types = types
        self.fields = fields  # row -> its corroborating hashes
        self.wanted: set[int] = set().union(*fields.values())
        self.memo = memo
        self.found: dict[int, list[tuple[str, int, int, int]]] = {}

    def confirm(self, hit: _Hit, values: list[_Value], window: tuple[int, int] | None
                ) -> list[tuple[int, int]]:
        """Record on ``hit`` which types corroborate each of its rows: found in the texts
        (within ``window`` of the first text, if given) or among the rule-found ``values``.
        Returns the spans of the names found in the first text."""
        spans = []
        for row in hit.rows:
            own = self.fields[row]
            types = hit.fields.setdefault(row, set())
            types.update(v.type for v in values if v.hashed(self.hasher) in own)
            for digest in own:
                for value_type, number, start, end in self.found.get(digest, ()):
                    if window is not None and (number or start < window[0]
                                               or end > window[1]):
                        continue
                    types.add(value_type)
                    if number == 0 and value_type in NAME_TYPES:
                        spans.append((start, end))
        return spans

    def add(self, text: str, number: int) -> None:
        types = self.types
        if "PERSON_NAME" in types or "PERSON_NAME_KANA" in types:
            self._names(text, number)
        if "ADDRESS" in types:
            self._addresses(text, number)
        if "BIRTH_DATE" in types:
            self._dates(text, number)

    def _hash(self, value_type: str, form: str) -> int:
        key = (value_type, form)
        digest = self.memo.get(key)
        if digest is None:
            if len(self.memo) >= MEMO_ENTRIES:
                self.memo.clear()
            digest = self.memo[key] = self.hasher.field(value_type, form)
        return digest

    def _put(self, value_type: str, form: str, number: int, start: int, end: int) -> None:
        digest = self._hash(value_type, form)
        if digest in self.wanted:
            self.found.setdefault(digest, []).append((value_type, number, start, end))

    def _names(self, text: str, number: int) -> None:
        types = [t for t in NAME_TYPES if t in self.types]
        for run in _NAME_RUN.finditer(text):
            folded, positions = _folded_run(run.group(0), run.start())
            n = len(folded)
            for a in range(n - MIN_NAME_CHARS + 1):
                head = folded[a:a + MIN_NAME_CHARS]
                for value_type in types:
                    kana = value_type == "PERSON_NAME_KANA"
                    if kana and not _KATAKANA_RUN.fullmatch(head):
                        continue
                    if self._hash(f"{value_type}:start", head) not in self.wanted:
                        continue
                    for b in range(a + MIN_NAME_CHARS, min(n, a + MAX_NAME_CHARS) + 1):
                        form = folded[a:b]
                        if kana and not _KATAKANA_RUN.fullmatch(form):
                            break
                        start, end = ((positions[a], positions[b - 1] + 1)
                                      if positions is not None else (run.start(), run.end()))
                        self._put(value_type, form, number, start, end)

    def _addresses(self, text: str, number: int) -> None:
        for chunk in _CHUNK.finditer(text):
            phrase = chunk.group(0)
            city = _MUNICIPALITY.search(phrase)
            if city is None or len(phrase) > MAX_ADDRESS_CHARS:
                continue
            starts = [0, *(m.start() for m in _WORD_START.finditer(phrase, 0, city.start()))]
            ends = [m.end() for m in _ADDRESS_END.finditer(phrase, city.end())][:24]
            seen: set[str] = set()
            for a in starts[-8:]:
                for b in ends:
                    form = address_form(phrase[a:b])
                    if form and form not in seen:
                        seen.add(form)
                        self._put("ADDRESS", form, number, chunk.start() + a,
                                  chunk.start() + b)

    def _dates(self, text: str, number: int) -> None:
        from piiscan.validators.identifiers import find_dates

        folded = normalize(text)
        for start, end in find_dates(folded):
            self._put("BIRTH_DATE", date_form(folded[start:end]), number, start, end)


def _clusters(hits: list[_Hit], width: int) -> list[list[_Hit]]:
    """Hits in order, grouped where their windows of ``width`` characters overlap."""
    groups: list[list[_Hit]] = []
    for hit in sorted(hits, key=lambda h: h.start):
        if groups and hit.start - width <= max(h.end for h in groups[-1]) + width:
            groups[-1].append(hit)
        else:
            groups.append([hit])
    return groups


def _folded_run(run: str, offset: int) -> tuple[str, list[int] | None]:
    """A run in name form, and the text offset of each of its characters when folding kept
    one character per character (else None: the whole run is the span)."""
    folded = name_form(run)
    positions = [offset + i for i, c in enumerate(run) if c not in _NAME_SEPARATORS]
    return folded, positions if len(positions) == len(folded) else None
