from __future__ import annotations

import gc
import weakref
from pathlib import Path

from piiscan.config import Settings
from piiscan.models import FileRef, FileResult
from piiscan.run.session import HeldResults

from scankit import FileScanner, scan_tree


class _Node:
    def __init__(self) -> None:
        self.other: _Node | None = None


def _result() -> FileResult:
    return FileResult(file=FileRef("/x", "x", 1, 0.0))


def test_held_results_collect_garbage_before_freezing() -> None:
    keeper = HeldResults()
    a, b = _Node(), _Node()
    a.other, b.other = b, a  # a cycle: only the cyclic collector frees it
    ref = weakref.ref(a)
    del a, b
    try:
        for _ in range(HeldResults.FILES):
            keeper.add(_result())
        assert gc.get_freeze_count() > 0
        assert ref() is None  # collected, not frozen with the results
    finally:
        keeper.release()
    assert gc.get_freeze_count() == 0


def test_a_scan_gives_frozen_objects_back(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text("電話 090-1234-5678\n", encoding="utf-8")
    result = scan_tree([str(tmp_path)], Settings(jobs=1))
    assert len(result.files) == 3 and gc.get_freeze_count() == 0


def test_regex_timeout_is_an_error_skip_naming_rule_and_file(tmp_path: Path) -> None:
    """A rule that ran out of time did not check that part of the file: coverage was lost,
    so it is an error-kind skip (exit code 3), not a note (issue 13)."""
    from piiscan.cli import exit_code
    from piiscan.config import Limits
    from piiscan.errors import EXIT_UNREADABLE
    from piiscan.models import SkipKind
    from piiscan.rules.loader import RuleSet, compile_rule

    slow = compile_rule("t.yaml", {"id": "t.slow", "name": "slow", "type": "EMAIL",
                                   "category": "個人情報", "severity": "low",
                                   "pattern": "(a|aa)+c", "examples": {}})
    (tmp_path / "slow.txt").write_text("a" * 40 + "b\n", encoding="utf-8")
    settings = Settings(jobs=1, limits=Limits(regex_seconds=0.05))
    result = FileScanner(RuleSet((slow,), "d"), settings).scan_paths(
        [str(tmp_path / "slow.txt")])
    (file_result,) = result.files
    (skip,) = file_result.skips
    assert skip.kind == SkipKind.ERROR
    assert skip.path == str(tmp_path / "slow.txt")
    assert "t.slow" in skip.reason and "timed out" in skip.reason
    assert exit_code(result, settings) == EXIT_UNREADABLE
