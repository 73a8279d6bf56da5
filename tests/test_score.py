"""The risk model (docs/risk.md): levels, people, links, triggers, exposure and age."""

from __future__ import annotations

import hashlib

import pytest

from piiscan.config import Settings
from piiscan.models import (
    Category,
    FileRef,
    FileResult,
    Finding,
    Level,
    Location,
    Reason,
    ScanResult,
)
from piiscan.pii_types import PiiType, builtin_registry
from piiscan.score import (
    TRIGGERS,
    assess_scan,
    estimate_people,
    exposure_flags,
    level_for,
    score_file,
)

TYPES = builtin_registry()

NOW = 1_800_000_000.0
DAY = 86_400.0
CATEGORY = {"MY_NUMBER": Category.MY_NUMBER, "CREDIT_CARD": Category.IDENTIFIER,
            "PASSPORT": Category.IDENTIFIER, "SENSITIVE_MEDICAL": Category.SENSITIVE,
            "SENSITIVE_CRIMINAL": Category.SENSITIVE}


def f(ftype: str, value: str = "v", *, line: int | None = None, record: str | None = None,
      confidence: Level = Level.HIGH, linked: bool | None = None, path: str = "a.txt",
      page: int | None = None, suppressed: str | None = None) -> Finding:
    """A finding; for 要配慮 types ``linked`` is the linking stage's verdict (piiscan.link)."""
    return Finding(
        type=ftype, rule_id=f"t.{ftype.lower()}", rule_name=ftype,
        category=CATEGORY.get(ftype, Category.PERSONAL), severity=Level.HIGH,
        confidence=confidence, reasons=(Reason("pattern", f"t.{ftype.lower()}"),),
        location=Location(path, line=line, page=page), masked_value="*", masked_snippet="*",
        fingerprint=hashlib.sha256(f"{ftype}{value}".encode()).hexdigest()[:32],
        record=record, suppressed_by=suppressed, linked=linked)


def scored(findings: list[Finding], *, mode: int = 0o100600, mtime: float = NOW,
           retention: int | None = None, types: object = TYPES) -> FileResult:
    fr = FileResult(FileRef("a.txt", "a.txt", 10, mtime, mode=mode, uid=-1),
                    findings=findings)
    score_file(fr, Settings(retention_days=retention), types, now=NOW)  # type: ignore[arg-type]
    return fr


def rows(ftype: str, n: int, **kw: object) -> list[Finding]:
    return [f(ftype, f"{ftype}{i}", record=f"row {i + 2}", **kw)  # type: ignore[arg-type]
            for i in range(n)]


# --- levels and people -------------------------------------------------------------------

@pytest.mark.parametrize(("score", "level"), [(0, "none"), (1, "low"), (24, "low"),
                                              (25, "medium"), (49, "medium"), (50, "high"),
                                              (74, "high"), (75, "critical"), (100, "critical")])
def test_level_bands(score: int, level: str) -> None:
    assert level_for(score) == level


def test_people_are_rows_or_distinct_values_never_matches() -> None:
    assert estimate_people(rows("PHONE", 12), TYPES) == 12
    same = [f("PHONE", "090-1", line=i) for i in range(50)]  # one number, fifty times
    assert estimate_people(same, TYPES) == 1
    mixed = [f("PHONE", f"p{i}", line=i) for i in range(3)] + [f("EMAIL", "e", line=9)]
    assert estimate_people(mixed, TYPES) == 3
    assert estimate_people([f("POSTAL_CODE", str(i)) for i in range(9)], TYPES) == 0
    assert estimate_people([f("PHONE", "x", suppressed="baseline")], TYPES) == 0


def test_nothing_found_is_none_with_no_flags() -> None:
    fr = scored([], mode=0o100666, mtime=NOW - 4000 * DAY, retention=30)
    assert (fr.risk_score, fr.risk_level, fr.triggers, fr.flags) == (0, "none", [], [])
    only_suppressed = scored([f("MY_NUMBER", suppressed="inline")])
    assert only_suppressed.risk_level == "none"


# --- tied to a person --------------------------------------------------------------------

def test_the_linking_verdict_is_read_not_decided_again() -> None:
    # Whether a fact is about a person is piiscan.link's verdict (tests/test_link.py); the
    # score reads it, whatever sits nearby.
    name = f("PERSON_NAME", "n", line=10)
    denied = scored([name, f("SENSITIVE_MEDICAL", "d", line=11, linked=False)])
    assert denied.triggers == [] and denied.risk_level != "critical"
    said = scored([f("SENSITIVE_MEDICAL", "d", linked=True)])
    assert said.triggers == ["sensitive"] and said.risk_level == "critical"


def test_sensitive_about_a_person_is_critical_and_reportable() -> None:
    fr = scored([f("PERSON_NAME", "n", record="row 2"),
                 f("SENSITIVE_MEDICAL", "d", record="row 2", confidence=Level.MEDIUM,
                   linked=True)])
    assert fr.risk_level == "critical" and fr.triggers == ["sensitive"]
    assert any("tied to a person" in r for r in fr.risk_reasons)


def test_sensitive_words_without_a_person_are_low() -> None:
    fr = scored([f("SENSITIVE_MEDICAL", "d", line=3, linked=False)])
    assert fr.risk_level == "low" and fr.triggers == []
    assert any("not tied to any person" in r for r in fr.risk_reasons)


# --- triggers ----------------------------------------------------------------------------

