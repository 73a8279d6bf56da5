"""CSV report: one row per finding and one per skipped file (docs/reports.md).

UTF-8 with a byte-order mark and CRLF line ends, so Excel opens the Japanese correctly by a
double click. Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, CR) are prefixed with ``'``: file names and snippets come from untrusted files.
"""

from __future__ import annotations

import csv
import io

from piiscan.models import FileResult, Finding, ScanResult, TypeRegistry
from piiscan.report.json import revision_dict, sort_findings
from piiscan.score import TRIGGERS

COLUMNS = (
    "record", "path", "risk_level", "risk_score", "people_estimate", "triggers", "triggers_ja",
    "owner",
    "flags", "type", "type_ja", "category", "rule_id", "severity", "confidence", "location",
    "line", "column", "masked_value", "masked_snippet", "reasons", "fingerprint", "hidden",
    "suppressed_by", "skip_kind", "skip_reason",
)
# Added when the report holds file versions from a git history (piiscan git): the keys of
# report.json.revision_dict, as columns; ``author`` only when the run asked for authors.
GIT_COLUMNS = {"commit": "commit", "date": "commit_date", "path": "commit_path",
               "blob": "blob", "author": "author"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The text of a cell, defused if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _ranked(result: ScanResult) -> list[FileResult]:
    return sorted(result.files, key=lambda fr: (-fr.risk_score, fr.file.display))


def _git_keys(result: ScanResult) -> list[str]:
    present = {key for fr in result.files for key in (revision_dict(fr.file) or {})}
    return [key for key in GIT_COLUMNS if key in present]


def _finding_row(fr: FileResult, f: Finding, show: bool, types: TypeRegistry,
                 git: list[str]) -> list[object]:
    loc = f.location
    row: list[object] = [
        "finding", fr.file.display, fr.risk_level, fr.risk_score, fr.people_estimate,
        " ".join(fr.triggers), "、".join(TRIGGERS[t].short for t in fr.triggers if t in TRIGGERS),
        fr.owner or "", " ".join(fr.flags),
        f.type, types.label(f.type, short=True), f.category.value, f.rule_id,
        str(f.severity), str(f.confidence), loc.render(), loc.line or "", loc.column or "",
        f.masked_value, f.masked_snippet, "; ".join(map(str, f.reasons)), f.fingerprint,
        "yes" if f.hidden else "", f.suppressed_by or "", "", "",
    ]
    row += _git_cells(fr, git)
    if show:
        row.append(f.value or "")
    return row


def _git_cells(fr: FileResult, git: list[str]) -> list[str]:
    revision = revision_dict(fr.file) or {}
    return [revision.get(key, "") for key in git]


def _skip_row(path: str, kind: str, reason: str, tail: list[str]) -> list[str]:
    blank = [""] * (len(COLUMNS) - 4)
    return [safe_cell(c) for c in ("skip", path, *blank, kind, reason, *tail)]


def render(result: ScanResult) -> bytes:
    show = any(f.value is not None for fr in result.files for f in fr.findings)
    git = _git_keys(result)
    value_cell = [""] if show else []
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([*COLUMNS, *(GIT_COLUMNS[k] for k in git), *(["value"] if show else [])])
    for fr in _ranked(result):
        for f in sort_findings(fr.findings):
            writer.writerow([safe_cell(c)
                             for c in _finding_row(fr, f, show, result.types, git)])
        for s in fr.skips:
            writer.writerow(_skip_row(s.path, s.kind.value, s.reason,
                                      [*_git_cells(fr, git), *value_cell]))
    for s in sorted(result.skips, key=lambda s: s.path):
        writer.writerow(_skip_row(s.path, s.kind.value, s.reason,
                                  [""] * len(git) + value_cell))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
