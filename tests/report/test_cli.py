"""End to end through the real command line: every format from one scan, masking with
sentinel values, streaming JSON Lines, and `piiscan report` re-rendering a saved result."""

from __future__ import annotations

import csv
import io
import json
import random
import stat
import zipfile
from pathlib import Path

import jsonschema
import pytest
from openpyxl import load_workbook
from reportchecks import assert_self_contained, sarif_validator

from piiscan.report.load import schema

from clirunner import CLI
from synth import group4, luhn_complete, my_number

ROOT = Path(__file__).parents[2]
FORMATS = {"json": "r.json", "jsonl": "r.jsonl", "csv": "r.csv", "sarif": "r.sarif",
           "html": "r.html", "xlsx": "r.xlsx"}


def scan_every_format(cli: CLI, target: str, out: Path, *extra: str,
                      cwd: Path | None = None) -> str:
    args = ["scan", target, "-f", "table", *extra]
    for name in FORMATS.values():
        args += ["-o", str(out / name)]
    proc = cli.run(*args, cwd=cwd)
    assert proc.returncode == 1, proc.stderr  # findings
    for name in FORMATS.values():
        path = out / name
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, name
    assert sorted(p.name for p in out.iterdir()) == sorted(FORMATS.values())  # no temp files
    return proc.stdout


def all_bytes(path: Path) -> bytes:
    """A file's bytes, or for an Office file every member's bytes."""
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as z:
            return b"".join(z.read(n) for n in z.namelist())
    return path.read_bytes()


def check_outputs(out: Path) -> dict[str, object]:
    data = json.loads((out / "r.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema()).validate(data)
    sarif_validator().validate(json.loads((out / "r.sarif").read_text("utf-8")))
    lines = [json.loads(x) for x in (out / "r.jsonl").read_text("utf-8").splitlines()]
    assert lines[0]["type"] == "header" and lines[-1]["type"] == "summary"
    assert lines[-1]["summary"] == data["summary"]
    assert sorted(x["path"] for x in lines if x["type"] == "file") == \
        [f["path"] for f in data["files"]]
    assert_self_contained((out / "r.html").read_text("utf-8"))
    return data  # type: ignore[no-any-return]


def test_examples_produce_every_format(tmp_path: Path) -> None:
    stdout = scan_every_format(CLI(), "examples", tmp_path, cwd=ROOT)
    assert "個人情報を含むファイル" in stdout and "漏えい等報告の対象" in stdout
    data = check_outputs(tmp_path)
    paths = {f["path"] for f in data["files"]}  # type: ignore[attr-defined]
    assert "examples/share/人事/社員名簿.xlsx" in paths
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_bytes()
                                           .decode("utf-8-sig"))))
    assert any(r["path"] == "examples/share/人事/社員名簿.xlsx" and r["type_ja"] == "個人番号"
               for r in rows)
    wb = load_workbook(tmp_path / "r.xlsx")
    listed = [row[1].value for row in wb["個人情報管理台帳"].iter_rows(min_row=5)]
    assert "examples/share/顧客名簿_2024.csv" in listed
    assert "examples/share/はじめに.txt" not in listed  # no personal data: not in the 台帳


# --- sentinel values: nothing raw leaves the scanner unless asked ------------------------

def sentinel_share(root: Path) -> tuple[Path, list[str]]:
    rng = random.Random(4242)
    mn1, mn2 = my_number(rng), my_number(rng)
    card = luhn_complete("4980", 16, rng)
    phone = "090-7315-2864"
    email = "sentinel.kobayashi.0427@gmail.com"
    share = root / "share"
    share.mkdir()
    (share / "社員.csv").write_text(
        "社員番号,個人番号,電話番号,メールアドレス,カード番号\r\n"
        f"E0001,{mn1},{phone},{email},{group4(card)}\r\n", "utf-8")
    (share / "メモ.txt").write_text(
        f"扶養家族のマイナンバー：{group4(mn2)}\n", "utf-8")
    sentinels = [mn1, mn2, group4(mn2), card, group4(card), phone, phone.replace("-", ""),
                 "sentinel.kobayashi.0427"]
    return share, sentinels


def test_no_raw_value_in_any_output_unless_show_values(tmp_path: Path) -> None:
    share, sentinels = sentinel_share(tmp_path)
    cli = CLI()
    masked = tmp_path / "masked"
    masked.mkdir()
    stdout = scan_every_format(cli, str(share), masked)
    check_outputs(masked)
    outputs = {name: all_bytes(masked / name) for name in FORMATS.values()}
    outputs["stdout"] = stdout.encode("utf-8")
    for name, data in outputs.items():
        for value in sentinels:
            assert value.encode() not in data, f"{value} leaked into {name}"

    shown = tmp_path / "shown"
    shown.mkdir()
    proc_stdout = scan_every_format(cli, str(share), shown, "--show-values")
    outputs = {name: all_bytes(shown / name) for name in FORMATS.values()}
    outputs["stdout"] = proc_stdout.encode("utf-8")
    for name, data in outputs.items():
        for value in (sentinels[0], sentinels[-1]):
            assert value.encode() in data, f"{value} missing from {name} with --show-values"