def test_one_full_card_number_is_critical() -> None:
    fr = scored([f("CREDIT_CARD", "4980", line=3)])
    assert fr.triggers == ["financial"] and fr.risk_level == "critical"


def test_low_confidence_never_raises_a_trigger() -> None:
    fr = scored([f("CREDIT_CARD", "4980", confidence=Level.LOW),
                 f("SENSITIVE_MEDICAL", "d", confidence=Level.LOW, linked=True)])
    assert fr.triggers == [] and fr.risk_level != "critical"


def test_over_1000_people() -> None:
    assert scored(rows("PHONE", 1000)).triggers == []
    fr = scored(rows("PHONE", 1001))
    assert fr.triggers == ["over_1000"] and fr.risk_level == "critical"
    assert fr.people_estimate == 1001


def test_my_number_candidate_and_over_100() -> None:
    one = scored([f("MY_NUMBER", "1")])
    assert one.triggers == ["my_number"] and not TRIGGERS["my_number"].mandatory
    assert one.risk_level == "high" and one.risk_score >= 50
    hundred = scored(rows("MY_NUMBER", 100))
    assert hundred.triggers == ["my_number"] and hundred.risk_level == "high"
    many = scored(rows("MY_NUMBER", 101))
    assert many.triggers == ["my_number_over_100", "my_number"]
    assert many.risk_level == "critical"


def test_without_a_trigger_the_score_stays_below_critical() -> None:
    big = rows("PASSPORT", 999) + rows("PHONE", 999) + rows("EMAIL", 999)
    fr = scored(big, mode=0o100666, mtime=NOW - 900 * DAY, retention=30)
    assert fr.triggers == [] and fr.risk_score == 74 and fr.risk_level == "high"


def test_more_kinds_and_more_people_score_higher() -> None:
    one = scored([f("PHONE")]).risk_score
    two = scored([f("PHONE"), f("EMAIL")]).risk_score
    ten = scored(rows("PHONE", 10)).risk_score
    assert one < two and one < ten


# --- exposure and age --------------------------------------------------------------------

@pytest.mark.parametrize(("mode", "flags"), [
    (0o100600, []), (0o100640, []), (0o100644, ["world_readable"]),
    (0o100660, ["group_writable"]), (0o100666, ["world_readable", "world_writable",
                                                "group_writable"]),
    (0, []),  # unknown
])
def test_exposure_flags(mode: int, flags: list[str]) -> None:
    assert exposure_flags(mode) == flags


def test_exposure_raises_the_score_and_says_why() -> None:
    private = scored([f("PHONE")], mode=0o100600)
    shared = scored([f("PHONE")], mode=0o100666)
    assert shared.risk_score == private.risk_score + 20
    assert shared.flags == ["world_readable", "world_writable", "group_writable"]
    assert any("every account" in r for r in shared.risk_reasons)


def test_retention() -> None:
    old = scored([f("PHONE")], mtime=NOW - 400 * DAY, retention=365)
    assert "retention_overdue" in old.flags
    assert any("400 days ago" in r and "review or delete" in r for r in old.risk_reasons)
    assert "retention_overdue" not in scored([f("PHONE")], mtime=NOW - 300 * DAY,
                                             retention=365).flags
    assert scored([f("PHONE")], mtime=NOW - 4000 * DAY).flags == []  # no policy given


def test_owner_is_recorded() -> None:
    fr = FileResult(FileRef("a", "a", 1, NOW, mode=0o100600, uid=0), findings=[f("PHONE")])
    score_file(fr, Settings(), TYPES, now=NOW)
    assert fr.owner  # 'root' or '0'


# --- the whole scan ----------------------------------------------------------------------

def test_whole_scan_people_and_triggers() -> None:
    a = scored(rows("PHONE", 600))
    b = scored([f("PHONE", f"PHONE{i}", record=f"r{i}") for i in range(300, 900)])
    result = ScanResult(roots=["."], started="", files=[a, b])
    scan = assess_scan(result)
    assert a.triggers == b.triggers == []
    assert scan.people_estimate == 900 and scan.people_upper_bound == 1200
    assert scan.triggers == []
    c = scored([f("PHONE", f"PHONE{i}", record=f"r{i}") for i in range(850, 1100)])
    scan = assess_scan(ScanResult(roots=["."], started="", files=[a, b, c]))
    assert scan.people_estimate == 1100 and scan.triggers == ["over_1000"]
    assert scan.trigger_files == {}


def test_whole_scan_my_numbers_across_files() -> None:
    files = [scored(rows("MY_NUMBER", 60)),
             scored([f("MY_NUMBER", f"MY_NUMBER{i}", record=f"x{i}") for i in range(60, 120)])]
    scan = assess_scan(ScanResult(roots=["."], started="", files=files))
    assert scan.my_number_people == 120
    assert scan.triggers == ["my_number_over_100", "my_number"]
    assert scan.trigger_files == {"my_number": 2}


# --- types the rules declare ----------------------------------------------------------------

def test_a_declared_type_counts_as_it_says() -> None:
    employee = PiiType("EMPLOYEE_ID", "社員番号", "employee number", Category.PERSONAL,
                       identifying=True, points=30)
    types = TYPES.with_types([employee])
    fr = scored(rows("EMPLOYEE_ID", 20), types=types)
    assert fr.people_estimate == 20
    assert any(r.startswith("社員番号 (employee number): 20 distinct") for r in fr.risk_reasons)
    assert scored(rows("EMPLOYEE_ID", 20)).people_estimate == 0  # unknown: not identifying
