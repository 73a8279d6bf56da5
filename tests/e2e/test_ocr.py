"""`piiscan scan --ocr` end to end: rendered forms as PNG, multi-page TIFF and image-only PDF,
read by the real engine in the worker pool, found by the usual rules."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fixtures_ocr import BAD_MY_NUMBER, MOBILE, application, form
from piiscan.cli import main
from piiscan.extract import ocr

from clirunner import CLI


@pytest.fixture(scope="module")
def share(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("share")
    form(application(), skew=1.0, noise=10).save(root / "card.png")
    cover = form(["送付状", "2枚"]).convert("1")
    page = form([f"電話番号 TEL O{MOBILE[1:]}", f"個人番号 {BAD_MY_NUMBER}"]).convert("1")
    cover.save(root / "fax.tiff", save_all=True, append_images=[page], compression="group4")
    pages = [form(["申込書 控え"]), form(application("鈴木 一郎"))]
    pages[0].save(root / "scan.pdf", save_all=True, append_images=pages[1:], resolution=150)
    (root / "memo.txt").write_text("議事録\n", encoding="utf-8")
    return root


def findings(report: dict[str, object]) -> set[tuple[str, str]]:
    return {(f["type"], f["location"]["display"].rsplit("/", 1)[-1])
            for fr in report["files"] for f in fr["findings"]}  # type: ignore[attr-defined,index]


def test_ocr_finds_identifiers_in_images_and_scanned_pdfs(share: Path, cli: CLI) -> None:
    code, report = cli.json("scan", str(share), "--ocr", "-j", "2", "--no-state")
    assert code == 1
    found = findings(report)
    for where in ("card.png", "scan.pdf#page=2"):
        assert {("PHONE", where), ("MY_NUMBER", where), ("POSTAL_CODE", where)} <= found
    # 'TEL O90-…' (a letter O) is read as a phone; a number failing the check digit is not
    # a My Number, OCR or not.
    assert ("PHONE", "fax.tiff#page=2") in found
    assert not any(t == "MY_NUMBER" and "fax.tiff" in w for t, w in found)
    assert report["summary"]["skipped"] == 0


def test_without_ocr_images_and_scans_are_listed_with_the_flag(share: Path, cli: CLI) -> None:
    code, report = cli.json("scan", str(share), "--no-state")
    assert code == 0  # not reading an image is not an error
    reasons = {s["path"].rsplit("/", 1)[-1]: (s["kind"], s["reason"])
               for fr in report["files"] for s in fr["skips"]}
    assert reasons["card.png"] == ("unsupported", "image — not scanned; --ocr reads it")
    assert reasons["fax.tiff"] == reasons["card.png"]
    assert reasons["scan.pdf"][0] == "unsupported" and "--ocr reads it" in reasons["scan.pdf"][1]


def test_ocr_from_the_config_file_and_no_ocr_flag(tmp_path: Path, cli: CLI) -> None:
    form([f"電話番号 {MOBILE}"]).save(tmp_path / "card.png")
    (tmp_path / ".piiscan.toml").write_text("ocr = true\n", encoding="utf-8")
    _, report = cli.json("scan", str(tmp_path), "-j", "1", "--no-state")
    assert ("PHONE", "card.png") in findings(report)
    _, report = cli.json("scan", str(tmp_path), "--no-ocr", "--no-state")
    assert not findings(report)


def test_ocr_without_an_engine_is_a_usage_error(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr, "ENGINES", ())  # as if piiscan[ocr] were not installed
    (tmp_path / "a.txt").write_text("x\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--ocr"])
    assert result.exit_code == 2
    assert result.output.strip() == ("piiscan: error: --ocr needs an OCR engine: "
                                     "pip install 'piiscan[ocr]'")
