"""What a column holds, read from its header: the column-semantics table as data.

A header (a CSV or spreadsheet column, a JSON/YAML/Ruby key, an SQL column name, a form
label) is matched against ``rules/jp/columns.yaml``: every kind lists its Japanese words,
its English and romaji tokens and the short words that count only as the whole header. The
longest word found decides, so 商品名 is a thing and not a given name (名), and 名称_カナ is
the reading of an organisation's name, not of a person's.

    >>> read_header("姓（カタカナ）").kind
    'SURNAME_KANA'
    >>> read_header("tanjobi").kind
    'BIRTH_DATE'
    >>> read_header("町域名").kind
    'TOWN'

The rules match header *text* (a rule's ``context.headers``), so a header the rules would
not understand is passed on as ``"<header> → <label>"`` (``annotate``): ``tanjobi → 生年月日``
is a birth-date column to every rule, and the reason a report gives ("column tanjobi →
生年月日") says how piiscan read it. ``read_header`` reads such an annotation back.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from piiscan import compiled
from piiscan.builtin import builtin_rules_dir

ARROW = " → "
NAME_KINDS = frozenset({"PERSON_NAME", "SURNAME", "GIVEN_NAME"})
ROMAJI_KINDS = frozenset({"NAME_ROMAJI", "SURNAME_ROMAJI", "GIVEN_ROMAJI"})
KANA_KINDS = frozenset({"NAME_KANA", "SURNAME_KANA", "GIVEN_KANA"})
ADDRESS_PARTS = ("PREFECTURE", "MUNICIPALITY", "TOWN", "STREET", "BUILDING")
ADDRESS_READINGS = frozenset({"ADDRESS_KANA", "ADDRESS_ROMAJI"})  # an address in kana, romaji
# Groups of kinds a rule can name (``exclude: columns: [names, addresses]``).
KIND_GROUPS = {"names": NAME_KINDS | ROMAJI_KINDS | KANA_KINDS,
               "addresses": frozenset({"ADDRESS", "ORG_ADDRESS", *ADDRESS_PARTS,
                                       *ADDRESS_READINGS}),
               "identifiers": frozenset({
                   "PERSON_ID", "MY_NUMBER", "BANK_ACCOUNT", "CARD_NUMBER", "PASSPORT",
                   "DRIVERS_LICENSE", "RESIDENCE_CARD", "PENSION_NUMBER", "HEALTH_INSURANCE",
                   "INSURER_NUMBER", "EMPLOYMENT_INSURANCE", "RESIDENT_CODE"})}
SENSITIVE_KINDS = {"MEDICAL": "SENSITIVE_MEDICAL", "DISABILITY": "SENSITIVE_DISABILITY",
                   "BELIEF": "SENSITIVE_BELIEF", "ORIGIN": "SENSITIVE_ORIGIN",
                   "CRIMINAL": "SENSITIVE_CRIMINAL"}
_READING = {"PERSON_NAME": "NAME_KANA", "SURNAME": "SURNAME_KANA", "GIVEN_NAME": "GIVEN_KANA",
            "ADDRESS": "ADDRESS_KANA"}
_ROMAJI = {"PERSON_NAME": "NAME_ROMAJI", "SURNAME": "SURNAME_ROMAJI", "GIVEN_NAME": "GIVEN_ROMAJI",
           "NAME_KANA": "NAME_ROMAJI", "SURNAME_KANA": "SURNAME_ROMAJI",
           "GIVEN_KANA": "GIVEN_ROMAJI", "ADDRESS": "ADDRESS_ROMAJI",
           "ADDRESS_KANA": "ADDRESS_ROMAJI"}
# With only a modifier left (フリガナ, ruby, user_pronoun), the column is a person's name.
_PERSONISH = frozenset({"user", "customer", "member", "person", "patient", "client", "staff",
                        "employee", "contact", "name", "namae", "shimei", "full", "氏名", "名前",
                        "student", "pupil", "parent", "parents", "guardian", "child",
                        "applicant", "guest", "resident", "owner", "holder"})
# A code or id of a place or a thing (都道府県コード, 市区町村CD, store_id) is not the
# place itself.
_CODE = re.compile(r"(?:コード|code|cd|id|番号|no\.?)$")
_CODED_KINDS = frozenset({"PREFECTURE", "MUNICIPALITY", "TOWN", "ORG_NAME", "THING", "STREET",
                          "BUILDING"})
_PUNCT = re.compile(r"[\s()\[\]{}【】「」『』〔〕<>＜＞_\-・･:：/／.,、。'\"#*＊※]+")
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_TOKEN = re.compile(r"[a-z]+|[0-9]+")


@dataclass(frozen=True)
class Kind:
    """One kind of column: what it holds and what it says about the rows."""

    kind: str
    label: str
    person: bool = False  # the rows are people (氏名, 生年月日, 病名)
    contact: bool = False  # contact data: a person's, or a place's in a list of places
    place: bool = False  # the rows are places or organisations (施設名, 所在地, 緯度)


@dataclass(frozen=True)
class Column:
    """How one header reads: its kind, and whether the word was ambiguous (``verify``:
    values decide, e.g. an English ``name`` column of foods)."""

    kind: str
    label: str
    person: bool
    contact: bool
    place: bool
    verify: bool = False
    annotated: bool = False  # read from a "<header> → <label>" annotation
    # The header says it in a Japanese word the rules' own header lists use (電話, 氏名):
    # no annotation needed. False for romaji/English headers and for kinds a modifier made
    # (氏名（カタカナ） is a reading column, not a name column).
    plain: bool = False


@dataclass(frozen=True)
class _Words:
    words: tuple[tuple[str, str], ...]  # (folded Japanese word, kind), longest first
    exact: dict[str, str]
    ascii: tuple[tuple[tuple[str, ...], str], ...]  # (tokens, kind)
    qualified: dict[str, str]  # token -> kind, only beside a modifier
    verify: frozenset[str]
    reading: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]  # words, ascii token seqs
    romaji: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]


class ColumnTable:
    """The column kinds and the words that name them (one instance: ``table()``)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.kinds: dict[str, Kind] = {}
        words: list[tuple[str, str]] = []
        exact: dict[str, str] = {}
        ascii_words: list[tuple[tuple[str, ...], str]] = []
        qualified: dict[str, str] = {}
        verify: set[str] = set()
        for item in data.get("columns", ()):
            kind = Kind(item["kind"], item["label"], bool(item.get("person")),
                        bool(item.get("contact")), bool(item.get("place")))
            self.kinds[kind.kind] = kind
            words += [(fold(w), kind.kind) for w in item.get("words", ())]
            exact.update((_bare(fold(w)), kind.kind) for w in item.get("exact", ()))
            ascii_words += [(tokens(w), kind.kind) for w in item.get("ascii", ())]
            qualified.update((w, kind.kind) for w in item.get("qualified", ()))
            verify.update(fold(w) for w in item.get("verify", ()))
        self.by_label = {k.label: k for k in self.kinds.values()}
        orgs = data.get("organisations", {})
        self.org_contains = tuple(fold(w) for w in orgs.get("contains", ()))
        self.org_word = re.compile("|".join(
            re.escape(w) for w in sorted(self.org_contains, key=len, reverse=True)) or "(?!)")
        self.org_ascii = frozenset(fold(w) for w in orgs.get("ascii", ()))
        self.org_endings = tuple(fold(w) for w in orgs.get("endings", ()))
        self._people = frozenset(fold(w) for w in data.get("people", ()))
        self._people_words = tuple(w for w in self._people if not w.isascii())
        modifiers = data.get("modifiers", {})
        self._words = _Words(
            tuple(sorted(words, key=lambda w: -len(w[0]))), exact,
            tuple(sorted(ascii_words, key=lambda w: -len("".join(w[0])))), qualified,
            frozenset(verify), _modifier(modifiers.get("reading", {})),
            _modifier(modifiers.get("romaji", {})))

    def names_people(self, name: str | None) -> bool:
        """Whether a table's, model's or list's own name says its rows are people
        (``users``, ``m_customer``, ``Employee``, ``会員名簿``)."""
        if not name:
            return False
        text = fold(name)
        return bool(self._people.intersection(tokens(name))) or any(
            w in text for w in self._people_words)

    def column(self, kind: str, verify: bool = False, annotated: bool = False,
               plain: bool = False) -> Column:
        k = self.kinds[kind]
        return Column(k.kind, k.label, k.person, k.contact, k.place, verify, annotated, plain)

    def read(self, header: str) -> Column | None:
        """The kind of column a header names, or None when the table does not know it."""
        if ARROW in header:
            named = self.by_label.get(header.rsplit(ARROW, 1)[1].strip())
            return self.column(named.kind, annotated=True) if named is not None else None
        text = fold(header)
        if not text:
            return None
        w = self._words
        toks = tokens(unicodedata.normalize("NFKC", header))
        reading, romaji = _has(text, toks, w.reading), _has(text, toks, w.romaji)
        rest = _without(text, (*w.reading[0], *w.romaji[0]))
        rest_toks = tuple(t for t in toks if not any((t,) == seq for seq in
                                                     (*w.reading[1], *w.romaji[1])))
        best: tuple[int, str, str] | None = None  # (length, kind, word)
        japanese = False
        bare = _bare(rest)
        if bare in w.exact:
            best, japanese = (100 + len(bare), w.exact[bare], bare), not bare.isascii()
        for word, word_kind in w.words:
            if (best is None or len(word) > best[0]) and word in text:
                best, japanese = (len(word), word_kind, word), True
                break  # longest first
        for seq, seq_kind in w.ascii:
            size = len("".join(seq))
            if (best is None or size > best[0]) and _contains(toks, seq):
                best, japanese = (size, seq_kind, " ".join(seq)), False
        if best is None and (reading or romaji):
            qual = next((w.qualified[t] for t in rest_toks if t in w.qualified), None)
            if qual is not None:
                best = (1, qual, qual)
            elif _modifier_names_a_person(header, bare, rest_toks):
                best = (0, "PERSON_NAME", "")
        if best is None:
            return None
        kind = best[1]
        if kind in _CODED_KINDS and _CODE.search(_bare(text)):
            kind = "THING"
        if romaji:
            kind = _ROMAJI.get(kind, kind)
        elif reading:
            kind = _READING.get(kind, kind)
        # A sensitive column is always annotated: its rules key on the kind's label.
        return self.column(kind, verify=best[2] in w.verify and not reading,
                           plain=japanese and kind == best[1] and kind not in SENSITIVE_KINDS)


