"""Worker processes never outlive the scan: when the piiscan process is killed with SIGKILL
(``timeout -s KILL`` under cron, the OOM killer), the fork server, the workers and the
resource tracker go away too, instead of staying around holding memory (issue 13).

These run real processes: a real ``piiscan scan -j2`` is killed, and what it started is
watched from outside through /proc."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(),
                                reason="reads the process table from /proc (Linux)")

GONE_WITHIN = 15.0  # seconds; the watchers poll every half second


def _stat(pid: int) -> tuple[int, str, int] | None:
    """(parent pid, state, start time) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = text.rsplit(")", 1)[1].split()
    return int(fields[1]), fields[0], int(fields[19])


def descendants(root: int) -> dict[int, int]:
    """Every process below ``root``: pid -> start time (to tell a reused pid apart)."""
    children: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        info = _stat(int(entry.name))
        if info is not None:
            children.setdefault(info[0], []).append(int(entry.name))
            starts[int(entry.name)] = info[2]
    out: dict[int, int] = {}
    todo = [root]
    while todo:
        for child in children.get(todo.pop(), []):
            out[child] = starts[child]
            todo.append(child)
    return out


def alive(processes: dict[int, int]) -> list[int]:
    """The processes of ``processes`` still running (zombies hold nothing and do not count)."""
    out = []
    for pid, start in processes.items():
        info = _stat(pid)
        if info is not None and info[2] == start and info[1] != "Z":
            out.append(pid)
    return out


def wait_gone(processes: dict[int, int]) -> list[int]:
    deadline = time.monotonic() + GONE_WITHIN
    while alive(processes) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = alive(processes)
    for pid in left:  # do not leave them running for the rest of the suite
        os.kill(pid, signal.SIGKILL)
    return left


def test_sigkill_of_the_scan_takes_the_pool_with_it(tmp_path: Path) -> None:
    share = tmp_path / "share"
    share.mkdir()
    line = "議事録 本日の会議では来期の予算について議論した。担当 電話 090-1234-5678\n"
    for i in range(400):
        (share / f"doc{i:03d}.txt").write_text(line * 800, encoding="utf-8")
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "piiscan", "scan", str(share), "-j2", "-q"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 60
        started: dict[int, int] = {}
        while time.monotonic() < deadline and proc.poll() is None:
            started = descendants(proc.pid)
            if len(started) >= 4:  # resource tracker, fork server, two workers
                break
            time.sleep(0.05)
        assert len(started) >= 4, f"the pool never started: {started}"
        time.sleep(0.3)  # let the workers get busy
        started.update(descendants(proc.pid))
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert wait_gone(started) == []


WATCHED_CHILD = """
import sys, time
from piiscan import lifeline
lifeline.arm(kernel=False)  # the portable watcher alone
print("armed", flush=True)
time.sleep(60)
"""

OWNER = """
import os, subprocess, sys, time
from piiscan import lifeline
lifeline.export()
child = subprocess.Popen([sys.executable, "-c", sys.argv[1]], stdout=subprocess.PIPE)
child.stdout.readline()
print(child.pid, flush=True)
time.sleep(60)
"""


def test_portable_watcher_ends_a_child_whose_owner_died() -> None:
    """Where the kernel offers no parent-death signal, a thread in each worker watches the
    scan process and ends the worker when it is gone."""
    with subprocess.Popen([sys.executable, "-c", OWNER, WATCHED_CHILD],
                          stdout=subprocess.PIPE, text=True) as owner:
        try:
            assert owner.stdout is not None
            child = int(owner.stdout.readline())
            watched = {child: descendants(owner.pid)[child]}
            assert alive(watched) == [child]
        finally:
            owner.send_signal(signal.SIGKILL)
            owner.wait()
    assert wait_gone(watched) == []


def test_arming_without_an_owner_does_nothing() -> None:
    code = ("import os, threading; os.environ.pop('PIISCAN_LIFELINE_PID', None); "
            "from piiscan import lifeline; lifeline.arm(); "
            "print(threading.active_count())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=60)
    assert out.stdout.strip() == "1"
