"""Masking and keyed hashes: the only place raw matched values are handled.

Masked forms keep what a person needs to recognise a finding (its shape, the last digits of a
card) and nothing that identifies anyone. Every hash of a value is keyed, and computed here
only: a plain hash of a 12-digit My Number or a phone number is brute-forced in seconds.

- ``Fingerprinter``: HMAC-SHA256 under the run's key (random, or the state's), the identity
  of a value in reports, state and diffs.
- ``BaselineHasher``: the slow, truncated fingerprint a committed baseline holds (scrypt with
  the baseline's salt, optionally keyed with a secret first; piiscan.state.baseline explains
  the choice).
- ``ContentFingerprinter``: HMAC-SHA256 of a file's bytes under the state's key, to tell
  that a file has not changed since it was scanned (quarantine).
- ``Keys``: the hashers one run uses, handed to the per-file scan.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from piiscan.normalize import normalize

if TYPE_CHECKING:
    from piiscan.snippet import SnippetWords

_DIGIT = re.compile(r"[0-9０-９]")
_NON_DIGIT_SEPARATORS = re.compile(r"[\s\-./()（）]")


def mask_value(value: str, style: str) -> str:
    """Mask one value according to the rule's ``mask`` style."""
    if style == "last4":
        return _mask_digits(value, keep_last=4)
    if style == "digits":
        return _mask_digits(value, keep_last=0)
    if style == "email":
        local, _, domain = value.partition("@")
        return (local[:1] + "***@" + domain) if domain else "***"
    if style == "name":
        return _mask_name(value)
    return _mask_generic(value)


def _mask_digits(value: str, keep_last: int) -> str:
    positions = [m.start() for m in _DIGIT.finditer(value)]
    chars = list(value)
    for i in positions[: max(0, len(positions) - keep_last)]:
        chars[i] = "*"
    return "".join(chars)


def _mask_name(value: str) -> str:
    """``山田 太郎`` -> ``山* **``: the first character only, spaces kept. A whole surname
    would say too much: a rare one (九頭竜) identifies a person on its own."""
    return value[:1] + "".join(ch if ch in " 　" else "*" for ch in value[1:])


