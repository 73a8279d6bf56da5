"""Regenerate examples/share/: a small shared folder of FICTITIOUS data for `make demo`.

Names and addresses come from Faker's ja_JP locale; numbers with check digits are computed
here. Nothing in this folder belongs to a real person. Needs the dev extras
(`pip install -e '.[dev]'`): Faker, reportlab, python-docx and openpyxl.

    python examples/generate_share.py
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from faker import Faker

SHARE = Path(__file__).parent / "share"
SEED = 20261124


def my_number(rng: random.Random) -> str:
    """A random 12-digit number with a valid My Number check digit."""
    body = [rng.randrange(10) for _ in range(11)]
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    r = sum(d * w for d, w in zip(body, weights, strict=True)) % 11
    return "".join(map(str, body)) + str(0 if r <= 1 else 11 - r)


def luhn_card(rng: random.Random, prefix: str, length: int = 16) -> str:
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        candidate = digits + check
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return candidate
    raise AssertionError("unreachable")


def phone(rng: random.Random) -> str:
    """A well-formed Japanese number (Faker's ja_JP formats include impossible ones)."""
    if rng.random() < 0.6:
        return f"0{rng.choice('789')}0-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
    area = rng.choice(["03", "06", "045", "052", "092", "0463", "0778"])
    local = 6 if len(area) == 4 else (7 if len(area) == 3 else 8)
    number = "".join(str(rng.randrange(10)) for _ in range(local))
    split = len(number) - 4
    return f"{area}-{number[:split]}-{number[split:]}"


def email_for(fake: Faker, rng: random.Random) -> str:
    local = fake.user_name()
    return f"{local}{rng.randrange(10, 99)}@{rng.choice(['gmail.com', 'yahoo.co.jp', 'docomo.ne.jp'])}"


def customers_csv(fake: Faker, rng: random.Random) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["顧客ID", "氏名", "フリガナ", "電話番号", "メールアドレス", "郵便番号", "住所",
                     "個人番号"])
    for i in range(1, 13):
        mn = my_number(rng)
        writer.writerow([f"C{i:04d}", fake.name(), fake.kana_name(), phone(rng),
                         email_for(fake, rng), fake.zipcode(), fake.address(),
                         f"{mn[:4]} {mn[4:8]} {mn[8:]}"])
    (SHARE / "顧客名簿_2024.csv").write_bytes(buffer.getvalue().encode("cp932", "replace"))


def memo(fake: Faker, rng: random.Random) -> None:
    name = fake.name()
    text = (
        "営業会議メモ（2024年10月3日）\n\n"
        f"・{name}様より見積もりの件で折り返し希望。\n"
        f"　携帯：{phone(rng)}（平日18時以降）\n"
        f"　メール：{email_for(fake, rng)}\n"
        f"・送付先 〒{fake.zipcode()} {fake.address()}\n"
        "・次回訪問は来週火曜。資料は共有フォルダへ。\n"
    )
    (SHARE / "営業メモ.txt").write_text(text, encoding="utf-8")


def app_log(rng: random.Random) -> None:
    card = luhn_card(rng, "4980")
    lines = [
        "2024-10-03 09:12:44,120 INFO  order.api  GET /api/orders/88231 200 12ms",
        "2024-10-03 09:12:45,301 INFO  order.api  POST /api/checkout 201 87ms",
        f"2024-10-03 09:12:45,305 DEBUG payment  request card_number={card} exp=08/27 amount=12800",
        "2024-10-03 09:12:45,611 INFO  payment  authorised txn=7f3a9c21 amount=12800",
        "2024-10-03 09:13:02,004 WARN  order.api  slow query 1532ms (orders_by_customer)",
    ]
    (SHARE / "logs").mkdir(exist_ok=True)
    (SHARE / "logs" / "app-2024-10-03.log").write_text("\n".join(lines) + "\n", encoding="utf-8")


def clean_readme() -> None:
    text = (
        "共有フォルダの使い方\n\n"
        "このフォルダには営業部の資料を置きます。顧客情報を含むファイルは\n"
        "暗号化した上で「顧客情報」フォルダに保存してください。\n"
        "問い合わせ: 情報システム部（内線 1234）\n"
    )
    (SHARE / "はじめに.txt").write_text(text, encoding="utf-8")


def resume_docx(fake: Faker, rng: random.Random) -> None:
    from docx import Document

    doc = Document()
    doc.add_heading("履歴書", level=1)
    table = doc.add_table(rows=5, cols=2)
    rows = [("氏名", fake.name()), ("フリガナ", fake.kana_name()),
            ("生年月日", "平成2年5月6日"), ("住所", f"〒{fake.zipcode()} {fake.address()}"),
            ("電話", phone(rng))]
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].text, row.cells[1].text = label, value
    doc.add_paragraph(f"メール: {email_for(fake, rng)}")
    doc.add_paragraph("志望動機：貴社の製品開発に携わりたく応募いたしました。")
    doc.core_properties.author = fake.name()
    doc.save(str(SHARE / "応募書類" / "履歴書_応募者A.docx"))


def staff_xlsx(fake: Faker, rng: random.Random) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "社員"
    ws.append(["社員番号", "氏名", "内線", "携帯電話", "マイナンバー"])
    for i in range(1, 9):
        ws.append([1000 + i, fake.name(), 2000 + i, phone(rng), my_number(rng)])
    hidden = wb.create_sheet("給与振込")
    hidden.sheet_state = "hidden"
    hidden.append(["氏名", "カード番号"])
    hidden.append([fake.name(), luhn_card(rng, "3540")])
    wb.save(str(SHARE / "人事" / "社員名簿.xlsx"))


def application_pdf(fake: Faker, rng: random.Random) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    c = canvas.Canvas(str(SHARE / "申込書_スキャン.pdf"), pagesize=A4)
    c.setFont("HeiseiKakuGo-W5", 14)
    c.drawString(60, 780, "会員申込書")
    c.setFont("HeiseiKakuGo-W5", 11)
    mn = my_number(rng)
    lines = [f"お名前：{fake.name()}", f"ご住所：〒{fake.zipcode()} {fake.address()}",
             f"電話番号：{phone(rng)}", f"個人番号：{mn[:4]} {mn[4:8]} {mn[8:]}"]
    for i, line in enumerate(lines):
        c.drawString(60, 740 - 24 * i, line)
    c.showPage()
    c.save()


def main() -> None:
    rng = random.Random(SEED)
    fake = Faker("ja_JP")
    fake.seed_instance(SEED)
    for sub in ("", "logs", "応募書類", "人事"):
        (SHARE / sub).mkdir(parents=True, exist_ok=True)
    customers_csv(fake, rng)
    memo(fake, rng)
    app_log(rng)
    clean_readme()
    resume_docx(fake, rng)
    staff_xlsx(fake, rng)
    application_pdf(fake, rng)
    print(f"wrote {sum(1 for p in SHARE.rglob('*') if p.is_file())} files under {SHARE}")


if __name__ == "__main__":
    main()
