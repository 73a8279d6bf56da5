"""CSV report: one row per finding and one per skipped file (docs/reports.md); before them
the run record (``run`` rows: ``item`` and ``detail``), after them the files past the
retention period (``overdue`` rows, the age in days as ``detail``).

UTF-8 with a byte-order mark and CRLF line ends, so Excel opens the Japanese correctly by a
double click. Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``,
tab, CR) are prefixed with ``'``: file names and snippets come from untrusted files.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import BinaryIO

from piiscan.explain import describe
from piiscan.models import FileResult, Finding, Reason, ScanResult, TypeRegistry
from piiscan.report.json import revision_dict, sort_findings
from piiscan.report.record import overdue, record_items
from piiscan.score import TRIGGERS, tally

COLUMNS = (
    "record", "path", "risk_level", "risk_score", "people_estimate", "triggers", "triggers_ja",
    "owner",
    "flags", "type", "type_ja", "category", "rule_id", "severity", "confidence", "location",
    "line", "column", "masked_value", "masked_snippet", "reasons", "fingerprint", "hidden",
    "suppressed_by", "skip_kind", "skip_reason", "item", "detail",
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


def _file_cells(fr: FileResult) -> list[str]:
    """The cells a file's findings share (its path, risk, triggers, owner), defused."""
    return [safe_cell(c) for c in (
        "finding", fr.file.display, fr.risk_level, fr.risk_score, fr.people_estimate,
        " ".join(fr.triggers), "、".join(TRIGGERS[t].short for t in fr.triggers if t in TRIGGERS),
        fr.owner or "", " ".join(fr.flags))]


def _finding_cells(f: Finding, types: TypeRegistry, reasons: Callable[[tuple[Reason, ...]], str]
                   ) -> list[str]:
    """The cells of one finding, from ``type`` to ``suppressed_by``, defused."""
    loc = f.location
    return [safe_cell(c) for c in (
        f.type, types.label(f.type, short=True), f.category.value, f.rule_id,
        str(f.severity), str(f.confidence), loc.render(), loc.line or "", loc.column or "",
        f.masked_value, f.masked_snippet, reasons(f.reasons), f.fingerprint,
        "yes" if f.hidden else "", f.suppressed_by or "")]


def _reasons_text() -> Callable[[tuple[Reason, ...]], str]:
    """A finding's reasons in words; the findings of a file share a few lists of reasons,
    so each list is put in words once per report."""
    said: dict[tuple[Reason, ...], str] = {}

    def text(reasons: tuple[Reason, ...]) -> str:
        if reasons not in said:
            said[reasons] = "; ".join(map(describe, reasons))
        return said[reasons]

    return text


def _git_cells(fr: FileResult, git: list[str]) -> list[str]:
    revision = revision_dict(fr.file) or {}
    return [revision.get(key, "") for key in git]


def _row(show: bool, git: list[str], fr: FileResult | None = None,
         **cells: object) -> list[str]:
    """A row with the named columns filled and the rest blank (the commit columns from
    ``fr``'s revision, when it has one)."""
    out = [safe_cell(cells.get(name, "")) for name in COLUMNS]
    out += [safe_cell(c) for c in _git_cells(fr, git)] if fr is not None else [""] * len(git)
    return [*out, ""] if show else out


def _skip_row(path: str, kind: str, reason: str, show: bool, git: list[str],
              fr: FileResult | None = None) -> list[str]:
    return _row(show, git, fr, record="skip", path=path, skip_kind=kind, skip_reason=reason)


def write(result: ScanResult, out: BinaryIO) -> None:
    """Row by row into ``out``: nothing but the current row is held."""
    show = tally(result).shows_values
    git = _git_keys(result)
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    try:
        text.write("\ufeff")
        writer = csv.writer(text, lineterminator="\r\n")
        writer.writerow([*COLUMNS, *(GIT_COLUMNS[k] for k in git),
                         *(["value"] if show else [])])
        for label, record_text in record_items(result):
            writer.writerow(_row(show, git, record="run", item=label, detail=record_text))
        reasons = _reasons_text()
        blank = [""] * (len(COLUMNS) - COLUMNS.index("skip_kind"))  # the skip and run columns
        for fr in _ranked(result):
            shared = _file_cells(fr)
            revision = [safe_cell(c) for c in _git_cells(fr, git)]
            for f in sort_findings(fr.findings):
                writer.writerow([*shared, *_finding_cells(f, result.types, reasons), *blank,
                                 *revision, *([safe_cell(f.value or "")] if show else [])])
            for s in fr.skips:
                writer.writerow(_skip_row(s.path, s.kind.value, s.reason, show, git, fr))
        for s in sorted(result.skips, key=lambda s: s.path):
            writer.writerow(_skip_row(s.path, s.kind.value, s.reason, show, git))
        for o in overdue(result):
            fr = o.file
            writer.writerow(_row(show, git, fr, record="overdue", path=fr.file.display,
                                 risk_level=fr.risk_level, risk_score=fr.risk_score,
                                 owner=fr.owner or "", flags=" ".join(fr.flags),
                                 item="age_days", detail=o.age_days))
        text.flush()
    finally:
        text.detach()  # ``out`` stays open: it is the caller's


def render(result: ScanResult) -> bytes:
    buffer = io.BytesIO()
    write(result, buffer)
    return buffer.getvalue()
