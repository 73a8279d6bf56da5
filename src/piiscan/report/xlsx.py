"""Excel report in the style of a 個人情報管理台帳 (personal data inventory; docs/reports.md).

Sheets: 個人情報管理台帳 (one row per file with personal data, riskiest first), 集計 (summary:
counts, triggers, skips, suppressions), 検出一覧 (every finding, masked), 未スキャン
(files not read, with the reason). Every text cell is stored as text, never as a formula:
file names and snippets come from untrusted files.
"""

from __future__ import annotations

import io
from collections import Counter
from datetime import datetime, timezone
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from piiscan.explain import describe
from piiscan.labels import RISK_LABELS
from piiscan.models import Category, FileResult, ScanResult, TypeRegistry
from piiscan.report import run_timezone
from piiscan.report.json import sort_findings, summary_dict
from piiscan.score import FLAGS, TRIGGERS, flag_label, trigger_label

MAX_CELL = 32_000  # Excel's limit is 32,767 characters
MAX_FINDING_ROWS = 1_000_000  # Excel's limit is 1,048,576 rows a sheet
_HEAD = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1F3864")
_RISK_FILL = {"critical": "C00000", "high": "FF7C80", "medium": "FFE699", "low": "DDEBF7",
              "none": "FFFFFF"}
_WRAP = Alignment(wrap_text=True, vertical="top")

INVENTORY_COLUMNS = (
    ("No", 5), ("ファイルパス (path)", 48), ("所有者 (owner)", 12),
    ("最終更新日時 (last modified)", 19), ("サイズ (bytes)", 12), ("形式 (kind)", 8),
    ("個人情報の種類と件数 (types and counts)", 40), ("区分 (categories)", 28),
    ("推定人数 (people)", 10), ("リスク (risk)", 12), ("点数 (score)", 8),
    ("漏えい等報告の対象 (breach-report triggers)", 40),
    ("公開範囲・保存期間 (exposure, retention)", 28), ("理由 (reasons)", 60),
)


def _text(value: str) -> str:
    text = str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"


def _put(ws: Worksheet, row: int, col: int, value: Any) -> None:
    if isinstance(value, str):
        cell = ws.cell(row=row, column=col, value=_text(value))
        cell.data_type = "s"  # never a formula, whatever the text starts with
    else:
        ws.cell(row=row, column=col, value=value)


class _Sheet:
    """A worksheet written row by row (an empty row stays blank)."""

    def __init__(self, ws: Worksheet, title: str) -> None:
        self.ws = ws
        ws.title = title
        self.row = 0

    def append(self, values: list[Any] | tuple[Any, ...]) -> int:
        self.row += 1
        for col, value in enumerate(values, start=1):
            _put(self.ws, self.row, col, value)
        return self.row

    def header(self, columns: tuple[tuple[str, int], ...]) -> int:
        row = self.append([name for name, _ in columns])
        for col, (_, width) in enumerate(columns, start=1):
            cell = self.ws.cell(row=row, column=col)
            cell.font, cell.fill, cell.alignment = _HEAD, _HEAD_FILL, _WRAP
            self.ws.column_dimensions[get_column_letter(col)].width = width
        self.ws.freeze_panes = self.ws.cell(row=row + 1, column=1)
        return row


def _local(ts: float, tz: timezone) -> datetime | None:
    if not ts:
        return None
    return datetime.fromtimestamp(ts, tz).replace(tzinfo=None)


def _counts(fr: FileResult, types: TypeRegistry) -> str:
    counts = Counter(f.type for f in fr.findings if f.suppressed_by is None)
    return "、".join(f"{types.label(t)} {n}" for t, n in counts.most_common())


def _categories(fr: FileResult) -> str:
    present = {f.category for f in fr.findings if f.suppressed_by is None}
    return "、".join(c.value for c in sorted(present, key=list(Category).index, reverse=True))


