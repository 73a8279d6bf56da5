"""One record at a time: the cells of a row, the values of a JSON object or an SQL tuple.

Extractors give each cell its own segment and the record it belongs to. Before the rules
see them, the cells of one record are read together (``Assembler``):

- **one value split over cells is one value**: a surname and a given-name column are one
  name (姓 | 名 -> 山田 太郎), so are their readings (セイ | メイ) and romaji forms, and FHIR's
  ``family`` + ``given``; an address over 都道府県 | 市区町村 | 町域 | 番地 | 建物 — named by
  the headers, or recognised by its values (a prefecture, then a municipality from the
  official list, then the town and the street number) — is one address. The joined value
  is scanned in place of its parts, at the first part's location;
- **what the record is about**: the column kinds it holds. A row of a list of places or
  organisations (施設名, 所在地, 代表電話, 緯度 ...) with no person in it holds the place's
  contact data, not anyone's (``organisation_row``).

Only one record is held at a time, and at most ``MAX_CELLS`` of its cells.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from piiscan import columns
from piiscan.columns import ADDRESS_PARTS, ADDRESS_READINGS, ARROW, NAME_KINDS, Column
from piiscan.models import Segment
from piiscan.recognizers import names
from piiscan.structure import values

MAX_CELLS = 400
_NOTHING: list[Record] = []  # never appended to: feed's answer when no record is complete
_PAIRS = (("SURNAME", "GIVEN_NAME", "PERSON_NAME"),
          ("SURNAME_KANA", "GIVEN_KANA", "NAME_KANA"),
          ("SURNAME_ROMAJI", "GIVEN_ROMAJI", "NAME_ROMAJI"))
# Keys that name a name's parts only beside each other (FHIR HumanName, many APIs).
_PART_KEYS = {"family": "SURNAME", "last": "SURNAME", "given": "GIVEN_NAME",
              "first": "GIVEN_NAME"}
_ADDRESS_KINDS = frozenset({"ADDRESS", *ADDRESS_PARTS, *ADDRESS_READINGS})
_WHOLE_ADDRESS = frozenset({"ADDRESS", *ADDRESS_READINGS})  # a column of the whole address
_STOP_SHAPES = frozenset({"EMAIL", "PHONE", "POSTAL_CODE", "DATE", "SEX", "KANA", "ROMAJI",
                          "PERSON_NAME", "PREFECTURE"})


# Types whose value in a row about an organisation is the organisation's: its contact data
# (types.yaml ``contact``), and what a company also has under a person's column headers (a
# founding date under 生年月日, the reading of its name under カナ).
ORGANISATION_TYPES = frozenset({"BIRTH_DATE", "PERSON_NAME_KANA"})
_COMPANY = re.compile(r"^(?:株式会社|有限会社|合同会社|合資会社|合名会社|(?:一般|公益)(?:社団|財団)法人|"
                      r"医療法人|学校法人|社会福祉法人|宗教法人|\(株\)|\(有\)|㈱|㈲)|"
                      r"(?:株式会社|有限会社|合同会社|\(株\)|\(有\)|㈱|㈲|Co\.,? ?Ltd\.?|Inc\.|"
                      r"Corporation|Corp\.|病院|医院|クリニック|診療所|薬局|センター|協会|組合|事務所)$")
# A cell that marks its row as an example.
_SAMPLE_CELLS = frozenset({"記入例", "記載例", "見本", "記入見本", "例", "サンプル", "sample", "Sample",
                           "SAMPLE", "example", "Example", "ダミー", "dummy"})
# A cell that says the row is a company's own (an address kind 本店, a type Company).
_ORGANISATION_WORDS = frozenset({"本店", "本社", "支店", "支社", "営業所", "事業所", "会社", "法人",
                                 "company", "Company", "COMPANY", "corporation", "Corporation"})
# The characters a marking cell can start with (a cheap test before the set look-up).
_MARK_FIRST = frozenset(w[0] for w in _SAMPLE_CELLS | _ORGANISATION_WORDS) | frozenset(
    " 　\t\r\n【[(（<＜")


@dataclass
class Record:
    """The segments of one record to scan (composites in place of their parts), the column
    kinds the record holds, and — when the record is about an organisation or a place and
    names no person — why (``organisation``)."""

    segments: list[Segment]
    key: str | None
    kinds: tuple[Column, ...] = ()
    organisation: str | None = None
    # the headers alone say the row is a place's (施設名, 所在地, 緯度, 営業時間): only a
    # name its own text calls one (a label, an honorific) makes it a person's
    place: bool = False
    sample: str | None = None  # the marker when a cell says the row is an example
    # "<id column>=<value>" of the record's id-like cells (client_id=101): a record of
    # another table with the same key is about the same person (容易照合)
    keys: tuple[str, ...] = ()


class Assembler:
    """Groups consecutive segments of one record and assembles them (module docstring)."""

    def __init__(self) -> None:
        self._key: str | None = None
        self._cells: list[Segment] = []

    def feed(self, segment: Segment) -> list[Record]:
        """The records complete once this segment is seen (usually none)."""
        if segment.record is None:
            done = self.flush()
            done.append(Record([segment], None, organisation=_under_organisation(segment)))
            return done
        if segment.record == self._key and len(self._cells) < MAX_CELLS:
            self._cells.append(segment)
            return _NOTHING
        done = self.flush()
        self._key, self._cells = segment.record, [segment]
        return done

    def flush(self) -> list[Record]:
        done = [assemble(self._cells, self._key)] if self._cells else []
        self._key, self._cells = None, []
        return done


_UNDER_ORGANISATION = "a section headed by an organisation's name"


def _under_organisation(segment: Segment) -> str | None:
    """A text whose heading names an organisation, not a kind of column (an HTML <dd>
    under <dt>社会福祉法人 天祐会</dt>, a block under 株式会社○○ 本社): the section is the
    organisation's, and so is its contact data."""
    header = segment.header
    if not header or len(header) > 60 or columns.read_header(header) is not None:
        return None
    return _UNDER_ORGANISATION if values.looks_like_organisation(header) else None


