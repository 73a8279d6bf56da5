"""Generators for CSV, JSON, HTML, mail and archive test files.

Each ``make_*`` function writes one file into ``folder`` and returns its path. All data is
synthetic; the values tests look for are the constants below. ``extract_file`` runs the
extractors over a generated file, for tests that want the items.
"""

from __future__ import annotations

import email.charset
import email.encoders
import gzip
import io
import json
import tarfile
import zipfile
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.mime.text import MIMEText
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piiscan.config import Limits
    from piiscan.extract import ExtractContext, Item
    from piiscan.models import Segment, Skip

NAME = "山田太郎"
NAME_2 = "佐藤花子"
PHONE = "090-1234-5678"
PHONE_2 = "080-2345-6789"
MY_NUMBER = "123456789018"
EMAIL = "taro.yamada@example.jp"
EMAIL_2 = "hanako.sato@example.jp"
ADDRESS = "東京都千代田区千代田1-1"
CARD = "4111111111111111"
SUBJECT = "【重要】顧客名簿の送付（山田太郎様）"

CSV_HEADER = ("氏名", "電話番号", "メールアドレス", "備考")
CSV_ROWS = (
    (NAME, PHONE, EMAIL, f"複数行の備考\nマイナンバー {MY_NUMBER}"),
    (NAME_2, PHONE_2, EMAIL_2, ""),
)


# --------------------------------------------------------------------------- helpers


def extract_file(
    path: Path, limits: Limits | None = None, ctx: ExtractContext | None = None
) -> list[Item]:
    """Everything the extractors yield for one file, as a scan would see it."""
    from piiscan.config import Limits
    from piiscan.extract import Blob, ExtractContext, extract_blob
    from piiscan.models import Location

    if ctx is None:
        ctx = ExtractContext(limits=limits or Limits())
    blob = Blob(path.name, Location(path.name), path=str(path))
    return list(extract_blob(blob, ctx))


def segments_of(items: list[Item]) -> list[Segment]:
    from piiscan.models import Segment

    return [item for item in items if isinstance(item, Segment)]


def skips_of(items: list[Item]) -> list[Skip]:
    from piiscan.models import Skip

    return [item for item in items if isinstance(item, Skip)]


def notes_of(items: list[Item]) -> list[str]:
    from piiscan.models import Note

    return [item.text for item in items if isinstance(item, Note)]


def texts_of(items: list[Item]) -> list[str]:
    return [segment.text for segment in segments_of(items)]


def csv_bytes(encoding: str = "cp932", delimiter: str = ",") -> bytes:
    """The customer list as Excel writes it: CRLF, quotes only where needed."""
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(CSV_ROWS)
    return out.getvalue().encode(encoding)


def xlsx_bytes() -> bytes:
    """A one-sheet workbook: 氏名 and 電話番号 headers, one customer in row 2."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(["氏名", "電話番号"])
    sheet.append([NAME, PHONE])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- text formats


def make_csv_cp932(folder: Path, name: str = "顧客名簿.csv") -> Path:
    """CP932 CSV with a header row and a quoted field spanning two lines."""
    return _write(folder, name, csv_bytes("cp932"))


def make_tsv(folder: Path, name: str = "list.tsv") -> Path:
    """UTF-8 TSV, same content as the CSV."""
    return _write(folder, name, csv_bytes("utf-8", delimiter="\t"))


def make_json(folder: Path, name: str = "customers.json") -> Path:
    """Nested JSON: strings, numbers that are really identifiers, and data in a key."""
    document = {
        "customers": [
            {"id": 1, "name": NAME_2, "tel": PHONE_2},
            {"id": 2, "name": NAME, "tel": PHONE, "card": int(CARD), "mynumber": int(MY_NUMBER)},
        ],
        "contacts": {EMAIL: "営業担当"},
        "active": True,
        "score": 1.5e11,
    }
    return _write(folder, name, json.dumps(document, ensure_ascii=False, indent=2).encode())


def make_jsonl(folder: Path, name: str = "events.jsonl") -> Path:
    """Three JSON Lines records and one broken line (line 3)."""
    lines = [
        json.dumps({"user": {"name": NAME, "tel": PHONE}}, ensure_ascii=False),
        json.dumps({"user": {"name": NAME_2, "email": EMAIL_2}}, ensure_ascii=False),
        '{"user": {"name": "壊れた行", "tel": "03-1111-2222"',
        json.dumps({"mynumber": int(MY_NUMBER)}),
    ]
    return _write(folder, name, ("\n".join(lines) + "\n").encode())


def make_invalid_json(folder: Path, name: str = "broken.json") -> Path:
    return _write(folder, name, f'{{"name": "{NAME}", "tel": {PHONE}\n'.encode())


HTML_PAGE = f"""<!DOCTYPE html>
<html><head><meta charset="Shift_JIS"><title>社員名簿</title>
<style>.x {{ color: red }}</style>
<script>var secret = "スクリプトの中身";</script></head>
<body>
<h1>社員名簿</h1>
<p>担当者：{NAME[:2]}<b>{NAME[2:]}</b></p>
<table>
<tr><th>氏名</th><th>電話番号</th></tr>
<tr><td>{NAME}</td><td>{PHONE}</td></tr>
<tr><td>{NAME_2}</td><td>{PHONE_2}</td></tr>
</table>
<noscript>JavaScriptを有効にしてください</noscript>
<form><input type="text" name="email" value="{EMAIL}">
<img src="photo.jpg" alt="{NAME}の写真"></form>
<div data-mynumber="{MY_NUMBER}">マイナンバー登録済み</div>
</body></html>
"""


def make_html(folder: Path, name: str = "staff.html") -> Path:
    """A CP932 page: a table with th headers, script/style/noscript, data attributes."""
    return _write(folder, name, HTML_PAGE.encode("cp932"))


def make_xml(folder: Path, name: str = "customers.xml") -> Path:
    text = f"""<?xml version="1.0" encoding="Shift_JIS"?>
