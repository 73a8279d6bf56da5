"""Where files come from: folder walks and explicit paths, and how a file is opened.

A ``FileRef`` is opened where it is scanned (this process, a worker, a cluster node): a local
file by its path, anything else by the opener registered for its origin's scheme. Openers
are imported only when a file of their scheme appears, so the base install and a
pre-commit run never import a remote filesystem library.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import BinaryIO

from piiscan.models import FileRef

Opener = Callable[[FileRef], BinaryIO]

# URL scheme -> "module:function" under piiscan.sources that opens a FileRef of that origin.
OPENERS: dict[str, str] = {
    "s3": "remote:open_remote", "smb": "remote:open_remote",
    "git": "git:open_blob",  # a blob of a git repository (piiscan git, scan --staged)
}


def scheme(origin: str) -> str:
    return origin.split(":", 1)[0].lower()


def is_url(text: str) -> bool:
    """``scheme://...``: a remote source (piiscan.sources.remote), not a local path."""
    name, sep, _ = text.partition("://")
    return bool(sep) and name.isascii() and name.isalnum()


def open_ref(ref: FileRef) -> BinaryIO:
    """The bytes of one file, wherever it lives. Raises OSError (FileNotFoundError,
    PermissionError...) like ``open`` does, so every source fails the same way."""
    if ref.origin is None:
        return open(ref.path, "rb")
    name = scheme(ref.origin)
    target = OPENERS.get(name)
    if target is None:
        raise OSError(f"no reader for '{name}:' sources in this installation")
    module_name, _, func = target.partition(":")
    module = importlib.import_module(f"piiscan.sources.{module_name}")
    opener: Opener = getattr(module, func)
    return opener(ref)
