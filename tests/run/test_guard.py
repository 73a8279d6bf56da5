"""SIGTERM and SIGINT mid-scan: exit 4, an incomplete report, a consistent state, and a rerun
that finishes the job and equals a clean scan."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent.parent / "state"))
from statekit import make_share, stable

from piiscan.run.guard import Interrupted, SignalGuard, held


def piiscan(*args: str, cwd: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("PRE_COMMIT", None)
    return subprocess.Popen([sys.executable, "-m", "piiscan", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def stored_files(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM files").fetchone()[0])
    except sqlite3.Error:
        return 0


def test_sigterm_mid_scan_then_rerun(tmp_path: Path) -> None:
    share = tmp_path / "share"
    make_share(share, 3000, every=25)
    state = tmp_path / "state"
    db = state / "state.db"
    proc = piiscan("scan", f"--state={state}", "share", "-o", "killed.json", "-q",
                   cwd=tmp_path)
    deadline = time.monotonic() + 60
    while stored_files(db) == 0 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert proc.poll() is None, "the scan finished before it could be interrupted"
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 4, err.decode()
    assert b"INCOMPLETE" in out
    killed = json.loads((tmp_path / "killed.json").read_text(encoding="utf-8"))
    assert killed["scan"]["complete"] is False
    assert 0 < len(killed["files"]) < 3000

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT complete, finished IS NOT NULL FROM runs").fetchall() == \
            [(0, 1)]
        kept = conn.execute("SELECT count(*) FROM files").fetchone()[0]
    # every finished file was kept (one more when the signal hit between storing a file's
    # result and adding it to the report)
    assert kept in (len(killed["files"]), len(killed["files"]) + 1)

    rerun = piiscan("scan", f"--state={state}", "share", "-o", "rerun.json", "-q", cwd=tmp_path)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 1, err.decode()
    clean = piiscan("scan", "share", "-o", "clean.json", "-q", cwd=tmp_path)
    clean.communicate(timeout=120)
    assert clean.returncode == 1
    rerun_report = stable((tmp_path / "rerun.json").read_text(encoding="utf-8"))
    clean_report = stable((tmp_path / "clean.json").read_text(encoding="utf-8"))
    assert rerun_report["scan"]["complete"] is True
    for report in (rerun_report, clean_report):
        for fr in report["files"]:
            for f in fr["findings"]:
                f.pop("fingerprint")  # keyed: per state, or per run without one
    assert rerun_report == clean_report
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT id, complete FROM runs ORDER BY id").fetchall() == \
            [(1, 0), (2, 1)]
        counts = json.loads(conn.execute("SELECT counts FROM runs WHERE id = 2").fetchone()[0])
    assert counts["cache"] == {"reused": kept, "scanned": 3000 - kept}


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_guard_raises_once_then_settles(signum: int) -> None:
    with SignalGuard() as guard:
        with pytest.raises(Interrupted):
            os.kill(os.getpid(), signum)
            time.sleep(1)
        os.kill(os.getpid(), signum)  # a second signal while stopping: ignored
        time.sleep(0.01)
        guard.settle()
        os.kill(os.getpid(), signum)
        time.sleep(0.01)
    assert signal.getsignal(signal.SIGTERM) is not guard._handle


def test_a_held_step_is_finished_before_the_signal_is_raised() -> None:
    """A signal during ``held()`` (a worker process being started) is raised when the step
    is done, not in the middle of it."""
    steps: list[str] = []
    with SignalGuard() as guard:
        with pytest.raises(Interrupted):
            with held():
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)
                steps.append("finished")
            steps.append("after")  # never: the signal is raised as the block ends
        assert steps == ["finished"] and guard.received == signal.SIGINT


def test_a_signal_during_a_failing_held_step_is_raised_not_kept() -> None:
    """The step fails as the signal arrives: the signal is raised (the run ends
    incomplete), and nothing is left over for a later step."""
    from piiscan.run import guard as guard_module

    with SignalGuard(), pytest.raises(Interrupted), held():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
        raise ValueError("the pool broke")
    assert guard_module._deferred == []
