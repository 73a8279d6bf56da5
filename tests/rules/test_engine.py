from __future__ import annotations

import io
import random

from piiscan.extract.encoding import iter_chunks
from piiscan.models import Level, Location, Segment
from piiscan.rules.engine import Engine
from piiscan.rules.loader import load_ruleset

from synth import group4, my_number

RULES = load_ruleset().rules


def scan(text: str, header: str | None = None) -> list[tuple[str, str, Level]]:
    engine = Engine(RULES)
    rules = {r.id: r for r in RULES}
    return [(rules[m.rule_id].type, m.value, m.confidence)
            for m in engine.scan(Segment(text, Location("t"), header=header))]


def test_no_word_boundary_needed_next_to_kanji() -> None:
    # Peers using \b miss these: there is no boundary between 号 and 1.
    assert ("MY_NUMBER", "123456789018", Level.HIGH) in scan("個人番号123456789018")
    assert any(t == "CREDIT_CARD" and c == Level.HIGH for t, _, c in scan("カード4980123456789011"))


def test_value_is_the_original_text_not_the_normalised_one() -> None:
    found = scan("電話：０９０－１２３４－５６７８")
    assert ("PHONE", "０９０－１２３４－５６７８", Level.HIGH) in found


def test_nearer_exclusion_beats_farther_context() -> None:
    text = "個人番号の欄は空欄。注文番号 123456789018"
    assert not [f for f in scan(text) if f[0] == "MY_NUMBER"]


def test_bare_check_digit_number_is_low_confidence() -> None:
    assert scan("123456789018") == [("MY_NUMBER", "123456789018", Level.LOW)]


def test_header_context() -> None:
    assert scan("123456789018", header="個人番号") == [("MY_NUMBER", "123456789018", Level.HIGH)]


def test_chunk_boundary_match_found_once() -> None:
    """A value across a chunk boundary is found exactly once, with context from before."""
    rng = random.Random(5)
    numbers = [my_number(rng) for _ in range(300)]
    text = "".join(f"行{i} マイナンバー: {group4(n)}\n" for i, n in enumerate(numbers))
    engine = Engine(RULES)
    found = []
    for chunk in (97, 1000, 4099):
        stream = io.BytesIO(text.encode("utf-8"))
        found = []
        for seg in iter_chunks(stream, "utf-8", Location("t"), chunk_chars=chunk, overlap=64,
                               read_bytes=333):
            found += [(seg.first_line, m.value) for m in engine.scan(seg)
                      if m.confidence == Level.HIGH]
        assert sorted(v.replace(" ", "") for _, v in found) == sorted(numbers), chunk


def test_regex_timeout_is_recorded_not_raised() -> None:
    import regex

    from piiscan.rules.loader import compile_rule

    rule = compile_rule("t.yaml", {"id": "slow", "name": "slow", "type": "EMAIL",
                                   "category": "個人情報", "severity": "low",
                                   "pattern": "(a|aa)+c", "examples": {}})
    assert isinstance(rule.pattern, regex.Pattern)
    engine = Engine([rule], regex_seconds=0.05)
    assert engine.scan(Segment("a" * 40 + "b", Location("t"))) == []
    assert engine.stats.timeouts == ["slow"]


def test_phone_with_bracketed_area_and_exchange_codes() -> None:
    # ') (' between digit groups: three separator characters, still one number.
    assert ("PHONE", "(03) (1234) 5678", Level.HIGH) in scan("電話 (03) (1234) 5678")


def test_birth_date_with_single_digit_parts() -> None:
    assert any(t == "BIRTH_DATE" and v.startswith("S5年6月7日") for t, v, _ in
               scan("山田太郎 S5年6月7日生まれ"))


def test_victim_phrase_is_reported_whole() -> None:
    assert ("SENSITIVE_VICTIM", "ストーカーによる被害", Level.MEDIUM) in \
        scan("ストーカーによる被害を相談した")
