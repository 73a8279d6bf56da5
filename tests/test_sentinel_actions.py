"""Sentinel values through everything that acts on a scan: alerts (webhook in three shapes,
mail), triage (interactive and --mark, notes holding values), quarantine (dry run, apply
with stubs, chmod, restore), the baseline export and every report format. No spelling of
any planted value may reach a request, a message, a log line, a stub, a verdict, a state
row (database, -wal, -shm), a report or anything printed."""

from __future__ import annotations

import io
import os
import random
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from actionkit import Share
from sentinels import forms, leaks
from servers import SmtpServer, WebhookServer

EMAIL = "sentinel.haruka@torihiki-mail.co.jp"


def test_no_value_in_alerts_logs_verdicts_or_state(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    rng = random.Random(99)
    share = Share(tmp_path / "share", tmp_path / "state")
    share.customers("顧客/名簿.csv", rng, rows=4)
    share.personal("総務/memo.txt", rng)
    share.write("営業/連絡先.txt", f"担当者メール {EMAIL}\n")
    share.values.append(EMAIL)
    outputs = tmp_path / "out"
    outputs.mkdir()
    output: list[bytes] = []

    def piiscan(*args: str, stdin: str = "", codes: tuple[int, ...] = (0, 1)) -> None:
        proc = subprocess.run([sys.executable, "-m", "piiscan", *args], cwd=tmp_path,
                              input=stdin.encode(), capture_output=True, timeout=300,
                              env={**os.environ, "NO_COLOR": "1"}, check=False)
        output.extend([proc.stdout, proc.stderr])
        assert proc.returncode in codes, proc.stderr.decode()

    reports = [f"-o{outputs / name}" for name in
               ("r.json", "r.jsonl", "r.csv", "r.sarif", "r.html", "r.xlsx", "r.txt")]
    piiscan("scan", f"--state={share.state}", str(share.root), *reports)
    db = share.state / "state.db"
    reader = sqlite3.connect(f"file:{db}?mode=ro", uri=True)  # keeps -wal and -shm around
    try:
        reader.execute("SELECT count(*) FROM runs").fetchone()
        share.customers("顧客/追加.csv", rng, rows=2)  # new in run 2
        with SmtpServer() as smtp, WebhookServer() as hook:
            (tmp_path / ".piiscan.toml").write_text(
                f'[smtp]\nhost = "127.0.0.1"\nport = {smtp.port}\nsecurity = "none"\n',
                encoding="utf-8")
            piiscan("scan", f"--state={share.state}", str(share.root), "-q",
                    "--retention-days", "0")
            for fmt in ("json", "slack", "teams"):
                piiscan("diff", f"--state={share.state}", "--webhook", hook.url,
                        "--webhook-format", fmt, "--mail-to", "dpo@example.jp")
            piiscan("diff", f"--state={share.state}", "-f", "json")
            bodies = {f"webhook {i}": r.body for i, r in enumerate(hook.requests)}
            mails = {f"mail {i}": m.as_bytes() for i, m in enumerate(smtp.messages)}
        assert len(bodies) == 3 and len(mails) == 3
        # triage: the notes people type hold values; they are stored masked
        piiscan("triage", f"--state={share.state}",
                stdin=f"f\n{share.values[2]} は代表番号\na\n{share.values[0]} は社内テスト用\nq\n")
        fp = _first_fingerprint(db)
        piiscan("triage", f"--state={share.state}", "--mark", f"{fp[:12]}=confirmed",
                "--note", f"連絡先 {EMAIL} と {share.values[4]}")
        piiscan("triage", "list", "--history", f"--state={share.state}")
        piiscan("triage", "export-baseline", f"--state={share.state}", "-b",
                str(tmp_path / "baseline.json"))
        # quarantine: every step, with stubs
        target = tmp_path / "quarantine"
        piiscan("scan", f"--state={share.state}", str(share.root), "-q")
        piiscan("quarantine", f"--state={share.state}", "--to", str(target), "--min-level",
                "low")
        piiscan("quarantine", f"--state={share.state}", "--to", str(target), "--min-level",
                "low", "--type", "MY_NUMBER", "--apply", "--stub")
        piiscan("quarantine", f"--state={share.state}", "--chmod", "--min-level", "low",
                "--apply")
        piiscan("quarantine", f"--state={share.state}", "--restore", "--apply")
        state_files = {p.name: p.read_bytes() for p in share.state.iterdir() if p.is_file()}
    finally:
        reader.close()
    assert {"state.db", "state.db-wal", "state.db-shm", "state.quarantine.jsonl"} <= set(
        state_files)
    stubs = {str(p): p.read_bytes() for p in share.root.rglob("*.piiscan-quarantine.txt")}
    report_files = {p.name: p.read_bytes() for p in outputs.iterdir()}
    xlsx = zipfile.ZipFile(io.BytesIO(report_files.pop("r.xlsx")))
    members = {f"r.xlsx!{n}": xlsx.read(n) for n in xlsx.namelist()}
    blobs = {**state_files, **bodies, **mails, **stubs, **report_files, **members,
             "baseline": (tmp_path / "baseline.json").read_bytes(),
             "output": b"".join(output)}
    # the search works: the values are where they were planted, and the logs say things
    planted = b"".join(p.read_bytes() for p in share.root.rglob("*") if p.is_file())
    assert all(any(f in planted for f in forms(v)) for v in share.values)
    log = state_files["state.quarantine.jsonl"].decode()
    assert '"action":"quarantine"' in log and '"action":"restore"' in log
    with sqlite3.connect(db) as check:
        notes = [n for (n,) in check.execute("SELECT note FROM verdict_log") if n]
    assert len(notes) == 3 and all("*" in n for n in notes)
    assert not leaks(share.values, blobs)


def _first_fingerprint(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT fingerprint FROM run_findings WHERE fingerprint NOT IN "
                           "(SELECT fingerprint FROM verdicts) ORDER BY run_id DESC, path "
                           "LIMIT 1").fetchone()
    return str(row[0])
