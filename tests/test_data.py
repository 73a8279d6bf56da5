"""The shipped dictionaries in piiscan.data: headers, sizes, known entries, loader."""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from importlib import resources
from pathlib import Path

import pytest

from piiscan.data import available, load_header, load_table, load_words

ROOT = Path(__file__).resolve().parent.parent
BUILD_SCRIPT = ROOT / "tools" / "build_data.py"

KATAKANA = re.compile(r"^[\u30a1-\u30fa\u30fc]+$")
HEADER_KEYS = ("name", "description", "source", "version", "licence", "built-by", "entries")

# name -> (min entries, max entries, max bytes)
EXPECTED = {
    "prefectures.txt": (47, 47, 4_000),
    "municipalities.tsv": (1_850, 2_000, 200_000),
    "towns.txt": (60_000, 110_000, 1_500_000),
    "surnames.tsv": (10_000, 30_000, 700_000),
    "surnames_rare.txt": (40_000, 110_000, 900_000),
    "given_names.tsv": (15_000, 45_000, 1_000_000),
    "common_word_surnames.txt": (100, 2_000, 30_000),
    "common_word_given_names.txt": (100, 2_000, 30_000),
    "sensitive_medical.txt": (300, 2_000, 60_000),
    "sensitive_medicines.txt": (200, 2_000, 60_000),
    "sensitive_disability.txt": (80, 1_000, 30_000),
    "sensitive_criminal.txt": (80, 1_000, 30_000),
    "sensitive_victim.txt": (40, 1_000, 30_000),
    "sensitive_belief.txt": (50, 1_000, 30_000),
    "sensitive_origin.txt": (25, 1_000, 30_000),
    "THIRD_PARTY_NOTICES.txt": (0, 0, 20_000),
}
SENSITIVE = [n for n in EXPECTED if n.startswith("sensitive_")]


def _path(name: str) -> Path:
    return Path(str(resources.files("piiscan.data").joinpath(name)))


def _entries(name: str) -> list[str]:
    text = _path(name).read_text(encoding="utf-8")
    return [ln for ln in text.splitlines() if ln and not ln.startswith("#")]


# --- every file -------------------------------------------------------------


def test_the_expected_files_ship() -> None:
    assert set(available()) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_header_records_source_version_and_licence(name: str) -> None:
    header = load_header(name)
    for key in HEADER_KEYS:
        assert header.get(key, "").strip(), f"{name}: header lacks {key!r}"
    assert header["name"] == name
    assert header["built-by"].startswith("tools/build_data.py on ")
    assert re.search(r"\d{4}-\d{2}-\d{2}$", header["built-by"])
    assert int(header["entries"]) == len(_entries(name))
    assert _path(name).read_text(encoding="utf-8").startswith("# name: ")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_size_and_count_within_bounds(name: str) -> None:
    low, high, max_bytes = EXPECTED[name]
    assert low <= len(_entries(name)) <= high
    assert _path(name).stat().st_size <= max_bytes


def test_total_size_stays_small() -> None:
    total = sum(_path(n).stat().st_size for n in available())
    assert total < 3_200_000


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_files_are_clean_utf8(name: str) -> None:
    raw = _path(name).read_bytes()
    text = raw.decode("utf-8")  # raises on bad bytes
    assert "\r" not in text and "\ufeff" not in text
    assert text.endswith("\n")
    for line in _entries(name):
        assert line == line.strip(), f"{name}: stray whitespace in {line!r}"
        assert unicodedata.normalize("NFKC", line) == line or name.startswith("THIRD")


@pytest.mark.parametrize("name", [n for n in EXPECTED if n.endswith(".txt") and "NOTICES" not in n])
def test_word_lists_have_no_duplicates(name: str) -> None:
    entries = _entries(name)
    assert len(entries) == len(set(entries))
    assert all("\t" not in e and " " not in e for e in entries)


# --- addresses ----------------------------------------------------------------


