"""Tie sensitive facts to a person: 要配慮個人情報 counts only when it is about someone.

A medical article that mentions 糖尿病, a privacy policy that lists 病歴 and 犯罪歴, a rule
book on 障害者手帳 — none of them is sensitive personal data. A sensitive term becomes a
high-confidence finding only when an identifying finding (a name, a My Number, a phone
number...) is

- in the same row or record (CSV/XLSX row, DOCX table row, JSON object), or
- close by in the same part of the file (within a few lines, the same or the next
  paragraph, the same PDF page or slide), or
- anywhere in a document that is about one person: its name or opening text says what it is
  (カルテ, 診療記録, 健康診断結果, 履歴書, 診断書 ...) and it names at most a few people.

Otherwise the finding is kept at low confidence (counted, not shown by default) with the
reason, so an audit can still list it. The verdict is decided here, once, and set on the
finding (``Finding.linked``); scoring and reports read it.

Which types tie a fact to a person is the type registry's ``anchor`` (piiscan.pii_types).
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from piiscan.models import (
    RECORD_NESTING,
    Category,
    Finding,
    Level,
    Location,
    Reason,
    Segment,
    TypeRegistry,
)

PERSONAL_DOCUMENTS = ("相談受付票", "面談票", "産業医",
                      "カルテ", "診療録", "診療記録", "看護記録", "健康診断", "健診結果", "人間ドック",
                      "診断書", "紹介状", "診療情報提供書", "問診票", "検査結果", "処方箋", "お薬手帳",
                      "履歴書", "職務経歴書", "身上書", "身上調書", "面談記録", "相談記録", "ケース記録",
                      "支援記録", "介護記録", "ケアプラン", "個別支援計画", "指導要録", "調査票",
                      "事故報告書", "供述調書", "被害届", "陳述書")
# A document whose name or title says it is an example holds invented values. サンプル in a
# company name (株式会社サンプル, サンプル商事) is not such a marker.
SAMPLE_MARKERS = re.compile(r"記入例|記入見本|記載例|見本(?!市)|(?<!株式会社)(?<!\(株\))サンプル"
                            r"(?!商事|株式会社|工業|産業|食品|電機|銀行|ホールディングス)|ダミー|"
                            r"テンプレート|ひな形|雛形|(?<![\w.@-])(?i:sample|dummy|template)(?![\w.@-])")
# A filled-in example form holds a few values; a list of hundreds under a "見本" title is
# not an example, whatever its title says (an easy way to hide data from a scan).
MAX_VALUES_IN_A_SAMPLE = 12
# Words that name an organisation in a document (looked for in the first characters of each
# text until one is found): a page that names one and no person gives its contact data.
ORGANISATION_NAMED = re.compile(
    r"株式会社|有限会社|合同会社|法人|病院|医院|クリニック|診療所|薬局|歯科|事業所|営業所|本社|支店|"
    r"店舗|協会|組合|役所|役場|施設|老人ホーム|グループホーム|デイサービス|センター|"
    r"Co\.,? ?Ltd|Inc\.|Corporation")
ORGANISATION_CHARS = 4096
LINE_DISTANCE = 3
PARAGRAPH_DISTANCE = 2
TITLE_CHARS = 120  # a document says what it is in its name or its first line(s)
MAX_PEOPLE_IN_PERSONAL_DOCUMENT = 3


@dataclass
class DocumentSignals:
    """What kind of document a file is, from its name and its title: the first text it
    yields. A word deep inside (a manual that mentions カルテ) does not make it one."""

    kinds: set[str] = field(default_factory=set)
    sample: str | None = None  # '記入例' when the document is a filled-in example
    organisation: bool = False  # it names an organisation (法人, クリニック, 株式会社 ...)
    _seen: int = 0

    def feed(self, segment: Segment) -> None:
        if not self.organisation:
            self.organisation = ORGANISATION_NAMED.search(
                segment.text, 0, ORGANISATION_CHARS) is not None or (
                segment.header is not None and ORGANISATION_NAMED.search(segment.header)
                is not None)
        if segment.location.part == "filename":
            text = segment.text
        elif self._seen < TITLE_CHARS and segment.location.part is None \
                and segment.record is None:  # a table's first cells are data, not a title
            text = segment.text.lstrip()[: TITLE_CHARS - self._seen]
            self._seen += len(text)
        else:
            return
        self.kinds.update(k for k in PERSONAL_DOCUMENTS if k in text)
        if self.sample is None:
            found = SAMPLE_MARKERS.search(text)
            self.sample = found.group() if found else None


def _container(loc: Location) -> tuple[object, ...]:
    return (loc.members, loc.page, loc.sheet, loc.slide, loc.part)


def _unit(loc: Location) -> tuple[object, ...]:
    """One message, document or slide across its parts: a mail's headers and body, a DOCX
    header and its body, a slide and its notes."""
    return (loc.members, loc.slide)


@dataclass
class _Index:
    """Where the anchors of one file are: by record, line, paragraph, page or slide."""

    by_record: dict[str, str] = field(default_factory=dict)
    lines: dict[tuple[object, ...], list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list))
    paragraphs: dict[tuple[object, ...], list[tuple[int, str]]] = field(
        default_factory=lambda: defaultdict(list))
    containers: dict[tuple[object, ...], str] = field(default_factory=dict)

    @classmethod
    def of(cls, anchors: list[Finding], types: TypeRegistry) -> _Index:
        """Anchors are indexed under their type's label (氏名 (name)): what reasons say."""
        index = cls()
        for a in anchors:
            label = types.label(a.type)
            if a.record is not None:
                index.by_record.setdefault(a.record, label)
            key = _container(a.location)
            if a.location.line is not None:
                index.lines[key].append((a.location.line, label))
            if a.location.paragraph is not None:
                index.paragraphs[key].append((a.location.paragraph, label))
            if a.location.page is not None or a.location.slide is not None:
                index.containers.setdefault(key, label)
        for entries in (*index.lines.values(), *index.paragraphs.values()):
            entries.sort()
        return index


