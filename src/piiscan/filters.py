"""Named filters: small functions that say whether a matched value sits in a place where it is
not a person's data. Rules reference them by name, as they do validators::

    unless: [sample_value, company_contact]      # drop the match when a filter says so
    only_if: [company_contact]                   # keep the match only when it does
    unless: [sample_value, {other_label: [基礎年金番号, 年金番号]}]   # a filter with its own words

A filter looks at the normalised text around the whole match (``start``/``end`` are the
match's offsets), never at other rules' results, so each is tested once, on its own
(tests/test_filters.py), and explains itself by its name. Each checks the text *before* the
end of the match, the way a look-behind would: what precedes a value says what it is.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator
from functools import cache

import regex

Filter = Callable[[str, int, int], bool]

# 記入例, 記載例, 見本, (例), 例: earlier on the value's line (up to 70 characters), or a line
# that starts with such a heading up to 15 lines above: the value is a filled-in example.
_SAMPLE_WORDS = r"記入例|記載例|見本|\(例\)|例:"  # each check needs one of them
# The value's own line: the word, then up to 70 characters to the end of the value.
_SAMPLE_ON_LINE = r"(?:記入例|記載例|見本|\(例\)|例:)[^\n]{0,70}\Z"
_SAMPLE_ON_LINE_REACH = 80  # the longest word and 70 characters
# A heading line (the word within its first 20 characters, not a sentence's 見本を...) and the
# 1 to 15 lines under it, down to the end of the value.
_SAMPLE_HEADING = (r"[^\n]{0,20}(?:記入例|記載例|見本)(?![をにはのでが])[^\n]{0,20}"
                   r"(?:\n[^\n]{0,100}){1,15}")
_SAMPLE_LINES = 15

# A company's own contact block: a line that starts (within 25 characters) with a company,
# branch, clinic or copyright line, and the four lines under it (a signature, a letterhead,
# a footer). A line that names people (名簿, 顧客, 勤務先 ...) or a bank (銀行, 口座: 仙台支店 is
# a bank branch) does not start one.
_PEOPLE_OR_BANK = ("名簿|一覧|リスト|台帳|顧客|会員|社員|従業員|職員|患者|受講|申込|応募|勤務先|勤め先|会社名|"
                   "所属|銀行|信用金庫|信金|信用組合|金庫|口座|振込|引落")
# Every alternative starts with a literal character, so ``re`` skips in C every position no
# word can start at (a group in first place, (?:一般|公益), made each search 9x slower).
_ORGANISATION = (r"株式会社|有限会社|合同会社|合資会社|合名会社|一般(?:社団|財団)法人|公益(?:社団|財団)法人|"
                 r"医療法人|学校法人|"
                 r"社会福祉法人|\(株\)|\(有\)|㈱|㈲|本社|本店|支社|支店|営業所|病院|クリニック|医院|診療所|薬局|窓口|"
                 r"お問い合わせ先|問い合わせ先|お問合せ先|会社概要|所在地|Co\.,? ?Ltd|Inc\.|Corporation|Corp\.|"
                 r"Copyright|©|\([Cc]\) ?[0-9]{4}")
# A line that starts such a block, and the lines under it down to the end of the value.
_COMPANY_LINES = (rf"[^\n:]{{0,25}}(?:{_ORGANISATION})[^\n]{{0,100}}(?:\n[^\n]{{0,100}}){{0,4}}")
_PEOPLE_OR_BANK_LINE = rf"[^\n]{{0,60}}(?:{_PEOPLE_OR_BANK})"
_COMPANY_BLOCK_LINES = 4

# Labels of identifiers and of business numbers: a number right after one of them (up to six
# separator characters, and the rest of that number) is that label's number. Longest first.
IDENTIFIER_LABELS: tuple[str, ...] = (
    "雇用保険被保険者番号", "お問い合わせ番号", "パスポート番号", "在留カード番号", "雇用保険番号",
    "基礎年金番号", "シリアル番号", "住民票コード", "マイナンバー", "事業所番号", "在留カード", "記号・番号",
    "免許証番号", "保険者番号", "パスポート", "商品コード", "運転免許証", "問合せ番号", "請求書番号",
    "お客様番号", "会員番号", "顧客番号", "会員ID", "発注番号", "郵便番号", "製造番号", "年金番号",
    "記号番号", "学籍番号", "予約番号", "社員番号", "受付No", "患者番号", "商品番号", "伝票番号", "顧客ID",
    "受注番号", "個人番号", "法人番号", "整理番号", "電話番号", "請求番号", "受付番号", "注文番号",
    "取引番号", "注文ID", "証券番号", "管理番号", "免許番号", "旅券番号", "患者ID", "職員番号", "登録番号",
    "申込番号", "注文No", "管理No", "契約番号", "口座番号", "FAX", "TEL", "記号", "携帯", "電話", "型番",
    "品番", "〒",
)


# Mailboxes of a function, not a person (info@, support@, 問い合わせ窓口 in romaji ...).
ROLE_MAILBOXES = frozenset({
    "info", "support", "contact", "sales", "noreply", "no-reply", "donotreply", "admin",
    "webmaster", "postmaster", "hostmaster", "abuse", "help", "inquiry", "toiawase",
    "otoiawase", "office", "press", "pr", "recruit", "saiyo", "jinji", "soumu", "service",
    "mailer-daemon", "root", "git", "security", "privacy", "billing", "newsletter", "news",
    "marketing", "hr",
})
# Names reserved for documentation and testing (RFC 2606, RFC 6761): never anyone's address.
_DOCUMENTATION_DOMAIN = (
    r"@(?:[A-Za-z0-9-]+\.)*(?:example\.(?:com|net|org|jp|co\.jp)|localhost|invalid|test)"
    r"(?![A-Za-z0-9.-])")


@cache
def _compiled(source: str, full: bool = True) -> re.Pattern[str] | regex.Pattern[str]:
    """Patterns compile when a filter is first asked, not when piiscan starts (a hook run
    that needs none pays for none): ``regex`` for look-behinds, ``re`` for word searches."""
    return regex.compile(source) if full else re.compile(source)


# Characters that stand for hidden digits in documentation and masked exports.
_MASK = "XxＸｘ*＊×○〇●#＃"
_NOT_DIGIT = r"[^0-9]"
_MASK_AFTER = rf"-?[{_MASK}]"
_MASK_BEFORE = rf"[{_MASK}]-?\Z"


def placeholder(text: str, start: int, end: int) -> bool:
    """A placeholder, not a value: digits next to masked ones (090-1234-XXXX, XXX-1234),
    one digit repeated (111-1111, 090-0000-0000), counting (1234567, 234-5678, +81123456789),
    or one character throughout (xxxxxx@xxxx.xxx)."""
    if len({c.lower() for c in text[start:end] if c.isalnum()}) == 1:
        return True  # xxxxxx@xxxx.xxx, 0000-0000: one character over and over
    if _compiled(_MASK_AFTER, False).match(text, end) or \
            _compiled(_MASK_BEFORE, False).search(text[max(0, start - 2):start]):
        return True
    digits = _compiled(_NOT_DIGIT, False).sub("", text[start:end])
    if text.startswith("+81", start):
        digits = "0" + digits[2:]  # +81123456789 is 0123456789
    if len(digits) < 7:
        return False
    if len(set(digits)) == 1 or len(set(digits[-8:])) == 1:
        return True
    return _counting(digits)


_UP = "0123456789" * 3
_DOWN = _UP[::-1]


def _counting(digits: str) -> bool:
    """Every digit one more (or one less) than the one before: 1234567, 234-5678, 9876543."""
    return len(digits) <= 20 and (digits in _UP or digits in _DOWN)


# Where a text speaks about personal data rather than about a person: a privacy policy or
# a rule book listing the 要配慮 categories, earlier in the same paragraph.
_PRIVACY_POLICY = (
    r"(?<=(?:要配慮個人情報|個人情報保護方針|個人情報保護法|プライバシーポリシー|個人情報の取り?扱い?|"
    r"不当な差別|センシティブ情報|機微情報)[^\n]{0,200})")


def privacy_policy(text: str, start: int, end: int) -> bool:
    """A 要配慮 word in a privacy policy's list of categories (要配慮個人情報（人種、信条、
    病歴…）を取得しません): the text is about data, not about anyone."""
    return _compiled(_PRIVACY_POLICY).match(text, end) is not None


# How far before a value each look-behind can reach: the prechecks search no further, so a
# long text costs the same per value wherever the value is (15 lines of 100 characters and
# a heading; a company line and four lines of 100 characters).
_SAMPLE_REACH = 1_700
_COMPANY_REACH = 640


class _WordStarts:
    """Where a word list's words start in the text last asked about, found a block of the
    text at a time and kept, so the values of one text (a batch: every rule, every match)
    share one pass instead of searching the same stretch again for each value.

    ``any_between(text, lo, hi)`` may say yes where a search of ``text[lo:hi]`` would not
    (a word starting up to ``overlap`` characters before ``lo``, one that runs past ``hi``,
    or one a longer word hid from the block's pass): it stands before a check that is exact
    on its own, never instead of one.
    """

    BLOCK = 4_096

    def __init__(self, source: str, longest: int) -> None:
        self.source = source
        self.overlap = longest  # the longest word: how far back a hidden word can start
        # The text and its blocks' word starts, replaced together: threads of one worker
        # scanning different files each keep the pair they read.
        self.last: tuple[str | None, dict[int, list[int]]] = (None, {})

    def any_between(self, text: str, lo: int, hi: int) -> bool:
        if len(text) <= self.BLOCK:  # a cell, a short paragraph: nothing to share
            return _compiled(self.source, False).search(text, max(0, lo), hi) is not None
        seen, blocks = self.last
        if seen is not text:
            blocks = {}
            self.last = (text, blocks)
        lo = max(0, lo - self.overlap)
        for block in range(lo // self.BLOCK, (hi - 1) // self.BLOCK + 1):
            starts = blocks.get(block)
            if starts is None:
                starts = blocks[block] = self._scan(text, block)
            i = bisect.bisect_left(starts, lo)
            if i < len(starts) and starts[i] < hi:
                return True
        return False

    def _scan(self, text: str, block: int) -> list[int]:
        first = block * self.BLOCK
        words = _compiled(self.source, False)
        # A word that starts in this block is found whole: the pass runs on past its end.
        return [m.start() for m in words.finditer(text, first, first + self.BLOCK + self.overlap)
                if m.start() < first + self.BLOCK]


_SAMPLE_WORD_STARTS = _WordStarts(_SAMPLE_WORDS, longest=3)
_ORGANISATION_STARTS = _WordStarts(_ORGANISATION, longest=16)  # Corporation: 11


def _line_starts_before(text: str, end: int, count: int) -> Iterator[int]:
    """Where the line holding ``end`` starts, then the ``count`` lines before it, nearest
    first."""
    start = text.rfind("\n", 0, end) + 1
    yield start
    for _ in range(count):
        if start == 0:
            return
        start = text.rfind("\n", 0, start - 1) + 1
        yield start


def sample_value(text: str, start: int, end: int) -> bool:
    """A filled-in example (記入例, 見本) on a form or in a manual, not anyone's data: the word
    earlier on the value's line (up to 70 characters before its end), or a line that starts
    with it up to 15 lines above.

    Checked line by line from the value up, the way a look-behind would read it, without
    one: ``regex`` runs a look-behind this long at several times the cost."""
    if not _SAMPLE_WORD_STARTS.any_between(text, end - _SAMPLE_REACH, end):
        return False
    if _compiled(_SAMPLE_ON_LINE, False).search(text, max(0, end - _SAMPLE_ON_LINE_REACH),
                                                end) is not None:
        return True
    heading = _compiled(_SAMPLE_HEADING, False)
    starts = _line_starts_before(text, end, _SAMPLE_LINES)
    next(starts)  # the value's own line is not a heading over it
    return any(heading.fullmatch(text, line, end) is not None for line in starts)


def company_contact(text: str, start: int, end: int) -> bool:
    """In a company's own contact block (letterhead, signature, footer): business contact
    data of an organisation, not about a person (LESSONS.md, lesson 4). The block starts at
    a line whose first 25 characters (no colon among them) lead to a company, branch, clinic
    or copyright word, and holds the four lines under it; a line that names people or a bank
    in its first 60 characters starts none. Checked line by line from the value up."""
    if not _ORGANISATION_STARTS.any_between(text, end - _COMPANY_REACH, end):
        return False
    block = _compiled(_COMPANY_LINES, False)
    people = _compiled(_PEOPLE_OR_BANK_LINE, False)
    return any(block.fullmatch(text, line, end) is not None and people.match(text, line) is None
               for line in _line_starts_before(text, end, _COMPANY_BLOCK_LINES))


_LOCAL_WORDS = regex.compile(r"[-._+]")


def role_mailbox(text: str, start: int, end: int) -> bool:
    """An e-mail address of a function (info@, support@, saiyo@, smartcity-support@), not of
    a person: its local part, or one of its hyphen-, dot- or underscore-separated words, is a
    role."""
    local, at, _ = text[start:end].partition("@")
    if not at:
        return False
    local = local.rsplit("=", 1)[-1].lower().split("+", 1)[0]  # name+tag@: the name
    if local in ROLE_MAILBOXES:
        return True
    return ("-" in local or "." in local or "_" in local) and any(
        word in ROLE_MAILBOXES for word in _LOCAL_WORDS.split(local))


def documentation_domain(text: str, start: int, end: int) -> bool:
    """An e-mail address at a domain reserved for examples (example.com, *.test)."""
    return _compiled(_DOCUMENTATION_DOMAIN).search(text, start, end) is not None


# The words that make a 要配慮 term part of the name of a service, a facility or a programme.
_SERVICE_AFTER = (r"[ ]?(?:対応型|専門|外来|病棟|病院|センター|カフェ|サポーター|予防|対策|施策|教室|講座|"
                  r"研修|施設|グループホーム|デイサービス|ショートステイ)")
_SERVICE_BEFORE = r"(?:対応型|専門|認知症|障がい者|障害者)[ ]?\Z"
_SENTENCE = re.compile("[はがをにでへ。、]")
_ITEM_CHARS = 30


def service_name(text: str, start: int, end: int) -> bool:
    """A 要配慮 word inside the name of a service or a facility type, on a line of its own
    (a list of facilities: 認知症対応型グループホーム, 障がい者グループホーム, 精神科病棟):
    it names no one's condition. In a sentence (山田様は認知症対応型グループホームに入居)
    the word stays, for the linking stage to judge."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    if len(line) > _ITEM_CHARS or _SENTENCE.search(line):
        return False
    return (_compiled(_SERVICE_AFTER, False).match(text, end) is not None
            or _compiled(_SERVICE_BEFORE, False).search(text[max(0, start - 12):start])
            is not None)


_ONLY_A_DATE = (r"[ \t]*(?:(?:明治|大正|昭和|平成|令和)[ ]?(?:元|[0-9]{1,2})|(?:18|19|20)[0-9]{2})"
                r"[ ]?(?:年|[./-])[ ]?[0-9]{1,2}[ ]?(?:月|[./-])[ ]?[0-9]{1,2}[ ]?日?"
                r"(?:[ ]?(?:まで|迄|~|〜))?[ \t]*")


def only_a_date(text: str, start: int, end: int) -> bool:
    """A value that is nothing but a date (2025年6月30日): under a header such as
    ``specificDiseaseExpiration`` it says when a certificate ends, not what anyone has."""
    return _compiled(_ONLY_A_DATE).fullmatch(text, start, end) is not None


def _after_label(words: tuple[str, ...]) -> str:
    alternatives = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    return rf"(?<=(?:{alternatives})[^0-9A-Za-z\n]{{0,6}}[0-9A-Z][0-9A-Z .・･-]{{0,30}})"


def other_label(own_labels: Iterable[str]) -> Filter:
    """A number that directly follows the label of another identifier or business number
    (免許証番号, 電話, 〒, 法人番号, 注文番号 ...) is that one; ``own_labels`` are the rule's
    own (a pension number after 基礎年金番号 is one)."""
    own = frozenset(own_labels)
    source = _after_label(tuple(w for w in IDENTIFIER_LABELS if w not in own))

    def after_other_label(text: str, start: int, end: int) -> bool:
        return _compiled(source).match(text, end) is not None

    return after_other_label


# name -> the filter, or (for filters with words) a factory taking the rule's words.
REGISTRY: dict[str, Filter] = {
    "sample_value": sample_value,
    "company_contact": company_contact,
    "role_mailbox": role_mailbox,
    "documentation_domain": documentation_domain,
    "placeholder": placeholder,
    "privacy_policy": privacy_policy,
    "only_a_date": only_a_date,
    "service_name": service_name,
}
FACTORIES: dict[str, Callable[[Iterable[str]], Filter]] = {
    "other_label": other_label,
}


def get(spec: str | dict[str, list[str]]) -> tuple[str, Filter]:
    """A filter from its YAML spelling: a name, or ``{name: [words]}``. Raises KeyError."""
    if isinstance(spec, str):
        return spec, REGISTRY[spec]
    ((name, words),) = spec.items()
    return name, FACTORIES[name](words)


def known() -> list[str]:
    return sorted([*REGISTRY, *FACTORIES])
