"""What a single value looks like: the evidence for a column's meaning when its header is
missing or does not say (a headerless CSV, ``col10`` in a JSON export, ``jusho3``).

``classify(text)`` names the shape of one cell: an e-mail, a phone number, a postal code, a
date, a prefecture, a municipality from the official list, a street number, a person's
name confirmed by the surname and given-name dictionaries, a surname or a given name on its
own, a katakana reading, a romaji word, a sex. A column's meaning is then what most of its
values are (piiscan.structure.table); no single value decides anything.
"""

from __future__ import annotations

import re
from functools import cache

from piiscan import columns, data
from piiscan.lazyre import lazy
from piiscan.recognizers import names
from piiscan.validators.formats import jp_phone
from piiscan.validators.identifiers import parse_date

EMAIL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._%+=\-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
PHONE = re.compile(r"\+?[0-9]{1,5}(?:[ .-]?\(?[0-9]{1,5}\)?){1,3}")
POSTAL = re.compile(r"〒?\s*[0-9]{3}-[0-9]{4}")
STREET = re.compile(r"(?:[0-9０-９]+|[一二三四五六七八九十]+)(?:(?:丁目|番地?|号|-|の)"
                    r"(?:[0-9０-９]+|[一二三四五六七八九十]+)?){0,4}(?:番地?|号)?")
KATAKANA = re.compile(r"[ァ-ヺー・ｦ-ﾟ]+(?:[ 　][ァ-ヺー・ｦ-ﾟ]+)?")
ROMAJI_WORD = re.compile(r"[A-Z][a-z]+(?:[ ][A-Z][a-z]+)?|[A-Z]{2,}(?:[ ][A-Z]{2,})?")
SEX = frozenset({"男", "女", "男性", "女性", "M", "F", "m", "f", "male", "female", "Male",
                 "Female", "MALE", "FEMALE"})
# Compiled when first used (piiscan.lazyre): kanji classes are slow to compile.
_KANJI_ONLY = lazy(f"{names.KANJI}+")
_SPACED_NAME = lazy(f"({names.KANJI}{{1,4}})[ 　]({names.KANJI}{{1,4}}|[ぁ-ゖ]{{2,4}})")


@cache
def _prefectures() -> frozenset[str]:
    return data.load_words("prefectures")


@cache
def _municipalities() -> frozenset[str]:
    """Municipality names, with and without their county (郡) and prefecture."""
    out: set[str] = set()
    for row in data.load_table("municipalities"):
        pref, county, town = (*row, "", "", "")[:3]
        if town:
            out.update({town, county + town, pref + county + town, pref + town})
    return frozenset(out)


def is_prefecture(text: str) -> bool:
    return text.strip() in _prefectures()


def is_municipality(text: str) -> bool:
    return text.strip().replace(" ", "").replace("　", "") in _municipalities()


def classify(text: str) -> str | None:
    """The shape of one cell, or None: EMAIL, PHONE, POSTAL_CODE, DATE, PREFECTURE,
    MUNICIPALITY, STREET, PERSON_NAME, SURNAME, GIVEN_NAME, KANA, ROMAJI, SEX, NUMBER."""
    value = text.strip().strip('"').strip()
    if not value or len(value) > 60:
        return None
    if "@" in value:
        return "EMAIL" if EMAIL.fullmatch(value) else None
    if value[0].isdigit() or value[0] in "+(〒":
        return _numeric(value)
    if value in SEX:
        return "SEX"
    if value in _prefectures():
        return "PREFECTURE"
    if is_municipality(value):
        return "MUNICIPALITY"
    if STREET.fullmatch(value):
        return "STREET"
    if KATAKANA.fullmatch(value):
        return "KANA"
    if ROMAJI_WORD.fullmatch(value):
        return "ROMAJI"
    return _name(value)


def _numeric(value: str) -> str | None:
    if POSTAL.fullmatch(value):
        return "POSTAL_CODE"
    if parse_date(value) is not None:
        return "DATE"
    if PHONE.fullmatch(value) and jp_phone(value):
        return "PHONE"
    if STREET.fullmatch(value) and not value.isdigit():
        return "STREET"
    if value.replace(",", "").replace(".", "").isdigit():
        return "NUMBER"
    return None


def _name(value: str) -> str | None:
    m = _SPACED_NAME().fullmatch(value)
    if m and names.is_surname(m.group(1)) and not names.org_like(m.group(2)):
        return "PERSON_NAME"
    if not _KANJI_ONLY().fullmatch(value):
        return None
    if names.split_full_name(value) is not None:
        return "PERSON_NAME"
    surname, given = names.is_surname(value), value in names.given_names()
    if surname and not given:
        return "SURNAME"
    if given and not surname:
        return "GIVEN_NAME"
    if surname and given:
        return "SURNAME_OR_GIVEN"
    return None


def looks_like_person_name(text: str) -> bool:
    """A person's name by the dictionaries: 山田 太郎, 山田太郎, 佐藤 花子様, TRAN THI MAI is
    not judged here. Used to check an ambiguous ``name`` column value by value."""
    value = text.strip()
    kind = _name(value)
    if kind == "PERSON_NAME":
        return True
    # A known surname followed by a short given name the dictionary lacks (吉村風羽雅).
    if _KANJI_ONLY().fullmatch(value) and 2 <= len(value) <= 6 and not names.org_like(value):
        return any(names.is_surname(value[:k]) and value[:k] not in names.common_surnames()
                   for k in range(1, min(4, len(value) - 1) + 1))
    return False


def looks_like_organisation(text: str) -> bool:
    """The name of an organisation or a place, by the words of the column table
    (rules/jp/columns.yaml ``organisations``): 医療法人 清陽会 すこやか医院, 荒巻小,
    ペンション SAMURAI, to clinic shibuya. A surname of the dictionary is never one
    (小野寺 ends like a temple)."""
    table = columns.table()
    value = columns.fold(text)
    if not value or table.org_word.search(value) is not None:
        return bool(value)
    if table.org_ascii.intersection(columns.tokens(text)):
        return True
    compact = value.replace(" ", "").replace("　", "")
    return len(compact) >= 3 and compact.endswith(table.org_endings) \
        and not names.is_surname(compact)


def looks_like_reading(text: str) -> bool:
    """A katakana or hiragana name reading (ヤマダ タロウ, やまだたろう)."""
    value = text.strip()
    return bool(value) and len(value) <= 24 and (
        KATAKANA.fullmatch(value) is not None
        or re.fullmatch(r"[ぁ-ゖー]+(?:[ 　][ぁ-ゖー]+)?", value) is not None)
