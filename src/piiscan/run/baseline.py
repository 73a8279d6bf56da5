"""Matching findings against a baseline (``.piiscan-baseline.json``), for one run.

The per-file scan gives each finding of a file that has baseline entries its baseline
fingerprint (``Finding.baseline_fingerprint``, from ``Baseline.hasher``); here those are
looked up in the baseline's entries, in the parent process and in walk order. In ``collect``
mode (``baseline create``/``update``) every finding is fingerprinted and collected instead.
"""

from __future__ import annotations

import os
from dataclasses import replace

from piiscan.mask import BaselineHasher
from piiscan.models import FileResult
from piiscan.state.baseline import Baseline, Entry
from piiscan.suppress import BASELINE


class BaselineMatcher:
    def __init__(self, baseline: Baseline, collect: bool = False) -> None:
        self.baseline = baseline
        self.collect = collect
        self._index: dict[tuple[str, str], dict[str, Entry]] = {}
        for e in baseline.entries:
            self._index.setdefault((e.path, e.type), {})[e.fingerprint] = e
        self._paths = {e.path for e in baseline.entries}
        self.matched: set[Entry] = set()
        self.found: dict[tuple[str, str, str], Entry] = {}  # (display, type, run fp) -> entry

    def hasher(self) -> BaselineHasher:
        """What the per-file scan needs to fingerprint values for this baseline."""
        return self.baseline.hasher(None if self.collect else self.baseline.targets())

    def has_entries(self, path: str) -> bool:
        return self.baseline.relative(path) in self._paths

    def apply(self, result: FileResult) -> None:
        """Label the findings the baseline holds (or, collecting, record every finding)."""
        out = []
        # A file read from elsewhere (a git blob) is known to the baseline by the path it
        # has in the work tree; its display path names the commit too.
        own_path = result.file.path if result.file.origin is not None else None
        for f in result.findings:
            fp = f.baseline_fingerprint
            if fp is None or f.suppressed_by is not None:
                out.append(f)
                continue
            rel = self.baseline.relative(own_path or f.location.path)
            if self.collect:
                self.found[(f.location.path, f.type, f.fingerprint)] = Entry(
                    rel, f.type, f.rule_id, fp)
                out.append(f)
                continue
            entry = self._index.get((rel, f.type), {}).get(fp)
            if entry is None:
                out.append(f)
            else:
                self.matched.add(entry)
                out.append(replace(f, suppressed_by=BASELINE))
        result.findings = out

    def stale(self, scanned: set[str], roots: list[str], unreadable: set[str]) -> list[Entry]:
        """Entries for files this run read completely, or for files under a scanned folder
        that no longer exist, that matched nothing."""
        scanned_rel = {self.baseline.relative(p) for p in scanned}
        unreadable_rel = {self.baseline.relative(p) for p in unreadable}
        folders = [self.baseline.relative(r).rstrip("/") + "/" for r in roots
                   if os.path.isdir(r)]
        out = []
        for e in self.baseline.entries:
            if e in self.matched or e.path in unreadable_rel:
                continue
            gone = (any(e.path.startswith(f) or f == "./" for f in folders)
                    and not (self.baseline.root / e.path).exists())
            if e.path in scanned_rel or gone:
                out.append(e)
        return sorted(out)
