"""Check digits of Japanese and payment identifiers.

Each function takes text that may contain separators and looks only at its digits.
"""

from __future__ import annotations


def digits_of(text: str) -> str:
    return "".join(ch for ch in text if "0" <= ch <= "9")


def luhn(text: str) -> bool:
    digits = digits_of(text)
    if len(digits) < 2:
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


# (prefix low, prefix high, prefix length, allowed lengths): real issuer (IIN) ranges.
_CARD_RANGES: tuple[tuple[int, int, int, frozenset[int]], ...] = (
    (4, 4, 1, frozenset({13, 16, 19})),  # Visa
    (51, 55, 2, frozenset({16})),  # Mastercard
    (2221, 2720, 4, frozenset({16})),  # Mastercard 2-series
    (3528, 3589, 4, frozenset({16, 17, 18, 19})),  # JCB
    (34, 34, 2, frozenset({15})),  # American Express
    (37, 37, 2, frozenset({15})),
    (300, 305, 3, frozenset({14, 16, 17, 18, 19})),  # Diners Club
    (3095, 3095, 4, frozenset({14, 16, 17, 18, 19})),
    (36, 36, 2, frozenset({14, 16, 17, 18, 19})),
    (38, 39, 2, frozenset({14, 16, 17, 18, 19})),
    (6011, 6011, 4, frozenset({16, 17, 18, 19})),  # Discover
    (644, 649, 3, frozenset({16, 17, 18, 19})),
    (65, 65, 2, frozenset({16, 17, 18, 19})),
    (62, 62, 2, frozenset({16, 17, 18, 19})),  # UnionPay
)


def card_brand(text: str) -> str | None:
    digits = digits_of(text)
    names = ("Visa", "Mastercard", "Mastercard", "JCB", "American Express", "American Express",
             "Diners Club", "Diners Club", "Diners Club", "Diners Club", "Discover", "Discover",
             "Discover", "UnionPay")
    for (low, high, width, lengths), name in zip(_CARD_RANGES, names, strict=True):
        if len(digits) in lengths and low <= int(digits[:width]) <= high:
            return name
    return None


def credit_card(text: str) -> bool:
    """Luhn-valid and inside a real issuer's number range and length."""
    return card_brand(text) is not None and luhn(text)


def my_number(text: str) -> bool:
    """個人番号: 12 digits, the last a check digit over the first 11.

    Weights 6,5,4,3,2,7,6,5,4,3,2 from the left; r = sum mod 11; check = 0 if r <= 1 else 11 - r
    (行政手続における特定の個人を識別するための番号の利用等に関する法律施行令 8条).
    """
    digits = digits_of(text)
    if len(digits) != 12 or digits == digits[0] * 12:
        return False
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    r = sum(int(d) * w for d, w in zip(digits[:11], weights, strict=True)) % 11
    check = 0 if r <= 1 else 11 - r
    return check == int(digits[11])


def corporate_number(text: str) -> bool:
    """法人番号: 13 digits with the check digit FIRST.

    check = 9 - (sum of P_n * Q_n mod 9), P_n the n-th digit counted from the right of the
    12-digit base, Q_n = 1 for odd n and 2 for even n.
    """
    digits = digits_of(text)
    if len(digits) != 13:
        return False
    base = digits[1:]
    total = sum(int(d) * (2 if n % 2 == 0 else 1) for n, d in enumerate(reversed(base), 1))
    return int(digits[0]) == 9 - total % 9


def drivers_license(text: str) -> bool:
    """運転免許証番号: 12 digits whose first two are a 公安委員会 code (10-97)."""
    digits = digits_of(text)
    return len(digits) == 12 and 10 <= int(digits[:2]) <= 97


def drivers_license_check(text: str) -> bool:
    """The widely reported (unofficial) mod-11 check on digit 11: a signal, never a filter."""
    digits = digits_of(text)
    if len(digits) != 12:
        return False
    weights = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    r = sum(int(d) * w for d, w in zip(digits[:10], weights, strict=True)) % 11
    check = 0 if r <= 1 else 11 - r
    return check == int(digits[10])


def health_insurer(text: str) -> bool:
    """保険者番号: 6 or 8 digits, the last a 検証番号 computed like Luhn over the rest."""
    digits = digits_of(text)
    if len(digits) not in (6, 8):
        return False
    body, check = digits[:-1], int(digits[-1])
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return (10 - total % 10) % 10 == check
