"""Read a saved JSON report back into a ScanResult, for ``piiscan report`` (re-rendering
without rescanning). The inverse of ``report.json.to_dict``: rendering a loaded report as
JSON gives the saved report back.

The file is checked against ``piiscan-report.schema.json`` first, so a wrong or damaged file gets
a clear message instead of a traceback. Unmasked values in the file are dropped unless the
caller asks to keep them.
"""

from __future__ import annotations

import json
import stat
from functools import lru_cache
from pathlib import Path
from typing import Any

from piiscan.errors import UsageError
from piiscan.models import (
    Category,
    FileRef,
    FileResult,
    Finding,
    Level,
    Location,
    Reason,
    Revision,
    RuleInfo,
    ScanResult,
    Skip,
    SkipKind,
)
from piiscan.pii_types import PiiType, builtin_registry
from piiscan.report.record import record_from_dict


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    text = (Path(__file__).resolve().parent / "piiscan-report.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def validate(data: Any, source: str = "report") -> None:
    """Raise UsageError naming the first place where ``data`` breaks the report schema."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema())
    error = next(iter(sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))),
                 None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise UsageError(f"{source} is not a piiscan JSON report: at {where}: {error.message}")


def load_report(path: str, keep_values: bool = False) -> ScanResult:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}; give a JSON report "
                         "a scan wrote (`piiscan scan ... -o result.json`)") from None
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if raw.lstrip().startswith(b'{"type":"header","schema":"piiscan-report-jsonl"'):
            raise UsageError(f"{path} is a JSON Lines report, which is not re-rendered: save "
                             "a JSON report with `piiscan scan ... -o result.json`") from None
        raise UsageError(f"{path} is not a JSON file: {exc}") from None
    return from_dict(data, keep_values=keep_values, source=path)


def from_dict(data: Any, keep_values: bool = False, source: str = "report") -> ScanResult:
    validate(data, source)
    scan = data["scan"]
    summary = data["summary"]
    settings = dict(scan["settings"])
    if not keep_values:
        settings["show_values"] = False
    return ScanResult(
        roots=list(scan["roots"]),
        started=scan["started"],
        finished=scan["finished"],
        files=[_file(f, keep_values) for f in data["files"]],
        skips=[_skip(s) for s in data["skipped"]],
        excluded=summary["excluded"],
        complete=scan["complete"],
        rules_digest=scan["rules_digest"],
        settings=settings,
        low_confidence_hidden=summary["below_threshold"],
        suppressed=dict(summary["suppressed"]),
        rules={r["id"]: _rule(r) for r in data.get("rules", ())},
        types=builtin_registry().with_types(PiiType.from_dict(t) for t in data.get("types", ())),
        record=record_from_dict(scan["record"]) if "record" in scan else None,
    )


def _rule(d: dict[str, Any]) -> RuleInfo:
    return RuleInfo(d["id"], d["name"], d["type"], Category(d["category"]),
                    Level.parse(d["severity"]), d.get("description", ""))


def _reason(d: dict[str, Any] | str) -> Reason:
    if isinstance(d, str):  # a report from a piiscan that wrote reasons as words
        return Reason("text", d)
    return Reason(d["code"], d.get("detail", ""))


def _location(d: dict[str, Any]) -> Location:
    return Location(
        path=d["path"], members=tuple(d.get("members", ())), page=d.get("page"),
        sheet=d.get("sheet"), cell=d.get("cell"), slide=d.get("slide"),
        paragraph=d.get("paragraph"), part=d.get("part"), row=d.get("row"), line=d.get("line"),
        column=d.get("column"))


def _finding(d: dict[str, Any], keep_values: bool) -> Finding:
    return Finding(
        type=d["type"], rule_id=d["rule_id"], rule_name=d["rule_name"],
        category=Category(d["category"]), severity=Level.parse(d["severity"]),
        confidence=Level.parse(d["confidence"]),
        reasons=tuple(_reason(r) for r in d["reasons"]),
        location=_location(d["location"]), masked_value=d["masked_value"],
        masked_snippet=d["masked_snippet"], fingerprint=d["fingerprint"],
        value=d.get("value") if keep_values else None, hidden=d["hidden"],
        suppressed_by=d.get("suppressed_by"), linked=d.get("linked"), edm_row=d.get("edm_row"))


def _skip(d: dict[str, Any]) -> Skip:
    return Skip(d["path"], d["reason"], SkipKind(d["kind"]))


def _file(d: dict[str, Any], keep_values: bool) -> FileResult:
    mode = d.get("mode")
    git = d.get("git")
    revision = (Revision(git["commit"], git["date"], git["path"], git.get("author"))
                if git else None)
    ref = FileRef(path=d["path"], display=d["path"], size=d["size"], mtime=d["modified"],
                  mode=stat.S_IFREG | int(mode, 8) if mode else 0,
                  version=git["blob"] if git else None, revision=revision)
    risk = d["risk"]
    return FileResult(
        file=ref, encoding=d["encoding"], kind=d["kind"],
        findings=[_finding(f, keep_values) for f in d["findings"]],
        skips=[_skip(s) for s in d["skips"]], notes=list(d["notes"]),
        risk_score=risk["score"], risk_level=risk["level"], risk_reasons=list(risk["reasons"]),
        triggers=list(d["triggers"]), people_estimate=d["people_estimate"],
        below_threshold=d["below_threshold"], suppressed=d["suppressed"],
        inventory=list(d["inventory"]), owner=d.get("owner"), group=d.get("group"),
        flags=list(d.get("flags", [])))
