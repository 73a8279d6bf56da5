"""Machine-readable report (docs/report-json.md; schema: piiscan-report.schema.json beside this).

Key order is fixed and files and findings are sorted, so two scans of the same files give
byte-identical reports apart from the timestamps.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any, BinaryIO

from piiscan import __version__
from piiscan.explain import describe
from piiscan.models import (
    FileRef,
    FileResult,
    Finding,
    Level,
    Location,
    Reason,
    RuleInfo,
    ScanResult,
    Skip,
)
from piiscan.report.jsontext import dumps
from piiscan.report.record import overdue_dict, record_dict
from piiscan.score import assess_scan, file_mode_text, tally

SCHEMA_VERSION = 1


_LEVEL_NAMES = {level: str(level) for level in Level}  # str() of an enum is a Python call


def location_dict(loc: Location) -> dict[str, Any]:
    out: dict[str, Any] = {"path": loc.path}
    for key in ("members", "page", "sheet", "cell", "slide", "paragraph", "part", "row",
                "line", "column"):
        value = getattr(loc, key)
        if value not in (None, ()):
            out[key] = list(value) if isinstance(value, tuple) else value
    out["display"] = loc.render()
    return out


def finding_dict(f: Finding) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": f.type,
        "rule_id": f.rule_id,
        "rule_name": f.rule_name,
        "category": f.category.value,
        "category_en": f.category.english,
        "severity": _LEVEL_NAMES[f.severity],
        "confidence": _LEVEL_NAMES[f.confidence],
        "reasons": _reasons(f.reasons),
        "location": location_dict(f.location),
        "masked_value": f.masked_value,
        "masked_snippet": f.masked_snippet,
        "fingerprint": f.fingerprint,
        "hidden": f.hidden,
    }
    if f.linked is not None:
        out["linked"] = f.linked
    if f.edm_row is not None:
        out["edm_row"] = f.edm_row
    if f.suppressed_by:
        out["suppressed_by"] = f.suppressed_by
    if f.value is not None:
        out["value"] = f.value
    return out


def reason_dict(r: Reason) -> dict[str, str]:
    """``code`` and ``detail`` for machines (docs/report-json.md lists the codes), ``text``
    for people."""
    return {"code": r.code, "detail": r.detail, "text": describe(r)}


@lru_cache(maxsize=4096)
def _reasons(reasons: tuple[Reason, ...]) -> list[dict[str, str]]:
    """A table's findings share a few sets of reasons (``column '電話番号'``): each set is
    phrased once. The lists are only read by the encoder, never changed."""
    return [reason_dict(r) for r in reasons]


def rule_dict(r: RuleInfo) -> dict[str, Any]:
    return {"id": r.id, "name": r.name, "type": r.type, "category": r.category.value,
            "severity": str(r.severity), "description": r.description}


def skip_dict(s: Skip) -> dict[str, Any]:
    return {"path": s.path, "reason": s.reason, "kind": s.kind.value}


def revision_dict(ref: FileRef) -> dict[str, str] | None:
    """A file version from a git history: the commit that added it, its date, the path in
    the repository and the blob id; the author only when the run was asked for it."""
    rev = ref.revision
    if rev is None:
        return None
    out = {"commit": rev.commit, "date": rev.date, "path": rev.path, "blob": ref.version or ""}
    if rev.author is not None:
        out["author"] = rev.author
    return out


def file_dict(fr: FileResult, findings: list[Any] | None = None,
              ordered: list[Finding] | None = None) -> dict[str, Any]:
    """A file's entry (``findings``: what to put under "findings" instead of them;
    ``ordered``: the file's findings already sorted)."""
    if ordered is None:
        ordered = sort_findings(fr.findings)  # read once: they may be on disk (run.spill)
    counts = Counter(f.type for f in ordered if f.suppressed_by is None)
    out: dict[str, Any] = {
        "path": fr.file.display,
        "kind": fr.kind,
        "encoding": fr.encoding,
        "size": fr.file.size,
        "modified": fr.file.mtime,
        "risk": {"score": fr.risk_score, "level": fr.risk_level, "reasons": fr.risk_reasons},
        "people_estimate": fr.people_estimate,
        "triggers": fr.triggers,
        "counts": dict(sorted(counts.items())),
        "findings": ([finding_dict(f) for f in ordered] if findings is None else findings),
        "below_threshold": fr.below_threshold,
        "suppressed": fr.suppressed,
        "skips": [skip_dict(s) for s in fr.skips],
        "notes": fr.notes,
        "inventory": fr.inventory,
        "owner": fr.owner,
        "group": fr.group,
        "mode": file_mode_text(fr.file.mode),
        "flags": fr.flags,
    }
    git = revision_dict(fr.file)
    if git is not None:
        out["git"] = git
    return out


def finding_order(f: Finding) -> tuple[Any, ...]:
    """Where a finding sits in its file, front to back: the order reports list them in."""
    loc = f.location
    return (loc.members, loc.sheet or "", loc.page or 0, loc.slide or 0, loc.row or 0,
            loc.paragraph or 0, loc.line or 0, loc.cell or "", loc.column or 0,
            loc.part or "", f.type)


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(findings, key=finding_order)


