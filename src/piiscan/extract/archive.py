"""Archives: .zip, .tar (plain or compressed) and single-file .gz.

Members are read into memory one at a time, never written to disk, and handed to
``ctx.nested`` (which enforces the nesting depth and charges the file's decompression
budget, ``extract.Budget``). Before reading, declared sizes and compression ratios are
checked against ``ctx.limits``; while reading, the same limits are enforced again, because
declared sizes can lie.
"""

from __future__ import annotations

import gzip
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, BinaryIO, Protocol

from piiscan.extract import describe_error
from piiscan.extract.sniff import detect_kind
from piiscan.models import Skip, SkipKind

if TYPE_CHECKING:
    from piiscan.config import Limits
    from piiscan.extract import Blob, ExtractContext, Item


_PIECE = 1 << 20
# Below this size even an extreme ratio is harmless (a 50 KiB file of blanks compresses
# 300:1); the ratio only flags members big enough to hurt.
RATIO_MIN_SIZE = 1 << 20
_UTF8_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_MiB = 1024 * 1024
ENCRYPTED_REASON = "encrypted archive member — not scanned (password required)"
SYMLINK_REASON = "symbolic link in the archive — not followed"


class _Readable(Protocol):
    def read(self, size: int = -1, /) -> bytes: ...


class _Refused(Exception):
    """A member that must not be read; the message is the skip reason."""