@dataclass(frozen=True)
class _Plan:
    """What a record's headers alone decide (computed once per set of headers: every row
    of a table has the same)."""

    kinds: tuple[Column | None, ...]
    pairs: tuple[tuple[int, int, str], ...]  # (first part, second part, kind of the whole)
    address_columns: bool  # some column is an address or a part of one
    known: tuple[Column, ...]
    place: str | None  # a place column and no person column: why the row is a place's
    name_columns: tuple[int, ...]  # where a company name would make the row a company's
    ids: tuple[str | None, ...]  # id-like column names (client_id), per cell
    has_ids: bool
    sample: str | None  # a header that says its value is an example (例:, sample:)
    unknown: tuple[int, ...]  # cells whose header the column table does not know
    dates: tuple[tuple[int, int, int], ...] = ()  # a birth date's year | month | day cells
    # cells of a person's name column: an organisation there (contact_name: 福岡市保健福祉局)
    # makes the row the organisation's
    person_columns: tuple[int, ...] = ()


@lru_cache(maxsize=512)
def _plan(headers: tuple[str | None, ...]) -> _Plan:
    kinds = [columns.read_header(h) for h in headers]
    _part_keys(headers, kinds)
    used: set[int] = set()
    pairs = []
    for first, second, whole in _PAIRS:
        # every pair, in order: 姓 | 名 and then family_name | first_name of the same people
        while (found := _pair(kinds, first, second, used)) is not None:
            pairs.append((*found, whole))
            used.update(found)
    known = tuple(k for k in kinds if k is not None)
    ids = tuple(_id_column(h) for h in headers)
    place = None
    # An ambiguous column (an English "name") is no evidence of people; beside an
    # organisation's name, a reading is the organisation's (名称 + name_kana).
    people = [k for k in known if k.person and not k.verify]
    if any(k.kind == "ORG_NAME" for k in known):
        people = [k for k in people if k.kind in NAME_KINDS]
    if any(k.place for k in known) and not people:
        place = "a row of " + "・".join(dict.fromkeys(k.label for k in known if k.place))
    sample = next((bare for h in headers if (bare := (h or "").split(ARROW)[0].strip()
                                             .rsplit(".", 1)[-1]) in _SAMPLE_CELLS), None)
    return _Plan(tuple(kinds), tuple(pairs),
                 any(k is not None and k.kind in _ADDRESS_KINDS for k in kinds), known, place,
                 tuple(i for i, k in enumerate(kinds)
                       if k is not None and k.kind in ("PERSON_NAME", "ORG_NAME", "THING")),
                 ids, any(ids), sample, tuple(i for i, k in enumerate(kinds) if k is None),
                 _date_parts(headers),
                 tuple(i for i, k in enumerate(kinds) if k is not None and k.kind == "PERSON_NAME"
                       and not k.verify))


