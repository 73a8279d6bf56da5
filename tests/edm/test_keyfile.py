"""The EDM key file: owner-only, never overwritten, never accepted when others can read it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from piiscan.edm import keyfile
from piiscan.errors import ConfigError, UsageError


def test_a_new_key_is_owner_only_and_readable_back(tmp_path: Path) -> None:
    path = tmp_path / "edm.key"
    keyfile.generate(str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = keyfile.read(str(path))
    assert len(key) == keyfile.KEY_BYTES
    assert key.hex() in path.read_text(encoding="ascii")
    other = tmp_path / "other.key"
    keyfile.generate(str(other))
    assert keyfile.read(str(other)) != key


def test_an_existing_file_is_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "edm.key"
    keyfile.generate(str(path))
    before = path.read_bytes()
    with pytest.raises(UsageError, match="exists"):
        keyfile.generate(str(path))
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["edm.key"]  # no temporary file left


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "edm.key"
    keyfile.generate(str(path))
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match=r"readable or writable by other users \(mode "
                                          r"0644\): run chmod 600"):
        keyfile.read(str(path))


def test_a_bare_hex_line_is_a_key(tmp_path: Path) -> None:
    path = tmp_path / "openssl.key"
    path.write_text("ab" * 32 + "\n", encoding="ascii")
    path.chmod(0o600)
    assert keyfile.read(str(path)) == bytes.fromhex("ab" * 32)


@pytest.mark.parametrize("content", [b"", b"not a key\n", b"ab" * 10, b"\xff\xfe" * 40])
def test_anything_else_is_not_a_key(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "bad.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(ConfigError, match="not an EDM key file"):
        keyfile.read(str(path))


def test_a_missing_key_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="piiscan edm keygen"):
        keyfile.read(str(tmp_path / "none.key"))
