"""Where the number rules' patterns can end: a superset of where they do, so the windows
built around those places hide no match (the engine's reference tests, both backends,
check the findings; these check the shapes themselves)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import regex

from piiscan.models import Location, Segment
from piiscan.rules import shapes
from piiscan.rules.engine import SHORT_TEXT, Engine, _Batch, _Unit
from piiscan.rules.loader import load_ruleset
from piiscan.rules.prescan import hyperscan_available
from piiscan.rules.shapes import ShapeScanner, for_hyperscan, pattern_width

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
    assert for_hyperscan(source) == r"(?<![0-9])[0-9]{4}([ -]?)[0-9]{4}(?:[ -]?)[0-9]{4}"
    nested = r"(?P<a>x(?P<b>[)])y)(?P=a)(?P=b)"
    assert for_hyperscan(nested) == r"(x([)])y)(?:x([)])y)(?:[)])"
    assert for_hyperscan(r"[(?P=x)]") == r"[(?P=x)]"  # in a class: its characters


@pytest.mark.parametrize(("source", "written"), [
    (r"ST[0-9]{,2}-[0-9]{6}", r"ST[0-9]{0,2}-[0-9]{6}"),  # {,2} is {0,2} to re and regex
    (r"\u3000[0-9]{4}", r"\x{3000}[0-9]{4}"),
    (r"(?<=〒)[0-9]{3}\-?[0-9]{4}", r"(?<=〒)[0-9]{3}\-?[0-9]{4}"),
    (r"[^0-9\n]{0,4}[0-9]{8}?", r"[^0-9\n]{0,4}[0-9]{8}?"),
])
def test_what_both_engines_read_alike_is_written_for_hyperscan(source: str,
                                                              written: str) -> None:
    assert for_hyperscan(source) == written


@pytest.mark.parametrize("source", [
    r"\w{1,6}番号[0-9]{8}",  # a combining mark is a word character to regex only
    r"[0-9]{3}-[0-9]{4}\b",  # a window's end is not the text's
    r"^[0-9]{7}$", r"\A[0-9]{7}\Z", r"\d{7}", r"[\d]{7}", r"\p{N}{7}",
    r"(?i)[a-z][0-9]{7}", r"[0-9]{7}+", r"(?>[0-9]{7})", r"([0-9])\1{6}",
    r"[0-9]{e<=1}", r"[[:digit:]]{7}", r"[0-9]{7", r"([0-9]{7}",
])
def test_what_the_engines_could_read_differently_gets_no_shape(source: str) -> None:
    assert for_hyperscan(source) is None


@pytest.mark.parametrize("rule", NUMBER_RULES, ids=lambda r: r.id)
def test_the_written_pattern_matches_where_the_rule_does(rule) -> None:  # type: ignore[no-untyped-def]
    """Read back by regex (back-references copied), it matches wherever the rule does: the
    translation loses nothing. Whether Hyperscan reads it alike is the next tests' job."""
    assert rule.pattern_source is not None
    written = for_hyperscan(rule.pattern_source)
    if written is None:  # a column rule's \A...\Z: number windows
        return
    wider = regex.compile(written)  # regex reads \x{...} as Hyperscan does
    for example in rule.match_examples:
        for m in rule.pattern.finditer(example.text):
            assert wider.match(example.text, m.start()) is not None, (rule.id, example.text)


def test_widths() -> None:
    assert pattern_width(r"(?<![0-9])[0-9]{4}[ -]?[0-9]{6}(?![0-9])") == 11
    assert pattern_width(r"[0-9]+") is None  # unbounded
    assert pattern_width(r"\p{Han}[0-9]{3}") is None  # the regex module's own syntax


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