def assemble(cells: list[Segment], key: str | None) -> Record:
    cells = _unpacked(cells)
    plan = _plan(tuple(c.header for c in cells))
    if plan.unknown and len(cells) > 1:
        cells = _named_in_the_row(cells, plan.unknown)
    kinds = list(plan.kinds)
    used: set[int] = set()
    composites: list[tuple[int, Segment]] = []
    for i, j, whole in plan.pairs:
        composites.append((i, _joined([cells[i], cells[j]], whole, " ")))
        used.update((i, j))
    for parts in plan.dates:
        if not used.intersection(parts):
            composites.append((parts[0], _date_joined([cells[i] for i in parts])))
            used.update(parts)
    if plan.address_columns or any(len(c.text) <= 8 and values.is_prefecture(c.text)
                                   for c in cells):
        for run in _address_runs(cells, kinds, used):
            if not _complete(cells, kinds, run):
                continue
            head = kinds[run[0]]
            written = head.kind if head is not None and head.kind in ADDRESS_READINGS else \
                "ADDRESS"
            composites.append((run[0], _joined([cells[i] for i in run], written, "")))
            used.update(run)
    out = [c for i, c in enumerate(cells) if i not in used]
    if composites:
        out += [seg for _, seg in sorted(composites, key=lambda c: c[0])]
    sample, company = _marks(cells)
    sample = sample or plan.sample
    if plan.place is None and company is None:
        company = next((_COMPANY_ROW for i in plan.name_columns
                        if _COMPANY.search(text := cells[i].text.strip()) or (
                            i in plan.person_columns and _organisation_not_person(text))),
                       None)
    return Record(out, key, plan.known, plan.place or company, plan.place is not None, sample,
                  _keys(cells, plan.ids) if plan.has_ids else ())


def _organisation_not_person(text: str) -> bool:
    """A value of a person's column that names an organisation (福岡市保健福祉局), not a
    person whose given name ends like one (及川 渚園: a known surname, then a space)."""
    head, space, _ = text.replace("　", " ").partition(" ")
    return values.looks_like_organisation(text) and not (space and names.is_surname(head))


# Documents a row may name in a cell of its own (書類種別 | 書類番号 tables), and the kind of
# number each one carries. Exact names only: 口座振替 or クレジットカード as a payment method
# says nothing about the numbers beside it.
_DOCUMENTS = {
    "運転免許証": "DRIVERS_LICENSE", "運転免許": "DRIVERS_LICENSE", "免許証": "DRIVERS_LICENSE",
    "パスポート": "PASSPORT", "旅券": "PASSPORT", "在留カード": "RESIDENCE_CARD",
    "特別永住者証明書": "RESIDENCE_CARD", "年金手帳": "PENSION_NUMBER",
    "基礎年金番号通知書": "PENSION_NUMBER", "マイナンバーカード": "MY_NUMBER",
    "個人番号カード": "MY_NUMBER", "通知カード": "MY_NUMBER",
}
MIN_ID_DIGITS = 7  # the shortest of those numbers; 枝番 05 is a part, not an identifier


