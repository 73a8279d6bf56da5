"""Japanese-aware encoding detection and bounded-memory decoding.

General detectors (charset-normalizer, chardet) are built for many languages and, on short
Japanese samples, call EUC-JP Korean or give up on a sample cut mid-character. The only
candidates that matter here are few, and each leaves a clear trace, checked in this order:

1. a byte-order mark (UTF-8, UTF-16 LE/BE, UTF-32);
2. ISO-2022-JP escape sequences (7-bit, so they must come before UTF-8);
3. NUL bytes: UTF-16 without a BOM if one byte order decodes to plausible text, else binary;
4. strict UTF-8 (a sample cut mid-character is fine);
5. CP932 against EUC-JP: whichever decodes, and if both do, the one whose text looks
   Japanese (EUC-JP read as CP932 turns into half-width katakana soup).
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from piiscan.models import Location, Segment

SAMPLE_BYTES = 64 * 1024

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_ISO2022_ESCAPES = (b"\x1b$B", b"\x1b$@", b"\x1b(J", b"\x1b(I", b"\x1b$(D", b"\x1b$(Q")
_CONTROL = frozenset(range(0, 9)) | frozenset(range(14, 27)) | frozenset(range(28, 32))


def _decodes(sample: bytes, encoding: str, final: bool = False) -> str | None:
    """Decode a sample strictly; unless it is the whole file, it may end mid-character."""
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    try:
        return decoder.decode(sample, final=final)
    except UnicodeDecodeError:
        return None


# Character classes for _japanese_score, counted in C (a Python loop over a 64 KB sample
# cost milliseconds per file).
_ASCII_TEXT = re.compile("[\x20-\x7e\r\n\t]+")
_ASCII_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+")
_KANA = re.compile("[\u3040-\u30ff]+")
_KANJI_ETC = re.compile("[\u4e00-\u9fff\u3000-\u301f\uff01-\uff5e]+")
_RARE_REAL = re.compile("[\u2460-\u24ff\u2500-\u257f]+")
_HALF_KATAKANA = re.compile("[\uff61-\uff9f]+")


def _count(pattern: re.Pattern[str], text: str) -> int:
    return len(text) - len(pattern.sub("", text))


def _japanese_score(text: str) -> float:
    """Share of characters typical of Japanese text.

    Kana weigh most: every mis-decoding of Japanese bytes (EUC-JP read as CP932, CP932 read
    as UTF-16) yields kanji-like or half-width noise, but rarely hiragana. Circled digits
    and box drawing are real but rare (neutral); half-width katakana is real, but also what
    EUC-JP read as CP932 gives (bad); anything else is noise (twice as bad).
    """
    if not text:
        return 0.0
    ascii_text, control = _count(_ASCII_TEXT, text), _count(_ASCII_CONTROL, text)
    kana, kanji = _count(_KANA, text), _count(_KANJI_ETC, text)
    rare, half = _count(_RARE_REAL, text), _count(_HALF_KATAKANA, text)
    other = len(text) - ascii_text - control - kana - kanji - rare - half
    good = ascii_text + 3 * kana + kanji
    bad = 2 * control + half + 2 * other
    return good / (good + bad) if good + bad else 0.0


def _best_utf16(sample: bytes) -> tuple[str | None, float]:
    best, best_score = None, 0.0
    even = sample[: len(sample) - len(sample) % 2]
    for enc in ("utf-16-le", "utf-16-be"):
        score = _japanese_score(even.decode(enc, errors="replace"))
        if score > best_score:
            best, best_score = enc, score
    return best, best_score


_UTF16_MARGIN = 0.15  # how much better than a legacy reading a BOM-less UTF-16 one must be


def sniff_encoding(sample: bytes, whole: bool = False) -> str | None:
    """The encoding of a text sample, or None if it looks binary.

    ``whole`` says the sample is the entire file, so it may not end mid-character.
    """
    for bom, name in _BOMS:
        if sample.startswith(bom):
            return name
    if not sample:
        return "utf-8"
    if b"\x1b" in sample and any(esc in sample for esc in _ISO2022_ESCAPES):
        for name in ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2"):
            if _decodes(sample, name, whole) is not None:
                return name
    if b"\x00" in sample:
        utf16, utf16_score = _best_utf16(sample)
        return utf16 if utf16_score >= 0.8 else None
    head = sample[:4096]
    if sum(1 for b in head if b in _CONTROL) > len(head) * 0.05:
        return None
    if _decodes(sample, "utf-8", whole) is not None:
        return "utf-8"
    legacy = {}
    for name in ("cp932", "euc_jp"):
        text = _decodes(sample, name, whole)
        if text is not None:
            legacy[name] = _japanese_score(text)
    best_legacy = max(legacy, key=lambda n: legacy[n]) if legacy else None
    legacy_score = legacy[best_legacy] if best_legacy else 0.0
    # BOM-less UTF-16 of pure Japanese text has no NUL bytes at all. It wins only by a
    # margin a score (at most 1) cannot reach over a legacy reading this good: not tried.
    if legacy_score + _UTF16_MARGIN < 1.0 and len(sample) >= 2:
        utf16, utf16_score = _best_utf16(sample)
        if utf16 and utf16_score >= 0.8 and utf16_score > legacy_score + _UTF16_MARGIN:
            return utf16
    return best_legacy or "cp932"  # undecodable either way: read with replacement, say so


def decode_bytes(data: bytes) -> tuple[str, str] | None:
    """Decode a whole (small) blob: ``(text, encoding)``, or None for binary content."""
    encoding = sniff_encoding(data[:SAMPLE_BYTES], whole=len(data) <= SAMPLE_BYTES)
    if encoding is None:
        return None
    return data.decode(encoding, errors="replace"), encoding


def display_name(encoding: str) -> str:
    return {"utf-8-sig": "utf-8 (BOM)", "utf-16": "utf-16 (BOM)", "utf-32": "utf-32 (BOM)"}.get(
        encoding, encoding
    )


def iter_chunks(
    stream: BinaryIO,
    encoding: str,
    location: Location,
    chunk_chars: int = 1 << 20,
    overlap: int = 4096,
    read_bytes: int = 1 << 20,
) -> Iterator[Segment]:
    """Decode a stream into line-based segments of about ``chunk_chars`` characters.

    Each segment carries ``overlap`` characters of the text before and after it, and
    ``scan_start``/``scan_end`` mark the part it owns: a match that starts in the owned part
    is reported by this segment only, so a value across a chunk boundary is found once, and
    context keywords just before a boundary are still seen.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")

    def pieces() -> Iterator[str]:
        buffer = ""
        while True:
            raw = stream.read(read_bytes)
            final = not raw
            buffer += decoder.decode(raw, final=final)
            while len(buffer) >= chunk_chars:
                yield buffer[:chunk_chars]
                buffer = buffer[chunk_chars:]
            if final:
                if buffer:
                    yield buffer
                return

    before = ""  # tail of the previous owned piece
    lines_before_owned = 0  # newlines before the start of the owned piece
    pending: str | None = None
    for piece in pieces():
        if pending is not None:
            yield _segment(before, pending, piece[:overlap], location, lines_before_owned)
            lines_before_owned += pending.count("\n")
            before = (before + pending)[-overlap:]
        pending = piece
    if pending is not None:
        yield _segment(before, pending, "", location, lines_before_owned)
    elif not before:
        return


def _segment(before: str, owned: str, after: str, location: Location, lines: int) -> Segment:
    return Segment(
        text=before + owned + after,
        location=replace(location),
        line_based=True,
        first_line=lines - before.count("\n") + 1,
        scan_start=len(before),
        scan_end=len(before) + len(owned),
    )
