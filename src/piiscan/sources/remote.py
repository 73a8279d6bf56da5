"""Files behind URLs: ``s3://bucket/prefix`` and ``smb://[user@]host[:port]/share/path``.

fsspec gives one interface over both (s3fs for S3 and S3-compatible stores, smbprotocol for
SMB 2/3), so this module only maps a URL to a filesystem, walks it the way the local walker
walks a folder (names in order, ``.git`` left out, ``--exclude`` and a ``.piiscanignore`` at
the root honoured), and opens a file for whichever process scans it (``open_remote``,
registered in ``piiscan.sources.OPENERS``). Nothing here is imported unless a URL is scanned.

A remote ``FileRef`` names its URL as ``origin`` (and as ``path`` and ``display``, so every
report shows the URL) and carries what identifies its content: size, modification time and,
for S3, the ETag as ``version``. The incremental cache compares those; the scan never
needs the client to read a remote file.

Credentials come from where the libraries' users keep them, never from the command line:

- S3: the AWS chain (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``, ``AWS_PROFILE``,
  ``~/.aws/config``, instance roles); ``AWS_ENDPOINT_URL`` points at an S3-compatible store.
- SMB: the user from the URL (or ``PIISCAN_SMB_USER``), the password from
  ``PIISCAN_SMB_PASSWORD`` in the environment of the process that reads the file. The
  command line asks for it once when it is not set and a person is at the terminal; a
  password inside the URL is refused (shell history, process lists, reports).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import os
import posixpath
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, BinaryIO
from urllib.parse import unquote, urlsplit

from piiscan.errors import UsageError
from piiscan.models import FileRef, Skip, SkipKind
from piiscan.sources import is_url
from piiscan.sources.ignore import IGNORE_FILE, IgnoreRules

if TYPE_CHECKING:
    from piiscan.config import Settings

PASSWORD_ENV = "PIISCAN_SMB_PASSWORD"
USER_ENV = "PIISCAN_SMB_USER"
SMB_PORT = 445
# A file up to this size is read once and kept (one per thread) for the extractor's next
# open of it: sniffing, the encoding check and the extractor each open a file, and every
# open of a remote file is a round trip.
KEEP_BYTES = 8 * 1024 * 1024
# Ranged reads of a larger S3 object (s3fs reads 50 MB ahead by default: too much for the
# head that sniffing or --max-bytes-per-file read).
S3_BLOCK_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class Scheme:
    extra: str  # the piiscan extra that installs its libraries
    modules: tuple[str, ...]  # what must be importable


SCHEMES: dict[str, Scheme] = {
    "s3": Scheme("s3", ("fsspec", "s3fs")),
    "smb": Scheme("smb", ("fsspec", "smbprotocol")),
}


def missing_extra(scheme: str) -> str | None:
    """The extra to install for this scheme, when its libraries are not importable."""
    spec = SCHEMES[scheme]
    if all(importlib.util.find_spec(m) is not None for m in spec.modules):
        return None
    return spec.extra


@dataclass(frozen=True)
class Remote:
    """One URL, taken apart: which filesystem, and the path on it."""

    url: str  # as given, without a trailing '/'
    scheme: str
    host: str  # S3: the bucket
    port: int | None
    user: str | None
    path: str  # on the filesystem: 'bucket/prefix' (S3), '/share/folder' (SMB)

    @classmethod
    def parse(cls, url: str) -> Remote:
        """The URL's parts, or a UsageError naming what is wrong with it."""
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise UsageError(f"{url}: piiscan reads local paths, s3:// and smb:// URLs, "
                             f"not {scheme}://")
        if parts.password is not None:
            raise UsageError(f"{scheme}://{parts.hostname}...: a password in the URL ends up "
                             f"in shell history, process lists and reports; set "
                             f"{PASSWORD_ENV} instead (piiscan asks for it at a terminal)")
        if parts.query or parts.fragment:
            raise UsageError(f"{url}: a URL to scan has no '?' or '#' part")
        host = parts.hostname or ""
        try:
            port = parts.port
        except ValueError:
            raise UsageError(f"{url}: the port is not a number") from None
        path = unquote(parts.path).rstrip("/")
        if not host:
            raise UsageError(f"{url}: no {'bucket' if scheme == 's3' else 'host'} in the URL")
        if scheme == "s3":
            if parts.username is not None or port is not None:
                raise UsageError(f"{url}: an s3:// URL is s3://bucket/prefix; credentials "
                                 "and endpoint come from the AWS settings (AWS_PROFILE, "
                                 "AWS_ENDPOINT_URL...)")
            fs_path = f"{parts.netloc}{path}"
        else:
            if not path.strip("/"):
                raise UsageError(f"{url}: name the share: smb://[user@]host[:port]/share/path")
            fs_path = path
        user = unquote(parts.username) if parts.username else None
        return cls(url.rstrip("/"), scheme, host, port, user, fs_path)

    def filesystem(self) -> Any:
        """The fsspec filesystem for this URL (fsspec keeps one instance per set of
        arguments in each process, with its connections)."""
        import fsspec

        if self.scheme == "s3":  # listings are read fresh: a long-lived worker sees changes
            return fsspec.filesystem("s3", use_listings_cache=False)
        return fsspec.filesystem(
            "smb", host=self.host, port=self.port or SMB_PORT,
            username=self.user or os.environ.get(USER_ENV) or None,
            password=os.environ.get(PASSWORD_ENV), register_session_retries=2)

    def url_of(self, fs_path: str) -> str:
        """The URL of a file found under this one."""
        rel = fs_path[len(self.path):].lstrip("/") if fs_path.startswith(self.path) else ""
        return f"{self.url}/{rel}" if rel else self.url

    def needs_password(self) -> bool:
        return self.scheme == "smb" and bool(self.user or os.environ.get(USER_ENV))


