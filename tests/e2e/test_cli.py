"""The real command line: exit codes, skips with reasons, masking, report files."""

from __future__ import annotations

import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from clirunner import CLI

MY_NUMBER = "123456789018"
CARD = "4980123456789011"


def make_share(root: Path) -> Path:
    share = root / "share"
    share.mkdir()
    (share / "memo.txt").write_text(f"マイナンバー：{MY_NUMBER}\nカード {CARD}\n", encoding="utf-8")
    (share / "clean.txt").write_text("議事録：特記事項なし。\n", encoding="utf-8")
    return share


def test_findings_exit_1_and_masked_by_default(tmp_path: Path, cli: CLI) -> None:
    share = make_share(tmp_path)
    proc = cli.run("scan", str(share))
    assert proc.returncode == 1, proc.stderr
    assert "memo.txt" in proc.stdout
    assert "個人番号 (My Number)" in proc.stdout
    assert MY_NUMBER not in proc.stdout and CARD not in proc.stdout
    assert "**** **** 9011" not in proc.stdout  # unseparated cards stay unseparated
    assert "************9011" in proc.stdout


def test_clean_exit_0(tmp_path: Path, cli: CLI) -> None:
    share = make_share(tmp_path)
    (share / "memo.txt").unlink()
    proc = cli.run("scan", str(share))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no personal data found" in proc.stdout


def test_fail_on_threshold(tmp_path: Path, cli: CLI) -> None:
    share = tmp_path / "s"
    share.mkdir()
    (share / "a.txt").write_text("郵便番号 100-0001\n", encoding="utf-8")  # severity low
    assert cli.run("scan", str(share)).returncode == 1
    assert cli.run("scan", str(share), "--fail-on", "medium").returncode == 0


def test_show_values_reveals_and_warns(tmp_path: Path, cli: CLI) -> None:
    share = make_share(tmp_path)
    proc = cli.run("scan", str(share), "--show-values", "-f", "json")
    assert "warning: --show-values" in proc.stderr
    values = [f.get("value") for fr in json.loads(proc.stdout)["files"] for f in fr["findings"]]
    assert MY_NUMBER in values


def test_report_file_is_owner_only_and_json_masked(tmp_path: Path, cli: CLI) -> None:
    share = make_share(tmp_path)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "report.json"
    proc = cli.run("scan", str(share), "-o", str(out), "--quiet")
    assert proc.returncode == 1
    assert proc.stdout.count("\n") == 1 and proc.stdout.startswith("piiscan: 2 files scanned")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    data = out.read_text(encoding="utf-8")
    assert MY_NUMBER not in data and CARD not in data
    report = json.loads(data)
    assert report["schema"] == "piiscan-report" and report["version"] == 1
    assert list(report) == ["schema", "version", "tool", "scan", "summary", "files", "skipped",
                            "rules", "types"]


def test_skips_have_reasons_and_exit_3(open_dir: Path, cli: CLI) -> None:
    share = open_dir / "share"
    share.mkdir(mode=0o755)
    os.mkfifo(share / "pipe")
    (share / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))  # a PNG named .txt
    (share / "blob.bin").write_bytes(bytes(range(256)) * 40)
    (share / "big.txt").write_text("x" * 3000, encoding="utf-8")
    (share / "ok.txt").write_text("nothing here\n", encoding="utf-8")
    secret = share / "secret.txt"
    secret.write_text(f"マイナンバー {MY_NUMBER}\n", encoding="utf-8")
    secret.chmod(0)
    # Root reads everything: as root, run the scan as 'nobody' so the file is unreadable.
    as_user = 65534 if os.geteuid() == 0 else None
    if as_user is not None:
        assert shutil.which("setpriv"), "setpriv (util-linux) is needed to drop privileges"
        for path in share.iterdir():
            if path.name != "secret.txt" and not path.is_fifo():
                path.chmod(0o644)
    proc = cli.run("scan", str(share), "--max-file-size", "2K", "-f", "json", user=as_user)
    assert proc.returncode == 3, proc.stderr
    report = json.loads(proc.stdout)
    reasons = {Path(s["path"]).name: (s["kind"], s["reason"]) for s in report["skipped"]}
    for fr in report["files"]:
        for s in fr["skips"]:
            reasons[Path(s["path"]).name] = (s["kind"], s["reason"])
    assert reasons["pipe"] == ("unsupported", "named pipe (FIFO) — never opened")
    assert reasons["photo.txt"] == ("unsupported", "image — not scanned without OCR")
    assert reasons["blob.bin"] == ("unsupported", "binary file — no text to scan")
    assert reasons["big.txt"][0] == "error" and "--max-file-size" in reasons["big.txt"][1]
    assert reasons["secret.txt"] == ("error", "permission denied")
    assert report["summary"]["unreadable"] == 2
    assert {Path(f["path"]).name for f in report["files"]} >= {"ok.txt", "big.txt"}


def test_broken_rule_file_exits_2_naming_file_rule_and_field(tmp_path: Path, cli: CLI) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "bad.yaml").write_text(
        "rules:\n  - id: acme.bad\n    name: x\n    type: PHONE\n    category: 個人情報\n"
        "    severity: urgent\n    pattern: 'x'\n    examples: {match: [x], no_match: [y]}\n",
        encoding="utf-8")
    proc = cli.run("scan", str(tmp_path), "--rules", str(rules))
    assert proc.returncode == 2
    assert str(rules / "bad.yaml") in proc.stderr
    assert "rule 'acme.bad'" in proc.stderr and "field 'severity'" in proc.stderr
    assert proc.stdout == ""


def test_usage_error_exits_2(cli: CLI) -> None:
    assert cli.run("scan").returncode == 2
    assert cli.run("scan", ".", "-o", "report.unknown").returncode == 2


def test_rules_list_and_test(cli: CLI) -> None:
    listed = cli.run("rules", "list")
    assert listed.returncode == 0 and "jp.my_number" in listed.stdout
    tested = cli.run("rules", "test")
    assert tested.returncode == 0
    assert tested.stdout.strip().endswith("0 failed")


def test_rules_test_reports_failing_example(tmp_path: Path, cli: CLI) -> None:
    (tmp_path / "r.yaml").write_text(
        "rules:\n  - id: acme.id\n    name: x\n    type: PHONE\n    category: 個人情報\n"
        "    severity: low\n    pattern: 'ACME-[0-9]+'\n"
        "    examples: {match: ['ACME-12', 'nothing'], no_match: ['ACME-1']}\n",
        encoding="utf-8")
    proc = cli.run("rules", "test", str(tmp_path))
    assert proc.returncode == 1
    assert "match example 'nothing'" in proc.stdout
    assert "no_match example 'ACME-1'" in proc.stdout


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help(cli: CLI, flag: str) -> None:
    proc = cli.run(flag)
    assert proc.returncode == 0
    if flag == "--help":
        assert "Exit codes" in proc.stdout and "scan" in proc.stdout