def _named_in_the_row(cells: list[Segment], unknown: tuple[int, ...]) -> list[Segment]:
    """A row that names a document in one cell (運転免許証, パスポート), beside a number in a
    column whose header says nothing (``syorui_kigou``): the number is read under that
    document's label (``syorui_kigou → 運転免許証番号``), as a person reads a 書類種別 |
    書類番号 table. Two documents named in one row name neither."""
    numbers = [i for i in unknown if sum(ch.isdigit() for ch in cells[i].text) >= MIN_ID_DIGITS]
    if not numbers:
        return cells
    kinds = {kind for c in cells if (kind := _DOCUMENTS.get(c.text.strip())) is not None}
    if len(kinds) != 1:
        return cells
    label = columns.table().column(kinds.pop()).label
    out = list(cells)
    for i in numbers:
        cell = cells[i]
        out[i] = replace(cell, header=f"{cell.header or f'#{i + 1}'}{ARROW}{label}")
    return out


_ID_HEADER = re.compile(r"(?:^|[_\s.-])id$|[a-z]id$|ID$|Id$|番号$|^no\.?$", re.I)


def _keys(cells: list[Segment], ids: tuple[str | None, ...]) -> tuple[str, ...]:
    """The record's id-like cells as ``header=value`` (client_id=101, 社員番号=E12345)."""
    out = []
    for cell, name in zip(cells, ids, strict=True):
        if name is not None:
            value = cell.text.strip()
            if 0 < len(value) <= 40:
                out.append(f"{name}={value}")
    return tuple(out)


@lru_cache(maxsize=1024)
def _id_column(header: str | None) -> str | None:
    """The name of an id-like column (client_id, 社員番号), or None."""
    bare = (header or "").split(ARROW)[0].strip()
    if bare and not bare.startswith("#") and _ID_HEADER.search(bare):
        return bare.rsplit(".", 1)[-1].lower()
    return None


_COMPANY_ROW = "a company's row"
MAX_JSON_CELL = 20_000  # characters: a JSON document stored in one cell is read up to this
MAX_JSON_LEAVES = 200


def _unpacked(cells: list[Segment]) -> list[Segment]:
    """A JSON document stored in one cell (an SQL ``medical_history`` column holding
    ``{"allergies": [...], "conditions": ["高血圧"]}``) is read as the cells it holds: each
    text value under ``<column>.<key>``, in the same record, at the cell's place."""
    out: list[Segment] | None = None
    for i, cell in enumerate(cells):
        leaves = _json_leaves(cell.text)
        if leaves:
            if out is None:
                out = cells[:i]
            base = (cell.header or f"#{i + 1}").split(ARROW)[0].strip()
            out += [replace(cell, text=value, header=f"{base}.{name}" if name else base)
                    for name, value in leaves]
        elif out is not None:
            out.append(cell)
    return cells if out is None else out


def _json_leaves(text: str) -> list[tuple[str, str]]:
    """(key, text) of the text values of a JSON object or array, or [] for anything else."""
    body = text.strip()
    if len(body) < 2 or len(body) > MAX_JSON_CELL or body[0] + body[-1] not in ("{}", "[]"):
        return []
    try:
        document = json.loads(body)
    except ValueError:
        return []
    leaves: list[tuple[str, str]] = []
    stack: list[tuple[str, object]] = [("", document)]
    while stack and len(leaves) < MAX_JSON_LEAVES:
        name, node = stack.pop()
        if isinstance(node, dict):
            stack += [(str(k), v) for k, v in reversed(node.items())]
        elif isinstance(node, list):
            stack += [(name, v) for v in reversed(node)]
        elif isinstance(node, str) and node.strip():
            leaves.append((name, node))
    return leaves


def _marks(cells: list[Segment]) -> tuple[str | None, str | None]:
    """What a short cell says about its row: an example (記入例, 見本, サンプル — the first
    line of a form's table, filled in to show how), or a company's own (本店, Company)."""
    if len(cells) < 2:
        return None, None
    sample = company = None
    for cell in cells:
        text = cell.text
        if len(text) <= 12 and text[:1] in _MARK_FIRST:
            text = text.strip().strip("【】[]()（）<>＜＞")
            if text in _SAMPLE_CELLS:
                sample = text
            elif text in _ORGANISATION_WORDS:
                company = _COMPANY_ROW
    return sample, company


