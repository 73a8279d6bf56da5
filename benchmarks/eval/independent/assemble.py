"""Assemble piiscan's independent evaluation set from fetched public repositories.

    .venv/bin/python benchmarks/eval/independent/assemble.py --mirror /work/.mirror \
        --out /work/evaldata/independent/files [--record]

Every row of ``manifest.csv`` names a file in a public repository (owner/name, commit,
path). The file is read from the fetched snapshot with ``git show commit:path`` and
written to ``OUT/<id>/<name>``; its SHA-256 must equal the manifest's, or the run stops
with the row that differs. ``--record`` fills empty ``sha256`` cells instead (used once,
when a row is added).

Some rows convert a public dummy-data file into another format or encoding (the
``convert`` column), because public repositories hold few XLSX, DOCX, PDF or CP932 files
with dummy personal data. A conversion takes a range of the source's rows and keeps the
source's own header and column order: nothing is added that the source does not hold.
Conversions are deterministic (fixed timestamps, ``invariant`` PDFs, fixed MIME
boundaries), so their SHA-256 is checked like a copy's.

Nothing fetched is committed to the project: this script, the manifest and the labels
are, the files themselves stay outside the repository. The source table of each converted
file is kept beside them (``--sources``, default ``OUT/../sources``): labels written as a
structural spec are expanded from it at evaluation time (label.py).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import io
import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.csv"
FIELDS = [
    "id",
    "name",
    "clean",
    "format",
    "encoding",
    "source_repo",
    "commit",
    "source_path",
    "licence",
    "convert",
    "sha256",
    "why",
]
FIXED_ZIP_TIME = (2024, 11, 1, 9, 0, 0)


@dataclass
class Entry:
    id: str
    name: str
    clean: bool
    format: str
    encoding: str
    source_repo: str
    commit: str
    source_path: str
    licence: str
    convert: str
    sha256: str
    why: str

    @property
    def relpath(self) -> str:
        return f"{self.id}/{self.name}"


def read_manifest(path: Path = MANIFEST) -> list[Entry]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [Entry(**{**row, "clean": row["clean"] == "yes"}) for row in rows]  # type: ignore[arg-type]


def write_manifest(entries: list[Entry], path: Path = MANIFEST) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS, lineterminator="\n")
        writer.writeheader()
        for e in entries:
            row = {f: getattr(e, f) for f in FIELDS}
            row["clean"] = "yes" if e.clean else "no"
            writer.writerow(row)


# ----------------------------------------------------------------------------------------
# Reading sources


def git_dir(mirror: Path, repo: str) -> Path:
    base = mirror / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def source_blob(mirror: Path, entry: Entry) -> bytes:
    proc = subprocess.run(
        ["git", "--git-dir", str(git_dir(mirror, entry.source_repo)), "show",
         f"{entry.commit}:{entry.source_path}"],
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(
            f"{entry.id}: cannot read {entry.source_repo}@{entry.commit}:{entry.source_path}"
            f" ({proc.stderr.decode(errors='replace').strip()}); fetch the repository first"
        )
    return proc.stdout


def source_path(sources: Path, entry: Entry) -> Path:
    """Where assemble.py keeps the source table of a converted file (outside ``--out``, so
    the scan of the set never sees it)."""
    return sources / entry.id / Path(entry.source_path).name


def params(convert: str) -> tuple[str, dict[str, str]]:
    """``xlsx;rows=1-40;src=cp932`` -> ("xlsx", {"rows": "1-40", "src": "cp932"})."""
    kind, *rest = convert.split(";")
    return kind, dict(p.split("=", 1) for p in rest)


def source_table(blob: bytes, opts: dict[str, str]) -> tuple[list[str] | None, list[list[str]]]:
    """The source CSV's header (None when it has none) and the selected data rows
    (``member=`` names the CSV inside a ZIP source)."""
    if "member" in opts:
        with zipfile.ZipFile(io.BytesIO(blob)) as archive:
            blob = archive.read(opts["member"])
    text = blob.decode(opts.get("src", "utf-8-sig"))
    rows = list(csv.reader(io.StringIO(text), delimiter=opts.get("delim", ",")))
    rows = [r for r in rows if any(c.strip() for c in r)]
    header = None if opts.get("header") == "none" else rows[0]
    data = rows if header is None else rows[1:]
    first, last = (int(x) for x in opts.get("rows", f"1-{len(data)}").split("-"))
    return header, data[first - 1 : last]


def table_rows(blob: bytes, convert: str) -> list[list[str]]:
    """All rows a converted file shows, header first: what its labels are read from."""
    _, opts = params(convert)
    header, data = source_table(blob, opts)
    return ([header] if header else []) + data


# ----------------------------------------------------------------------------------------
# Conversions: each keeps the source's header and column order


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP container with fixed timestamps so its bytes are reproducible."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # writers stamp the save time here
                data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2024-11-01T09:00:00Z", data)
            dst.writestr(fixed, data)
    return out.getvalue()


def to_text(rows: list[list[str]], opts: dict[str, str]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=opts.get("out_delim", ","), lineterminator="\r\n").writerows(rows)
    encoding = opts.get("enc", "utf-8")
    bom = b"\xff\xfe" if encoding == "utf-16-le" else b""
    return bom + buf.getvalue().encode(encoding)


def to_xlsx(rows: list[list[str]], opts: dict[str, str]) -> bytes:
    import datetime as dt

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = opts.get("sheet", "Sheet1")
    for row in rows:
        ws.append(row)
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 11, 1, 9, 0, 0)
    buf = io.BytesIO()
    wb.save(buf)
    return _normalise_zip(buf.getvalue())


def to_docx(rows: list[list[str]], opts: dict[str, str]) -> bytes:
    import datetime as dt

    from docx import Document

    doc = Document()
    table = doc.add_table(rows=0, cols=max(len(r) for r in rows))
    for row in rows:
        cells = table.add_row().cells
        for i, value in enumerate(row):
            cells[i].text = value
    doc.core_properties.created = doc.core_properties.modified = dt.datetime(2024, 11, 1, 9)
    buf = io.BytesIO()
    doc.save(buf)
    return _normalise_zip(buf.getvalue())


def to_pdf(rows: list[list[str]], opts: dict[str, str]) -> bytes:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    font = "HeiseiKakuGo-W5"
    if font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(font))
    buf = io.BytesIO()
    page = SimpleDocTemplate(buf, pagesize=landscape(A4), invariant=1, leftMargin=20,
                             rightMargin=20, topMargin=20, bottomMargin=20)
    table = Table(rows, repeatRows=1 if opts.get("header") != "none" else 0)
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), font, 6),
                               ("GRID", (0, 0), (-1, -1), 0.25, (0, 0, 0))]))
    page.build([table])
    return buf.getvalue()


def to_json(rows: list[list[str]], opts: dict[str, str]) -> bytes:
    header, data = rows[0], rows[1:]
    keys = [h or f"col{i + 1}" for i, h in enumerate(header)]
    items = [dict(zip(keys, r, strict=False)) for r in data]
    return json.dumps(items, ensure_ascii=False, indent=2).encode("utf-8")


def to_html(rows: list[list[str]], opts: dict[str, str]) -> bytes:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "\n".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows[1:]
    )
    title = html.escape(opts.get("title", ""))
    page = (f'<!DOCTYPE html>\n<html lang="ja"><head><meta charset="utf-8"><title>{title}'
            f"</title></head>\n<body><table>\n<tr>{head}</tr>\n{body}\n</table></body></html>\n")
    return page.encode("utf-8")


def to_eml(rows: list[list[str]], opts: dict[str, str]) -> bytes:
    """The rows as a CP932 CSV attachment of a mail whose body only points at it."""
    from email.message import EmailMessage
    from email.policy import SMTP

    msg = EmailMessage(policy=SMTP)
    msg["From"] = "data-team@example.com"
    msg["To"] = "staff@example.com"
    msg["Subject"] = opts.get("subject", "data")
    msg["Date"] = "Fri, 01 Nov 2024 09:00:00 +0900"
    msg["Message-ID"] = "<independent-eval@example.com>"
    msg.set_content("添付ファイルをご確認ください。\n")
    msg.add_attachment(to_text(rows, {"enc": "cp932"}), maintype="text", subtype="csv",
                       filename=opts.get("attachment", "data.csv"))
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            part.set_boundary(f"==independent-eval-{n}==")
    return msg.as_bytes()


CONVERTERS: dict[str, Callable[[list[list[str]], dict[str, str]], bytes]] = {
    "text": to_text,
    "xlsx": to_xlsx,
    "docx": to_docx,
    "pdf": to_pdf,
    "json": to_json,
    "html": to_html,
    "eml": to_eml,
}


def build(entry: Entry, blob: bytes) -> bytes:
    if not entry.convert:
        return blob
    kind, opts = params(entry.convert)
    if kind == "reencode":  # the whole text, another encoding (a re-save, nothing else)
        return blob.decode(opts.get("src", "utf-8-sig")).encode(opts["enc"])
    return CONVERTERS[kind](table_rows(blob, entry.convert), opts)


# ----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", type=Path, default=Path("/work/.mirror"))
    parser.add_argument("--out", type=Path, default=Path("/work/evaldata/independent/files"))
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--record", action="store_true", help="fill empty sha256 cells")
    parser.add_argument("--sources", type=Path, default=None,
                        help="where the source tables of converted files go "
                             "(default: OUT/../sources; labels are expanded from them)")
    args = parser.parse_args(argv)
    sources = args.sources or args.out.parent / "sources"

    entries = read_manifest(args.manifest)
    ids = [e.id for e in entries]
    if len(set(ids)) != len(ids):
        raise SystemExit("manifest: duplicate ids")
    bad = []
    for entry in entries:
        blob = source_blob(args.mirror, entry)
        data = build(entry, blob)
        digest = hashlib.sha256(data).hexdigest()
        if not entry.sha256 and args.record:
            entry.sha256 = digest
        elif digest != entry.sha256:
            bad.append(f"{entry.id} {entry.relpath}: sha256 {digest} != manifest {entry.sha256}")
            continue
        target = args.out / entry.relpath
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        if entry.convert:  # the table a conversion shows: its labels are read from it
            source = source_path(sources, entry)
            source.parent.mkdir(parents=True, exist_ok=True)
            source.write_bytes(blob)
    if args.record:
        write_manifest(entries, args.manifest)
    for line in bad:
        print(line, file=sys.stderr)
    clean = sum(e.clean for e in entries)
    print(f"{len(entries) - len(bad)} of {len(entries)} files written to {args.out} "
          f"({clean} clean, {len(entries) - clean} with personal data)")
    return 1 if bad else 0


if __name__ == "__main__":
    raise SystemExit(main())
