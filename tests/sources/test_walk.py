from __future__ import annotations

import os
from pathlib import Path

import pytest

from piiscan.config import Settings
from piiscan.models import FileRef, Skip, SkipKind
from piiscan.sources.walk import iter_sources


def walk(paths: list[str], **settings: object) -> tuple[list[str], dict[str, Skip]]:
    files, skips = [], {}
    for item in iter_sources(paths, Settings(**settings)):  # type: ignore[arg-type]
        if isinstance(item, FileRef):
            files.append(item.display)
        else:
            skips[item.path] = item
    return files, skips


def tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")


def test_order_is_deterministic_and_git_is_skipped(tmp_path: Path) -> None:
    tree(tmp_path, ["b.txt", "a/z.txt", "a/b.txt", ".git/config", "c/.git/HEAD", "ä.txt"])
    files, _ = walk([str(tmp_path)])
    rel = [f.removeprefix(str(tmp_path) + "/") for f in files]
    assert rel == ["a/b.txt", "a/z.txt", "b.txt", "ä.txt"]


def test_excludes_and_ignore_file(tmp_path: Path) -> None:
    tree(tmp_path, ["keep.txt", "build/out.txt", "logs/a.log", "logs/keep.txt", "x.tmp"])
    (tmp_path / ".piiscanignore").write_text("# comment\n*.log\nbuild/\n", encoding="utf-8")
    files, skips = walk([str(tmp_path)], excludes=("*.tmp",))
    rel = sorted(f.removeprefix(str(tmp_path) + "/") for f in files)
    assert rel == [".piiscanignore", "keep.txt", "logs/keep.txt"]
    assert all(s.kind == SkipKind.EXCLUDED for s in skips.values())
    assert len(skips) == 3


def test_fifo_and_socket_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    files, skips = walk([str(tmp_path)])  # would hang forever if the FIFO were opened
    assert files == []
    assert "named pipe" in skips[str(tmp_path / "pipe")].reason


def test_symlinks_listed_unless_followed_and_loops_end(tmp_path: Path) -> None:
    tree(tmp_path, ["d/real.txt"])
    (tmp_path / "d" / "loop").symlink_to(tmp_path / "d")
    (tmp_path / "link.txt").symlink_to(tmp_path / "d" / "real.txt")
    files, skips = walk([str(tmp_path)])
    assert files == [str(tmp_path / "d/real.txt")]
    assert "not followed" in skips[str(tmp_path / "link.txt")].reason
    files, skips = walk([str(tmp_path)], follow_symlinks=True)
    assert files == [str(tmp_path / "d/real.txt")]  # the same file once, the loop ended
    assert any("loop" in s.reason for s in skips.values())


def test_explicit_files_as_pre_commit_passes_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
    tree(tmp_path, ["a.txt", "b.csv"])
    monkeypatch.chdir(tmp_path)
    files, skips = walk(["b.csv", "a.txt", "missing.txt"])
    assert files == ["b.csv", "a.txt"]
    assert skips["missing.txt"].reason == "no such file or directory"


def test_unreadable_file_is_a_skip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree(tmp_path, ["secret.txt"])
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda p, m: False if str(p).endswith("secret.txt")
                        else real_access(p, m))
    files, skips = walk([str(tmp_path)])
    assert files == []
    assert skips[str(tmp_path / "secret.txt")].reason == "permission denied"


def test_undecodable_file_name_is_escaped_not_lost(tmp_path: Path) -> None:
    raw = os.fsencode(str(tmp_path)) + b"/\x83\x65\x83\x58\x83\x67.txt"  # テスト in CP932
    with open(raw, "wb") as fh:
        fh.write(b"x")
    files, _ = walk([str(tmp_path)])
    assert len(files) == 1
    assert files[0].endswith("\\x83e\\x83X\\x83g.txt")


def test_a_file_given_twice_or_inside_a_given_folder_is_listed_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue 12: `scan share share share/a.txt` scanned a.txt three times (three times the
    findings and people)."""
    (tmp_path / "share" / "sub").mkdir(parents=True)
    (tmp_path / "share" / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "share" / "sub" / "b.txt").write_text("b", encoding="utf-8")
    (tmp_path / "c.txt").write_text("c", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    paths = ["share/a.txt", "share", "./share/", "c.txt", str(tmp_path / "c.txt"), "share/sub"]
    listed = [i.display for i in iter_sources(paths, Settings()) if isinstance(i, FileRef)]
    assert sorted(listed) == ["c.txt", "share/a.txt", "share/sub/b.txt"]
