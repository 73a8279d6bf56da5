"""`--key-file`: the state's fingerprint key kept outside the database, for operators who
back up state.db (issue 13)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from statekit import Run

PHONE = "090-3141-5926"


def setup(tmp_path: Path) -> tuple[Path, Path]:
    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text(f"電話 {PHONE}\n", encoding="utf-8")
    key = tmp_path / "keys" / "state.key"
    key.parent.mkdir()
    key.write_bytes(os.urandom(32))
    key.chmod(0o600)
    return share, key


def meta(db: Path) -> dict[str, bytes]:
    with sqlite3.connect(db) as conn:
        return {k: bytes(v) if isinstance(v, bytes) else str(v).encode()
                for k, v in conn.execute("SELECT key, value FROM meta")}


def one_line(result: object) -> str:
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1, lines
    return str(lines[0])


def test_key_lives_outside_the_database(tmp_path: Path, run: Run) -> None:
    share, key = setup(tmp_path)
    state = tmp_path / "state"
    for _ in range(2):
        result = run("scan", str(share), f"--state={state}", f"--key-file={key}", "-q")
        assert result.exit_code == 1, result.output
    stored = meta(state / "state.db")
    assert "hmac_key" not in stored and "key_id" in stored
    assert key.read_bytes() not in (state / "state.db").read_bytes()
    assert run("diff", f"--state={state}").exit_code == 0  # same fingerprints: nothing new
    assert run("history", f"--state={state}").exit_code == 0  # reading needs no key


@pytest.mark.parametrize("problem", ["group-readable", "missing", "short", "folder"])
def test_a_bad_key_file_is_refused_with_one_line(tmp_path: Path, run: Run,
                                                 problem: str) -> None:
    share, key = setup(tmp_path)
    if problem == "group-readable":
        key.chmod(0o640)
        expected = "chmod 600"
    elif problem == "missing":
        key.unlink()
        expected = "no such file"
    elif problem == "short":
        key.write_bytes(b"secret")
        expected = "at least 32"
    else:
        key = key.parent
        expected = "not a file"
    result = run("scan", str(share), f"--state={tmp_path / 'state'}", f"--key-file={key}")
    assert result.exit_code == 2
    line = one_line(result)
    assert str(key) in line and expected in line, line
    assert not (tmp_path / "state" / "state.db").exists() or \
        "key_id" not in meta(tmp_path / "state" / "state.db")


def test_the_wrong_key_or_no_key_is_refused(tmp_path: Path, run: Run) -> None:
    share, key = setup(tmp_path)
    state = f"--state={tmp_path / 'state'}"
    assert run("scan", str(share), state, f"--key-file={key}", "-q").exit_code == 1
    other = tmp_path / "keys" / "other.key"
    other.write_bytes(os.urandom(32))
    other.chmod(0o600)
    wrong = run("scan", str(share), state, f"--key-file={other}", "-q")
    assert wrong.exit_code == 2 and "not the key" in one_line(wrong)
    missing = run("scan", str(share), state, "-q")
    assert missing.exit_code == 2 and "--key-file" in one_line(missing)


def test_a_database_that_keeps_its_own_key_is_not_mixed_with_a_key_file(
        tmp_path: Path, run: Run) -> None:
    share, key = setup(tmp_path)
    state = f"--state={tmp_path / 'state'}"
    assert run("scan", str(share), state, "-q").exit_code == 1
    result = run("scan", str(share), state, f"--key-file={key}", "-q")
    assert result.exit_code == 2 and "keeps its fingerprint key" in one_line(result)


def test_key_file_in_the_config_file_and_without_a_state(tmp_path: Path, run: Run) -> None:
    share, key = setup(tmp_path)
    (tmp_path / ".piiscan.toml").write_text(
        'state = "state"\nkey_file = "keys/state.key"\n', encoding="utf-8")
    assert run("scan", str(share), "-q", cwd=tmp_path).exit_code == 1
    assert "key_id" in meta(tmp_path / "state" / "state.db")
    shown = run("config", "show", str(share), cwd=tmp_path)
    assert f'key_file = "{key}"' in shown.output
    alone = run("scan", str(share), "--no-state", f"--key-file={key}", "-q", cwd=tmp_path)
    assert alone.exit_code == 2 and "--state" in one_line(alone)
