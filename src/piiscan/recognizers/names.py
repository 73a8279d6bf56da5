"""Person names in kanji and kana, found by context and confirmed by dictionaries.

Context decides, the dictionaries confirm (src/piiscan/data, from UniDic and SudachiDict):

- a label before (氏名：, お名前, 患者名, 担当, 被保険者 ...)          -> high
- an honorific after (様, さん, 殿, 氏, くん, 先生 ...)               -> high / medium
- a name column (the segment's header is 氏名, 名前, フリガナ ...)   -> high
- a known surname, a space, a known given name (山田 太郎)           -> medium
- a known surname directly followed by a known given name (山田太郎) -> medium

Common surnames are also places and words (中村, 森, 東): a bare surname is never a
finding, and a surname that is also a common word only counts with a label or honorific.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from piiscan import columns, data
from piiscan.columns import KANA_KINDS, NAME_KINDS, ROMAJI_KINDS
from piiscan.labels import is_field_label
from piiscan.lazyre import finditer_near, first_not_after, lazy
from piiscan.models import Level
from piiscan.normalize import to_katakana
from piiscan.recognizers import Candidate

KANJI = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヵヶ\U00020000-\U0002fa1f]"
HIRA = "[ぁ-ゖ]"
KATA = "[ァ-ヺー・ｦ-ﾟ]"
_SPACE = "[ 　]"

# The weakest evidence a name can have: the dictionaries know it, or it fills an ambiguous
# "name" column. A row about a place needs more before it is taken for a person's.
BY_DICTIONARY = "known surname and given name"
BY_NAME_COLUMN = "name column"
WEAK_EVIDENCE = frozenset({BY_DICTIONARY, BY_NAME_COLUMN})
# 様, 氏, 殿 and 君 that run on into a word are part of it (毛様体, 症候群様変化, 源氏物語,
# 氏名, 殿堂, 君主); 宅, 邸, 方, 宛 and 等 after them are the person's house, care-of or
# company (山田様方, 山田氏宅).
_WORD_ON = f"(?!{KANJI}(?<![宅邸等方宛]))"
_HONORIFICS = (f"様{_WORD_ON}", "さま", "サマ", "さん", "サン", f"殿{_WORD_ON}", "どの", f"氏{_WORD_ON}",
               f"君{_WORD_ON}", "くん", "ちゃん",
               "先生", "医師", "弁護士", "容疑者", "被告人", "被告", "受刑者", "被害者", "患者")
# Roles that label a name only with a separator (患者：山田 太郎), never in a sentence.
_ROLE_LABELS = ("患者", "利用者", "受診者")
_LABELS = ("患者", "利用者", "受診者", "氏名", "お名前", "御名前", "名前", "姓名", "患者名", "患者氏名",
           "被保険者氏名", "被保険者名",
           "被保険者", "契約者名", "契約者氏名", "契約者", "申込者名", "申込者氏名", "申込者", "申請者",
           "本人氏名", "利用者名", "利用者氏名", "受取人", "届出人", "依頼者", "依頼人", "保護者氏名",
           "保護者", "世帯主", "宛名", "お客様名", "顧客名", "社員名", "従業員名", "職員名", "担当者名",
           "担当者", "担当", "作成者", "記入者", "名義人", "口座名義", "受診者", "入院患者", "対象者",
           "児童名", "生徒名", "学生氏名", "応募者", "面接者", "差出人", "送付先", "連絡者", "同居人",
           "配偶者", "緊急連絡先氏名", "相談者", "来談者", "面談者", "記録者", "申請人",
           "対象社員", "患者様", "加入者", "会員名", "主治医",
           "担当医", "医師名", "被害者", "加害者", "当事者", "相手方", "債務者", "保証人", "代理人")
# Columns whose cells hold one kind of value that is not a name (a phone, a place, a food,
# a facility): no name is looked for in them (the kinds are in rules/jp/columns.yaml).
_NOT_NAME_COLUMNS = frozenset({
    "THING", "ORG_NAME", "ORG_PHONE", "PREFECTURE", "MUNICIPALITY", "TOWN", "STREET",
    "BUILDING", "POSTAL_CODE", "PHONE", "EMAIL", "GEO", "BIRTH_DATE", "AGE", "SEX",
    "BLOOD_TYPE", "PERSON_ID", "ADDRESS", "ORG_ADDRESS", *KANA_KINDS})
_NOT_KANA_COLUMNS = frozenset({
    "THING", "ORG_NAME", "ORG_PHONE", "ORG_ADDRESS", "PREFECTURE", "MUNICIPALITY", "TOWN",
    "STREET", "BUILDING", "POSTAL_CODE", "PHONE", "EMAIL", "GEO", "BIRTH_DATE", "AGE", "SEX",
    "BLOOD_TYPE", "PERSON_ID", "ADDRESS", *ROMAJI_KINDS})
# Katakana words that sit in reading columns of forms but are not names.
_KANA_STOP = frozenset({"メール", "アドレス", "フリガナ", "ふりがな", "カナ", "ヨミガナ", "セイメイ", "ナシ",
                        "ミキニュウ", "ベツシ", "ホンニン", "ドウジョウ", "メールアドレス", "フメイ",
                        "ミテイ", "カタカナ", "ひらがな", "ヒラガナ", "ゼンカク", "ハンカク"})
# A kanji run ending in one of these is an organisation or a place, not a given name.
_ORG_SUFFIXES = ("商事", "商店", "工業", "産業", "建設", "銀行", "会社", "病院", "医院", "事務所", "組合",
                 "協会", "大学", "学校", "学園", "法人", "株式", "有限", "市", "町", "村", "区", "県",
                 "都", "府", "部", "課", "係", "室", "店", "社", "所", "屋", "堂", "館", "院", "局",
                 "署", "庁", "省", "駅", "線", "寺", "神社", "家", "様", "一同", "各位", "殿",
                 "園", "校", "クリニック", "センター", "ホーム", "ステーション", "薬局", "施設", "公園",
                 "墓地", "斎場")
_STOP = frozenset({"管理者", "担当者", "責任者", "作成者", "申請者", "退会者", "未設定", "公正",
                   "動詞", "名詞", "認識", "お客", "皆", "皆さ", "各位", "貴殿", "貴社", "御社",
                   "弊社", "当社", "先方", "相手",
                   "本人", "ご本人", "同", "上", "担当", "社長", "部長", "課長", "係長", "店長",
                   "会員", "利用者", "お子", "ご家族", "家族", "奥", "旦那", "ご主人", "主人", "先生",
                   "患者", "お父", "お母", "父", "母", "兄", "姉", "弟", "妹", "子", "孫", "新郎",
                   "新婦", "株主", "取引先", "御中", "以下", "各", "諸", "両", "同氏", "同様",
                   "記入例", "見本", "未記入", "不明", "無し", "同上", "空欄", "該当", "氏名",
                   "名前", "代表", "代表者", "個人", "法人", "匿名", "未定", "退職", "休職"})

_NOT_HONORIFIC = frozenset({"多様", "仕様", "模様", "同様", "異様", "一様", "文様", "紋様", "有様",
                            "外様", "殿様", "王様", "神様", "仏様", "今様", "左様", "斯様", "皆様",
                            "貴様", "各様", "別様", "両様", "二様", "三様", "態様", "様様"})
_TITLES = ("部長", "課長", "係長", "社長", "会長", "店長", "所長", "院長", "校長", "准教授", "教授", "主任",
           "次長", "専務", "常務", "支配人", "室長", "局長", "理事長", "副社長", "顧問", "主査", "主事",
           "看護師", "医師", "先生", "弁護士", "税理士", "課長補佐", "部長代理", "マネージャー")
# The patterns below compile when first used (piiscan.lazyre): a kanji class takes about
# 1.5 ms to compile, and most texts (source code, English) never need them.
# Found by the word that ends them (a title, です, an honorific), then read backwards: far
# cheaper on long text than a pattern tried at every kanji.
_TITLE_WORD = lazy("|".join(sorted(_TITLES, key=len, reverse=True)))
# A relation in brackets after a name: 山田 花子（長女）, 鈴木一郎(父) — how emergency
# contacts and family members are written.
_RELATION = lazy(r"[（(](?:父|母|夫|妻|長男|長女|次男|次女|三男|三女|息子|娘|兄|姉|弟|妹|祖父|"
                       r"祖母|孫|叔父|叔母|伯父|伯母|甥|姪|義父|義母|義兄|義姉|配偶者|子|実父|実母|"
                       r"養父|養母|内縁の夫|内縁の妻|同居人|親族|友人|知人|後見人|保佐人|補助人)[）)]")
_INTRODUCTION_END = lazy("(?:です|と申します|でございます|と言います|といいます)(?:[。!！、\n]|$)")
_HONORIFIC_WORD = lazy("(?:様|さま|さん|氏|くん|ちゃん|先生)(?![ァ-ヺー])")
_KANJI_CHAR = lazy(KANJI)
_KATA_CHAR = lazy("[ァ-ヺー]")
_TITLE = lazy("(?:部長|課長|係長|社長|会長|店長|所長|院長|校長|教授|准教授|主任|次長|専務|常務|"
                    "取締役|支配人|室長|局長|理事長|理事|副社長|顧問|代表)$")
# Given names in kana with a name-final kanji: くみ子, はる美, さち江
_KANA_GIVEN = f"{HIRA}{{1,3}}[子美江代恵枝乃奈香世里佳]"
_HONORIFIC_RE = lazy(
    f"({KANJI}{{1,8}})(?:{_SPACE}({KANJI}{{1,4}}|{HIRA}{{2,4}}|{KATA}{{2,5}}))?{_SPACE}?"
    f"(?:{'|'.join(_HONORIFICS)})")
# Where _HONORIFIC_RE can match (lazyre.finditer_near): an honorific, at most 8 + 1 + 5 + 1
# characters after the match's start (no honorific ends with another's beginning, so each
# is found). The longest end 3 after their start; a one-character one's look-ahead reads
# the character after it.
_HONORIFIC_WORD_RE = lazy("|".join(word.removesuffix(_WORD_ON) for word in _HONORIFICS))
_BEFORE_HONORIFIC, _HONORIFIC_REACH = 15, 3
_LABEL_RE = lazy(
    f"(?P<label>{'|'.join(sorted(_LABELS, key=len, reverse=True))})"
    f"(?P<sep>{_SPACE}*(?:[:：]|は|欄|の)?{_SPACE}*)"
    f"(?P<value>{KANJI}{{1,5}}(?:{_SPACE}?(?:{KANJI}{{1,5}}|{_KANA_GIVEN}|{KATA}{{2,6}}))?)"
    f"(?!{KANJI})")
_ROMAJI_LABEL_RE = lazy(
    f"(?:{'|'.join(sorted(_LABELS, key=len, reverse=True))}|Name|NAME|name)"
    r"[ 　]*[:：][ 　]*(?P<value>[A-Z][A-Za-z'\-]+(?:[ 　]+[A-Z][A-Za-z'\-]+){1,3})(?![A-Za-z])")
_SPACED_RE = lazy(
    f"({first_not_after(KANJI, KANJI)}{KANJI}{{0,3}}){_SPACE}"
    f"({KANJI}{{1,4}}|{HIRA}{{2,4}}|{KATA}{{2,5}})(?![{KANJI[1:-1]}ぁ-ゖァ-ヺー])")
# Where it can match (lazyre.finditer_near): a space after a kanji and before a name's
# character, at most 4 characters after the match's start; the given name (5 at most) and
# the character the look-ahead reads end within 7 of it.
_SPACE_AFTER_KANJI = lazy(f"{_SPACE}(?<={KANJI}{_SPACE})(?=[{KANJI[1:-1]}ぁ-ゖァ-ヺー・ｦ-ﾟ])")
_BEFORE_GIVEN, _GIVEN_REACH = 4, 7
_RUN_RE = lazy(f"({first_not_after(KANJI, KANJI)}{KANJI}{{2,5}})(?!{KANJI})")
_GIVEN_MIX = f"(?:{KANJI}{{1,5}}|{HIRA}{{1,6}}|{_KANA_GIVEN}|{KATA}{{1,8}})"
_CELL_RE = lazy(  # 山田 太郎, 山田花子, 山田 さくら; はしの 小百合 (a surname in hiragana)
    f"^{_SPACE}*({KANJI}{{1,5}}(?:{_SPACE}?{_GIVEN_MIX})?|{HIRA}{{2,6}}{_SPACE}{KANJI}{{1,5}})"
    f"{_SPACE}*$")
_ROMAJI_CELL_RE = lazy(r"^[ 　]*([A-Z][A-Za-z'\-]+(?:[ 　,]+[A-Z][A-Za-z'\-]+){1,3})[ 　]*$")
_ROMAJI_WORD_CELL_RE = lazy(  # Sato, SATO, and TakiHina written as one word
    r"^[ 　]*([A-Z][a-z'\-]{1,20}(?:[A-Z][a-z]{1,20})?|[A-Z]{2,20})[ 　]*$")
# A name in lower case (suga michiko): two words made of Japanese syllables only, so that
# "test user" or "guest" in a name column is not one.
_SYLLABLES = "(?:(?:[bcdfghjkmnprstvwyz]{0,3}[aeiou])+n?)"
_ROMAJI_LOWER_CELL_RE = lazy(f"^[ 　]*((?=[a-z]{{2}}){_SYLLABLES}[ 　](?=[a-z]{{2}})"
                                   f"{_SYLLABLES})[ 　]*$")
# After a name, these make it the name of a thing (a museum, a prize, a map, a street).
_NAMED_THING = lazy("[ァ-ヺ]|記念|賞|像|展|文庫|旧居|旧宅|生家|通り|邸|全集|研究|作品|文学")
_KANA = "[ァ-ヺーぁ-ゖｦ-ﾟ]"  # either script, half-width too
_KANA_SPACED_RE = lazy(
    f"({first_not_after(KATA, _KANA)}{KATA}{{1,7}}|{first_not_after(HIRA, _KANA)}{HIRA}{{1,5}})"
    f"{_SPACE}({KATA}{{1,8}}|{HIRA}{{1,6}})(?!{_KANA})")
# Where it can match (lazyre.finditer_near): a space between two kana, at most 8 characters
# after the match's start; the second reading (8 at most) and the character the look-ahead
# reads end within 10 of it.
_SPACE_IN_KANA = lazy(f"{_SPACE}(?<=[ァ-ヺー・ｦ-ﾟぁ-ゖ]{_SPACE})(?=[ァ-ヺー・ｦ-ﾟぁ-ゖ])")
_BEFORE_SPACE, _SPACE_REACH = 8, 10
_READING_LABELS = ("フリガナ", "ふりがな", "カナ氏名", "氏名カナ", "カナ", "ヨミガナ", "よみがな", "セイメイ")
_KANA_LABEL_RE = lazy(
    "(?:" + "|".join(first_not_after(label[0], "[ァ-ヺーぁ-ゖ]") + label[1:]
                     for label in _READING_LABELS) + ")"
    f"(?P<sep>{_SPACE}*[:：]?{_SPACE}*)"
    f"((?:{KATA}|{HIRA}){{1,10}}(?:{_SPACE}(?:{KATA}|{HIRA}){{1,10}})?)")
# After a reading label with no separator, hiragana is the sentence going on (フリガナが,
# カタカナまたは), not a reading.
_PARTICLE_START = lazy("(?:が|は|を|の|に|と|で|も|や|へ|から|まで|または|および|など|となる|"
                             "となって|について|による|として)")
_KANA_CELL_RE = lazy(
    f"^{_SPACE}*((?:{KATA}|{HIRA}){{1,12}}(?:{_SPACE}(?:{KATA}|{HIRA}){{1,12}})?){_SPACE}*$")
# A name written in hiragana (さくら うた) in a name column is the name itself; readings
# there are written in katakana, as フリガナ and FHIR's phonetic names are.
_HIRAGANA_CELL_RE = lazy(f"^{_SPACE}*({HIRA}{{1,8}}(?:{_SPACE}{HIRA}{{1,8}})?){_SPACE}*$")


@cache
def _surnames() -> frozenset[str]:
    return data.load_words("surnames")


@cache
def _rare_surnames() -> frozenset[str]:
    return data.load_words("surnames_rare")


@cache
def given_names() -> frozenset[str]:
    return data.load_words("given_names")


_given = given_names


@cache
def common_surnames() -> frozenset[str]:
    return data.load_words("common_word_surnames")


_common_surnames = common_surnames


@cache
def _common_given() -> frozenset[str]:
    return data.load_words("common_word_given_names")


@cache
def _readings(name: str) -> frozenset[str]:
    out: set[str] = set()
    for row in data.load_table(name):
        if len(row) > 1:
            out.update(r for r in row[1].split(",") if r)
    return frozenset(out)


def is_surname(text: str, rare: bool = False) -> bool:
    return text in _surnames() or (rare and text in _rare_surnames())


def org_like(text: str) -> bool:
    """An organisation, a place or a role rather than a name. A listed surname or given
    name is never one: 中村, 土屋, 田所 end like places and shops, 健市 and 美都 like a
    city and a metropolis."""
    if text in _STOP or columns.table().org_word.search(text) is not None:
        return True  # 有限会社エステート, 佐藤医院: words no name holds (columns.yaml)
    return text.endswith(_ORG_SUFFIXES) and text not in _surnames() and text not in _given()


_org_like = org_like


def split_full_name(run: str) -> int | None:
    """Length of the surname if the run is a known surname + known given name (2+ chars)."""
    surnames = _surnames()  # asked for every kanji run of prose
    for k in range(min(4, len(run) - 2), 0, -1):  # the given name keeps 2 characters or more
        surname, given = run[:k], run[k:]
        # The given names load only when a surname fits: a hook's few files seldom need them.
        if surname in surnames and given in _given():
            if surname in _common_surnames() or given in _common_given():
                continue
            return k
    return None


def person_names(text: str, header: str | None) -> Iterator[Candidate]:
    """PERSON_NAME candidates in normalised text (see the module docstring)."""
    column = columns.read_header(header)
    if column is not None and column.kind in _NOT_NAME_COLUMNS:
        return
    if column is not None and (column.kind in NAME_KINDS or column.kind in ROMAJI_KINDS):
        if is_field_label(text):
            return  # a form's label (生年月日, 電話) that landed under a name column
        found = _name_cell(text, column.verify)
        if found is not None:
            yield found
            return
    seen: set[tuple[int, int]] = set()
    for cand in _by_label(text):
        seen.add((cand.start, cand.end))
        yield cand
    for m in _ROMAJI_LABEL_RE().finditer(text):
        yield Candidate(m.start("value"), m.end("value"), Level.HIGH, ("labelled as a name",))
    for cand in _by_honorific(text):
        if (cand.start, cand.end) not in seen:
            seen.add((cand.start, cand.end))
            yield cand
    yield from _by_title(text, seen)
    yield from _by_relation(text, seen)
    yield from _by_introduction(text, seen)
    for m in finditer_near(_SPACED_RE(), text, _SPACE_AFTER_KANJI(), _BEFORE_GIVEN,
                           _GIVEN_REACH):
        surname, given = m.group(1), m.group(2)
        if (m.start(), m.end()) in seen or not is_surname(surname) or _org_like(given):
            continue
        if given in _given() or not _has_kanji(given):
            common = surname in _common_surnames() or given in _common_given()
            yield Candidate(m.start(), m.end(), Level.LOW if common else Level.MEDIUM,
                            (BY_DICTIONARY,))
    named_thing = _NAMED_THING().match  # 小泉八雲記念館, 小泉八雲マップ: named after someone
    for m in _RUN_RE().finditer(text):  # every run of 3-6 kanji in prose: the split first
        if split_full_name(m.group(1)) is not None and not named_thing(text, m.end()) \
                and (m.start(), m.end()) not in seen:
            seen.add((m.start(), m.end()))
            yield Candidate(m.start(), m.end(), Level.MEDIUM, (BY_DICTIONARY,))
    yield from _katakana_by_honorific(text)


def _run_before(text: str, end: int, allowed: re.Pattern[str], most: int) -> int:
    """Start of the run of ``allowed`` characters (at most ``most``) that ends at ``end``."""
    start = end
    while start > 0 and end - start < most and allowed.match(text, start - 1):
        start -= 1
    return start


def _by_title(text: str, seen: set[tuple[int, int]]) -> Iterator[Candidate]:
    """A surname before a job title: 佐藤課長, 営業部の高橋主任, 田中先生."""
    for m in _TITLE_WORD().finditer(text):
        if _KANJI_CHAR().match(text, m.end()):
            continue  # 課長補佐 is found as its own word; 部長室 is a room
        start = _run_before(text, m.start(), _KANJI_CHAR(), 10)
        run = text[start:m.start()]
        found = _name_suffix(run, None) if run else None
        if found is None:
            continue
        offset, level = found
        span = (start + offset, m.start())
        name = run[offset:]
        if span not in seen and len(name) >= 2 and is_surname(name[:2]) and not _org_like(name):
            seen.add(span)
            yield Candidate(*span, level, ("followed by a job title",))


def _by_relation(text: str, seen: set[tuple[int, int]]) -> Iterator[Candidate]:
    """A name before its relation to someone: 山田 花子（長女）, 佐藤一郎(夫)."""
    for m in _RELATION().finditer(text):
        end = m.start()
        while end > 0 and text[end - 1] in " 　":
            end -= 1
        start = _run_before(text, end, _KANJI_CHAR(), 4)
        if start > 1 and text[start - 1] in " 　" and _KANJI_CHAR().match(text, start - 2):
            start = _run_before(text, start - 1, _KANJI_CHAR(), 4)  # 山田 花子（長女）
        value = text[start:end]
        head = re.split(_SPACE, value, maxsplit=1)[0]
        found = _name_suffix(head, None) if head else None
        if found is None or found[0] != 0 or (start, end) in seen or _org_like(value):
            continue
        seen.add((start, end))
        yield Candidate(start, end, Level.HIGH, ("followed by a relation",))


def _by_introduction(text: str, seen: set[tuple[int, int]]) -> Iterator[Candidate]:
    """Who introduces themselves or signs: 営業部の山田です, 山田太郎と申します."""
    for m in _INTRODUCTION_END().finditer(text):
        end = m.start()
        start = _run_before(text, end, _KANJI_CHAR(), 4)
        if start > 1 and text[start - 1] in " 　" and _KANJI_CHAR().match(text, start - 2):
            start = _run_before(text, start - 1, _KANJI_CHAR(), 4)  # 山田 太郎です
        if start == end or (start > 0 and text[start - 1] not in "\n。、 　の"):
            continue
        value = text[start:end]
        head = re.split(_SPACE, value, maxsplit=1)[0]
        known = split_full_name(head) is not None or (
            is_surname(head) and head not in _common_surnames()) or any(
            is_surname(head[:k]) and head[:k] not in _common_surnames() and
            head[k:] in _given() for k in range(1, min(4, len(head))))
        span = (start, end)
        if known and span not in seen and not _org_like(value):
            seen.add(span)
            yield Candidate(*span, Level.HIGH, ("introduces themselves",))


def _katakana_by_honorific(text: str) -> Iterator[Candidate]:
    """A katakana given name before an honorific: アンナ様, マリアさん (a reading the
    given-name dictionary knows; ユーザー様 and スタッフさん are roles, not names)."""
    for m in _HONORIFIC_WORD().finditer(text):
        start = _run_before(text, m.start(), _KATA_CHAR(), 6)
        word = text[start:m.start()]
        if len(word) < 2 or (start > 0 and text[start - 1] == "・"):
            continue
        if word not in _KANA_STOP and to_katakana(word) in _readings("given_names"):
            yield Candidate(start, m.start(), Level.HIGH, ("followed by an honorific",))


def _name_cell(text: str, verify: bool) -> Candidate | None:
    """A whole cell of a name column; in an ambiguous one (``name``) only a value the
    dictionaries take for a name."""
    m = _CELL_RE().match(text)
    if m and _has_kanji(m.group(1)) and not _org_like(m.group(1).strip()):
        value = m.group(1).strip()
        if not verify or _dictionary_name(value):
            return Candidate(m.start(1), m.end(1), Level.HIGH, (BY_NAME_COLUMN,))
        return None
    m = _HIRAGANA_CELL_RE().match(text)
    if m and _hiragana_name(m.group(1), verify):
        return Candidate(m.start(1), m.end(1), Level.HIGH, (BY_NAME_COLUMN,))
    lower = text.lower()  # kawata Ami: the case of a romaji name says nothing
    m = (_ROMAJI_CELL_RE().match(text) or _ROMAJI_WORD_CELL_RE().match(text)
         or (_ROMAJI_LOWER_CELL_RE().match(lower) if len(lower) == len(text) else None))
    if m and not verify:  # TRAN THI MAI, Santos Maria, Sato: names in a name column
        return Candidate(m.start(1), m.end(1), Level.HIGH, (BY_NAME_COLUMN,))
    return None


def _hiragana_name(value: str, verify: bool) -> bool:
    """A name column's hiragana value that is a name: two characters or more, not a word a
    form puts there (なし, ふめい), and in an ambiguous column one the readings know."""
    compact = re.sub(_SPACE, "", value)
    return (len(compact) >= 2 and to_katakana(compact) not in _KANA_STOP
            and (not verify or _known_reading(value)))


def _dictionary_name(value: str) -> bool:
    """A value the dictionaries take for a person's name: a known surname and a known given
    name, or a known surname and at most three more characters (千鳥ヶ淵戦没者墓苑 and
    神保町シアター are too long to be one)."""
    compact = value.replace(" ", "").replace("　", "")
    if split_full_name(compact) is not None:
        return True
    head = re.split(_SPACE, value, maxsplit=1)[0]
    return 2 <= len(compact) <= 6 and any(
        is_surname(head[:k]) and head[:k] not in _common_surnames() and len(compact) - k <= 3
        for k in range(1, min(4, len(head)) + 1))


def _by_label(text: str) -> Iterator[Candidate]:
    for m in _LABEL_RE().finditer(text):
        value = m.group("value").rstrip(" 　")
        parts = re.split(_SPACE, value, maxsplit=1)
        if len(parts) == 2 and is_field_label(parts[1].strip()):
            value = parts[0]  # 氏名 山田花子 電話 090…: the next field's label ends the name
        if m.group("label") in _ROLE_LABELS and m.group("sep").strip(" 　") in ("", "は", "の"):
            continue  # 利用者は当該費用を: a role in a sentence, not a label
        head = re.split(_SPACE, value, maxsplit=1)[0]
        if _org_like(value) or _org_like(head) or not _has_kanji(head) or len(value) < 2:
            continue
        # '顧客名簿' is not the label 顧客名 + a name, nor '担当の部署' a person: with nothing
        # or only の between label and value, the value must start with a common surname.
        if m.group("sep").strip(" 　") in ("", "の") and not any(
                is_surname(head[:k]) and head[:k] not in _common_surnames()
                for k in range(1, min(4, len(head)) + 1)):
            continue
        # The common surnames first: the rare list (73k words) loads only when they miss.
        ends = range(1, min(4, len(head)) + 1)
        known = any(is_surname(head[:k]) for k in ends) or any(
            is_surname(head[:k], rare=True) for k in ends)
        start = m.start("value")
        yield Candidate(start, start + len(value), Level.HIGH if known else Level.MEDIUM,
                        ("labelled as a name",))


def _by_honorific(text: str) -> Iterator[Candidate]:
    for m in finditer_near(_HONORIFIC_RE(), text, _HONORIFIC_WORD_RE(), _BEFORE_HONORIFIC,
                           _HONORIFIC_REACH):
        run, given = m.group(1), m.group(2)
        title = _TITLE().search(run) if given is None else None
        if title:  # 田中部長様: the name is 田中
            run = run[: title.start()]
        found = _name_suffix(run, given) if run else None
        if found is None:
            continue
        offset, level = found
        if given is None and len(run) - offset == 1 and text[m.end() - 2:m.end()] in \
                _NOT_HONORIFIC:
            continue  # 多様, 仕様, 同様: words that end in 様
        end = m.end(2) if given else m.start(1) + len(run)
        yield Candidate(m.start(1) + offset, end, level, ("followed by an honorific",))


def _name_suffix(run: str, given: str | None) -> tuple[int, Level] | None:
    """Where in a kanji run (before an honorific) the name starts, and how sure we are.

    ``営業部佐藤`` + 様 -> the name is ``佐藤``: try the longest suffix first.
    """
    for i in range(len(run)):
        part = run[i:]
        if part in _STOP or (i == 0 and _org_like(part)):
            return None
        if given is not None:
            if is_surname(part, rare=True) and not _org_like(given):
                return i, Level.HIGH
            continue
        if split_full_name(part) is not None:
            return i, Level.HIGH
        if is_surname(part):
            return i, Level.MEDIUM if part in _common_surnames() else Level.HIGH
        for k in range(min(4, len(part) - 1), 0, -1):  # surname + an unlisted given name
            if is_surname(part[:k]) and part[:k] not in _common_surnames() and \
                    len(part) - k <= 3 and not _org_like(part):
                return i, Level.MEDIUM
        if is_surname(part, rare=True) and len(part) >= 2:
            return i, Level.MEDIUM
    return None


def kana_names(text: str, header: str | None) -> Iterator[Candidate]:
    """PERSON_NAME_KANA: readings in a kana column, after a フリガナ label, or a spaced pair
    of known surname and given-name readings (ヤマダ タロウ)."""
    column = columns.read_header(header)
    if column is not None and column.kind in _NOT_KANA_COLUMNS:
        return
    # A name column written in kana (FHIR's family/given of a reading) holds readings too;
    # an ambiguous one (``name``) does only when the reading tables know the value: a list
    # of halls and shops named サンフィッシュ or アスパル is not a list of people.
    if column is not None and column.kind in NAME_KINDS and _HIRAGANA_CELL_RE().match(text):
        return  # a name written in hiragana: PERSON_NAME's
    if column is not None and (column.kind in KANA_KINDS or (
            column.kind in NAME_KINDS and _KANA_CELL_RE().match(text)
            and (not column.verify or _known_reading(text)))):
        m = _KANA_CELL_RE().match(text)
        value = m.group(1) if m else ""
        if m and len(re.sub(_SPACE, "", value)) >= 2 and value.strip() not in _KANA_STOP \
                and not place_reading(value):
            yield Candidate(m.start(1), m.end(1), Level.HIGH, ("reading column",))
            return
    seen: set[int] = set()
    for m in _KANA_LABEL_RE().finditer(text):
        value = m.group(2)
        if value.strip() in _KANA_STOP or len(re.sub(_SPACE, "", value)) < 2 \
                or place_reading(value):
            continue
        if not m.group("sep") and (_PARTICLE_START().match(value) or re.match(HIRA, value)
                                   or m.group(0).startswith(("カナ", "セイメイ"))):
            continue  # フリガナが…; カナー症候群, カナダ: one word, no label
        seen.add(m.start(2))
        yield Candidate(m.start(2), m.end(2), Level.HIGH, ("labelled as a name reading",))
    for m in finditer_near(_KANA_SPACED_RE(), text, _SPACE_IN_KANA(), _BEFORE_SPACE,
                           _SPACE_REACH):
        if m.start(1) in seen:
            continue
        # The reading tables load on the first spaced kana pair, not on the first text.
        if to_katakana(m.group(1)) in _readings("surnames") and \
                to_katakana(m.group(2)) in _readings("given_names"):
            yield Candidate(m.start(), m.end(), Level.MEDIUM, ("known surname and given-name "
                                                               "readings",))


@cache
def _place_readings() -> frozenset[str]:
    """Readings of the municipalities (チヨダク, ナゴヤシナカク) that no name shares."""
    names = _readings("surnames") | _readings("given_names")
    return frozenset(row[3] for row in data.load_table("municipalities")
                     if len(row) > 3 and row[3] and row[3] not in names)


def place_reading(value: str) -> bool:
    """The reading of an address (トウキョウト チヨダク, over a 住所 on a form), not a name's:
    one of its words is a municipality's reading."""
    return any(to_katakana(w) in _place_readings() for w in re.split(_SPACE, value.strip()) if w)


def _known_reading(text: str) -> bool:
    """A kana value whose words the surname or given-name readings know (ヤマダ, タロウ)."""
    words = [to_katakana(w) for w in re.split(_SPACE, text.strip()) if w]
    return bool(words) and all(w in _readings("surnames") or w in _readings("given_names")
                               for w in words)


@cache
def is_name_header(header: str) -> bool:
    """A column of person names (or their romaji form), by the column table."""
    column = columns.read_header(header)
    return column is not None and (column.kind in NAME_KINDS or column.kind in ROMAJI_KINDS)


def _has_kanji(text: str) -> bool:
    return re.search(KANJI, text) is not None
