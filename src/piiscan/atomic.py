"""Files piiscan writes (reports, baselines) appear whole or not at all, owner-only by default:
a report is a map of where personal data lives. A target's folder must exist (piiscan never
creates folders), and the temporary files a killed run left behind are cleaned up."""

from __future__ import annotations

import errno
import os
import re
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

# When this run started: temporary report files older than that, of our naming, owned by
# us and not locked by a writer are what a killed run left behind.
RUN_STARTED = time.time()


def target_folder(path: str | Path) -> Path:
    """The folder a report goes into; it must exist. piiscan never creates it: a typo in
    ``-o`` must not leave new folders (with a default mode) around the file system. The
    command line checks targets before a scan (report.targets); a folder that vanished
    since is an OSError like any other write failure, so the other reports are written."""
    folder = Path(path).absolute().parent
    if not folder.is_dir():
        raise FileNotFoundError(errno.ENOENT, "the folder does not exist (piiscan does not "
                                "create folders)", str(folder))
    return folder


def temporary_for(path: str | Path) -> tuple[BinaryIO, str]:
    """An owner-only temporary file beside ``path``, locked while it is written (a run that
    starts meanwhile leaves it alone), after cleaning up the stale ones of earlier runs."""
    target = Path(path)
    folder = target_folder(target)
    clean_stale_temporaries(folder, target.name)
    import tempfile  # only when a file is written (3 ms a pre-commit run need not pay)

    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, 0o600)
        _lock(fd)
        return os.fdopen(fd, "wb"), tmp
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise


def _lock(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no cleaning of others' files either
        return
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


def clean_stale_temporaries(folder: Path, name: str) -> list[str]:
    """Delete ``.NAME.XXXXXXXX.tmp`` files (our ``mkstemp`` naming for this target) that
    are regular files owned by us, older than this run and not locked by a writer: what a
    run killed while writing left behind. Returns the names removed."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        return []
    pattern = re.compile(rf"\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp")
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return []
    for entry in entries:
        if not pattern.fullmatch(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if (not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid()
                    or st.st_mtime >= RUN_STARTED):
                continue
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a live writer holds it
            os.unlink(entry.path)
            removed.append(entry.name)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def write_atomic(path: str, data: bytes | Callable[[BinaryIO], object], mode: int = 0o600,
                 overwrite: bool = True) -> None:
    """Write a file so that readers see the old or the new content, never half of it.
    ``data`` is the bytes, or a function that writes them to the stream it is given. With
    ``overwrite`` False an existing file is left alone (FileExistsError)."""
    out, tmp = temporary_for(path)
    try:
        with out:
            os.fchmod(out.fileno(), mode)
            if isinstance(data, bytes):
                out.write(data)
            else:
                data(out)
            out.flush()
            os.fsync(out.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if the target exists, atomically
            os.unlink(tmp)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