def _inventory(wb: Workbook, result: ScanResult) -> None:
    sheet = _Sheet(wb.active, "個人情報管理台帳")
    ws = sheet.ws
    sheet.append(["個人情報管理台帳 (personal data inventory)"])
    ws.cell(1, 1).font = Font(bold=True, size=14)
    sheet.append([f"スキャン日時 (scanned): {result.started}    対象 (roots): "
                  + ", ".join(result.roots)])
    sheet.append([])
    head = sheet.header(INVENTORY_COLUMNS)
    tz = run_timezone(result)
    files = sorted((fr for fr in result.files if fr.risk_level != "none"),
                   key=lambda fr: (-fr.risk_score, fr.file.display))
    for number, fr in enumerate(files, start=1):
        row = sheet.append([
            number, fr.file.display, fr.owner or "", _local(fr.file.mtime, tz), fr.file.size,
            fr.kind or "", _counts(fr, result.types), _categories(fr), fr.people_estimate,
            RISK_LABELS.get(fr.risk_level, fr.risk_level), fr.risk_score,
            "\n".join(trigger_label(t) for t in fr.triggers),
            "\n".join(flag_label(f) for f in fr.flags), "\n".join(fr.risk_reasons)])
        for col in range(1, len(INVENTORY_COLUMNS) + 1):
            ws.cell(row, col).alignment = _WRAP
        ws.cell(row, 4).number_format = "yyyy-mm-dd hh:mm"
        ws.cell(row, 10).fill = PatternFill("solid", fgColor=_RISK_FILL[fr.risk_level])
        if fr.risk_level == "critical":
            ws.cell(row, 10).font = Font(bold=True, color="FFFFFF")
    last = max(sheet.row, head + 1)
    ws.auto_filter.ref = f"A{head}:{get_column_letter(len(INVENTORY_COLUMNS))}{last}"


def _summary(wb: Workbook, result: ScanResult) -> None:
    sheet = _Sheet(wb.create_sheet(), "集計")
    ws = sheet.ws
    s = summary_dict(result)
    ws.column_dimensions["A"].width = 46
    ws.column_dimensions["B"].width = 60
    ws.column_dimensions["C"].width = 40

    def section(title: str) -> None:
        if sheet.row:
            sheet.append([])
        row = sheet.append([title])
        ws.cell(row, 1).font = Font(bold=True, size=12)

    section("スキャン (scan)")
    sheet.append(["対象 (roots)", ", ".join(result.roots)])
    sheet.append(["開始 (started)", result.started])
    sheet.append(["終了 (finished)", result.finished])
    sheet.append(["完了 (complete)", "はい (yes)" if result.complete
                 else "いいえ — 中断されました (no — interrupted)"])
    sheet.append(["ルール (rules digest)", result.rules_digest])
    if any(f.value is not None for fr in result.files for f in fr.findings):
        sheet.append(["警告 (warning)", "マスクされていない値を含みます (contains unmasked "
                         "values: --show-values)"])
    section("件数 (counts)")
    sheet.append(["スキャンしたファイル (files scanned)", s["files_scanned"]])
    sheet.append(["個人情報を含むファイル (files with personal data)", s["files_with_findings"]])
    sheet.append(["検出数 (findings)", s["findings"]])
    sheet.append(["推定人数 (people, estimate)", s["people"]["estimate"]])
    sheet.append(["推定人数の上限 (people, upper bound)", s["people"]["upper_bound"]])
    sheet.append(["個人番号の本人数 (people with a My Number)", s["people"]["my_number"]])
    section("リスク (risk levels)")
    for level, count in s["risk_levels"].items():
        sheet.append([RISK_LABELS[level], count])
    section("漏えい等報告の対象 (breach-report triggers)")
    if not s["triggers"]:
        sheet.append(["該当なし (none)"])
    for t in TRIGGERS:
        if t in s["triggers"]:
            kind = "報告対象 (reportable)" if TRIGGERS[t].mandatory else "要確認 (to check)"
            sheet.append([trigger_label(t), f"{s['trigger_files'].get(t, 0)} ファイル (files)",
                         TRIGGERS[t].basis, kind])
    sheet.append(["報告対象のファイル (files with a reportable trigger)", s["reportable_files"]])
    section("公開範囲・保存期間 (exposure, retention)")
    for flag in FLAGS:
        if flag in s["flag_files"]:
            sheet.append([flag_label(flag), s["flag_files"][flag]])
    section("種類別 (by type)")
    for t, n in s["by_type"].items():
        sheet.append([result.types.label(t), n])
    section("区分別 (by category)")
    for c, n in s["by_category"].items():
        sheet.append([Category(c).label, n])
    section("スキャンしていないもの・抑止 (not scanned, suppressed)")
    sheet.append(["スキップ (skipped)", s["skipped"]])
    sheet.append(["読めなかった (unreadable)", s["unreadable"]])
    sheet.append(["除外 (excluded)", s["excluded"]])
    sheet.append(["信頼度が低く非表示 (below --min-confidence)", s["below_threshold"]])
    for kind, n in s["suppressed"].items():
        sheet.append([f"抑止 (suppressed by {kind})", n])