def check(paths: list[str]) -> list[Remote]:
    """The URLs among ``paths``, parsed, with their libraries installed; else a UsageError
    (exit 2) that names the extra to install."""
    remotes = [Remote.parse(p) for p in paths if is_url(p)]
    for remote in remotes:
        extra = missing_extra(remote.scheme)
        if extra is not None:
            raise UsageError(f"reading {remote.scheme}:// URLs needs piiscan's '{extra}' "
                             f"extra: pip install 'piiscan[{extra}]'")
    return remotes


def ensure_password(paths: list[str], prompt: Callable[[str], str], interactive: bool) -> None:
    """An smb:// URL with a user needs ``PIISCAN_SMB_PASSWORD``: when it is not set, ask once
    (at a terminal) and keep the answer in this process's environment, which the worker
    processes it starts (``--jobs``, ``--cluster local:N``) inherit. Never an argument."""
    if os.environ.get(PASSWORD_ENV) is not None:
        return
    asking = [r for r in check(paths) if r.needs_password()]
    if not asking:
        return
    if not interactive:
        raise UsageError(f"smb:// with a user needs a password: set {PASSWORD_ENV} (never "
                         "in the URL or on the command line)")
    user = asking[0].user or os.environ.get(USER_ENV)
    os.environ[PASSWORD_ENV] = prompt(f"SMB password for {user}@{asking[0].host}")


# --- walking --------------------------------------------------------------------------------


def walk_url(url: str, settings: Settings) -> Iterator[FileRef | Skip]:
    """Every file under ``url`` in name order, as the local walker gives a folder's."""
    remote = Remote.parse(url)
    try:
        fs = remote.filesystem()
        info = fs.info(remote.path)
    except FileNotFoundError:
        yield Skip(remote.url, "no such file or directory")
        return
    except Exception as exc:  # credentials, network, a server's refusal
        yield Skip(remote.url, f"cannot access: {describe(exc)}{_hint(exc)}")
        return
    if info.get("type") != "directory":
        yield from _file_entry(remote, info)
        return
    ignore = _ignore_rules(fs, remote, settings)
    yield from _walk_dir(fs, remote, remote.path, ignore, settings)