def link_sensitive(findings: list[Finding], signals: DocumentSignals, types: TypeRegistry,
                   record_keys: dict[str, tuple[str, ...]] | None = None) -> list[Finding]:
    """Raise sensitive findings tied to a person to high confidence, lower the rest; either
    way the verdict is set on the finding (``linked``).

    A fact an exclusion word lowered (相談窓口, 支援センター) is tied only to a person named in
    its own record, line or paragraph: the word does not veto a fact about a named person,
    and a leaflet's facts stay unlinked."""
    if not any(f.category == Category.SENSITIVE for f in findings):
        return findings
    anchor_types = types.where(anchor=True)
    anchors = [f for f in findings if f.type in anchor_types and f.confidence >= Level.MEDIUM
               and not (f.location.part or "").startswith("metadata")]
    names = [a for a in anchors if a.type == "PERSON_NAME"]
    index, named = _Index.of(anchors, types), _Index.of(names, types)
    people = {f.fingerprint for f in names}
    personal_document = (bool(signals.kinds) and bool(anchors)
                         and len(people) <= MAX_PEOPLE_IN_PERSONAL_DOCUMENT)
    keyed = _keyed_anchors(anchors, record_keys or {}, types)
    persons_in_unit: dict[tuple[object, ...], dict[str, Finding]] = defaultdict(dict)
    for a in names:
        persons_in_unit[_unit(a.location)].setdefault(a.fingerprint, a)
    out = []
    for f in findings:
        if f.category != Category.SENSITIVE:
            out.append(f)
            continue
        if any(r.code == "lowered" for r in f.reasons):
            why = _tie(f, named, line_distance=0, paragraph_distance=0, page=False)
        else:
            why = _tie(f, index)
            if why is None and personal_document:
                why = f"document about one person ({'・'.join(sorted(signals.kinds))})"
            if why is None and f.record is None:
                why = _only_person(f, persons_in_unit[_unit(f.location)])
            if why is None and f.record is not None:
                why = _by_key(f.record, keyed, record_keys or {})
        if why is not None:
            out.append(replace(f, confidence=Level.HIGH, linked=True,
                               reasons=(*f.reasons, Reason("linked", why))))
        else:
            out.append(replace(f, confidence=Level.LOW, linked=False,
                               reasons=(*f.reasons, Reason("unlinked"))))
    return out


@dataclass
class Unmade:
    """What later steps need of the matches a file's scan counted instead of making into
    findings (low from the start, below ``--min-confidence``: piiscan.scan): how many, the
    fingerprints of those outside a record (only up to one more than a sample may hold), and
    whether any sat in a record."""

    count: int = 0
    values: set[str] = field(default_factory=set)
    in_record: bool = False

    def add(self, in_record: bool, fingerprint: Callable[[], str]) -> None:
        """One more; its fingerprint taken only while ``demote_samples`` could still need it
        to tell a form's few values from a list."""
        self.count += 1
        if in_record:
            self.in_record = True
        elif len(self.values) <= MAX_VALUES_IN_A_SAMPLE:
            self.values.add(fingerprint())