def _findings(wb: Workbook, result: ScanResult) -> None:
    sheet = _Sheet(wb.create_sheet(), "検出一覧")
    show = any(f.value is not None for fr in result.files for f in fr.findings)
    columns: tuple[tuple[str, int], ...] = (
        ("ファイルパス (path)", 40), ("場所 (location)", 40), ("種類 (type)", 20),
        ("type", 16), ("区分 (category)", 16), ("重大度 (severity)", 10),
        ("信頼度 (confidence)", 10), ("値（マスク済み） (masked value)", 22),
        ("前後の文脈 (masked context)", 50), ("理由 (reasons)", 40),
        ("抑止 (suppressed by)", 12), ("非表示 (hidden)", 8))
    if show:
        columns += (("値 (value)", 24),)
    sheet.header(columns)
    total = sum(len(fr.findings) for fr in result.files)
    ordered = ((fr, f) for fr in sorted(result.files, key=lambda fr: (-fr.risk_score,
                                                                      fr.file.display))
               for f in sort_findings(fr.findings))
    for written, (fr, f) in enumerate(ordered):
        if written == MAX_FINDING_ROWS:
            sheet.append([f"ほか {total - written:,} 件は JSON・CSV レポートを参照 "
                          f"(and {total - written:,} more: see the JSON or CSV report)"])
            break
        values: list[Any] = [
            fr.file.display, f.location.render(), result.types.label(f.type, short=True),
            f.type, f.category.value, str(f.severity), str(f.confidence), f.masked_value,
            f.masked_snippet, "; ".join(map(describe, f.reasons)), f.suppressed_by or "",
            "はい (yes)" if f.hidden else ""]
        if show:
            values.append(f.value or "")
        sheet.append(values)
    sheet.ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(sheet.row, 2)}"


def _skips(wb: Workbook, result: ScanResult) -> None:
    sheet = _Sheet(wb.create_sheet(), "未スキャン")
    sheet.header((("ファイルパス (path)", 60), ("区分 (kind)", 14), ("理由 (reason)", 70)))
    kinds = {"error": "読めない (error)", "unsupported": "対象外 (unsupported)",
             "excluded": "除外 (excluded)"}
    for s in sorted(result.all_skips(), key=lambda s: (s.kind.value != "error", s.path)):
        sheet.append([s.path, kinds.get(s.kind.value, s.kind.value), s.reason])


def render(result: ScanResult) -> bytes:
    wb = Workbook()
    _inventory(wb, result)
    _summary(wb, result)
    _findings(wb, result)
    _skips(wb, result)
    try:
        stamp = datetime.fromisoformat(result.started).astimezone(timezone.utc)
        wb.properties.created = wb.properties.modified = stamp.replace(tzinfo=None)
    except ValueError:
        pass
    wb.properties.creator = "piiscan"
    wb.properties.title = "個人情報管理台帳"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
