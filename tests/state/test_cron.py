"""Cron-friendly output: --quiet prints one line, no colours when not on a terminal or when
NO_COLOR is set, and exit codes an alert can act on."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from statekit import Run, make_share

COLOUR = re.compile(r"\x1b\[(?:[0-9;]*;)?(?:3[0-9]|9[0-7]|38;)")


def test_quiet_is_one_line_with_state(tmp_path: Path, run: Run) -> None:
    share = tmp_path / "share"
    make_share(share, 30)
    for _ in range(2):
        result = run("scan", f"--state={tmp_path / 'state'}", str(share), "-q",
                     "-o", str(tmp_path / "r.json"))
        assert result.exit_code == 1
        assert result.stdout.count("\n") == 1 and result.stdout.startswith("piiscan: 30 files")
        assert result.stderr == ""
    (tmp_path / "clean").mkdir()
    (tmp_path / "clean" / "a.txt").write_text("議事録\n", encoding="utf-8")
    result = run("scan", str(tmp_path / "clean"), "-q")
    assert result.exit_code == 0 and result.stdout.count("\n") == 1


def test_no_colour_off_terminal_and_with_no_color(tmp_path: Path, run: Run,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    share = tmp_path / "share"
    make_share(share, 10)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    plain = run("scan", str(share))
    assert "\x1b[" not in plain.stdout  # not a terminal: no escape codes at all
    monkeypatch.setenv("FORCE_COLOR", "1")
    forced = run("scan", str(share))
    assert COLOUR.search(forced.stdout)  # the check can see colours when there are some
    monkeypatch.setenv("NO_COLOR", "1")
    assert not COLOUR.search(run("scan", str(share)).stdout)
