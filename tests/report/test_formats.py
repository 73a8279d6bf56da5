"""What each report format promises, checked on the fixed sample result."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import stat
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from openpyxl import load_workbook
from reportchecks import assert_self_contained, sarif_validator
from reportsample import EVIL_NAME, build_sample

from piiscan import report
from piiscan.models import ScanResult
from piiscan.report import html as html_report
from piiscan.report import jsonl, sarif
from piiscan.report.json import to_dict
from piiscan.report.load import from_dict, load_report, schema
from piiscan.report.targets import Target, parse_target

REPORT_DIR = Path(report.__file__).parent


def validate_json_report(data: Any) -> None:
    jsonschema.Draft202012Validator(schema()).validate(data)


# --- JSON --------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [False, True])
def test_json_report_validates_against_its_schema(values: bool) -> None:
    validate_json_report(json.loads(report.get("json")(build_sample(values))))


def test_json_schema_is_itself_valid_and_has_an_id() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())
    assert schema()["$id"].startswith("https://")


def test_schema_rejects_a_report_with_a_wrong_level() -> None:
    data = to_dict(build_sample())
    data["files"][0]["risk"]["level"] = "severe"
    with pytest.raises(jsonschema.ValidationError):
        validate_json_report(data)


@pytest.mark.parametrize("values", [False, True])
def test_load_is_the_inverse_of_the_json_report(values: bool) -> None:
    original = to_dict(build_sample(values))
    assert to_dict(from_dict(original, keep_values=True)) == original


def test_load_drops_values_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(report.get("json")(build_sample(values=True)))
    masked = load_report(str(path))
    assert all(f.value is None for fr in masked.files for f in fr.findings)
    assert masked.settings["show_values"] is False
    kept = load_report(str(path), keep_values=True)
    assert any(f.value == "123456789018" for fr in kept.files for f in fr.findings)


def test_load_names_what_is_wrong(tmp_path: Path) -> None:
    from piiscan.errors import UsageError

    bad = tmp_path / "bad.json"
    bad.write_text('{"schema": "piiscan-report", "version": 1}', "utf-8")
    with pytest.raises(UsageError, match="not a piiscan JSON report"):
        load_report(str(bad))
    bad.write_text("not json", "utf-8")
    with pytest.raises(UsageError, match="not a JSON file"):
        load_report(str(bad))


# --- JSON Lines --------------------------------------------------------------------------

def test_jsonl_lines_and_their_order(sample: ScanResult) -> None:
    lines = [json.loads(line) for line in jsonl.render(sample).decode().splitlines()]
    assert [x["type"] for x in lines] == (["header"] + ["file"] * len(sample.files)
                                          + ["skip"] * len(sample.skips) + ["summary"])
    file_schema = jsonschema.Draft202012Validator({"$defs": schema()["$defs"],
                                                   "$ref": "#/$defs/file"})
    for line in lines[1:1 + len(sample.files)]:
        line.pop("type")
        file_schema.validate(line)
    assert lines[-1]["summary"] == to_dict(sample)["summary"]


def test_jsonl_stream_writes_as_it_goes_and_renames_at_the_end(tmp_path: Path,
                                                               sample: ScanResult) -> None:
    (tmp_path / "out").mkdir()
    target = tmp_path / "out" / "r.jsonl"
    with report.Streams([("jsonl", str(target))]) as streams:
        for number, fr in enumerate(sample.files, start=1):
            streams.on_file(fr)
            assert not target.exists()  # readers never see half a report
            (tmp,) = list(target.parent.glob(".r.jsonl.*.tmp"))
            assert stat.S_IMODE(tmp.stat().st_mode) == 0o600
            assert len(tmp.read_bytes().splitlines()) == 1 + number  # already on disk
        streams.finish(sample)
    assert target.read_bytes() == jsonl.render(sample)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert list(target.parent.iterdir()) == [target]


def test_jsonl_stream_leaves_nothing_behind_on_error(tmp_path: Path,
                                                     sample: ScanResult) -> None:
    target = tmp_path / "r.jsonl"
    with pytest.raises(RuntimeError), report.Streams([("jsonl", str(target))]) as streams:
        streams.on_file(sample.files[0])
        raise RuntimeError("scan failed")
    assert list(tmp_path.iterdir()) == []


# --- CSV ---------------------------------------------------------------------------------

def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_reads_back_with_japanese_intact(sample: ScanResult) -> None:
    data = report.get("csv")(sample)
    assert b"\r\n" in data
    rows = read_csv(data)
    findings = [r for r in rows if r["record"] == "finding"]
    assert len(findings) == sum(len(fr.findings) for fr in sample.files)
    first = findings[0]
    assert first["path"] == "share/人事/社員名簿.xlsx" and first["risk_level"] == "critical"
    assert "カード番号" in first["triggers_ja"] and "financial" in first["triggers"].split()
    assert {r["type_ja"] for r in findings} >= {"個人番号", "電話番号", "病歴・健康"}
    skips = [r for r in rows if r["record"] == "skip"]
    assert {r["path"] for r in skips} == {s.path for s in sample.all_skips()}
    assert all(r["skip_reason"] for r in skips)
    assert "value" not in rows[0]


def test_csv_defuses_formulas(sample: ScanResult) -> None:
    rows = read_csv(report.get("csv")(sample))
    cells = [v for r in rows for v in r.values() if v]
    assert "'share/=HYPERLINK(1+2).csv" not in cells  # the path does not start with '='
    assert "'=***-****-8888" in cells
    assert not any(c.startswith(("=", "+", "@")) for c in cells)


def test_csv_has_a_value_column_only_with_values() -> None:
    rows = read_csv(report.get("csv")(build_sample(values=True)))
    assert "123456789018" in {r["value"] for r in rows}


# --- SARIF -------------------------------------------------------------------------------

def test_sarif_validates_against_the_official_schema(sample: ScanResult) -> None:
    log = sarif.to_dict(sample)
    sarif_validator().validate(log)
    sarif_validator().validate(sarif.to_dict(build_sample(values=True)))
    assert log["version"] == "2.1.0" and log["$schema"] == sarif.SCHEMA_URI


# sha256 of oasis-tcs/sarif-spec sarif-2.1/schema/sarif-schema-2.1.0.json (docs/reports.md)
OFFICIAL_SARIF_SHA256 = "c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e"


def test_the_bundled_sarif_schema_is_the_official_one() -> None:
    raw = (REPORT_DIR / "sarif-2.1.0.schema.json").read_bytes()
    assert hashlib.sha256(raw).hexdigest() == OFFICIAL_SARIF_SHA256, "schema was modified"
    official = json.loads(raw)
    assert official["id"] == sarif.SCHEMA_URI
    assert official["title"].startswith("Static Analysis Results Format (SARIF) Version 2.1.0")


def test_sarif_results_rules_and_locations(sample: ScanResult) -> None:
    run = sarif.to_dict(sample)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == sum(len(fr.findings) for fr in sample.files)
    by_id = {r["id"]: r for r in rules}
    assert by_id["jp.my_number"]["fullDescription"]["text"] == \
        sample.rules["jp.my_number"].description
    # What a real run records about the built-in rules (ScanResult.rules) reaches SARIF.
    from piiscan.rules.loader import load_ruleset

    sample.rules = load_ruleset().info()
    run = sarif.to_dict(sample)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    by_id = {r["id"]: r for r in rules}
    described = load_ruleset().by_id()["jp.my_number"].description
    assert by_id["jp.my_number"]["fullDescription"]["text"] == described
    assert described in by_id["jp.my_number"]["help"]["text"]
    assert "番号法" in by_id["jp.my_number"]["help"]["text"]
    assert by_id["jp.credit_card"]["properties"]["security-severity"] == "9.5"
    for res in results:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
    log = next(r for r in results if r["locations"][0]["physicalLocation"]["artifactLocation"]
               ["uri"] == "share/logs/app.log")
    assert log["level"] == "error"
    assert log["locations"][0]["physicalLocation"]["region"] == {"startLine": 3,
                                                                 "startColumn": 60}
    cell = next(r for r in results if "社員!E2" in r["message"]["text"])
    assert "region" not in cell["locations"][0]["physicalLocation"]
    assert cell["locations"][0]["logicalLocations"][0]["fullyQualifiedName"].endswith("社員!E2")
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results}
    assert "share/%E4%BA%BA%E4%BA%8B/%E7%A4%BE%E5%93%A1%E5%90%8D%E7%B0%BF.xlsx" in uris
    assert all(not u.startswith("/") for u in uris)
    suppressed = [r for r in results if "suppressions" in r]
    assert [s["suppressions"][0]["kind"] for s in suppressed] == ["external"]
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert {n["properties"]["path"] for n in notes} == {s.path for s in sample.all_skips()}
    assert all("value" not in r["properties"] for r in results)


def test_sarif_fingerprints_are_unique_stable_and_line_free(sample: ScanResult) -> None:
    def prints(result: ScanResult) -> list[str]:
        return [r["partialFingerprints"]["piiscanFinding/v1"]
                for r in sarif.to_dict(result)["runs"][0]["results"]]

    first = prints(sample)
    assert len(set(first)) == len(first)
    assert prints(build_sample()) == first
    # Lines inserted above a finding move it, but do not make it a new alert.
    shifted = build_sample()
    for fr in shifted.files:
        fr.findings = [replace(f, location=replace(f.location, line=f.location.line + 7))
                       if f.location.line else f for f in fr.findings]
    assert prints(shifted) == first


def test_sarif_uri_is_relative_and_encoded() -> None:
    assert sarif.artifact_uri("a b/名簿#1.csv") == "a%20b/%E5%90%8D%E7%B0%BF%231.csv"


# --- XLSX --------------------------------------------------------------------------------

def test_xlsx_reads_back_with_japanese_intact(sample: ScanResult) -> None:
    wb = load_workbook(io.BytesIO(report.get("xlsx")(sample)))
    assert wb.sheetnames == ["個人情報管理台帳", "集計", "検出一覧", "未スキャン"]
    inv = wb["個人情報管理台帳"]
    header = [c.value for c in inv[4]]
    assert header[1] == "ファイルパス (path)" and "推定人数 (people)" in header
    rows = [[c.value for c in row] for row in inv.iter_rows(min_row=5)]
    assert rows[0][1] == "share/人事/社員名簿.xlsx" and rows[0][2] == "tanaka"
    assert rows[0][9] == "重大 critical" and "財産的被害のおそれ" in rows[0][11]
    assert [r[1] for r in rows] == [fr.file.display for fr in sorted(
        (fr for fr in sample.files if fr.risk_level != "none"),
        key=lambda fr: (-fr.risk_score, fr.file.display))]
    summary = {r[0].value: r[1].value for r in wb["集計"].iter_rows() if r[0].value}
    assert summary["スキャンしたファイル (files scanned)"] == len(sample.files)
    assert summary["抑止 (suppressed by baseline)"] == 1
    skipped = [r[0].value for r in wb["未スキャン"].iter_rows(min_row=2)]
    assert "share/給与/secret.xlsx" in skipped


def test_xlsx_never_stores_a_formula(sample: ScanResult) -> None:
    wb = load_workbook(io.BytesIO(report.get("xlsx")(sample)))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str) and c.value.startswith("=")]
    assert cells and all(c.data_type == "s" for c in cells)


def test_xlsx_survives_control_characters(sample: ScanResult) -> None:
    fr = sample.files[0]
    fr.findings[0] = replace(fr.findings[0], masked_snippet="a\x00b\x1bc")
    wb = load_workbook(io.BytesIO(report.get("xlsx")(sample)))
    assert any(c.value == "a\ufffdb\ufffdc" for row in wb["検出一覧"].iter_rows() for c in row)


# --- HTML --------------------------------------------------------------------------------

def test_html_is_self_contained_and_locked_down(sample: ScanResult) -> None:
    page = report.get("html")(sample).decode("utf-8")
    parser = assert_self_contained(page)
    csp = next(a["content"] for t, a in parser.tags
               if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert csp is not None and "default-src 'none'" in csp
    assert html_report._csp_hash(html_report.JS) in csp
    assert html_report._csp_hash(html_report.CSS) in csp
    assert parser.scripts == [html_report.JS] and parser.styles == [html_report.CSS]


def test_html_escapes_everything_from_files(sample: ScanResult) -> None:
    page = report.get("html")(sample).decode("utf-8")
    assert EVIL_NAME not in page
    assert "<script>alert(1)" not in page and "<img src=https://evil" not in page
    assert "&lt;script&gt;alert(1)&lt;script&gt;" in page  # shown, as text
    data = re.search(r'<script type="application/json" id="piiscan-data">(.*?)</script>',
                     page, re.S)
    assert data is not None and "<" not in data.group(1)
    rows = json.loads(data.group(1))["files"]
    assert EVIL_NAME in {r["path"] for r in rows}


def test_html_japanese_ui_and_sections(sample: ScanResult) -> None:
    page = report.get("html")(sample).decode("utf-8")
    assert '<html lang="ja">' in page
    for text in ("個人情報スキャン結果", "漏えい等報告の対象", "リスク分布", "種類別", "フォルダ別",
                 "ファイル一覧", "ファイルごとの詳細", "読めなかった・対象外のファイル",
                 "share/人事", "個人番号 (My Number)", "************5443", "<svg"):
        assert text in page, text
    assert "マスクされていない" not in page
    assert "マスクされていない個人情報" in report.get("html")(build_sample(values=True)).decode()


# --- all formats -------------------------------------------------------------------------

def test_every_registered_format_has_an_extension() -> None:
    assert set(report.REGISTRY) == {"table", "json", "jsonl", "csv", "sarif", "html", "xlsx"}
    assert set(report.EXTENSIONS.values()) == set(report.REGISTRY)
    assert parse_target("x/台帳.XLSX").format == "xlsx"
    assert parse_target("r.out", "sarif").format == "sarif"
    assert parse_target("SARIF:r.out") == Target("sarif", "r.out", "SARIF:r.out")


def test_reports_render_an_empty_scan() -> None:
    empty = ScanResult(roots=["."], started="2026-01-15T09:00:00+09:00",
                       finished="2026-01-15T09:00:01+09:00")
    for fmt in report.REGISTRY:
        assert report.get(fmt)(empty)
    validate_json_report(json.loads(report.get("json")(empty)))
    sarif_validator().validate(sarif.to_dict(empty))


def test_write_atomic_is_owner_only(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    target = tmp_path / "sub" / "r.html"
    report.write_atomic(str(target), b"<p>x</p>")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["r.html"]



def test_html_details_are_capped_for_huge_scans(sample: ScanResult,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(html_report, "DETAILS_FILES", 2)
    page = report.get("html")(sample).decode("utf-8")
    assert page.count('<details class="file"') == 2
    assert "ファイルの詳細は JSON・CSV レポートを参照" in page
    data = re.search(r'id="piiscan-data">(.*?)</script>', page, re.S)
    assert data is not None and len(json.loads(data.group(1))["files"]) == 9  # table: all


def test_xlsx_findings_sheet_stops_at_excels_row_limit(sample: ScanResult,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from piiscan.report import xlsx

    monkeypatch.setattr(xlsx, "MAX_FINDING_ROWS", 5)
    wb = load_workbook(io.BytesIO(xlsx.render(sample)))
    values = [r[0].value for r in wb["検出一覧"].iter_rows(min_row=2)]
    total = sum(len(fr.findings) for fr in sample.files)
    assert len(values) == 6 and values[-1].startswith(f"ほか {total - 5:,} 件")


def test_schemas_and_goldens_are_not_ignored_by_git() -> None:
    """The repository ignores report*.json, report*.html ... (users' reports): the files the
    reporters and their tests need must not fall under those patterns."""
    import pathspec

    root = REPORT_DIR.parents[2]
    lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    ignore = pathspec.GitIgnoreSpec.from_lines(lines)
    needed = [*REPORT_DIR.glob("*.json"), *(Path(__file__).parent / "golden").iterdir()]
    ignored = [str(p) for p in needed if ignore.match_file(p.relative_to(root).as_posix())]
    assert ignored == [], f"ignored by .gitignore: {ignored}"
