"""Which files a quarantine acts on: the files with personal data in a complete run of the
state, filtered by the file's risk level, the types it holds, and whether it is past the
retention period. Suppressed findings (inline ignores, baseline, allowlists, false-positive
verdicts) do not count: a file whose findings are all suppressed is never selected."""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field

from piiscan.errors import UsageError
from piiscan.pii_types import builtin_registry
from piiscan.quarantine.fileops import Seen
from piiscan.score import LEVELS
from piiscan.state.diff import PRESENT
from piiscan.state.store import FileRow, RunInfo, StateStore

OVERDUE = "retention_overdue"


@dataclass(frozen=True)
class Criteria:
    min_level: str = "high"
    types: frozenset[str] = frozenset()
    overdue: bool = False

    def describe(self) -> str:
        parts = [f"level {self.min_level} and above"]
        if self.types:
            parts.append("holding " + " or ".join(sorted(self.types)))
        if self.overdue:
            parts.append("past the retention period")
        return ", ".join(parts)


@dataclass(frozen=True)
class Candidate:
    row: FileRow
    base: str  # the folder the scan root names (a file given as a root: its folder)
    rel: str  # '/'-separated path below base
    types: dict[str, int] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return self.row.abspath or self.row.path

    @property
    def seen(self) -> Seen:
        return Seen(self.row.size, self.row.mtime, self.row.inode, self.row.content)


def split_root(abspath: str, roots: list[str]) -> tuple[str, str] | None:
    """(base, relative path) of a file under one of the run's roots, the deepest root
    first; None when it is under none."""
    for root in sorted(roots, key=len, reverse=True):
        if abspath == root:
            return os.path.dirname(root), os.path.basename(root)
        prefix = root.rstrip(os.sep) + os.sep
        if abspath.startswith(prefix):
            return root, abspath[len(prefix):].replace(os.sep, "/")
    return None


def check_types(store: StateStore, run: RunInfo, types: frozenset[str]) -> None:
    known = set(builtin_registry()) | {r.type for r in store.findings(run.id)}
    unknown = sorted(types - known)
    if unknown:
        raise UsageError(f"--type {unknown[0]}: unknown type (known: "
                         f"{', '.join(sorted(known))})")


def select(store: StateStore, run: RunInfo, criteria: Criteria) -> list[Candidate]:
    present: dict[str, Counter[str]] = {}
    for finding in store.findings(run.id):
        if finding.suppressed_by in PRESENT:
            present.setdefault(finding.path, Counter())[finding.type] += 1
    floor = LEVELS.index(criteria.min_level)
    out = []
    for row in store.files(run.id):
        types = present.get(row.path)
        if not types or LEVELS.index(row.risk_level) < floor:
            continue
        if criteria.types and not criteria.types & set(types):
            continue
        if criteria.overdue and OVERDUE not in row.flags:
            continue
        where = split_root(row.abspath, run.roots) if row.abspath else None
        base, rel = where if where else ("", "")
        out.append(Candidate(row, base, rel, dict(sorted(types.items()))))
    return out
