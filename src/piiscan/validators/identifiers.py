"""Shape and date checks for Japanese identifiers that have no published check digit.

Passports, residence cards, pension, employment-insurance and resident codes, bank
accounts: what these functions can say is that a value has the right shape and is not an
obvious placeholder (``0000000``). Birth dates are parsed in 西暦 and 和暦 (昭和55年3月4日,
S55.3.4, H2.5.6, 令和元年5月1日, 昭和五十五年三月四日) and must be a real calendar date inside
the era they name, not in the future. None of this is evidence that a value is personal
data: rules ask for a label or a column header for that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from piiscan.validators.checksums import digits_of

# Era name -> (first day, last day or None while current). 明治 starts on 1 January 1868:
# 改元 was retroactive to the start of that year, and 旧暦 dates before 1873 are not checked.
ERAS: dict[str, tuple[date, date | None]] = {
    "明治": (date(1868, 1, 1), date(1912, 7, 29)),
    "大正": (date(1912, 7, 30), date(1926, 12, 24)),
    "昭和": (date(1926, 12, 25), date(1989, 1, 7)),
    "平成": (date(1989, 1, 8), date(2019, 4, 30)),
    "令和": (date(2019, 5, 1), None),
}
_ERA_LETTERS = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_KANJI_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
                 "七": 7, "八": 8, "九": 9}

_NUM = r"(?:[0-9]{1,2}|[〇零一二三四五六七八九十]{1,3})"
_WAREKI = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和|[MTSHRmtshr])\.?\s*(?P<y>元|" + _NUM + r")\s*"
    r"(?:[(（]\s*[0-9]{4}\s*[)）]\s*)?"  # 昭和55（1980）年
    r"(?:年\s*(?P<m1>" + _NUM + r")\s*月\s*(?P<d1>" + _NUM + r")\s*日?"
    r"|[./\-]\s*(?P<m2>[0-9]{1,2})\s*[./\-]\s*(?P<d2>[0-9]{1,2}))"
)
_SEIREKI = re.compile(
    r"(?P<y>[0-9]{4})\s*(?:[(（]\s*(?:明治|大正|昭和|平成|令和)\s*(?:元|[0-9]{1,2})\s*[)）]\s*)?"
    r"(?:年\s*(?P<m1>[0-9]{1,2})\s*月\s*(?P<d1>[0-9]{1,2})\s*日?"
    r"|(?P<sep>[./\-])\s*(?P<m2>[0-9]{1,2})\s*(?P=sep)\s*(?P<d2>[0-9]{1,2}))"
)
_COMPACT = re.compile(r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})")
_EARLIEST = date(1868, 1, 1)


def _number(text: str) -> int | None:
    """``55``, ``五十五``, ``十二``, ``三〇``: a one- or two-digit number, or None."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones or len(tens) > 1 or len(ones) > 1:
            return None
        high = _KANJI_DIGITS.get(tens, -1) if tens else 1
        low = _KANJI_DIGITS.get(ones, -1) if ones else 0
        return None if high < 1 or low < 0 else high * 10 + low
    if all(ch in _KANJI_DIGITS for ch in text):
        return int("".join(str(_KANJI_DIGITS[ch]) for ch in text))
    return None


def _make_date(year: int, month: int | None, day: int | None) -> date | None:
    if month is None or day is None:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The calendar date a 西暦 or 和暦 date string names, or None if it names none.

    A 和暦 date must fall inside its era (昭和64年1月8日 does not exist; 平成31年5月1日 is
    令和元年5月1日). ``text`` is the whole value: no surrounding words.
    """
    value = text.strip()
    m = _WAREKI.fullmatch(value)
    if m:
        era = m["era"]
        era = _ERA_LETTERS.get(era.upper(), era)
        year = 1 if m["y"] == "元" else _number(m["y"])
        month = _number(m["m1"]) if m["m1"] else _number(m["m2"] or "")
        day = _number(m["d1"]) if m["d1"] else _number(m["d2"] or "")
        if not year:
            return None
        first, last = ERAS[era]
        found = _make_date(first.year - 1 + year, month, day)
        if found is None or found < first or (last is not None and found > last):
            return None
        return found
    m = _SEIREKI.fullmatch(value)
    if m:
        month = int(m["m1"] or m["m2"])
        day = int(m["d1"] or m["d2"])
        return _make_date(int(m["y"]), month, day)
    m = _COMPACT.fullmatch(value)
    if m:
        return _make_date(int(m["y"]), int(m["m"]), int(m["d"]))
    return None


_COMPACT_IN_TEXT = re.compile(r"(?<![0-9])(?:18|19|20)[0-9]{6}(?![0-9])")


def find_dates(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the text that name a calendar date (西暦, 和暦 or YYYYMMDD), for looking a
    date up without a label (``text`` normalised by ``piiscan.normalize``)."""
    for pattern in (_WAREKI, _SEIREKI, _COMPACT_IN_TEXT):
        for m in pattern.finditer(text):
            if parse_date(m.group(0)) is not None:
                yield m.start(), m.end()


def birth_date(text: str) -> bool:
    """A real date, 西暦 or 和暦, between 1868 and today: someone could be born on it."""
    found = parse_date(text)
    return found is not None and _EARLIEST <= found <= date.today()


def _not_placeholder(digits: str) -> bool:
    """``0000000`` and ``1111111`` are what blank forms print, not anyone's number."""
    return len(set(digits)) > 1


def passport(text: str) -> bool:
    """旅券番号: two letters and seven digits (TK1234567)."""
    value = text.strip()
    return bool(re.fullmatch(r"[A-Z]{2}[0-9]{7}", value)) and _not_placeholder(value[2:])


def passport_any(text: str) -> bool:
    """A passport number of Japan (two letters, seven digits) or of another country that
    writes one letter and seven or eight digits (China, Korea, Vietnam, the Philippines)."""
    value = text.strip()
    m = re.fullmatch(r"[A-Z]{1,2}([0-9]{7,8})", value)
    return m is not None and _not_placeholder(m.group(1))


def residence_card(text: str) -> bool:
    """在留カード・特別永住者証明書の番号: two letters, eight digits, two letters (AB12345678CD)."""
    value = text.strip()
    return (bool(re.fullmatch(r"[A-Z]{2}[0-9]{8}[A-Z]{2}", value))
            and _not_placeholder(value[2:10]))


def pension_number(text: str) -> bool:
    """基礎年金番号: ten digits, printed 4-6 (1234-567890)."""
    digits = digits_of(text)
    return len(digits) == 10 and _not_placeholder(digits)


def employment_insurance(text: str) -> bool:
    """雇用保険被保険者番号: eleven digits, printed 4-6-1 (1234-567890-1)."""
    digits = digits_of(text)
    return len(digits) == 11 and _not_placeholder(digits)


def resident_code(text: str) -> bool:
    """住民票コード: eleven digits."""
    digits = digits_of(text)
    return len(digits) == 11 and _not_placeholder(digits)


def bank_account(text: str) -> bool:
    """口座番号 of a bank: seven digits (shorter numbers are printed zero-padded)."""
    digits = digits_of(text)
    return len(digits) == 7 and _not_placeholder(digits)


def yucho_account(text: str) -> bool:
    """ゆうちょ銀行の記号・番号: 記号 five digits 1xxx0, 番号 up to eight digits ending in 1."""
    digits = digits_of(text)
    return (11 <= len(digits) <= 13 and digits[0] == "1" and digits[4] == "0"
            and digits[-1] == "1" and _not_placeholder(digits[5:]))
