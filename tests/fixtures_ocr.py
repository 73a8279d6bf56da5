"""Small Japanese forms drawn with Pillow in IPA Gothic, for the OCR tests.

The font comes from Debian's fonts-ipafont-gothic, which `make test` and .ci/run install;
a missing font fails the tests instead of skipping them. Every value is synthetic.
"""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont

import synth

FONT = Path("/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf")
RNG = random.Random(20241205)
MY_NUMBER = synth.my_number(RNG)
BAD_MY_NUMBER = synth.my_number(RNG, valid=False)
MOBILE = "090-3141-5926"
POSTAL = "150-0041"
NAME = "佐藤 花子"


def font(size: int = 30) -> ImageFont.FreeTypeFont:
    if not FONT.exists():
        raise AssertionError(f"{FONT} is missing: apt-get install fonts-ipafont-gothic "
                             "(make test does this)")
    return ImageFont.truetype(str(FONT), size)


def form(lines: list[str], *, width: int = 900, skew: float = 0.0,
         noise: float = 0.0) -> Image.Image:
    """Horizontal lines of text on white, optionally skewed (degrees) and noisy (sigma)."""
    face = font()
    image = Image.new("L", (width, 70 + 52 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((40, 35 + 52 * i), line, font=face, fill=0)
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if noise:
        image = ImageChops.add(image, Image.effect_noise(image.size, noise), offset=-128)
    return image


def vertical_form(columns: list[str]) -> Image.Image:
    """縦書き: columns right to left, read top to bottom."""
    face = font()
    longest = max(len(c) for c in columns)
    image = Image.new("L", (80 + 60 * len(columns), 80 + 32 * longest), 255)
    draw = ImageDraw.Draw(image)
    for i, column in enumerate(columns):
        draw.text((image.width - 70 - 60 * i, 40), column, font=face, fill=0, direction="ttb",
                  features=["vert"])
    return image


def application(name: str = NAME) -> list[str]:
    """The lines of a small 申込書."""
    return ["会員登録申込書", f"氏名 {name}", f"郵便番号 〒{POSTAL}", f"電話番号 {MOBILE}",
            f"個人番号 {synth.group4(MY_NUMBER)}"]