def test_prefectures() -> None:
    prefs = _entries("prefectures.txt")
    assert len(prefs) == 47
    assert prefs[0] == "北海道" and prefs[12] == "東京都" and prefs[-1] == "沖縄県"
    assert {"東京都", "北海道", "大阪府", "京都府", "神奈川県"} <= set(prefs)
    assert sum(p.endswith("県") for p in prefs) == 43


def test_municipality_rows_are_well_formed() -> None:
    prefs = load_words("prefectures")
    rows = load_table("municipalities")
    codes = set()
    for row in rows:
        assert len(row) == 6, row
        pref, county, muni, reading, county_reading, code = row
        assert pref in prefs
        assert muni and muni[-1] in "市区町村", row
        assert not reading or KATAKANA.match(reading), row
        assert re.fullmatch(r"\d{5}", code) and code not in codes, row
        codes.add(code)
        if county:
            assert county.endswith("郡") or county in ("三宅島", "八丈島"), row
            assert muni[-1] in "町村" and county_reading, row
    assert len({r[0] for r in rows}) == 47


def test_known_municipalities() -> None:
    munis = {r[2] for r in load_table("municipalities")}
    for name in (
        "札幌市中央区",
        "札幌市",
        "千代田区",
        "横浜市",
        "横浜市中区",
        "大阪市北区",
        "大阪市",
        "洞爺湖町",
        "郡山市",
        "大和郡山市",
        "郡上市",
        "さいたま市",
        "青ヶ島村",
        "三宅村",
    ):
        assert name in munis, name
    rows = load_table("municipalities")
    assert ("北海道", "虻田郡", "洞爺湖町") in {r[:3] for r in rows}
    assert ("大阪府", "", "大阪市北区") in {r[:3] for r in rows}
    # a name containing 郡 is not split when it is a 市
    assert ("福島県", "", "郡山市") in {r[:3] for r in rows}
    # 北群馬郡 (キタグンマグン) has 「グン」 twice in its reading
    assert ("群馬県", "北群馬郡", "吉岡町", "ヨシオカマチ", "キタグンマグン") in {
        r[:5] for r in rows
    }


def test_designated_cities_and_wards() -> None:
    rows = load_table("municipalities")
    cities = {r[2] for r in rows if r[2].endswith("市")}
    wards = [r[2] for r in rows if re.fullmatch(r".+市.+区", r[2])]
    designated = {w[: w.index("市") + 1] for w in wards}
    assert len(designated) == 20
    assert designated <= cities  # each 政令市 has its own row
    assert 150 <= len(wards) <= 200
    yokohama = next(r for r in rows if r[2] == "横浜市")
    assert yokohama[3] == "ヨコハマシ" and yokohama[5] == "14100"


def test_tokyo_special_wards() -> None:
    rows = load_table("municipalities")
    tokyo_wards = [r[2] for r in rows if r[0] == "東京都" and r[2].endswith("区")]
    assert len(tokyo_wards) == 23
    assert {"千代田区", "中央区", "港区", "世田谷区", "江戸川区"} <= set(tokyo_wards)


def test_towns() -> None:
    towns = load_words("towns")
    assert {"丸の内", "西新宿", "梅田", "大通東", "東10条南"} <= towns
    assert "" not in towns and "一円" not in towns
    assert not any("以下に掲載がない場合" in t or "（" in t or "(" in t for t in towns)
    assert not any(re.search(r"\d+階", t) for t in towns)


# --- names ----------------------------------------------------------------------

TOP_SURNAMES = [
    "佐藤",
    "鈴木",
    "高橋",
    "田中",
    "伊藤",
    "渡辺",
    "山本",
    "中村",
    "小林",
    "加藤",
    "吉田",
    "山田",
    "佐々木",
    "山口",
    "松本",
    "井上",
    "木村",
    "林",
    "斎藤",
    "清水",
    "山崎",
    "森",
    "池田",
    "橋本",
    "阿部",
    "石川",
    "山下",
    "中島",
    "石井",
    "小川",
    "前田",
    "岡田",
    "長谷川",
    "藤田",
    "後藤",
    "近藤",
    "村上",
    "遠藤",
    "青木",
    "坂本",
    "斉藤",
    "福田",
    "太田",
    "西村",
    "藤井",
    "金子",
    "岡本",
    "藤原",
    "中野",
    "三浦",
    "原田",
    "中川",
    "松田",
    "竹内",
    "小野",
    "田村",
    "渡邊",
]


