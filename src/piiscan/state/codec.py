"""FileResult <-> JSON for the incremental cache: the state's own storage format.

It is not the JSON report's format and does not borrow its code: a change to a report never
changes what the cache reads back. Bump ``CODEC_VERSION`` when the encoding changes; it is
part of the cache digest, so older entries are simply scanned again.

What goes in is what a report may show: masked values, masked snippets and keyed
fingerprints. ``Finding.value`` (``--show-values``) and the baseline fingerprint are never
encoded, so the state never holds a raw value whatever the flags.
"""

from __future__ import annotations

import json
import sys
from dataclasses import fields
from typing import Any

from piiscan.models import (
    Category,
    FileRef,
    FileResult,
    Finding,
    Level,
    Location,
    Reason,
    Skip,
    SkipKind,
)

CODEC_VERSION = 4  # 3: reasons stored once per list; 4: Finding.edm_row, names, addresses and
#                     birth dates fingerprinted by form

_LOCATION_FIELDS = tuple(f.name for f in fields(Location))
_LEVELS = {int(level): level for level in Level}
_CATEGORIES = {c.value: c for c in Category}


def encode_result(fr: FileResult) -> str:
    """Reasons are stored once per distinct list (``reasons``) and findings point at theirs
    by index: a table of a thousand rows has a handful of different reason lists."""
    reasons: dict[tuple[Reason, ...], int] = {}
    data = {
        "kind": fr.kind,
        "encoding": fr.encoding,
        "findings": [_encode_finding(f, reasons) for f in fr.findings],
        "reasons": [[[r.code, r.detail] for r in listed] for listed in reasons],
        "skips": [[s.path, s.reason, s.kind.value] for s in fr.skips],
        "notes": fr.notes,
        "inventory": fr.inventory,
        "below_threshold": fr.below_threshold,
        "elapsed": round(fr.elapsed, 6),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _encode_finding(f: Finding, reasons: dict[tuple[Reason, ...], int]) -> dict[str, Any]:
    loc = {name: getattr(f.location, name) for name in _LOCATION_FIELDS
           if getattr(f.location, name) not in (None, ())}
    return {
        "type": f.type, "rule": f.rule_id, "name": f.rule_name, "category": f.category.value,
        "severity": int(f.severity), "confidence": int(f.confidence),
        "reasons": reasons.setdefault(f.reasons, len(reasons)), "location": loc,
        "masked": f.masked_value, "snippet": f.masked_snippet, "fp": f.fingerprint,
        "hidden": f.hidden, "record": f.record, "suppressed_by": f.suppressed_by,
        "linked": f.linked, "edm_row": f.edm_row,
    }


def edm_row_needle(row_id: str) -> str:
    """What an encoded result holding a finding of this customer master row contains."""
    return '"edm_row":' + json.dumps(row_id, ensure_ascii=False)


def decode_result(text: str, ref: FileRef, stored_display: str) -> FileResult:
    """Rebuild a FileResult for ``ref``. Locations and skip paths recorded under another
    display path (the same file reached as ``share/a.txt`` and ``./share/a.txt``) are
    rewritten to the current one. Findings share their reason tuples and repeated strings,
    as a fresh scan's do, so a reused result holds no more memory than a new one."""
    data: dict[str, Any] = json.loads(text)
    paths: dict[str, str] = {}

    def path(p: str) -> str:
        known = paths.get(p)
        if known is None:
            known = paths[p] = p if stored_display == ref.display else _moved(p)
        return known

    def _moved(p: str) -> str:
        if p == stored_display or p.startswith(stored_display + "!"):
            return ref.display + p[len(stored_display):]
        return p

    reasons = [tuple(Reason(code, detail) for code, detail in listed)
               for listed in data["reasons"]]
    return FileResult(
        file=ref,
        kind=data["kind"],
        encoding=data["encoding"],
        findings=[_decode_finding(item, path, reasons) for item in data["findings"]],
        skips=[Skip(path(p), reason, SkipKind(kind)) for p, reason, kind in data["skips"]],
        notes=list(data["notes"]),
        inventory=list(data["inventory"]),
        below_threshold=int(data["below_threshold"]),
        elapsed=float(data["elapsed"]),
    )


def _decode_finding(item: dict[str, Any], path: Any,
                    reasons: list[tuple[Reason, ...]]) -> Finding:
    loc: dict[str, Any] = {key: tuple(value) if isinstance(value, list) else value
                           for key, value in item["location"].items()}
    loc["path"] = path(loc["path"])
    return Finding(
        type=sys.intern(item["type"]), rule_id=sys.intern(item["rule"]),
        rule_name=sys.intern(item["name"]), category=_CATEGORIES[item["category"]],
        severity=_LEVELS[item["severity"]], confidence=_LEVELS[item["confidence"]],
        reasons=reasons[item["reasons"]],
        location=Location(**loc), masked_value=item["masked"],
        masked_snippet=item["snippet"], fingerprint=item["fp"], hidden=item["hidden"],
        record=item["record"], suppressed_by=item["suppressed_by"], linked=item["linked"],
        edm_row=item.get("edm_row"))
