"""Fold full-width forms, hyphen look-alikes and 全角スペース before matching.

Every replacement maps one character to one character, so an offset in the normalised text
is the same offset in the original: line:column and snippets point at what is really in the
file (full-width digits, ー between digits) with no offset map to keep. Only the runs that
need folding are touched; text without them is returned as is (full NFKC over everything is
an order of magnitude slower and changes lengths).
"""

from __future__ import annotations

import re
import unicodedata

_HYPHENS = "‐‑‒–—―−－﹣﹘⁃"  # U+2010-2015, U+2212, U+FF0D, U+FE63, U+FE58, U+2043
_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}  # full-width ASCII
_FOLD.update({ord(h): ord("-") for h in _HYPHENS})
_FOLD[0x3000] = ord(" ")  # 全角スペース
_FOLD[0x00A0] = ord(" ")  # no-break space
_FOLD[0xFF5E] = ord("~")
_FOLD[0x301C] = ord("~")  # wave dash, used in ranges

_NEEDS_FOLD = re.compile("[\uff01-\uff5e\u3000\u00a0\u301c" + re.escape(_HYPHENS) + "]+")
# The prolonged sound mark (ー, ｰ) is a hyphen only between digits: ユーザー must stay a word.
# Written to start with the mark, not the look-behind, so ``re`` skips to each mark in C
# (lazyre.first_not_after's form): a tenth of the time over katakana-rich prose.
_LONG_VOWEL_BETWEEN_DIGITS = re.compile("[ーｰ](?<=[0-9０-９][ーｰ])(?=[0-9０-９])")


def _fold_run(match: re.Match[str]) -> str:
    return match.group(0).translate(_FOLD)


def normalize(text: str) -> str:
    """Normalised text of exactly the same length as ``text``."""
    if text.isascii():
        return text
    folded = _NEEDS_FOLD.sub(_fold_run, text)
    if "ー" in folded or "ｰ" in folded:
        folded = _LONG_VOWEL_BETWEEN_DIGITS.sub("-", folded)
    return folded


# --- identity folding: when two spellings are the same value --------------------------------
#
# Matching needs offsets, so ``normalize`` keeps lengths. Comparing values does not: the form
# in which two spellings of one name, address or customer id are equal may change lengths
# (half-width ｶﾞ is one character, ㈱ three). ``fold_identity`` is that form; mask.canonical
# builds each type's canonical value on it.

_HIRAGANA = "".join(chr(c) for c in range(0x3041, 0x3097))  # ぁ..ゖ
_KANA_FOLD = str.maketrans(_HIRAGANA, "".join(chr(ord(c) + 0x60) for c in _HIRAGANA))


def to_katakana(text: str) -> str:
    """Half-width katakana to full width (NFKC), hiragana to katakana: やまだ, ﾔﾏﾀﾞ and
    ヤマダ are one reading."""
    return unicodedata.normalize("NFKC", text).translate(_KANA_FOLD)


def fold_identity(text: str) -> str:
    """``normalize`` (full width, hyphen look-alikes, ー between digits), then NFKC, kana
    as katakana and ASCII in lower case. Lengths may change; offsets do not survive."""
    return to_katakana(normalize(text)).lower()
# OCR reads digits as look-alike letters and dashes. These folds run on OCR text only (a
# typed 'No1' or 'TOKYO' is what it says), and like normalize() each maps one character to
# one character.
_DIGITS = "0-9０-９"
_OCR_AS_DIGIT = {**dict.fromkeys("OoＯｏ〇○", "0"), **dict.fromkeys("lIｌＩ", "1")}
_LOOKALIKES = "".join(_OCR_AS_DIGIT)
# A run of digits and look-alikes holding at least one real digit and touching no Latin
# letter: 'O9O-l234' is a number, 'No1' and 'TOKYO' are words.
_OCR_DIGIT_RUN = re.compile(
    rf"(?<![A-Za-z])[{_DIGITS}{_LOOKALIKES}]*[{_DIGITS}][{_DIGITS}{_LOOKALIKES}]*(?![A-Za-z])"
)
# Only between two digits: S/B/Z are 5/8/2, a bar is 1, the kanji 一 (and ー) a hyphen.
_OCR_BETWEEN = {"S": "5", "B": "8", "Z": "2", "|": "1", "｜": "1", "一": "-", "ー": "-"}
_OCR_BETWEEN_DIGITS = re.compile(rf"(?<=[{_DIGITS}])[{''.join(_OCR_BETWEEN)}](?=[{_DIGITS}])")


def fold_ocr(text: str) -> str:
    """OCR text with digit look-alikes folded inside numbers: ``TEL O9O-l234一5678`` ->
    ``TEL 090-1234-5678``. Same length as ``text``; the number rules (and their check
    digits) then judge the result like any other text."""
    folded = _OCR_DIGIT_RUN.sub(
        lambda m: "".join(_OCR_AS_DIGIT.get(c, c) for c in m.group(0)), text)
    return _OCR_BETWEEN_DIGITS.sub(lambda m: _OCR_BETWEEN[m.group(0)], folded)


# Four-digit groups with a space OCR lost or added: '7904 11885675'.
_OCR_GROUPS = re.compile(r"(?<![0-9])[0-9]{4}(?: ?[0-9]{4}){2,3}(?![0-9])")


def even_digit_groups(text: str) -> str:
    """OCR text with unevenly spaced runs of four-digit groups spaced evenly:
    ``7904 11885675`` -> ``7904 1188 5675`` (card and My Number rules want one separator
    throughout). Unlike the folds above this can change the length: use it on OCR text only,
    which has no original offsets to keep."""
    def even(match: re.Match[str]) -> str:
        run = match.group(0)
        if " " not in run or run.count(" ") == len(run) // 5:
            return run
        digits = run.replace(" ", "")
        return " ".join(digits[i:i + 4] for i in range(0, len(digits), 4))

    return _OCR_GROUPS.sub(even, text)