def test_common_surnames_present_with_readings() -> None:
    table = {r[0]: r for r in load_table("surnames")}
    for s in TOP_SURNAMES:
        assert s in table, s
    assert "サトウ" in table["佐藤"][1].split(",")
    assert "スズキ" in table["鈴木"][1].split(",")
    assert "タカハシ" in table["高橋"][1].split(",")
    # glyph variants of common surnames
    assert {"髙橋", "山﨑", "𠮷田"} <= set(table)
    for row in table.values():
        assert len(row) == 3
        assert row[1] and all(KATAKANA.match(r) for r in row[1].split(",")), row
        assert row[2].isdigit(), row


def test_rare_surnames_extend_the_common_tier() -> None:
    common, rare = load_words("surnames"), load_words("surnames_rare")
    assert not common & rare
    assert {"勅使河原", "小鳥遊"} <= common | rare


def test_given_names() -> None:
    table = {r[0]: r for r in load_table("given_names")}
    for g in (
        "太郎",
        "花子",
        "翔太",
        "美咲",
        "健太",
        "結衣",
        "大輔",
        "陽菜",
        "一郎",
        "恵子",
        "直樹",
        "蓮",
    ):
        assert g in table, g
    assert "ショウタ" in table["翔太"][1].split(",")
    for row in table.values():
        assert len(row) == 3 and row[1] and row[2].isdigit(), row


def test_names_contain_kanji_only_forms() -> None:
    kanji = re.compile(r"[\u3400-\u9fff\uf900-\ufaff々〆ヶ\U00020000-\U0003ffff]")
    for name in ("surnames", "surnames_rare", "given_names"):
        for w in load_words(name):
            assert kanji.search(w), (name, w)
            assert not re.search(r"[A-Za-z0-9]", w), (name, w)


def test_common_word_surnames() -> None:
    cws = load_words("common_word_surnames")
    assert {
        "森",
        "林",
        "東",
        "西",
        "南",
        "北",
        "中",
        "今",
        "白",
        "石",
        "松",
        "梅",
        "原",
        "千葉",
    } <= cws
    assert not {"佐藤", "鈴木", "高橋", "田中", "中村", "渡辺"} & cws
    assert cws <= load_words("surnames") | load_words("surnames_rare")
    assert "listed when" in load_header("common_word_surnames")["note"]  # the method is recorded


def test_common_word_given_names() -> None:
    cwg = load_words("common_word_given_names")
    assert {"誠", "愛", "光", "望"} <= cwg
    assert not {"翔太", "花子", "太郎", "直樹"} & cwg
    assert cwg <= load_words("given_names")


def test_name_licences_are_redistributable() -> None:
    for name in (
        "surnames.tsv",
        "surnames_rare.txt",
        "given_names.tsv",
        "common_word_surnames.txt",
    ):
        lic = load_header(name)["licence"]
        assert "Apache-2.0" in lic or "BSD" in lic
    notices = _path("THIRD_PARTY_NOTICES.txt").read_text(encoding="utf-8")
    assert "Copyright (c) 2011-2013, The UniDic Consortium" in notices
    assert "Copyright (c) 2017 Works Applications Co., Ltd." in notices
    assert "著作権を主張しません" in notices


def test_build_script_does_not_use_test_data_generators() -> None:
    # Faker and gimei generate our test data; a detector built from their tables proves nothing
    src = BUILD_SCRIPT.read_text(encoding="utf-8")
    assert not re.search(r"^\s*(import|from)\s+(faker|gimei)\b", src, re.M | re.I)


# --- sensitive terms --------------------------------------------------------------