<customers>
  <customer id="c1"><name>{NAME}</name><tel>{PHONE}</tel></customer>
  <customer id="c2"><name>{NAME_2}</name><tel>{PHONE_2}</tel>備考あり</customer>
</customers>
"""
    return _write(folder, name, text.encode("cp932"))


# --------------------------------------------------------------------------- mail


def _text_part(text: str, subtype: str, charset_name: str, body_encoding: int) -> MIMEBase:
    """A text part in a chosen charset and transfer encoding (base64 or quoted-printable)."""
    charset = email.charset.Charset(charset_name)
    charset.body_encoding = body_encoding
    part = MIMENonMultipart("text", subtype)
    part.set_payload(text, charset)
    return part


def _jis(text: str) -> str:
    return Header(text, "iso-2022-jp").encode()


def mail_bytes(attachment: str | None = "csv", forwarded: bool = False) -> bytes:
    """A Japanese business mail: ISO-2022-JP RFC 2047 headers, a base64 ISO-2022-JP text
    body, a quoted-printable UTF-8 HTML body and an attachment (``csv`` or ``xlsx``)."""
    message = MIMEMultipart("mixed")
    message["From"] = f"{_jis(NAME)} <{EMAIL}>"
    message["To"] = f"{_jis(NAME_2)} <{EMAIL_2}>"
    message["Cc"] = "sales@example.jp"
    message["Subject"] = _jis(SUBJECT)
    message["Date"] = "Mon, 01 Apr 2024 09:00:00 +0900"
    body = MIMEMultipart("alternative")
    text = f"{NAME_2}様\n\nお世話になっております。\n携帯：{PHONE}\n"
    body.attach(_text_part(text, "plain", "iso-2022-jp", email.charset.BASE64))
    html = f"<html><body><p>{NAME_2}様</p><table><tr><th>電話</th><td>{PHONE}</td></tr>"
    html += "</table></body></html>"
    body.attach(_text_part(html, "html", "utf-8", email.charset.QP))
    message.attach(body)
    if attachment is not None:
        message.attach(_attachment(attachment))
    if forwarded:
        inner = MIMEText(f"転送します。マイナンバー {MY_NUMBER}", "plain", "utf-8")
        inner["Subject"] = "転送メール"
        inner["From"] = EMAIL_2
        message.attach(MIMEMessage(inner))
    return message.as_bytes()


def _attachment(kind: str) -> MIMEBase:
    if kind == "csv":
        part = MIMEBase("text", "csv")
        part.set_payload(csv_bytes("cp932"))
        filename = "名簿.csv"
    elif kind == "xlsx":
        ctype = "vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        part = MIMEBase("application", ctype)
        part.set_payload(xlsx_bytes())
        filename = "名簿.xlsx"
    else:
        raise ValueError(f"unknown attachment kind {kind!r}")
    email.encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
    return part


def make_eml(
    folder: Path, name: str = "mail.eml", attachment: str | None = "csv", forwarded: bool = False
) -> Path:
    return _write(folder, name, mail_bytes(attachment, forwarded))


def make_mbox(folder: Path, name: str = "inbox.mbox", count: int = 3) -> Path:
    """``count`` messages; the second has an attached CSV and a '>From ' body line."""
    parts = []
    for number in range(1, count + 1):
        if number == 2:
            data = mail_bytes("csv")
        else:
            body = f"{number}通目\n>From the desk of {NAME}\n電話 {PHONE}\n"
            simple = MIMEText(body, "plain", "utf-8")
            simple["From"] = EMAIL
            simple["Subject"] = f"メール{number}"
            data = simple.as_bytes()
        envelope = f"From {EMAIL} Mon Apr  1 09:00:0{number} 2024\n".encode()
        parts.append(envelope + data.replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n\n")
    return _write(folder, name, b"".join(parts))


def make_corrupt_msg(folder: Path, name: str = "broken.msg") -> Path:
    """OLE2 magic and then garbage: what a truncated Outlook .msg looks like."""
    return _write(folder, name, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00garbage" * 200)


# --------------------------------------------------------------------------- archives


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return out.getvalue()


def make_zip(folder: Path, name: str, members: dict[str, bytes]) -> Path:
    return _write(folder, name, zip_bytes(members))


def make_zip_cp932_names(folder: Path, name: str = "顧客データ.zip") -> Path:
    """A zip as Windows Explorer writes it: CP932 member names, no UTF-8 flag.

    zipfile always writes non-ASCII names as UTF-8, so the archive is written with ASCII
    placeholders of the same byte length, then the names are patched in.
    """
    members = {"名簿/顧客一覧.csv": csv_bytes("cp932"), "メモ.txt": f"{NAME} {PHONE}\n".encode()}
    placeholders = {}
    for index, member in enumerate(members):
        raw = member.encode("cp932")
        placeholder = f"P{index}".ljust(len(raw), "Q").encode()
        placeholders[placeholder] = raw
    data = zip_bytes({p.decode(): members[list(members)[i]] for i, p in enumerate(placeholders)})
    for placeholder, raw in placeholders.items():
        assert data.count(placeholder) == 2  # local header and central directory
        data = data.replace(placeholder, raw)
    return _write(folder, name, data)


def make_nested_zip(folder: Path, name: str = "a.zip") -> Path:
    """a.zip!inner.zip!list.csv, plus a readme at the top."""
    inner = zip_bytes({"list.csv": csv_bytes("cp932")})
    return make_zip(folder, name, {"inner.zip": inner, "readme.txt": "顧客データ一式\n".encode()})


def make_deep_zip(folder: Path, depth: int, name: str = "deep.zip") -> Path:
    """``depth`` zips inside each other; the innermost holds deep.txt with a phone."""
    data = zip_bytes({"deep.txt": f"{NAME} {PHONE}\n".encode()})
    for level in range(depth - 1, 0, -1):
        data = zip_bytes({f"level{level}.zip": data})
    return _write(folder, name, data)


def make_tar_gz(folder: Path, name: str = "backup.tar.gz") -> Path:
    """A gzipped tar with a directory, a symlink, a CSV and a UTF-8 named text file."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        directory = tarfile.TarInfo("backup")
        directory.type = tarfile.DIRTYPE
        archive.addfile(directory)
        for member, data in (("backup/list.csv", csv_bytes("cp932")),
                             ("backup/メモ.txt", f"{NAME} {PHONE}\n".encode())):  # fmt: skip
            info = tarfile.TarInfo(member)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        link = tarfile.TarInfo("backup/link")
        link.type = tarfile.SYMTYPE
        link.linkname = "/etc/passwd"
        archive.addfile(link)
    return _write(folder, name, out.getvalue())


