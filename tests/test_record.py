"""The run record: who ran a scan, where, over what."""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest

from piiscan.config import Settings
from piiscan.record import account_name, build_run_record


def test_record_names_the_account_the_scope_and_the_ignore_files(tmp_path: Path) -> None:
    (tmp_path / "share").mkdir()
    (tmp_path / "share" / ".piiscanignore").write_text("*.tmp\n", encoding="utf-8")
    settings = Settings(excludes=("*.bak",), retention_days=30, rule_dirs=(str(tmp_path),))
    record = build_run_record([str(tmp_path / "share"), str(tmp_path / "x.txt")], settings,
                              "abc", 35)
    assert record.account == pwd.getpwuid(os.geteuid()).pw_name
    assert record.roots == (str(tmp_path / "share"), str(tmp_path / "x.txt"))
    assert record.ignore_files == (str(tmp_path / "share" / ".piiscanignore"),)
    assert record.excludes == ("*.bak",) and record.retention_days == 30
    assert dict(record.limits)["max_file_size"] == settings.limits.max_file_size
    assert record.rule_sources == (str(tmp_path),) and record.rule_count == 35
    assert record.host and record.python_version and record.platform


def test_account_is_not_taken_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    assert account_name().split()[0] == pwd.getpwuid(os.geteuid()).pw_name
    if os.geteuid() == 0:
        monkeypatch.setenv("SUDO_USER", "tanaka")
        assert account_name() == "root (sudo by tanaka)"


def test_a_url_is_recorded_as_the_url() -> None:
    """s3:// and smb:// roots are the scope as typed, not a local path made of them."""
    record = build_run_record(["s3://bucket/exports", "smb://files.local/share/人事"],
                              Settings(), "abc", 35)
    assert record.roots == ("s3://bucket/exports", "smb://files.local/share/人事")
    assert record.ignore_files == ()
