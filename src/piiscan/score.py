"""A file's risk: a 0-100 score, a level, and the reasons in words (docs/risk.md)."""

from __future__ import annotations

import math
from collections import defaultdict

from piiscan.config import Settings
from piiscan.models import Category, FileResult, Finding, Level

LEVELS = ("none", "low", "medium", "high", "critical")

_CATEGORY_WEIGHT = {
    Category.SENSITIVE: 45,
    Category.MY_NUMBER: 45,
    Category.IDENTIFIER: 30,
    Category.PERSONAL: 12,
}
_TYPE_WEIGHT = {"POSTAL_CODE": 3, "CREDIT_CARD": 40}
_CONFIDENCE_FACTOR = {Level.LOW: 0.25, Level.MEDIUM: 0.6, Level.HIGH: 1.0}
# Types that single out one person; used to estimate how many people a file holds.
IDENTIFYING = frozenset({
    "PERSON_NAME", "MY_NUMBER", "CREDIT_CARD", "PHONE", "EMAIL", "PASSPORT", "DRIVERS_LICENSE",
    "RESIDENCE_CARD", "PENSION_NUMBER", "HEALTH_INSURANCE", "EMPLOYMENT_INSURANCE",
    "RESIDENT_CODE", "BANK_ACCOUNT",
})


def level_for(score: int) -> str:
    if score <= 0:
        return "none"
    if score < 25:
        return "low"
    if score < 50:
        return "medium"
    if score < 75:
        return "high"
    return "critical"


def estimate_people(findings: list[Finding]) -> int:
    """Distinct records (rows) holding identifying data, or else the largest number of
    distinct identifying values of one type — never raw match counts."""
    active = [f for f in findings if f.suppressed_by is None and f.type in IDENTIFYING]
    records = {f.record for f in active if f.record is not None}
    per_type: dict[str, set[str]] = defaultdict(set)
    for f in active:
        per_type[f.type].add(f.fingerprint)
    by_value = max((len(v) for v in per_type.values()), default=0)
    return max(len(records), by_value)


def score_file(result: FileResult, settings: Settings) -> None:
    findings = [f for f in result.findings if f.suppressed_by is None]
    result.people_estimate = estimate_people(findings)
    if not findings:
        result.risk_score, result.risk_level, result.risk_reasons = 0, "none", []
        return
    reasons: list[str] = []
    by_type: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_type[f.type].append(f)
    base = 0.0
    for ftype, group in by_type.items():
        best = max(group, key=lambda f: f.confidence)
        weight = _TYPE_WEIGHT.get(ftype, _CATEGORY_WEIGHT[best.category])
        base = max(base, weight * _CONFIDENCE_FACTOR[best.confidence])
        distinct = len({f.fingerprint for f in group})
        reasons.append(f"{best.category.value} {ftype}: {distinct} distinct value(s), "
                       f"best confidence {best.confidence}")
    breadth = min(20, 5 * (len(by_type) - 1))
    people = result.people_estimate
    volume = min(35.0, 12 * math.log10(people)) if people > 1 else 0.0
    if people > 1:
        reasons.append(f"about {people} people or records")
    if any(f.hidden for f in findings):
        reasons.append("some data sits in hidden sheets, rows or columns")
    score = min(100, round(base + breadth + volume))
    result.risk_score = max(score, 1)
    result.risk_level = level_for(result.risk_score)
    result.risk_reasons = reasons
