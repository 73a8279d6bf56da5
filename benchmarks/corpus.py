"""A deterministic file share for speed benchmarks: Japanese business files in every format
piiscan reads, with personal data about as dense as on a real share.

    .venv/bin/python benchmarks/corpus.py --size 30 [--seed 1] [--out DIR]

``--size`` is the total in MB (10^6 bytes), split across formats by ``SHARES``. Each file is
made from its own seeded RNG, so a file's bytes depend only on (seed, format, index): the
same arguments give the same share, byte for byte (Office and PDF timestamps are fixed).

What is in it, per format (most files hold no personal data, as on a real share):

    txt   meeting notes, application logs, customer memos; UTF-8, CP932, EUC-JP, UTF-16;
          a quarter of them with a customer line in about every fiftieth line
    csv   customer lists (UTF-8 with BOM or CP932; name, kana, phone, e-mail, address,
          birth date) and product/sales lists without personal data
    xlsx  member/employee lists (with My Number, bank account) and sales sheets
    docx  minutes and reports with a table; one in five is a CV (履歴書) or an application
    pdf   1-12 page reports, a third of them application forms with one person per page
    eml   customer mail (ISO-2022-JP or UTF-8), some with a CSV attachment
    zip   archives holding a CSV list and a memo

``manifest.json`` beside ``files/`` lists every file with its format, size, and its pages
(PDF) or data rows (XLSX, CSV), for pages/s and rows/s. Every value is synthetic: numbers
come from tests/synth.py (valid check digits), names from the short lists below.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
import sys
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from synth import card, group4, mobile, my_number  # noqa: E402

DEFAULT_OUT = Path(__file__).resolve().parent / ".corpus"
FIXED_TIME = dt.datetime(2024, 11, 1, 9, 0, 0)
MB = 1_000_000

# share of the corpus bytes per format
SHARES = {"txt": 0.30, "csv": 0.20, "xlsx": 0.12, "docx": 0.08, "pdf": 0.15, "eml": 0.08,
          "zip": 0.07}
FORMATS = tuple(SHARES)

SURNAMES = [("佐藤", "サトウ"), ("鈴木", "スズキ"), ("高橋", "タカハシ"), ("田中", "タナカ"),
            ("伊藤", "イトウ"), ("渡辺", "ワタナベ"), ("山本", "ヤマモト"), ("中村", "ナカムラ"),
            ("小林", "コバヤシ"), ("加藤", "カトウ"), ("吉田", "ヨシダ"), ("山田", "ヤマダ"),
            ("佐々木", "ササキ"), ("山口", "ヤマグチ"), ("松本", "マツモト"), ("井上", "イノウエ"),
            ("木村", "キムラ"), ("林", "ハヤシ"), ("清水", "シミズ"), ("斎藤", "サイトウ")]
GIVEN = [("太郎", "タロウ"), ("花子", "ハナコ"), ("健一", "ケンイチ"), ("美咲", "ミサキ"),
         ("大輔", "ダイスケ"), ("陽子", "ヨウコ"), ("翔太", "ショウタ"), ("由美", "ユミ"),
         ("誠", "マコト"), ("愛", "アイ"), ("直樹", "ナオキ"), ("恵", "メグミ"),
         ("拓也", "タクヤ"), ("真由美", "マユミ"), ("浩二", "コウジ"), ("さくら", "サクラ")]
PLACES = ["東京都千代田区丸の内", "東京都世田谷区桜新町", "大阪府大阪市北区梅田", "神奈川県横浜市港北区日吉",
          "愛知県名古屋市中区栄", "福岡県福岡市博多区博多駅前", "北海道札幌市中央区北一条西",
          "京都府京都市左京区下鴨", "兵庫県神戸市中央区三宮町", "宮城県仙台市青葉区一番町"]
MAIL_DOMAINS = ["gmail.com", "yahoo.co.jp", "docomo.ne.jp", "ezweb.ne.jp", "icloud.com", "outlook.jp"]
PROSE = [
    "本日の会議では来期の販売計画と予算配分について議論した。",
    "次回の定例会は来週火曜日の十時から第二会議室で開催する予定です。",
    "資料は共有フォルダの最新版を参照し、修正点はコメントで残してください。",
    "新製品の出荷は予定どおり進んでおり、在庫にも問題はありません。",
    "お客様からの問い合わせは先週より減少し、対応時間も短縮された。",
    "システム更新に伴い、週末は一部サービスを停止します。",
    "The quarterly figures are attached; please review section 3 before Friday.",
    "経費精算の締め切りは毎月二十五日です。遅れる場合は事前に連絡してください。",
]
PRODUCTS = ["ボールペン", "A4コピー用紙", "クリアファイル", "ノートPC", "モニター", "キーボード",
            "プリンタトナー", "ホッチキス", "付箋", "USBメモリ"]


class Person:
    def __init__(self, rng: random.Random) -> None:
        (self.surname, self.surname_kana), (self.given, self.given_kana) = \
            rng.choice(SURNAMES), rng.choice(GIVEN)
        self.name = f"{self.surname} {self.given}"
        self.kana = f"{self.surname_kana} {self.given_kana}"
        self.phone = mobile(rng)
        self.email = f"user{rng.randrange(10**6)}@{rng.choice(MAIL_DOMAINS)}"
        self.postal = f"{rng.randrange(100, 1000)}-{rng.randrange(10**4):04d}"
        self.address = f"{rng.choice(PLACES)}{rng.randrange(1, 9)}-{rng.randrange(1, 30)}-" \
                       f"{rng.randrange(1, 20)}"
        self.birth = dt.date(rng.randrange(1950, 2004), rng.randrange(1, 13),
                             rng.randrange(1, 29)).isoformat()
        self.my_number = my_number(rng)
        self.card = card(rng)
        self.account = f"{rng.randrange(10**6, 10**7)}"


def person_line(p: Person, rng: random.Random) -> str:
    return rng.choice([
        f"顧客 {p.name}様 電話 {p.phone} メール {p.email}",
        f"住所：〒{p.postal} {p.address}（{p.name}）",
        f"マイナンバー {group4(p.my_number)} 氏名 {p.name} 生年月日 {p.birth}",
        f"{p.name}様よりカード番号 {group4(p.card, '-')} の利用確認の連絡あり",
    ])


def log_line(rng: random.Random, i: int) -> str:
    return (f"2024-10-{rng.randrange(1, 31):02d} {rng.randrange(24):02d}:{rng.randrange(60):02d}"
            f":{rng.randrange(60):02d} INFO order.api GET /api/orders/{rng.randrange(10**8)} "
            f"200 {rng.randrange(1, 900)}ms ip=10.{rng.randrange(256)}.{rng.randrange(256)}."
            f"{rng.randrange(256)} req={i:08x}")


def sized(rng: random.Random, low: int, high: int) -> int:
    """A file size between low and high bytes, most of them small (log-uniform)."""
    return int(low * (high / low) ** rng.random())


# --- one writer per format: (path, rng) -> manifest fields ------------------------------


def make_txt(path: Path, rng: random.Random, index: int) -> dict[str, Any]:
    encoding = ("utf-8", "cp932", "euc-jp", "utf-16")[index % 4]
    kind = rng.choice(("notes", "log", "memo"))
    personal = rng.random() < 0.25
    target = sized(rng, 4_000, 400_000) // (2 if encoding == "utf-16" else 1)
    lines, size = [], 0
    while size < target:
        if personal and rng.random() < 0.02:
            line = person_line(Person(rng), rng)
        elif kind == "log":
            line = log_line(rng, len(lines))
        else:
            line = rng.choice(PROSE)
        lines.append(line)
        size += len(line.encode(encoding)) + 1
    path.with_suffix(".txt").write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return {"path": path.with_suffix(".txt"), "personal": personal, "encoding": encoding}


def _customer_rows(rng: random.Random, count: int) -> list[list[str]]:
    rows = [["氏名", "フリガナ", "電話番号", "メールアドレス", "郵便番号", "住所", "生年月日"]]
    for _ in range(count):
        p = Person(rng)
        rows.append([p.name, p.kana, p.phone, p.email, p.postal, p.address, p.birth])
    return rows


def _product_rows(rng: random.Random, count: int) -> list[list[str]]:
    rows = [["注文番号", "日付", "商品", "数量", "単価", "金額"]]
    for _ in range(count):
        qty, price = rng.randrange(1, 50), rng.randrange(100, 50_000)
        rows.append([f"{rng.randrange(10**11, 10**12)}", f"2024-{rng.randrange(1, 13):02d}-"
                     f"{rng.randrange(1, 29):02d}", rng.choice(PRODUCTS), str(qty), str(price),
                     str(qty * price)])
    return rows


def make_csv(path: Path, rng: random.Random, index: int) -> dict[str, Any]:
    personal = rng.random() < 0.4
    count = sized(rng, 100, 3_000)
    rows = _customer_rows(rng, count) if personal else _product_rows(rng, count)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    encoding = "cp932" if index % 2 else "utf-8-sig"
    path = path.with_suffix(".csv")
    path.write_bytes(text.getvalue().encode(encoding))
    return {"path": path, "personal": personal, "rows": count, "encoding": encoding}


def make_xlsx(path: Path, rng: random.Random, index: int) -> dict[str, Any]:
    from openpyxl import Workbook

    personal = rng.random() < 0.5
    count = sized(rng, 200, 4_000)
    wb = Workbook(write_only=True)
    wb.properties.created = wb.properties.modified = FIXED_TIME
    sheet = wb.create_sheet("名簿" if personal else "売上")
    if personal:
        sheet.append(["社員番号", "氏名", "フリガナ", "個人番号", "電話番号", "住所", "口座番号"])
        for i in range(count):
            p = Person(rng)
            sheet.append([f"E{i:05d}", p.name, p.kana, p.my_number, p.phone, p.address,
                          p.account])
    else:
        for row in _product_rows(rng, count):
            sheet.append(row)
    path = path.with_suffix(".xlsx")
    wb.save(path)
    _fix_zip_times(path)
    return {"path": path, "personal": personal, "rows": count}


def make_docx(path: Path, rng: random.Random, index: int) -> dict[str, Any]:
    from docx import Document

    personal = rng.random() < 0.2
    doc = Document()
    doc.core_properties.created = doc.core_properties.modified = FIXED_TIME
    doc.core_properties.last_printed = FIXED_TIME
    doc.add_heading("履歴書" if personal else "月次報告", level=1)
    if personal:
        p = Person(rng)
        table = doc.add_table(rows=0, cols=2)
        for label, value in (("氏名", p.name), ("ふりがな", p.kana), ("生年月日", p.birth),
                             ("住所", f"〒{p.postal} {p.address}"), ("電話", p.phone),
                             ("メール", p.email)):
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    for _ in range(rng.randrange(30, 80)):
        doc.add_paragraph(" ".join(rng.choice(PROSE) for _ in range(rng.randrange(1, 4))))
    table = doc.add_table(rows=1, cols=3)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "項目", "件数"
    for _ in range(rng.randrange(3, 12)):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = rng.choice(PRODUCTS), str(rng.randrange(1000))
    path = path.with_suffix(".docx")
    doc.save(path)
    _fix_zip_times(path)
    return {"path": path, "personal": personal}


_FONT_READY = False


def make_pdf(path: Path, rng: random.Random, index: int) -> dict[str, Any]:
    global _FONT_READY
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if not _FONT_READY:
        pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
        _FONT_READY = True
    personal = rng.random() < 0.33
    pages = rng.randrange(1, 13)
    path = path.with_suffix(".pdf")
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    for page in range(pages):
        c.setFont("HeiseiMin-W3", 10)
        y = 800
        lines = [f"{'申込書' if personal else '報告書'} {page + 1}/{pages}"]
        if personal:
            p = Person(rng)
            lines += [f"氏名：{p.name}（{p.kana}）", f"生年月日：{p.birth}", f"住所：{p.address}",
                      f"電話番号：{p.phone}", f"マイナンバー：{group4(p.my_number)}"]
        lines += [rng.choice(PROSE) for _ in range(rng.randrange(20, 40))]
        for line in lines:
            c.drawString(50, y, line)
            y -= 18
        c.showPage()
    c.save()
    return {"path": path, "personal": personal, "pages": pages}


def make_eml(path: Path, rng: random.Random, index: int) -> dict[str, Any]:
    personal = rng.random() < 0.3
    p = Person(rng)
    msg = EmailMessage()
    msg["Subject"] = "お問い合わせの件" if personal else "定例会議のお知らせ"
    msg["From"] = p.email if personal else "info@example.co.jp"
    msg["To"] = "support@example.co.jp"
    msg["Date"] = "Fri, 01 Nov 2024 09:00:00 +0900"
    msg["Message-ID"] = f"<{index}.{rng.randrange(10**9)}@mail.example.jp>"
    body = [rng.choice(PROSE) for _ in range(rng.randrange(10, 60))]
    if personal:
        body.insert(2, f"{p.name}と申します。電話番号は{p.phone}です。")
    charset = "iso-2022-jp" if index % 2 else "utf-8"
    msg.set_content("\n".join(body) + "\n", charset=charset)
    if personal or rng.random() < 0.3:
        rows = _customer_rows(rng, sized(rng, 20, 400)) if personal else \
            _product_rows(rng, sized(rng, 20, 400))
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows(rows)
        msg.add_attachment(text.getvalue().encode("cp932"), maintype="text", subtype="csv",
                           filename="list.csv")
    path = path.with_suffix(".eml")
    if msg.is_multipart():
        msg.set_boundary(f"=={index:08d}==")
    path.write_bytes(msg.as_bytes(policy=SMTP))
    return {"path": path, "personal": personal}


def make_zip(path: Path, rng: random.Random, index: int) -> dict[str, Any]:
    personal = rng.random() < 0.4
    count = sized(rng, 100, 2_000)
    rows = _customer_rows(rng, count) if personal else _product_rows(rng, count)
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    members = [("data/list.csv", text.getvalue().encode("utf-8-sig")),
               ("memo.txt", "\n".join(rng.choice(PROSE) for _ in range(50)).encode("utf-8"))]
    path = path.with_suffix(".zip")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return {"path": path, "personal": personal, "rows": count}


def _fix_zip_times(path: Path) -> None:
    """Rewrite an Office file with fixed member timestamps (and a fixed 'modified' date,
    which openpyxl sets to now on save), so its bytes are reproducible."""
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    members = [(info, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
                if info.filename == "docProps/core.xml" else data) for info, data in members]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(fixed, data)


WRITERS: dict[str, Callable[[Path, random.Random, int], dict[str, Any]]] = {
    "txt": make_txt, "csv": make_csv, "xlsx": make_xlsx, "docx": make_docx, "pdf": make_pdf,
    "eml": make_eml, "zip": make_zip,
}
MIN_FILES = 3  # per format, however small the corpus


def corpus_dir(size_mb: float, seed: int, out: Path = DEFAULT_OUT) -> Path:
    return out / f"size{size_mb:g}-seed{seed}"


def generate(size_mb: float, seed: int = 1, out: Path = DEFAULT_OUT,
             log: Callable[[str], None] = print) -> Path:
    """Write the corpus (unless ``manifest.json`` says it is already there); return its
    folder, holding ``files/`` and ``manifest.json``."""
    root = corpus_dir(size_mb, seed, out)
    manifest_path = root / "manifest.json"
    if manifest_path.exists():
        return root
    files = root / "files"
    entries = []
    for fmt in FORMATS:
        budget = size_mb * MB * SHARES[fmt]
        written = index = 0
        while written < budget or index < MIN_FILES:
            rng = random.Random(f"{seed}:{fmt}:{index}")
            folder = files / fmt / f"dept{index % 8:02d}"
            folder.mkdir(parents=True, exist_ok=True)
            entry = WRITERS[fmt](folder / f"{fmt}{index:05d}", rng, index)
            path: Path = entry.pop("path")
            size = path.stat().st_size
            entries.append({"path": str(path.relative_to(files)), "format": fmt,
                            "bytes": size, **entry})
            written += size
            index += 1
        log(f"corpus: {fmt:<5} {index:5d} files {written / MB:8.1f} MB")
    manifest = {"seed": seed, "size_mb": size_mb, "files": entries}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                             encoding="utf-8")
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=float, default=30.0, help="total MB (default 30)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    root = generate(args.size, args.seed, args.out)
    print(root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
