"""Every supported format, and broken variants, scanned end to end by the real CLI.

Findings must carry locations a person can open (page, sheet!cell, paragraph or table cell,
slide, archive member, mail attachment); every file that could not be read is listed with
its reason; images, audio and legacy formats are listed as not scanned.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import fixtures_containers as containers
import fixtures_office as office
from clirunner import CLI


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("formats")
    office.make_office_share(root / "office")
    box = root / "containers"
    box.mkdir()
    for make in (containers.make_csv_cp932, containers.make_tsv, containers.make_json,
                 containers.make_jsonl, containers.make_html, containers.make_xml,
                 containers.make_eml, containers.make_mbox, containers.make_corrupt_msg,
                 containers.make_zip_cp932_names, containers.make_nested_zip,
                 containers.make_tar_gz, containers.make_gz, containers.make_encrypted_zip,
                 containers.make_zip_bomb):
        make(box)
    (root / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))  # a PNG named .txt
    (root / "voice.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40))
    (root / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500))
    (root / "山田太郎_履歴書.txt").write_text("志望動機：特になし\n", encoding="utf-8")
    code, data = CLI().json("scan", str(root))
    assert code == 1
    data["root"] = str(root)
    return data


def by_name(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(f["path"]).name: f for f in report["files"]}


def displays(file: dict[str, Any]) -> set[str]:
    """Rendered locations, starting at the file's own name."""
    folder = file["path"].rsplit("/", 1)[0] + "/"
    return {f["location"]["display"].removeprefix(folder) for f in file["findings"]}


def test_every_file_is_reported(report: dict[str, Any]) -> None:
    names = set(by_name(report))
    expected = {"名簿.pdf", "申込書.pdf", "鍵付き.pdf", "顧客対応.docx", "顧客名簿.xlsx",
                "説明会.pptx", "顧客名簿.csv", "list.tsv", "customers.json", "events.jsonl",
                "staff.html", "customers.xml", "mail.eml", "inbox.mbox", "顧客データ.zip",
                "a.zip", "backup.tar.gz", "list.csv.gz", "secret.zip", "bomb.zip",
                "photo.txt", "voice.wav", "old.doc", "壊れた_顧客対応.docx"}
    assert expected <= names


def test_locations_a_person_can_open(report: dict[str, Any]) -> None:
    files = by_name(report)
    assert any("#page=" in d for d in displays(files["名簿.pdf"]))
    assert any("!顧客!" in d for d in displays(files["顧客名簿.xlsx"]))  # sheet!cell
    assert any("#slide=" in d for d in displays(files["説明会.pptx"]))
    docx = {f["location"].get("paragraph") or f["location"].get("cell")
            for f in files["顧客対応.docx"]["findings"]}
    assert docx - {None}
    assert any(d.startswith("顧客名簿.csv!B") for d in displays(files["顧客名簿.csv"]))
    assert any("a.zip!inner.zip!list.csv!" in d for d in displays(files["a.zip"]))
    assert any("mail.eml!名簿.csv!" in d for d in displays(files["mail.eml"]))
    assert any("顧客データ.zip!名簿/顧客一覧.csv" in d for d in displays(files["顧客データ.zip"]))
    assert any("$.customers[" in d for d in displays(files["customers.json"]))
    assert any("[filename]" in d for d in displays(files["山田太郎_履歴書.txt"]))


def skip_reasons(report: dict[str, Any]) -> dict[str, tuple[str, str]]:
    out = {Path(s["path"]).name: (s["kind"], s["reason"]) for s in report["skipped"]}
    for f in report["files"]:
        for s in f["skips"]:
            out.setdefault(Path(s["path"].split("!")[0]).name, (s["kind"], s["reason"]))
    return out


def test_unreadable_files_are_listed_with_reasons(report: dict[str, Any]) -> None:
    reasons = skip_reasons(report)
    assert reasons["壊れた_顧客対応.docx"][0] == "error"
    assert "docx" in reasons["壊れた_顧客対応.docx"][1]
    assert reasons["鍵付き.pdf"] == ("error", "encrypted PDF — password required, not scanned")
    assert reasons["secret.zip"][0] == "error" and "encrypted" in reasons["secret.zip"][1]
    assert reasons["bomb.zip"][0] == "error" and "bomb" in reasons["bomb.zip"][1]
    assert reasons["photo.txt"] == ("unsupported", "image — not scanned; --ocr reads it")
    assert reasons["old.doc"][0] == "unsupported"
    assert reasons["voice.wav"][0] == "unsupported"
    assert by_name(report)["voice.wav"]["inventory"] == ["audio"]
    assert report["summary"]["unreadable"] >= 5


def test_values_stay_masked(report: dict[str, Any]) -> None:
    shown = [(f["masked_value"], f["masked_snippet"]) for file in report["files"]
             for f in file["findings"] if "[filename]" not in f["location"]["display"]]
    text = str(shown)
    for raw in (containers.MY_NUMBER, containers.PHONE, containers.NAME):
        assert raw not in text
