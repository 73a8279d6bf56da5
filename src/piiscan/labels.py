"""Names of risk levels for people: Japanese first, English beside. Type names live in the
type registry (piiscan.pii_types), category names on Category."""

from __future__ import annotations

RISK_LABELS: dict[str, str] = {
    "critical": "重大 critical",
    "high": "高 high",
    "medium": "中 medium",
    "low": "低 low",
    "none": "なし none",
}
