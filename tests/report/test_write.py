"""Writing report files: a missing folder is refused (never created), and temporary files a
killed run left behind are cleaned up on the next run — only ours, only stale ones."""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

import pytest

from piiscan.report import write_atomic

from clirunner import CLI


def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    (folder / "a.txt").write_text("電話 090-1234-5678\n", encoding="utf-8")
    return folder


@pytest.mark.parametrize("name", ["r.json", "r.jsonl", "r.html", "r.xlsx"])
def test_missing_output_folder_is_refused_not_created(tmp_path: Path, name: str) -> None:
    missing = tmp_path / "nonexistent"
    proc = CLI().run("scan", str(share(tmp_path)), "-q", "-o", str(missing / name))
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and "does not exist" in lines[0], lines
    assert not missing.exists()


def test_write_atomic_refuses_a_missing_folder(tmp_path: Path) -> None:
    # The command line refuses such a target before the scan (report.targets, exit 2); a
    # folder gone by the time the report is written is a write failure, never created.
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_atomic(str(tmp_path / "a" / "b" / "r.json"), b"{}")
    assert not (tmp_path / "a").exists()
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        write_atomic(str(tmp_path / "file" / "r.json"), b"{}")


def _old(path: Path, data: bytes = b"partial") -> Path:
    path.write_bytes(data)
    past = time.time() - 3600
    os.utime(path, (past, past))
    return path


def test_stale_temporaries_of_a_killed_run_are_cleaned(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stale = _old(out / ".r.json.k3x_9a2b.tmp")  # what a killed run leaves
    other_target = _old(out / ".other.json.k3x_9a2b.tmp")  # another report's: not ours now
    not_ours = _old(out / ".r.json.tmp")  # not our naming
    user_file = _old(out / ".r.json.notes.txt")
    busy = _old(out / ".r.json.busy1234.tmp")  # a concurrent run is writing it: locked
    fresh = out / ".r.json.new12345.tmp"  # newer than this run: a concurrent run's
    fresh.write_bytes(b"x")
    future = time.time() + 3600
    os.utime(fresh, (future, future))
    with open(busy, "rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX | fcntl.LOCK_NB)
        write_atomic(str(out / "r.json"), b"{}")
    assert (out / "r.json").read_bytes() == b"{}"
    assert not stale.exists()
    for kept in (other_target, not_ours, user_file, busy, fresh):
        assert kept.exists(), kept.name


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create another user's file")
def test_temporaries_owned_by_someone_else_are_kept(tmp_path: Path) -> None:
    theirs = _old(tmp_path / ".r.json.abcd1234.tmp")
    os.chown(theirs, 65534, 65534)
    write_atomic(str(tmp_path / "r.json"), b"{}")
    assert theirs.exists()


def test_next_cli_run_cleans_what_a_killed_run_left(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    left = [_old(out / f".r.{ext}.a1b2c3d4.tmp") for ext in ("json", "jsonl", "html")]
    args = ["scan", str(share(tmp_path)), "-q"]
    for ext in ("json", "jsonl", "html"):
        args += ["-o", str(out / f"r.{ext}")]
    proc = CLI().run(*args)
    assert proc.returncode == 1, proc.stderr
    assert not any(path.exists() for path in left)
    assert sorted(p.name for p in out.iterdir()) == ["r.html", "r.json", "r.jsonl"]
