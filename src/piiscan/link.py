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
from dataclasses import dataclass, field, replace

from piiscan.models import Category, Finding, Level, Location, Reason, Segment, TypeRegistry

PERSONAL_DOCUMENTS = ("相談受付票", "面談票", "産業医",
                      "カルテ", "診療録", "診療記録", "看護記録", "健康診断", "健診結果", "人間ドック",
                      "診断書", "紹介状", "診療情報提供書", "問診票", "検査結果", "処方箋", "お薬手帳",
                      "履歴書", "職務経歴書", "身上書", "身上調書", "面談記録", "相談記録", "ケース記録",
                      "支援記録", "介護記録", "ケアプラン", "個別支援計画", "指導要録", "調査票",
                      "事故報告書", "供述調書", "被害届", "陳述書")
# A document whose name or title says it is an example holds invented values.
SAMPLE_MARKERS = re.compile(r"記入例|記入見本|記載例|見本(?!市)|サンプル|ダミー|テンプレート|ひな形|雛形|"
                            r"(?<![\w.@-])(?i:sample|dummy|template)(?![\w.@-])")
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
    _seen: int = 0

    def feed(self, segment: Segment) -> None:
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


def link_sensitive(findings: list[Finding], signals: DocumentSignals, types: TypeRegistry
                   ) -> list[Finding]:
    """Raise sensitive findings tied to a person to high confidence, lower the rest; either
    way the verdict is set on the finding (``linked``)."""
    if not any(f.category == Category.SENSITIVE for f in findings):
        return findings
    anchor_types = types.where(anchor=True)
    anchors = [f for f in findings
               if f.type in anchor_types and f.confidence >= Level.MEDIUM]
    by_record: dict[str, str] = {}
    lines: dict[tuple[object, ...], list[tuple[int, str]]] = defaultdict(list)
    paragraphs: dict[tuple[object, ...], list[tuple[int, str]]] = defaultdict(list)
    containers: dict[tuple[object, ...], str] = {}
    for a in anchors:
        if a.record is not None:
            by_record.setdefault(a.record, a.type)
        key = _container(a.location)
        if a.location.line is not None:
            lines[key].append((a.location.line, a.type))
        if a.location.paragraph is not None:
            paragraphs[key].append((a.location.paragraph, a.type))
        if a.location.page is not None or a.location.slide is not None:
            containers.setdefault(key, a.type)
    for index in (*lines.values(), *paragraphs.values()):
        index.sort()
    people = {f.fingerprint for f in anchors if f.type == "PERSON_NAME"}
    personal_document = (bool(signals.kinds) and bool(anchors)
                         and len(people) <= MAX_PEOPLE_IN_PERSONAL_DOCUMENT)

    out = []
    for f in findings:
        if f.category != Category.SENSITIVE:
            out.append(f)
            continue
        why = _tie(f, by_record, lines, paragraphs, containers, types)
        if why is None and personal_document:
            why = f"document about one person ({'・'.join(sorted(signals.kinds))})"
        if why is not None:
            out.append(replace(f, confidence=Level.HIGH, linked=True,
                               reasons=(*f.reasons, Reason("linked", why))))
        else:
            out.append(replace(f, confidence=Level.LOW, linked=False,
                               reasons=(*f.reasons, Reason("unlinked"))))
    return out


def demote_samples(findings: list[Finding], signals: DocumentSignals) -> list[Finding]:
    """Every value in a 記入例 / sample document is invented: low confidence, with why."""
    if signals.sample is None:
        return findings
    why = Reason("sample", signals.sample)
    return [replace(f, confidence=Level.LOW, reasons=(*f.reasons, why)) for f in findings]


def _tie(f: Finding, by_record: dict[str, str],
         lines: dict[tuple[object, ...], list[tuple[int, str]]],
         paragraphs: dict[tuple[object, ...], list[tuple[int, str]]],
         containers: dict[tuple[object, ...], str], types: TypeRegistry) -> str | None:
    loc = f.location
    if f.record is not None:
        # In a table, the row is the unit: the row above belongs to someone else.
        if f.record not in by_record:
            return None
        return f"{types.label(by_record[f.record])} in the same record"
    key = _container(loc)
    if loc.line is not None and key in lines:
        near = _nearest(lines[key], loc.line, LINE_DISTANCE)
        if near is not None:
            return f"{types.label(near)} within {LINE_DISTANCE} lines"
    if loc.paragraph is not None and key in paragraphs:
        near = _nearest(paragraphs[key], loc.paragraph, PARAGRAPH_DISTANCE)
        if near is not None:
            return f"{types.label(near)} in the same or a neighbouring paragraph"
    if (loc.page is not None or loc.slide is not None) and key in containers:
        where = "page" if loc.page is not None else "slide"
        return f"{types.label(containers[key])} on the same {where}"
    return None


def _nearest(index: list[tuple[int, str]], position: int, distance: int) -> str | None:
    i = bisect.bisect_left(index, (position - distance, ""))
    if i < len(index) and index[i][0] <= position + distance:
        return index[i][1]
    return None
