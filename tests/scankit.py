"""Scanning from tests: the pure per-file scan alone, or a whole run without state.

``FileScanner`` is one file through ``scan_file`` and the run's finishing steps (suppressions
as the settings say, then the score), with a fixed fingerprint key so results compare across
runs; ``scan_tree`` is ``piiscan scan`` without the command line.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from piiscan.config import Settings
from piiscan.mask import Fingerprinter, Keys
from piiscan.models import FileRef, FileResult, ScanResult
from piiscan.rules.loader import RuleSet, load_ruleset
from piiscan.run.finish import Finisher
from piiscan.run.session import ScanSession, SessionOptions, scan_paths
from piiscan.scan import CompiledRules, scan_file

KEY = b"k" * 32


class FileScanner:
    def __init__(self, ruleset: RuleSet | None = None, settings: Settings | None = None,
                 key: bytes = KEY) -> None:
        self.settings = settings or Settings()
        self.rules = CompiledRules(ruleset or load_ruleset(),
                                   self.settings.limits.regex_seconds)
        self.keys = Keys(Fingerprinter(key))
        self.finish = Finisher.from_settings(self.settings, self.rules)

    def scan_raw(self, ref: FileRef) -> FileResult:
        """What ``scan_file`` gives: findings before suppressions and scoring."""
        return scan_file(ref, self.rules, self.settings, self.keys)

    def scan_file(self, ref: FileRef) -> FileResult:
        return self.finish(self.scan_raw(ref))

    def scan_path(self, path: Path, display: str | None = None) -> FileResult:
        st = path.stat()
        return self.scan_file(FileRef(str(path), display or path.name, st.st_size,
                                      st.st_mtime))

    def scan_paths(self, paths: list[str],
                   on_file: Callable[[FileResult], None] | None = None) -> ScanResult:
        """A whole run over these paths with this scanner's rules, settings and key."""
        return scan_paths(paths, self.rules, self.settings, self.keys, self.finish,
                          on_file=on_file)


def scan_tree(paths: list[str], settings: Settings | None = None, key: bytes = KEY,
              ruleset: RuleSet | None = None,
              on_file: Callable[[FileResult], None] | None = None) -> ScanResult:
    """``piiscan scan PATHS`` without the command line: no state, no baseline."""
    options = SessionOptions(key=key)
    with ScanSession(ruleset or load_ruleset(), settings or Settings(), options) as session:
        return session.run(paths, on_file=on_file)
