"""Which files to scan: folders walked in a stable order, or the paths pre-commit passes.

Nothing here opens a file. Non-regular files (FIFOs, sockets, devices) are never opened:
opening a FIFO blocks forever. Symbolic links are listed, not followed, unless asked; when
followed, every directory is entered once, so link loops end. Whatever is not scanned comes
back as a ``Skip`` with its reason.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator

from piiscan.config import Settings
from piiscan.models import FileRef, Skip, SkipKind
from piiscan.sources.ignore import IgnoreRules

_SPECIAL = {
    stat.S_IFIFO: "named pipe (FIFO)",
    stat.S_IFSOCK: "socket",
    stat.S_IFCHR: "character device",
    stat.S_IFBLK: "block device",
}


def display_path(path: str) -> str:
    """A path for reports: '/' separators, and names that are not valid UTF-8 escaped."""
    text = path.replace(os.sep, "/")
    if text.startswith("./"):
        text = text[2:]
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = os.fsencode(path).decode("utf-8", "backslashreplace").replace(os.sep, "/")
    return text


def distinct_paths(paths: list[str]) -> list[str]:
    """Each file once: a path given twice, or one inside a folder also given, is dropped
    (pre-commit passes files only, so this is a set lookup per path, not a walk)."""
    keys = [os.path.abspath(p) for p in paths]
    folders = {k for k, p in zip(keys, paths, strict=True) if os.path.isdir(p)}
    out, seen = [], set()
    for raw, key in zip(paths, keys, strict=True):
        if key not in seen and not (folders and _inside(key, folders)):
            seen.add(key)
            out.append(raw)
    return out


def _inside(key: str, folders: set[str]) -> bool:
    parent = os.path.dirname(key)
    while parent != key:
        if parent in folders:
            return True
        key, parent = parent, os.path.dirname(parent)
    return False


def iter_sources(paths: list[str], settings: Settings) -> Iterator[FileRef | Skip]:
    for raw in distinct_paths(paths):
        try:
            st = os.lstat(raw)
        except FileNotFoundError:
            yield Skip(display_path(raw), "no such file or directory")
            continue
        except OSError as exc:
            yield Skip(display_path(raw), f"cannot access: {exc.strerror}")
            continue
        if stat.S_ISDIR(st.st_mode) or (
            stat.S_ISLNK(st.st_mode) and settings.follow_symlinks and os.path.isdir(raw)
        ):
            ignore = IgnoreRules.for_root(raw, settings.excludes)
            yield from _walk_dir(raw, raw, ignore, settings, set())
        else:
            ignore = IgnoreRules.for_root(".", settings.excludes)
            rel = os.path.relpath(raw) if not os.path.isabs(raw) else raw
            if ignore.matches(rel, is_dir=False):
                yield Skip(display_path(raw), "excluded", SkipKind.EXCLUDED)
                continue
            yield from _file_entry(raw, st, settings, set())


def _walk_dir(root: str, directory: str, ignore: IgnoreRules, settings: Settings,
              seen: set[tuple[int, int]]) -> Iterator[FileRef | Skip]:
    try:
        dir_stat = os.stat(directory)
    except OSError as exc:
        yield Skip(display_path(directory), f"cannot access folder: {exc.strerror}")
        return
    key = (dir_stat.st_dev, dir_stat.st_ino)
    if key in seen:
        yield Skip(display_path(directory), "symbolic link loop — already scanned",
                   SkipKind.UNSUPPORTED)
        return
    seen.add(key)
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except PermissionError:
        yield Skip(display_path(directory), "permission denied (folder)")
        return
    except OSError as exc:
        yield Skip(display_path(directory), f"cannot list folder: {exc.strerror}")
        return
    for entry in entries:
        path = entry.path
        rel = os.path.relpath(path, root)
        try:
            st = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            yield Skip(display_path(path), "file vanished before it could be read")
            continue
        except OSError as exc:
            yield Skip(display_path(path), f"cannot access: {exc.strerror}")
            continue
        is_link = stat.S_ISLNK(st.st_mode)
        is_dir = stat.S_ISDIR(st.st_mode) or (
            is_link and settings.follow_symlinks and os.path.isdir(path)
        )
        if is_dir and entry.name == ".git" and not settings.scan_git_dir:
            continue  # git internals are compressed objects, not the files people wrote
        if ignore.matches(rel, is_dir=is_dir):
            yield Skip(display_path(path), "excluded", SkipKind.EXCLUDED)
            continue
        if is_dir:
            yield from _walk_dir(root, path, ignore, settings, seen)
        else:
            yield from _file_entry(path, st, settings, seen)


def _file_entry(path: str, st: os.stat_result, settings: Settings,
                seen: set[tuple[int, int]]) -> Iterator[FileRef | Skip]:
    shown = display_path(path)
    if stat.S_ISLNK(st.st_mode):
        if not settings.follow_symlinks:
            yield Skip(shown, "symbolic link — not followed (use --follow-symlinks)",
                       SkipKind.UNSUPPORTED)
            return
        try:
            st = os.stat(path)
        except OSError:
            yield Skip(shown, "broken symbolic link", SkipKind.UNSUPPORTED)
            return
    if settings.follow_symlinks:
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return  # the same file reached twice through links: scanned once
        seen.add(key)
    kind = stat.S_IFMT(st.st_mode)
    if kind in _SPECIAL:
        yield Skip(shown, f"{_SPECIAL[kind]} — never opened", SkipKind.UNSUPPORTED)
        return
    if not stat.S_ISREG(st.st_mode):
        yield Skip(shown, "not a regular file", SkipKind.UNSUPPORTED)
        return
    if not os.access(path, os.R_OK):
        yield Skip(shown, "permission denied")
        return
    yield FileRef(path=path, display=shown, size=st.st_size, mtime=st.st_mtime,
                  inode=st.st_ino, mode=st.st_mode, uid=st.st_uid)
