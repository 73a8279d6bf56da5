"""Sentinel values planted in files must never reach the state database (and its -wal/-shm),
the baseline or anything piiscan prints, in any spelling: as written, digits only, or any
8-digit run of them. Run with --show-values too: the state drops values whatever the flags."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sentinels import forms

MY_NUMBER = "4629 3718 5504"  # valid check digit, synthetic
CARD = "4539 1488 0343 6467"  # valid Luhn, synthetic
PHONE = "090-7351-2864"
EMAIL = "sentinel.kazuko@kaisha-mail.co.jp"


def test_no_plaintext_in_state_baseline_or_logs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / "data").mkdir(parents=True)
    (repo / ".git").mkdir()
    (repo / "data" / "list.txt").write_text(
        f"マイナンバー {MY_NUMBER}\nカード番号 {CARD}\n電話 {PHONE}\nメール {EMAIL}\n",
        encoding="utf-8")
    (repo / "data" / "table.csv").write_text(
        f"氏名,個人番号,電話番号,メール\n山田 花子,{MY_NUMBER.replace(' ', '')},{PHONE},{EMAIL}\n",
        encoding="utf-8")
    state = tmp_path / "state"
    log = tmp_path / "piiscan.log"
    env = {**os.environ, "NO_COLOR": "1", "XDG_STATE_HOME": str(tmp_path / "xdg")}
    env.pop("PRE_COMMIT", None)

    def piiscan(*args: str, check_codes: tuple[int, ...] = (0, 1)) -> None:
        with log.open("ab") as fh:
            proc = subprocess.run([sys.executable, "-m", "piiscan", *args], cwd=repo, env=env,
                                  stdout=fh, stderr=subprocess.STDOUT, timeout=120, check=False)
        assert proc.returncode in check_codes, log.read_text(encoding="utf-8")

    db = state / "state.db"
    piiscan("scan", f"--state={state}", ".", "-o", str(tmp_path / "r.json"))
    # keep a reader open so the -wal and -shm files survive the writers for inspection
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        reader.execute("SELECT count(*) FROM files").fetchone()
        piiscan("scan", f"--state={state}", ".", "--show-values", "-q")  # values: not stored
        (repo / "data" / "list.txt").write_text(
            f"追記\nマイナンバー {MY_NUMBER}\nカード番号 {CARD}\n電話 {PHONE}\nメール {EMAIL}\n",
            encoding="utf-8")
        piiscan("scan", f"--state={state}", ".", "-f", "json")
        piiscan("scan", f"--state={state}", ".", "--no-ignore", "--new-only")
        piiscan("diff", f"--state={state}")
        piiscan("diff", f"--state={state}", "-f", "json")
        piiscan("history", f"--state={state}")
        piiscan("baseline", "create")
        piiscan("scan", ".", "--hook")
        piiscan("baseline", "update")
        piiscan("config", "show")
        artifacts = [db, db.with_name("state.db-wal"), db.with_name("state.db-shm"),
                     repo / ".piiscan-baseline.json", log]
        for path in artifacts:
            assert path.exists(), path
    finally:
        reader.close()
    # the search works: it finds the values where they are, and the artifacts are not empty
    source = (repo / "data" / "list.txt").read_bytes()
    assert all(any(f in source for f in forms(v)) for v in (MY_NUMBER, CARD, PHONE, EMAIL))
    stored = db.read_bytes() + db.with_name("state.db-wal").read_bytes()
    assert b"***-****-2864" in stored  # masked forms are what the state keeps
    assert b"piiscan: wrote" in log.read_bytes() and b"diff: run" in log.read_bytes()
    leaks = []
    for path in artifacts:
        data = path.read_bytes()
        for value in (MY_NUMBER, CARD, PHONE, EMAIL):
            for form in forms(value):
                if form in data:
                    leaks.append(f"{path.name}: {form!r}")
    assert not leaks, leaks
    # the JSON report written without --show-values is masked too
    report = (tmp_path / "r.json").read_bytes()
    assert not [f for v in (MY_NUMBER, CARD, PHONE, EMAIL) for f in forms(v) if f in report]
