from __future__ import annotations

import gc
import weakref
from pathlib import Path

from piiscan.config import Settings
from piiscan.models import FileRef, FileResult
from piiscan.run.session import HeldResults

from scankit import scan_tree


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
