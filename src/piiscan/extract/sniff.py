"""Decide a blob's kind: magic bytes first, extension second.

A PNG renamed to .txt is an image; a DOCX renamed to .dat is a DOCX.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from piiscan.extract import Blob

_EXTENSIONS: dict[str, str] = {
    "csv": "csv",
    "tsv": "csv",
    "json": "json",
    "jsonl": "json",
    "ndjson": "json",
    "geojson": "json",
    "html": "html",
    "htm": "html",
    "xhtml": "html",
    "xml": "html",
    "eml": "eml",
    "mbox": "mbox",
    "msg": "msg",
    "doc": "legacy-office",
    "xls": "legacy-office",
    "ppt": "legacy-office",
    "wav": "audio",
    "mp3": "audio",
    "m4a": "audio",
    "aac": "audio",
    "flac": "audio",
    "ogg": "audio",
    "wma": "audio",
    "amr": "audio",
    "7z": "archive-other",
    "rar": "archive-other",
}
# Text whose values sit under keys or columns: SQL, code and configuration, logs, Markdown
# (piiscan.extract.structured reads the keys as headers).
_EXTENSIONS.update(dict.fromkeys(
    ("sql", "ddl", "dml", "pgsql", "mysql", "md", "markdown", "mdown", "mkd", "rb", "js", "mjs",
     "cjs", "jsx", "ts", "tsx", "vue", "py", "php", "java", "kt", "go", "swift", "cs", "dart",
     "scala", "yml", "yaml", "fsh", "log", "properties", "env", "ini", "cfg", "conf", "toml"),
    "structured"))

_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)
_MP3_SYNC = (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")
_BINARY_MAGIC = (
    b"\x7fELF", b"MZ", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"SQLite format 3\x00",
)


def detect_kind(blob: Blob) -> str:
    head = blob.head(8192)
    ext = blob.extension
    by_magic = _by_magic(head, ext)
    if by_magic == "zip":
        return _zip_kind(blob, ext)
    if by_magic is not None:
        return by_magic
    if ext == "mbox" or (ext == "" and head.startswith(b"From ") and b"\n" in head[:200]):
        return "mbox"
    kind = _EXTENSIONS.get(ext, "text")
    if ext in _TEMPLATE_EXTENSIONS and looks_like_markup(head):
        return "html"
    if kind == "text" and ext in _PLAIN_EXTENSIONS:
        if looks_like_table(head):
            return "csv"
        if re.search(rb"^\s*INSERT\s+INTO\b", head, re.I | re.M):
            return "structured"
    return kind


# Server-side templates: HTML with code in it (PHP, Blade, ERB, JSP, Twig, EJS ...).
_TEMPLATE_EXTENSIONS = frozenset({"php", "phtml", "erb", "jsp", "twig", "ejs", "hbs", "njk",
                                  "cshtml", "aspx", "tpl", "liquid"})
_TAG = re.compile(rb"<(?:[a-zA-Z][a-zA-Z0-9]*)[\s>/]")
_MIN_TAGS = 10


def looks_like_markup(head: bytes) -> bool:
    """A template that is mostly HTML (a page, a list of facilities in <dl>, a table with
    <th> headers): ten tags or more, on at least a third of its lines. A PHP class or a
    controller that echoes a tag or two stays code."""
    lines = [ln for ln in head.splitlines() if ln.strip()]
    tagged = sum(1 for ln in lines if _TAG.search(ln))
    return len(_TAG.findall(head)) >= _MIN_TAGS and tagged * 3 >= len(lines)


# Extensions a table is saved under when it is not called .csv: Excel's "Unicode text"
# (.txt, UTF-16, tab-separated), exports (.dat, .tab, .prn, .out) and files without one.
_PLAIN_EXTENSIONS = frozenset({"txt", "text", "dat", "tab", "prn", "out", "exp", "export", ""})
_TABLE_LINES = 4


def looks_like_table(head: bytes) -> bool:
    """Comma- or tab-separated values whatever the file is called: the first lines (at
    least four) split into the same number of fields, two or more, on one delimiter."""
    from piiscan.extract.encoding import sniff_encoding

    encoding = sniff_encoding(head)
    if encoding is None:
        return False
    text = head.decode(encoding, errors="replace").lstrip("\ufeff")
    lines = [ln for ln in text.splitlines()[:30] if ln.strip()]
    if len(text) >= len(head) // 2 and not text.endswith(("\n", "\r")):
        lines = lines[:-1]  # the sample may end mid-line
    if len(lines) < _TABLE_LINES:
        return False
    for delimiter in ("\t", ","):
        counts = [ln.count(delimiter) for ln in lines]
        common = max(set(counts), key=counts.count)
        if common >= (1 if delimiter == "\t" else 2) and \
                counts.count(common) >= len(counts) * 0.9:
            return True
    return False


def _by_magic(head: bytes, ext: str) -> str | None:
    if b"%PDF-" in head[:1024]:  # PDF readers accept junk before the header
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "tar"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        # OLE2: Outlook .msg, legacy Office, or an encrypted OOXML document.
        if ext == "msg":
            return "msg"
        if ext in {"docx", "xlsx", "xlsm", "pptx"}:
            return "encrypted-office"
        return "legacy-office"
    if head.startswith(_IMAGE_MAGIC) or (head[:4] == b"RIFF" and head[8:12] == b"WEBP"):
        return "image"
    if head[4:12] in (b"ftypheic", b"ftypheix", b"ftypmif1"):
        return "image"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio"
    if head.startswith((b"ID3", b"fLaC", b"OggS", b"#!AMR")) or head[:2] in _MP3_SYNC:
        return "audio"
    if head[4:8] == b"ftyp":
        return "audio" if head[8:11] in (b"M4A", b"M4B") or ext in {"m4a", "aac"} else "video"
    if head.startswith((b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07")):
        return "archive-other"
    if head.startswith(_BINARY_MAGIC) and ext not in {"txt", "csv", "tsv"}:
        return "binary"
    return None


def _zip_kind(blob: Blob, ext: str) -> str:
    """Tell OOXML documents from plain zip archives by their parts."""
    import zipfile  # only for zip files

    try:
        with blob.open() as fh, zipfile.ZipFile(fh) as zf:
            names = set(zf.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        # A truncated OOXML file is still reported under its own kind, so the skip says
        # "corrupt docx", not "corrupt zip".
        return {"docx": "docx", "xlsx": "xlsx", "xlsm": "xlsx", "pptx": "pptx"}.get(ext, "zip")
    if "[Content_Types].xml" in names:
        if "word/document.xml" in names:
            return "docx"
        if "xl/workbook.xml" in names:
            return "xlsx"
        if "ppt/presentation.xml" in names:
            return "pptx"
    return "zip"
