"""Customer masters and shares for exact data match, all synthetic (used by tests/edm and
benchmarks/edm.py).

People come from gimei's name lists (kanji, hiragana, katakana), piiscan's own municipality
list, and tests/synth.py's numbers (valid My Number check digits, mobile numbers), drawn
with one seeded RNG: the same seed gives the same master and share, byte for byte. A share
plants master customers' values in several spellings (full-width digits, no hyphens, names
without a label, katakana and half-width readings) next to people who are not in the master;
``Truth`` records every planted primary value, so a test can check that each master value
was found as that row's match and no other value was.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import json
import random
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from synth import group4, my_number

MEMBER_TYPE = "MEMBER_ID"
RULES = """
types:
  - {id: MEMBER_ID, ja: 会員番号, en: member number, category: 個人情報, mask: last4,
     identifying: true, anchor: true}
rules:
  - id: acme.member_id
    name: 会員番号（ACME）
    description: ACME's member numbers, M and seven digits.
    type: MEMBER_ID
    severity: medium
    confidence: low
    pattern: '(?<![A-Za-z0-9])M-?[0-9]{7}(?![0-9])'
    context:
      keywords: [会員番号, 会員]
      headers: [会員]
      confidence: high
    examples:
      match: ['会員番号 M-1234567']
      no_match: ['M-123456']
"""
SCHEMA = """
name: 顧客マスタ
id_column: 顧客ID
primary:
  - {column: 電話番号, type: PHONE}
  - {column: メールアドレス, type: EMAIL}
  - {column: 個人番号, type: MY_NUMBER}
  - {column: 会員番号, type: MEMBER_ID}
corroborating:
  - {column: 氏名, type: PERSON_NAME}
  - {column: フリガナ, type: PERSON_NAME_KANA}
  - {column: 住所, type: ADDRESS}
  - {column: 生年月日, type: BIRTH_DATE}