def test_show_values_warns(tmp_path: Path) -> None:
    share, _ = sentinel_share(tmp_path)
    proc = CLI().run("scan", str(share), "--show-values", "-q")
    assert "warning: --show-values" in proc.stderr


# --- JSON Lines on standard output -------------------------------------------------------

def test_jsonl_on_stdout_is_the_same_stream(tmp_path: Path) -> None:
    share, _ = sentinel_share(tmp_path)
    proc = CLI().run("scan", str(share), "-f", "jsonl", "-o", str(tmp_path / "r.jsonl"))
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout == (tmp_path / "r.jsonl").read_text("utf-8")
    assert [json.loads(x)["type"] for x in proc.stdout.splitlines()] == \
        ["header", "file", "file", "summary"]


# --- piiscan report ----------------------------------------------------------------------

@pytest.fixture
def saved(tmp_path: Path) -> Path:
    share, _ = sentinel_share(tmp_path)
    path = tmp_path / "result.json"
    proc = CLI().run("scan", str(share), "--show-values", "-o", str(path), "-q")
    assert proc.returncode == 1, proc.stderr
    return path


def test_report_rerenders_without_rescanning(saved: Path, tmp_path: Path) -> None:
    cli = CLI()
    out = tmp_path / "out"
    out.mkdir()
    proc = cli.run("report", str(saved), "-o", str(out / "r.html"))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    page = (out / "r.html").read_text("utf-8")
    assert "社員.csv" in page and stat.S_IMODE((out / "r.html").stat().st_mode) == 0o600
    proc = cli.run("report", str(saved), "-o", str(out / "r.sarif"), "-o", str(out / "台帳.xlsx"),
                   "-o", f"csv:{out / 'list.txt'}")
    assert proc.returncode == 0, proc.stderr
    sarif_validator().validate(json.loads((out / "r.sarif").read_text("utf-8")))
    assert load_workbook(out / "台帳.xlsx").sheetnames[0] == "個人情報管理台帳"
    assert (out / "list.txt").read_bytes().startswith(b"\xef\xbb\xbfrecord,")
    table = cli.run("report", str(saved))
    assert table.returncode == 0 and "個人情報を含むファイル" in table.stdout


def test_report_format_flag_never_changes_an_output_file(saved: Path, tmp_path: Path) -> None:
    """-f is standard output's format, as in `piiscan scan`: `-o r2.xlsx -f table` writes a
    workbook and prints the table, never text into r2.xlsx."""
    proc = CLI().run("report", str(saved), "-o", str(tmp_path / "r2.xlsx"), "-f", "table",
                     "-o", f"csv:{tmp_path / 'r3.txt'}")
    assert proc.returncode == 0, proc.stderr
    assert zipfile.is_zipfile(tmp_path / "r2.xlsx")
    assert load_workbook(tmp_path / "r2.xlsx").sheetnames[0] == "個人情報管理台帳"
    assert (tmp_path / "r3.txt").read_bytes().startswith(b"\xef\xbb\xbfrecord,")
    assert "個人情報を含むファイル" in proc.stdout
    quiet = CLI().run("report", str(saved), "-o", str(tmp_path / "r4.json"))
    assert quiet.returncode == 0 and quiet.stdout == ""  # with -o and no -f: files only


def test_report_drops_saved_values_unless_asked(saved: Path, tmp_path: Path) -> None:
    raw = json.loads(saved.read_text("utf-8"))
    value = next(f["value"] for fr in raw["files"] for f in fr["findings"])
    cli = CLI()
    masked = cli.run("report", str(saved), "-f", "json")
    assert masked.returncode == 0 and value not in masked.stdout
    assert "warning" not in masked.stderr
    shown = cli.run("report", str(saved), "-f", "json", "--show-values")
    assert json.loads(shown.stdout) == raw  # the saved report, unchanged
    assert "warning: --show-values" in shown.stderr


def test_report_names_a_bad_input(tmp_path: Path) -> None:
    bad = tmp_path / "x.json"
    bad.write_text('{"files": []}', "utf-8")
    proc = CLI().run("report", str(bad), "-f", "html")
    assert proc.returncode == 2 and "not a piiscan JSON report" in proc.stderr
    proc = CLI().run("report", str(tmp_path / "missing.json"))
    assert proc.returncode == 2 and "cannot read" in proc.stderr
    proc = CLI().run("report", str(bad), "-o", str(tmp_path / "r.unknown"))
    assert proc.returncode == 2 and "cannot tell the report format" in proc.stderr
