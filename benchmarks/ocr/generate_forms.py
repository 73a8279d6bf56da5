"""Generate scanned-looking Japanese application forms (申込書) for the OCR benchmark.

    .venv/bin/python benchmarks/ocr/generate_forms.py [--seed 20241205] [--size 60] [--out DIR]

Writes ``--size`` files under ``benchmarks/ocr/.corpus/files/`` (gitignored) and
``.corpus/truth.json``. Each page is one applicant's form: title, 申込日, フリガナ, 氏名,
生年月日, 郵便番号, 住所, 電話番号 and 個人番号 (a generated My Number with a valid check
digit), drawn with Pillow in an IPA font (Gothic or Mincho, proportional or not) at 200-300
dpi, in a ruled table (horizontal) or in columns right to left (縦書き, about one page in
five), then skewed by up to ±2°, with noise, sometimes a blur, sometimes binarised like a fax.

Files: PNG, JPEG, BMP, TIFF (single page; some 1-bit Group 4 like a fax), multi-page TIFF
(2-3 applicants) and image-only PDFs (1-3 pages). ``truth.json`` lists, per file, each
page's lines of text in reading order (for the character error rate) and the personal data
on it, ``{type, value, page}`` (page is null for single-page images).

People and identifiers come from benchmarks/eval/generate.py (Faker ja_JP, gimei, check
digits). Everything is a pure function of the seed. A benchmark, never imported by tests.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faker
from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "eval"))

import generate as people_gen  # noqa: E402  (benchmarks/eval/generate.py)

DEFAULT_OUT = HERE / ".corpus"
FILES = "files"
FONT_NAMES = ("ipag.ttf", "ipagp.ttf", "ipam.ttf", "ipamp.ttf")
A4_INCHES = (8.27, 11.69)
TITLES = ("口座開設申込書", "会員登録申込書", "入会申込書", "利用申込書", "カード発行申込書",
          "サービス利用申込書", "住所変更届", "加入申込書")
NOTICE = ("ご記入いただいた個人情報は、お申込みの手続きおよびご連絡のために利用します。",
          "太枠内をご記入ください。")
# File formats in the plan, with how many pages each holds.
PLAN = (("png", 1),) * 18 + (("jpg", 1),) * 12 + (("bmp", 1),) * 4 + (("tif", 1),) * 6 + \
    (("tif", 2), ("tif", 3)) * 4 + (("pdf", 1), ("pdf", 2), ("pdf", 3)) * 4


@dataclass
class Page:
    image: Image.Image
    lines: list[str]
    entities: list[dict[str, Any]]
    vertical: bool
    dpi: int


@dataclass
class Form:
    path: str
    pages: list[Page] = field(default_factory=list)


def fonts() -> list[Path]:
    found: list[Path] = []
    for folder in ("/usr/share/fonts/opentype/ipafont-gothic",
                   "/usr/share/fonts/opentype/ipafont-mincho"):
        found.extend(Path(folder) / n for n in FONT_NAMES if (Path(folder) / n).exists())
    if not found:
        raise SystemExit("no IPA font found: apt-get install fonts-ipafont-gothic")
    return found


class FormWriter:
    """One page of an application form: fields chosen and spelt per page."""

    def __init__(self, rng: random.Random, fake: faker.Faker) -> None:
        self.rng = rng
        ids = people_gen.Ids(rng)
        self.people = people_gen.People(rng, fake, ids)
        self.fmt = people_gen.Fmt(rng)
        self.fonts = fonts()

    def fields(self) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
        """(label, value) rows and the personal data in them."""
        p, fmt = self.people.person(), self.fmt
        name = fmt.name(p, self.rng.choice(("space", "zspace")))
        kana = fmt.kana(p)
        birth = fmt.birth(p.birth)
        postal = f"{p.postal[:3]}-{p.postal[3:]}"
        address = fmt.address(p)
        phone = self.rng.choice((f"{p.mobile[:3]}-{p.mobile[3:7]}-{p.mobile[7:]}",
                                 "-".join(p.home)))
        my_number = self.rng.choice((p.my_number, fmt.group(p.my_number, (4, 4, 4), " ")))
        rows = [("フリガナ", kana), ("氏名", name), ("生年月日", birth),
                ("郵便番号", "〒" + postal), ("住所", address),
                (self.rng.choice(("電話番号", "連絡先電話番号", "携帯電話")), phone),
                (self.rng.choice(("個人番号", "マイナンバー（個人番号）", "個人番号（マイナンバー）")),
                 my_number)]
        truth = [{"type": "PERSON_NAME_KANA", "value": kana},
                 {"type": "PERSON_NAME", "value": name},
                 {"type": "BIRTH_DATE", "value": birth, "iso": p.birth.isoformat()},
                 {"type": "POSTAL_CODE", "value": postal}, {"type": "ADDRESS", "value": address},
                 {"type": "PHONE", "value": phone}, {"type": "MY_NUMBER", "value": my_number}]
        return rows, truth

    def page(self, vertical: bool) -> Page:
        dpi = self.rng.choice((200, 240, 300))
        size = (round(A4_INCHES[0] * dpi), round(A4_INCHES[1] * dpi))
        image = Image.new("L", size, 255)
        draw = ImageDraw.Draw(image)
        font_path = self.rng.choice(self.fonts)
        pt = self.rng.uniform(10.5, 14.0)

        def font(points: float) -> ImageFont.FreeTypeFont:
            return ImageFont.truetype(str(font_path), round(points * dpi / 72))

        title = self.rng.choice(TITLES)
        date = f"申込日　{self.rng.choice(('2024', '令和6'))}年{self.rng.randint(1, 12)}月" \
               f"{self.rng.randint(1, 28)}日"
        rows, truth = self.fields()
        if vertical:
            lines = self._vertical(draw, size, font(pt * 1.5), font(pt), title, date, rows)
        else:
            lines = self._horizontal(draw, size, font(pt * 1.6), font(pt), font(pt * 0.8),
                                     title, date, rows)
        return Page(self.degrade(image, dpi), lines, truth, vertical, dpi)

    def _horizontal(self, draw: ImageDraw.ImageDraw, size: tuple[int, int],
                    big: ImageFont.FreeTypeFont, body: ImageFont.FreeTypeFont,
                    small: ImageFont.FreeTypeFont, title: str, date: str,
                    rows: list[tuple[str, str]]) -> list[str]:
        width, _ = size
        margin = width // 10
        y = margin
        tw = draw.textlength(title, font=big)
        draw.text(((width - tw) / 2, y), title, font=big, fill=0)
        y += int(big.size * 2.2)
        dw = draw.textlength(date, font=body)
        draw.text((width - margin - dw, y), date, font=body, fill=0)
        y += int(body.size * 2)
        row_h = int(body.size * 2.4)
        label_w = int(max((width - 2 * margin) * 0.3,
                          *(draw.textlength(label, font=body) + body.size for label, _ in rows)))
        right = width - margin
        draw.rectangle((margin, y, right, y + row_h * len(rows)), outline=0, width=3)
        for i, (label, value) in enumerate(rows):
            top = y + i * row_h
            if i:
                draw.line((margin, top, right, top), fill=0, width=2)
            draw.text((margin + body.size // 2, top + row_h // 2), label, font=body, fill=0,
                      anchor="lm")
            draw.text((margin + label_w + body.size // 2, top + row_h // 2), value, font=body,
                      fill=0, anchor="lm")
        draw.line((margin + label_w, y, margin + label_w, y + row_h * len(rows)), fill=0, width=2)
        y += row_h * len(rows) + body.size
        for text in NOTICE:
            draw.text((margin, y), text, font=small, fill=0)
            y += int(small.size * 1.6)
        return [title, date, *(f"{label} {value}" for label, value in rows), *NOTICE]

    def _vertical(self, draw: ImageDraw.ImageDraw, size: tuple[int, int],
                  big: ImageFont.FreeTypeFont, body: ImageFont.FreeTypeFont, title: str,
                  date: str, rows: list[tuple[str, str]]) -> list[str]:
        """縦書き: columns right to left, digits full-width and upright."""
        width, height = size
        margin = width // 10
        x = width - margin - big.size
        zen = str.maketrans("0123456789-", "０１２３４５６７８９－")
        columns = [(title, big), (date.translate(zen), body)]
        columns += [(f"{label}　{value.translate(zen)}", body) for label, value in rows]
        for text, font in columns:
            draw.text((x, margin), text, font=font, fill=0, direction="ttb",
                      features=["vert"])
            x -= int(font.size * 2.0)
        draw.rectangle((x + body.size, margin - body.size, width - margin + body.size,
                        height - margin), outline=0, width=2)
        return [text for text, _ in columns]

    def degrade(self, image: Image.Image, dpi: int) -> Image.Image:
        """A scan: skew up to ±2°, sensor noise, sometimes blur or a fax's one bit."""
        angle = self.rng.uniform(-2.0, 2.0)
        image = image.rotate(angle, resample=Image.Resampling.BICUBIC, fillcolor=255)
        noise = Image.effect_noise(image.size, self.rng.uniform(8, 24))
        image = ImageChops.add(image, noise, offset=-128)
        if self.rng.random() < 0.3:
            image = image.filter(ImageFilter.GaussianBlur(self.rng.uniform(0.4, 0.9)))
        draw = ImageDraw.Draw(image)
        for _ in range(self.rng.randint(50, 400)):  # dust
            x, y = self.rng.randrange(image.width), self.rng.randrange(image.height)
            r = self.rng.randint(1, 3)
            draw.ellipse((x, y, x + r, y + r), fill=self.rng.randint(0, 90))
        image.info["dpi"] = (dpi, dpi)
        return image


