"""Suppressions: inline ``piiscan:ignore`` comments, path and value allowlists, triage
verdicts, --no-ignore.

A suppressed finding is kept, labelled (``Finding.suppressed_by``) and counted; it just does
not fail the run or raise the file's risk. ``--no-ignore`` turns every suppression off for an
audit and labels what would have hidden each finding.

Inline syntax, on the same line as the value::

    090-1234-5678  # piiscan:ignore                 every finding on this line
    090-1234-5678  # piiscan:ignore[PHONE]          only these types
    090-1234-5678  # piiscan:ignore PHONE,EMAIL     the same, without brackets

A triage verdict (``piiscan triage``, kept in the state by keyed fingerprint) labels every
finding of that value: ``false-positive`` suppresses it like an allowlist entry (counted as
its own kind), ``confirmed`` and ``accepted-risk`` leave it active with the verdict among its
reasons.

The ignore file is the input an attacker most wants to write, which is why suppressed counts
always appear in the summary and ``--no-ignore`` exists.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from piiscan.models import FileResult, Finding, Reason

if TYPE_CHECKING:
    import pathspec

    from piiscan.mask import Fingerprinter

MARKER = "piiscan:ignore"
_INLINE = re.compile(
    r"piiscan:ignore(?:\[(?P<bracket>[^\]\n]*)\]|[ \t]+(?P<names>[A-Z][A-Z0-9_]*"
    r"(?:[ \t]*,[ \t]*[A-Z][A-Z0-9_]*)*)(?![A-Za-z0-9_]))?"
)

INLINE = "inline"
BASELINE = "baseline"
ALLOWLIST = "allowlist"
PREVIOUS_RUN = "previous-run"  # --new-only: present in the previous run
FALSE_POSITIVE = "false-positive"  # a triage verdict


def inline_types(line: str) -> set[str] | None:
    """The types a line's ``piiscan:ignore`` covers: ``None`` when it has no marker, an
    empty set when it covers every type."""
    found: set[str] | None = None
    for m in _INLINE.finditer(line):
        names = m.group("bracket") if m.group("bracket") is not None else m.group("names")
        if names is None or not names.strip():
            return set()
        found = (found or set()) | {n.strip().upper() for n in names.split(",") if n.strip()}
    return found


def inline_ignored(text: str, start: int, end: int, value_type: str) -> bool:
    """True when the line holding ``text[start:end]`` has a marker covering ``value_type``."""
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    line = text[lo : hi if hi != -1 else len(text)]
    if MARKER not in line:
        return False
    types = inline_types(line)
    return types is not None and (not types or value_type in types)


def _path_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec | None:
    if not patterns:
        return None
    import pathspec

    return pathspec.GitIgnoreSpec.from_lines(patterns)


@dataclass
class Suppressor:
    """Applies allowlists and the audit switch to a file's findings (after the cache: the
    inline and baseline labels are set while scanning, where the line text and the value
    are at hand)."""

    no_ignore: bool = False
    path_spec: pathspec.GitIgnoreSpec | None = None
    allow_paths: tuple[str, ...] = ()  # what path_spec was compiled from
    root: str = "."
    value_fingerprints: frozenset[str] = frozenset()
    previous: frozenset[tuple[str, str, str]] | None = None
    verdicts: Mapping[str, str] = field(default_factory=dict)  # fingerprint -> verdict
    audited: Counter[str] = field(default_factory=Counter)

    @classmethod
    def build(cls, *, no_ignore: bool = False, allow_paths: Iterable[str] = (),
              allow_values: Iterable[str] = (), root: str = ".",
              fingerprint: Fingerprinter | None = None, types: Iterable[str] = (),
              previous: frozenset[tuple[str, str, str]] | None = None,
              verdicts: Mapping[str, str] | None = None) -> Suppressor:
        patterns = tuple(p for p in allow_paths if p.strip())
        values = list(allow_values)
        fps: set[str] = set()
        if values and fingerprint is not None:
            # Fingerprints under this run's key, for every type: the raw allowlisted values
            # are compared without being kept beside any finding.
            fps = {fingerprint(t, v) for t in set(types) for v in values}
        return cls(no_ignore=no_ignore, path_spec=_path_spec(patterns),
                   allow_paths=patterns, root=os.path.abspath(root),
                   value_fingerprints=frozenset(fps), previous=previous,
                   verdicts=dict(verdicts or {}))

    def __getstate__(self) -> dict[str, Any]:
        """Pickled (to a worker process) without the compiled path spec, which may not
        pickle (pathspec's hyperscan backend): the worker compiles its own."""
        return {**self.__dict__, "path_spec": None}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.path_spec = _path_spec(self.allow_paths)

    def path_allowed(self, path: str) -> bool:
        """Whether ``allow_paths`` covers this file: a local path relative to the config's
        folder, a URL by its path after the host or bucket (``s3://b/docs/x`` -> ``docs/x``)."""
        if self.path_spec is None:
            return False
        if "://" in path:
            return bool(self.path_spec.match_file(path.split("://", 1)[1].partition("/")[2]))
        rel = os.path.relpath(os.path.abspath(path), self.root).replace(os.sep, "/")
        if rel.startswith("../"):
            rel = path.replace(os.sep, "/")
        return bool(self.path_spec.match_file(rel))

    def apply(self, result: FileResult) -> None:
        path_hit = self.path_allowed(result.file.path)
        out: list[Finding] = []
        for f in result.findings:
            reason = f.suppressed_by
            verdict = self.verdicts.get(f.fingerprint)
            if verdict is not None:
                f = replace(f, reasons=(*f.reasons, Reason("verdict", verdict)))
            if reason is None and (path_hit or f.fingerprint in self.value_fingerprints):
                reason = ALLOWLIST
            elif reason is None and verdict == FALSE_POSITIVE:
                reason = FALSE_POSITIVE
            if reason is not None and reason != PREVIOUS_RUN and self.no_ignore:
                self.audited[reason] += 1
                f = replace(f, suppressed_by=None, reasons=(*f.reasons, Reason("audit", reason)))
                reason = None
            if (reason is None and self.previous is not None
                    and (result.file.display, f.type, f.fingerprint) in self.previous):
                reason = PREVIOUS_RUN
            out.append(f if f.suppressed_by == reason else replace(f, suppressed_by=reason))
        result.findings = out
        result.suppressed = sum(1 for f in out if f.suppressed_by is not None)
