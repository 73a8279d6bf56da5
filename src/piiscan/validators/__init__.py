"""Named validators that rules point at: ``validator: my_number``.

A validator takes the matched text (already width-normalised) and answers whether it can be
what the rule says. Checksums are evidence that a number is well-formed, never that it is
personal data: about 1 in 11 random 12-digit numbers passes the My Number check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from piiscan.validators import checksums, formats, identifiers

Validator = Callable[[str], bool]

# What a pass shows, by kind of check: a finding's reason says which one ran.
CHECK_DIGIT = "valid check digit"
NUMBER_PLAN = "valid number plan"
FORMAT = "valid format"
DATE = "plausible date"


@dataclass(frozen=True)
class Check:
    """A validator and what its passing shows (never 'checksum' for a shape or a date)."""

    test: Validator
    shows: str


REGISTRY: dict[str, Check] = {
    "luhn": Check(checksums.luhn, CHECK_DIGIT),
    "credit_card": Check(checksums.credit_card, f"{CHECK_DIGIT} and issuer range"),
    "my_number": Check(checksums.my_number, CHECK_DIGIT),
    "corporate_number": Check(checksums.corporate_number, CHECK_DIGIT),
    "drivers_license": Check(checksums.drivers_license, "valid 公安委員会 code"),
    "drivers_license_check": Check(checksums.drivers_license_check,
                                   f"{CHECK_DIGIT} (unofficial)"),
    "health_insurer": Check(checksums.health_insurer, CHECK_DIGIT),
    "jp_phone": Check(formats.jp_phone, NUMBER_PLAN),
    "phone_formatted": Check(formats.phone_formatted, "written like a phone number"),
    "card_grouped": Check(formats.card_grouped, "grouped like a card number"),
    "passport": Check(identifiers.passport, FORMAT),
    "residence_card": Check(identifiers.residence_card, FORMAT),
    "pension_number": Check(identifiers.pension_number, FORMAT),
    "employment_insurance": Check(identifiers.employment_insurance, FORMAT),
    "resident_code": Check(identifiers.resident_code, FORMAT),
    "bank_account": Check(identifiers.bank_account, FORMAT),
    "yucho_account": Check(identifiers.yucho_account, FORMAT),
    "birth_date": Check(identifiers.birth_date, DATE),
}


def get(name: str) -> Validator:
    return REGISTRY[name].test


def reason(name: str) -> str:
    """A finding's reason when ``name`` passed: ``valid number plan (jp_phone)``."""
    return f"{REGISTRY[name].shows} ({name})"
