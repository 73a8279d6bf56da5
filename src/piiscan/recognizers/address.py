"""Japanese postal addresses, anchored on the official municipality list.

An address starts at a prefecture (optional: 政令市 such as 横浜市 are written without it)
followed by a municipality from the shipped list (with its 郡, if any), then runs on through
町域, 丁目・番地・号 (in digits or kanji numerals, with any hyphen) and an optional building
and room. It never crosses a line, a tab or a delimiter, so the phone number on the next
line is never swallowed (a classic peer bug).

- prefecture + municipality + street number -> high
- municipality + street number               -> medium
- no street number (東京都千代田区で)          -> low: a place, not where someone lives
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from piiscan import columns, data
from piiscan.models import Level
from piiscan.recognizers import Candidate
from piiscan.recognizers.names import KANJI

_NUMERAL = "[0-9一二三四五六七八九十百千〇]"
_KANJI_NUMERAL = re.compile("[一二三四五六七八九十百千〇]")
# Street numbers: 1丁目2番3号, 1-2-3, 一丁目, 12番地, 北3条西4丁目, 5線, 1の2. A number
# followed by a unit (1月, 3人, 10時) is not one.
_STREET_TOKEN = re.compile(f"{_NUMERAL}+(?:丁目|番地|番|号|条|線|地割|の|-|"
                           "(?![0-9年月日時分秒円人名件個回歳%％万億/:.]))")
_DIGIT_OR_HYPHEN = frozenset("0123456789-")
_SUFFIXED = ("丁目", "番地", "番", "号", "条", "線", "地割")
# What an address body may contain: no delimiters, no labels' colons, and at most a single
# space between its parts (京都府 京都市左京区 吉永町 2-9).
_BODY = re.compile(r"(?:[^\s、。,，;；「」『』【】()（）<>＜＞|｜/:：＠@※]|[ 　](?=[^\s、。,，;；"
                   r"「」『』【】()（）<>＜＞|｜/:：＠@※])){0,60}")
# A municipality followed by these is an institution or a word, not an address: 高松市立
# (a city school), 福岡市営１号 (city transport), 市内の, 市役所, 市議会, 市長は.
_NOT_A_PLACE = re.compile(
    "立[^、。\\s]{0,8}?(?:学校|小学校|中学校|高校|高等学校|幼稚園|保育所|保育園|こども園|図書館|病院|"
    "大学|体育館|公民館|美術館|博物館|動物園|墓地|霊園|斎場|センター|施設|プール|球場|公園)"
    "|営|内(?:の|で|に|は|を|在住|在勤|全域|各所)"
    "|役所|役場|議会|長(?:選|は|が|の|に|と|を|から|宛)"
    # 松茂町は 1 カ月: a particle right after the name ends the place; a sentence goes on.
    "|[はがをにでともへや](?![ぁ-ゖ]{0,3}[0-9０-９])|[はがをにでともへや][ 　]")
_STOP = re.compile(r"電話|TEL|Tel|tel|FAX|Fax|携帯|〒|メール|mail|Mail|様|殿|御中|まで|より|にて|"
                   r"から|です|でした|ます|在住|出身|生まれ|付近|周辺|方面|行き|にある|での|では|"
                   r"[0-9]{2,4}-[0-9]{2,4}-[0-9]{3,4}")
_BUILDING = re.compile(
    r"[ 　]?(?=[^0-9\s])[^\s、。,，;；「」()（）:：]{1,24}?(?:[0-9]{1,4}(?:号室|号|F|階)?|ビル|ハイツ|"
    r"マンション|荘|コーポ|レジデンス|タワー|アパート|号室|号館|棟|階)(?![0-9-])")
_ROOM = re.compile(r"[ 　][0-9]{2,4}(?:号室|号)?(?![0-9-])")
_LABEL_BEFORE = ("住所", "所在地", "送付先", "届け先", "お届け先", "連絡先", "本籍", "本籍地", "現住所",
                 "居所", "住居", "自宅", "宛先", "住")


_MUNICIPALITY_END = re.compile("[市区町村]")
# Stand-ins for a town or a street number: 〇〇町, ××, X-XX (二〇〇番地 is a number).
_PLACEHOLDER = re.compile("(?<![一二三四五六七八九十百千〇])[〇○◯×✕][〇○◯×✕]|[XＸ][-ー－XＸ]")
_KANJI_CHAR = re.compile(KANJI)
# A municipality the list no longer has (merged since: 武生市, 西彼杵郡琴海町) is still
# written in old records and in generated data; right after a prefecture, a county? and a
# name of up to four characters ending in 市, 町 or 村 is taken for one.
_NAME_CHAR = f"(?:(?![市区町村郡県都道府]){KANJI}|[ぁ-ゖァ-ヺ])"
_UNLISTED = re.compile(f"(?:{_NAME_CHAR}{{1,4}}郡)?{_NAME_CHAR}{{1,4}}[市町村]")


@cache
def _places() -> tuple[frozenset[str], frozenset[str], frozenset[str], int]:
    rows = data.load_table("municipalities")
    municipalities = frozenset(r[2] for r in rows if len(r) > 2 and r[2])
    counties = frozenset(r[1] for r in rows if len(r) > 1 and r[1])
    longest = max(len(m) for m in municipalities)
    return data.load_words("prefectures"), counties, municipalities, longest


def _municipalities(text: str) -> Iterator[tuple[int, int, bool]]:
    """(start, end, has_prefecture) of each prefecture? + county? + municipality.

    Every municipality name ends in 市, 区, 町 or 村, so those characters are the anchors;
    set look-ups then find the longest listed name ending there (札幌市中央区 over 中央区).
    Without a prefecture or county, the name must start a word or follow a label such as
    住所, so 北区 inside 東北区域 is no address.
    """
    prefectures, counties, municipalities, longest = _places()
    pending: tuple[int, int, bool] | None = None
    for m in _MUNICIPALITY_END.finditer(text):
        end = m.end()
        start = next((end - k for k in range(min(longest, end), 1, -1)
                      if text[end - k:end] in municipalities), None)
        if start is None:
            start = _unlisted(text, end, prefectures)
        if start is None:
            continue
        head = start
        county = next((start - k for k in range(7, 1, -1) if text[start - k:start] in counties),
                      None)
        if county is not None:
            head = county
        gap = 1 if text[head - 1:head] in (" ", "　") else 0
        pref = next((head - gap - k for k in (4, 3)
                     if text[head - gap - k:head - gap] in prefectures), None)
        if pref is not None:
            head = pref
        elif county is None and head > 0 and _KANJI_CHAR.match(text, head - 1) and \
                not text.endswith(_LABEL_BEFORE, 0, head):
            continue
        if pending is not None and head < pending[1]:
            if end > pending[1]:  # 札幌市 then 札幌市中央区: keep the longer
                pending = (min(head, pending[0]), end, pref is not None or pending[2])
            continue
        if pending is not None:
            yield pending
        pending = (head, end, pref is not None)
    if pending is not None:
        yield pending


def _unlisted(text: str, end: int, prefectures: frozenset[str]) -> int | None:
    """Start of an unlisted municipality (``_UNLISTED``) ending at ``end`` right after a
    prefecture, or None."""
    for start in range(max(3, end - 10), end - 1):
        after_prefecture = (text[start - 3:start] in prefectures
                            or text[max(0, start - 4):start] in prefectures)
        if after_prefecture and _UNLISTED.fullmatch(text, start, end):
            return start
    return None


# An address written in kana or romaji under its own column (住所（カタカナ）, address_romaji):
# the column says what it is; a street number says it is a home's.
_READING_ADDRESS = re.compile(r"[ァ-ヺー・ぁ-ゖA-Za-z][ァ-ヺー・ぁ-ゖA-Za-z0-9 　\-]{3,118}")


def addresses(text: str, header: str | None) -> Iterator[Candidate]:
    if header and columns.kind_of(header) in columns.ADDRESS_READINGS:
        yield from _address_reading(text)
        return
    if not _could_hold_address(text):
        return
    for start, muni_end, has_prefecture in _municipalities(text):
        if _NOT_A_PLACE.match(text, muni_end):
            continue
        # 京都市中京区 厳木町28番地: one space may separate the municipality from the town.
        body_start = muni_end + 1 if text[muni_end:muni_end + 1] in (" ", "　") else muni_end
        body = _BODY.match(text, body_start)
        tail = body.group(0) if body else ""
        stop = _STOP.search(tail)
        if stop:
            tail = tail[: stop.start()]
        stand_in = _PLACEHOLDER.search(tail)
        if stand_in:  # 〇〇町 is no town; 佐目町X-XX-XX is a town with its number masked
            if stand_in.start() == 0 or not _KANJI_CHAR.match(tail):
                continue
            tail = tail[:stand_in.start()]
        last, house_number = _street_end(tail)
        if last is None:
            if header and columns.kind_of(header) != "ADDRESS":
                continue  # a cell of a place column (市区町村, 所在地): a place, no address
            town = re.match(f"(?:{KANJI}|[ぁ-ゖァ-ヺー]){{0,12}}", tail)
            end = body_start + (town.end() if town else 0) if town and town.end() else muni_end
            yield Candidate(start, end, Level.LOW, ("municipality without a street number",))
            continue
        end = body_start + last
        while end > muni_end and text[end - 1] in "-の":
            end -= 1
        building = _BUILDING.match(text, end)
        if building and not _STOP.search(building.group(0)):
            end = building.end()
        room = _ROOM.match(text, end)
        if room and (building or "号" in room.group(0)):
            end = room.end()
        if not house_number:  # 備後町四丁目: a district of a hundred homes, not one home
            yield Candidate(start, end, Level.LOW, ("丁目 without a house number",))
            continue
        level = Level.HIGH if has_prefecture else Level.MEDIUM
        reasons = ("prefecture, municipality and street number" if has_prefecture
                   else "municipality and street number",)
        yield Candidate(start, end, level, reasons)


def _address_reading(text: str) -> Iterator[Candidate]:
    """The whole cell of an address column written in kana or romaji, with a number in it
    (トウキョウトミナトクシバコウエン1-4-14, Toukyouto Minatoku Shibakouen 1-4-14)."""
    lead = len(text) - len(text.lstrip())
    value = text.strip()
    if _READING_ADDRESS.fullmatch(value) and any(ch.isdigit() for ch in value):
        yield Candidate(lead, lead + len(value), Level.HIGH, ("an address column in kana or "
                                                              "romaji",))


def _street_end(tail: str) -> tuple[int | None, bool]:
    """Where the street number ends in the text after the municipality, and whether it
    has more than a 丁目 (a house or lot number).

    The street number is one run of tokens (1丁目2番3号, 2-9, 宝来南二条 1-15): a token may
    follow the previous one directly, or after one space when the previous one ends in its
    unit (二条 1-15); what comes after (a building, a room number, a date in the next
    column) is not part of it. A kanji numeral counts only with its unit (三丁目, 十番地):
    十川西町 and 三輪 are place names, 一覧 a word."""
    last: int | None = None
    house = False
    for token in _STREET_TOKEN.finditer(tail):
        word = token.group(0)
        if _KANJI_NUMERAL.match(word) and not word.endswith(_SUFFIXED) and \
                tail[token.end():token.end() + 1] not in _DIGIT_OR_HYPHEN:
            continue
        if last is not None and not _joins(tail, last, token.start()):
            break
        last = token.end()
        if not word.endswith("丁目"):
            house = True
    return last, house


def _joins(tail: str, last: int, start: int) -> bool:
    """Whether the next token continues the street number: directly, after one space
    following a unit (二条 1-15), or after a direction in a grid address (北1条西2丁目)."""
    gap = tail[last:start]
    if not gap:
        return True
    if gap in (" ", "　"):
        return tail[:last].endswith(_SUFFIXED)
    return tail[:last].endswith(("条", "線")) and len(gap) <= 2 and all(
        ch in "東西南北" for ch in gap)


def _could_hold_address(text: str) -> bool:
    """Cheap gate: every municipality name ends in 市, 区, 町 or 村."""
    return any(ch in text for ch in "市区町村")
