"""File operations that never follow a symbolic link and never lose a file.

Every path below a scan root (or the quarantine folder) is opened one component at a time
with ``O_NOFOLLOW``, relative to the folder before it (``openat``): a link planted anywhere
in the share makes the operation refuse, never act elsewhere. The file is checked through
its open descriptor, so what is checked is what is moved.

A move within one filesystem is a ``rename`` (atomic), checked afterwards: if another file
took the name in between, it is renamed back and the move refused. Across filesystems it is
copy, fsync, verify (the copy's keyed hash is recomputed from disk), rename into place,
fsync the folder, and only then unlink the original, after checking the name still points at
the file that was copied. A crash at any step leaves the file in at least one of the two
places.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

from piiscan.mask import ContentFingerprinter

OWNER_ONLY = 0o700  # the permission bits a quarantined file keeps
RENAME_WITHIN_FILESYSTEM = True  # tests: False, to take the copy path on one filesystem
_READ = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


class Refused(Exception):
    """This file is left alone; the message says why."""


class Missing(Refused):
    """A folder on the way does not exist (a dry run may still go on: it would be made)."""


@dataclass(frozen=True)
class Seen:
    """The file as the scan saw it (the state's run_files)."""

    size: int
    mtime: float
    inode: int
    content: str | None


def _why(exc: OSError) -> str:
    return exc.strerror or str(exc)


def open_folder(base: str, parts: list[str], create: bool = False) -> int:
    """A descriptor of ``base/parts...``, following no link below ``base`` (``base`` itself
    is the folder the user named). ``create`` makes missing folders, owner-only."""
    try:
        fd = os.open(base, os.O_RDONLY | os.O_DIRECTORY)
    except FileNotFoundError:
        raise Missing(f"the folder {base} does not exist") from None
    except OSError as exc:
        raise Refused(f"cannot open the folder {base}: {_why(exc)}") from None
    try:
        for part in parts:
            if part in ("", ".", ".."):
                raise Refused(f"unexpected path component {part!r}")
            if create:
                with suppress(FileExistsError):
                    os.mkdir(part, 0o700, dir_fd=fd)
            try:
                child = os.open(part, _DIR, dir_fd=fd)
            except FileNotFoundError:
                raise Missing(f"the folder {part} does not exist") from None
            except OSError as exc:
                if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise Refused(f"{part} is a symbolic link or not a folder now: "
                                  "links are never followed") from None
                raise Refused(f"cannot open the folder {part}: {_why(exc)}") from None
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd


def exists(dir_fd: int, name: str) -> bool:
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


@dataclass
class Opened:
    """A regular file opened through its folder: what was checked is what is acted on."""

    dir_fd: int
    name: str
    fd: int
    st: os.stat_result

    def same_name(self) -> bool:
        """Does the file's name still point at this file?"""
        try:
            now = os.stat(self.name, dir_fd=self.dir_fd, follow_symlinks=False)
        except OSError:
            return False
        return (now.st_dev, now.st_ino) == (self.st.st_dev, self.st.st_ino)

    def unchanged(self) -> bool:
        now = os.fstat(self.fd)
        return (now.st_size, now.st_mtime_ns) == (self.st.st_size, self.st.st_mtime_ns)


@contextmanager
def open_file(base: str, rel: str) -> Iterator[Opened]:
    """Open ``base/rel`` (a '/'-separated relative path) without following any link."""
    *folders, name = rel.split("/")
    dir_fd = open_folder(base, folders)
    try:
        try:
            fd = os.open(name, _READ, dir_fd=dir_fd)
        except FileNotFoundError:
            raise Refused("no longer exists (moved or deleted since the scan)") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise Refused("is a symbolic link now: links are never followed") from None
            raise Refused(f"cannot open it: {_why(exc)}") from None
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                raise Refused("is not a regular file now")
            yield Opened(dir_fd, name, fd, st)
        finally:
            os.close(fd)
    finally:
        os.close(dir_fd)


def check(opened: Opened, seen: Seen, hasher: ContentFingerprinter) -> str:
    """The file's keyed content hash, if it is still what the scan saw; else Refused with
    what differs."""
    st = opened.st
    if st.st_ino != seen.inode:
        raise Refused("replaced since the scan (another file has its name now)")
    if st.st_size != seen.size:
        raise Refused(f"changed since the scan (size {seen.size:,} -> {st.st_size:,} bytes)")
    if st.st_mtime != seen.mtime:
        raise Refused("changed since the scan (modified again after it was scanned)")
    if seen.content is None:
        raise Refused("changed while it was being scanned: scan again before acting on it")
    content = hasher.of_fd(opened.fd)
    if content != seen.content:
        raise Refused("changed since the scan (same size and time, different content)")
    if not opened.unchanged():
        raise Refused("changed while being checked")
    return content


def owner_only(mode: int) -> int:
    return stat.S_IMODE(mode) & OWNER_ONLY


def restore_owner(fd: int, uid: int, gid: int) -> None:
    """Give a copy its original owner back when running as root (a copy belongs to whoever
    made it); elsewhere the owner cannot change and the copy is the caller's."""
    if hasattr(os, "geteuid") and os.geteuid() == 0 and uid >= 0:
        os.fchown(fd, uid, gid)


def move(opened: Opened, dest_fd: int, dest_name: str, hasher: ContentFingerprinter,
         content: str, mode: int, uid: int = -1, gid: int = -1) -> str:
    """Move the opened file to ``dest_fd/dest_name`` with permission bits ``mode``;
    'rename' or 'copy'. Raises Refused with the file where it was."""
    if exists(dest_fd, dest_name):
        raise Refused(f"{dest_name} already exists at the destination: nothing moved")
    if RENAME_WITHIN_FILESYSTEM and os.fstat(dest_fd).st_dev == opened.st.st_dev:
        _rename(opened, dest_fd, dest_name)
        with suppress(PermissionError):  # not the owner: the quarantine folder is owner-only
            os.fchmod(opened.fd, mode)
        return "rename"
    _copy(opened, dest_fd, dest_name, hasher, content, mode, uid, gid)
    return "copy"


def _rename(opened: Opened, dest_fd: int, dest_name: str) -> None:
    try:
        os.rename(opened.name, dest_name, src_dir_fd=opened.dir_fd, dst_dir_fd=dest_fd)
    except OSError as exc:
        raise Refused(f"cannot move it: {_why(exc)}") from None
    moved = os.stat(dest_name, dir_fd=dest_fd, follow_symlinks=False)
    if (moved.st_dev, moved.st_ino) != (opened.st.st_dev, opened.st.st_ino) \
            or not opened.unchanged():
        os.rename(dest_name, opened.name, src_dir_fd=dest_fd, dst_dir_fd=opened.dir_fd)
        raise Refused("changed while being moved: put back, nothing moved")
    os.fsync(dest_fd)
    os.fsync(opened.dir_fd)


def _copy(opened: Opened, dest_fd: int, dest_name: str, hasher: ContentFingerprinter,
          content: str, mode: int, uid: int, gid: int) -> None:
    tmp = f".{dest_name}.piiscan-{os.getpid()}.tmp"
    out = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600,
                  dir_fd=dest_fd)
    placed = False
    try:
        try:
            running = hasher.start()
            offset = 0
            while chunk := os.pread(opened.fd, hasher.CHUNK, offset):
                view = memoryview(chunk)
                while view:
                    view = view[os.write(out, view):]
                running.update(chunk)
                offset += len(chunk)
            os.fsync(out)
            if running.hexdigest() != content or not opened.unchanged():
                raise Refused("changed while being copied: nothing moved")
            if hasher.of_fd(out) != content:
                raise Refused("the copy does not verify (the destination's disk?): nothing "
                              "moved")
            os.utime(out, ns=(opened.st.st_atime_ns, opened.st.st_mtime_ns))
            restore_owner(out, uid, gid)
            os.fchmod(out, mode)
            os.fsync(out)
        finally:
            os.close(out)
        if exists(dest_fd, dest_name):
            raise Refused(f"{dest_name} appeared at the destination: nothing moved")
        os.rename(tmp, dest_name, src_dir_fd=dest_fd, dst_dir_fd=dest_fd)
        placed = True
        os.fsync(dest_fd)
        if not opened.same_name():
            raise Refused("replaced while being copied: the original was left in place")
        try:
            os.unlink(opened.name, dir_fd=opened.dir_fd)
        except OSError as exc:
            raise Refused(f"cannot remove the original ({_why(exc)}): nothing moved") from None
        os.fsync(opened.dir_fd)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(dest_name if placed else tmp, dir_fd=dest_fd)
        raise


def write_stub(dir_fd: int, name: str, text: str) -> None:
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644,
                 dir_fd=dir_fd)
    try:
        os.write(fd, text.encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.fsync(dir_fd)


def read_small(dir_fd: int, name: str, limit: int = 65536) -> bytes | None:
    try:
        fd = os.open(name, _READ, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        return os.read(fd, limit)
    finally:
        os.close(fd)
