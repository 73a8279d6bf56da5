"""Run every rule's own ``match`` and ``no_match`` examples (``piiscan rules test``).

A ``match`` example must yield a match of that rule at medium confidence or above (or at the
confidence it names, and with the value it names); a ``no_match`` example must yield none at
medium or above (or at the confidence it names). Examples are what users see by default.
"""

from __future__ import annotations

from dataclasses import dataclass

from piiscan.models import Level, Location, Segment
from piiscan.rules.engine import Engine
from piiscan.rules.rule import Example, Rule


@dataclass(frozen=True)
class Failure:
    rule_id: str
    source: str
    kind: str  # 'match' or 'no_match'
    example: str
    problem: str

    def __str__(self) -> str:
        return (f"{self.source}: rule '{self.rule_id}': {self.kind} example "
                f"{self.example!r}: {self.problem}")


def _run(rule: Rule, example: Example) -> list[tuple[str, Level]]:
    engine = Engine([rule])
    segment = Segment(example.text, Location("<example>"), header=example.header)
    return [(m.value, m.confidence) for m in engine.scan(segment)]


def check_rule(rule: Rule) -> list[Failure]:
    failures = []
    if not rule.match_examples or not rule.no_match_examples:
        failures.append(Failure(rule.id, rule.source, "examples", "",
                                "needs at least one match and one no_match example"))
    for ex in rule.match_examples:
        floor = ex.confidence or Level.MEDIUM
        hits = [(v, c) for v, c in _run(rule, ex) if c >= floor]
        if ex.confidence is not None:
            hits = [(v, c) for v, c in hits if c == ex.confidence]
        if ex.value is not None:
            hits = [(v, c) for v, c in hits if v == ex.value]
        if not hits:
            got = ", ".join(f"{v!r} ({c})" for v, c in _run(rule, ex)) or "nothing"
            want = f" value {ex.value!r}" if ex.value else ""
            failures.append(Failure(rule.id, rule.source, "match", ex.text,
                                    f"expected a match{want} at {floor}, got {got}"))
    for ex in rule.no_match_examples:
        floor = ex.confidence or Level.MEDIUM
        hits = [(v, c) for v, c in _run(rule, ex) if c >= floor]
        if hits:
            got = ", ".join(f"{v!r} ({c})" for v, c in hits)
            failures.append(Failure(rule.id, rule.source, "no_match", ex.text,
                                    f"expected nothing at {floor} or above, got {got}"))
    return failures
