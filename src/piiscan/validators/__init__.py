"""Named validators that rules point at: ``validator: my_number``.

A validator takes the matched text (already width-normalised) and answers whether it can be
what the rule says. Checksums are evidence that a number is well-formed, never that it is
personal data: about 1 in 11 random 12-digit numbers passes the My Number check.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from piiscan.models import Reason
from piiscan.validators import checksums, formats, identifiers

Validator = Callable[[str], bool]

# What a pass shows, by kind of check: a finding's reason (models.Reason) has the kind as its
# code and the validator's name as its detail; piiscan.explain phrases each kind.
CHECK_DIGIT = "check_digit"  # valid check digit
CARD_NUMBER = "card_number"  # valid check digit and issuer range
ISSUER_CODE = "issuer_code"  # a code that exists (公安委員会)
UNOFFICIAL_CHECK_DIGIT = "unofficial_check_digit"
NUMBER_PLAN = "number_plan"  # the digit count its prefix requires
FORMAT = "format"
DATE = "date"  # a date that exists and is plausible for a living person
PHONE_SHAPE = "phone_shape"  # written like a phone number
CARD_SHAPE = "card_shape"  # grouped like a card number


@dataclass(frozen=True)
class Check:
    """A validator and what its passing shows (never 'checksum' for a shape or a date)."""

    test: Validator
    shows: str  # a Reason code (above)


REGISTRY: dict[str, Check] = {
    "luhn": Check(checksums.luhn, CHECK_DIGIT),
    "credit_card": Check(checksums.credit_card, CARD_NUMBER),
    "my_number": Check(checksums.my_number, CHECK_DIGIT),
    "corporate_number": Check(checksums.corporate_number, CHECK_DIGIT),
    "drivers_license": Check(checksums.drivers_license, ISSUER_CODE),
    "drivers_license_check": Check(checksums.drivers_license_check, UNOFFICIAL_CHECK_DIGIT),
    "health_insurer": Check(checksums.health_insurer, CHECK_DIGIT),
    "jp_phone": Check(formats.jp_phone, NUMBER_PLAN),
    "jp_phone_kanji": Check(formats.jp_phone_kanji, NUMBER_PLAN),
    "phone_formatted": Check(formats.phone_formatted, PHONE_SHAPE),
    "card_grouped": Check(formats.card_grouped, CARD_SHAPE),
    "passport": Check(identifiers.passport, FORMAT),
    "passport_any": Check(identifiers.passport_any, FORMAT),
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


def reason(name: str) -> Reason:
    """A finding's reason when ``name`` passed (phrased "valid number plan (jp_phone)")."""
    return Reason(REGISTRY[name].shows, name)
