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
kind.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from piiscan import __version__

ENV = "PIISCAN_CACHE_DIR"
KEEP = 64  # entries of one kind kept; the oldest go first


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
    folder = cache_dir()
    path = folder / f"{kind}-{name}.bin" if folder is not None else None
    if path is not None:
        try:
            return path.read_bytes()
        except OSError:
            pass
    data = make()
    if path is not None:
        _store(path, data)
    return data


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
    """Drop an entry that turned out unreadable."""
    folder = cache_dir()
    if folder is not None:
        (folder / f"{kind}-{name}.bin").unlink(missing_ok=True)


def _store(path: Path, data: bytes) -> None:
    """Owner-only, atomic; a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
        _prune(path)
    except OSError:
        return


def _prune(path: Path) -> None:
    """Keep the newest ``KEEP`` entries of the kind just stored, and no stale temporaries."""
    folder = path.parent
    kind = path.name.partition("-")[0]
    entries = sorted(folder.glob(f"{kind}-*.bin"), key=lambda p: p.stat().st_mtime)
    for old in [*entries[:-KEEP], *folder.glob(".*.tmp")]:
        if old.suffix == ".bin" or old.stat().st_mtime < entries[-1].stat().st_mtime - 3600:
            old.unlink(missing_ok=True)
