"""piiscan triage: the interactive walk (stdin of a real process, and a real terminal),
--mark for scripts, verdicts honoured by later scans and reports, masked notes, and the
export to the baseline."""

from __future__ import annotations

import json
import os
import pty
import random
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from piiscan.triage import NoteMasker

from actionkit import Share
from clirunner import CLI


@pytest.fixture
def share(tmp_path: Path) -> Share:
    rng = random.Random(11)
    share = Share(tmp_path / "share", tmp_path / "state")
    share.customers("顧客.csv", rng, rows=2)
    share.personal("memo.txt", rng)
    share.scan(CLI())
    return share


def verdicts(share: Share) -> dict[str, tuple[str, str]]:
    with sqlite3.connect(share.state / "state.db") as db:
        return {fp: (v, note) for fp, v, note in
                db.execute("SELECT fingerprint, verdict, note FROM verdicts")}


def findings(cli: CLI, share: Share, *args: str) -> dict[str, object]:
    proc = cli.run("scan", f"--state={share.state}", str(share.root), "-f", "json", *args)
    assert proc.returncode in (0, 1), proc.stderr
    return json.loads(proc.stdout)  # type: ignore[no-any-return]


def test_interactive_walk_through_stdin(share: Share) -> None:
    cli = CLI()
    note_value = share.values[1]  # a phone number from the share, typed into a note
    answers = f"f\nこれは取引先の番号 {note_value} です\nc\n\ns\nq\n"
    proc = subprocess.run([sys.executable, "-m", "piiscan", "triage", f"--state={share.state}"],
                          input=answers, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1"}, check=False)
    assert proc.returncode == 0, proc.stderr
    assert "value(s) to judge, riskiest files first" in proc.stdout
    assert "1/" in proc.stdout and "文脈 context:" in proc.stdout and "fingerprint " in proc.stdout
    assert "2 verdict(s) recorded" in proc.stdout
    assert "the note held 1 value(s) that look like personal data" in proc.stderr
    stored = verdicts(share)
    assert sorted(v for v, _ in stored.values()) == ["confirmed", "false-positive"]
    notes = [n for _, n in stored.values() if n]
    assert notes == ["これは取引先の番号 ************* です"]
    assert note_value not in proc.stdout + proc.stderr
    # a later scan honours the verdicts: the false positive is suppressed and counted...
    report = findings(cli, share)
    active = [f for fr in report["files"] for f in fr["findings"]]  # type: ignore[attr-defined]
    fp = next(fp for fp, (v, _) in stored.items() if v == "false-positive")
    hidden = [f["suppressed_by"] for f in active if f["fingerprint"] == fp]
    assert hidden and set(hidden) == {"false-positive"}  # the value everywhere it occurs
    assert report["summary"]["suppressed"] == {"false-positive": len(hidden)}  # type: ignore[index]
    confirmed = next(fp for fp, (v, _) in stored.items() if v == "confirmed")
    assert any(r["code"] == "verdict" and r["detail"] == "confirmed"
               for f in active if f["fingerprint"] == confirmed for r in f["reasons"])
    # ...and --no-ignore shows it, labelled with what would have hidden it
    audit = findings(cli, share, "--no-ignore")
    shown = [f for fr in audit["files"] for f in fr["findings"]  # type: ignore[attr-defined]
             if f["fingerprint"] == fp]
    assert shown and all("suppressed_by" not in f for f in shown)
    assert any(r["text"] == "suppressed by false-positive; reported because of --no-ignore"
               for r in shown[0]["reasons"])
    # the walk starts with what has no verdict yet
    again = subprocess.run([sys.executable, "-m", "piiscan", "triage",
                            f"--state={share.state}"], input="q\n", capture_output=True,
                           text=True, timeout=120, check=False)
    first = again.stdout.split("fingerprint ")[1][:12]
    assert first not in {fp[:12] for fp in stored}


def test_interactive_walk_on_a_terminal(share: Share) -> None:
    """The same walk through a pseudo-terminal: rich draws panels, prompts wait for keys."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: piiscan on the terminal
        os.environ.pop("NO_COLOR", None)
        os.environ["COLUMNS"] = "100"
        os.execv(sys.executable, [sys.executable, "-m", "piiscan", "triage",
                                  f"--state={share.state}"])
    screen = b""

    def read_until(marker: bytes, seconds: float = 60) -> None:
        nonlocal screen
        deadline = time.monotonic() + seconds
        while marker not in screen:
            assert time.monotonic() < deadline, screen.decode("utf-8", "replace")
            ready, _, _ = select.select([fd], [], [], 0.5)
            if ready:
                try:
                    screen += os.read(fd, 65536)
                except OSError:
                    break

    try:
        read_until(b"[q] quit")
        os.write(fd, b"a\n")
        read_until(b"note (Enter: none)")
        screen = b""
        os.write(fd, "共有フォルダで保管を継続\n".encode())
        read_until(b"[q] quit")
        os.write(fd, b"q\n")
        read_until(b"verdict(s) recorded")
    finally:
        _, status = os.waitpid(pid, 0)
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 0
    assert "╭─ 2/" in screen.decode("utf-8", "replace")  # the second panel was drawn
    assert list(verdicts(share).values()) == [("accepted-risk", "共有フォルダで保管を継続")]


def test_mark_for_scripts(share: Share) -> None:
    cli = CLI()
    report = findings(cli, share)
    fp = report["files"][0]["findings"][0]["fingerprint"]  # type: ignore[index]
    proc = cli.run("triage", f"--state={share.state}", "--mark", f"{fp[:10]}=fp",
                   "--note", "テストデータ")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"piiscan: {fp[:12]}  誤検知 (false positive)")
    assert verdicts(share) == {fp: ("false-positive", "テストデータ")}
    listed = cli.run("triage", "list", f"--state={share.state}")
    assert f"{fp[:12]}  誤検知 (false positive)" in listed.stdout and "テストデータ" in listed.stdout
    cleared = cli.run("triage", f"--state={share.state}", "--mark", f"{fp}=clear")
    assert cleared.returncode == 0 and verdicts(share) == {}
    history = cli.run("triage", "list", "--history", f"--state={share.state}")
    assert "取消 (cleared)" in history.stdout and "誤検知 (false positive)" in history.stdout


@pytest.mark.parametrize(("mark", "problem"), [
    ("0000000000=fp", "no finding with fingerprint 0000000000"),
    ("abc=fp", "'abc' is not a fingerprint"),
    ("{fp}=maybe", "unknown verdict 'maybe'"),
    ("{fp}", "write FINGERPRINT=VERDICT"),
])
def test_mark_mistakes_are_one_line(share: Share, mark: str, problem: str) -> None:
    cli = CLI()
    fp = findings(cli, share)["files"][0]["findings"][0]["fingerprint"]  # type: ignore[index]
    proc = cli.run("triage", f"--state={share.state}", "--mark", mark.format(fp=fp))
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and problem in proc.stderr
    assert verdicts(share) == {}


def test_export_to_the_baseline(share: Share, tmp_path: Path) -> None:
    cli = CLI()
    report = findings(cli, share)
    memo = next(fr for fr in report["files"] if fr["path"].endswith("memo.txt"))  # type: ignore[attr-defined]
    fps = sorted({f["fingerprint"] for f in memo["findings"]})
    marks = [arg for fp in fps for arg in ("--mark", f"{fp}=accepted-risk")]
    assert cli.run("triage", f"--state={share.state}", *marks).returncode == 0
    baseline = tmp_path / "baseline.json"
    proc = cli.run("triage", "export-baseline", f"--state={share.state}", "-b", str(baseline))
    assert proc.returncode == 0, proc.stderr
    assert f"wrote {baseline}: {len(fps)} new entries from {len(fps)} verdict(s)" in proc.stdout
    data = json.loads(baseline.read_text("utf-8"))
    assert {e["path"].rsplit("/", 1)[-1] for e in data["entries"]} == {"memo.txt"}
    raw = baseline.read_text("utf-8")
    assert not [v for v in share.values if v in raw]
    # a scan without the state, with the baseline: those findings are accepted
    plain = cli.run("scan", str(share.root), "-f", "json", "--baseline", str(baseline))
    result = json.loads(plain.stdout)
    assert result["summary"]["suppressed"] == {"baseline": len(fps)}


@pytest.mark.parametrize(("note", "expected", "count"), [
    ("取引先の代表番号 03-1234-5678 なので誤検知", "取引先の代表番号 ************ なので誤検知", 1),
    ("番号 4629 3718 5504 はテスト", "番号 **** **** **** はテスト", 1),
    ("kazuko.sentinel@kaisha-mail.co.jp 宛の案内", "********************************* 宛の案内", 1),
    ("2024年の記入例\n次の行", "2024年の記入例 次の行", 0),
])
def test_notes_are_masked_like_snippets(note: str, expected: str, count: int) -> None:
    assert NoteMasker()(note) == (expected, count)
