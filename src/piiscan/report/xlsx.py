"""Excel report in the style of a 個人情報管理台帳 (personal data register; docs/reports.md).

Sheets: 表紙 (cover: the run record an auditor asks for), 個人情報管理台帳 (one row per file
with personal data, riskiest first, with the columns a JIS Q 15001 register needs: prefilled
where the scan knows them, blank for 利用目的 and 保管期限, which only the owner knows), 集計
(summary: counts, triggers, skips, suppressions), 検出一覧 (every finding, masked),
保存期間超過 (files past the retention period), 未スキャン (files not read, with the
reason). Every text cell is stored as text, never as a formula: file names and snippets come
from untrusted files.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from piiscan.explain import describe
from piiscan.labels import RISK_LABELS
from piiscan.models import Category, FileResult, ScanResult, TypeRegistry
from piiscan.report import REVISION_LABELS, revision_facts, run_timezone, type_counts
from piiscan.report.json import sort_findings, summary_dict
from piiscan.report.record import access_text, overdue, record_items, retention_days
from piiscan.score import FLAGS, TRIGGERS, flag_label, tally, trigger_label

MAX_CELL = 32_000  # Excel's limit is 32,767 characters
MAX_FINDING_ROWS = 1_000_000  # Excel's limit is 1,048,576 rows a sheet
_HEAD = Font(bold=True, color="FFFFFF")
_HEAD_FILL = PatternFill("solid", fgColor="1F3864")
_RISK_FILL = {"critical": "C00000", "high": "FF7C80", "medium": "FFE699", "low": "DDEBF7",
              "none": "FFFFFF"}
_WRAP = Alignment(wrap_text=True, vertical="top")

INVENTORY_COLUMNS = (
    ("No", 5), ("保管場所 (location)", 48), ("個人情報の項目 (items and counts)", 40),
    ("区分 (categories)", 28), ("件数 (people, estimate)", 10),
    ("要配慮の有無 (special care-required)", 14),
    ("アクセス権を有する者 (who has access)", 44), ("最終更新 (last modified)", 17),
    ("利用目的 (purpose of use)", 24), ("保管期限 (keep until)", 14),
    ("所有者 (owner)", 12), ("サイズ (bytes)", 12), ("形式 (kind)", 8),
    ("リスク (risk)", 12), ("点数 (score)", 8),
    ("漏えい等報告の対象 (breach-report triggers)", 40),
    ("公開範囲・保存期間 (exposure, retention)", 28), ("理由 (reasons)", 60),
)
# Columns only the file's owner can fill in: left blank, shaded, in the register.
OWNER_COLUMNS = (9, 10)
_LEVEL_COLUMN, _MODIFIED_COLUMN = 14, 8
_FILL_IN = PatternFill("solid", fgColor="FFF2CC")
_OWNER_HEAD_FILL = PatternFill("solid", fgColor="7F6000")


def _text(value: str) -> str:
    text = str(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    return text if len(text) <= MAX_CELL else text[:MAX_CELL] + "…"


Style = Callable[[int, WriteOnlyCell], None]  # (column, cell): fonts, fills, formats


class _Sheet:
    """A write-only worksheet, filled row by row: openpyxl streams each row to a temporary
    file as it comes (``write_only``), so a million findings are never a million cells in
    memory. Column widths and the frozen header row are set before the first row, as a
    streamed sheet requires."""

    def __init__(self, wb: Workbook, title: str,
                 columns: tuple[tuple[str, int], ...] = (), header_row: int = 1) -> None:
        self.ws = wb.create_sheet(title)
        self.row = 0
        self.columns = columns
        for col, (_, width) in enumerate(columns, start=1):
            self.ws.column_dimensions[get_column_letter(col)].width = width
        if columns:
            self.ws.freeze_panes = f"A{header_row + 1}"

    def append(self, values: list[Any] | tuple[Any, ...], style: Style | None = None) -> int:
        cells = []
        for col, value in enumerate(values, start=1):
            cell = WriteOnlyCell(self.ws, value=_text(value) if isinstance(value, str) else value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            if style is not None:
                style(col, cell)
            cells.append(cell)
        self.ws.append(cells)
        self.row += 1
        return self.row

    def header(self, shaded: tuple[int, ...] = ()) -> int:
        def style(col: int, cell: WriteOnlyCell) -> None:
            _header_style(col, cell)
            if col in shaded:
                cell.fill = _OWNER_HEAD_FILL
        return self.append([name for name, _ in self.columns], style)

    def filter(self, head: int, last: int) -> None:
        self.ws.auto_filter.ref = (f"A{head}:{get_column_letter(len(self.columns))}"
                                   f"{max(last, head + 1)}")


def _header_style(_col: int, cell: WriteOnlyCell) -> None:
    cell.font, cell.fill, cell.alignment = _HEAD, _HEAD_FILL, _WRAP


def _font(font: Font) -> Style:
    def style(_col: int, cell: WriteOnlyCell) -> None:
        cell.font = font
    return style


def _local(ts: float, tz: timezone) -> datetime | None:
    if not ts:
        return None
    return datetime.fromtimestamp(ts, tz).replace(tzinfo=None)


def _counts(fr: FileResult, types: TypeRegistry) -> str:
    return "、".join(type_counts(fr, types))


def _categories_and_sensitive(fr: FileResult) -> tuple[str, str]:
    """The categories of the file's findings, and 要配慮の有無: whether it holds special
    care-required information, and whether that is tied to a person (only then is a leak
    reportable). One read of the findings for both."""
    present: set[Category] = set()
    sensitive = linked = False
    for f in fr.findings:
        if f.suppressed_by is None:
            present.add(f.category)
            if f.category == Category.SENSITIVE:
                sensitive = True
                linked = linked or bool(f.linked)
    categories = "、".join(c.value for c in sorted(present, key=list(Category).index,
                                                    reverse=True))
    if not sensitive:
        return categories, "なし (no)"
    return categories, "あり (yes)" if linked else "あり・本人と結びつかない (yes, not tied to a person)"


def _git_columns(result: ScanResult) -> tuple[tuple[str, int], ...]:
    """Columns for the commit, its date, the path in the repository (and the author) when
    the report holds file versions from a git history (piiscan git)."""
    present = {label for fr in result.files for label, _ in revision_facts(fr.file)}
    return tuple((label, width) for label, width in zip(REVISION_LABELS, (42, 26, 40, 30),
                                                        strict=True) if label in present)


def _git_values(fr: FileResult, columns: tuple[tuple[str, int], ...]) -> list[str]:
    facts = dict(revision_facts(fr.file))
    return [facts.get(label, "") for label, _ in columns]


def _cover(wb: Workbook, result: ScanResult) -> None:
    sheet = _Sheet(wb, "表紙")
    sheet.ws.column_dimensions["A"].width = 34
    sheet.ws.column_dimensions["B"].width = 90
    heading = _font(Font(bold=True, size=12))
    sheet.append(["個人情報管理台帳 (personal data register)"], _font(Font(bold=True, size=16)))
    sheet.append(["piiscan によるファイル調査の結果と実行記録 (what piiscan found, and the "
                  "record of the run)"])
    sheet.append([])
    sheet.append(["実行記録 (run record)"], heading)
    for label, text in record_items(result):
        sheet.append([label, text], _wrap)
    sheet.append([])
    sheet.append(["記入のお願い (to fill in)"], heading)
    sheet.append(["利用目的・保管期限 (purpose, keep until)",
                  "台帳シートの網掛けの列は、各ファイルの所有部署が記入してください。 "
                  "(The shaded columns of the register are for each file's owner to fill in.)"],
                 _wrap)
    sheet.append(["アクセス権を有する者 (who has access)",
                  "ファイルの所有者・グループ・権限から記入しています。共有フォルダの権限や ACL は"
                  "含みません。 (From the file's owner, group and mode; share permissions and "
                  "ACLs are not included.)"], _wrap)


def _wrap(_col: int, cell: WriteOnlyCell) -> None:
    cell.alignment = _WRAP


def _inventory(wb: Workbook, result: ScanResult) -> None:
    head = 4
    git = _git_columns(result)
    sheet = _Sheet(wb, "個人情報管理台帳", INVENTORY_COLUMNS + git, header_row=head)
    sheet.append(["個人情報管理台帳 (personal data register)"], _font(Font(bold=True, size=14)))
    sheet.append([f"スキャン日時 (scanned): {result.started}    対象 (roots): "
                  + ", ".join(result.roots) + "    実行記録は「表紙」 (run record: see 表紙)"])
    sheet.append([])
    sheet.header(shaded=OWNER_COLUMNS)
    tz = run_timezone(result)
    files = sorted((fr for fr in result.files if fr.risk_level != "none"),
                   key=lambda fr: (-fr.risk_score, fr.file.display))
    for number, fr in enumerate(files, start=1):
        categories, sensitive = _categories_and_sensitive(fr)
        sheet.append([
            number, fr.file.display, _counts(fr, result.types), categories,
            fr.people_estimate, sensitive, access_text(fr), _local(fr.file.mtime, tz),
            "", "", fr.owner or "", fr.file.size, fr.kind or "",
            RISK_LABELS.get(fr.risk_level, fr.risk_level), fr.risk_score,
            "\n".join(trigger_label(t) for t in fr.triggers),
            "\n".join(flag_label(f) for f in fr.flags), "\n".join(fr.risk_reasons),
            *_git_values(fr, git)], _inventory_style(fr.risk_level))
    sheet.filter(head, sheet.row)


def _inventory_style(level: str) -> Style:
    def style(col: int, cell: WriteOnlyCell) -> None:
        cell.alignment = _WRAP
        if col in OWNER_COLUMNS:
            cell.fill = _FILL_IN
        elif col == _MODIFIED_COLUMN:
            cell.number_format = "yyyy-mm-dd hh:mm"
        elif col == _LEVEL_COLUMN:
            cell.fill = PatternFill("solid", fgColor=_RISK_FILL[level])
            if level == "critical":
                cell.font = Font(bold=True, color="FFFFFF")
    return style


def _overdue(wb: Workbook, result: ScanResult) -> None:
    head = 3
    sheet = _Sheet(wb, "保存期間超過", (
        ("ファイルパス (path)", 60), ("最終更新 (last modified)", 17), ("経過日数 (days)", 10),
        ("リスク (risk)", 12), ("所有者 (owner)", 12),
        ("個人情報の項目 (items and counts)", 40)), header_row=head)
    days = retention_days(result)
    sheet.append([f"保存期間 (retention period): {days:,} 日 (days)" if days is not None
                  else "保存期間が設定されていません (no --retention-days given)"])
    sheet.append([])
    sheet.header()
    tz = run_timezone(result)
    for o in overdue(result):
        fr = o.file
        sheet.append([fr.file.display, _local(fr.file.mtime, tz), o.age_days,
                      RISK_LABELS.get(fr.risk_level, fr.risk_level), fr.owner or "",
                      _counts(fr, result.types)], _date_in_column(2))
    sheet.filter(head, sheet.row)


def _date_in_column(column: int) -> Style:
    def style(col: int, cell: WriteOnlyCell) -> None:
        if col == column:
            cell.number_format = "yyyy-mm-dd hh:mm"
    return style


def _summary(wb: Workbook, result: ScanResult) -> None:
    sheet = _Sheet(wb, "集計")
    s = summary_dict(result)
    for letter, width in (("A", 46), ("B", 60), ("C", 40)):
        sheet.ws.column_dimensions[letter].width = width

    def section(title: str) -> None:
        if sheet.row:
            sheet.append([])
        sheet.append([title], _font(Font(bold=True, size=12)))

    section("スキャン (scan)")
    sheet.append(["対象 (roots)", ", ".join(result.roots)])
    sheet.append(["開始 (started)", result.started])
    sheet.append(["終了 (finished)", result.finished])
    sheet.append(["完了 (complete)", "はい (yes)" if result.complete
                 else "いいえ — 中断されました (no — interrupted)"])
    sheet.append(["ルール (rules digest)", result.rules_digest])
    if tally(result).shows_values:
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
    show = tally(result).shows_values
    columns: tuple[tuple[str, int], ...] = (
        ("ファイルパス (path)", 40), ("場所 (location)", 40), ("種類 (type)", 20),
        ("type", 16), ("区分 (category)", 16), ("重大度 (severity)", 10),
        ("信頼度 (confidence)", 10), ("値（マスク済み） (masked value)", 22),
        ("前後の文脈 (masked context)", 50), ("理由 (reasons)", 40),
        ("抑止 (suppressed by)", 12), ("非表示 (hidden)", 8))
    git = _git_columns(result)
    columns += git
    if show:
        columns += (("値 (value)", 24),)
    sheet = _Sheet(wb, "検出一覧", columns)
    sheet.header()
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
            "はい (yes)" if f.hidden else "", *_git_values(fr, git)]
        if show:
            values.append(f.value or "")
        sheet.append(values)
    sheet.filter(1, sheet.row)


def _skips(wb: Workbook, result: ScanResult) -> None:
    sheet = _Sheet(wb, "未スキャン",
                   (("ファイルパス (path)", 60), ("区分 (kind)", 14), ("理由 (reason)", 70)))
    sheet.header()
    kinds = {"error": "読めない (error)", "unsupported": "対象外 (unsupported)",
             "excluded": "除外 (excluded)", "partial": "一部のみ (partial)"}
    for s in sorted(result.all_skips(), key=lambda s: (s.kind.value != "error", s.path)):
        sheet.append([s.path, kinds.get(s.kind.value, s.kind.value), s.reason])


def write(result: ScanResult, out: BinaryIO) -> None:
    """The workbook, its sheets streamed through temporary files (owner-only, like every
    temporary file ``tempfile`` makes) and zipped into ``out``."""
    wb = Workbook(write_only=True)
    _cover(wb, result)
    _inventory(wb, result)
    _summary(wb, result)
    _findings(wb, result)
    _overdue(wb, result)
    _skips(wb, result)
    try:
        stamp = datetime.fromisoformat(result.started).astimezone(timezone.utc)
        wb.properties.created = stamp.replace(tzinfo=None)  # openpyxl stamps "modified" itself
    except ValueError:
        pass
    wb.properties.creator = "piiscan"
    wb.properties.title = "個人情報管理台帳"
    if result.record is not None:
        wb.properties.lastModifiedBy = result.record.account
    wb.save(out)


def render(result: ScanResult) -> bytes:
    buffer = io.BytesIO()
    write(result, buffer)
    return buffer.getvalue()
