from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from piiscan.config import Limits
from piiscan.extract import ExtractContext
from piiscan.extract.mail import decode_text, header_text
from piiscan.models import Segment, SkipKind

import fixtures_containers as fx


def _part(segments: list[Segment], part: str) -> list[Segment]:
    return [s for s in segments if s.location.part == part]


def test_rfc2047_iso2022jp_headers_are_decoded(tmp_path: Path) -> None:
    segments = fx.segments_of(fx.extract_file(fx.make_eml(tmp_path)))
    (subject,) = _part(segments, "header:Subject")
    assert subject.text == fx.SUBJECT
    assert subject.header == "Subject"
    (sender,) = _part(segments, "header:From")
    assert sender.text == f"{fx.NAME} <{fx.EMAIL}>"
    assert sender.location.render() == "mail.eml[header:From]"
    assert _part(segments, "header:To")[0].text == f"{fx.NAME_2} <{fx.EMAIL_2}>"
    assert _part(segments, "header:Cc")[0].text == "sales@example.jp"
    assert not _part(segments, "header:Date")


def test_base64_text_and_quoted_printable_html_bodies(tmp_path: Path) -> None:
    ctx = ExtractContext()
    segments = fx.segments_of(fx.extract_file(fx.make_eml(tmp_path), ctx=ctx))
    (body,) = _part(segments, "body")
    assert f"携帯：{fx.PHONE}" in body.text and body.line_based
    html = _part(segments, "body (html)")
    assert f"{fx.NAME_2}様" in [s.text for s in html]
    cell = next(s for s in html if s.text == fx.PHONE)
    assert cell.header == "電話"
    assert "iso2022_jp_ext" in ctx.encodings and "utf-8" in ctx.encodings


def test_csv_attachment_is_scanned_in_place(tmp_path: Path) -> None:
    segments = fx.segments_of(fx.extract_file(fx.make_eml(tmp_path)))
    phone = next(s for s in segments if s.location.members and s.text == fx.PHONE)
    assert phone.location.members == ("名簿.csv",)
    assert phone.location.render() == "mail.eml!名簿.csv!B2"
    assert (phone.location.row, phone.header) == (2, "電話番号")
    name = next(s for s in segments if s.location.part == "filename")
    assert name.text == "名簿.csv"


def test_attached_message_is_scanned(tmp_path: Path) -> None:
    segments = fx.segments_of(fx.extract_file(fx.make_eml(tmp_path, forwarded=True)))
    inner = [s for s in segments if s.location.members and s.location.members[0].endswith(".eml")]
    assert any(fx.MY_NUMBER in s.text and s.location.part == "body" for s in inner)
    assert any(s.text == "転送メール" and s.location.part == "header:Subject" for s in inner)


@pytest.mark.skipif(
    importlib.util.find_spec("piiscan.extract.xlsx") is None, reason="xlsx extractor absent"
)
def test_xlsx_attachment_reaches_its_cells(tmp_path: Path) -> None:
    segments = fx.segments_of(fx.extract_file(fx.make_eml(tmp_path, attachment="xlsx")))
    renders = {s.location.render() for s in segments if s.text == fx.PHONE}
    assert "mail.eml!名簿.xlsx!Sheet1!B2" in renders


def test_attachments_use_the_nesting_budget(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_eml(tmp_path), limits=Limits(archive_depth=0))
    (skip,) = fx.skips_of(items)
    assert skip.path == "mail.eml!名簿.csv"
    assert "nesting deeper" in skip.reason


def test_mbox_messages_are_members(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_mbox(tmp_path))
    segments = fx.segments_of(items)
    subjects = [s for s in segments if s.location.part == "header:Subject"]
    assert [s.location.members for s in subjects] == [
        ("message 1",),
        ("message 2",),
        ("message 3",),
    ]
    assert subjects[1].text == fx.SUBJECT
    csv_phone = next(s for s in segments if s.location.members == ("message 2", "名簿.csv"))
    assert csv_phone.location.render().startswith("inbox.mbox!message 2!名簿.csv")
    bodies = _part(segments, "body")
    assert ">From the desk of" in bodies[0].text  # a body line, not a new message
    assert not fx.skips_of(items)


