from __future__ import annotations

import io
import struct
import tarfile
import zipfile
from pathlib import Path

import pytest

from piiscan.config import Limits
from piiscan.extract import ExtractContext, Item
from piiscan.extract.archive import (
    ENCRYPTED_REASON,
    _Refused,
    gzip_member_name,
    read_capped,
    zip_member_name,
)
from piiscan.models import SkipKind

import fixtures_containers as fx


def _renders(items: list[Item], text: str) -> set[str]:
    return {s.location.render() for s in fx.segments_of(items) if text in s.text}


def test_cp932_member_names_are_decoded(tmp_path: Path) -> None:
    path = fx.make_zip_cp932_names(tmp_path)
    with zipfile.ZipFile(path) as archive:  # the fixture really has no UTF-8 flag
        assert all(not info.flag_bits & 0x800 for info in archive.infolist())
    items = fx.extract_file(path)
    assert _renders(items, fx.PHONE) == {
        "顧客データ.zip!名簿/顧客一覧.csv!B2",
        "顧客データ.zip!メモ.txt",
    }
    names = [s.text for s in fx.segments_of(items) if s.location.part == "filename"]
    assert names == ["顧客一覧.csv", "メモ.txt"]


def test_member_name_decoding_rules() -> None:
    def info(name: str, raw: bytes, utf8_flag: bool) -> zipfile.ZipInfo:
        made = zipfile.ZipInfo(raw.decode("cp437") if not utf8_flag else name)
        made.flag_bits = 0x800 if utf8_flag else 0
        return made

    assert zip_member_name(info("名簿.csv", "名簿.csv".encode("cp932"), False)) == "名簿.csv"
    assert zip_member_name(info("名簿.csv", "名簿.csv".encode(), False)) == "名簿.csv"
    assert zip_member_name(info("名簿.csv", b"", True)) == "名簿.csv"
    assert zip_member_name(info("plain.txt", b"plain.txt", False)) == "plain.txt"
    # bytes that are neither UTF-8 nor CP932 keep zipfile's cp437 reading
    odd = info("", b"\x81\x20x", False)
    assert zip_member_name(odd) == odd.filename


def test_nested_zip_member_chain(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_nested_zip(tmp_path))
    phone = next(s for s in fx.segments_of(items) if s.text == fx.PHONE)
    assert phone.location.render() == "a.zip!inner.zip!list.csv!B2"
    assert phone.location.members == ("inner.zip", "list.csv")
    assert (phone.location.row, phone.header) == (2, "電話番号")
    assert "a.zip!readme.txt" in {s.location.render() for s in fx.segments_of(items)}


def test_nesting_depth_limit_is_a_skip(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_nested_zip(tmp_path), limits=Limits(archive_depth=1))
    (skip,) = fx.skips_of(items)
    assert skip.path == "a.zip!inner.zip!list.csv"
    assert skip.reason == "nesting deeper than 1 levels"
    deep = fx.extract_file(fx.make_deep_zip(tmp_path, depth=6))
    assert [s.path.count("!") for s in fx.skips_of(deep)] == [4]
    assert not any(fx.PHONE in t for t in fx.texts_of(deep))


def test_encrypted_member_is_a_skip_and_the_rest_is_read(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_encrypted_zip(tmp_path))
    (skip,) = fx.skips_of(items)
    assert skip.path == "secret.zip!list.csv"
    assert skip.reason == ENCRYPTED_REASON
    assert "パスワードは別送します\n" in fx.texts_of(items)


def test_zip_bomb_is_refused_before_reading(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_zip_bomb(tmp_path))
    (skip,) = fx.skips_of(items)
    assert skip.path == "bomb.zip!zeros.bin"
    assert skip.reason.startswith("possible zip bomb: compression ratio ")
    ratio = int(skip.reason.split()[-1].split(":")[0].replace(",", ""))
    assert ratio > 200
    assert f"{fx.NAME} {fx.PHONE}\n" in fx.texts_of(items)


