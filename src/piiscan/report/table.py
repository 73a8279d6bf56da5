"""The terminal report: riskiest files first, where each finding is, what was skipped."""

from __future__ import annotations

import heapq
import io
from collections import Counter
from typing import BinaryIO

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from piiscan.labels import RISK_LABELS
from piiscan.models import Category, FileResult, ScanResult, TypeRegistry
from piiscan.report import revision_facts, type_counts
from piiscan.report.json import finding_order
from piiscan.report.record import overdue, record_lines, retention_days
from piiscan.report.summary import summary_line as summary_line
from piiscan.score import (
    TRIGGERS,
    active,
    active_counts,
    assess_scan,
    flag_label,
    tally,
    trigger_label,
)

_RISK_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
               "none": "dim"}
DETAILS_PER_FILE = 10
WIDE = 120  # terminal columns from which the wide layout (every column, full labels) is used
TRIGGERS_WIDTH = 34  # the wide layout's triggers column, at most
ELLIPSIS = "…"


def ranked(result: ScanResult) -> list[FileResult]:
    """Files with findings that count (not all suppressed), riskiest first."""
    return sorted((fr for fr in result.files if active_counts(fr).by_type),
                  key=lambda fr: (-fr.risk_score, fr.file.display))


def print_report(result: ScanResult, console: Console, details: bool = True) -> None:
    files = ranked(result)
    if files:
        console.print(file_table(files, console.width, result.types))
        _print_categories(result, console)
        _print_triggers(result, console)
        if details:
            _print_details(files, console, result.types)
    else:
        console.print(nothing_found(result))
    _print_skips(result, console)
    _print_overdue(result, console)
    console.print()
    for line in record_lines(result):
        console.print(line, markup=False, highlight=False, style="dim")
    console.print(summary_line(result), markup=False, highlight=False)


def nothing_found(result: ScanResult) -> str:
    """The headline of a run that found nothing: it does not say "no personal data" about
    files it could not read (a bucket without credentials, a share that refused)."""
    unreadable = len(result.unreadable())
    if not unreadable:
        return "個人情報は見つかりませんでした (no personal data found)"
    if not result.files:
        return (f"何も読めませんでした (nothing could be read): {unreadable} unreadable, "
                "listed below")
    return (f"読めたファイルには個人情報はありませんでした (none in the files read); "
            f"{unreadable} could not be read, listed below")


# --------------------------------------------------------------------------- the file table


