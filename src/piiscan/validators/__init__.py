"""Named validators that rules point at: ``validator: my_number``.

A validator takes the matched text (already width-normalised) and answers whether it can be
what the rule says. Checksums are evidence that a number is well-formed, never that it is
personal data: about 1 in 11 random 12-digit numbers passes the My Number check.
"""

from __future__ import annotations

from collections.abc import Callable

from piiscan.validators import checksums, formats, identifiers

Validator = Callable[[str], bool]

REGISTRY: dict[str, Validator] = {
    "luhn": checksums.luhn,
    "credit_card": checksums.credit_card,
    "my_number": checksums.my_number,
    "corporate_number": checksums.corporate_number,
    "drivers_license": checksums.drivers_license,
    "drivers_license_check": checksums.drivers_license_check,
    "health_insurer": checksums.health_insurer,
    "jp_phone": formats.jp_phone,
    "jp_phone_kanji": formats.jp_phone_kanji,
    "phone_formatted": formats.phone_formatted,
    "card_grouped": formats.card_grouped,
    "passport": identifiers.passport,
    "passport_any": identifiers.passport_any,
    "residence_card": identifiers.residence_card,
    "pension_number": identifiers.pension_number,
    "employment_insurance": identifiers.employment_insurance,
    "resident_code": identifiers.resident_code,
    "bank_account": identifiers.bank_account,
    "yucho_account": identifiers.yucho_account,
    "birth_date": identifiers.birth_date,
}


def get(name: str) -> Validator:
    return REGISTRY[name]
