"""What changed between two runs: findings new and resolved, by (path, type, fingerprint).

Line numbers play no part: a finding that moved down a file is neither new nor resolved.
A finding of the older run in a file the newer run could not read is not "resolved": it is
listed as unchecked.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from piiscan.pii_types import TypeRegistry, builtin_registry
from piiscan.state.store import FindingRow, RunInfo, StateError, StateStore

# Findings that count as present in a run: active ones, and those --new-only hid because an
# earlier run had them. Inline, baseline and allowlist suppressions do not count.
PRESENT = (None, "previous-run")


@dataclass
class RunDiff:
    old: RunInfo
    new: RunInfo
    added: list[FindingRow] = field(default_factory=list)
    resolved: list[FindingRow] = field(default_factory=list)
    unchecked: list[FindingRow] = field(default_factory=list)

    @property
    def paths(self) -> list[str]:
        return sorted({r.path for r in (*self.added, *self.resolved)})


def present(rows: list[FindingRow]) -> dict[tuple[str, str, str], FindingRow]:
    out: dict[tuple[str, str, str], FindingRow] = {}
    for row in rows:
        if row.suppressed_by in PRESENT:
            out.setdefault(row.identity, row)
    return out


def compute(store: StateStore, run_id: int | None = None) -> RunDiff:
    """Diff run ``run_id`` (default: the latest complete run) against the complete run
    before it over the same roots."""
    if run_id is None:
        new = next((r for r in store.runs() if r.complete), None)
        if new is None:
            raise StateError(f"{store.path}: no complete run recorded yet")
    else:
        found = store.run(run_id)
        if found is None:
            raise StateError(f"{store.path}: no run {run_id} (`piiscan history` lists the "
                             "runs)")
        new = found
    old = store.previous_complete_run(new.roots, before=new.id)
    if old is None:
        raise StateError(f"{store.path}: run {new.id} has no earlier complete run over the "
                         f"same paths to compare with")
    before, after = present(store.findings(old.id)), present(store.findings(new.id))
    diff = RunDiff(old, new)
    diff.added = [row for key, row in after.items() if key not in before]
    unreadable = set(new.unreadable)
    for key, row in before.items():
        if key in after:
            continue
        (diff.unchecked if row.path in unreadable else diff.resolved).append(row)
    return diff


def to_dict(diff: RunDiff, new_only: bool = False) -> dict[str, Any]:
    def rows(items: list[FindingRow]) -> list[dict[str, Any]]:
        return [{"path": r.path, "type": r.type, "rule_id": r.rule_id, "severity": r.severity,
                 "masked_value": r.masked_value, "location": r.location,
                 "fingerprint": r.fingerprint} for r in items]

    out: dict[str, Any] = {
        "schema": "piiscan-diff",
        "version": 1,
        "old_run": {"id": diff.old.id, "started": diff.old.started},
        "new_run": {"id": diff.new.id, "started": diff.new.started},
        "new": rows(diff.added),
    }
    if not new_only:
        out["resolved"] = rows(diff.resolved)
        out["unchecked"] = rows(diff.unchecked)
    return out


def render_text(diff: RunDiff, new_only: bool = False,
                types: TypeRegistry | None = None) -> str:
    """The diff for people; type names from ``types`` (the rules' registry, so a user
    rule's own type is named too), else the built-in ones."""
    types = types if types is not None else builtin_registry()
    lines = [f"piiscan diff: run {diff.old.id} ({diff.old.started}) -> run {diff.new.id} "
             f"({diff.new.started})"]
    sections = [("+", "new", diff.added)]
    if not new_only:
        sections += [("-", "resolved", diff.resolved),
                     ("?", "unchecked (file could not be read this time)", diff.unchecked)]
    for mark, title, items in sections:
        if not items:
            continue
        by_path: dict[str, list[FindingRow]] = defaultdict(list)
        for row in items:
            by_path[row.path].append(row)
        lines.append(f"{title}: {len(items)}")
        for path in sorted(by_path):
            lines.append(f"{mark} {path}")
            for row in sorted(by_path[path], key=lambda r: (r.location, r.type)):
                lines.append(f"    {row.location}  {types.label(row.type)}  {row.masked_value}")
    summary = f"{len(diff.added)} new"
    if not new_only:
        summary += f", {len(diff.resolved)} resolved"
        if diff.unchecked:
            summary += f", {len(diff.unchecked)} unchecked"
    lines.append(f"piiscan: {summary}")
    return "\n".join(lines) + "\n"


def render_json(diff: RunDiff, new_only: bool = False) -> bytes:
    return (json.dumps(to_dict(diff, new_only), ensure_ascii=False, indent=2) + "\n").encode()
