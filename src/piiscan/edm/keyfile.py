"""The EDM key file: the secret that makes the index's hashes unguessable.

    # piiscan EDM key: keep it secret and owner-only (chmod 600) ...
    piiscan-edm-key-v1 5f1c...e9 (64 hex digits: 32 random bytes)

Anyone holding both the index and this key can test guesses (every phone number of a given
area, say) against the index, so the key lives apart from the index: on the machine that
builds it and the ones that scan, readable by their owner only. A key file that others can
read is refused, as ssh refuses a private key. ``openssl rand -hex 32 > KEY`` makes one too
(a bare line of at least 64 hex digits).
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from piiscan.atomic import write_atomic
from piiscan.errors import ConfigError, UsageError

PREFIX = "piiscan-edm-key-v1"
KEY_BYTES = 32
MAX_KEY_FILE = 4096
_KEY_LINE = re.compile(rf"^(?:{PREFIX}\s+)?([0-9a-fA-F]{{64,128}})\s*$", re.MULTILINE)

HEADER = ("# piiscan EDM key: keep it secret and owner-only (chmod 600). With it, anyone who\n"
          "# has the index can test guesses against it; without it the index is useless.\n"
          "# Scans with `--edm INDEX --edm-key` this file; a lost key means rebuilding the index.\n")


def generate(path: str) -> None:
    """Write a new random key to ``path`` (0600); never replaces an existing file."""
    text = f"{HEADER}{PREFIX} {os.urandom(KEY_BYTES).hex()}\n"
    try:
        write_atomic(path, text.encode("ascii"), overwrite=False)
    except FileExistsError:
        raise UsageError(f"{path} exists: a new key would make every index built with the "
                         "old one useless; choose another name (or delete it first)") from None
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror}") from None


def read(path: str) -> bytes:
    """The key in ``path``; refuses a file others can read or write."""
    target = Path(path)
    try:
        st = target.stat()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such EDM key file (make one with "
                          "`piiscan edm keygen -o KEY`)") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the EDM key: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{path}: the EDM key must be a regular file")
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise ConfigError(f"{path}: the EDM key is readable or writable by other users (mode "
                          f"{stat.S_IMODE(st.st_mode):04o}): run chmod 600 {path}")
    if st.st_size > MAX_KEY_FILE:
        raise ConfigError(f"{path}: not an EDM key file (too large)")
    try:
        text = target.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        raise ConfigError(f"{path}: not an EDM key file (expected '{PREFIX} <64 hex digits>')"
                          ) from None
    found = _KEY_LINE.search(text)
    if found is None or len(found.group(1)) % 2:
        raise ConfigError(f"{path}: not an EDM key file (expected '{PREFIX} <64 hex digits>')")
    return bytes.fromhex(found.group(1))
