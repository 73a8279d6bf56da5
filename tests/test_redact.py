"""The masking gate (piiscan.redact): strings a file puts into locations, record ids, skip
reasons and notes are masked before anything leaves the scan (issue 13)."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest

from piiscan.models import Category, FileRef, FileResult, Finding, Level, Location, Reason, Skip
from piiscan.redact import Redactor, redact_text
from piiscan.rules.engine import Engine
from piiscan.rules.loader import load_ruleset
from piiscan.snippet import SnippetWords

from clirunner import CLI

MY_NUMBER = "583140729960"  # valid check digit, synthetic
PHONE = "080-7319-4462"
EMAIL = "sentinel.kazuko@kaisha-mail.co.jp"
RULES = load_ruleset()


def redactor() -> Redactor:
    return Redactor(Engine(RULES.rules), RULES.by_id(), SnippetWords.for_rules(RULES.rules))


def test_shapes_are_masked_without_rules() -> None:
    assert redact_text(f"arc.zip!{PHONE}.txt") == "arc.zip!***-****-****.txt"
    assert redact_text(f"$[\"{MY_NUMBER}\"]") == '$["************"]'
    assert redact_text(f"to {EMAIL}") == "to s***@kaisha-mail.co.jp"
    assert redact_text("page 3 of 2024, 〒100-0001, sheet1") == "page 3 of 2024, 〒100-0001, sheet1"
    assert redact_text("０９０ー１２３４ー５６７８") == "***ー****ー****"


def test_names_of_things_holding_values_are_masked_like_snippets() -> None:
    gate = redactor()
    loc = Location("share/list.zip", members=(f"{PHONE}.txt", "2024/見積書.xlsx"),
                   sheet="山田太郎", part=f'$["{MY_NUMBER}"].個人番号')
    masked = gate.location(loc)
    assert masked.path == "share/list.zip"  # the path on disk is how a person finds the file
    # a value in a name: the value masked, and the rest shown only as far as it is known
    assert masked.members == ("***-****-****.txt", "2024/見積書.xlsx")  # no value: as it is
    assert masked.sheet == "****"
    assert masked.part == '$["************"].個人番号'
    assert gate.component("九頭竜 紗和子様.txt") == "*** ***様.txt"  # an honorific
    assert gate.display(f"share/a.zip!{PHONE}.txt!inner.csv") == \
        "share/a.zip!***-****-****.txt!inner.csv"


def test_messages_keep_their_words_and_lose_values_and_names_they_quote() -> None:
    gate = redactor()
    result = FileResult(FileRef("share/a.zip", "share/a.zip", 1, 0.0))
    result.skips = [Skip(f"share/a.zip!{EMAIL}.eml",
                         f"corrupt or unreadable zip member (KeyError: '{MY_NUMBER}')"),
                    Skip("share/a.zip", f"rule x timed out on share/a.zip!{EMAIL}.eml")]
    result.notes = [f"sheet '{PHONE}' is hidden"]
    gate.result(result)
    assert result.skips[0].path == "share/a.zip!****@******-mail.**.**.eml"
    assert result.skips[0].reason == \
        "corrupt or unreadable zip member (KeyError: '************')"
    # the message quotes the member as the location shows it
    assert result.skips[1].reason == f"rule x timed out on {result.skips[0].path}"
    assert result.notes == ["sheet '***-****-4462' is hidden"]


def _finding(part: str, *reasons: Reason) -> Finding:
    return Finding("PERSON_NAME", "jp.person_name", "氏名", Category.PERSONAL, Level.MEDIUM,
                   Level.LOW, reasons, Location("share/letter.docx", part=part), "竜 ***",
                   "**竜 *** 様", "f")


def test_reasons_quoting_a_part_show_it_as_its_location_does() -> None:
    """A metadata name is demoted with the part as its reason (metadata:custom:<property
    name>), and a fact is linked to 'the only person this document names (<part>)': the
    part is the file's text, and a custom property's name can hold a value (CI, stop 22)."""
    gate = redactor()
    part = f"metadata:custom:氏名 {MY_NUMBER}"
    other = f"attachment:{PHONE}.txt"
    result = FileResult(FileRef("share/letter.docx", "share/letter.docx", 1, 0.0))
    result.findings = [
        _finding(part, Reason("metadata", part), Reason("keyword", "氏名")),
        _finding("body", Reason("linked", f"the only person this document names ({other})")),
        _finding(other)]
    gate.result(result)
    first, second, third = result.findings
    assert first.location.part == "metadata:custom:氏名 ************"
    assert first.reasons == (Reason("metadata", first.location.part), Reason("keyword", "氏名"))
    # quoted before its own finding's location was masked: shown as that location shows it
    assert third.location.part == "attachment:***-****-****.txt"
    assert second.reasons == (
        Reason("linked", f"the only person this document names ({third.location.part})"),)


def test_a_json_path_is_looked_at_once_per_key_path() -> None:
    gate = redactor()
    for i in range(500):
        gate.component(f"$.customers[{i}].tel")
    assert len(gate._memo) == 1


def _leaks(data: bytes) -> list[str]:
    digits = "".join(ch for ch in PHONE if ch.isdigit())
    forms = {PHONE, digits, MY_NUMBER, EMAIL, EMAIL.split("@")[0]}
    return [form for form in forms if form.encode() in data]


def test_raw_values_never_reach_locations_reports_diff_or_state(tmp_path: Path) -> None:
    """The cases of issue 13: a JSON key, a sheet name and an archive member name holding a
    value, with default options, through every report format, the state and `diff`."""
    from openpyxl import Workbook

    share = tmp_path / "share"
    share.mkdir()
    (share / "keyed.json").write_text(json.dumps({MY_NUMBER: {"個人番号": "x"},
                                                  EMAIL: {"tel": PHONE}}), encoding="utf-8")
    book = Workbook()
    book.active.title = PHONE
    book.active["C2"] = f"電話 {PHONE}"
    book.save(share / "book.xlsx")
    with zipfile.ZipFile(share / "arc.zip", "w") as archive:
        archive.writestr(f"{PHONE}.txt", "メモ")
        archive.writestr(f"{EMAIL}/a.txt", f"マイナンバー {MY_NUMBER}")
    out = tmp_path / "out"
    out.mkdir()
    state = tmp_path / "state"
    cli = CLI()
    args = ["scan", str(share), f"--state={state}", "--min-confidence", "low", "-j1"]
    for name in ("r.json", "r.jsonl", "r.csv", "r.sarif", "r.html", "r.xlsx"):
        args += ["-o", str(out / name)]
    first = cli.run(*args)
    assert first.returncode == 1, first.stderr
    second = cli.run(*args[:-12], "-f", "json")  # again, for `diff`
    diff = cli.run("diff", f"--state={state}", "-f", "json")
    table = cli.run("scan", str(share), "--min-confidence", "low", "-j1")
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    shown = {f["location"]["display"] for fr in report["files"] for f in fr["findings"]}
    assert f"{share}/arc.zip!***-****-****.txt[filename]" in shown
    assert any("book.xlsx!***-****-****!" in d for d in shown), shown
    assert any('keyed.json[$["************"]' in d for d in shown), shown
    leaks = {}
    for path in out.iterdir():
        data = path.read_bytes()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                data = b"".join(z.read(n) for n in z.namelist())
        leaks[path.name] = _leaks(data)
    connection = sqlite3.connect(state / "state.db")
    rows = connection.execute("SELECT * FROM files").fetchall() + \
        connection.execute("SELECT * FROM run_findings").fetchall() + \
        connection.execute("SELECT * FROM runs").fetchall()
    connection.close()
    leaks["state"] = _leaks(repr(rows).encode())
    for name, proc in (("scan", first), ("scan -f json", second), ("diff", diff),
                       ("table", table)):
        leaks[name] = _leaks((proc.stdout + proc.stderr).encode())
    assert not any(leaks.values()), {k: v for k, v in leaks.items() if v}


@pytest.mark.parametrize("text", ["nothing here", "page 3", "sheet '集計' is hidden"])
def test_messages_without_values_are_unchanged(text: str) -> None:
    assert redactor().message(text) == text


def _cell(sheet: str, row: int, members: tuple[str, ...] = ()) -> Finding:
    return Finding("PHONE", "jp.phone", "電話番号", Category.PERSONAL, Level.MEDIUM, Level.HIGH,
                   (), Location("share/list.zip", members=members, sheet=sheet, row=row),
                   "***-****-4462", "***-****-4462", "f", record=f"{sheet}!row {row}")


def test_a_files_findings_are_masked_a_record_at_a_time_and_nothing_carries_over() -> None:
    """Findings of one record and sheet are masked once and alike; the next file's names are
    masked afresh; a location with nothing to mask is the finding's own."""
    gate = redactor()
    first = FileResult(FileRef("share/list.zip", "share/list.zip", 1, 0.0))
    member = (f"{PHONE}.xlsx",)
    first.findings = [_cell("山田太郎", 2, member), _cell("山田太郎", 2, member),
                      _cell("山田太郎", 3, member), _cell("Sheet1", 3, member)]
    out = gate.result(first).findings
    assert [f.location.sheet for f in out] == ["****", "****", "****", "Sheet1"]
    assert {f.location.members for f in out} == {("***-****-****.xlsx",)}
    assert [f.record for f in out] == ["****!row 2", "****!row 2", "****!row 3", "Sheet1!row 3"]
    second = FileResult(FileRef("share/b.xlsx", "share/b.xlsx", 1, 0.0))
    plain = _cell("Sheet1", 3)
    second.findings = [_cell("佐藤花子", 3), plain]
    out = gate.result(second).findings
    assert [f.location.sheet for f in out] == ["****", "Sheet1"]
    assert [f.record for f in out] == ["****!row 3", "Sheet1!row 3"]
    assert out[1] is plain  # nothing in it to mask: not copied
