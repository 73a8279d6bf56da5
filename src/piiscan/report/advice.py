"""What a person should do next, in words: the short report a blocked commit shows, and the
steps printed after a scan at a terminal.

A blocked commit gets a screenful, not a report: the findings that block it (where, what,
masked), then the ways out (remove or mask; ``piiscan:ignore`` or ``allow_paths``; a
baseline; ``SKIP=piiscan`` for one commit). Advice about baselines, which live in a
repository, is given only where there is one: the hook, or a scan inside a git work tree.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterator
from itertools import islice
from pathlib import Path

from piiscan.models import FileResult, Finding, Level, ScanResult
from piiscan.report.json import sort_findings
from piiscan.report.summary import summary_line
from piiscan.score import active_counts

HOOK_FINDINGS = 10  # finding lines a blocked commit shows; the rest are counted
HOOK_SKIPS = 5
BASELINE_FILE = ".piiscan-baseline.json"


def failing(result: ScanResult, fail_on: Level) -> list[FileResult]:
    """The files with a finding that fails the run, riskiest first: told from each file's
    counts, without reading its findings back (they may be on disk: run.spill)."""
    def fails(fr: FileResult) -> bool:
        worst = active_counts(fr).worst
        return worst is not None and worst >= fail_on

    return sorted(filter(fails, result.files),
                  key=lambda fr: (-fr.risk_score, fr.file.display))


def blocking(files: list[FileResult], fail_on: Level) -> Iterator[Finding]:
    """Every finding of these files that fails the run, in their order, each file's in
    file order; a file's findings are read when they are reached."""
    for fr in files:
        for f in sort_findings(fr.findings):
            if f.suppressed_by is None and f.severity >= fail_on:
                yield f


GUARD_FILES = (".pre-commit-config.yaml", ".piiscan.toml", BASELINE_FILE)


def guards_a_repository(paths: list[str] | tuple[str, ...]) -> bool:
    """Does piiscan guard the git work tree around the first scanned path: a pre-commit
    configuration, a .piiscan.toml or a baseline at its root, or a CI run? Only there is a
    baseline to commit worth suggesting; a share (or the demo folder in piiscan's own
    clone) gets no such advice."""
    start = Path(paths[0] if paths else ".").absolute()
    root = next((f for f in (start, *start.parents) if (f / ".git").exists()), None)
    if root is None:
        return False
    return bool(os.environ.get("CI")) or any((root / name).is_file() for name in GUARD_FILES)


def _files_arg(files: list[str]) -> str:
    shown = " ".join(shlex.quote(p) for p in files[:5])
    return shown + (" ..." if len(files) > 5 else "")


def ways_out(files: list[str], example_type: str, *, hook: bool, repository: bool,
             has_baseline: bool) -> list[str]:
    """The numbered ways out, one line each."""
    lines = [
        "  1. Remove it, or replace it with masked or synthetic values (test data too)."
        if repository else
        "  1. Delete what is not needed; move the rest somewhere access-controlled, or mask it.",
        f"  2. Not personal data, or it must stay: end the line with `piiscan:ignore[{example_type}]`,"
        " or add the path to allow_paths in .piiscan.toml.",
    ]
    if repository:
        command = f"update {_files_arg(files)}" if has_baseline else "create"
        lines.append(f"  3. Accept what is there now: `piiscan baseline {command}`, then commit "
                     f"{BASELINE_FILE} (keyed fingerprints, no values).")
    if hook:
        lines.append("  4. Skip this check for one commit, knowingly: SKIP=piiscan git commit ...")
    return lines


def next_steps(result: ScanResult, fail_on: Level, *, repository: bool,
               has_baseline: bool) -> str:
    """After a terminal scan with findings at or above ``fail_on``."""
    files = failing(result, fail_on)
    first = next(blocking(files[:1], fail_on), None)
    example = first.type if first else "PHONE"
    paths = sorted({fr.file.display for fr in files})
    lines = [f"piiscan found personal data (個人情報) in {len(paths)} file(s). What to do next:",
             *ways_out(paths, example, hook=False, repository=repository,
                       has_baseline=has_baseline)]
    return "\n".join(lines)


def hook_report(result: ScanResult, fail_on: Level, *, has_baseline: bool) -> str:
    """What a pre-commit run prints: a screenful, ending with the summary line."""
    files = failing(result, fail_on)
    unreadable = result.unreadable()
    lines: list[str] = []
    if files:
        paths = sorted({fr.file.display for fr in files})
        found = blocking(files, fail_on)
        shown = list(islice(found, HOOK_FINDINGS))
        more = sum(1 for _ in found)
        lines.append(f"piiscan: personal data (個人情報) in {len(paths)} file(s): commit blocked")
        for f in shown:
            lines.append(f"  {f.location.render()}  {result.types.label(f.type)}  {f.masked_value}  "
                         f"[{f.confidence}]")
        if more:
            lines.append(f"  ... and {more} more (piiscan scan "
                         f"{_files_arg(paths)} lists them all)")
        lines.append("To commit, one of:")
        lines += ways_out(paths, shown[0].type, hook=True, repository=True,
                          has_baseline=has_baseline)
    if unreadable:
        lines.append(f"piiscan: {len(unreadable)} file(s) could not be read:")
        lines += [f"  {s.path}: {s.reason}" for s in unreadable[:HOOK_SKIPS]]
        if len(unreadable) > HOOK_SKIPS:
            lines.append(f"  ... and {len(unreadable) - HOOK_SKIPS} more")
    lines.append(summary_line(result))
    return "\n".join(lines) + "\n"