def test_mbox_messages_are_not_a_nesting_level(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_mbox(tmp_path), limits=Limits(archive_depth=1))
    assert not fx.skips_of(items)
    assert any(s.location.members == ("message 2", "名簿.csv") for s in fx.segments_of(items))


def test_corrupt_outlook_msg_is_a_skip_with_reason(tmp_path: Path) -> None:
    (skip,) = fx.skips_of(fx.extract_file(fx.make_corrupt_msg(tmp_path)))
    assert skip.path == "broken.msg"
    assert skip.reason.startswith("corrupt or unreadable msg file (")


def test_missing_charset_is_sniffed(tmp_path: Path) -> None:
    body = f"{fx.NAME}様\n電話 {fx.PHONE}\n".encode("cp932")
    raw = b"From: a@example.jp\nSubject: test\nContent-Type: text/plain\n"
    raw += b"Content-Transfer-Encoding: 8bit\n\n" + body
    path = tmp_path / "nocharset.eml"
    path.write_bytes(raw)
    (segment,) = _part(fx.segments_of(fx.extract_file(path)), "body")
    assert segment.text.startswith(f"{fx.NAME}様")


def test_raw_8bit_header_is_sniffed(tmp_path: Path) -> None:
    raw = b"From: " + f"{fx.NAME} <{fx.EMAIL}>".encode("cp932") + b"\nSubject: x\n\nbody\n"
    path = tmp_path / "raw.eml"
    path.write_bytes(raw)
    (sender,) = _part(fx.segments_of(fx.extract_file(path)), "header:From")
    assert sender.text == f"{fx.NAME} <{fx.EMAIL}>"


def test_wrong_charsets_fall_back_to_the_sniffer() -> None:
    utf8 = f"{fx.NAME} {fx.PHONE}".encode()
    assert decode_text(utf8, "iso-8859-1") == (f"{fx.NAME} {fx.PHONE}", "utf-8")
    assert decode_text(utf8, "x-unknown-charset")[0] == f"{fx.NAME} {fx.PHONE}"
    sjis = "①山田".encode("cp932")
    assert decode_text(sjis, "Shift_JIS") == ("①山田", "cp932")
    # ISO-2022-JP labelled mail with half-width katakana (not in plain ISO-2022-JP)
    assert decode_text("ｶﾀｶﾅ".encode("iso2022_jp_ext"), "ISO-2022-JP")[0] == "ｶﾀｶﾅ"


def test_malformed_header_is_kept_as_text() -> None:
    assert header_text("To", "=?utf-8?B?broken <a@example.jp>").endswith("<a@example.jp>")


def test_encrypted_mail_is_a_skip(tmp_path: Path) -> None:
    raw = (
        b"From: a@example.jp\nSubject: secret\nMIME-Version: 1.0\n"
        b'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\n'
        b"Content-Transfer-Encoding: base64\n\nMIAGCSqGSIb3DQEHA6CAMIACAQAxggE=\n"
    )
    path = tmp_path / "smime.eml"
    path.write_bytes(raw)
    items = fx.extract_file(path)
    (skip,) = fx.skips_of(items)
    assert "encrypted mail" in skip.reason
    assert _part(fx.segments_of(items), "header:Subject")[0].text == "secret"


def test_outlook_msg_without_its_extra_names_the_extra(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The msg extra is not in the base install: a .msg file is then listed as not read
    (an error-kind skip, so the scan says it is incomplete), with the command that fixes it."""
    monkeypatch.setitem(sys.modules, "extract_msg", None)  # what an install without it has
    (skip,) = fx.skips_of(fx.extract_file(fx.make_corrupt_msg(tmp_path)))
    assert skip.kind == SkipKind.ERROR
    assert skip.reason == ("Outlook .msg file — its reader is not installed: "
                           "pip install 'piiscan[msg]'")
