"""Every number in every report comes from one computation and says what it counts: the
HTML cards, its trigger tables and folder rows, the JSON summary, the terminal summary line
and the table agree (issue 12: a trigger card of 2 beside a table of 3 rows and a summary of
"4 with breach-report triggers"; 724 people in total but 760 in one folder)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace

from openpyxl import load_workbook
from reportsample import build_sample

from piiscan import report
from piiscan.models import ScanResult
from piiscan.score import TRIGGERS


def sample_with_a_copy() -> ScanResult:
    """The sample, plus a copy of the customer list beside it: the same people twice."""
    result = build_sample()
    base = next(fr for fr in result.files if fr.file.display == "share/顧客/名簿_2024.csv")
    path = "share/顧客/名簿_2024 (copy).csv"
    result.files.append(replace(base, file=replace(base.file, path=path, display=path)))
    return result


def html_cards(page: str) -> dict[str, int]:
    cards = re.findall(r'<div class="label">[^<]*<span>\(([^)]*(?:\([^)]*\))?)\)</span></div>'
                       r'<div class="value">([\d,]+)</div>', page)
    return {label: int(value.replace(",", "")) for label, value in cards}


def test_every_report_counts_the_same() -> None:
    result = sample_with_a_copy()
    summary = json.loads(report.get("json")(result))["summary"]
    page = report.get("html")(result).decode("utf-8")
    text = report.get("table")(result).decode("utf-8")
    line = text.strip().splitlines()[-1]
    cards = html_cards(page)

    assert cards["files scanned"] == summary["files_scanned"] == len(result.files)
    assert f"{summary['files_scanned']} files scanned" in line
    assert cards["files with personal data"] == summary["files_with_findings"]
    assert f"{summary['files_with_findings']} with personal data" in line
    table_rows = re.findall(r"^│ \S+ \S+\s*│", text, re.M)
    assert len(table_rows) == summary["files_with_findings"]
    assert cards["findings"] == summary["findings"] and f"{summary['findings']} findings" in line

    # Triggers: kinds (a card and the rows of its table) and files (a card and the line).
    reportable = [t for t in summary["triggers"] if TRIGGERS[t].mandatory]
    assert reportable and len(reportable) < len(summary["triggers"])  # a to-check one too
    table = re.search(r'<table class="triggers reportable">(.*?)</table>', page, re.S)
    assert table is not None
    assert cards["reportable triggers"] == len(reportable) == table.group(1).count("<tr>") - 1
    files_with = sum(1 for fr in result.files
                     if any(TRIGGERS[t].mandatory for t in fr.triggers))
    assert cards["files with a reportable trigger"] == summary["reportable_files"] == files_with
    assert f"{files_with} files with a reportable trigger" in line
    book = load_workbook(io.BytesIO(report.get("xlsx")(result)))
    counts = {row[0]: row[1] for row in book["集計"].iter_rows(values_only=True) if row}
    assert counts["報告対象のファイル (files with a reportable trigger)"] == files_with
    assert counts["推定人数 (people, estimate)"] == summary["people"]["estimate"]

    # People: one estimate, and no folder above it; the copy does not count its people twice.
    people = summary["people"]["estimate"]
    assert cards["people (estimate)"] == people
    assert f"推定人数 people: about {people:,} " in text
    folders = re.search(r"フォルダ別.*?<tbody>(.*?)</tbody>", page, re.S)
    assert folders is not None
    rows = re.findall(r'<td class="path">([^<]*)</td>(?:<td class="num">([\d,]+)</td>){4}',
                      folders.group(1))
    per_folder = {folder: int(n.replace(",", "")) for folder, n in rows}
    assert per_folder and all(n <= people for n in per_folder.values())
    customers = next(fr for fr in result.files if fr.file.display == "share/顧客/名簿_2024.csv")
    assert per_folder["share/顧客"] == customers.people_estimate  # not twice
