"""Images and scanned PDF pages through the extractor registry, with and without --ocr."""

from __future__ import annotations

import io
import re
import struct
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image

from fixtures_ocr import MOBILE, MY_NUMBER, application, form
from piiscan.config import Limits
from piiscan.extract import Blob, BudgetExceeded, ExtractContext, extract_blob
from piiscan.models import Location, Note, Segment, Skip, SkipKind

from fixtures_office import make_pdf_image_only


def run(path: Path, *, ocr: bool = True, limits: Limits | None = None,
        deadline: float = float("inf")) -> list[Segment | Skip | Note]:
    ctx = ExtractContext(limits=limits or Limits(), ocr=ocr, deadline=deadline)
    return list(extract_blob(Blob(path.name, Location(path.name), path=str(path)), ctx))


def texts(items: list[Segment | Skip | Note]) -> dict[str, str]:
    return {s.location.render(): s.text for s in items if isinstance(s, Segment)}


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_without_ocr_an_image_is_listed_with_the_flag_that_reads_it(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    form(["氏名 佐藤 花子"]).save(path)
    assert run(path, ocr=False) == [
        Skip("card.png", "image — not scanned; --ocr reads it", SkipKind.UNSUPPORTED)]


def test_png_is_read_and_located_by_its_path(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    form(application()).save(path)
    found = texts(run(path))
    assert list(found) == ["card.png"]
    assert MOBILE in found["card.png"] and digits(MY_NUMBER) in digits(found["card.png"])


def test_jpeg_and_bmp_are_read(tmp_path: Path) -> None:
    image = form([f"電話番号 {MOBILE}"])
    for name in ("photo.jpg", "scan.bmp"):
        image.convert("RGB").save(tmp_path / name)
        assert MOBILE in texts(run(tmp_path / name))[name]


def test_multi_page_tiff_pages_are_located(tmp_path: Path) -> None:
    path = tmp_path / "fax.tiff"
    first, second = (form(lines).convert("1") for lines in (["送付状 2枚"], [f"電話番号 {MOBILE}"]))
    first.save(path, save_all=True, append_images=[second], compression="group4")
    found = texts(run(path))
    assert set(found) == {"fax.tiff#page=1", "fax.tiff#page=2"}
    assert MOBILE in found["fax.tiff#page=2"]


def test_a_page_over_the_pixel_limit_is_a_skip_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "fax.tiff"
    small = form([f"電話番号 {MOBILE}"])
    big = Image.new("L", (3000, 3000), 255)
    small.save(path, save_all=True, append_images=[big])
    items = run(path, limits=Limits(image_pixels=2_000_000))
    (skip,) = [i for i in items if isinstance(i, Skip)]
    assert skip.kind is SkipKind.ERROR
    assert skip.reason.startswith("page 2: image of 3000x3000 pixels is over the 2,000,000")
    assert "decompression bomb" in skip.reason
    assert MOBILE in texts(items)["fax.tiff#page=1"]


def test_a_decompression_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    """A PNG whose header claims 40,000 x 40,000 pixels (1.6 GB as greyscale)."""
    buf = io.BytesIO()
    Image.new("L", (1, 1), 255).save(buf, format="PNG")
    png = bytearray(buf.getvalue())
    header = b"IHDR" + struct.pack(">II", 40_000, 40_000) + bytes(png[24:29])
    png[12:33] = header + struct.pack(">I", zlib.crc32(header))
    path = tmp_path / "bomb.png"
    path.write_bytes(bytes(png))
    (skip,) = run(path)
    assert isinstance(skip, Skip) and skip.kind is SkipKind.ERROR
    assert skip.reason == ("image is over the 50,000,000-pixel limit (possible decompression "
                           "bomb) — not scanned")


def test_an_image_pillow_cannot_decode_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "photo.heic"
    path.write_bytes(b"\0\0\0\x18ftypheic" + b"\0" * 64)
    (skip,) = run(path)
    assert isinstance(skip, Skip) and skip.kind is SkipKind.UNSUPPORTED and "HEIC" in skip.reason


def test_the_time_budget_stops_ocr(tmp_path: Path) -> None:
    path = tmp_path / "card.png"
    form(["氏名 佐藤 花子"]).save(path)
    with pytest.raises(BudgetExceeded):
        run(path, deadline=time.monotonic() - 1)


def test_scanned_pdf_pages_are_read_with_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    pages = [form(["会員登録申込書"]), form(application())]
    pages[0].save(path, save_all=True, append_images=pages[1:], resolution=150)
    items = run(path)
    found = {where: text for where, text in texts(items).items() if "#page=" in where}
    assert set(found) == {"scan.pdf#page=1", "scan.pdf#page=2"}
    assert MOBILE in found["scan.pdf#page=2"]
    assert [n.text for n in items if isinstance(n, Note)] == [
        "page 1: no text layer — read with OCR", "page 2: no text layer — read with OCR"]
    assert not [s for s in items if isinstance(s, Skip)]


def test_scanned_pdf_without_ocr_names_the_flag(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    form(application()).save(path, resolution=150)
    items = run(path, ocr=False)
    assert [n.text for n in items if isinstance(n, Note)] == [
        "page 1: image only — not scanned; --ocr reads it"]
    (skip,) = [s for s in items if isinstance(s, Skip)]
    assert skip.kind is SkipKind.UNSUPPORTED and skip.reason.endswith("--ocr reads it")


def test_pages_with_a_text_layer_are_not_ocrd(tmp_path: Path) -> None:
    """Page 1 has text, page 2 a picture (no words), page 3 is blank."""
    info = make_pdf_image_only(tmp_path / "mixed.pdf")
    items = run(info["path"])
    assert [n.text for n in items if isinstance(n, Note)] == [
        "page 2: no text layer — read with OCR"]
    assert "mixed.pdf#page=1" in texts(items)


def test_image_inside_an_archive_is_read(tmp_path: Path) -> None:
    import zipfile

    buf = io.BytesIO()
    form([f"電話番号 {MOBILE}"]).save(buf, format="PNG")
    path = tmp_path / "scans.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("2024/card.png", buf.getvalue())
    assert MOBILE in texts(run(path))["scans.zip!2024/card.png"]


def test_a_missing_model_file_is_a_skip_that_says_so(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A broken install (the recognition model gone from the wheel): the skip says what is
    wrong and never turns into a download."""
    from piiscan.extract import ocr

    path = tmp_path / "card.png"
    form(["氏名 佐藤 花子"]).save(path)
    monkeypatch.setitem(ocr.RAPIDOCR_MODELS, "Rec", "missing_rec.onnx")
    ocr._engine.cache_clear()
    try:
        (skip,) = run(path)
    finally:
        ocr._engine.cache_clear()
    assert isinstance(skip, Skip) and skip.kind is SkipKind.ERROR
    assert "missing_rec.onnx is missing from the rapidocr package" in skip.reason
    assert "never downloads" in skip.reason