# A header that only names a language is a translation's column, not a romaji name's.
_LANGUAGES = frozenset({"en", "eng", "english", "英語", "英文", "latin"})


def _modifier_names_a_person(header: str, bare: str, rest: tuple[str, ...]) -> bool:
    """A reading or romaji modifier with nothing else (カナ, ローマ字, kana) or with words
    of a person (user_kana): a name's reading or romaji form. Not a language alone (EN,
    English: a translation table's column), nor a modifier inside another word (読み始める)."""
    rest = tuple(t for t in rest if len(t) > 1)  # s.student_furigana: s is a variable
    alone = not bare or (bare.isascii() and not rest)
    if alone:
        return fold(header).rsplit(".", 1)[-1].strip() not in _LANGUAGES
    return bare in _PERSONISH or (bare.isascii() and set(rest) <= _PERSONISH)


def _modifier(spec: dict[str, Any]) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    words = tuple(sorted((fold(w) for w in spec.get("words", ())), key=len, reverse=True))
    return words, tuple(tokens(w) for w in spec.get("ascii", ()))


def _has(text: str, toks: tuple[str, ...],
         modifier: tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]) -> bool:
    return any(w in text for w in modifier[0]) or any(_contains(toks, seq)
                                                      for seq in modifier[1])


def _without(text: str, words: Iterable[str]) -> str:
    for w in sorted(words, key=len, reverse=True):
        text = text.replace(w, "")
    return text