def make_tar(folder: Path, name: str = "plain.tar") -> Path:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        data = csv_bytes("cp932")
        info = tarfile.TarInfo("list.csv")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    return _write(folder, name, out.getvalue())


def make_gz(folder: Path, name: str = "list.csv.gz") -> Path:
    return _write(folder, name, gzip.compress(csv_bytes("cp932"), mtime=0))


def make_gz_bomb(folder: Path, name: str = "zeros.txt.gz", size: int = 8 << 20) -> Path:
    """A gzip of ``size`` zero bytes: no declared size to check, only the stream."""
    return _write(folder, name, gzip.compress(bytes(size), compresslevel=9, mtime=0))


def make_encrypted_zip(folder: Path, name: str = "secret.zip", password: bytes = b"pw") -> Path:
    """readme.txt in the clear, list.csv AES-encrypted (flag bit 0x1 set)."""
    import pyzipper

    path = make_zip(folder, name, {"readme.txt": "パスワードは別送します\n".encode()})
    with pyzipper.AESZipFile(path, "a", compression=pyzipper.ZIP_DEFLATED) as archive:
        archive.setpassword(password)
        archive.setencryption(pyzipper.WZ_AES, nbits=128)
        archive.writestr("list.csv", csv_bytes("cp932"))
    return path


def make_zip_bomb(folder: Path, name: str = "bomb.zip", size: int = 16 << 20) -> Path:
    """zeros.bin (``size`` zero bytes, ratio about 1000:1) beside an ordinary note.txt."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("note.txt", f"{NAME} {PHONE}\n".encode())
        archive.writestr("zeros.bin", bytes(size))
    return _write(folder, name, out.getvalue())


def make_corrupt_zip(folder: Path, name: str = "broken.zip") -> Path:
    data = zip_bytes({"list.csv": csv_bytes("cp932") * 50})
    return _write(folder, name, data[: len(data) // 2])