def _part_keys(headers: tuple[str | None, ...], kinds: list[Column | None]) -> None:
    """``family`` and ``given`` (or ``last``/``first``) in one record are a name's parts."""
    bare = [(h or "").strip().lower().rsplit(".", 1)[-1] for h in headers]
    found = {_PART_KEYS[b] for b in bare if b in _PART_KEYS}
    if found != {"SURNAME", "GIVEN_NAME"}:
        return
    table = columns.table()
    for i, b in enumerate(bare):
        kind = kinds[i]
        if b in _PART_KEYS and (kind is None or kind.verify):  # name.family: not a full name
            kinds[i] = table.column(_PART_KEYS[b])


def _pair(kinds: list[Column | None], first: str, second: str,
          used: set[int]) -> tuple[int, int] | None:
    i = next((n for n, k in enumerate(kinds) if k and k.kind == first and n not in used), None)
    j = next((n for n, k in enumerate(kinds) if k and k.kind == second and n not in used), None)
    return (i, j) if i is not None and j is not None else None


def _address_runs(cells: list[Segment], kinds: list[Column | None],
                  used: set[int]) -> Iterator[list[int]]:
    """Consecutive cells that together hold one address: by their headers (住所 spanning
    several cells; 都道府県, 市区町村, 町域, 番地, 建物 columns), else by their values."""
    i = 0
    while i < len(cells):
        kind = kinds[i]
        text = cells[i].text
        if (kind is None or kind.kind not in _ADDRESS_KINDS) and \
                (len(text) > 8 or not values.is_prefecture(text)):
            i += 1  # an address starts at an address column or a prefecture
            continue
        run = _by_header(cells, kinds, i, used)
        if len(run) < 2:
            run = _by_value(cells, kinds, i, used)
        if len(run) >= 2:
            yield run
            i = run[-1] + 1
        else:
            i += 1


def _complete(cells: list[Segment], kinds: list[Column | None], run: list[int]) -> bool:
    """Cells under one 住所 header are the person's address whatever they hold; parts
    found by their own headers (都道府県, 市区町村 ...) or by their values make an address
    only with a street number: a prefecture and a municipality are a place."""
    first = kinds[run[0]]
    if first is not None and first.kind in _WHOLE_ADDRESS and all(
            cells[i].header == cells[run[0]].header for i in run):
        return True
    for i in run[1:]:
        kind = kinds[i]
        if kind is not None and kind.kind == "STREET":
            return True
        if values.classify(cells[i].text) == "STREET" and not cells[i].text.strip().isdigit():
            return True
    return False


def _by_header(cells: list[Segment], kinds: list[Column | None], start: int,
               used: set[int]) -> list[int]:
    kind = kinds[start]
    if kind is None or kind.kind not in _ADDRESS_KINDS or start in used:
        return []
    run = [start]
    for i in range(start + 1, len(cells)):
        k = kinds[i]
        if i in used or k is None or k.kind not in _ADDRESS_KINDS:
            break
        if k.kind in _WHOLE_ADDRESS and kind.kind in _WHOLE_ADDRESS and \
                cells[i].header != cells[start].header:
            break  # two address columns (自宅, 勤務先; 住所, 住所（カナ）): two addresses
        run.append(i)
    return run


def _by_value(cells: list[Segment], kinds: list[Column | None], start: int,
              used: set[int]) -> list[int]:
    """A prefecture cell, then a municipality cell, then what follows while it reads as
    the rest of an address (a town, a street number, a building), at most five cells."""
    if start in used or start + 1 >= len(cells) or not _free(kinds[start]):
        return []
    if not (values.is_prefecture(cells[start].text)
            and values.is_municipality(cells[start + 1].text)):
        return []
    run = [start, start + 1]
    street = False
    for i in range(start + 2, min(len(cells), start + 5)):
        text = cells[i].text.strip()
        shape = values.classify(text)
        if i in used or not _free(kinds[i]) or shape in _STOP_SHAPES or shape == "NUMBER" \
                or len(text) > 40:
            break
        if street and shape == "STREET":
            break  # a second street number is something else
        run.append(i)
        if shape == "STREET":
            street = True
        elif street:
            break  # the building after the street number ends the address
    return run


