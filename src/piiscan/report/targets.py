"""Where reports go: ``-f FORMAT`` (standard output) and ``-o [FORMAT:]PATH`` (files).

Everything that can be checked before a scan is checked before it, and a mistake is one
line naming the problem and the fix (``UsageError``, exit 2): an unknown format, a path
whose format cannot be told, a folder that does not exist (piiscan never creates folders for
reports), a folder or a device where a file should be, the same file twice, a binary format
for standard output. What can only fail while writing (permissions, a full disk) does not
stop the other reports: ``write_files`` writes every one it can and returns a line for each
it could not.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from piiscan.errors import UsageError
from piiscan.models import ScanResult
from piiscan.report import EXTENSIONS, REGISTRY, STREAMED, write_atomic, write_error, writer

BINARY = frozenset({"xlsx"})  # never written to standard output
_PREFIX = re.compile(r"([A-Za-z][A-Za-z0-9]*):(.+)", re.DOTALL)


@dataclass(frozen=True)
class Target:
    """One ``-o``: the report format and the file, and the words the user typed."""

    format: str
    path: str
    spec: str

    @property
    def streamed(self) -> bool:
        return self.format in STREAMED


def _known(text_only: bool = False) -> str:
    return ", ".join(sorted(f for f in REGISTRY if not (text_only and f in BINARY)))


def stdout_format(name: str) -> str:
    """The ``-f`` format, checked: known, and text (a terminal gets no zip bytes)."""
    fmt = name.lower()
    if fmt not in REGISTRY:
        raise UsageError(f"-f {name}: unknown report format (known: {_known(text_only=True)}"
                         f"; {', '.join(sorted(BINARY))} only with -o)")
    if fmt in BINARY:
        raise UsageError(f"-f {name}: {fmt} is a binary format and does not go to standard "
                         f"output; write it to a file: -o report.{fmt}")
    return fmt


def parse_target(spec: str, fallback: str | None = None) -> Target:
    """``FORMAT:PATH``, else the extension's format, else ``fallback``."""
    prefixed = _PREFIX.fullmatch(spec)
    if prefixed:
        name, path = prefixed.groups()
        if name.lower() not in REGISTRY:
            raise UsageError(f"-o {spec}: unknown report format '{name}' (known: {_known()}); "
                             f"for a file whose name holds a colon, write ./{spec}")
        return Target(name.lower(), path, spec)
    bare = spec[:-1].lower() if spec.endswith(":") else None
    if bare in REGISTRY:
        raise UsageError(f"-o {spec} names no file; write {bare}:PATH, "
                         f"e.g. {bare}:report{_extension(bare)}")
    fmt = EXTENSIONS.get(Path(spec).suffix.lower()) or fallback
    if fmt is None:
        raise UsageError(f"-o {spec}: cannot tell the report format from the extension "
                         f"(known: {', '.join(sorted(EXTENSIONS))}); write FORMAT:PATH, "
                         f"e.g. json:{spec}")
    return Target(fmt, spec, spec)


def check_targets(targets: list[Target]) -> None:
    """What can be known before the scan: each target is a new or regular file, in a
    folder that exists, named once."""
    seen: dict[str, str] = {}
    for t in targets:
        path = Path(t.path)
        key = os.path.realpath(path)
        if key in seen:
            raise UsageError(f"-o {t.spec}: the same file is named twice (also -o {seen[key]});"
                             " name each report once")
        seen[key] = t.spec
        try:
            mode = path.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            mode = None
        except OSError as exc:
            raise UsageError(f"-o {t.spec}: cannot use this path ({exc.strerror})") from None
        if mode is not None and stat.S_ISDIR(mode):
            raise UsageError(f"-o {t.spec}: is a folder; name a file in it, e.g. "
                             f"{path / ('report' + _extension(t.format))}")
        if mode is not None and not stat.S_ISREG(mode):
            raise UsageError(f"-o {t.spec}: not a regular file (a device or pipe would be "
                             "replaced); for standard output use -f")
        parent = path.parent
        if not parent.is_dir():
            what = "is not a folder" if parent.exists() else "does not exist"
            raise UsageError(f"-o {t.spec}: folder {parent} {what}; create it first (piiscan "
                             "does not create folders for reports)")


def _extension(fmt: str) -> str:
    return next((ext for ext, name in EXTENSIONS.items() if name == fmt), "." + fmt)


def write_files(targets: list[Target], result: ScanResult, *, streamed: bool = True
                ) -> list[str]:
    """Write every target (``streamed``: not those a scan streams as it runs); a target
    that cannot be written is a line in the answer, and the others are written."""
    errors = []
    for t in targets:
        if streamed and t.streamed:
            continue
        write = writer(t.format)
        try:
            write_atomic(t.path, functools.partial(write, result))  # streamed, not held
        except OSError as exc:
            errors.append(write_error(t.path, exc))
    return errors