def write(form: Form, out: Path, rng: random.Random) -> None:
    path = out / form.path
    images = [p.image for p in form.pages]
    dpi = form.pages[0].dpi
    ext = path.suffix
    if ext == ".tif":
        fax = rng.random() < 0.4
        if fax:
            images = [im.point(lambda v: 255 if v > 150 else 0).convert("1") for im in images]
        images[0].save(path, save_all=True, append_images=images[1:], dpi=(dpi, dpi),
                       compression="group4" if fax else "tiff_lzw")
    elif ext == ".pdf":
        images[0].save(path, save_all=True, append_images=images[1:], resolution=dpi)
    elif ext == ".jpg":
        images[0].save(path, quality=rng.randint(70, 92), dpi=(dpi, dpi))
    else:
        images[0].save(path, dpi=(dpi, dpi))


def generate(out: Path, seed: int, size: int) -> dict[str, Any]:
    if out.exists():
        shutil.rmtree(out)
    (out / FILES).mkdir(parents=True)
    rng = random.Random(seed)
    fake = faker.Faker("ja_JP")
    fake.seed_instance(seed)
    writer = FormWriter(rng, fake)
    files: dict[str, Any] = {}
    for index in range(size):
        ext, pages = PLAN[index % len(PLAN)]
        form = Form(f"{FILES}/form{index + 1:03d}.{ext}")
        for _ in range(pages):
            form.pages.append(writer.page(vertical=rng.random() < 0.2))
        write(form, out, rng)
        paged = ext == "pdf" or pages > 1
        files[form.path.removeprefix(FILES + "/")] = {
            "pages": [{"page": n if paged else None, "vertical": p.vertical, "dpi": p.dpi,
                       "lines": p.lines} for n, p in enumerate(form.pages, 1)],
            "entities": [{**e, "page": n if paged else None}
                         for n, p in enumerate(form.pages, 1) for e in p.entities],
        }
    truth = {"seed": seed, "size": size, "files": files}
    (out / "truth.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), "utf-8")
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20241205)
    parser.add_argument("--size", type=int, default=60, help="number of files")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    truth = generate(args.out, args.seed, args.size)
    pages = sum(len(f["pages"]) for f in truth["files"].values())
    vertical = sum(p["vertical"] for f in truth["files"].values() for p in f["pages"])
    print(f"wrote {len(truth['files'])} files, {pages} pages ({vertical} vertical) to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
