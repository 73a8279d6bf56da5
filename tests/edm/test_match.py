"""Exact data match inside the scan: every master value found as its row's match, nothing
else; names, readings, addresses and birth dates nearby -- labelled or not -- confirm it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from piiscan.config import Settings
from piiscan.edm import keyfile
from piiscan.edm.build import build
from piiscan.edm.match import EdmMatcher
from piiscan.edm.schema import EdmSchema
from piiscan.errors import UsageError
from piiscan.mask import EdmHasher
from piiscan.models import FileResult, Finding, Level, ScanResult
from piiscan.rules.loader import load_ruleset
from piiscan.run import pool
from piiscan.run.session import ScanSession, SessionOptions

import edmkit
from edmkit import World, full_width, half_width_kana
from scankit import KEY


def scan(world: World, paths: list[Path], jobs: int = 1, state: Path | None = None,
         edm: bool = True) -> ScanResult:
    rules = (str(world.rules),)
    matcher = EdmMatcher.load(str(world.index), str(world.key)) if edm else None
    options = SessionOptions(key=KEY, edm=matcher, state=state)
    with ScanSession(load_ruleset(rules), Settings(rule_dirs=rules, jobs=jobs),
                     options) as session:
        return session.run([str(p) for p in paths])


def one_file(world: World, tmp_path: Path, name: str, text: str) -> FileResult:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    (result,) = scan(world, [path]).files
    return result


def edm(f: Finding) -> str:
    return next(r.detail for r in f.reasons if r.code == "edm")


def test_every_master_value_is_found_and_nothing_else(world: World) -> None:
    result = scan(world, [world.share])
    score = edmkit.evaluate(result, world.truth, KEY, str(world.share))
    assert score.master_values > 50 and score.other_values > 10
    assert score.perfect, (score.missed, score.wrong_row, score.false_matches)
    assert score.found == score.master_values
    assert score.corroborated == score.found  # the generator puts a name beside each one


def test_an_unlabelled_half_width_reading_confirms_and_is_masked(world: World,
                                                                 tmp_path: Path) -> None:
    p = world.master[7]
    reading = half_width_kana(p.kana)
    result = one_file(world, tmp_path, "memo.txt", f"折り返し\n{reading} {full_width(p.phone)}\n")
    (phone,) = [f for f in result.findings if f.type == "PHONE"]
    assert phone.edm_row == p.row_id and phone.confidence == Level.HIGH
    assert edm(phone) == f"row {p.row_id} (phone + name reading)"
    assert reading.split()[0] not in phone.masked_snippet
    assert reading.replace(" ", "")[:3] not in phone.masked_snippet


def test_a_kanji_name_no_rule_finds(world: World, tmp_path: Path) -> None:
    p = world.master[11]
    result = one_file(world, tmp_path, "memo.txt",
                      f"連絡あり：{p.name.replace(' ', '')}宛 {p.email} 至急\n")
    (mail,) = [f for f in result.findings if f.type == "EMAIL"]
    assert edm(mail) == f"row {p.row_id} (e-mail + name)"
    assert p.name.replace(" ", "") not in mail.masked_snippet


def test_a_stranger_beside_a_customer_number(world: World, tmp_path: Path) -> None:
    p, stranger = world.master[3], world.others[0]
    result = one_file(world, tmp_path, "memo.txt",
                      f"{stranger.name}様 {p.phone}\n（別の方の番号）\n")
    (phone,) = [f for f in result.findings if f.type == "PHONE"]
    assert phone.edm_row == p.row_id
    assert edm(phone) == f"row {p.row_id} (phone)"
    assert phone.confidence == Level.MEDIUM  # a match, not confirmed
    names = [f for f in result.findings if f.type == "PERSON_NAME"]
    assert names and all(f.edm_row is None for f in names)


def test_a_bare_number_a_rule_calls_low_is_a_match(world: World, tmp_path: Path) -> None:
    p = world.master[5]
    result = one_file(world, tmp_path, "ids.txt", f"{p.my_number}\n")
    (number,) = [f for f in result.findings if f.type == "MY_NUMBER"]
    assert number.edm_row == p.row_id and number.confidence == Level.MEDIUM
    assert result.below_threshold == 0


def test_a_row_confirmed_in_a_later_cell_of_the_record(world: World, tmp_path: Path) -> None:
    p = world.master[20]
    result = one_file(world, tmp_path, "list.csv",
                      f"電話,メモ,生年月日,住所\n{p.phone},担当済,{p.birth:%Y年%m月%d日},"
                      f"{p.address}\n")
    (phone,) = [f for f in result.findings if f.type == "PHONE"]
    assert edm(phone) == f"row {p.row_id} (phone + address + birth date)"
    tagged = {f.type for f in result.findings if f.edm_row == p.row_id}
    assert tagged >= {"PHONE", "BIRTH_DATE"}


def test_a_shared_value_goes_to_the_row_its_neighbours_name(tmp_path: Path) -> None:
    people = edmkit.People(seed=4)
    master = people.master(5)
    family = edmkit.Person(**{**master[4].__dict__, "phone": master[1].phone})
    master[4] = family
    csv_path = tmp_path / "m.csv"
    edmkit.write_master(csv_path, master)
    schema, rules = edmkit.write_schema(tmp_path)
    key = tmp_path / "k"
    keyfile.generate(str(key))
    build(str(csv_path), EdmSchema.load(schema), EdmHasher(keyfile.read(str(key))),
          str(tmp_path / "i.edm"))
    world = World(tmp_path, master, [], csv_path, schema, rules, key, tmp_path / "i.edm",
                  tmp_path, edmkit.Truth())
    filler = "本日の会議では来期の販売計画と予算配分について議論した。\n" * 3  # past the window
    result = one_file(world, tmp_path, "memo.txt",
                      f"{family.name}様 {family.phone}\n{filler}{master[1].phone}\n")
    first, second = [f for f in result.findings if f.type == "PHONE"]
    assert first.edm_row == family.row_id and "(phone + name)" in edm(first)
    assert second.edm_row == master[1].row_id
    assert edm(second).endswith("; 2 rows hold this phone")


def test_a_sample_made_of_real_data_stays_a_match(world: World, tmp_path: Path) -> None:
    p = world.master[9]
    result = one_file(world, tmp_path, "記入例.txt", f"{p.name}様 電話 {p.phone}\n")
    (phone,) = [f for f in result.findings if f.type == "PHONE"]
    assert phone.edm_row == p.row_id and phone.confidence == Level.HIGH
    # the rest of a sample document is demoted below the reporting floor as before
    assert {f.edm_row for f in result.findings} == {p.row_id}


def test_a_value_a_rule_rejects_is_never_looked_up(world: World, tmp_path: Path) -> None:
    p = world.master[9]  # a 記入例 line: the phone rule's sample_value filter drops it
    result = one_file(world, tmp_path, "form.txt", f"記入例\n電話 {p.phone}\n")
    assert not [f for f in result.findings if f.type == "PHONE"]


def test_people_are_counted_by_master_row(world: World, tmp_path: Path) -> None:
    known = world.master[30:33]
    lines = [f"{p.name}様 電話 {p.phone} メール {p.email}" for p in known]
    result = one_file(world, tmp_path, "memo.txt", "\n\n\n".join(lines) + "\n")
    assert result.people_estimate == 3
    assert any("3 customer(s) of the customer master" in r for r in result.risk_reasons)
    stranger = world.others[2]
    lines.append(f"\n\n\n{stranger.name}様 電話 {stranger.phone}")
    result = one_file(world, tmp_path, "memo2.txt", "\n\n\n".join(lines) + "\n")
    assert result.people_estimate == 4


def test_the_pool_gives_the_same_matches(world: World, monkeypatch: pytest.MonkeyPatch
                                         ) -> None:
    monkeypatch.setattr(pool, "POOL_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(pool, "POOL_MIN_BYTES_LEFT", 0)
    monkeypatch.setattr(pool, "SCAN_WHILE_STARTING", False)
    monkeypatch.setattr(pool, "BATCH_FILES", 2)
    started: list[Any] = []
    original = pool.PoolScan._new_executor

    def spy(self: pool.PoolScan) -> Any:
        started.append(self)
        return original(self)

    monkeypatch.setattr(pool.PoolScan, "_new_executor", spy)
    alone = scan(world, [world.share], jobs=1)
    together = scan(world, [world.share], jobs=2)
    assert started and started[-1].mode == pool.POOL

    def matches(result: ScanResult) -> list[tuple[str, str, str | None, str]]:
        return [(f.location.render(), f.type, f.edm_row, str(f.confidence))
                for fr in result.files for f in fr.findings]

    assert matches(together) == matches(alone)
    assert any(row for _, _, row, _ in matches(together))


def test_the_state_cache_knows_the_index(world: World, tmp_path: Path) -> None:
    state = tmp_path / "state"
    plain = scan(world, [world.share], state=state, edm=False)
    assert not any(f.edm_row for fr in plain.files for f in fr.findings)
    matched = scan(world, [world.share], state=state)
    assert any(f.edm_row for fr in matched.files for f in fr.findings)
    again = scan(world, [world.share], state=state)
    rows = [[f.edm_row for f in fr.findings] for fr in again.files]
    assert rows == [[f.edm_row for f in fr.findings] for fr in matched.files]


def test_a_primary_type_no_rule_finds(world: World) -> None:
    matcher = EdmMatcher.load(str(world.index), str(world.key))
    with pytest.raises(UsageError, match="column '会員番号' holds MEMBER_ID values, but no rule "
                                         "in use finds MEMBER_ID: add the rule file"):
        matcher.check_rules(load_ruleset())


def test_a_customer_value_past_the_per_file_limit_is_still_matched(world: World,
                                                                     tmp_path: Path) -> None:
    """The per-file findings limit and the customer master together: matches past the
    limit are counted, never mistaken for findings that were not made (an IndexError made
    the whole file unreadable)."""
    from dataclasses import replace as with_

    from piiscan.config import Limits, Settings
    from piiscan.edm.match import EdmMatcher
    from piiscan.rules.loader import load_ruleset
    from piiscan.run.session import ScanSession, SessionOptions

    from scankit import KEY

    person = world.master[7]
    path = tmp_path / "memo.txt"
    path.write_text("".join(f"tel 090-{1000 + i}-{5000 + i}\n" for i in range(5))
                    + f"{person.name} {person.phone}\n", encoding="utf-8")
    rules = (str(world.rules),)
    matcher = EdmMatcher.load(str(world.index), str(world.key))
    settings = with_(Settings(rule_dirs=rules, jobs=1), limits=Limits(findings_per_file=3))
    with ScanSession(load_ruleset(rules), settings, SessionOptions(key=KEY, edm=matcher)) as s:
        found = s.run([str(path)]).files[0]
    assert not found.skips
    assert len(found.findings) + found.below_threshold >= 3 and found.notes