def shorten_middle(text: str, width: int) -> str:
    """``examples/…/履歴書_応募者A.docx``: the start and (more of) the end, in ``width``
    terminal cells. A path is never wrapped: a broken file name cannot be copied."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return ELLIPSIS[:width]
    tail_cells = (width - 1) - (width - 1) // 3
    head = _take(text, (width - 1) - tail_cells)
    tail = _take(text[::-1], tail_cells)[::-1]
    return head + ELLIPSIS + tail


def _take(text: str, cells: int) -> str:
    out, used = [], 0
    for ch in text:
        used += cell_len(ch)
        if used > cells:
            break
        out.append(ch)
    return "".join(out)


def fit_items(items: list[str], width: int, sep: str = ", ") -> str:
    """As many items as fit on one line of ``width`` cells, then ``+N more``."""
    out: list[str] = []
    for i, item in enumerate(items):
        rest = len(items) - i - 1
        line = sep.join([*out, item]) + (f" +{rest} more" if rest else "")
        if cell_len(line) > width and out:
            return sep.join(out) + f" +{len(items) - i} more"
        if cell_len(line) > width:
            return shorten_middle(line, width)
        out.append(item)
    return sep.join(out)


def _trigger_items(fr: FileResult) -> list[str]:
    return [TRIGGERS[t].short for t in fr.triggers if t in TRIGGERS]


def _widest(texts: list[str]) -> int:
    return max((cell_len(t) for t in texts), default=0)


def _columns(files: list[FileResult], wide: bool) -> tuple[list[str], list[int]]:
    """Headers, and the widths of the columns that are not the path or the types."""
    heads = ["リスク risk", "点 score" if wide else "点", "ファイル file", "種類 types",
             "人数 people" if wide else "人数", *(["報告 triggers"] if wide else [])]
    triggers = [" · ".join(_trigger_items(fr)) for fr in files]
    fixed = [max(cell_len(heads[0]), _widest([RISK_LABELS[fr.risk_level] for fr in files])),
             max(cell_len(heads[1]), 3),
             max(cell_len(heads[4]), _widest([str(fr.people_estimate) for fr in files])),
             *([min(TRIGGERS_WIDTH, max(cell_len(heads[5]), _widest(triggers)))] if wide else [])]
    return heads, fixed


def file_table(files: list[FileResult], width: int, types: TypeRegistry) -> Table:
    """One line per file, sized to ``width`` cells: paths shortened in the middle, types
    on one line (``+N more``). Under WIDE columns, or when the wide columns would leave the
    paths too little room, there is no triggers column (a critical file is one with a
    trigger, and the lines below the table name them); type labels are Japanese only unless
    the English fits too."""
    path_want = max(cell_len("ファイル file"), _widest([fr.file.display for fr in files]))
    heads, fixed = _columns(files, wide=True)
    room = width - (3 * len(heads) + 1) - sum(fixed)
    wide = width >= WIDE and room >= min(path_want, 40) + 30
    if not wide:
        heads, fixed = _columns(files, wide=False)
        room = width - (3 * len(heads) + 1) - sum(fixed)
    short = [type_counts(fr, types, short=True) for fr in files]
    full = [type_counts(fr, types) for fr in files]
    types_want = max(cell_len(heads[3]), _widest([", ".join(t) for t in short]))
    path_w = min(path_want, max(room * 3 // 5, room - types_want, 12))
    full_want = max(cell_len(heads[3]), _widest([", ".join(t) for t in full]))
    types_w = max(room - path_w, 10)
    kinds, types_w = (full, full_want) if full_want <= types_w else \
        (short, min(types_w, types_want))

    table = Table(title="個人情報を含むファイル (files with personal data)",
                  title_justify="left", show_lines=False, expand=False)
    for head, cells, right in zip(heads, (fixed[0], fixed[1], path_w, types_w, *fixed[2:]),
                                  (False, True, False, False, True, False), strict=False):
        table.add_column(head, justify="right" if right else "left", no_wrap=True,
                         width=cells)
    for fr, items, trig in zip(files, kinds, files, strict=True):
        row: list[Text | str] = [
            Text(RISK_LABELS[fr.risk_level], style=_RISK_STYLE[fr.risk_level]),
            str(fr.risk_score), Text(shorten_middle(fr.file.display, path_w)),
            Text(fit_items(items, types_w)), str(fr.people_estimate)]
        if wide:
            row.append(Text(fit_items(_trigger_items(trig), fixed[3], " · "),
                            style="bold red" if fr.risk_level == "critical" else ""))
        table.add_row(*row)
    return table


def _print_categories(result: ScanResult, console: Console) -> None:
    counts = Counter({Category(value): n for value, n in tally(result).by_category.items()})
    if counts:
        order = sorted(counts, key=list(Category).index, reverse=True)
        line = " · ".join(f"{c.label} {counts[c]}" for c in order)
        console.print(f"区分 categories: {line}", markup=False, highlight=False)


def _print_triggers(result: ScanResult, console: Console) -> None:
    scan = assess_scan(result)
    for head, triggers in (("漏えい等報告の対象 reportable triggers", scan.reportable),
                           ("要確認 to check", scan.to_check)):
        if triggers:
            parts = [f"{trigger_label(t)} [{scan.trigger_files.get(t, 'whole scan')}]"
                     for t in triggers]
            console.print(f"{head} [files]: " + " · ".join(parts), markup=False,
                          highlight=False)
    if scan.people_estimate:
        console.print(f"推定人数 people: about {scan.people_estimate:,} "
                      f"(at most {scan.people_upper_bound:,})"
                      + (f" · 個人番号 My Number: {scan.my_number_people:,}"
                         if scan.my_number_people else ""), markup=False, highlight=False)
    if scan.flag_files:
        console.print("要見直し review: " + " · ".join(
            f"{flag_label(f)} {n}" for f, n in scan.flag_files.items()),
            markup=False, highlight=False)


def _print_details(files: list[FileResult], console: Console, types: TypeRegistry) -> None:
    for fr in files:
        console.print()
        head = Text(f"{fr.file.display}", style="bold")
        head.append(f"  [{RISK_LABELS[fr.risk_level]} {fr.risk_score}]",
                    style=_RISK_STYLE[fr.risk_level])
        if fr.encoding:
            head.append(f"  encoding: {fr.encoding}", style="dim")
        console.print(head)
        facts = revision_facts(fr.file)
        if facts:
            console.print("  " + " · ".join(f"{label}: {value}" for label, value in facts),
                          style="dim", markup=False, highlight=False)
        for reason in fr.risk_reasons:
            console.print(f"  · {reason}", markup=False, highlight=False)
        # The first few, in file order, without sorting every one (one read of the file's
        # findings, which may be on disk: run.spill).
        first = heapq.nsmallest(DETAILS_PER_FILE, active(fr.findings), key=finding_order)
        for f in first:
            where = f.location.render()
            shown = f"{f.masked_value} = {f.value}" if f.value is not None else f.masked_value
            console.print(f"  {where}  {types.label(f.type)}  {shown}  "
                          f"[{f.confidence}]  {f.masked_snippet}", markup=False, highlight=False)
        listed = active_counts(fr).total
        if listed > DETAILS_PER_FILE:
            console.print(f"  … and {listed - DETAILS_PER_FILE} more (see --format json)",
                          style="dim")
        for note in fr.notes:
            console.print(f"  note: {note}", style="dim", markup=False, highlight=False)


def _print_skips(result: ScanResult, console: Console) -> None:
    skips = result.all_skips()
    if not skips:
        return
    console.print()
    console.print(f"読めなかった・対象外のファイル (not scanned): {len(skips)}")
    for s in sorted(skips, key=lambda s: (s.kind.value != "error", s.path)):
        console.print(f"  [{s.kind.value}] {s.path}: {s.reason}", markup=False, highlight=False)


def write(result: ScanResult, out: BinaryIO) -> None:
    out.write(render(result))  # a row per file with findings, ten details each: bounded


def _print_overdue(result: ScanResult, console: Console) -> None:
    files = overdue(result)
    if not files:
        return
    days = retention_days(result)
    console.print()
    console.print(f"保存期間超過 (past the {days or '?'}-day retention period: review or "
                  f"delete): {len(files)}", markup=False, highlight=False)
    for o in files:
        console.print(f"  {o.file.file.display}  {o.age_days:,} days  "
                      f"{RISK_LABELS[o.file.risk_level]}  owner {o.file.owner or '?'}",
                      markup=False, highlight=False)


def render(result: ScanResult) -> bytes:
    buffer = io.StringIO()
    console = Console(file=buffer, width=140, no_color=True, color_system=None,
                      force_terminal=False, soft_wrap=True)
    print_report(result, console)
    return buffer.getvalue().encode("utf-8")
