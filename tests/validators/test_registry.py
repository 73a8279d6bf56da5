"""Each validator says what it checked, and a finding's reason says it too (issue 12: a phone
number's plan check and a birth date's plausibility were both called 'checksum valid')."""

from __future__ import annotations

import pytest

from piiscan import validators
from piiscan.explain import describe
from piiscan.models import Location, Segment
from piiscan.rules.engine import Engine
from piiscan.rules.loader import load_ruleset


@pytest.mark.parametrize(("name", "reason"), [
    ("my_number", "valid check digit (my_number)"),
    ("luhn", "valid check digit (luhn)"),
    ("jp_phone", "valid number plan (jp_phone)"),
    ("birth_date", "plausible date (birth_date)"),
    ("passport", "valid format (passport)"),
    ("phone_formatted", "written like a phone number (phone_formatted)"),
])
def test_reason_names_the_kind_of_check(name: str, reason: str) -> None:
    assert describe(validators.reason(name)) == reason


def test_only_check_digits_are_called_check_digits() -> None:
    digits = {name for name in validators.REGISTRY
              if "check digit" in describe(validators.reason(name))}
    assert digits == {"luhn", "credit_card", "my_number", "corporate_number", "health_insurer",
                      "drivers_license_check"}


@pytest.mark.parametrize(("text", "expected"), [
    ("電話：090-3141-5926", "valid number plan (jp_phone)"),
    ("生年月日：平成2年5月6日", "plausible date (birth_date)"),
    ("マイナンバー：123456789018", "valid check digit (my_number)"),
])
def test_findings_carry_the_wording(text: str, expected: str) -> None:
    engine = Engine(load_ruleset().rules)
    matches = engine.scan(Segment(text, Location("a.txt", line=1)))
    reasons = [describe(r) for m in matches for r in m.reasons]
    assert expected in reasons, reasons
    assert not any(r.startswith("checksum valid") for r in reasons)