# User rules (--rules) that a first version of the shapes got wrong: each is found, or not,
# as the pure-Python word scanner and the reference engine say.
USER_RULES = r"""
rules:
  - id: acme.staff_id
    name: 社員番号
    type: PHONE
    severity: medium
    confidence: medium
    pattern: '(?<![A-Za-z])ST[0-9]{,2}-[0-9]{6}(?![0-9])'
    prefilter: {digits: 6}
    examples: {match: ['ST12-482913'], no_match: ['ST-12345']}
  - id: acme.extension
    name: 内線
    type: PHONE
    severity: medium
    confidence: medium
    pattern: '(?<![0-9])[0-9]{3}-[0-9]{4}\b'
    prefilter: {digits: 7}
    examples: {match: ['内線 123-4567'], no_match: ['123-4567abc']}
  - id: acme.employee
    name: 社員コード
    type: PHONE
    severity: medium
    confidence: medium
    pattern: '(?<![0-9])EMP-[0-9]{6}(?![0-9])'
    prefilter: {digits: 8}
    examples: {match: ['EMP-12345678 x'], no_match: ['EMP-123456']}
  - id: acme.member
    name: 会員番号
    type: PHONE
    severity: medium
    confidence: medium
    pattern: '\w{1,6}番号[:：]?(?P<value>[0-9]{8})(?![0-9])'
    prefilter: {digits: 8}
    examples: {match: ['カード番号:12345678'], no_match: ['カード番号:1234567']}
"""
_USER_TEXTS = [
    _log(20) + "staff ST12-482913 joined\n" + _log(20),  # {,2}: Hyperscan's literal text
    "a" * 400 + "内線 123-4567 " + "x" * 103 + "765-4321abc\n" + "b" * 400,  # \b at a window end
    "a" * 600 + " EMP-123456 " + "b" * 10,  # fewer digits than the rule's prefilter
    "メモ。" * 200 + "カート\u3099番号:12345678 です。\n" + "メモ。" * 50,  # a combining mark
]