def extract(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    kind = detect_kind(blob)
    if kind == "gzip":
        yield from _gzip(blob, ctx)
    elif kind == "tar":
        yield from _tar(blob, ctx, compressed=False)
    else:
        yield from _zip(blob, ctx)


# --- shared limits -----------------------------------------------------------------------


def bomb_reason(size: int, compressed: int, limits: Limits) -> str | None:
    """Why a member of ``size`` bytes packed into ``compressed`` bytes looks like a bomb."""
    if size <= RATIO_MIN_SIZE:
        return None
    ratio = size / max(compressed, 1)
    if ratio > limits.archive_ratio:
        return f"possible zip bomb: compression ratio {ratio:,.0f}:1"
    return None


def _too_big(limits: Limits) -> str:
    return f"member larger than {limits.member_size // _MiB} MiB — not scanned"


def read_capped(stream: _Readable, compressed: int, ctx: ExtractContext) -> bytes:
    """Read a member in pieces, stopping as soon as it breaks a size or ratio limit."""
    limits = ctx.limits
    pieces: list[bytes] = []
    total = 0
    while True:
        ctx.check_time()
        piece = stream.read(_PIECE)
        if not piece:
            return b"".join(pieces)
        total += len(piece)
        if total > limits.member_size:
            raise _Refused(_too_big(limits))
        reason = bomb_reason(total, compressed, limits)
        if reason:
            raise _Refused(reason)
        pieces.append(piece)


def _member_display(blob: Blob, name: str) -> str:
    return f"{blob.display}!{name}"


def _too_many(blob: Blob, limits: Limits, remaining: int | None) -> Skip:
    rest = f"the remaining {remaining:,}" if remaining is not None else "the rest"
    return Skip(
        blob.display,
        f"archive has more than {limits.archive_members:,} members; {rest} were not scanned",
    )


# --- zip -----------------------------------------------------------------------------------


def _zip(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    with blob.open() as stream:
        try:
            archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            yield Skip(blob.display, describe_error("zip", exc))
            return
        with archive:
            infos = archive.infolist()
            for info in infos:
                if _is_link(info):
                    yield Skip(_member_display(blob, zip_member_name(info)), SYMLINK_REASON,
                               SkipKind.UNSUPPORTED)
            members = [info for info in infos if _is_file(info)]
            limit = ctx.limits.archive_members
            for info in members[:limit]:
                ctx.check_time()
                yield from _zip_member(archive, info, blob, ctx)
            if len(members) > limit:
                yield _too_many(blob, ctx.limits, len(members) - limit)


def _is_link(info: zipfile.ZipInfo) -> bool:
    return stat.S_ISLNK(info.external_attr >> 16)


def _is_file(info: zipfile.ZipInfo) -> bool:
    # Directories and symlinks hold no content of their own (links are listed as skips).
    return not info.is_dir() and not _is_link(info)


def zip_member_name(info: zipfile.ZipInfo) -> str:
    """The member's name; without the UTF-8 flag, Japanese tools wrote CP932 bytes."""
    name = info.filename
    if info.flag_bits & _UTF8_FLAG or name.isascii():
        return name
    try:
        raw = name.encode("cp437")
    except UnicodeEncodeError:
        return name
    for encoding in ("utf-8", "cp932"):  # UTF-8 without the flag: macOS and some tools
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return name


def _zip_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, blob: Blob, ctx: ExtractContext
) -> Iterator[Item]:
    name = zip_member_name(info)
    try:
        _check_declared(info, ctx.limits)
        with archive.open(info) as member:
            data = read_capped(member, info.compress_size, ctx)
    except _Refused as refused:
        yield Skip(_member_display(blob, name), str(refused))
        return
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
        yield Skip(_member_display(blob, name), describe_error("zip member", exc))
        return
    yield from ctx.nested(blob.child(name, data))


def _check_declared(info: zipfile.ZipInfo, limits: Limits) -> None:
    if info.flag_bits & _ENCRYPTED_FLAG:
        raise _Refused(ENCRYPTED_REASON)
    if info.file_size > limits.member_size:
        raise _Refused(_too_big(limits))
    reason = bomb_reason(info.file_size, info.compress_size, limits)
    if reason:
        raise _Refused(reason)


# --- tar -----------------------------------------------------------------------------------


def _tar(blob: Blob, ctx: ExtractContext, compressed: bool) -> Iterator[Item]:
    """Stream a tar, plain or gzipped: members in order, no seeking back."""
    with blob.open() as stream:
        try:
            archive = _open_tar(stream, compressed)
        except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
            yield Skip(blob.display, describe_error("tar", exc))
            return
        with archive:
            try:
                yield from _tar_members(archive, blob, ctx, compressed)
            except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
                yield Skip(blob.display, describe_error("tar", exc))


def _open_tar(stream: BinaryIO, compressed: bool) -> tarfile.TarFile:
    if compressed:
        return tarfile.open(fileobj=stream, mode="r|gz")
    return tarfile.open(fileobj=stream, mode="r|")


def _tar_members(
    archive: tarfile.TarFile, blob: Blob, ctx: ExtractContext, compressed: bool
) -> Iterator[Item]:
    limits = ctx.limits
    count = expanded = 0
    for info in archive:
        ctx.check_time()
        if info.isdir():
            continue
        if not info.isreg():  # links and devices: no content of their own, but listed
            yield Skip(_member_display(blob, tar_member_name(info)), _no_content(info),
                       SkipKind.UNSUPPORTED)
            continue
        count += 1
        if count > limits.archive_members:
            yield _too_many(blob, limits, None)
            return
        expanded += info.size
        reason = bomb_reason(expanded, blob.size, limits) if compressed else None
        if reason:
            yield Skip(blob.display, f"{reason}; the rest of the archive was not scanned")
            return
        yield from _tar_member(archive, info, blob, ctx)


def _no_content(info: tarfile.TarInfo) -> str:
    if info.issym():
        return SYMLINK_REASON
    if info.islnk():
        return ("hard link in the archive — its content is scanned under the member it "
                "links to")
    return "special file in the archive (device or FIFO) — no content to scan"


def tar_member_name(info: tarfile.TarInfo) -> str:
    """Tar names are raw bytes; tarfile decodes them as UTF-8 with surrogates."""
    name = info.name
    if not any("\udc80" <= ch <= "\udcff" for ch in name):
        return name
    raw = name.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("cp932")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _tar_member(
    archive: tarfile.TarFile, info: tarfile.TarInfo, blob: Blob, ctx: ExtractContext
) -> Iterator[Item]:
    name = tar_member_name(info)
    if info.size > ctx.limits.member_size:
        yield Skip(_member_display(blob, name), _too_big(ctx.limits))
        return
    member = archive.extractfile(info)
    if member is None:
        return
    try:
        # A tar member is stored, not compressed: its size is its own "compressed" size.
        data = read_capped(member, max(info.size, 1), ctx)
    except _Refused as refused:
        yield Skip(_member_display(blob, name), str(refused))
        return
    yield from ctx.nested(blob.child(name, data))


# --- gzip ----------------------------------------------------------------------------------


def _gzip(blob: Blob, ctx: ExtractContext) -> Iterator[Item]:
    inner = gzip_member_name(blob.name)
    if inner.lower().endswith(".tar") or _gunzipped_is_tar(blob):
        yield from _tar(blob, ctx, compressed=True)
        return
    try:
        with blob.open() as stream, gzip.GzipFile(fileobj=stream) as member:
            data = read_capped(member, blob.size, ctx)
    except _Refused as refused:
        yield Skip(_member_display(blob, inner), str(refused))
        return
    except (gzip.BadGzipFile, EOFError, zlib.error, OSError) as exc:
        yield Skip(blob.display, describe_error("gzip", exc))
        return
    yield from ctx.nested(blob.child(inner, data))


def gzip_member_name(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    lower = base.lower()
    if lower.endswith(".tgz"):
        return base[:-4] + ".tar"
    if lower.endswith(".gz") and len(base) > 3:
        return base[:-3]
    return base


def _gunzipped_is_tar(blob: Blob) -> bool:
    try:
        with blob.open() as stream, gzip.GzipFile(fileobj=stream) as member:
            head = member.read(512)
    except (gzip.BadGzipFile, EOFError, zlib.error, OSError):
        return False
    return len(head) >= 262 and head[257:262] == b"ustar"
