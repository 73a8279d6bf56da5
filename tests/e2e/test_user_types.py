"""A rule file may bring its own type: reported with its labels, masked and scored like a
built-in one, in every report format and after a re-render from JSON."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

from clirunner import CLI

RULES = """
types:
  - {id: EMPLOYEE_ID, ja: 社員番号, en: employee number, category: 個人情報, mask: last4,
     identifying: true, points: 30}
rules:
  - id: acme.employee_id
    name: 社員番号（ACME）
    description: ACME's employee numbers, E- and six digits.
    type: EMPLOYEE_ID
    severity: high
    confidence: high
    pattern: '(?<![A-Za-z0-9])E-[0-9]{6}(?![0-9])'
    examples:
      match: ['社員番号 E-123456']
      no_match: ['E-12345']
"""
FORMATS = ("json", "jsonl", "csv", "sarif", "html", "xlsx", "txt")


def test_a_declared_type_in_every_format(tmp_path: Path, cli: CLI) -> None:
    rules = tmp_path / "acme.yaml"
    rules.write_text(RULES, encoding="utf-8")
    share = tmp_path / "share"
    share.mkdir()
    (share / "staff.txt").write_text(
        "".join(f"社員 E-{100000 + i:06d}\n" for i in range(12)), encoding="utf-8")
    outputs = [str(tmp_path / f"report.{ext}") for ext in FORMATS]
    proc = cli.run("scan", str(share), "--rules", str(rules), "-q",
                   *(arg for out in outputs for arg in ("-o", out)))
    assert proc.returncode == 1, proc.stderr
    texts = {ext: _text(tmp_path / f"report.{ext}") for ext in FORMATS}
    for ext, text in texts.items():
        assert "社員番号" in text, ext
        assert "E-1000" not in text and "E-**00" in text, ext  # masked, last4 style
    report = json.loads(texts["json"])
    assert report["types"] == [{"id": "EMPLOYEE_ID", "ja": "社員番号", "en": "employee number",
                                "category": "個人情報", "mask": "last4", "identifying": True,
                                "anchor": False, "financial": False, "points": 30,
                                "breadth": True, "contact": False}]
    (staff,) = report["files"]
    assert staff["people_estimate"] == 12  # identifying: distinct values count people
    assert staff["risk"]["reasons"][0].startswith("社員番号 (employee number): 12 distinct")
    # Re-rendered from the JSON report alone, without the rule file: the same labels.
    again = cli.run("report", str(tmp_path / "report.json"), "-o", str(tmp_path / "again.html"))
    assert again.returncode == 0, again.stderr
    assert "社員番号" in _text(tmp_path / "again.html")


def _text(path: Path) -> str:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return "\n".join(str(cell) for sheet in book.worksheets
                         for row in sheet.iter_rows(values_only=True) for cell in row
                         if cell is not None)
    return path.read_text(encoding="utf-8")
