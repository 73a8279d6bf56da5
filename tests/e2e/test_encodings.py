"""The same content in every supported Japanese encoding yields the same findings."""

from __future__ import annotations

import codecs
import random
from collections import Counter
from pathlib import Path

from clirunner import CLI
from synth import card, group4, mobile, my_number

# file name -> (codec used to write it, encoding the report must say it was read as)
ENCODINGS = {
    "utf8.txt": ("utf-8", "utf-8"),
    "utf8bom.txt": ("utf-8-sig", "utf-8 (BOM)"),
    "utf16le.txt": ("utf-16-le", "utf-16-le"),
    "utf16be.txt": ("utf-16-be", "utf-16-be"),
    "utf16bom.txt": ("utf-16", "utf-16 (BOM)"),
    "sjis.txt": ("cp932", "cp932"),
    "eucjp.txt": ("euc_jp", "euc_jp"),
    "jis.txt": ("iso2022_jp", "iso2022_jp"),
}


def content(rng: random.Random) -> tuple[str, Counter[str]]:
    lines, expected = [], Counter[str]()
    for i in range(6):
        lines.append(f"顧客{i}　マイナンバー：{group4(my_number(rng))}")
        lines.append(f"個人番号{my_number(rng)}")  # no separator, right after 号
        lines.append(f"カード番号 {group4(card(rng), '-') if i % 2 else card(rng)}")
        lines.append(f"携帯電話：{mobile(rng)}　ＴＥＬ ０３ー１２３４ー５６７{i}")
        lines.append(f"メール user{i}.tanaka@mail{i}.co.jp")
        lines.append(f"〒10{i}-000{i} 東京都千代田区千代田1-{i}")
        expected.update({"MY_NUMBER": 2, "CREDIT_CARD": 1, "PHONE": 2, "EMAIL": 1,
                         "POSTAL_CODE": 1,
                         "ADDRESS": 1})
        # Must stay quiet: check-digit failures, 12 digits in longer runs, order numbers.
        lines.append(f"マイナンバー：{my_number(rng, valid=False)}")
        lines.append(f"個人番号 {my_number(rng)}{rng.randrange(10)}")
        lines.append(f"会員ID 9{my_number(rng)}")
        lines.append(f"注文番号 {my_number(rng)}")
        lines.append(f"カード {card(rng, valid=False)}")
        lines.append("2024-01-15 10:30:00 version 1.2.3-4567 192.168.0.1")
    return "\n".join(lines) + "\n", expected


def test_same_findings_in_every_encoding(tmp_path: Path, cli: CLI) -> None:
    text, expected = content(random.Random(42))
    for name, (encoding, _) in ENCODINGS.items():
        data = text.encode(encoding)
        if encoding == "utf-16":
            assert data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
        (tmp_path / name).write_bytes(data)
    code, report = cli.json("scan", str(tmp_path))
    assert code == 1
    files = {Path(f["path"]).name: f for f in report["files"]}
    assert set(files) == set(ENCODINGS)
    for name, (_, reported) in ENCODINGS.items():
        assert Counter(files[name]["counts"]) == expected, name
        assert files[name]["encoding"] == reported
    # Locations point at the original text: line 1, the character after 'マイナンバー：'
    for name in ENCODINGS:
        first = files[name]["findings"][0]["location"]
        assert (first["line"], first["column"]) == (1, 12), name
    assert report["summary"]["unreadable"] == 0
