"""FileResult <-> JSON for the incremental cache, in the JSON report's own vocabulary.

What goes in is exactly what a report may show: masked values, masked snippets and keyed
fingerprints. ``Finding.value`` (set by ``--show-values``) is dropped before encoding, so
the state never holds a raw value whatever the flags.
"""

from __future__ import annotations

import json
from dataclasses import fields, replace
from typing import Any

from piiscan.models import Category, FileRef, FileResult, Finding, Level, Location, Skip, SkipKind
from piiscan.report.json import finding_dict, skip_dict

_LOCATION_FIELDS = frozenset(f.name for f in fields(Location))
_FINDING_FIELDS = frozenset(f.name for f in fields(Finding))
# Bump when the encoding changes: it is part of the cache digest (session.cache_digest).
CODEC_VERSION = 1


def encode_result(fr: FileResult) -> str:
    findings = []
    for f in fr.findings:
        item = finding_dict(replace(f, value=None))
        item.pop("value", None)  # belt and braces: never a raw value in the state
        item["location"].pop("display", None)
        item.pop("category_en", None)
        if f.record is not None:
            item["record"] = f.record
        findings.append(item)
    data = {
        "kind": fr.kind,
        "encoding": fr.encoding,
        "findings": findings,
        "skips": [skip_dict(s) for s in fr.skips],
        "notes": fr.notes,
        "inventory": fr.inventory,
        "below_threshold": fr.below_threshold,
        "elapsed": round(fr.elapsed, 6),
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode_result(text: str, ref: FileRef, stored_display: str) -> FileResult:
    """Rebuild a FileResult for ``ref``. Locations and skip paths recorded under another
    display path (the same file reached as ``share/a.txt`` and ``./share/a.txt``) are
    rewritten to the current one."""
    data: dict[str, Any] = json.loads(text)

    def path(p: str) -> str:
        if stored_display == ref.display:
            return p
        if p == stored_display or p.startswith(stored_display + "!"):
            return ref.display + p[len(stored_display):]
        return p

    return FileResult(
        file=ref,
        kind=data["kind"],
        encoding=data["encoding"],
        findings=[_finding(item, path) for item in data["findings"]],
        skips=[Skip(path(s["path"]), s["reason"], SkipKind(s["kind"])) for s in data["skips"]],
        notes=list(data["notes"]),
        inventory=list(data["inventory"]),
        below_threshold=int(data["below_threshold"]),
        elapsed=float(data["elapsed"]),
    )


def _finding(item: dict[str, Any], path: Any) -> Finding:
    loc = item["location"]
    location = Location(**{  # type: ignore[arg-type]
        key: (tuple(value) if isinstance(value, list) else value)
        for key, value in loc.items() if key in _LOCATION_FIELDS})
    location = replace(location, path=path(location.path))
    special: dict[str, Any] = {
        "category": Category(item["category"]),
        "severity": Level.parse(item["severity"]),
        "confidence": Level.parse(item["confidence"]),
        "location": location,
        "value": None,
    }
    # Every other field the report writes under its own name (new fields included).
    plain: dict[str, Any] = {
        key: (tuple(value) if isinstance(value, list) else value)
        for key, value in item.items() if key in _FINDING_FIELDS and key not in special}
    return Finding(**special, **plain)
