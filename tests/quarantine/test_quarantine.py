"""piiscan quarantine end to end, on a generated share scanned into a state: the dry run,
--apply, --restore, --chmod, the filters, and every refusal with its reason."""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from actionkit import Share
from clirunner import CLI

CLIENT = "営業/顧客リスト.csv"
MEMO = "営業/memo.txt"
OLD = "総務/2019/old_list.txt"


@pytest.fixture
def share(tmp_path: Path) -> Share:
    rng = random.Random(7)
    share = Share(tmp_path / "share", tmp_path / "state")
    share.customers(CLIENT, rng)
    share.personal(MEMO, rng)
    old = share.personal(OLD, rng)
    long_ago = 1_500_000_000  # 2017
    os.utime(old, (long_ago, long_ago))
    share.write("営業/clean.txt", "議事録\n")
    for path in share.root.rglob("*.*"):
        path.chmod(0o644)
    share.scan(CLI(), "--retention-days", "365")
    return share


def line(stdout: str, path: Path) -> str:
    """The output line about ``path``, its spacing folded."""
    found = [" ".join(x.split()) for x in stdout.splitlines() if f" {path}" in x]
    assert len(found) == 1, stdout
    return found[0]


def log_entries(share: Share) -> list[dict[str, object]]:
    log = share.state / "state.quarantine.jsonl"
    return [json.loads(line) for line in log.read_text("utf-8").splitlines()]


def test_dry_run_apply_restore(share: Share, tmp_path: Path) -> None:
    cli = CLI()
    quarantine = tmp_path / "quarantine"
    client, memo = share.root / CLIENT, share.root / MEMO
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (client, memo)}

    dry = cli.run("quarantine", f"--state={share.state}", "--to", str(quarantine))
    assert dry.returncode == 0, dry.stderr
    assert "dry run, nothing changed (add --apply)" in dry.stdout
    assert line(dry.stdout, client) == f"would move {client} -> {quarantine / CLIENT}"
    assert "重大 critical: " in dry.stdout and "個人番号 (My Number) 3" in dry.stdout
    assert str(share.root / "営業/clean.txt") not in dry.stdout
    assert dry.stdout.rstrip().endswith("piiscan: 3 would move")
    assert client.exists() and not quarantine.exists()
    assert not (share.state / "state.quarantine.jsonl").exists()  # a dry run writes nothing

    with memo.open("a", encoding="utf-8") as fh:  # changed after the scan: refused
        fh.write("追記\n")
    done = cli.run("quarantine", f"--state={share.state}", "--to", str(quarantine), "--apply",
                   "--stub", "--stub-message", "情報システム部 内線 1234")
    assert done.returncode == 1, done.stderr  # one refusal
    assert line(done.stdout, memo).startswith(f"refused {memo}: changed since the scan (size")
    assert not client.exists() and memo.exists()
    moved = quarantine / CLIENT
    assert moved.read_bytes() == before[client][0]
    assert moved.stat().st_mtime_ns == before[client][1]
    assert stat.S_IMODE(moved.stat().st_mode) == 0o600
    assert stat.S_IMODE(quarantine.stat().st_mode) == 0o700
    stub = client.with_name(client.name + ".piiscan-quarantine.txt")
    notice = stub.read_text("utf-8")
    assert "piiscan により隔離されました" in notice and "情報システム部 内線 1234" in notice
    entries = log_entries(share)
    assert [e["action"] for e in entries] == ["quarantine", "quarantine"]  # client and old
    entry = next(e for e in entries if e["file"] == str(client))
    assert entry["destination"] == str(moved) and entry["method"] == "rename"
    assert entry["reason"]["level"] == "critical"  # type: ignore[index]
    assert entry["reason"]["types"]["MY_NUMBER"] == 3  # type: ignore[index]
    assert entry["mode"] == "0644" and len(str(entry["fingerprint"])) == 64
    assert {"time", "user", "host"} <= set(entry)
    log = share.state / "state.quarantine.jsonl"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600

    again = cli.run("quarantine", f"--state={share.state}", "--to", str(quarantine))
    assert "already done: quarantine" in again.stdout

    dry_restore = cli.run("quarantine", f"--state={share.state}", "--restore")
    assert dry_restore.returncode == 0
    assert line(dry_restore.stdout, client) == f"would restore {client} from {moved}"
    assert not client.exists()
    restored = cli.run("quarantine", f"--state={share.state}", "--restore", "--file",
                       str(client), "--apply")
    assert restored.returncode == 0, restored.stdout
    assert client.read_bytes() == before[client][0]
    assert client.stat().st_mtime_ns == before[client][1]
    assert stat.S_IMODE(client.stat().st_mode) == 0o644
    assert not stub.exists() and not moved.exists()
    assert (quarantine / OLD).exists()  # --file: only that one
    last = log_entries(share)[-1]
    assert last["action"] == "restore" and last["undoes"] == entry["id"]