def _contains(toks: tuple[str, ...], seq: tuple[str, ...]) -> bool:
    n = len(seq)
    return any(toks[i:i + n] == seq for i in range(len(toks) - n + 1))


def fold(text: str) -> str:
    """NFKC, lower case, no surrounding space: how headers and words are compared."""
    return unicodedata.normalize("NFKC", text).strip().lower()


def _bare(text: str) -> str:
    return _PUNCT.sub("", text)


def tokens(text: str) -> tuple[str, ...]:
    """English/romaji tokens of a header: ``firstName``, ``first_name`` and ``First Name``
    all give ('first', 'name'); ``jusho1`` gives ('jusho', '1')."""
    text = _CAMEL.sub(r"\1 \2", unicodedata.normalize("NFKC", text))
    return tuple(_TOKEN.findall(text.lower()))


@cache
def table() -> ColumnTable:
    path = builtin_rules_dir() / "jp" / "columns.yaml"
    return ColumnTable(compiled.yaml_data(path.read_bytes()))


@lru_cache(maxsize=1 << 16)  # asked per cell by several stages; a file may have 25k keys
def read_header(header: str | None) -> Column | None:
    """How the built-in table reads a header (None: not a column it knows)."""
    if not header:
        return None
    return table().read(header)


def annotate(header: str | None, column: Column, position: int | None = None) -> str:
    """The header as the rules should read it: unchanged when it already holds the kind's
    label, else ``"<header> → <label>"``; a column without a header is named by its
    position (``"#3 → 生年月日"``)."""
    raw = (header or "").strip()
    if raw and (column.label in raw or column.plain):
        return raw
    if not raw:
        raw = f"#{position}" if position is not None else "#"
    return f"{raw}{ARROW}{column.label}"


def kind_of(header: str | None) -> str | None:
    column = read_header(header)
    return column.kind if column is not None else None


def resolve(header: str | None) -> str | None:
    """A key or label as the rules should read it (``annotate`` when the column table knows
    it and the rules might not); an ambiguous word (``name``) is left as it is."""
    column = read_header(header)
    if column is None or column.verify or column.annotated:
        return header
    return annotate(header, column)