@pytest.mark.parametrize("text", _USER_TEXTS)
def test_user_rules_find_the_same_with_and_without_shapes(text: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    found = _found_three_ways(USER_RULES, text, tmp_path)
    assert found["hyperscan"] == found["python"] == found["reference"]


def _found_three_ways(rules_yaml: str, text: str, folder: Path, only: str = ""
                      ) -> dict[str, list[tuple[str, int, int]]]:
    """(rule, start, end) of the matches of these rules and the built-in ones (those whose
    id starts with ``only``) with each word scanner, and by the reference engine."""
    (folder / "user.yaml").write_text(rules_yaml, encoding="utf-8")
    rules = load_ruleset((str(folder),)).rules
    engines = {"hyperscan": Engine(rules, backend="hyperscan"),
               "python": Engine(rules, backend="python"),
               "reference": Engine(rules, gating=False)}
    return {name: sorted((m.rule_id, m.start, m.end)
                         for m in engine.scan(Segment(text, Location("x")))
                         if m.rule_id.startswith(only))
            for name, engine in engines.items()}


def _sparse(seed: int) -> list[str]:
    rng = random.Random(seed)
    values = [e.text for r in NUMBER_RULES for e in r.match_examples]
    values += [f"電話 {mobile(rng)}" for _ in range(5)] + [group4(card(rng), "-")]
    prose = ["本日の会議では来期の販売計画と予算配分について議論した。",
             "The quarterly figures are attached; please review section 3 before Friday."]
    log = _log(60).splitlines()
    texts = []
    for _ in range(12):
        lines = [rng.choice(log + prose) for _ in range(rng.randrange(20, 60))]
        for _ in range(rng.randrange(1, 3)):
            lines.insert(rng.randrange(len(lines)), rng.choice(values))
        texts.append("\n".join(lines))
    return texts


@needs_hyperscan
@pytest.mark.parametrize("seed", range(3))
def test_sparse_texts_that_use_the_shapes_find_what_the_reference_finds(seed: int) -> None:
    """Logs and notes with a value here and there (the reference engine's own generated
    documents are dense, and keep their number windows)."""
    engine = Engine(RULES, backend="hyperscan")
    others = (Engine(RULES, gating=False), Engine(RULES, backend="python"))
    used = 0
    for text in _sparse(seed):
        segment = Segment(text, Location("x"))
        used += ShapeScanner(RULES).scan(text) is not None
        ours = sorted((m.rule_id, m.start, m.end, m.confidence) for m in engine.scan(segment))
        for other in others:
            assert ours == sorted((m.rule_id, m.start, m.end, m.confidence)
                                  for m in other.scan(segment))
    assert used >= 10  # the shapes were used, not given up on


# Rules a second reader found the shapes window differently from the numbers (the number
# windows of the pure-Python word scanner): each pair finds the same now, and a label
# spelt out in the pattern is found as the reference finds it. A prefilter asking more
# digits than the pattern holds is found by neither (only the reference, which matches
# every whole text, finds it).
NARROW_RULES = r"""
rules:
  - id: u.vertical
    name: 年金
    type: PHONE
    severity: medium
    confidence: medium
    pattern: '[^\v]{2}(?<![0-9])[0-9]{4}-[0-9]{6}(?![0-9])'
    prefilter: {digits: 10}
    examples: {match: ['ab1234-567890'], no_match: ['ab1234-56789']}
  - id: u.nul
    name: NUL
    type: PHONE
    severity: medium
    confidence: medium
    pattern: "ID\0?[0-9a-z]{0,116}!"
    prefilter: {digits: 10}
    examples: {match: ['ID1234567890!'], no_match: ['ID1234567890']}
  - id: u.label
    name: 緊急連絡先
    type: PHONE
    severity: medium
    confidence: medium
    pattern: '緊急連絡先[ 　:：]{0,60}(?P<value>0[0-9]{9})(?![0-9])'
    prefilter: {digits: 10}
    examples: {match: ['緊急連絡先: 0312345678'], no_match: ['0312345678']}
  - id: u.short
    name: 短い
    type: PHONE
    severity: medium
    confidence: medium
    pattern: '[0-9]{4}-[0-9]{4}'
    prefilter: {digits: 10}
    examples: {match: ['1234-5678 / 0312345678'], no_match: ['12345678']}
  - id: u.ahead
    name: 先読み
    type: PHONE
    severity: medium
    confidence: medium
    pattern: 'ID(?P<value>[0-9]{4})(?=[0-9]{6}[^\n]{0,110}様)'
    prefilter: {digits: 10}
    examples: {match: ['ID1234567890 山田様'], no_match: ['ID1234567890']}
"""
_NARROW_TEXTS = [
    ("a" * 360 + "\n\n1234-567890 " + "b" * 300, True),  # \v: vertical space to Hyperscan
    ("a" * 400 + "ID1234567890" + "c" * 106 + "! " + "b" * 300, True),  # a NUL in the pattern
    ("a" * 400 + "緊急連絡先" + " " * 55 + "0312345678 " + "b" * 300, True),  # a long label
    ("a" * 30 + " 0123456789 " + "x" * 370 + " 1234-5678 " + "b" * 300, False),  # 8 of 10
    ("a" * 400 + "ID1234567890" + "c" * 106 + "様 " + "b" * 300, True),  # a long look-ahead
]


@pytest.mark.parametrize(("text", "as_reference"), _NARROW_TEXTS)
def test_the_shapes_keep_the_windows_of_the_numbers(text: str, as_reference: bool,
                                                    tmp_path) -> None:  # type: ignore[no-untyped-def]
    found = _found_three_ways(NARROW_RULES, text, tmp_path, only="u.")
    assert found["hyperscan"] == found["python"]
    assert (found["python"] == found["reference"]) is as_reference
    assert found["reference"]  # every text holds a value of its rule


def test_a_nul_and_a_vertical_space_are_written_as_hyperscan_reads_them() -> None:
    assert for_hyperscan("ID\0?[\0a]") == r"ID\x00?[\x00a]"  # a NUL would end the expression
    assert for_hyperscan(r"[^\v][0-9]") is None  # \v is any vertical space to Hyperscan