def test_lying_declared_size_does_not_expand(tmp_path: Path) -> None:
    path = fx.make_zip_bomb(tmp_path, size=4 << 20)
    data = bytearray(path.read_bytes())
    # Patch zeros.bin's declared size to 1000 bytes in the central directory.
    central = data.rfind(b"PK\x01\x02")
    struct.pack_into("<I", data, central + 24, 1000)
    path.write_bytes(bytes(data))
    items = fx.extract_file(path)
    (skip,) = fx.skips_of(items)
    assert skip.path == "bomb.zip!zeros.bin"
    assert "zip member" in skip.reason  # zipfile stops at the declared size: bad CRC


def test_sizes_are_enforced_while_reading() -> None:
    ctx = ExtractContext(limits=Limits(member_size=3 << 20))
    with pytest.raises(_Refused, match="possible zip bomb"):
        read_capped(io.BytesIO(bytes(2 << 20)), 1000, ctx)
    with pytest.raises(_Refused, match="member larger than 3 MiB"):
        read_capped(io.BytesIO(bytes(4 << 20)), 4 << 20, ctx)
    assert read_capped(io.BytesIO(b"abc"), 3, ctx) == b"abc"


def test_member_size_limit_uses_declared_size(tmp_path: Path) -> None:
    path = fx.make_zip(tmp_path, "big.zip", {"big.txt": b"x" * 5000, "small.txt": b"ok"})
    items = fx.extract_file(path, limits=Limits(member_size=1000))
    (skip,) = fx.skips_of(items)
    assert (skip.path, skip.reason) == ("big.zip!big.txt", "member larger than 0 MiB — not scanned")
    assert "ok" in fx.texts_of(items)


def test_member_count_limit(tmp_path: Path) -> None:
    members = {f"f{n}.txt": f"{n}".encode() for n in range(5)}
    items = fx.extract_file(fx.make_zip(tmp_path, "many.zip", members), Limits(archive_members=2))
    (skip,) = fx.skips_of(items)
    assert skip.path == "many.zip"
    assert "more than 2 members; the remaining 3 were not scanned" in skip.reason
    assert [t for t in fx.texts_of(items) if not t.endswith(".txt")] == ["0", "1"]


def test_corrupt_zip_is_a_skip(tmp_path: Path) -> None:
    (skip,) = fx.skips_of(fx.extract_file(fx.make_corrupt_zip(tmp_path)))
    assert skip.path == "broken.zip"
    assert skip.reason.startswith("corrupt or unreadable zip file")


def test_directories_are_skipped_silently_links_are_listed(tmp_path: Path) -> None:
    path = tmp_path / "links.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("folder/", b"")
        link = zipfile.ZipInfo("link")
        link.external_attr = (0o120777) << 16
        archive.writestr(link, "/etc/passwd")
        archive.writestr("../../outside.txt", fx.PHONE)
    items = fx.extract_file(path)
    (skip,) = fx.skips_of(items)
    assert (skip.path, skip.kind) == ("links.zip!link", SkipKind.UNSUPPORTED)
    assert skip.reason.startswith("symbolic link in the archive")
    assert _renders(items, fx.PHONE) == {"links.zip!../../outside.txt"}
    assert not any("/etc/passwd" in t for t in fx.texts_of(items))


