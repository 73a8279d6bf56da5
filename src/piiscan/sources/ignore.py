"""gitignore-style excludes from ``--exclude`` and a ``.piiscanignore`` file."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pathspec

IGNORE_FILE = ".piiscanignore"


@dataclass(frozen=True)
class IgnoreRules:
    spec: pathspec.GitIgnoreSpec | None

    @classmethod
    def for_root(cls, root: str, excludes: tuple[str, ...]) -> IgnoreRules:
        lines = list(excludes)
        ignore_file = os.path.join(root, IGNORE_FILE)
        if os.path.isfile(ignore_file):
            with open(ignore_file, encoding="utf-8-sig", errors="replace") as fh:
                lines += fh.read().splitlines()
        return cls.from_lines(lines)

    @classmethod
    def from_lines(cls, lines: list[str]) -> IgnoreRules:
        """Patterns as a .piiscanignore file holds them (blank lines and comments too)."""
        if not any(line.strip() and not line.lstrip().startswith("#") for line in lines):
            return cls(None)
        import pathspec  # 10 ms of imports: only when there is a pattern (a hook has none)

        return cls(pathspec.GitIgnoreSpec.from_lines(lines))

    def matches(self, rel_path: str, is_dir: bool) -> bool:
        if self.spec is None:
            return False
        rel = rel_path.replace(os.sep, "/")
        if is_dir:
            rel += "/"
        return self.spec.match_file(rel)