def _hint(exc: Exception) -> str:
    """What to do about an error that is the same for every file under a root."""
    if type(exc).__name__ == "NoCredentialsError":  # botocore, through s3fs
        return ("; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY or AWS_PROFILE "
                "(AWS_ENDPOINT_URL for an S3-compatible store)")
    return ""


def _ignore_rules(fs: Any, remote: Remote, settings: Settings) -> IgnoreRules:
    lines = list(settings.excludes)
    with contextlib.suppress(Exception):  # no ignore file there: the excludes alone
        data: bytes = fs.cat_file(f"{remote.path}/{IGNORE_FILE}")
        lines += data.decode("utf-8-sig", errors="replace").splitlines()
    return IgnoreRules.from_lines(lines)


def _walk_dir(fs: Any, remote: Remote, directory: str, ignore: IgnoreRules,
              settings: Settings) -> Iterator[FileRef | Skip]:
    try:
        listed: list[dict[str, Any]] = fs.ls(directory, detail=True)
    except Exception as exc:
        yield Skip(remote.url_of(directory), f"cannot list folder: {describe(exc)}")
        return
    own = directory.rstrip("/")
    entries = sorted((e for e in listed if e["name"].rstrip("/") != own),
                     key=lambda e: posixpath.basename(e["name"].rstrip("/")))
    for entry in entries:
        name = entry["name"].rstrip("/")
        is_dir = entry.get("type") == "directory"
        if is_dir and posixpath.basename(name) == ".git" and not settings.scan_git_dir:
            continue
        rel = name[len(remote.path):].lstrip("/")
        if ignore.matches(rel, is_dir=is_dir):
            yield Skip(remote.url_of(name), "excluded", SkipKind.EXCLUDED)
        elif is_dir:
            yield from _walk_dir(fs, remote, name, ignore, settings)
        else:
            yield from _file_entry(remote, entry)


def _file_entry(remote: Remote, info: dict[str, Any]) -> Iterator[FileRef | Skip]:
    name = info["name"].rstrip("/")
    url = remote.url_of(name)
    if info.get("type") != "file":
        yield Skip(url, "not a regular file", SkipKind.UNSUPPORTED)
        return
    etag = info.get("ETag") or info.get("etag")
    yield FileRef(path=url, display=url, size=int(info.get("size") or 0),
                  mtime=_mtime(info), origin=url,
                  version=str(etag).strip('"') if etag else None)


def _mtime(info: dict[str, Any]) -> float:
    value = info.get("LastModified", info.get("mtime", 0.0))
    if isinstance(value, datetime):
        return value.timestamp()
    return float(value or 0.0)


def describe(exc: BaseException) -> str:
    """One line about a library's error, for a skip's reason."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    name = type(exc).__name__
    return (f"{name}: {text}" if text else name)[:200]


# --- opening ---------------------------------------------------------------------------------


class _Kept(threading.local):
    key: tuple[str, str | None, int, float] | None = None
    data: bytes = b""


_kept = _Kept()


def open_remote(ref: FileRef) -> BinaryIO:
    """The bytes of a remote file (``piiscan.sources.open_ref`` calls this). Errors are
    OSErrors, as ``open`` raises, whatever the library behind the URL raised."""
    assert ref.origin is not None
    key = (ref.origin, ref.version, ref.size, ref.mtime)
    if _kept.key == key:
        return io.BytesIO(_kept.data)
    remote = Remote.parse(ref.origin)
    if remote.needs_password() and os.environ.get(PASSWORD_ENV) is None:
        raise PermissionError(f"no SMB password in this process: set {PASSWORD_ENV}")
    try:
        options = {"block_size": S3_BLOCK_BYTES} if remote.scheme == "s3" else {}
        handle: BinaryIO = remote.filesystem().open(remote.path, "rb", **options)
        if ref.size > KEEP_BYTES:
            return handle
        with handle:
            data = handle.read()
    except OSError:
        raise
    except Exception as exc:
        raise OSError(describe(exc)) from exc
    _kept.key, _kept.data = key, data
    return io.BytesIO(data)
