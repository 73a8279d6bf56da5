"""``piiscan subject``: which files hold a person's data, from the state alone."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from edmkit import Person, World

Invoke = Callable[..., Result]


@pytest.fixture
def scanned(run: Invoke, world: World, tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the world's share scanned with a state (and the customer master)."""
    share = tmp_path / "share"
    shutil.copytree(world.share, share)
    state = tmp_path / "state"
    done = run("scan", str(share), "--state", str(state), "--edm", str(world.index),
               "--edm-key", str(world.key), "--rules", str(world.rules), "-q", "-j", "1")
    assert done.exit_code == 1, done.output
    return share, state


def files_of(world: World) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for p in world.truth.planted:
        if p.row_id is not None:
            out[p.row_id].add(p.file)
    return out


def values(p: Person) -> str:
    return (f"PHONE={p.phone}\nEMAIL={p.email}\n# a comment\n\nMY_NUMBER={p.my_number}\n"
            f"member_id = {p.member}\n")


def subject(run: Invoke, state: Path, text: str, *args: str) -> Result:
    return run("subject", "--state", str(state), *args, input=text)


def test_lists_exactly_the_files_holding_the_persons_values(
        run: Invoke, world: World, scanned: tuple[Path, Path]) -> None:
    share, state = scanned
    expected = files_of(world)
    people = [p for p in world.master if len(expected.get(p.row_id, ())) >= 2][:3]
    assert people
    for p in people:
        result = subject(run, state, values(p), "-f", "json", "--rules", str(world.rules))
        assert result.exit_code == 1, result.output
        report = json.loads(result.output)
        listed = {str(Path(f["path"]).relative_to(share.resolve())) for f in report["files"]}
        assert listed == expected[p.row_id]
        assert all(f["status"] == "unchanged" for f in report["files"])
        by_row = subject(run, state, f"EDM_ROW={p.row_id}\n", "-f", "json")
        assert {f["path"] for f in json.loads(by_row.output)["files"]} == \
            {f["path"] for f in report["files"]}


def test_the_text_never_repeats_a_value(run: Invoke, world: World,
                                        scanned: tuple[Path, Path]) -> None:
    _, state = scanned
    p = next(p for p in world.master if p.row_id in files_of(world))
    result = subject(run, state, values(p), "--rules", str(world.rules))
    assert result.exit_code == 1
    assert "4 value(s) read" in result.output and "line 1 PHONE: " in result.output
    digits = p.phone.replace("-", "")
    for secret in (p.phone, digits, p.email, p.my_number, p.member, p.email.split("@")[0]):
        assert secret not in result.output


def test_nobody_found_exits_0(run: Invoke, world: World, scanned: tuple[Path, Path]) -> None:
    _, state = scanned
    stranger = world.others[-1]  # planted nowhere
    result = subject(run, state, f"PHONE=080-0000-{stranger.phone[-4:]}\n")
    assert result.exit_code == 0
    assert "0 found, in 0 file(s)" in result.output and "not found" in result.output


def test_changed_and_deleted_files_are_marked(run: Invoke, world: World,
                                             scanned: tuple[Path, Path]) -> None:
    share, state = scanned
    expected = files_of(world)
    p = next(p for p in world.master if len(expected.get(p.row_id, ())) >= 2)
    first, second = sorted(expected[p.row_id])
    (share / first).write_bytes((share / first).read_bytes() + b"\n")
    (share / second).unlink()
    report = json.loads(subject(run, state, values(p), "-f", "json", "--rules",
                                str(world.rules)).output)
    status = {str(Path(f["path"]).relative_to(share.resolve())): f["status"]
              for f in report["files"]}
    assert status[first] == "changed" and status[second] == "missing"


def test_a_name_and_a_birth_date_in_other_spellings(run: Invoke, world: World,
                                                    tmp_path: Path) -> None:
    p = world.master[0]
    share = tmp_path / "docs"
    share.mkdir()
    (share / "profile.txt").write_text(
        f"氏名：{p.name.replace(' ', '　')}\n生年月日：{p.birth.year}年{p.birth.month}月"
        f"{p.birth.day}日\n", encoding="utf-8")
    (share / "other.txt").write_text("氏名：別人 花子\n", encoding="utf-8")
    state = tmp_path / "s"
    assert run("scan", str(share), "--state", str(state), "-q", "-j", "1").exit_code == 1
    query = f"PERSON_NAME={p.name.replace(' ', '')}\nBIRTH_DATE={p.birth:%Y/%m/%d}\n"
    report = json.loads(subject(run, state, query, "-f", "json").output)
    (only,) = report["files"]
    assert only["path"].endswith("profile.txt")
    assert sorted(f["type"] for f in only["findings"]) == ["BIRTH_DATE", "PERSON_NAME"]
    assert [v["files"] for v in report["values"]] == [1, 1]


@pytest.mark.parametrize(("text", "words"), [
    ("090-5555-7777\n", "line 1: expected TYPE=value"),
    ("\n\nTEL=090-5555-7777\n", "line 3: unknown type 'TEL'"),
    ("PHONE=\n", "line 1: expected TYPE=value"),
    ("# nothing\n", "no TYPE=value lines"),
])
def test_input_mistakes_name_the_line_not_the_value(run: Invoke, scanned: tuple[Path, Path],
                                                    text: str, words: str) -> None:
    _, state = scanned
    result = subject(run, state, text)
    assert result.exit_code == 2
    assert words in result.output and "5555" not in result.output


def test_no_state_yet(run: Invoke, tmp_path: Path) -> None:
    result = subject(run, tmp_path / "nowhere", "PHONE=090-1234-5678\n")
    assert result.exit_code == 2 and "run `piiscan scan --state` first" in result.output
