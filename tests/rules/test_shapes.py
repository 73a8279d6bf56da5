"""Where the number rules' patterns can end: a superset of where they do, so the windows
built around those places hide no match (the engine's reference tests, both backends,
check the findings; these check the shapes themselves)."""

from __future__ import annotations

import random

import pytest
import regex

from piiscan.models import Location, Segment
from piiscan.rules import shapes
from piiscan.rules.engine import SHORT_TEXT, Engine, _Batch, _Unit
from piiscan.rules.loader import load_ruleset
from piiscan.rules.prescan import hyperscan_available
from piiscan.rules.shapes import ShapeScanner, inline_backreferences, pattern_width

from synth import card, group4, mobile, my_number

RULES = load_ruleset().rules
NUMBER_RULES = [r for r in RULES if r.prefilter_digits and r.pattern_source is not None]
needs_hyperscan = pytest.mark.skipif(not hyperscan_available(),
                                     reason="the shapes are Hyperscan's (PIISCAN_MATCHER=python)")


def _log(lines: int) -> str:
    return "".join(f"2026-12-01 10:{i % 60:02d}:{i % 60:02d} DEBUG request id={i} "
                   f"path=/api/v1/items/{i % 977} status=200 bytes={i % 5000}\n"
                   for i in range(lines))


def test_a_back_reference_becomes_a_copy_of_its_group() -> None:
    source = r"(?<![0-9])[0-9]{4}(?P<sep>[ -]?)[0-9]{4}(?P=sep)[0-9]{4}"
    assert inline_backreferences(source) == \
        r"(?<![0-9])[0-9]{4}(?P<sep>[ -]?)[0-9]{4}(?:[ -]?)[0-9]{4}"
    nested = r"(?P<a>x(?P<b>[)])y)(?P=a)(?P=b)"
    assert inline_backreferences(nested) == r"(?P<a>x(?P<b>[)])y)(?:x(?:[)])y)(?:[)])"
    assert inline_backreferences(r"(?P<w>\b\w+)(?P=w)") == r"(?P<w>\b\w+)(?P=w)"


@pytest.mark.parametrize("rule", NUMBER_RULES, ids=lambda r: r.id)
def test_the_inlined_pattern_matches_where_the_rule_does(rule) -> None:  # type: ignore[no-untyped-def]
    assert rule.pattern_source is not None
    wider = regex.compile(inline_backreferences(rule.pattern_source),
                          regex.IGNORECASE if rule.ignorecase else 0)
    for example in rule.match_examples:
        for m in rule.pattern.finditer(example.text):
            assert wider.match(example.text, m.start()) is not None, (rule.id, example.text)


def test_widths() -> None:
    assert pattern_width(r"(?<![0-9])[0-9]{4}[ -]?[0-9]{6}(?![0-9])", False) == 11
    assert pattern_width(r"[0-9]+", False) is None  # unbounded
    assert pattern_width(r"\p{Han}[0-9]{3}", False) is None  # the regex module's own syntax


def _texts(seed: int) -> list[str]:
    rng = random.Random(seed)
    pieces = [e.text for r in NUMBER_RULES for e in r.match_examples]
    pieces += [f"電話 {mobile(rng)}" for _ in range(10)]
    pieces += [f"カード {group4(card(rng), '-')}、番号 {group4(my_number(rng))}" for _ in range(10)]
    log = _log(40).splitlines()
    texts = []
    for _ in range(30):
        lines = [rng.choice(log) for _ in range(rng.randrange(5, 40))]
        lines += [rng.choice(pieces) for _ in range(rng.randrange(1, 6))]
        rng.shuffle(lines)
        texts.append("\n".join(lines))
    return texts


@needs_hyperscan
@pytest.mark.parametrize("seed", range(4))
def test_every_match_of_a_shaped_rule_ends_where_its_shape_does(
        seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """Japanese text and ASCII logs with the rules' examples and generated numbers: each
    match's end is one of its rule's shape ends (character offsets, past multi-byte text)."""
    monkeypatch.setattr(shapes, "DENSE_CHARS", 1)  # these texts are dense: no giving up
    scanner = ShapeScanner(RULES)
    shaped = [r for r in NUMBER_RULES if r.id in scanner.shaped()]
    assert {"jp.phone", "jp.credit_card", "jp.my_number", "jp.pension_number"} <= \
        {r.id for r in shaped}
    for text in _texts(seed):
        spans = scanner.scan(text)
        assert spans is not None
        for rule in shaped:
            ends = {end for _, end in spans.get(rule.id, [])}
            for m in rule.pattern.finditer(text):
                assert m.end() in ends, (rule.id, m.group(), text)
                assert m.start() >= m.end() - scanner.widths[rule.id]


@needs_hyperscan
def test_a_log_of_timestamps_opens_no_window_for_a_pension_number() -> None:
    """A timestamp is ten digits to the number prefilter (2026-12-01 10): the pension rule
    once ran over the whole log. Its shape (4 + 6 digits) is nowhere in it."""
    text = _log(200)
    assert len(text) > SHORT_TEXT
    engine = Engine(RULES, backend="hyperscan")
    pension = next(r for r in RULES if r.id == "jp.pension_number")
    batch = _Batch(engine, text, None, [_Unit(0, len(text), 0, len(text))])
    assert batch.windows(pension, batch.units[0]) == []
    phone_line = "2026-12-01 10:00:00 INFO order=7 customer tel=090-1234-5678\n"
    with_phone = text + phone_line + text
    batch = _Batch(engine, with_phone, None, [_Unit(0, len(with_phone), 0, len(with_phone))])
    phone = next(r for r in RULES if r.id == "jp.phone")
    windows = batch.windows(phone, batch.units[0])
    assert windows and sum(e - s for s, e in windows) < 400
    found = engine.scan(Segment(with_phone, Location("app.log")))
    assert [m.value for m in found if m.rule_id == "jp.phone"] == ["090-1234-5678"]


@needs_hyperscan
def test_a_text_dense_with_numbers_keeps_its_number_windows() -> None:
    rng = random.Random(1)
    text = "\n".join(f"{mobile(rng)},{group4(card(rng), '-')}" for _ in range(300))
    assert ShapeScanner(RULES).scan(text) is None


def test_without_hyperscan_no_rule_has_a_shape() -> None:
    engine = Engine(RULES, backend="python")
    text = _log(50)
    batch = _Batch(engine, text, None, [_Unit(0, len(text), 0, len(text))])
    pension = next(r for r in RULES if r.id == "jp.pension_number")
    assert engine.shape_scanner() is None and batch.shapes(pension) is None
