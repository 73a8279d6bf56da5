"""What a masked snippet may show: known words, punctuation and the masked value, nothing else.

A snippet is there to say *why* something was found (``マイナンバー：**** **** ****``,
``注文番号 ***``), not to show the data around it. The rules know only the values they find:
a surname the dictionaries lack, a given name written in kana, a customer's company, an
order number, all pass unrecognised. So the context of a snippet is masked by a whitelist,
not a blacklist:

- kept: words piiscan knows as labels — every rule's context, exclusion and column keywords,
  the type labels, and the ``LABELS`` below (particles, honorifics, field names in Japanese
  and English); punctuation, symbols and spaces;
- starred: every other letter, kana, kanji and digit, one ``*`` per character.

``九頭竜 紗和子 080-7319-4462`` becomes ``*** *** ***-****-4462``; ``氏名：九頭竜 紗和子 電話
090-…`` keeps ``氏名`` and ``電話``. Single kanji are never kept on their own (they are parts
of names: 森, 東), except the honorifics and counters listed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from piiscan.pii_types import PiiType
from piiscan.rules.keywords import fold
from piiscan.rules.trie import trie_pattern

# Words that carry no identity and explain a value: particles and copulas, honorifics,
# field labels of forms and lists, in Japanese and English (matched case-insensitively).
LABELS: tuple[str, ...] = (
    # particles, copulas and endings
    "の", "は", "が", "を", "に", "へ", "と", "で", "も", "や", "か", "な", "ね", "よ",
    "から", "まで", "より", "です", "ます", "でした", "ました", "ください", "下さい",
    "について", "として", "による", "および", "または", "及び", "又は", "など", "等",
    "こちら", "この", "その", "あの", "ある", "いる", "する", "した", "して", "される",
    # honorifics and forms of address
    "様", "さま", "さん", "殿", "くん", "ちゃん", "御中", "先生", "各位",
    # labels of forms, lists and letters
    "氏名", "名前", "お名前", "フリガナ", "ふりがな", "カナ", "住所", "ご住所",
    "所在地", "郵便番号", "〒", "電話", "電話番号", "携帯", "携帯電話", "連絡先", "自宅",
    "勤務先", "会社", "会社名", "部署", "役職", "担当", "担当者", "顧客", "お客様", "会員",
    "会員番号", "社員", "社員番号", "職員", "番号", "記号", "生年月日", "年齢", "性別",
    "男性", "女性", "本人", "家族", "備考", "メモ", "件名", "宛先", "差出人",
    "送信者", "本文", "添付", "送付", "確認", "申込", "申込書", "申請", "登録", "変更",
    "記入例", "見本", "サンプル", "テスト", "ダミー", "名簿", "一覧", "リスト", "データ",
    "情報", "個人情報",
    "マイナンバー", "個人番号", "メール", "メールアドレス", "アドレス", "カード", "口座",
    "銀行", "支店", "普通", "当座", "株式会社", "有限会社", "合同会社", "代表", "本社",
    # English
    "name", "first", "last", "full", "tel", "phone", "mobile", "fax", "mail", "email",
    "e-mail", "address", "from", "to", "cc", "bcc", "subject", "date", "dear", "mr", "mrs",
    "ms", "dr", "no", "number", "id", "customer", "member", "account", "card", "birth",
    "birthday", "age", "sex", "gender", "note", "notes", "sample", "example", "test",
    "contact", "company", "dept", "department", "the", "of", "and", "or", "is", "for",
    # file name extensions (a value found in a file or member name)
    "txt", "csv", "tsv", "json", "jsonl", "xml", "html", "htm", "pdf", "doc", "docx", "xls",
    "xlsx", "xlsm", "ppt", "pptx", "eml", "msg", "mbox", "zip", "gz", "tar", "tgz", "jpg",
    "jpeg", "png", "log", "bak",
)

# Words piiscan itself writes into locations and record ids (``metadata:custom:…``,
# ``header:From``, ``message 2``): kept when a name of something is masked (piiscan.redact).
STRUCTURE: tuple[str, ...] = (
    "metadata", "custom", "header", "footer", "comment", "author", "body", "html",
    "filename", "form", "field", "annotation", "notes", "smartart", "sheet", "text", "box",
    "deleted", "formula", "hyperlink", "script", "creator", "title", "subject", "keywords",
    "description", "category", "manager", "lastmodifiedby", "sender", "reply", "message",
    "attached", "attachment", "part", "line", "row", "page", "slide", "list",
)

# Shown as they are: punctuation, spaces and symbols. Letters and digits are starred.


class SnippetWords:
    """The words a snippet may show, as one case-insensitive pattern (longest word first)."""

    def __init__(self, words: Iterable[str]) -> None:
        self._kept = {fold(w.strip()) for w in words if _worth_keeping(w.strip())}

    @functools.cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        # A trie: twice as fast to search as a plain alternation of the same words (it is
        # searched twice per finding), for 8-30 ms to compile once per process: on the first
        # snippet, so a run that finds nothing (most pre-commit runs) does not pay for it.
        return re.compile(trie_pattern(self._kept)) if self._kept else None

    @classmethod
    def for_rules(cls, rules: Iterable[object], types: Iterable[PiiType] = ()) -> SnippetWords:
        """``LABELS``, ``STRUCTURE``, the type labels and every keyword the rules know."""
        words: list[str] = [*LABELS, *STRUCTURE]
        for info in types:
            words += [info.ja, info.en, *info.en.split()]
        for rule in rules:
            for attribute in ("context_keywords", "exclude_keywords"):
                keywords = getattr(rule, attribute, None)
                if keywords is not None:
                    words += keywords.words
            words += getattr(rule, "context_headers", ())
        return cls(words)

    def mask(self, text: str) -> str:
        """``text`` with every letter and digit outside a known word starred."""
        if self._pattern is None:
            return _starred(text)
        folded = fold(text)
        out: list[str] = []
        done = 0
        for found in self._pattern.finditer(folded):
            start, end = found.span()
            if not _whole_word(folded, start, end):
                continue
            out += (_starred(text[done:start]), text[start:end])
            done = end
        out.append(_starred(text[done:]))
        return "".join(out)


def _starred(text: str) -> str:
    """Letters, kana, kanji and digits of any script starred; the rest shown."""
    return "".join("*" if ch.isalnum() else ch for ch in text)


def _worth_keeping(word: str) -> bool:
    """Single characters only as listed in LABELS (a lone kanji is usually part of a name)."""
    return len(word) >= 2 or word in LABELS


def _script(ch: str) -> str:
    if ch.isascii():
        return "latin" if ch.isalnum() else ""
    if "ぁ" <= ch <= "ゖ":
        return "hiragana"
    if "ァ" <= ch <= "ヺ" or ch == "ー" or "ｦ" <= ch <= "ﾟ":
        return "katakana"
    return ""


def _whole_word(text: str, start: int, end: int) -> bool:
    """A Latin or kana word counts only where the text around it is another script: 'to'
    is not kept inside 'tomoko', 'と' not inside 'さとみ', 'カナ' not inside 'カナコ'."""
    first, last = _script(text[start]), _script(text[end - 1])
    if first and start > 0 and _script(text[start - 1]) == first:
        return False
    return not (last and end < len(text) and _script(text[end]) == last)
