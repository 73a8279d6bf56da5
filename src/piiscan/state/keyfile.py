"""``--key-file``: the state's fingerprint key, kept outside the database.

A state database keeps the key of its fingerprints (HMAC-SHA256) inside it by default
(docs/state.md says why). An operator who backs state.db up, or copies it to another
machine, can keep the key elsewhere instead: ``--key-file PATH`` (or ``key_file`` in
.piiscan.toml). The file holds at least 32 random bytes and must be readable by its owner
only, the user running piiscan; the database then records only a key id, so a key file from
another backup is refused rather than silently giving every value a new fingerprint.

    umask 077; head -c 32 /dev/urandom > ~/.config/piiscan/state.key
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from piiscan.errors import ConfigError
from piiscan.mask import key_id as mask_key_id

MIN_BYTES = 32
MAX_BYTES = 4096


def load_key(path: Path) -> bytes:
    """The key in ``path``, refused with one line saying what to fix."""
    where = f"--key-file {path}"
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ConfigError(f"{where}: no such file; create one with "
                          f"(umask 077; head -c 32 /dev/urandom > {path})") from None
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read it: {exc.strerror}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ConfigError(f"{where}: not a file")
    if st.st_uid != os.getuid():
        raise ConfigError(f"{where}: owned by uid {st.st_uid}, not by the user running "
                          "piiscan; a key file must be its owner's alone")
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise ConfigError(f"{where}: readable by group or others (mode "
                          f"{stat.S_IMODE(st.st_mode):04o}); chmod 600 {path}")
    if not MIN_BYTES <= st.st_size <= MAX_BYTES:
        raise ConfigError(f"{where}: {st.st_size} bytes; it must hold at least {MIN_BYTES} "
                          f"random bytes (and at most {MAX_BYTES})")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read it: {exc.strerror}") from None


def key_id(key: bytes) -> str:
    """What the database records about a key kept outside it: enough to tell two keys
    apart, nothing to recover either (computed in piiscan.mask, like every keyed hash)."""
    return mask_key_id(key)
