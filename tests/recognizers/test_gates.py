"""A recognizer's gate (piiscan.recognizers.GATES) may say no only where the recognizer
finds nothing: the engine skips the recognizer there, on a table cell or a whole long text."""

from __future__ import annotations

import pytest

from piiscan.recognizers import GATES, get
from piiscan.rules.loader import load_ruleset

_RULES = [r for r in load_ruleset().rules if r.recognizer is not None]
_FILLER = "2026-12-01 10:00:00 DEBUG request id=42 status=200 Name lookup ok\n" * 12


def _cases() -> list[tuple[str, str, str | None]]:
    cases = []
    for rule in _RULES:
        assert rule.recognizer is not None
        for example in (*rule.match_examples, *rule.no_match_examples):
            for text in (example.text, f"{_FILLER}{example.text}\n{_FILLER}"):
                cases.append((rule.recognizer[0], text, example.header))
    return cases


@pytest.mark.parametrize(("name", "text", "header"), _cases())
def test_a_gate_says_no_only_where_its_recognizer_finds_nothing(
        name: str, text: str, header: str | None) -> None:
    if not GATES[name](text, header):
        assert list(get(name)(text, header)) == []


def test_the_gates_turn_plain_ascii_logs_away() -> None:
    log = _FILLER.replace("Name", "DNS") * 10
    assert not GATES["person_name"](log, None)
    assert not GATES["person_name_kana"](log, None)
    assert not GATES["address"](log, None)
    assert GATES["person_name"](log, "氏名")
