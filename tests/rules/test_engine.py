from __future__ import annotations

import io
import random
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from piiscan.extract.encoding import iter_chunks
from piiscan.models import Level, Location, Segment
from piiscan.rules.engine import SEPARATOR, Engine, _Batch, _Unit, numbers_of
from piiscan.rules.loader import load_ruleset

from synth import card, group4, my_number

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


def test_a_latin_keyword_inside_a_word_is_no_context() -> None:
    # 'mail' in gmail.com made every Gmail address its own context; 'tel' in hotel, too.
    assert scan("taro.yamada@gmail.com") == [("EMAIL", "taro.yamada@gmail.com", Level.MEDIUM)]
    assert scan("Hotel 03-3582-0111") == [("PHONE", "03-3582-0111", Level.MEDIUM)]
    assert scan("customerTel=03-3582-0111") == [("PHONE", "03-3582-0111", Level.HIGH)]
    number = card(random.Random(3))
    assert scan(f"Japan {number}") == scan(number) == [("CREDIT_CARD", number, Level.LOW)]
    assert scan(f"Korean {number}") == scan(number)  # 'ean' (a JAN/EAN code) is no exclusion


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


def test_a_pattern_two_rules_share_runs_once_and_each_rule_judges_its_matches(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """jp.email and jp.email.company run the same pattern: it runs once over a stretch of
    text, each rule applies its own filters, and the matches are what the engine finds
    without sharing (the reference engine, every rule over the whole text)."""
    from piiscan.rules import engine as engine_module

    runs: list[str] = []
    real = engine_module._finditer

    def counted(pattern, text, windows, seconds):  # type: ignore[no-untyped-def]
        runs.append(pattern.pattern)
        return real(pattern, text, windows, seconds)

    monkeypatch.setattr(engine_module, "_finditer", counted)
    email = next(r for r in RULES if r.id == "jp.email")
    company = next(r for r in RULES if r.id == "jp.email.company")
    assert email.pattern is not None and company.pattern is not None
    assert email.pattern.pattern == company.pattern.pattern
    filler = "議事録 " * 120  # a long text: matched in windows, not whole
    text = (f"{filler}\n担当: yamada.taro@gmail.com\n{filler}\n"
            f"--\n株式会社サンプル商事 営業部\n山田 太郎\nE-mail: t.yamada@sample-shoji.co.jp\n"
            f"{filler}")
    engine = Engine(RULES)
    found = engine.scan(Segment(text, Location("t")))
    assert runs.count(email.pattern.pattern) == 1
    by_rule = {(m.rule_id, m.value) for m in found}
    assert ("jp.email", "yamada.taro@gmail.com") in by_rule
    assert ("jp.email.company", "t.yamada@sample-shoji.co.jp") in by_rule
    assert ("jp.email", "t.yamada@sample-shoji.co.jp") not in by_rule
    monkeypatch.setattr(engine_module, "_finditer", real)
    reference = Engine(RULES, gating=False).scan(Segment(text, Location("t")))
    assert sorted((m.rule_id, m.start, m.end, m.confidence) for m in found) == sorted(
        (m.rule_id, m.start, m.end, m.confidence) for m in reference)


def test_making_an_engine_compiles_no_pattern() -> None:
    """A pre-commit hook makes an engine for a few small files: each rule's pattern is
    compiled when the rule first runs, not for every rule up front."""
    rules = load_ruleset().rules  # fresh rules: none has run yet
    engine = Engine(rules)
    assert not [r.id for r in rules if "pattern" in vars(r)]
    assert engine._shared_patterns  # the shared ones are known without compiling
    engine.scan(Segment("担当 yamada.taro@gmail.com", Location("t")))
    compiled = {r.id for r in rules if "pattern" in vars(r)}
    assert {"jp.email", "jp.email.company"} <= compiled
    assert len(compiled) < len(rules) / 2



def test_a_recognizer_whose_gate_fails_is_not_called_on_a_long_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """An ASCII log cannot hold a kanji or kana name: the name recognizers are not run over
    it, however long it is (they were, over every chunk of a long text)."""
    from piiscan.recognizers import names

    called: list[str] = []
    for name in ("person_names", "kana_names"):
        real = getattr(names, name)
        monkeypatch.setattr(names, name, lambda text, header, real=real, name=name: (
            called.append(name), real(text, header))[1])
    log = "".join(f"2026-12-01 10:00:{i % 60:02d} DEBUG id={i} status=200\n" for i in range(200))
    engine = Engine(load_ruleset().rules)  # fresh rules: the recognizers look names up anew
    engine.scan(Segment(log, Location("app.log")))
    assert called == []
    engine.scan(Segment(log + "担当 山田 太郎様\n", Location("app.log")))
    assert "person_names" in called


# Every number, whatever its length, as the engine once found them all: maximal runs of
# digits joined by up to three spaces, hyphens, dots or brackets, then counted.
_EVERY_NUMBER = re.compile(r"[0-9](?:[ \-.()]{0,3}[0-9])*")


def _numbers_counted(text: str, need: int) -> list[tuple[int, int]]:
    return [m.span() for m in _EVERY_NUMBER.finditer(text)
            if sum(c.isdigit() for c in m.group()) >= need]


_NUMBERISH = st.text(alphabet="0123456789 -.()/:a\n\ue000", max_size=120)


@given(text=_NUMBERISH, need=st.integers(1, 14))
def test_numbers_of_finds_exactly_the_long_enough_numbers(text: str, need: int) -> None:
    assert [m.span() for m in numbers_of(need).finditer(text)] == _numbers_counted(text, need)


@given(cells=st.lists(st.text(alphabet="0123456789 -.()/a", max_size=30), min_size=2,
                      max_size=8),
       need=st.integers(1, 12))
@example(cells=["1234567 a 090-1234-5678", "12", "03 1234/5678901"], need=10)
def test_a_batch_knows_which_cells_hold_a_long_enough_number(cells: list[str],
                                                           need: int) -> None:
    units, start = [], 0
    for cell in cells:
        units.append(_Unit(start, start + len(cell), start, start + len(cell)))
        start += len(cell) + 1
    batch = _Batch(Engine(RULES), SEPARATOR.join(cells), None, units)
    assert batch._with_digits(need) == {i for i, cell in enumerate(cells)
                                        if _numbers_counted(cell, need)}
    for unit, cell in zip(units, cells, strict=True):
        assert [(s - unit.lo, e - unit.lo) for s, e, _ in batch.unit_runs(unit, need)] == \
            _numbers_counted(cell, need)
        alone = _Batch(batch.engine, cell, None, [_Unit(0, len(cell), 0, len(cell))])
        assert alone._with_digits(need) == ({0} if _numbers_counted(cell, need) else set())
