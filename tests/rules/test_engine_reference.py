"""The engine's fast path only skips work: the one-pass word scanner (Hyperscan or tries),
digit and anchor prefilters, windows around anchors, keyword zones for rules that require
context, cells matched in batches and joined runs must find exactly what running every rule
over every whole text, one text at a time, finds (``Engine(gating=False)``). Both word
backends are checked: the same findings with and without Hyperscan."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from piiscan.models import Location, Segment
from piiscan.rules.engine import SEPARATOR, SHORT_TEXT, Engine
from piiscan.rules.loader import load_ruleset
from piiscan.rules.prescan import hyperscan_available

from synth import card, group4, mobile, my_number

RULES = load_ruleset().rules
FILLER = [
    "本日の会議では来期の販売計画と予算配分について議論した。",
    "The quarterly figures are attached; please review section 3 before Friday.",
    "2024-03-15 10:23:45 INFO job=nightly-sync status=ok took=1234ms id=9876543210",
    "注文番号 ORD-20240315-0042 数量 3 単価 1,200円 合計 3,600円",
    "在庫 12345 個、出荷予定 2024年4月1日、型番 AB-1234567",
    "システム障害の報告: サーバー 10.0.0.12 のディスク使用率 91%",
    "",
]


def _pieces(rng: random.Random) -> list[str]:
    examples = [e.text for r in RULES for e in (*r.match_examples, *r.no_match_examples)]
    keywords = [w for r in RULES if r.context_keywords for w in r.context_keywords.words]
    return [
        *examples,
        *FILLER,
        *(f"{rng.choice(keywords)}: {my_number(rng)}" for _ in range(20)),
        *(f"{rng.choice(keywords)} {group4(card(rng), '-')}" for _ in range(20)),
        *(f"連絡先 {mobile(rng)} {rng.choice(keywords)}" for _ in range(20)),
        *(f"{rng.randrange(10**6, 10**12)} {rng.choice(keywords)}" for _ in range(40)),
        *(str(rng.randrange(10**13)) for _ in range(20)),
    ]


def _documents(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    pieces = _pieces(rng)
    docs = []
    for _ in range(count):
        lines = [rng.choice(pieces) for _ in range(rng.randrange(10, 120))]
        docs.append(rng.choice(["\n", "\n\n", " ", "。"]).join(lines))
    return docs


def _found(engine: Engine, segment: Segment) -> list[tuple[object, ...]]:
    return [(m.rule_id, m.start, m.end, m.confidence, m.reasons) for m in engine.scan(segment)]


BACKENDS = ["python", "hyperscan"]


def test_hyperscan_is_installed_for_the_tests() -> None:
    # The dev extra installs it: the fast path must be checked, never skipped.
    assert hyperscan_available()


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("seed", [1, 2])
def test_long_texts_find_the_same_as_whole_text_matching(seed: int, backend: str) -> None:
    fast, reference = Engine(RULES, backend=backend), Engine(RULES, gating=False)
    docs = _documents(seed, 60)
    assert sum(len(d) > SHORT_TEXT for d in docs) > 40  # windows and zones are exercised
    found = 0
    for doc in docs:
        segment = Segment(doc, Location("doc.txt"))
        expected = _found(reference, segment)
        assert _found(fast, segment) == expected
        found += len(expected)
    assert found > 500


@pytest.mark.parametrize("backend", BACKENDS)
def test_cells_find_the_same_as_whole_text_matching(backend: str) -> None:
    fast, reference = Engine(RULES, backend=backend), Engine(RULES, gating=False)
    rng = random.Random(3)
    pieces = _pieces(rng)
    headers = [None, "備考", *sorted({h for r in RULES for h in r.context_headers})]
    found = 0
    for header in headers:
        for text in rng.sample(pieces, 80):
            segment = Segment(text, Location("t.csv"), header=header)
            expected = _found(reference, segment)
            assert _found(fast, segment) == expected, (header, text)
            found += len(expected)
    assert found > 1000


def test_an_anchor_word_far_before_its_value_is_not_cut_off_by_keyword_zones() -> None:
    # '記号' + a wide gap (fixed-width text, a PDF): the value is far from its anchor word.
    text = "記号" + " " * 150 + "12345 被保険者証" + "\n" + "あいうえお" * 120
    segment = Segment(text, Location("t.txt"))
    expected = _found(Engine(RULES, gating=False), segment)
    assert any(rule == "jp.health_insurance.member" for rule, *_ in expected)
    assert _found(Engine(RULES), segment) == expected


def test_a_rule_with_both_prefilters_is_gated_as_the_engine_reads_it(tmp_path: Path) -> None:
    (tmp_path / "staff.yaml").write_text(
        "rules:\n"
        "  - id: acme.staff\n    name: 社員ID\n    type: RESIDENT_CODE\n"
        "    category: 個人識別符号\n    severity: medium\n    confidence: medium\n"
        "    pattern: 'ID[0-9]{4}'\n    prefilter: {digits: 4, any: ['社員']}\n"
        "    examples: {match: ['ID1234'], no_match: ['ID12']}\n", encoding="utf-8")
    rules = load_ruleset((str(tmp_path),), builtin=False).rules
    segment = Segment("ID1234", Location("t.csv"), header="備考")
    expected = _found(Engine(rules, gating=False), segment)
    assert expected and _found(Engine(rules), segment) == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_column_of_cells_in_one_batch_finds_what_each_cell_finds_alone(backend: str
                                                                         ) -> None:
    """Engine.scan_cells: a column's cells joined in one batch (repeated, empty, long ones,
    and one holding the separator itself among them), judged each in its own."""
    fast, reference = Engine(RULES, backend=backend), Engine(RULES, gating=False)
    rng = random.Random(4)
    pieces = _pieces(rng)
    headers = [None, "備考", *sorted({h for r in RULES for h in r.context_headers})]
    found = 0
    for header in headers:
        column = [rng.choice(pieces) for _ in range(120)]
        column += ["", "  ", column[0], column[1], "x" * (SHORT_TEXT + 5) + column[2]]
        rng.shuffle(column)
        if header == "備考":
            column.append(f"電話{SEPARATOR}090-1234-5678")
        expected = [_found(reference, Segment(t, Location("t.csv"), header=header))
                    for t in column]
        got = fast.scan_cells(header, column)
        assert [[(m.rule_id, m.start, m.end, m.confidence, m.reasons) for m in cell]
                for cell in got] == expected, header
        found += sum(map(len, expected))
    assert found > 1000
