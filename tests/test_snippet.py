"""Masked snippets show known words, punctuation and the masked value: nothing the rules
could not classify (issue 13: a rare surname beside a phone number passed whole)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from piiscan.config import Settings
from piiscan.models import Level
from piiscan.rules.loader import load_ruleset
from piiscan.snippet import LABELS, SnippetWords

from scankit import FileScanner

RULES = load_ruleset()
WORDS = SnippetWords.for_rules(RULES.rules)
RARE_NAME = "九頭竜 紗和子"  # a surname no dictionary piiscan ships holds
PHONE = "080-7319-4462"


def snippets(folder: Path) -> list[str]:
    settings = Settings(jobs=1, min_confidence=Level.LOW)
    result = FileScanner(RULES, settings).scan_paths([str(folder)])
    return [f.masked_snippet for fr in result.files for f in fr.findings]


def test_unrecognised_name_beside_a_value_is_masked(tmp_path: Path) -> None:
    (tmp_path / "memo.txt").write_text(f"{RARE_NAME} {PHONE}\n氏名：{RARE_NAME}　電話 {PHONE}\n",
                                       encoding="utf-8")
    shown = snippets(tmp_path)
    assert any(s.startswith("*** *** ***-****-4462 ") for s in shown), shown
    assert any(s.endswith("氏名：*** ***　電話 ***-****-4462 ") for s in shown), shown
    # the name is found too (a label precedes it): its masked form keeps one character
    assert any(s.startswith("…") and "氏名：九** ***" in s for s in shown), shown
    assert not any(ch in "".join(shown) for ch in RARE_NAME.replace(" ", "")[1:])


def test_mail_display_name_is_masked(tmp_path: Path) -> None:
    (tmp_path / "mail.eml").write_bytes(
        ("From: =?UTF-8?B?5Lmd6aCt56ucIOe0l+WSjOWtkA==?= <kuzuryu.sawako@example.jp>\n"
         "To: someone@example.jp\nSubject: hello\n\n本文\n").encode())
    shown = snippets(tmp_path)
    assert shown and not any(ch in "".join(shown) for ch in RARE_NAME.replace(" ", ""))
    assert not any("kuzuryu" in s for s in shown), shown


def test_labels_and_punctuation_are_kept() -> None:
    assert WORDS.mask("マイナンバー：") == "マイナンバー："
    assert WORDS.mask("注文番号 A-123 ") == "注文番号 *-*** "
    assert WORDS.mask("Dear Tomoko, tel ") == "Dear ******, tel "
    assert WORDS.mask("さとみ様の連絡先は") == "***様の連絡先は"  # 'と' inside a name stays starred
    assert WORDS.mask("カナコ") == "***"  # 'カナ' is a label, not inside a katakana name
    assert WORDS.mask("1980年4月1日") == "*********"


# Characters that are in no word a snippet may show: names made of them must vanish.
_VOCABULARY = set("".join(LABELS))
for _rule in RULES.rules:
    for _list in (_rule.context_keywords, _rule.exclude_keywords):
        if _list is not None:
            _VOCABULARY |= set("".join(_list.words).lower())
_NAME_CHARS = [ch for ch in "九頭竜紗和子鬼怒川雫綺羅星瑠璃葵颯汐凛ゑゐヰヱヴぢづ"
               "ABCDEFGHIJKLMNOPQRSTUVWXYZxyzqjkvw0123456789"
               if ch.lower() not in _VOCABULARY]


@given(before=st.text(alphabet=_NAME_CHARS, min_size=1, max_size=12),
       after=st.text(alphabet=_NAME_CHARS, min_size=0, max_size=12),
       separator=st.sampled_from([" ", "　", "：", "、", "様 ", " 電話 ", " TEL: "]))
def test_nothing_unclassified_survives(before: str, after: str, separator: str) -> None:
    from piiscan.mask import mask_snippet

    text = f"{before}{separator}{PHONE} {after}"
    start = text.index(PHONE)
    shown = mask_snippet(text, start, start + len(PHONE), "***-****-4462", [], 40, WORDS)
    context = shown.replace("***-****-4462", "", 1)
    assert not any(ch in context for ch in before + after)


@given(head=st.text(alphabet="電話番号 TEL山田太郎0123456789\n", max_size=40),
       tail=st.text(alphabet="電話番号 TEL山田太郎0123456789\n", max_size=40),
       cut=st.tuples(st.integers(0, 40), st.integers(0, 40)))
def test_a_snippet_inside_what_its_segment_owns(head: str, tail: str,
                                                cut: tuple[int, int]) -> None:
    """A chunk's snippet is cut at the part the chunk owns, as if that part were the whole
    text: borrowed context is never shown, and the chunk is not copied for it."""
    from piiscan.mask import mask_snippet

    text = f"{head}TEL {PHONE} 山田{tail}"
    start = text.index(PHONE)
    first, last = min(cut[0], start), max(len(text) - cut[1], start + len(PHONE))
    others = [(0, 2), (start + len(PHONE) + 1, start + len(PHONE) + 3)]
    owned = mask_snippet(text, start, start + len(PHONE), "***-****-4462", others, 20, WORDS,
                         (first, last))
    sliced = mask_snippet(text[first:last], start - first, start + len(PHONE) - first,
                          "***-****-4462", [(s - first, e - first) for s, e in others], 20,
                          WORDS)
    assert owned == sliced


def test_a_long_neighbouring_value_is_masked_in_a_snippet(tmp_path: Path) -> None:
    """A match longer than 256 characters that reaches into another value's snippet is
    masked there too (a neighbour was looked for only 256 characters back)."""
    path = tmp_path / "a.txt"
    path.write_text("x" * 300 + "@example.com 090-1234-5678\n", encoding="utf-8")
    phone = next(f for f in FileScanner().scan_path(path).findings if f.type == "PHONE")
    assert phone.masked_snippet == "…******************* ***-****-5678 "
