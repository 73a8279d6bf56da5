"""The OCR engines on small rendered forms: the real RapidOCR and Tesseract, no stand-ins."""

from __future__ import annotations

import re

import pytest

from fixtures_ocr import MOBILE, MY_NUMBER, POSTAL, application, form, vertical_form
from piiscan.extract import ocr
from piiscan.extract.ocr import Box, OcrUnavailable, assemble_lines


@pytest.fixture(scope="module")
def rapid() -> ocr.Engine:
    return ocr.build_engine("rapidocr")


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_boxes_on_one_row_are_one_line_label_first() -> None:
    boxes = [Box(300, 98, 600, 130, "佐藤 花子"), Box(20, 100, 120, 132, "氏名"),
             Box(20, 160, 120, 192, "電話"), Box(300, 158, 600, 190, "090-3141-5926")]
    assert assemble_lines(boxes) == "氏名 佐藤 花子\n電話 090-3141-5926"


def test_tall_boxes_are_columns_read_right_to_left() -> None:
    boxes = [Box(100, 20, 130, 400, "氏名 佐藤花子"), Box(200, 20, 230, 300, "申込書"),
             Box(0, 20, 30, 500, "電話番号 090-3141-5926")]
    assert assemble_lines(boxes) == "申込書\n氏名 佐藤花子\n電話番号 090-3141-5926"


def test_no_boxes_no_text() -> None:
    assert assemble_lines([]) == ""
    assert assemble_lines([Box(0, 0, 10, 10, " ")]) == ""


def test_rapidocr_reads_a_skewed_noisy_form(rapid: ocr.Engine) -> None:
    text = rapid.read(form(application(), skew=1.5, noise=12), 60)
    assert "申込書" in text
    assert MOBILE in text and POSTAL in text
    assert digits(MY_NUMBER) in digits(text)


def test_rapidocr_reads_vertical_text_column_by_column(rapid: ocr.Engine) -> None:
    zen = str.maketrans("0123456789-", "０１２３４５６７８９－")
    image = vertical_form(["会員登録申込書", "氏名　佐藤花子", f"電話　{MOBILE.translate(zen)}"])
    lines = rapid.read(image, 60).splitlines()
    assert len(lines) == 3 and "申込書" in lines[0] and "佐藤花子" in lines[1], lines
    assert digits(MOBILE) in digits(lines[2].translate(str.maketrans("０１２３４５６７８９",
                                                                      "0123456789")))


def test_rapidocr_never_downloads_a_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """The models are the ones in the wheel, passed by path: the downloader is never asked."""
    from rapidocr.utils import download_file

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("rapidocr tried to download a model")

    monkeypatch.setattr(download_file.DownloadFile, "run", refuse)
    assert MOBILE in ocr.build_engine("rapidocr").read(form([f"電話 {MOBILE}"]), 60)


def test_tesseract_fallback_reads_japanese() -> None:
    text = ocr.build_engine("tesseract").read(form(application()), 60)
    assert "申込" in text
    assert digits(MOBILE) in digits(text)


def test_no_engine_installed_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ENGINES", ())
    with pytest.raises(OcrUnavailable, match=r"pip install 'piiscan\[ocr\]'"):
        ocr.engine_name()


def test_rapidocr_is_preferred_when_installed() -> None:
    assert ocr.engine_name() == "rapidocr"
