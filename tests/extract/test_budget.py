"""One budget for decompressed bytes per scanned file, enforced wherever a format inflates
data: PDF streams, OOXML parts, mail parts, archive members (issue 13).

A file over it is a skip with the reason — "decompresses to more than N MiB — possible
decompression bomb; not scanned" — and the scan goes on. The budgets here are small so the
bombs stay small; the benchmark (benchmarks/bombs.py) measures peak memory on a real one.
"""

from __future__ import annotations

import base64
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import replace
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from piiscan.config import Limits, Settings
from piiscan.extract import BudgetExceeded, ExtractContext
from piiscan.extract.pdfstreams import StreamBomb, measure
from piiscan.models import SkipKind

import fixtures_containers as fx
import fixtures_office as office
from scankit import FileScanner

MiB = 1 << 20
SMALL = replace(Limits(), member_size=8 * MiB, inflate_bytes=24 * MiB)
BOMB_REASON = "possible decompression bomb; not scanned"


def scan(folder: Path, limits: Limits = SMALL) -> dict[str, list[tuple[str, str, str]]]:
    """Per file: (skip path, kind, reason), and the finding types under 'findings'."""
    result = FileScanner(settings=Settings(jobs=1, limits=limits)).scan_paths([str(folder)])
    out: dict[str, list[tuple[str, str, str]]] = {}
    for fr in result.files:
        name = Path(fr.file.path).name
        out[name] = [(s.path, s.kind.value, s.reason) for s in fr.skips]
        out[name] += [("finding", f.type, "") for f in fr.findings]
    return out


def bomb_skip(entries: list[tuple[str, str, str]]) -> tuple[str, str, str]:
    (skip,) = [e for e in entries if e[0] != "finding"]
    assert skip[1] == SkipKind.ERROR.value and BOMB_REASON in skip[2], skip
    return skip


def test_pdf_flate_bomb_is_skipped_and_the_scan_goes_on(tmp_path: Path) -> None:
    office.make_pdf_flate_bomb(tmp_path / "bomb.pdf", 64 * MiB)
    (tmp_path / "ok.txt").write_text(f"電話 {fx.PHONE}\n", encoding="utf-8")
    out = scan(tmp_path)
    path, _, reason = bomb_skip(out["bomb.pdf"])
    assert path == str(tmp_path / "bomb.pdf")
    assert reason.startswith("a stream decompresses to more than 8 MiB")
    assert ("finding", "PHONE", "") in out["ok.txt"]


def test_pdf_under_the_budget_is_read(tmp_path: Path) -> None:
    path = office.make_pdf_flate_bomb(tmp_path / "fine.pdf", 4 * MiB)
    items = fx.extract_file(path, SMALL)
    assert "Hello" in fx.texts_of(items) and not fx.skips_of(items)


@pytest.mark.parametrize("kind", ["chained", "indirect filter", "no filter entry"])
def test_pdf_bomb_is_found_however_its_filter_is_written(tmp_path: Path, kind: str) -> None:
    if kind == "chained":  # deflated twice: a few hundred bytes for 64 MiB
        path = office.make_pdf_flate_bomb(tmp_path / "b.pdf", 64 * MiB, layers=2)
        assert path.stat().st_size < 10_000
    else:  # a reader that trusts the dictionary would not inflate it at all
        entry = b"/Filter 9 0 R" if kind == "indirect filter" else b""
        path = office.make_pdf_flate_bomb(tmp_path / "b.pdf", 64 * MiB, filter_entry=entry)
    skips = fx.skips_of(fx.extract_file(path, SMALL))
    assert len(skips) == 1 and BOMB_REASON in skips[0].reason, skips


def test_pdf_streams_add_up_to_the_file_budget(tmp_path: Path) -> None:
    # five streams of 6 MiB: each under the 8 MiB piece limit, 30 MiB over the 24 MiB total
    path = office.make_pdf_flate_bomb(tmp_path / "many.pdf", 6 * MiB, streams=5)
    (skip,) = fx.skips_of(fx.extract_file(path, SMALL))
    assert skip.reason.startswith("decompresses to more than 24 MiB"), skip


def test_measure_counts_what_a_parser_would_inflate() -> None:
    text = b"BT /F1 12 Tf 72 720 Td (Hello) Tj ET\n"
    data = zlib.compress(text + b" " * 5000)
    raw = b"1 0 obj\n<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(data) + data + \
        b"\nendstream\nendobj\n2 0 obj\n<< /Length 5 >>\nstream\nhello\nendstream\nendobj\n"
    assert measure(raw, piece=MiB, total=MiB) == len(text) + 5000 + 5
    with pytest.raises(StreamBomb, match="stream decompresses to more than"):
        measure(raw, piece=1000, total=MiB)
    with pytest.raises(StreamBomb, match=r"^decompresses to more than"):
        measure(raw, piece=MiB, total=3000)


def test_encrypted_pdf_bomb_is_measured_after_decryption(tmp_path: Path) -> None:
    """Encrypted streams cannot be measured as they are; a PDF that opens with the empty
    password is decrypted stream by stream for the measurement."""
    from pypdf import PdfReader, PdfWriter

    plain = office.make_pdf_flate_bomb(tmp_path / "plain.pdf", 64 * MiB)
    writer = PdfWriter(clone_from=PdfReader(str(plain)))
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    assert path.stat().st_size < 1 * MiB
    skips = fx.skips_of(fx.extract_file(path, SMALL))
    assert len(skips) == 1 and BOMB_REASON in skips[0].reason, skips