def test_sensitive_lists_do_not_overlap() -> None:
    seen: dict[str, str] = {}
    for name in SENSITIVE:
        for term in load_words(name):
            assert term not in seen, f"{term} in {seen.get(term)} and {name}"
            seen[term] = name


def test_sensitive_licence_is_cc0() -> None:
    for name in SENSITIVE:
        header = load_header(name)
        assert header["licence"] == "CC0-1.0"
        assert "施行令2条" in header["source"]


@pytest.mark.parametrize(
    ("name", "terms"),
    [
        (
            "sensitive_medical",
            "糖尿病 高血圧 うつ病 統合失調症 癌 胃がん 胃癌 HIV 肝炎 C型肝炎 認知症 てんかん 治療中 通院中 "
            "要精密検査",
        ),
        (
            "sensitive_medicines",
            "アムロジピン メトホルミン セルトラリン リスペリドン ドネペジル インスリン",
        ),
        (
            "sensitive_disability",
            "身体障害 知的障害 精神障害 発達障害 難病 障害者手帳 療育手帳 精神障害者保健福祉手帳 "
            "身体障害者手帳 車いす 視覚障害 聴覚障害",
        ),
        (
            "sensitive_criminal",
            "前科 前歴 犯罪歴 逮捕 起訴 勾留 有罪判決 執行猶予 懲役 罰金刑 少年院 保護観察 "
            "家庭裁判所送致",
        ),
        ("sensitive_victim", "犯罪被害 被害者 被害届 DV被害 ストーカー被害 性犯罪被害"),
        (
            "sensitive_belief",
            "信条 宗教 信仰 仏教 浄土真宗 キリスト教 カトリック プロテスタント イスラム教 神道 "
            "支持政党",
        ),
        ("sensitive_origin", "人種 門地 本籍 被差別部落 同和 社会的身分 民族 アイヌ"),
    ],
)
def test_known_sensitive_terms(name: str, terms: str) -> None:
    words = load_words(name)
    missing = [t for t in terms.split() if t not in words]
    assert not missing, f"{name} lacks {missing}"


def test_ambiguous_terms_are_left_out() -> None:
    everything = set().union(*(load_words(n) for n in SENSITIVE))
    # がんばる, お骨折り, 出所 (source), 傷害保険, 在日米軍, 家系ラーメン, 外来語, contract 反社条項
    for term in (
        "がん",
        "骨折",
        "出所",
        "傷害",
        "在日",
        "家系",
        "外来",
        "反社会的勢力",
        "出身地",
        "国籍",
    ):
        assert term not in everything, term


# --- loader -------------------------------------------------------------------------


def test_loader_accepts_names_with_or_without_suffix() -> None:
    assert load_words("prefectures") == load_words("prefectures.txt")
    assert load_table("municipalities") == load_table("municipalities.tsv")
    # for a table, load_words gives the first column
    assert load_words("municipalities") == load_words("prefectures")


def test_loader_caches_and_returns_independent_lists() -> None:
    assert load_words("surnames") is load_words("surnames")
    rows = load_table("municipalities")
    rows.clear()
    assert load_table("municipalities")


def test_loader_rejects_unknown_and_path_names() -> None:
    with pytest.raises(FileNotFoundError):
        load_words("no_such_list")
    for bad in ("../__init__.py", "a/b.txt", ".hidden"):
        with pytest.raises(ValueError):
            load_words(bad)


def test_header_skips_section_comments_in_the_body() -> None:
    assert "# -- " in _path("sensitive_medical.txt").read_text(encoding="utf-8")
    assert not any(w.startswith("#") for w in load_words("sensitive_medical"))


# --- the build script ---------------------------------------------------------------


def _build_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build_data", BUILD_SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_data"] = module
    spec.loader.exec_module(module)
    return module


def test_committed_term_lists_match_the_build_script() -> None:
    assert _build_module().main(["--check", "--only", "sensitive,notices"]) == 0

# Rebuilding the name and address data needs ~200 MB of source dictionaries, so that check
# is `make data-check` (the `data` extra), not part of the test suite.
