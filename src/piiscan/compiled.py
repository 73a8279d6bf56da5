"""Compiled things kept between runs, so a pre-commit hook does not compile them again.

What is kept is derived from the rules and piiscan's version only, never from a scanned
file: a compiled Hyperscan database of the rules' words, the parsed rule files (YAML kept
as JSON), the dictionaries' word sets, the programs of ``re`` patterns (``piiscan.lazyre``).
Each entry is named by a digest of everything it was made from (the inputs, piiscan's
version, the library's or the interpreter's version), so a stale entry is never used: a
changed rule gets a new name. An entry that cannot be read is made again. It is never a
correctness risk, only a start-up cost.

Where: ``$PIISCAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/piiscan``, else ``~/.cache/piiscan``;
a folder readable by its owner only, files written atomically. ``PIISCAN_CACHE_DIR=off``
turns the cache off. Old entries are removed when the folder holds more than ``KEEP`` of one
kind (``KEEP_OF`` for some).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from piiscan import __version__

ENV = "PIISCAN_CACHE_DIR"
KEEP = 64  # entries of one kind kept; the oldest go first
# re programs: some 30 per interpreter and piiscan version, and several interpreters (a
# pre-commit environment, a development one, a test matrix) may share the folder
KEEP_OF = {"re": 1024}


def cache_dir() -> Path | None:
    """The cache folder, or None when it is off or not safe to trust: a folder that is not
    ours, or that others may write to, could hand piiscan a planted entry."""
    configured = os.environ.get(ENV)
    if configured is not None:
        if configured.strip().lower() in ("", "off", "0", "none"):
            return None
        folder = Path(os.path.expanduser(configured))
    else:
        base = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
        folder = Path(os.path.expanduser(base)) / "piiscan"
    try:
        st = folder.stat()
    except OSError:
        return folder  # made owner-only when first written
    if st.st_uid != os.getuid() or st.st_mode & 0o022:
        return None
    return folder


def key(*parts: bytes | str) -> str:
    """A digest naming an entry: piiscan's version and every input, in order."""
    h = hashlib.sha256(__version__.encode())
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()[:40]


def cached(kind: str, name: str, make: Callable[[], bytes]) -> bytes:
    """The bytes stored under ``kind``/``name``, made (and stored) when missing."""
    data = read(kind, name)
    if data is None:
        data = make()
        store(kind, name, data)
    return data


def read(kind: str, name: str) -> bytes | None:
    """The bytes stored under ``kind``/``name``, or None."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        return (folder / f"{kind}-{name}.bin").read_bytes()
    except OSError:
        return None


def store(kind: str, name: str, data: bytes) -> bool:
    """Keep ``data`` under ``kind``/``name``: owner-only, atomic. False when the cache is off
    or cannot be written (a read-only home, a full disk): nothing is kept, nothing fails."""
    folder = cache_dir()
    if folder is None:
        return False
    path = folder / f"{kind}-{name}.bin"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        return False
    if kind not in _pruned:  # once a process: a first run stores many entries
        _pruned.add(kind)
        _prune(folder, kind)
    return True


class YamlError(Exception):
    """YAML that does not parse: the parser's problem and its 1-based line, when known."""

    def __init__(self, problem: str, line: int | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.line = line


class _NotJson(Exception):
    """Data that JSON would not give back unchanged (a date, a number as a key)."""


def yaml_data(raw: bytes) -> Any:
    """A YAML file's data, kept as JSON under a name made from its bytes. The built-in
    rules, types and column table are parsed once, not by every pre-commit run, and a run
    whose files all hit never imports yaml (8 ms). Data that JSON would change is parsed
    every time instead of being kept."""
    name = key(raw)
    parsed: list[Any] = []

    def make() -> bytes:
        parsed.append(_load_yaml(raw))
        text = json.dumps(parsed[0], ensure_ascii=False)
        if json.loads(text) != parsed[0]:
            raise _NotJson
        return text.encode("utf-8")

    try:
        return json.loads(cached("yaml", name, make))
    except (_NotJson, TypeError):  # TypeError: json.dumps of a date, a set...
        return parsed[0]
    except ValueError:  # a damaged entry: made again
        forget("yaml", name)
        return _load_yaml(raw)


def _load_yaml(raw: bytes) -> Any:
    import yaml  # only when an entry is made: see yaml_data

    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(raw, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlError(problem, mark.line + 1 if mark is not None else None) from None


def forget(kind: str, name: str) -> None:
    """Drop an entry that turned out unreadable (left alone where it cannot be removed)."""
    folder = cache_dir()
    if folder is not None:
        with contextlib.suppress(OSError):
            (folder / f"{kind}-{name}.bin").unlink(missing_ok=True)


_pruned: set[str] = set()  # kinds pruned by this process


def _prune(folder: Path, kind: str) -> None:
    """Keep the newest entries of ``kind`` (``KEEP``, or ``KEEP_OF`` its kind), and no
    temporaries left more than an hour ago by a process that died while writing."""
    keep = KEEP_OF.get(kind, KEEP)
    try:
        entries = sorted(folder.glob(f"{kind}-*.bin"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-keep]:
            old.unlink(missing_ok=True)
        stale = time.time() - 3600
        for tmp in folder.glob(".*.tmp"):
            if tmp.stat().st_mtime < stale:
                tmp.unlink(missing_ok=True)
    except OSError:  # another process pruned first
        return
