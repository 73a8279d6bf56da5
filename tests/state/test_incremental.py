"""Incremental scans: unchanged files reuse stored results, anything that could change a
result invalidates them, and `piiscan diff` shows exactly what changed."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from pathlib import Path

from statekit import Run, make_share, personal_text, stable

from piiscan.state.store import StateStore


def _scan(run: Run, state: Path, *args: str) -> tuple[int, dict[str, object], str]:
    result = run("scan", f"--state={state}", *args, "-f", "json")
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_unchanged_folder_twice_identical_and_reused(tmp_path: Path, run: Run) -> None:
    share = tmp_path / "share"
    make_share(share, 1000)
    state = tmp_path / "state"
    t0 = time.perf_counter()
    code1, first, err1 = _scan(run, state, str(share))
    t1 = time.perf_counter()
    code2, second, err2 = _scan(run, state, str(share))
    t2 = time.perf_counter()
    assert code1 == code2 == 1
    assert stable(first) == stable(second)
    assert "1000 files unchanged (results reused), 0 scanned" in err2, err2
    assert "0 files unchanged" in err1
    # The figure for docs/state.md comes from benchmarks; here only "clearly faster".
    assert (t2 - t1) < (t1 - t0), (t1 - t0, t2 - t1)


def test_add_one_delete_one_shows_exactly_those_in_diff(tmp_path: Path, run: Run) -> None:
    share = tmp_path / "share"
    personal = make_share(share, 60)
    state = tmp_path / "state"
    assert _scan(run, state, str(share))[0] == 1
    added = share / "dept03" / "new-customer.txt"
    added.write_text(personal_text(random.Random(99)), encoding="utf-8")
    deleted = personal[2]
    deleted.unlink()
    assert _scan(run, state, str(share))[0] == 1

    result = run("diff", f"--state={state}", "-f", "json")
    assert result.exit_code == 1  # new findings
    data = json.loads(result.stdout)
    assert {r["path"] for r in data["new"]} == {str(added)}
    assert {r["path"] for r in data["resolved"]} == {str(deleted)}
    text = run("diff", f"--state={state}")
    assert f"+ {added}" in text.stdout and f"- {deleted}" in text.stdout
    assert text.stdout.count("\n+ ") + text.stdout.count("\n- ") == 2

    # --new-only: the next scan shows only what the previous run did not have
    other = share / "dept04" / "another.txt"
    other.write_text(personal_text(random.Random(5)), encoding="utf-8")
    code, data2, err = _scan(run, state, str(share), "--new-only")
    assert code == 1
    active = [f for fr in data2["files"] for f in fr["findings"]  # type: ignore[union-attr]
              if "suppressed_by" not in f]
    assert {f["location"]["path"] for f in active} == {str(other)}
    assert "already present in run 2 not shown" in err
    assert run("diff", f"--state={state}", "--new-only").exit_code == 1
    # nothing changed since: diff is clean, exit 0
    _scan(run, state, str(share))
    assert run("diff", f"--state={state}").exit_code == 0


def test_changes_that_invalidate(tmp_path: Path, run: Run) -> None:
    share = tmp_path / "share"
    make_share(share, 20)
    state = tmp_path / "state"
    _scan(run, state, str(share))
    assert "20 files unchanged" in _scan(run, state, str(share))[2]
    # a rule turned off or a setting that changes results: everything is scanned again
    assert "0 files unchanged" in _scan(run, state, str(share), "--disable-rule",
                                        "jp.email")[2]
    assert "0 files unchanged" in _scan(run, state, str(share), "--min-confidence", "high")[2]
    # settings applied after the cache do not invalidate
    assert "20 files unchanged" in _scan(run, state, str(share), "--min-confidence", "high",
                                         "--fail-on", "high")[2]
    # one file's content: only that file
    target = share / "dept01" / "doc0001.txt"
    target.write_text(target.read_text(encoding="utf-8") + "追記\n", encoding="utf-8")
    assert "19 files unchanged (results reused), 1 scanned" in _scan(
        run, state, str(share), "--min-confidence", "high")[2]


def test_same_size_same_mtime_rewrite_is_caught_by_content_hash(tmp_path: Path,
                                                                 run: Run) -> None:
    """A file rewritten within one timestamp tick keeps size and mtime: the content hash,
    stored because the mtime was too recent to trust, catches it."""
    path = tmp_path / "memo.txt"
    path.write_text("議事録 特記事項なし 0000\n", encoding="utf-8")
    st = os.stat(path)
    state = tmp_path / "state"
    code, _, _ = _scan(run, state, str(path))
    assert code == 0
    with open(path, "r+b") as fh:  # same inode, same size
        fh.write("電話 090-1234-5678\n".encode()[: st.st_size].ljust(st.st_size, b" "))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert os.stat(path).st_size == st.st_size
    code, data, err = _scan(run, state, str(path))
    assert "1 scanned" in err
    assert code == 1, data


def test_show_values_never_cached(tmp_path: Path, run: Run) -> None:
    share = tmp_path / "share"
    make_share(share, 10)
    state = tmp_path / "state"
    _scan(run, state, str(share), "--show-values")
    with sqlite3.connect(state / "state.db") as conn:
        assert conn.execute("SELECT count(*) FROM files").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 1


def test_deleted_files_are_forgotten_and_paths_rewritten(tmp_path: Path, run: Run) -> None:
    share = tmp_path / "share"
    personal = make_share(share, 10)
    state = tmp_path / "state"
    _scan(run, state, str(share))
    personal[0].unlink()
    _scan(run, state, str(share))
    with StateStore.open(state / "state.db", write=False) as store:
        paths = [p for (p,) in store.conn.execute("SELECT path FROM files")]
    assert len(paths) == 9 and str(personal[0]) not in paths
    # the same files reached through another spelling of the root reuse their results,
    # shown under the path given this time
    result = run("scan", f"--state={state}", "./share", "-f", "json", cwd=tmp_path)
    assert "9 files unchanged" in result.stderr
    shown = {fr["path"] for fr in json.loads(result.stdout)["files"]}
    assert all(p.startswith("share/") for p in shown), shown
