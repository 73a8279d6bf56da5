"""Shape checks that are not checksums: plausible Japanese phone numbers, grouped cards."""

from __future__ import annotations

import re

from piiscan.validators.checksums import digits_of

_BUSINESS_PREFIXES = frozenset({"0120", "0800", "0570", "0990"})
_GROUPED_CARD = re.compile(r"^\d{4}([ -])\d{4}\1\d{4}\1\d{4}$|^\d{4}([ -])\d{6}\2\d{4,5}$")


def national_phone_digits(text: str) -> str:
    """Digits of a phone number in national form: +81 3 ... and +81 (0)3 ... become 03..."""
    digits = digits_of(text)
    if text.lstrip().startswith("+81"):
        rest = digits[2:]
        return rest if rest.startswith("0") else "0" + rest
    return digits


def jp_phone(text: str) -> bool:
    """A Japanese number with the right digit count for its prefix.

    11 digits: mobile/PHS 060/070/080/090, IP 050, 0800 free dial, 020 M2M;
    10 digits: fixed lines (area code + local number), 0120 free dial, 0570 navi dial.
    """
    d = national_phone_digits(text)
    if not d.startswith("0") or d.startswith("00"):
        return False
    if d[:4] in _BUSINESS_PREFIXES:
        return False  # free dial and navi dial: jp.phone.business reports them
    if d[:3] in {"060", "070", "080", "090", "050", "020"} or d.startswith("0800"):
        return len(d) == 11
    return len(d) == 10


def phone_formatted(text: str) -> bool:
    """Written like a phone number (separators, parentheses or +81), or a mobile number:
    a bare 10-digit string is as likely to be an ID."""
    if any(ch in text for ch in "-() +."):
        return True
    return national_phone_digits(text)[:3] in {"070", "080", "090"}


def card_grouped(text: str) -> bool:
    """Printed the way cards are: 4-4-4-4 or the 4-6-5 / 4-6-4 of Amex and Diners."""
    return bool(_GROUPED_CARD.match(text.strip()))


_KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def jp_phone_kanji(text: str) -> bool:
    """A phone number in kanji numerals (〇九〇－一二三四－五六七八): ``jp_phone`` on its digits."""
    return jp_phone(text.translate(_KANJI_DIGITS))