def summary_dict(result: ScanResult) -> dict[str, Any]:
    counts = tally(result)
    by_type, by_category = counts.by_type, counts.by_category
    levels = Counter(fr.risk_level for fr in result.files)
    suppressed = Counter(result.suppressed)
    skips = result.all_skips()
    scan = assess_scan(result)
    return {
        "files_scanned": len(result.files),
        "files_with_findings": sum(1 for fr in result.files if fr.risk_level != "none"),
        "findings": sum(by_type.values()),
        "by_type": dict(sorted(by_type.items())),
        "by_category": dict(sorted(by_category.items())),
        "risk_levels": {lvl: levels.get(lvl, 0) for lvl in ("critical", "high", "medium",
                                                            "low", "none")},
        "skipped": len(skips),
        "unreadable": sum(1 for s in skips if s.kind.value == "error"),
        "excluded": result.excluded,
        "below_threshold": result.low_confidence_hidden,
        "suppressed": dict(sorted(suppressed.items())),
        "people": {"estimate": scan.people_estimate, "upper_bound": scan.people_upper_bound,
                   "my_number": scan.my_number_people},
        "triggers": scan.triggers,
        "trigger_files": scan.trigger_files,
        "reportable_files": scan.reportable_files,
        "flag_files": scan.flag_files,
    }


def scan_dict(result: ScanResult) -> dict[str, Any]:
    """How the run went and its run record (JSON and JSONL reports)."""
    out: dict[str, Any] = {
        "roots": result.roots,
        "started": result.started,
        "finished": result.finished,
        "complete": result.complete,
        "rules_digest": result.rules_digest,
        "settings": result.settings,
    }
    if result.record is not None:
        out["record"] = record_dict(result.record)
    return out


def to_dict(result: ScanResult, files: list[Any] | None = None) -> dict[str, Any]:
    """The report as one dict (``files``: what to put under "files" instead of them)."""
    if files is None:
        files = [file_dict(fr) for fr in sorted(result.files, key=lambda fr: fr.file.display)]
    counts = tally(result)
    used_rules, used_types = sorted(counts.rule_ids), counts.types
    return {
        "schema": "piiscan-report",
        "version": SCHEMA_VERSION,
        "tool": {"name": "piiscan", "version": __version__},
        "scan": scan_dict(result),
        "summary": summary_dict(result),
        "files": files,
        "skipped": [skip_dict(s) for s in result.skips],
        "retention": overdue_dict(result),
        # What the findings' rules and types are, so a report re-rendered later (piiscan
        # report) describes them without the rule files -- user rules and types included.
        "rules": [rule_dict(result.rules[r]) for r in used_rules if r in result.rules],
        "types": [t.as_dict() for t in result.types.only(used_types).values()],
    }


_MARK = "\x00piiscan-files\x00"  # stands for the files while the rest is laid out


def write(result: ScanResult, out: BinaryIO) -> None:
    """The report, written file by file: the same bytes as ``json.dumps`` of ``to_dict``
    with two-space indents, without ever holding more than one file's entry."""
    files = sorted(result.files, key=lambda fr: fr.file.display)
    if not files:
        out.write(dumps(to_dict(result, [])) + b"\n")
        return
    head, tail = dumps(to_dict(result, [_MARK])).split(dumps(_MARK), 1)
    out.write(head)
    for index, fr in enumerate(files):
        out.write(b",\n    " if index else b"")
        _write_file(fr, out)
    out.write(tail + b"\n")


FINDINGS_AT_ONCE = 1_000  # a file's findings are laid out this many at a time


def in_pieces(fr: FileResult) -> list[Finding] | None:
    """A file whose findings are laid out a thousand at a time (JSON and JSON Lines), so
    that a file with a hundred thousand is never one huge string in memory: its findings,
    sorted; None for a file small enough to lay out at once."""
    return sort_findings(fr.findings) if len(fr.findings) > FINDINGS_AT_ONCE else None


def finding_batches(ordered: list[Finding]) -> Iterator[list[dict[str, Any]]]:
    """``ordered`` as report entries, FINDINGS_AT_ONCE at a time."""
    for start in range(0, len(ordered), FINDINGS_AT_ONCE):
        yield [finding_dict(f) for f in ordered[start:start + FINDINGS_AT_ONCE]]


def _write_file(fr: FileResult, out: BinaryIO) -> None:
    """One file's entry, indented as in the whole report."""
    ordered = in_pieces(fr)
    if ordered is None:
        out.write(dumps(file_dict(fr)).replace(b"\n", b"\n    "))  # strings hold no newline
        return
    head, tail = dumps(file_dict(fr, [_MARK], ordered)).replace(b"\n", b"\n    ").split(
        dumps(_MARK), 1)
    out.write(head)
    for index, batch in enumerate(finding_batches(ordered)):
        laid = dumps(batch)[1:-1].strip(b"\n").lstrip(b" ").replace(b"\n", b"\n      ")
        out.write((b",\n        " if index else b"") + laid)
    out.write(tail)


def render(result: ScanResult) -> bytes:
    buffer = io.BytesIO()
    write(result, buffer)
    return buffer.getvalue()