def _big_part_docx(tmp_path: Path, size: int) -> Path:
    source = tmp_path / "src.docx"
    office.make_small_docx(source)
    target = tmp_path / "big.docx"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                          zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b" " * size + b"</w:body>")
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def test_ooxml_parts_count_against_the_budget(tmp_path: Path) -> None:
    """Refused from the sizes its zip directory declares, before any part is inflated."""
    path = _big_part_docx(tmp_path, 30 * MiB)
    limits = replace(SMALL, member_size=64 * MiB)  # one part fits; the file does not
    (skip,) = fx.skips_of(fx.extract_file(path, limits))
    assert skip.reason.startswith("decompresses to more than 24 MiB"), skip
    (tmp_path / "d").mkdir()
    path.rename(tmp_path / "d" / "big.docx")
    bomb_skip(scan(tmp_path / "d", limits)["big.docx"])
    (skip,) = fx.skips_of(fx.extract_file(tmp_path / "d" / "big.docx", SMALL))
    assert skip.reason.startswith("part word/document.xml decompresses to more than 8 MiB")


def _xlsx_with_big_styles(tmp_path: Path, size: int) -> Path:
    source = tmp_path / "src.xlsx"
    office.make_xlsx(source)
    target = tmp_path / "d" / "big.xlsx"
    target.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w",
                                                          zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/styles.xml":  # read whole by calamine when it opens
                data = data.replace(b"</styleSheet>", b" " * size + b"</styleSheet>")
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def test_xlsx_is_checked_before_the_spreadsheet_reader_inflates_it(tmp_path: Path) -> None:
    target = _xlsx_with_big_styles(tmp_path, 30 * MiB)
    bomb_skip(scan(target.parent, replace(SMALL, member_size=64 * MiB))["big.xlsx"])


def test_xlsx_part_lying_about_its_size_never_reaches_the_reader(tmp_path: Path) -> None:
    """calamine trusts declared sizes; every part it may read is inflated here first (and
    stops at the declared size, failing its checksum) before calamine opens the file."""
    target = _xlsx_with_big_styles(tmp_path, 30 * MiB)
    data = bytearray(target.read_bytes())
    name = b"xl/styles.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := data.find(signature, at)) != -1:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                data[at + size_at:at + size_at + 4] = (3000).to_bytes(4, "little")
            at += 4
    target.write_bytes(bytes(data))
    out = scan(target.parent)
    (skip,) = [e for e in out["big.xlsx"] if e[0] != "finding"]
    assert skip[1] == "error" and "CRC" in skip[2], skip


def test_mail_parts_count_against_the_budget(tmp_path: Path) -> None:
    message = MIMEMultipart()
    message["From"] = "a@example.jp"
    message.attach(MIMEText("本文", "plain", "utf-8"))
    for n in range(3):  # three 10 MiB attachments, base64: 30 MiB decoded, over 24
        part = MIMEApplication(b"x" * (10 * MiB), Name=f"data{n}.bin")
        message.attach(part)
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "big.eml").write_bytes(message.as_bytes())
    bomb_skip(scan(folder)["big.eml"])


def test_one_budget_across_a_container(tmp_path: Path) -> None:
    """Members of one archive share the file's budget, whatever their formats."""
    pdf = office.make_pdf_flate_bomb(tmp_path / "p.pdf", 7 * MiB)
    members = {f"p{n}.pdf": pdf.read_bytes() for n in range(4)}  # 4 x 7 MiB > 24 MiB
    folder = tmp_path / "z"
    folder.mkdir()
    fx.make_zip(folder, "pdfs.zip", members)
    out = scan(folder, replace(SMALL, archive_ratio=1e9))
    path, _, reason = bomb_skip(out["pdfs.zip"])
    assert path.endswith("pdfs.zip!p3.pdf")  # the first three fit in the budget
    assert "left of this file's 24 MiB" in reason, reason


def test_archive_total_uses_the_same_budget(tmp_path: Path) -> None:
    members = {f"f{n}.txt": b"a" * 2000 for n in range(5)}
    path = fx.make_zip(tmp_path, "total.zip", members)
    with pytest.raises(BudgetExceeded, match="decompresses to more than"):
        fx.extract_file(path, limits=Limits(inflate_bytes=5000))


def test_budget_is_per_file() -> None:
    ctx = ExtractContext(limits=Limits(inflate_bytes=100))
    ctx.budget.charge(60)
    with pytest.raises(BudgetExceeded):
        ctx.budget.charge(60)
    assert ExtractContext(limits=Limits(inflate_bytes=100)).budget.used == 0


def _stream(entries: bytes, data: bytes) -> bytes:
    return b"1 0 obj\n<< " + entries + b" >>\nstream\n" + data + b"\nendstream\nendobj\n"


def _lzw(data: bytes) -> bytes:
    from pypdf._codecs._codecs import LzwCodec

    return LzwCodec().encode(data)


@pytest.mark.parametrize(("entries", "encode"), [
    (b"/Filter /LZWDecode", _lzw),
    (b"/Filter [/A85 /Fl]", lambda d: base64.a85encode(zlib.compress(d), adobe=True)),
    (b"/Filter [/ASCIIHexDecode /Flate#44ecode]",  # a name escape spells FlateDecode
     lambda d: zlib.compress(d).hex().encode() + b">"),
    (b"/Filter /RunLengthDecode", lambda d: b"".join(
        bytes([257 - 128]) + d[i:i + 1] for i in range(0, len(d), 128)) + b"\x80"),
    (b"/Filter /DCTDecode", lambda d: d),  # an image codec: counted as it is
])
def test_every_pdf_filter_is_measured(entries: bytes, encode: Callable[[bytes], bytes]) -> None:
    data = b"a" * 12_800
    assert measure(_stream(entries, encode(data)), piece=MiB, total=MiB) == len(data)
    with pytest.raises(StreamBomb):
        measure(_stream(entries, encode(data)), piece=10_000, total=MiB)
