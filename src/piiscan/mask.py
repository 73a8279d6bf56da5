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
- ``EdmHasher``: HMAC-SHA256 under an EDM key file's key, of a customer master's values
  (the index ``piiscan edm build`` writes) and of the candidates a scan looks up in it.
- ``Keys``: the hashers one run uses, handed to the per-file scan.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from piiscan.normalize import fold_identity, normalize
from piiscan.validators.identifiers import parse_date

if TYPE_CHECKING:
    from piiscan.models import Finding, Match, Segment, TypeRegistry

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
                 words: SnippetWords, owned: tuple[int, int] | None = None) -> str:
    """Context around a value with the value masked, neighbouring values masked too, and
    the rest shown only as far as ``words`` (piiscan.snippet) knows it: every other letter
    and digit is starred, so a snippet never reveals what the report hides, nor what the
    rules did not recognise (a rare surname beside a phone number). The snippet stays
    inside ``owned`` (the part of ``text`` the value's segment owns; all of it by default),
    so a chunk of a large text is never copied for it."""
    first, last = owned if owned is not None else (0, len(text))
    lo, hi = max(first, start - width), min(last, end + width)
    chars = list(text[lo:hi])
    for s, e in other_spans:
        for i in range(max(s, lo), min(e, hi)):
            if not chars[i - lo].isspace():
                chars[i - lo] = "*"
    before = words.mask("".join(chars[: start - lo]))
    after = words.mask("".join(chars[end - lo :]))
    snippet = before + masked_value + after
    snippet = snippet.replace("\r", " ").replace("\n", " ").replace("\t", " ")
    return ("…" if lo > first else "") + snippet + ("…" if hi < last else "")


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
    otherwise, so ``090-1234-5678`` and ``０９０１２３４５６７８`` are the same phone. Names,
    addresses and birth dates have forms of their own (``TYPE_FORMS``): ``山田　太郎`` and
    ``山田太郎``, ``ﾔﾏﾀﾞ ﾀﾛｳ`` and ``やまだたろう``, ``昭和55年4月1日`` and ``1980/04/01``.

    Every keyed hash of a value (fingerprints, baselines, the customer master's index) is
    taken of this form, so this is the one place that decides when two spellings are one."""
    form = TYPE_FORMS.get(value_type)
    if form is not None:
        return form(value)
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
def name_form(value: str) -> str:
    """A name or its reading: NFKC, kana as katakana, no spaces or middle dots."""
    return _NAME_DROP.sub("", fold_identity(value))


_NAME_DROP = re.compile(r"[\s・･.]+")
_POSTAL_PREFIX = re.compile(r"^(?:〒|郵便番号:?)?[0-9]{3}-?[0-9]{4}")
_BLOCK_NUMBERS = re.compile(r"([0-9]+)(?:丁目|番地|番|号|の(?=[0-9]))")
_ADDRESS_DROP = re.compile(r"[\s,、。]+")


def address_form(value: str) -> str:
    """An address: folded, no spaces, no postal code, everything up to the prefecture
    dropped (a master may leave it out; a label may precede it), 1丁目2番3号 as 1-2-3."""
    text = _ADDRESS_DROP.sub("", fold_identity(value)).replace("ヶ", "ケ").replace("ヵ", "カ")
    text = _POSTAL_PREFIX.sub("", text)
    prefecture = _prefecture_pattern().search(text)
    if prefecture is not None:
        text = text[prefecture.end():]
    text = _BLOCK_NUMBERS.sub(r"\1-", text)
    return text.rstrip("-")


@lru_cache(maxsize=1)
def _prefecture_pattern() -> re.Pattern[str]:
    from piiscan import data

    names = sorted(data.load_words("prefectures"), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, names)))


_ISO_DATE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})\2([0-9]{1,2})")


def date_form(value: str) -> str:
    """A date as YYYYMMDD, whether 西暦 or 和暦 (昭和55年4月1日, S55.4.1, 1980/4/1); text that
    names no date keeps the generic form."""
    folded = normalize(value).strip()
    iso = _ISO_DATE.fullmatch(folded)
    if iso is not None:  # the common case in a master, without the 和暦 parser
        year, month, day = int(iso[1]), int(iso[3]), int(iso[4])
        try:
            datetime.date(year, month, day)
            return f"{year:04d}{month:02d}{day:02d}"
        except ValueError:
            pass
    found = parse_date(folded)
    return found.strftime("%Y%m%d") if found is not None else _SPACES.sub("", folded)


TYPE_FORMS: dict[str, Callable[[str], str]] = {
    "PERSON_NAME": name_form,
    "PERSON_NAME_KANA": name_form,
    "ADDRESS": address_form,
    "BIRTH_DATE": date_form,
}


class Fingerprinter:
    """Keyed hashes of values. The key is random per run unless state or a baseline
    supplies its own."""

    def __init__(self, key: bytes | None = None) -> None:
        self.key = key if key is not None else os.urandom(32)
        self._keyed: hmac.HMAC | None = None  # the key set up once; copied for each value

    def __call__(self, value_type: str, value: str) -> str:
        message = f"{value_type}\x00{canonical(value_type, value)}".encode()
        if self._keyed is None:
            self._keyed = hmac.new(self.key, digestmod=hashlib.sha256)
        keyed = self._keyed.copy()
        keyed.update(message)
        return keyed.hexdigest()[:32]

    def __getstate__(self) -> dict[str, object]:
        return {"key": self.key, "_keyed": None}  # to a worker: the key, set up there


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
class EdmHasher:
    """Keyed hashes of a customer master's values, for exact data match (piiscan.edm):
    HMAC-SHA256 under the key of an EDM key file, never a bare or salted hash (a phone
    number or a My Number has too few possible values to survive a brute force).

    ``value`` hashes a primary value (a phone, an e-mail, a customer id) to the 64-bit number
    the index is sorted by; ``field`` hashes a corroborating value (a name, an address, a
    birth date) to 32 bits, enough to tell the few values of one master row apart. Both
    take the type into the message, so a name can never match an address. ``key_id``
    names the key without revealing it, so an index built with another key is detected.
    """

    VALUE_BITS = 64
    FIELD_BITS = 32

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("an EDM key has at least 16 bytes")
        self._key = key
        self._started: dict[str, Any] = {}  # type -> HMAC already fed its prefix

    def __getstate__(self) -> dict[str, Any]:
        return {"key": self._key}  # HMAC objects do not pickle; workers start their own

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["key"])  # type: ignore[misc]

    @property
    def key_id(self) -> str:
        return hmac.new(self._key, b"piiscan edm key id", hashlib.sha256).hexdigest()[:16]

    def _digest(self, value_type: str, form: str) -> bytes:
        started = self._started.get(value_type)
        if started is None:
            started = self._started[value_type] = hmac.new(
                self._key, f"edm\x00{value_type}\x00".encode(), hashlib.sha256)
        mac = started.copy()  # the key and prefix are hashed once per type, not per value
        mac.update(form.encode())
        return mac.digest()

    def value(self, value_type: str, value: str) -> int:
        """The index key of a raw primary value (its canonical form is hashed)."""
        return self.form(value_type, canonical(value_type, value))

    def form(self, value_type: str, form: str) -> int:
        """The index key of a value already in canonical form."""
        return int.from_bytes(self._digest(value_type, form)[:8], "little")

    def field(self, value_type: str, form: str) -> int:
        """The row-local hash of a corroborating value in canonical form."""
        return int.from_bytes(self._digest(value_type, form)[:4], "little")

    START_CHARS = 2

    def field_start(self, value_type: str, form: str) -> int:
        """The row-local hash of a name's first two characters: a scan hashes every stretch
        of text that could be an unlabelled name only where one of its rows' names starts."""
        return self.field(f"{value_type}:start", form[:self.START_CHARS])


@dataclass
class Keys:
    """The keyed hashers of one run, as the per-file scan needs them. ``edm`` is the
    customer master's index with its hasher (``--edm``), looked up inside the per-file
    scan (piiscan.edm.match); it travels to pool workers with the rest."""

    fingerprint: Fingerprinter
    baseline: BaselineHasher | None = None
    edm: ExactDataMatch | None = None


class ExactDataMatch(Protocol):
    """What the per-file scan asks of a customer master's index (``--edm``), implemented by
    piiscan.edm.match.EdmMatcher: a fresh state for each file..."""

    def for_file(self, rules: Mapping[str, Any], types: TypeRegistry) -> FileExactMatch: ...


class FileExactMatch(Protocol):
    """...told each segment with the matches that become its findings (numbered from
    ``first``), answering the spans of customer names no rule found (masked in snippets),
    and at the end marking the file's findings that are a customer's values."""

    def observe(self, segment: Segment, matches: Sequence[Match], first: int
                ) -> list[tuple[int, int]]: ...

    def finish(self, findings: list[Finding]) -> list[Finding]: ...