"""
HEADER = ["顧客ID", "氏名", "フリガナ", "電話番号", "メールアドレス", "個人番号", "会員番号", "住所",
          "生年月日", "備考"]
PRIMARY = {"phone": "PHONE", "email": "EMAIL", "my_number": "MY_NUMBER", "member": MEMBER_TYPE}
DOMAINS = ("example.jp", "example.com", "example.net", "mail.example.co.jp")


@dataclass(frozen=True)
class Person:
    row_id: str  # the master's 顧客ID ('' for people not in the master)
    name: str  # 山田 太郎
    kana: str  # ヤマダ タロウ
    hiragana: str
    phone: str  # 090-1234-5678
    email: str
    my_number: str  # 12 digits
    member: str  # M-1234567
    address: str
    birth: dt.date

    def row(self) -> list[str]:
        return [self.row_id, self.name, self.kana, self.phone, self.email, self.my_number,
                self.member, self.address, self.birth.isoformat(), ""]


class People:
    """Distinct people: no two share a phone, e-mail, My Number or member number."""

    def __init__(self, seed: int) -> None:
        from piiscan import data

        names, addresses = _gimei_data()
        self.rng = random.Random(seed)
        self.surnames = names["last_name"]
        self.given = names["first_name"]["male"] + names["first_name"]["female"]
        self.towns = [t[0] for t in addresses["addresses"]["town"]]
        self.places = [(p, c + m if c else m) for p, c, m, *_ in data.load_table("municipalities")]
        self.used: set[str] = set()

    def _unique(self, make: object) -> str:
        while True:
            value = make()  # type: ignore[operator]
            if value not in self.used:
                self.used.add(value)
                return str(value)

    def person(self, row_id: str = "") -> Person:
        rng = self.rng
        last, first = rng.choice(self.surnames), rng.choice(self.given)
        prefecture, city = rng.choice(self.places)
        number = f"{rng.randrange(1, 10)}-{rng.randrange(1, 30)}-{rng.randrange(1, 20)}"
        building = rng.choice(["", "", f" コーポ{rng.choice(self.towns)}{rng.randrange(101, 410)}"])
        return Person(
            row_id=row_id,
            name=f"{last[0]} {first[0]}",
            kana=f"{last[2]} {first[2]}",
            hiragana=f"{last[1]} {first[1]}",
            phone=self._unique(lambda: f"0{rng.choice('789')}0-{rng.randrange(1000, 10000)}-"
                                       f"{rng.randrange(1000, 10000)}"),
            email=self._unique(lambda: f"user{rng.randrange(10**8)}@{rng.choice(DOMAINS)}"),
            my_number=self._unique(lambda: my_number(rng)),
            member=self._unique(lambda: f"M-{rng.randrange(10**7):07d}"),
            address=f"{prefecture}{city}{rng.choice(self.towns)}{number}{building}",
            birth=dt.date(rng.randrange(1940, 2005), rng.randrange(1, 13), rng.randrange(1, 29)),
        )

    def master(self, count: int, first_id: int = 1001) -> list[Person]:
        return [self.person(str(first_id + i)) for i in range(count)]


@functools.cache
def _gimei_data() -> tuple[Any, Any]:
    """gimei's name and address lists ([kanji, hiragana, katakana] each), read from its
    package (importing gimei leaves the files open, which the suite's warnings catch)."""
    import importlib.util

    import yaml

    spec = importlib.util.find_spec("gimei")
    assert spec is not None and spec.origin is not None
    folder = Path(spec.origin).parent / "data"
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return tuple(yaml.load((folder / name).read_bytes(), Loader=loader)  # type: ignore[return-value]
                 for name in ("names.yml", "addresses.yml"))


def write_master(path: Path, people: list[Person], encoding: str = "utf-8") -> None:
    """A customer master as CSV (any encoding) or XLSX (by the suffix)."""
    if path.suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("顧客")
        sheet.append(HEADER)
        for p in people:
            sheet.append(p.row())
        book.save(path)
        return
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(p.row() for p in people)


def write_schema(folder: Path) -> tuple[Path, Path]:
    """The schema and the rule file declaring MEMBER_ID, in ``folder``."""
    schema, rules = folder / "edm.yaml", folder / "member.yaml"
    schema.write_text(SCHEMA, encoding="utf-8")
    rules.write_text(RULES, encoding="utf-8")
    return schema, rules


# --- shares -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Planted:
    file: str  # path relative to the share
    type: str
    value: str  # as written in the file
    row_id: str | None  # the master row, None for a person not in the master


@dataclass
class Truth:
    planted: list[Planted] = field(default_factory=list)

    def add(self, file: str, p: Person, kinds: tuple[str, ...], value: dict[str, str]) -> None:
        for kind in kinds:
            self.planted.append(Planted(file, PRIMARY[kind], value[kind], p.row_id or None))


def full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def half_width_kana(text: str) -> str:
    """ヤマダ タロウ -> ﾔﾏﾀﾞ ﾀﾛｳ (NFKC's inverse for katakana)."""
    table = {unicodedata.normalize("NFKC", chr(c)): chr(c) for c in range(0xFF66, 0xFF9E)}
    out = []
    for ch in text:
        base = unicodedata.normalize("NFD", ch)
        if base[0] in table:
            out.append(table[base[0]] + ("ﾞ" if "\u3099" in base else "ﾟ" if "\u309a" in base
                                         else ""))
        else:
            out.append(ch)
    return "".join(out)


def spellings(p: Person, rng: random.Random) -> dict[str, str]:
    """One spelling of each primary value, as a file might hold it."""
    phone = rng.choice([p.phone, p.phone.replace("-", ""), full_width(p.phone),
                        p.phone.replace("-", " ")])
    number = rng.choice([group4(p.my_number), p.my_number, group4(p.my_number, "-")])
    member = rng.choice([p.member, p.member.replace("-", "")])
    return {"phone": phone, "email": p.email, "my_number": number, "member": member}


def memo(file: str, people: list[Person], rng: random.Random, truth: Truth) -> str:
    """Running text: labelled and unlabelled values, names with and without labels."""
    lines = ["顧客対応メモ", "本日の問い合わせ対応の記録です。"]
    for p in people:
        v = spellings(p, rng)
        style = rng.randrange(5)
        if style == 0:
            lines.append(f"{p.name}様より電話あり。折り返し先 {v['phone']}")
            kinds: tuple[str, ...] = ("phone",)
        elif style == 1:
            lines.append(f"{half_width_kana(p.kana)} {v['phone']} {p.email}")
            kinds = ("phone", "email")
        elif style == 2:
            lines.append(f"マイナンバー {v['my_number']} 氏名 {p.name} 生年月日 "
                         f"{p.birth.year}年{p.birth.month}月{p.birth.day}日")
            kinds = ("my_number",)
        elif style == 3:
            lines.append(f"会員番号 {v['member']} {p.hiragana}さん 住所 {p.address}")
            kinds = ("member",)
        else:
            lines.append(f"連絡先メール {p.email}（{p.name}）")
            kinds = ("email",)
        lines.append(rng.choice(["対応済み。", "後日連絡予定。", "資料を送付した。"]))
        truth.add(file, p, kinds, v)
    return "\n".join(lines) + "\n"


def table(file: str, people: list[Person], rng: random.Random, truth: Truth) -> list[list[str]]:
    """A customer list: header row, one person a row (a record)."""
    rows = [["氏名", "カナ", "電話", "メール", "会員番号", "生年月日"]]
    for p in people:
        v = spellings(p, rng)
        rows.append([p.name, p.kana, v["phone"], p.email, v["member"],
                     p.birth.strftime("%Y/%m/%d")])
        truth.add(file, p, ("phone", "email", "member"), v)
    return rows


def make_share(root: Path, master: list[Person], others: list[Person], files: int,
               seed: int, per_file: tuple[int, int] = (2, 12)) -> Truth:
    """``files`` files under ``root`` (text, CSV in UTF-8 or CP932, XLSX, JSON), each holding
    a few master customers and a few people who are not in the master."""
    rng = random.Random(seed)
    truth = Truth()
    root.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        people = rng.sample(master, rng.randrange(*per_file)) + \
            rng.sample(others, rng.randrange(1, 4))
        rng.shuffle(people)
        kind = ("txt", "txt", "csv", "csv", "xlsx", "json")[i % 6]
        name = f"{i // 100:02d}/file{i:04d}.{kind}"
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "txt":
            encoding = "cp932" if i % 4 == 1 else "utf-8"
            path.write_bytes(memo(name, people, rng, truth).encode(encoding))
        elif kind == "csv":
            buffer = io.StringIO()
            csv.writer(buffer, lineterminator="\r\n").writerows(table(name, people, rng, truth))
            path.write_bytes(buffer.getvalue().encode("cp932" if i % 2 else "utf-8-sig"))
        elif kind == "xlsx":
            _xlsx(path, table(name, people, rng, truth))
        else:
            path.write_text(json.dumps(list(_records(name, people, rng, truth)),
                                       ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def _records(file: str, people: list[Person], rng: random.Random, truth: Truth
             ) -> Iterator[dict[str, str]]:
    for p in people:
        v = spellings(p, rng)
        truth.add(file, p, ("phone", "email"), v)
        yield {"customer": p.name, "tel": v["phone"], "mail": p.email, "note": "定期購入"}


def _xlsx(path: Path, rows: list[list[str]]) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)


# --- scoring a scan against the truth ------------------------------------------------------


@dataclass
class Score:
    master_values: int = 0  # planted values of master customers
    found: int = 0  # ...found as an EDM match of their own row
    missed: list[Planted] = field(default_factory=list)
    wrong_row: list[Planted] = field(default_factory=list)
    other_values: int = 0  # planted values of people not in the master
    false_matches: list[str] = field(default_factory=list)  # EDM matches on anything else
    corroborated: int = 0  # EDM matches of a primary value confirmed by a field nearby

    @property
    def perfect(self) -> bool:
        return not (self.missed or self.wrong_row or self.false_matches)


def evaluate(result: object, truth: Truth, key: bytes, root: str) -> Score:
    """Compare a ScanResult (scanned with fingerprint key ``key`` over ``root``) with what
    was planted: every master value must be an EDM match of its row, nothing else may be."""
    from piiscan.mask import Fingerprinter

    fingerprint = Fingerprinter(key)
    prefix = root.rstrip("/") + "/"
    matches: dict[tuple[str, str, str], set[str | None]] = {}
    for fr in result.files:  # type: ignore[attr-defined]
        for f in fr.findings:
            if f.type in PRIMARY.values():
                file = f.location.path.removeprefix(prefix)
                matches.setdefault((file, f.type, f.fingerprint), set()).add(f.edm_row)
    score = Score()
    expected: dict[tuple[str, str, str], str | None] = {}
    for p in truth.planted:
        where = (p.file, p.type, fingerprint(p.type, p.value))
        expected[where] = p.row_id
        rows = matches.get(where, set())
        if p.row_id is None:
            score.other_values += 1
        else:
            score.master_values += 1
            if p.row_id in rows:
                score.found += 1
            elif rows - {None}:
                score.wrong_row.append(p)
            else:
                score.missed.append(p)
    for where, rows in matches.items():
        for row in rows - {None}:
            if expected.get(where) != row:
                score.false_matches.append(f"{where[0]} {where[1]} row {row}")
    score.corroborated = sum(
        1 for fr in result.files for f in fr.findings  # type: ignore[attr-defined]
        if f.edm_row is not None and f.type in PRIMARY.values()
        and any(r.code == "edm" and "+" in r.detail for r in f.reasons))
    return score


# --- a small world for tests ---------------------------------------------------------------


@dataclass
class World:
    """A generated customer master, its index and key, and a share planted from it."""

    root: Path
    master: list[Person]
    others: list[Person]
    master_csv: Path
    schema: Path
    rules: Path
    key: Path
    index: Path
    share: Path
    truth: Truth


def build_world(root: Path, rows: int = 150, files: int = 12, seed: int = 18) -> World:
    from piiscan.edm import keyfile
    from piiscan.edm.build import build
    from piiscan.edm.schema import EdmSchema
    from piiscan.mask import EdmHasher
    from piiscan.rules.loader import load_ruleset

    root.mkdir(parents=True, exist_ok=True)
    people = People(seed)
    master, others = people.master(rows), [people.person() for _ in range(40)]
    master_csv = root / "顧客マスタ.csv"
    write_master(master_csv, master, "cp932")
    schema, rules = write_schema(root)
    key, index = root / "edm.key", root / "customers.edm"
    keyfile.generate(str(key))
    parsed = EdmSchema.load(schema)
    parsed.check_types(load_ruleset((str(rules),)))
    build(str(master_csv), parsed, EdmHasher(keyfile.read(str(key))), str(index))
    share = root / "share"
    truth = make_share(share, master, others, files=files, seed=seed + 1)
    return World(root, master, others, master_csv, schema, rules, key, index, share, truth)