def demote_samples(findings: list[Finding], signals: DocumentSignals,
                   unmade: Unmade | None = None) -> list[Finding]:
    """A document whose name or title says it is a filled-in example (記入例, 見本): its values
    are invented, low confidence with why — but only a form's few values, never a table's
    rows and never a list: one word in a title must not hide a file of real data. (Lines,
    cells and rows marked as examples are demoted where they are: the sample_value filter,
    and sample rows in piiscan.structure.records.) A value of a real customer (an exact data
    match, ``edm_row``) is never demoted: a sample made from real data must be found."""
    if signals.sample is None:
        return findings
    values = {f.fingerprint for f in findings if f.record is None and f.linked is None}
    if unmade is not None:
        if unmade.in_record:
            return findings
        values |= unmade.values
    if len(values) > MAX_VALUES_IN_A_SAMPLE or any(f.record is not None for f in findings
                                                   if f.linked is None):
        return findings
    why = Reason("sample", signals.sample)
    return [f if f.edm_row is not None else
            replace(f, confidence=Level.LOW, reasons=(*f.reasons, why)) for f in findings]


def author_names(findings: list[Finding]) -> list[Finding]:
    """A name in a file's metadata (author, last modified by, comment author) says who
    wrote the file, not what the file holds about anyone: low confidence, with why, so the
    author of every office document does not make it a personal-data file."""
    if not any(f.type == "PERSON_NAME" and f.location.part for f in findings):
        return findings
    out = []
    for f in findings:
        part = f.location.part
        if part and f.type == "PERSON_NAME" and part.startswith("metadata") \
                and f.confidence > Level.LOW:
            f = replace(f, confidence=Level.LOW, reasons=(*f.reasons, Reason("metadata", part)))
        out.append(f)
    return out


def _only_person(fact: Finding, persons: dict[str, Finding]) -> str | None:
    """A fact in the text of a mail, document or slide that names one person only, in
    another part of it: the From header or the signature, the table at the head of a
    form, the slide's notes. (In the same stretch of text, nearness decides instead.)"""
    if len(persons) != 1:
        return None
    (person,) = persons.values()
    if person.location.part == fact.location.part and person.record is None:
        return None
    where = person.location.part or "table"
    return f"the only person this document names ({where})"


def _keyed_anchors(anchors: list[Finding], record_keys: dict[str, tuple[str, ...]],
                   types: TypeRegistry) -> dict[str, str]:
    """id cell (client_id=101) -> the anchor label of the one record with a person that
    holds it. A value many such records share (a city code) identifies no one."""
    holders: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for a in anchors:
        if a.record is not None:
            for key in record_keys.get(a.record, ()):
                holders[key].add(a.record)
                labels.setdefault(key, types.label(a.type))
    return {key: labels[key] for key, records in holders.items() if len(records) == 1}


def _by_key(record: str, keyed: dict[str, str], record_keys: dict[str, tuple[str, ...]]
            ) -> str | None:
    """A row of another table that shares an id with a row naming a person (visit records
    by client_id): the same person, found by joining in the same file (容易照合)."""
    for key in record_keys.get(record, ()):
        if key in keyed:
            column = key.split("=", 1)[0]
            return f"{keyed[key]} in a record with the same {column}"
    return None


def _tie(f: Finding, index: _Index, line_distance: int = LINE_DISTANCE,
         paragraph_distance: int = PARAGRAPH_DISTANCE, page: bool = True) -> str | None:
    loc = f.location
    if f.record is not None:
        # In a table, the row is the unit: the row above belongs to someone else.
        return _record_tie(f.record, index)
    key = _container(loc)
    if loc.line is not None and key in index.lines:
        near = _nearest(index.lines[key], loc.line, line_distance)
        if near is not None:
            return f"{near} within {line_distance} lines" if line_distance else \
                f"{near} on the same line"
    if loc.paragraph is not None and key in index.paragraphs:
        near = _nearest(index.paragraphs[key], loc.paragraph, paragraph_distance)
        if near is not None:
            return f"{near} in the same or a neighbouring paragraph"
    if page and (loc.page is not None or loc.slide is not None) and key in index.containers:
        where = "page" if loc.page is not None else "slide"
        return f"{index.containers[key]} on the same {where}"
    return None


def _record_tie(record: str, index: _Index) -> str | None:
    """The record's own anchor, or one of the object it is nested in: an allergy in a
    patient's list of allergies is the patient's."""
    found = index.by_record.get(record)
    if found is not None:
        return f"{found} in the same record"
    parts = record.split(RECORD_NESTING)
    for depth in range(len(parts) - 1, 0, -1):
        found = index.by_record.get(RECORD_NESTING.join(parts[:depth]))
        if found is not None:
            return f"{found} in the record around it"
    return None


def _nearest(index: list[tuple[int, str]], position: int, distance: int) -> str | None:
    i = bisect.bisect_left(index, (position - distance, ""))
    if i < len(index) and index[i][0] <= position + distance:
        return index[i][1]
    return None