def test_tar_link_and_device_members_are_listed(tmp_path: Path) -> None:
    """A tar's links and special entries have no content of their own; each is a skip record,
    never dropped silently (issue 13)."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as tf:
        info = tarfile.TarInfo("list.txt")
        info.size = len(fx.PHONE)
        tf.addfile(info, io.BytesIO(fx.PHONE.encode()))
        for name, kind in (("sym", tarfile.SYMTYPE), ("hard", tarfile.LNKTYPE),
                           ("fifo", tarfile.FIFOTYPE), ("tty", tarfile.CHRTYPE)):
            entry = tarfile.TarInfo(name)
            entry.type = kind
            entry.linkname = "list.txt" if kind in (tarfile.SYMTYPE, tarfile.LNKTYPE) else ""
            tf.addfile(entry)
        folder = tarfile.TarInfo("folder")
        folder.type = tarfile.DIRTYPE
        tf.addfile(folder)
    path = tmp_path / "links.tar"
    path.write_bytes(out.getvalue())
    items = fx.extract_file(path)
    skips = {s.path: s for s in fx.skips_of(items)}
    assert set(skips) == {"links.tar!sym", "links.tar!hard", "links.tar!fifo", "links.tar!tty"}
    assert all(s.kind == SkipKind.UNSUPPORTED for s in skips.values())
    assert skips["links.tar!sym"].reason.startswith("symbolic link in the archive")
    assert skips["links.tar!hard"].reason.startswith("hard link in the archive")
    assert skips["links.tar!fifo"].reason.startswith("special file in the archive")
    assert _renders(items, fx.PHONE) == {"links.tar!list.txt"}


def test_tar_gz_members(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_tar_gz(tmp_path))
    assert [(s.path, s.kind) for s in fx.skips_of(items)] == [
        ("backup.tar.gz!backup/link", SkipKind.UNSUPPORTED)]  # a symlink, listed
    assert _renders(items, fx.PHONE) == {
        "backup.tar.gz!backup/list.csv!B2",
        "backup.tar.gz!backup/メモ.txt",
    }


def test_plain_tar(tmp_path: Path) -> None:
    assert _renders(fx.extract_file(fx.make_tar(tmp_path)), fx.PHONE) == {"plain.tar!list.csv!B2"}


def test_tar_cp932_member_name(tmp_path: Path) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.GNU_FORMAT, encoding="cp932") as tf:
        info = tarfile.TarInfo("名簿.txt")
        info.size = len(fx.PHONE)
        tf.addfile(info, io.BytesIO(fx.PHONE.encode()))
    path = tmp_path / "sjis.tar"
    path.write_bytes(out.getvalue())
    assert _renders(fx.extract_file(path), fx.PHONE) == {"sjis.tar!名簿.txt"}


def test_tgz_bomb_stops_the_archive(tmp_path: Path) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as tf:
        for n in range(3):
            info = tarfile.TarInfo(f"zeros{n}.bin")
            info.size = 2 << 20
            tf.addfile(info, io.BytesIO(bytes(info.size)))
    path = tmp_path / "zeros.tgz"
    path.write_bytes(out.getvalue())
    (skip,) = fx.skips_of(fx.extract_file(path))
    assert skip.path == "zeros.tgz"
    assert skip.reason.startswith("possible zip bomb")


def test_single_gzip(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_gz(tmp_path))
    phone = next(s for s in fx.segments_of(items) if s.text == fx.PHONE)
    assert phone.location.render() == "list.csv.gz!list.csv!B2"
    assert phone.header == "電話番号"


def test_gzip_bomb_is_stopped_while_reading(tmp_path: Path) -> None:
    (skip,) = fx.skips_of(fx.extract_file(fx.make_gz_bomb(tmp_path)))
    assert skip.path == "zeros.txt.gz!zeros.txt"
    assert skip.reason.startswith("possible zip bomb")


def test_corrupt_gzip_is_a_skip(tmp_path: Path) -> None:
    path = tmp_path / "broken.gz"
    path.write_bytes(fx.make_gz(tmp_path).read_bytes()[:30])
    (skip,) = fx.skips_of(fx.extract_file(path))
    assert skip.path == "broken.gz"
    assert "gzip" in skip.reason


def test_gzip_member_names() -> None:
    assert gzip_member_name("dir/list.csv.gz") == "list.csv"
    assert gzip_member_name("backup.TGZ") == "backup.tar"
    assert gzip_member_name("data") == "data"
    assert gzip_member_name(".gz") == ".gz"
