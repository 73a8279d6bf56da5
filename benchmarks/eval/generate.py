"""Generate a labelled synthetic corpus of Japanese business documents for the accuracy run.

    .venv/bin/python benchmarks/eval/generate.py [--seed 20241124] [--size 400] [--out DIR]

Writes ``--size`` documents (about a third of them clean: hard negatives only) under
``benchmarks/eval/.corpus/files/`` (gitignored) and ``.corpus/truth.json``: for every file
(path relative to ``files/``), whether it is
clean and the list of personal data it holds, ``{type, value, where}``, where ``value`` is
the text exactly as written and ``where`` a location hint (line, row/column, sheet/cell,
page, archive member). Everything is a pure function of the seed.

People come from Faker's ja_JP locale and gimei (names with readings, prefectures, 町域);
identifiers are generated with valid check digits where the real ones have them. Each
document kind has several layouts, label words, value formats (separators or none,
full-width digits, 西暦/和暦) and encodings, chosen per document, so a rule tuned to one
phrasing does not pass. Hard negatives (法人番号, インボイス T-numbers, JAN/ISBN, order and
tracking numbers that pass a check digit, test cards, dates, versions, IP addresses, a
company's own contact block, 記入例 values) are mixed into positive documents too.

Never import this from the test suite: it is a benchmark, tracked, not asserted.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path
from typing import Any

import faker
from gimei import Gimei

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / ".corpus"
FILES = "files"  # the documents go here; truth.json sits beside it, outside the scanned tree
FIXED_TIME = dt.datetime(2024, 11, 1, 9, 0, 0)
TODAY = dt.date(2024, 11, 1)  # ages are computed against this day, not the real one

# ----------------------------------------------------------------------------------------
# Ground truth


@dataclass
class Entity:
    type: str
    value: str
    where: dict[str, Any] = field(default_factory=dict)
    iso: str | None = None  # birth dates: the calendar date, whatever the spelling

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": self.type, "value": self.value, "where": self.where}
        if self.iso:
            out["iso"] = self.iso
        return out


@dataclass
class Doc:
    """One file being written: its truth, and where the writer currently is."""

    path: str
    kind: str
    clean: bool = False
    entities: list[Entity] = field(default_factory=list)
    where: dict[str, Any] = field(default_factory=dict)

    def add(self, etype: str, value: str, iso: str | None = None, **where: Any) -> str:
        if self.clean:
            raise AssertionError(f"{self.path}: a clean document got a {etype}")
        self.entities.append(Entity(etype, value, {**self.where, **where}, iso))
        return value


class Lines:
    """A text document written line by line, so each entity knows its line number."""

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        self.lines: list[str] = []

    @property
    def next_line(self) -> int:
        return len(self.lines) + 1

    def add(self, text: str = "", *entities: tuple[str, str] | tuple[str, str, str]) -> None:
        for ent in entities:
            iso = ent[2] if len(ent) == 3 else None
            if ent[1] not in text:
                raise AssertionError(f"{ent[1]!r} not in line {text!r}")
            self.doc.add(ent[0], ent[1], iso, line=self.next_line)
        self.lines.extend(text.split("\n")) if "\n" in text else self.lines.append(text)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


# ----------------------------------------------------------------------------------------
# Vocabulary written for this generator (not piiscan's dictionaries)

PREF_CITIES: dict[str, list[str]] = {
    "北海道": ["札幌市中央区", "札幌市北区", "旭川市", "函館市", "帯広市", "釧路市"],
    "青森県": ["青森市", "弘前市", "八戸市"],
    "岩手県": ["盛岡市", "花巻市", "一関市"],
    "宮城県": ["仙台市青葉区", "仙台市泉区", "石巻市", "名取市"],
    "秋田県": ["秋田市", "横手市", "大館市"],
    "山形県": ["山形市", "鶴岡市", "米沢市"],
    "福島県": ["福島市", "郡山市", "いわき市", "会津若松市"],
    "茨城県": ["水戸市", "つくば市", "日立市", "土浦市"],
    "栃木県": ["宇都宮市", "小山市", "足利市"],
    "群馬県": ["前橋市", "高崎市", "太田市"],
    "埼玉県": ["さいたま市浦和区", "さいたま市大宮区", "川越市", "川口市", "所沢市", "越谷市"],
    "千葉県": ["千葉市中央区", "船橋市", "松戸市", "柏市", "市川市", "浦安市"],
    "東京都": [
        "千代田区",
        "中央区",
        "港区",
        "新宿区",
        "世田谷区",
        "杉並区",
        "練馬区",
        "大田区",
        "江東区",
        "八王子市",
        "町田市",
        "武蔵野市",
        "調布市",
        "府中市",
    ],
    "神奈川県": [
        "横浜市港北区",
        "横浜市青葉区",
        "横浜市中区",
        "川崎市中原区",
        "相模原市中央区",
        "藤沢市",
        "横須賀市",
        "鎌倉市",
    ],
    "新潟県": ["新潟市中央区", "長岡市", "上越市"],
    "富山県": ["富山市", "高岡市"],
    "石川県": ["金沢市", "小松市", "白山市"],
    "福井県": ["福井市", "敦賀市"],
    "山梨県": ["甲府市", "富士吉田市"],
    "長野県": ["長野市", "松本市", "上田市"],
    "岐阜県": ["岐阜市", "大垣市", "高山市"],
    "静岡県": ["静岡市葵区", "浜松市中央区", "沼津市", "富士市"],
    "愛知県": ["名古屋市中区", "名古屋市千種区", "豊田市", "岡崎市", "一宮市", "豊橋市"],
    "三重県": ["津市", "四日市市", "鈴鹿市"],
    "滋賀県": ["大津市", "草津市", "彦根市"],
    "京都府": ["京都市左京区", "京都市中京区", "宇治市", "亀岡市"],
    "大阪府": [
        "大阪市北区",
        "大阪市中央区",
        "大阪市天王寺区",
        "堺市堺区",
        "豊中市",
        "吹田市",
        "枚方市",
    ],
    "兵庫県": ["神戸市中央区", "神戸市灘区", "姫路市", "西宮市", "尼崎市", "明石市"],
    "奈良県": ["奈良市", "橿原市", "生駒市"],
    "和歌山県": ["和歌山市", "田辺市"],
    "鳥取県": ["鳥取市", "米子市"],
    "島根県": ["松江市", "出雲市"],
    "岡山県": ["岡山市北区", "倉敷市"],
    "広島県": ["広島市中区", "広島市南区", "福山市", "呉市"],
    "山口県": ["山口市", "下関市", "宇部市"],
    "徳島県": ["徳島市", "鳴門市"],
    "香川県": ["高松市", "丸亀市"],
    "愛媛県": ["松山市", "今治市"],
    "高知県": ["高知市", "南国市"],
    "福岡県": ["福岡市中央区", "福岡市博多区", "北九州市小倉北区", "久留米市"],
    "佐賀県": ["佐賀市", "唐津市"],
    "長崎県": ["長崎市", "佐世保市"],
    "熊本県": ["熊本市中央区", "八代市"],
    "大分県": ["大分市", "別府市"],
    "宮崎県": ["宮崎市", "都城市"],
    "鹿児島県": ["鹿児島市", "霧島市"],
    "沖縄県": ["那覇市", "沖縄市", "浦添市"],
}
AREA_CODES = {  # a city-ish mix of area-code lengths: (code, local-exchange digits)
    "03": 4,
    "06": 4,
    "011": 3,
    "022": 3,
    "045": 3,
    "052": 3,
    "075": 3,
    "078": 3,
    "082": 3,
    "092": 3,
    "0466": 2,
    "0422": 2,
    "0476": 2,
    "0857": 2,
    "0263": 2,
    "0985": 2,
    "099": 3,
}
FREE_MAIL = [
    "gmail.com",
    "yahoo.co.jp",
    "icloud.com",
    "outlook.jp",
    "hotmail.co.jp",
    "docomo.ne.jp",
    "ezweb.ne.jp",
    "softbank.ne.jp",
    "nifty.com",
    "biglobe.ne.jp",
]
BANKS = [
    "みずほ銀行",
    "三菱UFJ銀行",
    "三井住友銀行",
    "りそな銀行",
    "埼玉りそな銀行",
    "横浜銀行",
    "千葉銀行",
    "静岡銀行",
    "京都銀行",
    "福岡銀行",
    "北洋銀行",
    "楽天銀行",
    "PayPay銀行",
    "住信SBIネット銀行",
    "城南信用金庫",
    "京都中央信用金庫",
    "JAバンク",
    "七十七銀行",
]
BRANCHES = [
    "本店営業部",
    "渋谷支店",
    "新宿支店",
    "池袋支店",
    "梅田支店",
    "難波支店",
    "横浜駅前支店",
    "名古屋支店",
    "札幌支店",
    "博多支店",
    "仙台支店",
    "大宮支店",
    "千葉支店",
    "京都支店",
    "神戸支店",
    "二子玉川支店",
    "吉祥寺支店",
    "船橋支店",
    "イチゴ支店",
    "第一営業部",
]
DISEASES = [
    "2型糖尿病",
    "糖尿病",
    "高血圧症",
    "うつ病",
    "双極性障害",
    "統合失調症",
    "気管支喘息",
    "乳がん",
    "大腸がん",
    "脳梗塞",
    "心筋梗塞",
    "慢性腎臓病",
    "関節リウマチ",
    "パニック障害",
    "適応障害",
    "不眠症",
    "認知症",
    "C型肝炎",
    "HIV感染症",
    "アトピー性皮膚炎",
    "脂質異常症",
    "痛風",
    "甲状腺機能低下症",
    "てんかん",
    "潰瘍性大腸炎",
    "クローン病",
    "子宮筋腫",
    "胃潰瘍",
]
MEDICINES = [
    "メトホルミン",
    "アムロジピン",
    "ロキソプロフェン",
    "セルトラリン",
    "エスシタロプラム",
    "インスリン",
    "ワルファリン",
    "リスペリドン",
    "アリピプラゾール",
    "レボチロキシン",
    "プレドニゾロン",
    "ゾルピデム",
]
DISABILITIES = [
    "身体障害者手帳 2級",
    "身体障害者手帳１級",
    "療育手帳 B",
    "精神障害者保健福祉手帳 2級",
    "精神障害者保健福祉手帳3級",
    "発達障害（ASD）",
    "聴覚障害",
    "視覚障害",
    "肢体不自由",
    "自閉スペクトラム症",
    "注意欠如・多動症（ADHD）",
    "知的障害",
]
CRIMINAL = [
    "前科あり（窃盗罪、2016年 懲役1年執行猶予3年）",
    "逮捕歴あり",
    "執行猶予中",
    "道路交通法違反で罰金刑",
    "傷害罪で起訴",
    "前科一犯",
    "保護観察中",
]
VICTIM = [
    "ストーカー被害",
    "DV被害",
    "性犯罪被害",
    "特殊詐欺の被害",
    "暴行被害",
    "犯罪被害者等給付金を申請",
    "被害届を提出",
]
BELIEF = [
    "浄土真宗",
    "キリスト教（カトリック）",
    "イスラム教",
    "創価学会員",
    "エホバの証人",
    "仏教（曹洞宗）",
    "天理教",
    "支持政党：日本共産党",
    "労働組合の組合員",
]
ORIGIN = ["被差別部落の出身", "アイヌ民族", "在日韓国人", "在日朝鮮人"]
FOREIGN = [
    ("NGUYEN VAN AN", "グエン・ヴァン・アン", "ベトナム"),
    ("TRAN THI MAI", "チャン・ティ・マイ", "ベトナム"),
    ("WANG XIAOMING", "ワン・シャオミン", "中国"),
    ("LI NA", "リ・ナ", "中国"),
    ("SANTOS MARIA", "サントス・マリア", "フィリピン"),
    ("KIM MINJUN", "キム・ミンジュン", "韓国"),
    ("GURUNG RAJ", "グルン・ラジ", "ネパール"),
    ("SILVA LUCAS", "シルバ・ルーカス", "ブラジル"),
]
STATUSES = [
    "技術・人文知識・国際業務",
    "特定技能1号",
    "技能実習2号",
    "永住者",
    "留学",
    "家族滞在",
    "定住者",
    "特別永住者",
]
COMPANY_WORDS = [
    "サンプル",
    "みらい",
    "アオバ",
    "ひかり",
    "東和",
    "日本橋",
    "グリーン",
    "テクノ",
    "あさひ",
    "北斗",
    "さくら",
    "富士見",
    "オリオン",
    "大和",
]
COMPANY_KINDS = [
    "商事",
    "物産",
    "システムズ",
    "ソリューションズ",
    "工業",
    "製作所",
    "食品",
    "不動産",
    "ホールディングス",
    "電機",
    "化学",
    "運輸",
    "企画",
    "ラボ",
]

ZEN = str.maketrans(
    "0123456789-ABCDEFGHIJKLMNOPQRSTUVWXYZ@.",
    "０１２３４５６７８９－ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ＠．",
)
ERAS = [
    ("令和", "R", dt.date(2019, 5, 1)),
    ("平成", "H", dt.date(1989, 1, 8)),
    ("昭和", "S", dt.date(1926, 12, 25)),
]
KANJI_NUM = "〇一二三四五六七八九"


def kanji_number(n: int) -> str:
    tens, ones = divmod(n, 10)
    out = "" if tens == 0 else ("十" if tens == 1 else KANJI_NUM[tens] + "十")
    return out + (KANJI_NUM[ones] if ones else ("" if tens else "〇"))


# ----------------------------------------------------------------------------------------
# Identifiers


def mod11_check(body: str, weights: tuple[int, ...]) -> int:
    r = sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11
    return 0 if r <= 1 else 11 - r


def luhn_digit(body: str) -> str:
    for c in "0123456789":
        total = 0
        for i, ch in enumerate(reversed(body + c)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if total % 10 == 0:
            return c
    raise AssertionError("unreachable")


def insurer_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d // 10 + d % 10
    return str((10 - total % 10) % 10)


def ean_digit(body: str) -> str:
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return str((10 - total % 10) % 10)


class Ids:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def digits(self, n: int, first: str = "0123456789") -> str:
        return self.rng.choice(first) + "".join(self.rng.choice("0123456789") for _ in range(n - 1))

    def my_number(self) -> str:
        body = self.digits(11, "123456789")
        return body + str(mod11_check(body, (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)))

    def corporate_number(self) -> str:
        base = self.digits(12, "123456789")
        total = sum(int(d) * (2 if n % 2 == 0 else 1) for n, d in enumerate(reversed(base), 1))
        return str(9 - total % 9) + base

    def card(self) -> str:
        prefix, length = self.rng.choice(
            [
                ("4", 16),
                ("4", 16),
                ("53", 16),
                ("54", 16),
                ("2221", 16),
                ("3540", 16),
                ("3566", 16),
                ("37", 15),
                ("36", 14),
                ("6011", 16),
            ]
        )
        body = prefix + self.digits(length - len(prefix) - 1)
        return body + luhn_digit(body)

    def luhn_number(self, length: int) -> str:
        body = self.digits(length - 1, "123456789")
        return body + luhn_digit(body)

    def my_number_like(self) -> str:
        """An order or slip number that happens to pass the My Number check."""
        return self.my_number()

    def jan(self) -> str:
        body = "49" + self.digits(10)
        return body + ean_digit(body)

    def isbn(self) -> str:
        body = "9784" + self.digits(8)
        d = ean_digit(body)
        return f"978-4-{body[4:6]}-{body[6:12]}-{d}"

    def mobile(self) -> str:
        return self.rng.choice(["090", "080", "070"]) + self.digits(8, "123456789")

    def landline(self) -> tuple[str, str, str]:
        code, mid = self.rng.choice(list(AREA_CODES.items()))
        local = 10 - len(code) - mid
        return code, self.digits(mid, "123456789"), self.digits(local)

    def postal(self) -> str:
        return self.digits(3, "0123456789") + self.digits(4)

    def drivers_license(self) -> str:
        while True:
            body = str(self.rng.randint(10, 97)) + f"{self.rng.randint(0, 99):02d}" + self.digits(6)
            check = mod11_check(body, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2))
            if self.rng.random() < 0.15:  # the check is unofficial: some real ones fail it
                check = (check + 1 + self.rng.randrange(8)) % 10
            return body + str(check) + str(self.rng.choice("0001"))

    def passport(self) -> str:
        return self.rng.choice(
            ["TK", "TH", "TR", "TZ", "MZ", "MU", "ME", "RA", "TS"]
        ) + self.digits(7)

    def residence_card(self) -> str:
        letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
        return (
            "".join(self.rng.choice(letters) for _ in range(2))
            + self.digits(8)
            + "".join(self.rng.choice(letters) for _ in range(2))
        )

    def pension(self) -> str:
        return self.digits(4, "123456789") + self.digits(6)

    def employment(self) -> str:
        return self.digits(4, "123456789") + self.digits(6) + self.digits(1)

    def resident_code(self) -> str:
        return self.digits(11, "123456789")

    def insurer(self) -> str:
        if self.rng.random() < 0.25:  # 国民健康保険: 6 digits
            body = self.rng.choice(["13", "14", "27", "23", "01"]) + self.digits(3)
        else:
            body = (
                self.rng.choice(["01", "06", "31", "32", "34", "39"])
                + f"{self.rng.randint(1, 47):02d}"
                + self.digits(3)
            )
        return body + insurer_digit(body)

    def bank_account(self) -> str:
        return self.digits(7)

    def tracking(self) -> str:
        body = self.digits(11, "2345678")
        return body + str(int(body) % 7)


# ----------------------------------------------------------------------------------------
# People


@dataclass
class Person:
    last: str
    first: str
    last_kana: str
    first_kana: str
    romaji: str
    male: bool
    birth: dt.date
    pref: str
    city: str
    town: str
    block: str
    building: str
    postal: str
    mobile: str
    home: tuple[str, str, str]
    email: str
    my_number: str
    card: str
    bank: str
    branch: str
    account_type: str
    account: str
    passport: str
    license: str
    pension: str
    employment: str
    resident: str
    insurer: str
    symbol: str
    number: str
    branch_no: str

    @property
    def age(self) -> int:
        b = self.birth
        return TODAY.year - b.year - ((TODAY.month, TODAY.day) < (b.month, b.day))


KATA_ROMAJI = {
    "ア": "a",
    "イ": "i",
    "ウ": "u",
    "エ": "e",
    "オ": "o",
    "カ": "ka",
    "キ": "ki",
    "ク": "ku",
    "ケ": "ke",
    "コ": "ko",
    "サ": "sa",
    "シ": "shi",
    "ス": "su",
    "セ": "se",
    "ソ": "so",
    "タ": "ta",
    "チ": "chi",
    "ツ": "tsu",
    "テ": "te",
    "ト": "to",
    "ナ": "na",
    "ニ": "ni",
    "ヌ": "nu",
    "ネ": "ne",
    "ノ": "no",
    "ハ": "ha",
    "ヒ": "hi",
    "フ": "fu",
    "ヘ": "he",
    "ホ": "ho",
    "マ": "ma",
    "ミ": "mi",
    "ム": "mu",
    "メ": "me",
    "モ": "mo",
    "ヤ": "ya",
    "ユ": "yu",
    "ヨ": "yo",
    "ラ": "ra",
    "リ": "ri",
    "ル": "ru",
    "レ": "re",
    "ロ": "ro",
    "ワ": "wa",
    "ヲ": "o",
    "ン": "n",
    "ガ": "ga",
    "ギ": "gi",
    "グ": "gu",
    "ゲ": "ge",
    "ゴ": "go",
    "ザ": "za",
    "ジ": "ji",
    "ズ": "zu",
    "ゼ": "ze",
    "ゾ": "zo",
    "ダ": "da",
    "ヂ": "ji",
    "ヅ": "zu",
    "デ": "de",
    "ド": "do",
    "バ": "ba",
    "ビ": "bi",
    "ブ": "bu",
    "ベ": "be",
    "ボ": "bo",
    "パ": "pa",
    "ピ": "pi",
    "プ": "pu",
    "ペ": "pe",
    "ポ": "po",
    "ヴ": "vu",
}
SMALL = {"ャ": "ya", "ュ": "yu", "ョ": "yo", "ァ": "a", "ィ": "i", "ゥ": "u", "ェ": "e", "ォ": "o"}


def romaji(kana: str) -> str:
    out = ""
    double = False
    for ch in kana:
        if ch == "ッ":
            double = True
            continue
        if ch == "ー":
            continue
        if ch in SMALL and out:
            base = out[:-1] if out.endswith("i") else out
            out = base + (SMALL[ch] if not base.endswith(("sh", "ch", "j")) else SMALL[ch][-1])
            continue
        syl = KATA_ROMAJI.get(ch, "")
        if double and syl:
            syl = syl[0] + syl
        double = False
        out += syl
    return out


class People:
    def __init__(self, rng: random.Random, fake: faker.Faker, ids: Ids) -> None:
        self.rng, self.fake, self.ids = rng, fake, ids
        self.names = Gimei.NAMES
        self.towns = [t[0] for t in Gimei.ADDRESSES["addresses"]["town"]]

    def name(self, male: bool) -> tuple[str, str, str, str]:
        if self.rng.random() < 0.5:
            last = self.rng.choice(self.names["last_name"])
            first = self.rng.choice(self.names["first_name"]["male" if male else "female"])
            return last[0], first[0], last[2], first[2]
        lk, lkana, _ = self.fake.last_name_pair()
        fk, fkana, _ = (
            self.fake.first_name_male_pair() if male else self.fake.first_name_female_pair()
        )
        return lk, fk, lkana, fkana

    def block(self) -> str:
        c, b, g = self.rng.randint(1, 9), self.rng.randint(1, 40), self.rng.randint(1, 30)
        return self.rng.choice(
            [
                f"{c}-{b}-{g}",
                f"{c}丁目{b}番{g}号",
                f"{c}丁目{b}-{g}",
                f"{b}-{g}",
                f"{b}番地{g}",
                f"{c}－{b}－{g}",
                f"{b}番地",
            ]
        )

    def building(self) -> str:
        if self.rng.random() < 0.5:
            return ""
        room = f"{self.rng.randint(1, 12)}{self.rng.randint(1, 9):02d}"
        name = self.fake.building_name() + self.rng.choice(["", "", "ハイツ", "第2"])
        return self.rng.choice([f"{name}{room}号室", f"{name} {room}", f"{name}{room}"])

    def email(self, last_kana: str, first_kana: str, birth: dt.date) -> str:
        last, first = romaji(last_kana), romaji(first_kana)
        local = self.rng.choice(
            [
                f"{first}.{last}",
                f"{last}.{first}",
                f"{first[0]}{last}",
                f"{last}{birth.year % 100:02d}",
                f"{first}_{last}{birth.month}",
                f"{last}-{first}{self.rng.randint(1, 999)}",
            ]
        )
        return f"{local}@{self.rng.choice(FREE_MAIL)}"

    def person(self) -> Person:
        ids, rng = self.ids, self.rng
        male = rng.random() < 0.5
        last, first, lk, fk = self.name(male)
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 64))
        pref = rng.choice(list(PREF_CITIES))
        return Person(
            last=last,
            first=first,
            last_kana=lk,
            first_kana=fk,
            romaji=f"{romaji(lk).upper()} {romaji(fk).upper()}",
            male=male,
            birth=birth,
            pref=pref,
            city=rng.choice(PREF_CITIES[pref]),
            town=rng.choice(self.towns),
            block=self.block(),
            building=self.building(),
            postal=ids.postal(),
            mobile=ids.mobile(),
            home=ids.landline(),
            email=self.email(lk, fk, birth),
            my_number=ids.my_number(),
            card=ids.card(),
            bank=rng.choice(BANKS),
            branch=rng.choice(BRANCHES),
            account_type=rng.choice(["普通", "普通", "当座", "貯蓄"]),
            account=ids.bank_account(),
            passport=ids.passport(),
            license=ids.drivers_license(),
            pension=ids.pension(),
            employment=ids.employment(),
            resident=ids.resident_code(),
            insurer=ids.insurer(),
            symbol=str(rng.randint(1, 99999999)),
            number=str(rng.randint(1, 9999)),
            branch_no=f"{rng.randint(0, 3):02d}",
        )


# ----------------------------------------------------------------------------------------
# Value formats: several spellings per field, chosen per document or per value


class Fmt:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def pick(self, *options: str) -> str:
        return self.rng.choice(options)

    def zen(self, text: str, p: float = 0.15) -> str:
        return text.translate(ZEN) if self.rng.random() < p else text

    def name(self, p: Person, style: str | None = None) -> str:
        style = style or self.pick("space", "space", "zspace", "none")
        sep = {"space": " ", "zspace": "\u3000", "none": ""}[style]
        return f"{p.last}{sep}{p.first}"

    def kana(self, p: Person, hira: bool = False) -> str:
        text = f"{p.last_kana}{self.pick(' ', '　')}{p.first_kana}"
        if hira:
            text = "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in text)
        return text

    def postal(self, p: Person, mark: bool = True) -> str:
        code = self.pick(
            f"{p.postal[:3]}-{p.postal[3:]}", f"{p.postal[:3]}-{p.postal[3:]}", p.postal
        )
        return self.zen(code)

    def address(self, p: Person, building: bool = True) -> str:
        sep = self.pick("", "", " ")
        text = f"{p.pref}{p.city}{sep}{p.town}{p.block}"
        if building and p.building:
            text += self.pick(" ", "　", "") + p.building
        return text

    def phone(self, digits: str) -> str:
        if digits.startswith(("090", "080", "070")):
            a, b, c = digits[:3], digits[3:7], digits[7:]
        else:
            raise ValueError(digits)
        style = self.pick("hyphen", "hyphen", "hyphen", "none", "space", "paren", "intl")
        text = {
            "hyphen": f"{a}-{b}-{c}",
            "none": digits,
            "space": f"{a} {b} {c}",
            "paren": f"{a}({b}){c}",
            "intl": f"+81-{a[1:]}-{b}-{c}",
        }[style]
        return self.zen(text)

    def landline(self, parts: tuple[str, str, str]) -> str:
        a, b, c = parts
        style = self.pick("hyphen", "hyphen", "paren", "none")
        text = {"hyphen": f"{a}-{b}-{c}", "paren": f"{a}({b}){c}", "none": a + b + c}[style]
        return self.zen(text)

    def group(self, digits: str, sizes: tuple[int, ...], seps: str = " -") -> str:
        sep = self.rng.choice(seps)
        out, i = [], 0
        for s in sizes:
            out.append(digits[i : i + s])
            i += s
        return sep.join(out)

    def my_number(self, n: str) -> str:
        return self.zen(self.pick(n, self.group(n, (4, 4, 4), " "), self.group(n, (4, 4, 4), "-")))

    def card(self, n: str) -> str:
        sizes = (4, 6, 5) if len(n) == 15 else (4, 6, 4) if len(n) == 14 else (4, 4, 4, 4)
        return self.zen(self.pick(n, self.group(n, sizes, " "), self.group(n, sizes, "-")), 0.05)

    def birth(self, d: dt.date) -> str:
        style = self.pick(
            "seireki_kanji",
            "seireki_slash",
            "seireki_hyphen",
            "wareki_kanji",
            "wareki_kanji",
            "wareki_abbr",
            "wareki_kanjinum",
            "seireki_dot",
        )
        if style.startswith("seireki"):
            return {
                "seireki_kanji": f"{d.year}年{d.month}月{d.day}日",
                "seireki_slash": self.pick(
                    f"{d.year}/{d.month:02d}/{d.day:02d}", f"{d.year}/{d.month}/{d.day}"
                ),
                "seireki_hyphen": f"{d.year}-{d.month:02d}-{d.day:02d}",
                "seireki_dot": f"{d.year}.{d.month}.{d.day}",
            }[style]
        name, letter, start = next(e for e in ERAS if d >= e[2])
        year = d.year - start.year + 1
        if style == "wareki_abbr":
            return f"{letter}{year}.{d.month}.{d.day}"
        if style == "wareki_kanjinum":
            y = "元" if year == 1 else kanji_number(year)
            return f"{name}{y}年{kanji_number(d.month)}月{kanji_number(d.day)}日"
        y = "元" if year == 1 and self.rng.random() < 0.7 else str(year)
        return self.zen(f"{name}{y}年{d.month}月{d.day}日", 0.1)

    def license(self, n: str) -> str:
        return self.pick(n, f"第{n}号", f"第 {n} 号", self.zen(n, 1.0))

    def pension(self, n: str) -> str:
        return self.zen(self.pick(f"{n[:4]}-{n[4:]}", f"{n[:4]}-{n[4:]}", n, f"{n[:4]} {n[4:]}"))

    def employment(self, n: str) -> str:
        return self.zen(self.pick(f"{n[:4]}-{n[4:10]}-{n[10]}", f"{n[:4]}-{n[4:10]}-{n[10]}", n))

    def resident(self, n: str) -> str:
        return self.zen(self.pick(n, n, f"{n[:4]} {n[4:8]} {n[8:]}"))

    def money(self) -> str:
        return f"{self.rng.randint(1, 999):,}{self.rng.choice(['', ',000'])}円"


# ----------------------------------------------------------------------------------------
# File writers


def encode(text: str, encoding: str) -> bytes:
    """EUC-JP has no full-width hyphen-minus or tilde: write what such files really hold."""
    if encoding.replace("-", "_").lower() in {"euc_jp", "iso2022_jp"}:
        text = text.replace("－", "−").replace("～", "〜")
    return text.encode(encoding)


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str, delimiter: str = ","
) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_bytes(buf.getvalue().encode(encoding))


def write_xlsx(path: Path, sheets: list[tuple[str, list[list[Any]]]]) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.save(path)


def xlsx_cell(col: int, row: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"


def write_docx(path: Path, blocks: list[Any]) -> None:
    """``blocks``: strings are paragraphs; lists of rows are tables."""
    import docx

    d = docx.Document()
    for block in blocks:
        if isinstance(block, str):
            d.add_paragraph(block)
        else:
            table = d.add_table(rows=len(block), cols=len(block[0]))
            for r, row in enumerate(block):
                for c, text in enumerate(row):
                    table.cell(r, c).text = text
    d.core_properties.created = FIXED_TIME
    d.core_properties.modified = FIXED_TIME
    d.save(str(path))


_FONT_READY = False


def write_pdf(path: Path, pages: list[list[str]]) -> None:
    global _FONT_READY
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if not _FONT_READY:
        pdfmetrics.registerFont(UnicodeCIDFont("HeiseiMin-W3"))
        pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
        _FONT_READY = True
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    _width, height = A4
    for lines in pages:
        y = height - 60
        for i, line in enumerate(lines):
            c.setFont("HeiseiKakuGo-W5" if i == 0 else "HeiseiMin-W3", 14 if i == 0 else 10)
            c.drawString(50, y, line)
            y -= 22 if i == 0 else 16
        c.showPage()
    c.save()


def write_zip(path: Path, members: list[tuple[str, bytes]]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 names
            zf.writestr(info, data)


def write_eml(
    path: Path,
    subject: str,
    sender: str,
    to: str,
    body: str,
    charset: str,
    attachments: list[tuple[str, bytes, str]],
) -> None:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = "Fri, 01 Nov 2024 09:00:00 +0900"
    msg["Message-ID"] = f"<{abs(hash(subject)) % 10**12}@mail.example.jp>"
    if charset == "iso-2022-jp":
        body = body.replace("－", "−").replace("～", "〜")
        try:
            body.encode("iso2022_jp")
        except UnicodeEncodeError:  # a name outside JIS X 0208: mailers send UTF-8 then
            charset = "utf-8"
    msg.set_content(body, charset=charset)
    for name, data, mime in attachments:
        maintype, subtype = mime.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    path.write_bytes(msg.as_bytes(policy=SMTP))


# ----------------------------------------------------------------------------------------
# Documents


class Corpus:
    def __init__(self, seed: int, out: Path) -> None:
        self.rng = random.Random(seed)
        self.fake = faker.Faker("ja_JP")
        self.fake.seed_instance(seed)
        self.ids = Ids(self.rng)
        self.people = People(self.rng, self.fake, self.ids)
        self.f = Fmt(self.rng)
        self.out = out
        self.docs: list[Doc] = []
        self.counter = 0

    # -- helpers ---------------------------------------------------------------------------

    def new(self, stem: str, ext: str, kind: str, clean: bool = False) -> tuple[Doc, Path]:
        self.counter += 1
        sub = "clean" if clean else "pii"
        rel = f"{sub}/{self.counter:04d}_{stem}.{ext}"
        path = self.out / FILES / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        doc = Doc(rel, {"txt": "text", "md": "text", "log": "text"}.get(kind, kind), clean)
        self.docs.append(doc)
        return doc, path

    def pick(self, *options: Any) -> Any:
        return self.rng.choice(options)

    def ri(self, low: int, high: int) -> int:
        return self.rng.randint(low, high)

    def day(self, year: int = 2024, sep: str = "/") -> str:
        """A date in that year, as 2024/3/15 (or with sep '年' as 2024年3月15日)."""
        m, d = self.ri(1, 12), self.ri(1, 28)
        return f"{year}年{m}月{d}日" if sep == "年" else f"{year}{sep}{m}{sep}{d}"

    def company(self) -> str:
        name = self.rng.choice(COMPANY_WORDS) + self.rng.choice(COMPANY_KINDS)
        return self.pick(f"株式会社{name}", f"{name}株式会社", f"有限会社{name}", f"{name}株式会社")

    def company_block(self, company: str | None = None, sep: bool = True) -> list[str]:
        """A company's own contact data: letterhead, signature, footer. Never truth."""
        company = company or self.company()
        pref = self.rng.choice(list(PREF_CITIES))
        code, mid, local = self.ids.landline()
        domain = self.pick(
            "sample-corp.co.jp",
            "example-shoji.jp",
            "mirai-sys.co.jp",
            "aoba-foods.com",
            "hikari-denki.co.jp",
        )
        lines = [self.pick("--", "━━━━━━━━━━━━━━━━━━━━", "----------------------------", "")]
        if not sep:
            lines = []
        lines += [
            f"{company} {self.pick('', '本社', '営業部', 'カスタマーサポート', '総務部')}".strip(),
            f"〒{self.ids.postal()[:3]}-{self.ids.postal()[3:]}"
            f" {pref}{self.rng.choice(PREF_CITIES[pref])}"
            f"{self.ri(1, 9)}-{self.ri(1, 20)}-{self.ri(1, 15)}",
            f"{self.pick('TEL', 'Tel', '電話', 'TEL（代表）')}: {code}-{mid}-{local}"
            + self.pick("", f" / FAX: {code}-{mid}-{self.ids.digits(len(local))}"),
            f"{self.pick('E-mail', 'Mail', 'メール')}: "
            f"{self.pick('info', 'support', 'contact', 'sales', 'otoiawase')}@{domain}",
            f"URL: https://www.{domain}/",
        ]
        return lines

    def hard_negative_line(self) -> str:
        """One line of numbers that look like identifiers but are not about anyone."""
        ids = self.ids
        choices: list[Callable[[], str]] = [
            lambda: f"注文番号：{ids.my_number_like()}",
            lambda: f"ご注文番号 {self.f.group(ids.my_number_like(), (4, 4, 4), '-')}",
            lambda: f"お問い合わせ伝票番号: {self.f.group(ids.tracking(), (4, 4, 4), '-')}",
            lambda: f"追跡番号 {ids.tracking()}",
            lambda: f"請求書番号 INV-{ids.digits(8)}",
            lambda: f"受注No. {ids.luhn_number(16)}",
            lambda: f"登録番号：T{ids.corporate_number()}",
            lambda: f"法人番号 {ids.corporate_number()}",
            lambda: f"JANコード {ids.jan()}",
            lambda: f"ISBN {ids.isbn()}",
            lambda: (
                f"更新日時 2024-{self.ri(1, 12):02d}-{self.ri(1, 28):02d} "
                f"{self.ri(0, 23):02d}:{self.ri(0, 59):02d}:00"
            ),
            lambda: f"バージョン v{self.ri(1, 9)}.{self.ri(0, 20)}.{self.ri(0, 99)}",
            lambda: f"接続元IP 192.168.{self.ri(0, 255)}.{self.ri(1, 254)}",
            lambda: f"管理番号 {ids.digits(10)}",
            lambda: f"商品コード {ids.digits(7)}",
            lambda: f"受付番号 {ids.drivers_license()}",
            lambda: f"会員番号：{ids.digits(7)}",
            lambda: f"患者ID {ids.digits(7)}",
            lambda: f"お客様番号 {ids.digits(10)}",
            lambda: f"予約番号 {ids.passport()}",
        ]
        return self.rng.choice(choices)()

    # -- positive documents ----------------------------------------------------------------

    def customer_csv(self) -> None:
        enc = self.pick("utf-8", "utf-8-sig", "cp932", "cp932")
        delim = self.pick(",", ",", ",", "\t")
        ext = "tsv" if delim == "\t" else "csv"
        doc, path = self.new(
            self.pick("顧客名簿", "会員リスト", "customers", "申込者一覧"), ext, "csv"
        )
        variant = self.pick("ec", "card", "insurance", "simple")
        cols: list[tuple[str, str]] = [("id", self.pick("会員ID", "顧客番号", "No", "ID"))]
        cols.append(("name", self.pick("氏名", "お名前", "名前", "顧客名", "契約者氏名", "name")))
        if self.rng.random() < 0.7:
            cols.append(("kana", self.pick("フリガナ", "ふりがな", "氏名カナ", "カナ", "セイメイ")))
        if variant != "simple" or self.rng.random() < 0.5:
            cols.append(("birth", self.pick("生年月日", "誕生日", "生年月日(西暦)", "birthday")))
        cols.append(("postal", self.pick("郵便番号", "〒", "郵便番号", "zip")))
        cols.append(("address", self.pick("住所", "ご住所", "住所1", "現住所", "address")))
        cols.append(("phone", self.pick("電話番号", "TEL", "携帯電話", "連絡先", "電話")))
        cols.append(("email", self.pick("メールアドレス", "E-mail", "メール", "email")))
        if variant == "ec":
            cols.append(("order", self.pick("最終注文番号", "注文番号", "受注番号")))
            cols.append(("date", self.pick("登録日", "入会日", "最終購入日")))
        if variant == "card":
            cols.append(("card", self.pick("カード番号", "クレジットカード番号", "card_number")))
            cols.append(("expiry", self.pick("有効期限", "期限")))
        if variant == "insurance":
            cols += [
                ("bank", "銀行名"),
                ("branch", "支店名"),
                ("type", self.pick("預金種目", "口座種別")),
                ("account", self.pick("口座番号", "振替口座番号")),
            ]
        cols.append(("note", self.pick("備考", "メモ", "特記事項")))
        header = [c[1] for c in cols]
        rows = []
        for r in range(self.ri(5, 30)):
            p = self.people.person()
            row_no = r + 2
            row: list[str] = []
            for key, label in cols:
                where = {"row": row_no, "column": label}
                v: str
                if key == "id":
                    v = f"{self.pick('C', 'M', '')}{self.ids.digits(6)}"
                elif key == "name":
                    v = doc.add("PERSON_NAME", self.f.name(p), **where)
                elif key == "kana":
                    v = doc.add(
                        "PERSON_NAME_KANA", self.f.kana(p, hira=label == "ふりがな"), **where
                    )
                elif key == "birth":
                    v = doc.add("BIRTH_DATE", self.f.birth(p.birth), p.birth.isoformat(), **where)
                elif key == "postal":
                    v = doc.add("POSTAL_CODE", self.f.postal(p), **where)
                elif key == "address":
                    v = doc.add("ADDRESS", self.f.address(p), **where)
                elif key == "phone":
                    if self.rng.random() < 0.3:
                        v = doc.add("PHONE", self.f.landline(p.home), **where)
                    else:
                        v = doc.add("PHONE", self.f.phone(p.mobile), **where)
                elif key == "email":
                    v = doc.add("EMAIL", p.email, **where)
                elif key == "order":
                    v = self.ids.my_number_like()
                elif key == "date":
                    v = f"2024/{self.ri(1, 12):02d}/{self.ri(1, 28):02d}"
                elif key == "card":
                    v = doc.add("CREDIT_CARD", self.f.card(p.card), **where)
                elif key == "expiry":
                    v = f"{self.ri(1, 12):02d}/{self.ri(25, 31)}"
                elif key == "bank":
                    v = p.bank
                elif key == "branch":
                    v = p.branch
                elif key == "type":
                    v = p.account_type
                elif key == "account":
                    v = doc.add("BANK_ACCOUNT", p.account, **where)
                else:
                    v = self.pick("", "", "", "DM不要", "要折り返し", "法人会員", "ポイント2倍対象")
                row.append(v)
            rows.append(row)
        write_csv(path, header, rows, enc, delim)

    def employee_xlsx(self) -> None:
        doc, path = self.new(self.pick("社員名簿", "従業員台帳", "人事データ"), "xlsx", "xlsx")
        sheet = self.pick("社員名簿", "名簿", "Sheet1", "従業員")
        cols = [
            ("id", "社員番号"),
            ("name", self.pick("氏名", "社員氏名", "氏名（漢字）")),
            ("kana", self.pick("フリガナ", "氏名（カナ）", "カナ氏名")),
            ("birth", self.pick("生年月日", "生年月日（和暦）")),
            ("hired", self.pick("入社日", "入社年月日")),
            ("postal", "郵便番号"),
            ("address", self.pick("住所", "現住所")),
            ("phone", self.pick("携帯電話", "電話番号", "緊急連絡先")),
            ("email", self.pick("個人メール", "メールアドレス", "連絡用メール")),
        ]
        extra = self.rng.sample(
            ["my_number", "pension", "employment", "insurance", "bank", "license", "resident"],
            k=self.ri(2, 5),
        )
        if "my_number" in extra:
            cols.append(
                ("my_number", self.pick("個人番号", "マイナンバー", "個人番号（マイナンバー）"))
            )
        if "pension" in extra:
            cols.append(("pension", self.pick("基礎年金番号", "年金番号")))
        if "employment" in extra:
            cols.append(("employment", self.pick("雇用保険被保険者番号", "雇用保険番号")))
        if "insurance" in extra:
            cols += [
                ("insurer", "保険者番号"),
                ("symbol", self.pick("記号", "保険証記号")),
                ("number", self.pick("保険証番号", "被保険者証番号")),
            ]
        if "bank" in extra:
            cols += [("bank", "振込銀行"), ("branch", "支店"), ("account", "口座番号")]
        if "license" in extra:
            cols.append(("license", self.pick("運転免許証番号", "免許証番号")))
        if "resident" in extra:
            cols.append(("resident", "住民票コード"))
        rows: list[list[Any]] = [[c[1] for c in cols]]
        date_cells = self.rng.random() < 0.4
        for r in range(self.ri(5, 25)):
            p = self.people.person()
            row: list[Any] = []
            row_no = r + 2
            for ci, (key, _label) in enumerate(cols):
                where = {"sheet": sheet, "cell": xlsx_cell(ci, row_no)}
                v: str = ""
                if key == "id":
                    v = f"E{self.ids.digits(5)}"
                elif key == "name":
                    v = doc.add("PERSON_NAME", self.f.name(p), **where)
                elif key == "kana":
                    v = doc.add("PERSON_NAME_KANA", self.f.kana(p), **where)
                elif key == "birth":
                    if date_cells:  # a real date cell: the reader decides how it is spelled
                        doc.add("BIRTH_DATE", p.birth.isoformat(), p.birth.isoformat(), **where)
                        row.append(p.birth)
                        continue
                    v = doc.add("BIRTH_DATE", self.f.birth(p.birth), p.birth.isoformat(), **where)
                elif key == "hired":
                    v = f"{self.ri(1990, 2024)}/4/1"
                elif key == "postal":
                    v = doc.add("POSTAL_CODE", self.f.postal(p), **where)
                elif key == "address":
                    v = doc.add("ADDRESS", self.f.address(p), **where)
                elif key == "phone":
                    v = doc.add("PHONE", self.f.phone(p.mobile), **where)
                elif key == "email":
                    v = doc.add("EMAIL", p.email, **where)
                elif key == "my_number":
                    v = doc.add("MY_NUMBER", self.f.my_number(p.my_number), **where)
                elif key == "pension":
                    v = doc.add("PENSION_NUMBER", self.f.pension(p.pension), **where)
                elif key == "employment":
                    v = doc.add("EMPLOYMENT_INSURANCE", self.f.employment(p.employment), **where)
                elif key == "insurer":
                    v = doc.add("HEALTH_INSURANCE", p.insurer, **where)
                elif key == "symbol":
                    v = doc.add("HEALTH_INSURANCE", p.symbol, **where)
                elif key == "number":
                    v = doc.add("HEALTH_INSURANCE", p.number, **where)
                elif key == "bank":
                    v = p.bank
                elif key == "branch":
                    v = p.branch
                elif key == "account":
                    v = doc.add("BANK_ACCOUNT", p.account, **where)
                elif key == "license":
                    v = doc.add("DRIVERS_LICENSE", p.license, **where)
                elif key == "resident":
                    v = doc.add("RESIDENT_CODE", p.resident, **where)
                row.append(v)
            rows.append(row)
        sheets = [(sheet, rows)]
        if self.rng.random() < 0.3:  # a 部署 sheet with no personal data
            sheets.append(
                (
                    "部署一覧",
                    [["部署コード", "部署名", "内線"]]
                    + [
                        [
                            self.ids.digits(4),
                            self.pick("総務部", "経理部", "営業一課", "開発部"),
                            self.ids.digits(4),
                        ]
                        for _ in range(5)
                    ],
                )
            )
        write_xlsx(path, sheets)

    def resume_docx(self) -> None:
        doc, path = self.new(self.pick("履歴書", "rirekisho", "応募書類"), "docx", "docx")
        p = self.people.person()
        name, kana = self.f.name(p), self.f.kana(p, hira=self.rng.random() < 0.6)
        birth = self.f.birth(p.birth)
        postal, addr = self.f.postal(p), self.f.address(p)
        phone, email = self.f.phone(p.mobile), p.email
        for etype, v in (
            ("PERSON_NAME", name),
            ("PERSON_NAME_KANA", kana),
            ("POSTAL_CODE", postal),
            ("ADDRESS", addr),
            ("PHONE", phone),
            ("EMAIL", email),
        ):
            doc.add(etype, v)
        doc.add("BIRTH_DATE", birth, p.birth.isoformat())
        blocks: list[Any] = [
            self.pick("履 歴 書", "履歴書"),
            f"{self.pick('2024年11月1日現在', '令和6年11月1日 現在')}",
        ]
        if self.rng.random() < 0.5:
            blocks += [
                f"{self.pick('ふりがな', 'フリガナ')}　{kana}",
                f"氏名　{name}",
                self.pick(
                    f"生年月日　{birth}生（満{p.age}歳）",
                    f"{birth}生　（満{p.age}歳）",
                    f"生年月日：{birth}",
                ),
                f"現住所　〒{postal}",
                f"{addr}",
                f"電話　{phone}",
                f"E-mail　{email}",
            ]
        else:
            blocks.append(
                [
                    ["ふりがな", kana],
                    ["氏名", name],
                    ["生年月日", f"{birth}生（満{p.age}歳）"],
                    ["現住所", f"〒{postal} {addr}"],
                    ["電話", phone],
                    ["メール", email],
                ]
            )
        hist = [["年", "月", "学歴・職歴"]]
        y = p.birth.year + 18
        hist += [
            [
                str(y),
                "4",
                f"{self.pick('県立', '市立', '私立')}{self.rng.choice(COMPANY_WORDS)}高等学校 入学",
            ],
            [str(y + 3), "3", "同校 卒業"],
            [str(y + 3), "4", f"{self.company()} 入社"],
            ["", "", "現在に至る"],
        ]
        blocks.append(hist)
        blocks.append("免許・資格")
        blocks.append(f"{y + 2}年{self.ri(1, 12)}月　普通自動車第一種運転免許 取得")
        if self.rng.random() < 0.4:
            lic = self.f.license(p.license)
            blocks.append(f"運転免許証番号　{lic}")
            doc.add("DRIVERS_LICENSE", lic)
        blocks.append(f"TOEIC {self.ri(400, 990)}点")
        blocks.append("賞罰　" + ("なし" if self.rng.random() < 0.9 else "あり"))
        blocks.append("本人希望記入欄　貴社規定に従います。")
        write_docx(path, blocks)

    def application_pdf(self) -> None:
        doc, path = self.new(
            self.pick("申込書", "口座振替依頼書", "入会申込書", "本人確認"), "pdf", "pdf"
        )
        pages: list[list[str]] = []
        for page_no in range(1, self.ri(1, 3) + 1):
            p = self.people.person()
            doc.where = {"page": page_no}
            title = self.pick(
                "クレジットカード入会申込書",
                "口座振替依頼書",
                "会員登録申込書",
                "本人確認記録書",
                "賃貸住宅入居申込書",
            )
            lines = [
                title,
                f"受付日 2024年{self.ri(1, 10)}月{self.ri(1, 28)}日　受付番号 {self.ids.digits(8)}",
            ]
            L = lines.append

            def field_(
                label: str, etype: str, value: str, iso: str | None = None, out: list[str] = lines
            ) -> None:
                doc.add(etype, value, iso)
                out.append(f"{label}{self.pick('：', ': ', '　', ' ')}{value}")

            field_(
                self.pick("お名前", "氏名", "申込者氏名", "ご契約者氏名"),
                "PERSON_NAME",
                self.f.name(p),
            )
            field_(self.pick("フリガナ", "カナ"), "PERSON_NAME_KANA", self.f.kana(p))
            field_(
                self.pick("生年月日", "生年月日（西暦）", "生年月日(和暦)"),
                "BIRTH_DATE",
                self.f.birth(p.birth),
                p.birth.isoformat(),
            )
            postal = self.f.postal(p)
            addr = self.f.address(p)
            doc.add("POSTAL_CODE", postal)
            doc.add("ADDRESS", addr)
            L(f"{self.pick('ご住所', '住所', '現住所')}　〒{postal} {addr}")
            field_(self.pick("電話番号", "携帯電話", "ご連絡先"), "PHONE", self.f.phone(p.mobile))
            field_(self.pick("メールアドレス", "E-mail"), "EMAIL", p.email)
            if "カード" in title:
                field_(
                    self.pick("お支払いカード番号", "カード番号"),
                    "CREDIT_CARD",
                    self.f.card(p.card),
                )
            if "口座" in title or self.rng.random() < 0.3:
                L(f"金融機関名 {p.bank}　支店名 {p.branch}")
                acct = p.account
                doc.add("BANK_ACCOUNT", acct)
                L(f"預金種目 {p.account_type}　口座番号 {acct}")
                holder = self.f.kana(p)
                doc.add("PERSON_NAME_KANA", holder)
                L(f"口座名義（カナ） {holder}")
            idoc = self.pick("license", "passport", "my_number", "insurance", "none")
            if "本人確認" in title and idoc == "none":
                idoc = "license"
            if idoc == "license":
                field_(
                    self.pick("運転免許証番号", "本人確認書類（運転免許証）番号", "免許証番号"),
                    "DRIVERS_LICENSE",
                    self.f.license(p.license),
                )
            elif idoc == "passport":
                field_(self.pick("旅券番号", "パスポート番号"), "PASSPORT", p.passport)
            elif idoc == "my_number":
                field_(
                    self.pick("個人番号", "マイナンバー"),
                    "MY_NUMBER",
                    self.f.my_number(p.my_number),
                )
            elif idoc == "insurance":
                doc.add("HEALTH_INSURANCE", p.insurer)
                L(f"健康保険証 保険者番号 {p.insurer}")
                value = f"{p.symbol} 番号 {p.number}"
                doc.add("HEALTH_INSURANCE", value)
                L(f"　記号 {value}")
            L(self.hard_negative_line())
            L("※ご記入いただいた個人情報は、本サービスの提供のためにのみ利用します。")
            lines += self.company_block(sep=False)
            pages.append(lines)
        doc.where = {}
        write_pdf(path, pages)

    def medical_record(self) -> None:
        enc = self.pick("utf-8", "utf-8", "cp932", "euc_jp")
        doc, path = self.new(self.pick("カルテ", "診療記録", "karte", "外来記録"), "txt", "text")
        w = Lines(doc)
        p = self.people.person()
        clinic = self.pick("さくら内科クリニック", "みなと総合病院", "あおば医院", "ひかり心療内科")
        w.add(f"{clinic}　{self.pick('診療録', '外来カルテ', '診療記録')}")
        w.add(f"患者ID: {self.ids.digits(7)}")
        name, kana = self.f.name(p), self.f.kana(p)
        w.add(
            f"{self.pick('患者氏名', '氏名', '患者名')}: {name}（{kana}）",
            ("PERSON_NAME", name),
            ("PERSON_NAME_KANA", kana),
        )
        b = self.f.birth(p.birth)
        w.add(
            f"生年月日: {b}　性別: {'男' if p.male else '女'}　年齢: {p.age}歳",
            ("BIRTH_DATE", b, p.birth.isoformat()),
        )
        if self.rng.random() < 0.7:
            w.add(f"保険者番号: {p.insurer}", ("HEALTH_INSURANCE", p.insurer))
            value = self.pick(
                f"{p.symbol}・{p.number}", f"{p.symbol} 番号 {p.number}", f"{p.symbol}-{p.number}"
            )
            w.add(
                f"{self.pick('被保険者証 記号・番号', '保険証 記号', '記号・番号')}: {value}",
                ("HEALTH_INSURANCE", value),
            )
        addr = self.f.address(p)
        w.add(f"住所: {addr}", ("ADDRESS", addr))
        ph = self.f.phone(p.mobile)
        w.add(f"連絡先: {ph}", ("PHONE", ph))
        w.add("")
        d1, d2 = self.rng.sample(DISEASES, 2)
        med = self.rng.choice(MEDICINES)
        w.add(f"【主訴】{self.pick('倦怠感', '頭痛', '不眠', '咳嗽', '胸部不快感')}が続く")
        w.add(f"【既往歴】{d1}（{self.ri(2005, 2022)}年〜）", ("SENSITIVE_MEDICAL", d1))
        w.add(f"【診断】{d2}", ("SENSITIVE_MEDICAL", d2))
        w.add(
            f"【処方】{med} {self.rng.choice([5, 10, 25, 50])}mg 1日{self.ri(1, 3)}回",
            ("SENSITIVE_MEDICAL", med),
        )
        w.add(
            f"【所見】血圧 {self.ri(110, 170)}/{self.ri(60, 100)} mmHg、"
            f"HbA1c {self.ri(55, 95) / 10}%"
        )
        w.add(f"次回予約: 2024年{self.ri(11, 12)}月{self.ri(1, 28)}日 10:30")
        doctor = self.f.name(self.people.person())
        w.add(f"記載: 医師 {doctor}", ("PERSON_NAME", doctor))
        path.write_bytes(encode(w.text(), enc))

    def checkup_csv(self) -> None:
        enc = self.pick("utf-8-sig", "cp932")
        doc, path = self.new(self.pick("健康診断結果", "健診結果一覧"), "csv", "csv")
        header = [
            "社員番号",
            self.pick("氏名", "受診者氏名"),
            "生年月日",
            "身長",
            "体重",
            "血圧",
            self.pick("所見", "判定コメント", "医師所見"),
            "判定",
        ]
        rows = []
        for r in range(self.ri(5, 20)):
            p = self.people.person()
            row_no = r + 2
            name = doc.add("PERSON_NAME", self.f.name(p), row=row_no, column=header[1])
            b = doc.add(
                "BIRTH_DATE",
                self.f.birth(p.birth),
                p.birth.isoformat(),
                row=row_no,
                column="生年月日",
            )
            if self.rng.random() < 0.5:
                d = self.rng.choice([*DISEASES[:6], "脂質異常症", "痛風", "脂肪肝"])
                comment = self.pick(f"{d}の疑い、要精密検査", f"{d}治療中", f"{d}（経過観察）")
                doc.add("SENSITIVE_MEDICAL", d, row=row_no, column=header[6])
                grade = self.pick("C", "D", "E")
            else:
                comment, grade = self.pick("異常なし", "特記事項なし", ""), "A"
            rows.append(
                [
                    f"E{self.ids.digits(5)}",
                    name,
                    b,
                    f"{self.ri(150, 185)}.{self.ri(0, 9)}",
                    f"{self.ri(45, 95)}.{self.ri(0, 9)}",
                    f"{self.ri(100, 170)}/{self.ri(60, 105)}",
                    comment,
                    grade,
                ]
            )
        write_csv(path, header, rows, enc)

    def hr_note(self) -> None:
        ext = self.pick("txt", "docx", "md")
        topics = self.rng.sample(
            ["medical", "disability", "criminal", "victim", "belief", "origin"],
            k=self.ri(1, 2),
        )
        # An 産業医 interview is itself health information: only medical notes are called so.
        titles = ["面談記録", "人事メモ", "相談記録"] + (
            ["産業医面談"] if "medical" in topics else []
        )
        doc, path = self.new(self.pick(*titles), ext, "docx" if ext == "docx" else "text")
        w = Lines(doc)
        p = self.people.person()
        heads = ["面談記録", "【人事部 機密】個別面談メモ", "相談受付票"]
        w.add(self.pick(*heads, *(["産業医面談記録"] if "medical" in topics else [])))
        w.add(f"面談日: 2024年{self.ri(1, 10)}月{self.ri(1, 28)}日")
        name = self.f.name(p)
        w.add(
            f"{self.pick('対象者', '相談者', '氏名', '社員')}"
            f": {name}（社員番号 E{self.ids.digits(5)}）",
            ("PERSON_NAME", name),
        )
        for t in topics:
            if t == "medical":
                d = self.rng.choice(DISEASES)
                w.add(
                    f"{self.pick('本人より', '主治医の診断書によると、')}{d}"
                    f"{self.pick('のため休職を希望', 'で通院中との申告あり', 'の治療を継続中')}。",
                    ("SENSITIVE_MEDICAL", d),
                )
            elif t == "disability":
                d = self.rng.choice(DISABILITIES)
                w.add(
                    f"{d}{self.pick('を所持', 'あり', 'の交付を受けている')}"
                    "。業務上の配慮について確認した。",
                    ("SENSITIVE_DISABILITY", d),
                )
            elif t == "criminal":
                d = self.rng.choice(CRIMINAL)
                w.add(f"採用時の申告: {d}", ("SENSITIVE_CRIMINAL", d))
            elif t == "victim":
                d = self.rng.choice(VICTIM)
                w.add(
                    f"元交際相手からの{d}について相談を受けた。"
                    if "被害" in d[-2:]
                    else f"本人は{d}。",
                    ("SENSITIVE_VICTIM", d),
                )
            elif t == "belief":
                d = self.rng.choice(BELIEF)
                w.add(
                    f"宗教・信条: {d}。{self.pick('礼拝時間への配慮を希望', '特段の配慮は不要')}。",
                    ("SENSITIVE_BELIEF", d),
                )
            else:
                d = self.rng.choice(ORIGIN)
                w.add(
                    f"本人から{d}であることについて職場での発言に関する相談があった。",
                    ("SENSITIVE_ORIGIN", d),
                )
        w.add(f"次回面談予定: {self.ri(1, 12)}月{self.ri(1, 28)}日")
        w.add(f"記録者: 人事部 {self.pick('佐藤', '田中', '鈴木')}")
        if ext == "docx":
            for e in doc.entities:
                e.where = {}
            write_docx(path, w.lines)
        else:
            path.write_text(w.text(), encoding="utf-8")

    def disability_roster(self) -> None:
        """障害者雇用の台帳: one row per employee, the disability in its own column."""
        ext = self.pick("csv", "xlsx")
        doc, path = self.new(self.pick("障害者雇用台帳", "配慮事項一覧"), ext, ext)
        header = [
            "社員番号",
            self.pick("氏名", "社員名"),
            self.pick("障害の種類", "障害種別・等級", "手帳"),
            self.pick("配慮事項", "備考"),
            "所属",
        ]
        rows: list[list[str]] = [header]
        for r in range(self.ri(3, 12)):
            p = self.people.person()
            row_no = r + 2
            name = self.f.name(p)
            d = self.rng.choice(DISABILITIES)
            note = self.pick("勤務時間の調整", "段差のない席", "筆談での連絡", "短時間勤務", "")
            rows.append(
                [
                    f"E{self.ids.digits(5)}",
                    name,
                    d,
                    note,
                    self.pick("総務部", "経理部", "開発部", "物流センター"),
                ]
            )
            for ci, etype, v in ((1, "PERSON_NAME", name), (2, "SENSITIVE_DISABILITY", d)):
                where = (
                    {"sheet": "台帳", "cell": xlsx_cell(ci, row_no)}
                    if ext == "xlsx"
                    else {"row": row_no, "column": header[ci]}
                )
                doc.add(etype, v, **where)
        if ext == "xlsx":
            write_xlsx(path, [("台帳", rows)])
        else:
            write_csv(path, rows[0], rows[1:], self.pick("utf-8-sig", "cp932"))

    def mail(self) -> None:
        doc, path = self.new(
            self.pick("お問い合わせ", "応募", "顧客データ送付", "fwd"), "eml", "eml"
        )
        p = self.people.person()
        charset = self.pick("iso-2022-jp", "utf-8", "utf-8")
        name, ph = self.f.name(p), self.f.phone(p.mobile)
        addr = self.f.address(p, building=False)
        body_lines = [
            f"{self.company()}\nご担当者様",
            "",
            self.pick(
                "以下の内容でお問い合わせを受け付けました。",
                "応募者情報をお送りします。",
                "先日の件、顧客情報を添付にてお送りします。",
            ),
            "",
            f"お名前：{name}",
            f"電話番号：{ph}",
            f"メール：{p.email}",
            f"ご住所：{addr}",
            "",
        ]
        for etype, v in (
            ("PERSON_NAME", name),
            ("PHONE", ph),
            ("EMAIL", p.email),
            ("ADDRESS", addr),
        ):
            doc.add(etype, v, part="body")
        if self.rng.random() < 0.3:
            b = self.f.birth(p.birth)
            body_lines.append(f"生年月日：{b}")
            doc.add("BIRTH_DATE", b, p.birth.isoformat(), part="body")
        body_lines += ["", "よろしくお願いいたします。", "", *self.company_block()]
        body = "\n".join(body_lines) + "\n"
        attachments: list[tuple[str, bytes, str]] = []
        if self.rng.random() < 0.8:
            att = self.pick("顧客リスト.csv", "list.csv", "applicants.csv")
            header = ["氏名", "電話番号", "メールアドレス"]
            rows = []
            for r in range(self.ri(3, 10)):
                q = self.people.person()
                n, t = self.f.name(q), self.f.phone(q.mobile)
                for etype, v, col in (
                    ("PERSON_NAME", n, "氏名"),
                    ("PHONE", t, "電話番号"),
                    ("EMAIL", q.email, "メールアドレス"),
                ):
                    doc.add(etype, v, members=[att], row=r + 2, column=col)
                rows.append([n, t, q.email])
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
            attachments.append(
                (att, buf.getvalue().encode(self.pick("utf-8", "cp932")), "text/csv")
            )
        sender = self.pick(p.email, "noreply@sample-corp.co.jp")
        if sender == p.email:  # the customer wrote in: the From header is theirs too
            doc.add("EMAIL", sender, part="header")
        write_eml(
            path,
            self.pick("お問い合わせがありました", "【応募】エントリーのお知らせ", "Fwd: 顧客情報"),
            sender,
            "support@sample-corp.co.jp",
            body,
            charset,
            attachments,
        )

    def archive(self) -> None:
        doc, path = self.new(self.pick("顧客データ", "backup", "名簿一式"), "zip", "zip")
        members: list[tuple[str, bytes]] = []
        name = self.pick("2024/顧客一覧.csv", "data/customers.csv", "名簿.csv")
        rows = [["氏名", "生年月日", "電話", "住所"]]
        for r in range(self.ri(3, 15)):
            p = self.people.person()
            n, b, t, a = (
                self.f.name(p),
                self.f.birth(p.birth),
                self.f.phone(p.mobile),
                self.f.address(p),
            )
            for etype, v, col in (
                ("PERSON_NAME", n, "氏名"),
                ("PHONE", t, "電話"),
                ("ADDRESS", a, "住所"),
            ):
                doc.add(etype, v, members=[name], row=r + 2, column=col)
            doc.add(
                "BIRTH_DATE", b, p.birth.isoformat(), members=[name], row=r + 2, column="生年月日"
            )
            rows.append([n, b, t, a])
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows)
        members.append((name, buf.getvalue().encode(self.pick("utf-8", "cp932"))))
        memo = Doc("", "text")
        w = Lines(memo)
        p = self.people.person()
        mn = self.f.my_number(p.my_number)
        n = self.f.name(p)
        w.add("引継ぎメモ")
        w.add(
            f"{n}さんの{self.pick('マイナンバー', '個人番号')}は {mn} です（扶養控除申告書より）。",
            ("PERSON_NAME", n),
            ("MY_NUMBER", mn),
        )
        w.add(self.hard_negative_line())
        for e in memo.entities:
            doc.add(e.type, e.value, e.iso, members=["memo.txt"], **e.where)
        members.append(("memo.txt", w.text().encode("utf-8")))
        write_zip(path, members)

    def json_dump(self) -> None:
        doc, path = self.new(self.pick("users", "api_response", "export"), "json", "json")
        keys = self.pick(
            ("name", "kana", "birthday", "tel", "mail", "zip", "address"),
            (
                "full_name",
                "name_kana",
                "birth_date",
                "phone_number",
                "email",
                "postal_code",
                "address1",
            ),
            ("氏名", "フリガナ", "生年月日", "電話番号", "メールアドレス", "郵便番号", "住所"),
        )
        users = []
        for i in range(self.ri(3, 12)):
            p = self.people.person()
            u: dict[str, Any] = {
                "id": 1000 + i,
                "created_at": (
                    f"2024-0{self.ri(1, 9)}-1{self.ri(0, 9)}T0{self.ri(0, 9)}:00:00+09:00"
                ),
            }
            values = [
                ("PERSON_NAME", self.f.name(p)),
                ("PERSON_NAME_KANA", self.f.kana(p)),
                ("BIRTH_DATE", self.f.birth(p.birth)),
                ("PHONE", self.f.phone(p.mobile)),
                ("EMAIL", p.email),
                ("POSTAL_CODE", self.f.postal(p)),
                ("ADDRESS", self.f.address(p)),
            ]
            for key, (etype, v) in zip(keys, values, strict=True):
                u[key] = v
                doc.add(etype, v, p.birth.isoformat() if etype == "BIRTH_DATE" else None)
            u["order_id"] = self.ids.my_number_like()
            u["last_login_ip"] = f"203.0.113.{self.ri(1, 254)}"
            users.append(u)
        data = {"status": "ok", "version": "2.3.1", "count": len(users), "users": users}
        path.write_text(
            json.dumps(data, ensure_ascii=self.rng.random() < 0.2, indent=2), encoding="utf-8"
        )

    def html_page(self) -> None:
        doc, path = self.new(self.pick("member", "confirm", "mypage"), "html", "html")
        p = self.people.person()
        rows = [
            ("お名前", "PERSON_NAME", self.f.name(p)),
            ("フリガナ", "PERSON_NAME_KANA", self.f.kana(p)),
            ("生年月日", "BIRTH_DATE", self.f.birth(p.birth)),
            ("郵便番号", "POSTAL_CODE", self.f.postal(p)),
            ("ご住所", "ADDRESS", self.f.address(p)),
            ("電話番号", "PHONE", self.f.phone(p.mobile)),
            ("メールアドレス", "EMAIL", p.email),
        ]
        trs = []
        for label, etype, v in rows:
            doc.add(etype, v, p.birth.isoformat() if etype == "BIRTH_DATE" else None)
            trs.append(f"<tr><th>{label}</th><td>{v}</td></tr>")
        company = self.company()
        footer = "<br>".join(self.company_block(company, sep=False))
        html = (
            '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8">'
            f"<title>{self.pick('登録内容の確認', 'マイページ', '会員情報')}"
            f"｜{company}</title></head><body>"
            f"<h1>{self.pick('ご登録内容の確認', '会員情報')}</h1><table>{''.join(trs)}</table>"
            f"<p>ご注文番号：{self.ids.my_number_like()}</p>"
            f"<footer><p>{footer}</p><p>&copy; 2024 {company} All Rights Reserved.</p></footer>"
            "</body></html>"
        )
        path.write_text(html, encoding="utf-8")

    def app_log(self) -> None:
        doc, path = self.new(self.pick("app", "access", "batch"), "log", "text")
        w = Lines(doc)
        for _ in range(self.ri(20, 60)):
            ts = (
                f"2024-10-{self.ri(1, 31):02d}T{self.ri(0, 23):02d}:"
                f"{self.ri(0, 59):02d}:{self.ri(0, 59):02d}.{self.ri(0, 999):03d}+09:00"
            )
            ip = (
                f"{self.rng.choice([10, 172, 192, 203])}"
                f".{self.ri(0, 255)}.{self.ri(0, 255)}.{self.ri(1, 254)}"
            )
            r = self.rng.random()
            if r < 0.15:
                p = self.people.person()
                w.add(
                    f"{ts} INFO  [user-service] signup ok email={p.email} ip={ip}",
                    ("EMAIL", p.email),
                )
            elif r < 0.22:
                p = self.people.person()
                ph = self.f.phone(p.mobile)
                w.add(
                    f"{ts} DEBUG [sms] send code to tel={ph} request_id={self.ids.digits(12)}",
                    ("PHONE", ph),
                )
            elif r < 0.25:
                p = self.people.person()
                c = p.card
                w.add(
                    f"{ts} ERROR [payment] declined card_number={c} amount={self.ri(100, 99999)}",
                    ("CREDIT_CARD", c),
                )
            elif r < 0.27:
                p = self.people.person()
                mn = p.my_number
                w.add(
                    f"{ts} WARN  [mynumber-api] validation failed my_number={mn}", ("MY_NUMBER", mn)
                )
            elif r < 0.35:
                w.add(
                    f"{ts} INFO  [payment] authorized card=****-****-****-{self.ids.digits(4)} "
                    f"order_id={self.ids.my_number_like()}"
                )
            else:
                w.add(
                    f"{ts} {self.pick('INFO ', 'DEBUG', 'WARN ')} "
                    f"[{self.pick('http', 'db', 'cache', 'auth')}] "
                    f"{self.pick('GET', 'POST')} /api/v{self.ri(1, 3)}/items/{self.ids.digits(6)} "
                    f"{self.pick(200, 200, 304, 404, 500)} {self.ri(1, 900)}ms ip={ip} "
                    f"build={self.ri(1, 9)}.{self.ri(0, 30)}.{self.ri(0, 200)}"
                )
        path.write_text(w.text(), encoding="utf-8")

    def travel_booking(self) -> None:
        ext = self.pick("csv", "xlsx")
        doc, path = self.new(
            self.pick("ツアー参加者名簿", "passenger_list", "渡航者一覧"), ext, ext
        )
        header = [
            "No",
            self.pick("氏名", "お名前"),
            self.pick("ローマ字", "氏名（英字）"),
            self.pick("旅券番号", "パスポート番号", "Passport No."),
            "旅券有効期限",
            self.pick("生年月日", "DOB"),
            "国籍",
            self.pick("携帯", "緊急連絡先"),
        ]
        rows: list[list[str]] = [header]
        for r in range(self.ri(4, 20)):
            p = self.people.person()
            row_no = r + 2
            vals = [
                str(r + 1),
                self.f.name(p),
                p.romaji,
                p.passport,
                f"{self.ri(2025, 2034)}/{self.ri(1, 12):02d}/{self.ri(1, 28):02d}",
                self.f.birth(p.birth),
                "日本",
                self.f.phone(p.mobile),
            ]
            # The romaji name is the same person's name in a second script: personal data.
            types = [None, "PERSON_NAME", "PERSON_NAME", "PASSPORT", None, "BIRTH_DATE", None,
                     "PHONE"]
            for ci, (etype, v) in enumerate(zip(types, vals, strict=True)):
                if etype:
                    where = (
                        {"sheet": "参加者", "cell": xlsx_cell(ci, row_no)}
                        if ext == "xlsx"
                        else {"row": row_no, "column": header[ci]}
                    )
                    doc.add(
                        etype, v, p.birth.isoformat() if etype == "BIRTH_DATE" else None, **where
                    )
            rows.append(vals)
        if ext == "xlsx":
            write_xlsx(path, [("参加者", rows)])
        else:
            write_csv(path, rows[0], rows[1:], "utf-8-sig")

    def foreign_staff(self) -> None:
        ext = self.pick("pdf", "txt")
        doc, path = self.new(
            self.pick("外国人雇用状況", "在留カード確認記録"),
            ext,
            "pdf" if ext == "pdf" else "text",
        )
        w = Lines(doc)
        w.add(self.pick("外国人労働者 在留カード確認記録", "外国人雇用状況届出 控え"))
        for _ in range(self.ri(1, 4)):
            roman, kana, nation = self.rng.choice(FOREIGN)
            card = self.ids.residence_card()
            w.add(f"氏名（ローマ字）: {roman}", ("PERSON_NAME", roman))
            w.add(f"カナ: {kana}　国籍・地域: {nation}", ("PERSON_NAME_KANA", kana))
            b = self.f.birth(dt.date(1985, 1, 1) + dt.timedelta(days=self.rng.randrange(7000)))
            w.add(f"生年月日: {b}", ("BIRTH_DATE", b, _iso(b)))
            w.add(
                f"在留資格: {self.rng.choice(STATUSES)}　在留期間満了日"
                f": 2026年{self.ri(1, 12)}月{self.ri(1, 28)}日"
            )
            w.add(
                f"{self.pick('在留カード番号', '在留カード等番号')}: {card}",
                ("RESIDENCE_CARD", card),
            )
            if self.rng.random() < 0.6:
                ei = self.f.employment(self.ids.employment())
                w.add(f"雇用保険被保険者番号: {ei}", ("EMPLOYMENT_INSURANCE", ei))
            w.add("")
        w.add(f"確認者: 総務部　確認日 2024/{self.ri(1, 10)}/{self.ri(1, 28)}")
        w.add(f"事業所番号 {self.ids.digits(4)}-{self.ids.digits(6)}-{self.ids.digits(1)}")
        if ext == "pdf":
            for e in doc.entities:
                e.where = {"page": 1}
            write_pdf(path, [w.lines])
        else:
            path.write_bytes(w.text().encode(self.pick("utf-8", "cp932")))

    def juminhyo(self) -> None:
        ext = self.pick("txt", "pdf")
        doc, path = self.new(
            self.pick("住民票", "住民票の写し"), ext, "text" if ext == "txt" else "pdf"
        )
        w = Lines(doc)
        p = self.people.person()
        w.add("住民票の写し")
        n = self.f.name(p)
        w.add(f"氏名　{n}", ("PERSON_NAME", n))
        b = self.f.birth(p.birth)
        w.add(
            f"生年月日　{b}　性別　{'男' if p.male else '女'}",
            ("BIRTH_DATE", b, p.birth.isoformat()),
        )
        a = self.f.address(p)
        w.add(f"住所　{a}", ("ADDRESS", a))
        w.add(f"住民となった年月日　平成{self.ri(1, 30)}年{self.ri(1, 12)}月{self.ri(1, 28)}日")
        rc = self.f.resident(p.resident)
        w.add(f"住民票コード　{rc}", ("RESIDENT_CODE", rc))
        if self.rng.random() < 0.5:
            mn = self.f.my_number(p.my_number)
            w.add(f"個人番号　{mn}", ("MY_NUMBER", mn))
        w.add(f"本籍　{p.pref}　筆頭者　{p.last}")
        w.add("この写しは、住民票の原本と相違ないことを証明する。")
        w.add(f"令和6年{self.ri(1, 10)}月{self.ri(1, 28)}日　{p.city}長")
        if ext == "pdf":
            for e in doc.entities:
                e.where = {"page": 1}
            write_pdf(path, [w.lines])
        else:
            path.write_text(w.text(), encoding="utf-8")

    def kyc_record(self) -> None:
        """本人確認・申込内容: labels above values, prose, several identifiers per line."""
        ext = self.pick("txt", "txt", "pdf")
        doc, path = self.new(
            self.pick("本人確認記録", "申込内容", "kyc_notes"),
            ext,
            "pdf" if ext == "pdf" else "text",
        )
        w = Lines(doc)
        w.add(self.pick("本人確認記録", "■申込内容の確認", "口座開設 申込データ"))
        for _ in range(self.ri(1, 3)):
            p = self.people.person()
            name, b = self.f.name(p), self.f.birth(p.birth)
            iso = p.birth.isoformat()
            layout = self.pick("above", "prose", "inline")
            if layout == "above":  # a form exported to text: each label on its own line
                for label, etype, value in (
                    (self.pick("氏名", "お名前"), "PERSON_NAME", name),
                    (self.pick("生年月日", "生年月日（和暦）"), "BIRTH_DATE", b),
                    (self.pick("電話番号", "携帯電話番号"), "PHONE", self.f.phone(p.mobile)),
                ):
                    w.add(f"{label}")
                    w.add(value, (etype, value, iso) if etype == "BIRTH_DATE" else (etype, value))
            elif layout == "prose":
                w.add(
                    f"{name}様（{b}生）より口座開設の申込みあり。",
                    ("PERSON_NAME", name),
                    ("BIRTH_DATE", b, iso),
                )
            else:
                ph = self.f.phone(p.mobile)
                w.add(
                    f"氏名 {name}　TEL {ph}　生年月日 {b}",
                    ("PERSON_NAME", name),
                    ("PHONE", ph),
                    ("BIRTH_DATE", b, iso),
                )
            doc_kind = self.pick("license", "passport", "residence", "my_number", "insurance")
            if doc_kind == "license":
                lic = self.f.license(p.license)
                w.add(
                    self.pick(
                        f"本人確認書類：運転免許証（番号 {lic}）",
                        f"確認書類 運転免許証　免許証番号：{lic}",
                        f"運転免許証の番号は{lic}、有効期限は2027年の誕生日まで。",
                    ),
                    ("DRIVERS_LICENSE", lic),
                )
            elif doc_kind == "passport":
                w.add(
                    self.pick(
                        f"パスポート（旅券番号 {p.passport}）で本人確認済み",
                        f"旅券番号：{p.passport}　有効期限：2029/03/31",
                        f"Passport No. {p.passport}",
                    ),
                    ("PASSPORT", p.passport),
                )
            elif doc_kind == "residence":
                card = self.ids.residence_card()
                w.add(
                    self.pick(
                        f"在留カード（{card}）を確認", f"在留カード番号 {card}　在留資格 永住者"
                    ),
                    ("RESIDENCE_CARD", card),
                )
            elif doc_kind == "my_number":
                mn = self.f.my_number(p.my_number)
                w.add(
                    self.pick(f"個人番号カードで確認（個人番号 {mn}）", f"マイナンバー：{mn}"),
                    ("MY_NUMBER", mn),
                )
            else:
                w.add(f"健康保険証 保険者番号 {p.insurer}", ("HEALTH_INSURANCE", p.insurer))
                value = self.pick(f"{p.symbol}・{p.number}", f"{p.symbol} 番号 {p.number}")
                w.add(f"記号・番号 {value}", ("HEALTH_INSURANCE", value))
            acct = p.account
            w.add(
                self.pick(
                    f"返金先：{p.bank} {p.branch}（普）{acct}",
                    f"引落口座 {p.bank} {p.branch} 普通預金 {acct}",
                    f"口座番号 {acct}（{p.bank} {p.branch}）",
                ),
                ("BANK_ACCOUNT", acct),
            )
            w.add(self.hard_negative_line())
            w.add("")
        w.add(f"確認者 {self.pick('窓口', '審査部')}　記録日 {self.day()}")
        if ext == "pdf":
            for e in doc.entities:
                e.where = {"page": 1}
            write_pdf(path, [w.lines])
        else:
            path.write_bytes(encode(w.text(), self.pick("utf-8", "cp932", "euc_jp")))

    def social_insurance(self) -> None:
        ext = self.pick("txt", "pdf", "docx")
        doc, path = self.new(
            self.pick("資格取得届", "社会保険手続", "入社手続書類"),
            ext,
            {"txt": "text"}.get(ext, ext),
        )
        w = Lines(doc)
        w.add(
            self.pick(
                "健康保険・厚生年金保険 被保険者資格取得届（控）", "入社手続き チェックシート"
            )
        )
        w.add(
            f"事業所整理記号 {self.ri(10, 99)}-{self.pick('アイウ', 'カキク', 'サシス')}　"
            f"事業所番号 {self.ids.digits(5)}"
        )
        for _ in range(self.ri(1, 3)):
            p = self.people.person()
            n = self.f.name(p)
            w.add(f"被保険者氏名: {n}", ("PERSON_NAME", n))
            b = self.f.birth(p.birth)
            w.add(f"生年月日: {b}", ("BIRTH_DATE", b, p.birth.isoformat()))
            pn = self.f.pension(p.pension)
            label = self.pick("基礎年金番号", "年金番号", "基礎年金番号（10桁）")
            w.add(f"{label}: {pn}", ("PENSION_NUMBER", pn))
            if self.rng.random() < 0.6:
                mn = self.f.my_number(p.my_number)
                w.add(f"個人番号: {mn}", ("MY_NUMBER", mn))
            if self.rng.random() < 0.7:
                ei = self.f.employment(p.employment)
                w.add(
                    f"{self.pick('雇用保険被保険者番号', '雇用保険番号')}: {ei}",
                    ("EMPLOYMENT_INSURANCE", ei),
                )
            if self.rng.random() < 0.5:
                w.add(f"保険者番号: {p.insurer}", ("HEALTH_INSURANCE", p.insurer))
                value = f"{p.symbol} 番号 {p.number} 枝番 {p.branch_no}"
                w.add(f"被保険者証 記号 {value}", ("HEALTH_INSURANCE", value))
            w.add(f"報酬月額: {self.ri(18, 60)}万円　資格取得日: 2024年{self.ri(1, 10)}月1日")
            w.add("")
        if ext == "pdf":
            for e in doc.entities:
                e.where = {"page": 1}
            write_pdf(path, [w.lines])
        elif ext == "docx":
            for e in doc.entities:
                e.where = {}
            write_docx(path, w.lines)
        else:
            path.write_bytes(w.text().encode(self.pick("utf-8", "cp932", "utf-16")))

    # -- clean documents ---------------------------------------------------------------------

    def clean_brochure(self) -> None:
        ext = self.pick("html", "txt", "pdf", "docx")
        _doc, path = self.new(self.pick("会社概要", "company", "about"), ext, ext, clean=True)
        company = self.company()
        pref = self.rng.choice(list(PREF_CITIES))
        code, mid, local = self.ids.landline()
        lines = [
            f"{company} 会社概要",
            f"商号　{company}",
            f"設立　{self.ri(1950, 2015)}年{self.ri(1, 12)}月",
            f"資本金　{self.ri(1, 99)},000万円",
            f"法人番号　{self.ids.corporate_number()}",
            f"本社所在地　〒{self.ids.postal()[:3]}-{self.ids.postal()[3:]}"
            f" {pref}{self.rng.choice(PREF_CITIES[pref])}"
            f"{self.ri(1, 9)}丁目{self.ri(1, 20)}番{self.ri(1, 15)}号"
            f" {self.rng.choice(COMPANY_WORDS)}ビル{self.ri(2, 9)}F",
            f"代表電話　{code}-{mid}-{local}",
            f"お問い合わせ　{self.pick('info', 'contact', 'support')}"
            f"@{self.pick('sample-corp.co.jp', 'mirai-sys.co.jp')}",
            "事業内容　"
            + self.pick("業務用ソフトウェアの開発・販売", "食品の製造・卸売", "不動産の売買・仲介"),
            f"従業員数　{self.ri(20, 3000)}名（2024年4月1日現在）",
            f"取引銀行　{self.rng.choice(BANKS)}、{self.rng.choice(BANKS)}",
            f"{self.rng.choice(list(PREF_CITIES))}支店　TEL"
            f" {self.ids.landline()[0]}-{self.ids.digits(3)}-{self.ids.digits(4)}",
            "",
            *self.company_block(company),
        ]
        self._write_clean(path, ext, lines)

    def _write_clean(self, path: Path, ext: str, lines: list[str]) -> None:
        if ext == "pdf":
            write_pdf(path, [lines])
        elif ext == "docx":
            write_docx(path, lines)
        elif ext == "html":
            body = "".join(f"<p>{line}</p>" for line in lines)
            path.write_text(
                '<!DOCTYPE html><html lang="ja"><head><meta'
                f' charset="utf-8"><title>{lines[0]}</title>'
                f"</head><body>{body}</body></html>",
                encoding="utf-8",
            )
        else:
            path.write_bytes(("\n".join(lines) + "\n").encode(self.pick("utf-8", "cp932")))

    def clean_news(self) -> None:
        ext = self.pick("txt", "html")
        _doc, path = self.new(self.pick("news", "weather", "天気予報"), ext, ext, clean=True)
        prefs = self.rng.sample(list(PREF_CITIES), 6)
        lines = [self.pick("全国の天気", "週間天気予報", "地域ニュース")]
        lines.append(
            f"{self.ri(2023, 2024)}年{self.ri(1, 12)}月{self.ri(1, 28)}日 "
            f"{self.ri(5, 18)}時{self.rng.choice(['00', '30'])}分発表"
        )
        for p in prefs:
            lines.append(
                f"{p}　{self.pick('晴れ', 'くもり', '雨', '晴れのちくもり', '雪')}"
                f"　最高気温 {self.ri(-2, 36)}℃"
                f"　最低気温 {self.ri(-10, 25)}℃　降水確率 {self.rng.choice(range(0, 101, 10))}%"
            )
        city_pref = self.rng.choice(list(PREF_CITIES))
        lines.append(
            f"{city_pref}{self.rng.choice(PREF_CITIES[city_pref])}"
            f"では{self.pick('桜が見ごろを迎え', '大雨警報が発表され', '紅葉まつりが開かれ')}、"
            f"{self.ri(2, 50)}万人が訪れた。"
        )
        lines.append(
            f"{self.rng.choice(prefs)}"
            + "の"
            + self.pick("有効求人倍率は1.3倍", "人口は前年比0.5%減", "観光客数は過去最高")
            + "となった。"
        )
        lines.append(
            f"気象庁によると、{self.rng.choice(prefs)}から{self.rng.choice(prefs)}にかけて、"
            f"{self.ri(1, 5)}日にかけて{self.ri(50, 300)}ミリの雨が予想される。"
        )
        self._write_clean(path, ext, lines)

    def clean_products(self) -> None:
        ext = self.pick("csv", "xlsx")
        _doc, path = self.new(self.pick("商品マスタ", "products", "価格表"), ext, ext, clean=True)
        rows = [
            [
                self.pick("JANコード", "JAN", "バーコード"),
                "品番",
                "商品名",
                "定価",
                "ISBN",
                "発売日",
            ]
        ]
        for _ in range(self.ri(10, 40)):
            rows.append(
                [
                    self.ids.jan(),
                    f"{self.pick('A', 'BX', 'K')}-{self.ids.digits(4)}",
                    self.pick(
                        "緑茶 500ml", "ボールペン 黒", "単行本", "USBケーブル 1m", "ノート B5"
                    ),
                    f"{self.ri(100, 9800)}",
                    self.pick(self.ids.isbn(), ""),
                    f"{self.ri(2015, 2024)}/{self.ri(1, 12)}/{self.ri(1, 28)}",
                ]
            )
        if ext == "xlsx":
            write_xlsx(path, [("商品", rows)])
        else:
            write_csv(path, rows[0], rows[1:], self.pick("utf-8", "cp932"))

    def clean_invoice(self) -> None:
        ext = self.pick("pdf", "txt", "docx")
        _doc, path = self.new(self.pick("請求書", "invoice", "御請求書"), ext, ext, clean=True)
        issuer, client = self.company(), self.company()
        lines = [
            self.pick("請求書", "御請求書", "INVOICE"),
            f"{client} 御中",
            f"請求書番号：{self.ids.my_number_like()}",
            f"発行日：2024年{self.ri(1, 10)}月{self.ri(1, 28)}日",
            f"{issuer}",
            f"登録番号：T{self.ids.corporate_number()}",
            f"法人番号：{self.ids.corporate_number()}",
            "",
            "品目　数量　単価　金額",
        ]
        for _ in range(self.ri(2, 6)):
            lines.append(
                f"{self.pick('システム保守費', 'ライセンス料', 'コンサルティング', '資材費')}"
                f"　{self.ri(1, 20)}　"
                f"{self.ri(1, 300) * 1000:,}　{self.ri(1, 900) * 1000:,}"
            )
        lines += [
            f"小計 {self.ri(100, 9000) * 1000:,}円　消費税(10%) {self.ri(10, 900) * 1000:,}円",
            f"お支払期限：2024年{self.ri(11, 12)}月末日",
            "【お振込先】",
            f"{self.rng.choice(BANKS)} {self.rng.choice(BRANCHES)} 普通 {self.ids.bank_account()}",
            "口座名義："
            + self.pick("カ）サンプルショウジ", "カブシキガイシャ ミライ", "ユ）アオバ"),
            "",
            *self.company_block(issuer, sep=False),
        ]
        self._write_clean(path, ext, lines)

    def clean_order(self) -> None:
        ext = self.pick("eml", "txt")
        _doc, path = self.new(self.pick("発送のお知らせ", "order_shipped"), ext, ext, clean=True)
        shop = self.company()
        lines = [
            "いつもご利用いただきありがとうございます。",
            "ご注文の商品を発送いたしました。",
            "",
            f"ご注文番号：{self.pick(self.ids.my_number_like(), self.ids.luhn_number(16))}",
            f"ご注文日時：2024/{self.ri(1, 10):02d}/{self.ri(1, 28):02d}"
            f" {self.ri(0, 23):02d}:{self.ri(0, 59):02d}",
            f"配送業者：{self.pick('ヤマト運輸', '佐川急便', '日本郵便')}",
            "お問い合わせ伝票番号："
            + self.pick(self.ids.tracking(), self.f.group(self.ids.tracking(), (4, 4, 4), "-")),
            f"商品：{self.pick('ワイヤレスイヤホン', '加湿器', 'コーヒー豆 1kg')}"
            f" × {self.ri(1, 3)}",
            f"JAN：{self.ids.jan()}",
            "お支払い方法：クレジットカード（下4桁 " + self.ids.digits(4) + "）",
            "配送状況は以下のURLからご確認いただけます。",
            f"https://track.example.jp/?no={self.ids.tracking()}",
            "",
            "※本メールは送信専用です。",
            "",
            *self.company_block(shop),
        ]
        if ext == "eml":
            write_eml(
                path,
                "【発送完了】ご注文商品を発送しました",
                f"noreply@{self.pick('shop.example.jp', 'mall.example.com')}",
                "customer@example.jp",
                "\n".join(lines) + "\n",
                self.pick("iso-2022-jp", "utf-8"),
                [],
            )
        else:
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def clean_blank_form(self) -> None:
        ext = self.pick("docx", "pdf", "txt")
        _doc, path = self.new(
            self.pick("申込書_記入例", "記入見本", "blank_form"), ext, ext, clean=True
        )
        p = self.people.person()
        style = self.pick("heading", "inline", "paren")
        mark = self.pick("記入例", "見本", "記載例")
        lines = [
            self.pick("入会申込書", "扶養控除等申告書", "口座振替依頼書")
            + (f"（{mark}）" if style == "heading" else "")
        ]
        if style == "heading":
            lines.append(f"【{mark}】以下は{mark}です。太枠内をご記入ください。")

        def fld(label: str, value: str) -> str:
            if style == "inline":
                return f"{label}　{mark}：{value}"
            if style == "paren":
                return f"{label}（{mark}）：{value}"
            return f"{label}：{value}"

        lines += [
            fld("氏名", self.f.name(p)),
            fld("フリガナ", self.f.kana(p)),
            fld("生年月日", self.f.birth(p.birth)),
            fld("住所", f"〒{self.f.postal(p)} {self.f.address(p, building=False)}"),
            fld("電話番号", self.f.phone(p.mobile)),
            fld(self.pick("個人番号", "マイナンバー"), self.f.my_number(p.my_number)),
            fld("口座番号", p.account),
        ]
        lines += [
            "",
            "氏名：＿＿＿＿＿＿＿＿",
            "生年月日：昭和・平成　　年　　月　　日",
            "電話番号：（　　　）　　－　　",
            "個人番号：□□□□ □□□□ □□□□",
            "",
            *self.company_block(sep=False),
        ]
        self._write_clean(path, ext, lines)

    def clean_privacy(self) -> None:
        ext = self.pick("html", "txt")
        _doc, path = self.new(self.pick("privacy", "個人情報保護方針"), ext, ext, clean=True)
        company = self.company()
        lines = [
            "個人情報保護方針（プライバシーポリシー）",
            f"{company}（以下「当社」）は、個人情報の保護に関する法律を遵守し、以下のとおり個人情報を取り扱います。",
            "1. 取得する情報：氏名、住所、電話番号、メー"
            "ルアドレス、生年月日、クレジットカード情報等。",
            "2. 要配慮個人情報について：当社は、人種、信条、社"
            "会的身分、病歴、犯罪の経歴、犯罪により害を被った事実、"
            "身体障害・知的障害・精神障害等の障害があること、健康診断等の結果、その他本人に対する不当な差別、"
            "偏見その他の不利益が生じないようにその取扱いに特に配慮を要する記述等が含まれる個人情報を、"
            "法令に基づく場合を除き、あらかじめ本人の同意を得ないで取得しません。",
            "3. マイナンバー（個人番号）は、番号法で定められた社"
            "会保障、税及び災害対策に関する事務に限って利用します。",
            "4. 安全管理措置：アクセス制御、暗号化、従業者の教育を実施しています。",
            "5. 開示等の請求：下記窓口までご連絡ください。",
            "",
            "【個人情報お問い合わせ窓口】",
            *self.company_block(company, sep=False)[1:],
            f"制定日：2005年4月1日　改定日：2024年{self.ri(1, 10)}月1日",
        ]
        self._write_clean(path, ext, lines)

    def clean_medical_article(self) -> None:
        ext = self.pick("html", "txt", "pdf")
        _doc, path = self.new(
            self.pick("糖尿病とは", "health_column", "生活習慣病"), ext, ext, clean=True
        )
        d = self.pick("糖尿病", "高血圧症", "うつ病", "脂質異常症")
        lines = [
            f"{d}の基礎知識",
            f"{d}は、日本で患者数が増えている病気の一つです。厚生労働省の調査によると、"
            f"{d}が強く疑われる人は約{self.ri(100, 1000)}万人と推計されています。",
            "主な症状："
            + self.pick(
                "のどの渇き、頻尿、体重減少", "頭痛、めまい、肩こり", "気分の落ち込み、不眠"
            )
            + "など。",
            f"治療には、食事療法・運動療法に加え、{self.rng.choice(MEDICINES)}などの薬が使われることがあります。",
            "合併症として、網膜症、腎症、神経障害が知られています。",
            "早期発見のために、年に一度は健康診断を受けましょう。",
            f"監修：{self.pick('日本内科学会認定医', '総合内科専門医')}"
            f"　最終更新：2024年{self.ri(1, 10)}月",
            "本記事は一般的な情報提供を目的としており、個別の診断や治療を行うものではありません。",
            "関連記事："
            + self.pick("障害者手帳の申請方法", "健康診断の結果の見方", "認知症の予防"),
        ]
        self._write_clean(path, ext, lines)

    def clean_server_log(self) -> None:
        _doc, path = self.new(self.pick("nginx", "server", "deploy"), "log", "text", clean=True)
        lines = []
        for _ in range(self.ri(30, 80)):
            ts = (
                f"2024-10-{self.ri(1, 31):02d} {self.ri(0, 23):02d}"
                f":{self.ri(0, 59):02d}:{self.ri(0, 59):02d}"
            )
            ip = f"{self.ri(1, 223)}.{self.ri(0, 255)}.{self.ri(0, 255)}.{self.ri(1, 254)}"
            lines.append(
                self.pick(
                    f'{ip} - - [{ts} +0900] "GET /products'
                    f'/{self.ids.digits(6)} HTTP/1.1" 200 {self.ri(100, 99999)}',
                    f"{ts} INFO deploy version=v{self.ri(1, 5)}.{self.ri(0, 30)}"
                    f".{self.ri(0, 99)} commit={self.ids.digits(7)}",
                    f"{ts} WARN db slow query {self.ri(1000, 9999)}ms rows={self.ri(1, 100000)}",
                    f"{ts} INFO order {self.ids.my_number_like()}"
                    f" shipped tracking={self.ids.tracking()}",
                    f"{ts} ERROR upstream timeout {ip}:{self.ri(1024, 65535)}"
                    f" request_id={self.ids.digits(16)}",
                    f"{ts} INFO batch processed {self.ri(1, 99999)}"
                    f" records in {self.ri(1, 999)}.{self.ri(0, 9)}s",
                    f"{ts} INFO システム障害の復旧を確認 (incident #{self.ri(100, 999)})",
                )
            )
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def clean_dev_doc(self) -> None:
        _doc, path = self.new(
            self.pick("payment_test", "README_api", "開発メモ"), "md", "text", clean=True
        )
        lines = [
            "# 決済APIの結合テスト手順",
            "",
            "テスト環境では以下のテスト用カード番号を使用してください。",
            "",
            "| ブランド | テスト用カード番号 |",
            "|---|---|",
            "| Visa | 4242 4242 4242 4242 |",
            "| Visa | 4111 1111 1111 1111 |",
            "| Mastercard | 5555 5555 5555 4444 |",
            "| JCB | 3530 1113 3330 0000 |",
            "",
            f"- APIバージョン: {self.ri(1, 3)}.{self.ri(0, 9)}.{self.ri(0, 9)}",
            "- エンドポイント: https://api.example.jp/v"
            f"1/charges (タイムアウト {self.ri(5, 60)}秒)",
            f"- テスト用注文番号: {self.ids.my_number_like()}",
            f"- ステージングDB: 10.{self.ri(0, 255)}.{self.ri(0, 255)}.{self.ri(1, 254)}:5432",
            "- テスト用メール: test-user@example.com",
            "- 電話番号欄のダミー値: 000-0000-0000",
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def clean_stats(self) -> None:
        _doc, path = self.new(
            self.pick("都道府県別統計", "prefecture_stats"), "csv", "csv", clean=True
        )
        rows = [["都道府県", "人口", "世帯数", "前年比", "調査日"]]
        for p in self.rng.sample(list(PREF_CITIES), 15):
            rows.append(
                [
                    p,
                    f"{self.ri(500000, 14000000)}",
                    f"{self.ri(200000, 7000000)}",
                    f"{self.rng.uniform(-2, 2):.2f}%",
                    "2024-10-01",
                ]
            )
        write_csv(path, rows[0], rows[1:], self.pick("utf-8", "cp932"))

    # -- driver ------------------------------------------------------------------------------

    POSITIVE = (
        "customer_csv",
        "customer_csv",
        "employee_xlsx",
        "resume_docx",
        "application_pdf",
        "medical_record",
        "checkup_csv",
        "hr_note",
        "hr_note",
        "mail",
        "archive",
        "json_dump",
        "html_page",
        "app_log",
        "travel_booking",
        "foreign_staff",
        "juminhyo",
        "social_insurance",
        "social_insurance",
        "kyc_record",
        "kyc_record",
        "hr_note",
        "disability_roster",
    )
    CLEAN = (
        "clean_brochure",
        "clean_news",
        "clean_products",
        "clean_invoice",
        "clean_order",
        "clean_blank_form",
        "clean_privacy",
        "clean_medical_article",
        "clean_server_log",
        "clean_dev_doc",
        "clean_stats",
    )

    def build(self, size: int) -> None:
        n_clean = max(1, size * 35 // 100)
        plan = [self.POSITIVE[i % len(self.POSITIVE)] for i in range(size - n_clean)] + [
            self.CLEAN[i % len(self.CLEAN)] for i in range(n_clean)
        ]
        self.rng.shuffle(plan)
        for kind in plan:
            getattr(self, kind)()


def _iso(text: str) -> str:
    """ISO date of a generated birth date string (for people made outside Person)."""
    import re

    m = re.fullmatch(r"(\d{4})[年/.-](\d{1,2})[月/.-](\d{1,2})日?", text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    return ""


def generate(out: Path, seed: int, size: int) -> dict[str, Any]:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    corpus = Corpus(seed, out)
    corpus.build(size)
    truth = {
        "seed": seed,
        "size": size,
        "generated_for": TODAY.isoformat(),
        "files": {
            d.path: {
                "kind": d.kind,
                "clean": d.clean,
                "entities": [e.as_dict() for e in d.entities],
            }
            for d in corpus.docs
        },
    }
    (out / "truth.json").write_text(
        json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20241124)
    parser.add_argument("--size", type=int, default=600, help="number of documents")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    truth = generate(args.out, args.seed, args.size)
    files = truth["files"]
    n_ent = sum(len(f["entities"]) for f in files.values())
    n_clean = sum(1 for f in files.values() if f["clean"])
    print(f"wrote {len(files)} files ({n_clean} clean), {n_ent} entities to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