def test_chmod_and_its_restore(share: Share) -> None:
    cli = CLI()
    client = share.root / CLIENT
    proc = cli.run("quarantine", f"--state={share.state}", "--chmod", "--type", "CREDIT_CARD",
                   "--apply")
    assert proc.returncode == 0, proc.stdout
    assert line(proc.stdout, client) == f"restricted {client} 0644 -> 0600"
    assert str(share.root / MEMO) not in proc.stdout  # no card in the memo
    assert stat.S_IMODE(client.stat().st_mode) == 0o600
    (entry,) = log_entries(share)
    assert entry["action"] == "chmod" and entry["mode"] == "0644"
    assert cli.run("quarantine", f"--state={share.state}", "--restore", "--apply").returncode == 0
    assert stat.S_IMODE(client.stat().st_mode) == 0o644


def test_overdue_filter(share: Share, tmp_path: Path) -> None:
    proc = CLI().run("quarantine", f"--state={share.state}", "--to", str(tmp_path / "q"),
                     "--overdue", "--min-level", "low")
    assert proc.returncode == 0
    assert str(share.root / OLD) in proc.stdout and "保存期間超過" in proc.stdout
    assert str(share.root / CLIENT) not in proc.stdout


def test_links_and_silent_rewrites_are_refused(share: Share, tmp_path: Path) -> None:
    client, memo = share.root / CLIENT, share.root / MEMO
    # same size, same modification time, different bytes: only the keyed hash sees it
    st = client.stat()
    data = bytearray(client.read_bytes())
    data[-2] = ord("0") if data[-2] != ord("0") else ord("1")
    client.write_bytes(bytes(data))
    os.utime(client, ns=(st.st_atime_ns, st.st_mtime_ns))
    # the memo replaced by a link to a file outside the share
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    memo.unlink()
    memo.symlink_to(outside)
    # a folder on the way replaced by a link
    old_folder = share.root / "総務" / "2019"
    shutil.move(str(old_folder), str(tmp_path / "moved-2019"))
    old_folder.symlink_to(tmp_path / "moved-2019")
    proc = CLI().run("quarantine", f"--state={share.state}", "--to", str(tmp_path / "q"),
                     "--apply")
    assert proc.returncode == 1
    assert "same size and time, different content" in proc.stdout
    assert f"{memo}: is a symbolic link now: links are never followed" in proc.stdout
    assert "2019 is a symbolic link or not a folder now" in proc.stdout
    assert outside.read_text("utf-8") == "x" and (tmp_path / "moved-2019" / "old_list.txt").exists()
    assert log_entries(share) == []


@pytest.mark.parametrize(("args", "problem"), [
    (["--to", "{share}/q"], "is inside the scanned folder"),
    (["--to", "{tmp}/open"], "can be opened by other accounts (mode 0755): chmod 700"),
    ([], "say what to do: --to QDIR (move) or --chmod"),
    (["--chmod", "--to", "{tmp}/q"], "say what to do"),
    (["--chmod", "--type", "PASSPORT_NUMBR"], "--type PASSPORT_NUMBR: unknown type"),
    (["--restore", "--chmod"], "--restore takes back what the log records"),
])
def test_usage_errors_are_one_line(share: Share, tmp_path: Path, args: list[str],
                                   problem: str) -> None:
    (tmp_path / "open").mkdir(mode=0o755)
    (tmp_path / "open").chmod(0o755)
    filled = [a.format(share=share.root, tmp=tmp_path) for a in args]
    proc = CLI().run("quarantine", f"--state={share.state}", *filled, "--apply")
    assert proc.returncode == 2, proc.stdout
    assert proc.stderr.count("\n") == 1 and problem in proc.stderr
    assert (share.root / CLIENT).exists()


@pytest.fixture
def other_filesystem() -> Iterator[Path]:
    """A folder on another filesystem than the test's temporary folder (/dev/shm: tmpfs)."""
    folder = Path(tempfile.mkdtemp(prefix="piiscan-q-", dir="/dev/shm"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_across_filesystems_copy_verify_unlink(share: Share, other_filesystem: Path) -> None:
    client = share.root / CLIENT
    assert other_filesystem.stat().st_dev != client.stat().st_dev  # really two filesystems
    data, mtime = client.read_bytes(), client.stat().st_mtime_ns
    target = other_filesystem / "q"
    cli = CLI()
    proc = cli.run("quarantine", f"--state={share.state}", "--to", str(target), "--type",
                   "CREDIT_CARD", "--apply")
    assert proc.returncode == 0, proc.stdout
    moved = target / CLIENT
    assert not client.exists() and moved.read_bytes() == data
    assert moved.stat().st_mtime_ns == mtime and stat.S_IMODE(moved.stat().st_mode) == 0o600
    assert [p.name for p in moved.parent.iterdir()] == [moved.name]  # no temporary left
    (entry,) = log_entries(share)
    assert entry["method"] == "copy"
    assert cli.run("quarantine", f"--state={share.state}", "--restore", "--apply").returncode == 0
    assert client.read_bytes() == data and client.stat().st_mtime_ns == mtime
    assert stat.S_IMODE(client.stat().st_mode) == 0o644 and not moved.exists()
