"""The terminal report: riskiest files first, where each finding is, what was skipped."""

from __future__ import annotations

import io
from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from piiscan.labels import RISK_LABELS
from piiscan.models import Category, FileResult, ScanResult, TypeRegistry
from piiscan.report import revision_facts
from piiscan.report.json import sort_findings
from piiscan.score import TRIGGERS, assess_scan, flag_label, trigger_label

_RISK_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan",
               "none": "dim"}
DETAILS_PER_FILE = 10


def ranked(result: ScanResult) -> list[FileResult]:
    return sorted((fr for fr in result.files if fr.findings),
                  key=lambda fr: (-fr.risk_score, fr.file.display))


def summary_line(result: ScanResult) -> str:
    files = result.files
    flagged = [fr for fr in files if fr.risk_level != "none"]
    levels = Counter(fr.risk_level for fr in flagged)
    findings = sum(1 for fr in files for f in fr.findings if f.suppressed_by is None)
    skips = result.all_skips()
    unreadable = sum(1 for s in skips if s.kind.value == "error")
    parts = [f"{len(files)} files scanned",
             f"{len(flagged)} with personal data"
             + (" (" + ", ".join(f"{levels[lv]} {lv}" for lv in RISK_LABELS if levels[lv]) + ")"
                if flagged else ""),
             f"{findings} findings",
             f"{len(skips)} skipped ({unreadable} unreadable)"]
    if result.low_confidence_hidden:
        parts.append(f"{result.low_confidence_hidden} low-confidence not shown")
    suppressed = sum(result.suppressed.values())
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    triggered = sum(1 for fr in files if any(TRIGGERS[t].mandatory for t in fr.triggers
                                             if t in TRIGGERS))
    if triggered:
        parts.append(f"{triggered} with breach-report triggers")
    if not result.complete:
        parts.append("INCOMPLETE: scan was interrupted")
    return "piiscan: " + ", ".join(parts)


def print_report(result: ScanResult, console: Console, details: bool = True) -> None:
    files = ranked(result)
    if files:
        table = Table(title="個人情報を含むファイル (files with personal data)",
                      title_justify="left", show_lines=False, expand=False)
        table.add_column("リスク risk", no_wrap=True)
        table.add_column("点 score", justify="right")
        table.add_column("ファイル file", overflow="fold")
        table.add_column("種類と件数 types and counts", overflow="fold")
        table.add_column("人数 people", justify="right")
        table.add_column("報告 triggers", overflow="fold")
        for fr in files:
            counts = Counter(f.type for f in fr.findings if f.suppressed_by is None)
            kinds = ", ".join(f"{result.types.label(t)} {n}" for t, n in counts.most_common())
            table.add_row(Text(RISK_LABELS[fr.risk_level], style=_RISK_STYLE[fr.risk_level]),
                          str(fr.risk_score), Text(fr.file.display), kinds,
                          str(fr.people_estimate), _trigger_cell(fr))
        console.print(table)
        _print_categories(result, console)
        _print_triggers(result, console)
        if details:
            _print_details(files, console, result.types)
    else:
        console.print("個人情報は見つかりませんでした (no personal data found)")
    _print_skips(result, console)
    console.print(summary_line(result), markup=False, highlight=False)


def _print_categories(result: ScanResult, console: Console) -> None:
    counts: Counter[Category] = Counter(
        f.category for fr in result.files for f in fr.findings if f.suppressed_by is None)
    if counts:
        order = sorted(counts, key=list(Category).index, reverse=True)
        line = " · ".join(f"{c.label} {counts[c]}" for c in order)
        console.print(f"区分 categories: {line}", markup=False, highlight=False)


def _trigger_cell(fr: FileResult) -> Text:
    names = [TRIGGERS[t].short for t in fr.triggers if t in TRIGGERS]
    return Text("\n".join(names), style="bold red" if fr.risk_level == "critical" else "")


def _print_triggers(result: ScanResult, console: Console) -> None:
    scan = assess_scan(result)
    if scan.triggers:
        parts = [f"{trigger_label(t)} [{scan.trigger_files.get(t, 'scan')}]"
                 for t in scan.triggers]
        console.print("漏えい等報告の対象 breach-report triggers [files]: " + " · ".join(parts),
                      markup=False, highlight=False)
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
        active = [f for f in sort_findings(fr.findings) if f.suppressed_by is None]
        for f in active[:DETAILS_PER_FILE]:
            where = f.location.render()
            shown = f"{f.masked_value} = {f.value}" if f.value is not None else f.masked_value
            console.print(f"  {where}  {types.label(f.type)}  {shown}  "
                          f"[{f.confidence}]  {f.masked_snippet}", markup=False, highlight=False)
        if len(active) > DETAILS_PER_FILE:
            console.print(f"  … and {len(active) - DETAILS_PER_FILE} more (see --format json)",
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


def render(result: ScanResult) -> bytes:
    buffer = io.StringIO()
    console = Console(file=buffer, width=140, no_color=True, color_system=None,
                      force_terminal=False, soft_wrap=True)
    print_report(result, console)
    return buffer.getvalue().encode("utf-8")