def _free(kind: Column | None) -> bool:
    """A cell whose header does not say it holds something other than an address."""
    return kind is None or kind.kind in _ADDRESS_KINDS or kind.place


_NOTE = re.compile(r"[（(][^()（）]{0,12}[)）]")


# A header naming one part of a birth date (birth_year, 生年月日(月), 誕生日): its stem, its part.
_DATE_PART = re.compile(r"^(?P<stem>.*?)[\s_.\-(（]*(?P<part>year|month|day|yyyy|mm|dd|年|月|日)"
                        r"[)）]?$")
# The whole stem, not a word in it: 発生年 | 発生月 | 発生日 and 生産年 … are no birth date.
_BIRTH_STEM = re.compile(r"(?:.*[_\s.-])?(?:birth|dob|date_?of_?birth)[_\s.-]?|生|出生|誕生|生年月日|"
                         r"誕生日|生年月日[(（]")
MAX_DATE_HEADER = 60  # a longer "header" is text, not a column name
_PART_ORDER = {"year": 0, "yyyy": 0, "年": 0, "month": 1, "mm": 1, "月": 1, "day": 2, "dd": 2,
               "日": 2}


def _date_parts(headers: tuple[str | None, ...]) -> tuple[tuple[int, int, int], ...]:
    """A birth date over three columns of one stem (birth_year | birth_month | birth_day,
    生年月日(年) | (月) | (日)), as forms and 名簿 split it: (year, month, day) cell indexes."""
    stems: dict[str, list[int | None]] = {}
    for i, header in enumerate(headers):
        if not header or len(header) > MAX_DATE_HEADER:
            continue
        m = _DATE_PART.match(columns.fold(header).split(ARROW)[0].strip())
        if m is None or _BIRTH_STEM.fullmatch(m.group("stem")) is None:
            continue
        parts = stems.setdefault(m.group("stem"), [None, None, None])
        parts[_PART_ORDER[m.group("part")]] = i
    return tuple((y, mo, d) for y, mo, d in stems.values()
                 if y is not None and mo is not None and d is not None)


def _date_joined(parts: list[Segment]) -> Segment:
    """One 生年月日 segment for a date split over three cells (昭和51 | 12 | 12)."""
    year, month, day = (p.text.strip() for p in parts)
    year = year.removesuffix("年")
    text = f"{year}年{month.removesuffix('月')}月{day.removesuffix('日')}日"
    label = columns.table().kinds["BIRTH_DATE"].label
    names = "・".join(dict.fromkeys((p.header or "").split(ARROW)[0].strip() for p in parts))
    return replace(parts[0], text=text, header=f"{names}{ARROW}{label}" if names else label)


def _joined(parts: list[Segment], kind: str, sep: str) -> Segment:
    """One segment for a value split over cells, at the first cell's place."""
    texts = [p.text.strip() for p in parts]
    if kind not in _WHOLE_ADDRESS:  # 朝陽(アサヒ), (名前)理紗: a note typed into a name cell
        texts = [_NOTE.sub("", t).strip() or t for t in texts]
    if sep:
        text = sep.join(texts)
    else:  # an address: parts run together, a space only between two numbers
        text = texts[0]
        for t in texts[1:]:
            text += (" " if text[-1:].isdigit() and t[:1].isdigit() else "") + t
    label = columns.table().kinds[kind].label
    base = (parts[0].header or "").split(ARROW)[0].strip()
    names = [base] + [(p.header or "").split(ARROW)[0].strip() for p in parts[1:]]
    shown = "・".join(dict.fromkeys(n for n in names if n)) or None
    header = f"{shown}{ARROW}{label}" if shown and shown != label else label
    return replace(parts[0], text=text, header=header)