def _mask_generic(value: str) -> str:
    if len(value) <= 2:
        return "*" * len(value)
    keep = max(1, len(value) // 4)
    out = []
    for i, ch in enumerate(value):
        out.append(ch if i < keep or ch in " -/　" else "*")
    return "".join(out)


def mask_snippet(text: str, start: int, end: int, masked_value: str,
                 other_spans: list[tuple[int, int]], width: int,
                 words: SnippetWords) -> str:
    """Context around a value with the value masked, neighbouring values masked too, and
    the rest shown only as far as ``words`` (piiscan.snippet) knows it: every other letter
    and digit is starred, so a snippet never reveals what the report hides, nor what the
    rules did not recognise (a rare surname beside a phone number)."""
    lo, hi = max(0, start - width), min(len(text), end + width)
    chars = list(text[lo:hi])
    for s, e in other_spans:
        for i in range(max(s, lo), min(e, hi)):
            if not chars[i - lo].isspace():
                chars[i - lo] = "*"
    before = words.mask("".join(chars[: start - lo]))
    after = words.mask("".join(chars[end - lo :]))
    snippet = before + masked_value + after
    snippet = snippet.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return ("…" if lo > 0 else "") + snippet + ("…" if hi < len(text) else "")


_GROUPED_DIGITS = re.compile(r"[0-9０-９](?:[ \-‐－ー]?[0-9０-９]){4,}")


def keyed_fraction(seed: str, text: str) -> float:
    """Where ``text`` falls in [0, 1) under HMAC-SHA256 keyed with ``seed``: a reproducible
    choice no one can steer without the seed (``--sample-percent``, sources/sample.py)."""
    digest = hmac.new(seed.encode(), text.encode("utf-8", "surrogateescape"),
                      hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big") / (1 << 64)


def mask_text(text: str, spans: list[tuple[int, int]]) -> tuple[str, int]:
    """Free text an operator wrote (a triage note): the ``spans`` the rules found starred,
    and every run of five or more digits, even in groups (``4629 3718 5504``). The rest is
    kept -- it is the operator's words, not a scanned file's, so the snippet rule (only
    known words shown) would leave nothing to read. Returns the masked text and how many
    things were masked."""
    digit_runs = [m.span() for m in _GROUPED_DIGITS.finditer(text)
                  if not any(s <= m.start() < e for s, e in spans)]
    chars = list(text)
    for s, e in [*spans, *digit_runs]:
        for i in range(s, e):
            if not chars[i].isspace():
                chars[i] = "*"
    masked = "".join(chars).replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return masked, len(spans) + len(digit_runs)


def _stars(match: re.Match[str]) -> str:
    return "*" * len(match.group(0))


_SPACES = re.compile(r"\s+")


def canonical(value_type: str, value: str) -> str:
    """The form two spellings of one value share: digits only for numbers, folded text
    otherwise, so ``090-1234-5678`` and ``０９０１２３４５６７８`` are the same phone."""
    folded = normalize(value).strip()
    if sum(map(str.isdigit, folded)) >= max(4, len(folded) // 2):
        return _NON_DIGIT_SEPARATORS.sub("", folded).lower()
    if value_type == "EMAIL":
        return folded.lower()
    return _SPACES.sub("", folded)


def key_id(key: bytes) -> str:
    """An id of a key (the state's key kept in a key file): tells two keys apart, reveals
    neither."""
    return hmac.new(key, b"piiscan state key id", hashlib.sha256).hexdigest()[:16]


class Fingerprinter:
    """Keyed hashes of values. The key is random per run unless state or a baseline
    supplies its own."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key if key is not None else os.urandom(32)

    def __call__(self, value_type: str, value: str) -> str:
        message = f"{value_type}\x00{canonical(value_type, value)}".encode()
        return hmac.new(self.key, message, hashlib.sha256).hexdigest()[:32]


@dataclass
class BaselineHasher:
    """The baseline's fingerprint of a value: scrypt (memory-hard, salted per baseline) of
    the type and canonical value, keyed first with the baseline secret when there is one,
    truncated to ``bits`` bits. About 25 ms per distinct value, so each is hashed once.

    ``targets`` limits the work to the types that have baseline entries in each file
    (absolute path -> types); None hashes every finding (``baseline create``/``update``
    collect them all).
    """

    kdf: Mapping[str, Any]
    salt: bytes
    secret_key: bytes | None = None
    targets: Mapping[str, frozenset[str]] | None = None
    _memo: dict[bytes, str] = field(default_factory=dict, repr=False)
    _memo_key: bytes = field(default_factory=lambda: os.urandom(32), repr=False)
    hashed: int = 0

    def types_for(self, path: str) -> frozenset[str] | None:
        """The types to hash in this file: None for every type, empty for none."""
        if self.targets is None:
            return None
        return self.targets.get(os.path.abspath(path), frozenset())

    def __call__(self, value_type: str, value: str) -> str:
        message = f"{value_type}\x00{canonical(value_type, value)}".encode()
        # Remembered by a keyed digest, not by the value: no raw value outlives the scan.
        key = hashlib.blake2b(message, key=self._memo_key, digest_size=16).digest()
        known = self._memo.get(key)
        if known is not None:
            return known
        if self.secret_key is not None:
            message = hmac.new(self.secret_key, message, hashlib.sha256).digest()
        n, r, p = int(self.kdf["n"]), int(self.kdf["r"]), int(self.kdf["p"])
        digest = hashlib.scrypt(message, salt=self.salt, n=n, r=r, p=p, dklen=16,
                                maxmem=256 * r * (n + p + 2))
        bits = int(self.kdf["bits"])
        fingerprint = f"{int.from_bytes(digest, 'big') >> (128 - bits):0{(bits + 3) // 4}x}"
        self._memo[key] = fingerprint
        self.hashed += 1
        return fingerprint


class ContentFingerprinter:
    """Keyed hash of a file's bytes: HMAC-SHA256 under the state's key.

    What the state and the quarantine log keep to tell that a file is still the one that was
    scanned. Keyed for the same reason as values: a bare hash of a file that holds nothing
    but one My Number is a bare hash of that number. The prefix keeps it apart from value
    fingerprints under the same key.
    """

    CHUNK = 1 << 20
    _PREFIX = b"piiscan-content\x00"

    def __init__(self, key: bytes) -> None:
        self.key = key

    def start(self) -> hmac.HMAC:
        """A running hash, for callers that see the bytes go by (a copy)."""
        return hmac.new(self.key, self._PREFIX, hashlib.sha256)

    def of_fd(self, fd: int) -> str:
        """The hash of everything in an open file, read from its start with ``pread``
        (the file position is left alone)."""
        digest = self.start()
        offset = 0
        while chunk := os.pread(fd, self.CHUNK, offset):
            digest.update(chunk)
            offset += len(chunk)
        return digest.hexdigest()


@dataclass
class Keys:
    """The keyed hashers of one run, as the per-file scan needs them."""

    fingerprint: Fingerprinter
    baseline: BaselineHasher | None = None
