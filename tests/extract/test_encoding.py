from __future__ import annotations

import codecs
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from piiscan.extract.encoding import _japanese_score, decode_bytes, iter_chunks, sniff_encoding
from piiscan.models import Location

SAMPLES = [
    "お客様各位\n山田太郎様の電話番号は090-1234-5678です。",
    "カ",  # one character
    "ｶﾀｶﾅと全角スペース　と①②③",  # half-width katakana, NEC special characters
    "東京都千代田区千代田1-1 〒100-0001\n" * 200,
    "abc",
]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16-le", "utf-16-be", "utf-16", "cp932", "euc_jp",
             "iso2022_jp"]


def encode(text: str, encoding: str) -> bytes:
    if encoding == "iso2022_jp":
        return text.encode("iso2022_jp_ext", errors="strict") if "ｶ" in text else \
            text.encode("iso2022_jp", errors="replace")
    return text.encode(encoding)


def representable(text: str, encoding: str) -> bool:
    # EUC-JP and ISO-2022-JP have no NEC special characters (①); 3 ASCII characters in
    # BOM-less UTF-16 are ambiguous by nature. Neither is a detector limit.
    if "①" in text and encoding in {"euc_jp", "iso2022_jp"}:
        return False
    return not (text == "abc" and encoding in {"utf-16-le", "utf-16-be"})


CASES = [(t, e) for t in SAMPLES for e in ENCODINGS if representable(t, e)]


@pytest.mark.parametrize(("text", "encoding"), CASES)
def test_round_trip(text: str, encoding: str) -> None:
    data = encode(text, encoding)
    result = decode_bytes(data)
    assert result is not None
    decoded, detected = result
    assert decoded.lstrip("\ufeff") == text, detected


def test_short_euc_jp_is_not_korean() -> None:
    # charset-normalizer calls this Korean; we must call it EUC-JP.
    assert sniff_encoding("山田様".encode("euc_jp")) == "euc_jp"
    assert sniff_encoding("電話番号".encode("euc_jp")) == "euc_jp"


@pytest.mark.parametrize("encoding", ["utf-8", "cp932", "euc_jp", "utf-16-le"])
def test_sample_cut_mid_character(encoding: str) -> None:
    data = ("個人番号と電話番号" * 50).encode(encoding)
    cut = data[: len(data) // 2 + 1]
    assert sniff_encoding(cut) == encoding


def test_binary_is_detected() -> None:
    assert sniff_encoding(bytes(range(256)) * 10) is None
    assert sniff_encoding(b"\x00\x01\x02\x03" * 100) is None


def test_empty_is_text() -> None:
    assert sniff_encoding(b"") == "utf-8"


def test_iter_chunks_lines_and_ownership() -> None:
    text = "".join(f"line {i}\n" for i in range(1, 1001))
    segments = list(iter_chunks(io.BytesIO(text.encode("cp932")), "cp932", Location("f"),
                                chunk_chars=500, overlap=50, read_bytes=128))
    owned = "".join(s.text[s.scan_start:s.scan_end] for s in segments)
    assert owned == text
    for seg in segments:
        # first_line is the line number of the segment's first character
        first = seg.text.split("\n", 1)[0]
        before = text[: text.index(seg.text)]
        assert seg.first_line == before.count("\n") + 1, first


def test_incremental_decoder_handles_split_multibyte() -> None:
    data = "あ".encode("utf-16-le") * 3000
    segs = list(iter_chunks(io.BytesIO(codecs.BOM_UTF16_LE + data), "utf-16", Location("f"),
                            chunk_chars=1000, overlap=10, read_bytes=7))
    assert "".join(s.text[s.scan_start:s.scan_end] for s in segs) == "あ" * 3000


def _score_by_loop(text: str) -> float:
    """The character-by-character definition _japanese_score counts in C."""
    good = bad = 0
    for ch in text:
        o = ord(ch)
        if o < 0x80:
            if ch.isprintable() or ch in "\r\n\t":
                good += 1
            else:
                bad += 2
        elif 0x3040 <= o <= 0x30FF:
            good += 3
        elif 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x301F or 0xFF01 <= o <= 0xFF5E:
            good += 1
        elif 0x2460 <= o <= 0x24FF or 0x2500 <= o <= 0x257F:
            pass
        elif 0xFF61 <= o <= 0xFF9F:
            bad += 1
        else:
            bad += 2
    return good / (good + bad) if good + bad else 0.0


@given(st.text(alphabet=st.one_of(
    st.characters(max_codepoint=0x7F),
    st.characters(min_codepoint=0x2400, max_codepoint=0x3100),
    st.characters(min_codepoint=0x4DF0, max_codepoint=0x4E10),
    st.characters(min_codepoint=0xFF00, max_codepoint=0xFFA5),
    st.characters())))
def test_japanese_score_counts_like_the_loop(text: str) -> None:
    assert _japanese_score(text) == _score_by_loop(text)
