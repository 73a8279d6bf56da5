"""``.piiscan-baseline.json``: findings a repository has accepted, so they do not fail the run.

Format (version 1), sorted and without line numbers or timestamps so it never churns::

    {
      "version": 1,
      "kdf": {"name": "scrypt", "n": 16384, "r": 8, "p": 1, "salt": "<hex>", "bits": 20},
      "secret": false,
      "entries": [
        {"path": "tests/data/customers.csv", "type": "PHONE", "rule_id": "jp.phone.mobile",
         "fingerprint": "3fa9c"}
      ]
    }

Why this fingerprint. A baseline is committed, so nothing in it is secret: whoever holds the
file holds the salt. A fast keyed hash (HMAC) with a key in the file would be brute-forced
in minutes, since there are only ~10^11 valid My Numbers and ~3*10^8 mobile numbers. Three
things make that costly and ambiguous instead:

1. scrypt (memory-hard: 16 MiB per guess at n=2^14, r=8), salted per baseline: about 25 ms
   per guess on one core, so enumerating every My Number costs ~80 core-years.
2. Only ``bits`` (20) bits of the hash are kept: even a full enumeration leaves ~95,000
   candidate My Numbers and ~300 candidate mobile numbers per entry. The price is that a
   *new* value in the same file and of the same type is mistaken for a baselined one with
   probability (entries for that path and type) / 2^20.
3. ``secret: true`` (optional, the strongest): the value is first keyed with
   ``$PIISCAN_BASELINE_SECRET`` (a CI secret / developer environment variable), so the file
   alone is useless to an attacker. Every run that reads the baseline then needs the secret.

What none of this prevents without the secret: someone who already suspects one value can test
it against the file for 25 ms. docs/pre-commit.md says so.

Entries are matched on (path, type, fingerprint); the rule id is kept for people. Baselines
with an older ``version`` are upgraded on load by the functions in ``UPGRADES``.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from piiscan.atomic import write_atomic
from piiscan.errors import ConfigError
from piiscan.mask import BaselineHasher

BASELINE_FILE = ".piiscan-baseline.json"
VERSION = 1
SECRET_ENV = "PIISCAN_BASELINE_SECRET"
DEFAULT_KDF: dict[str, Any] = {"name": "scrypt", "n": 1 << 14, "r": 8, "p": 1, "bits": 20}

# What a baseline may ask for. A committed baseline comes from anyone who can open a pull
# request: a huge n costs every run gigabytes per fingerprint, a tiny one makes the
# fingerprints cheap to brute-force, and many bits leave no ambiguity. (name, low, high)
KDF_RANGES: tuple[tuple[str, int, int], ...] = (
    ("n", 1 << 14, 1 << 16),  # a power of two; 2^16 with r=16: 128 MiB and ~0.2 s per hash
    ("r", 8, 16),
    ("p", 1, 4),
    ("bits", 16, 24),
)
MIN_SALT_BYTES = 16

# UPGRADES[v] turns a parsed baseline of version v into version v + 1. Append, never edit.
UPGRADES: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {}


@dataclass(frozen=True, order=True)
class Entry:
    path: str  # relative to the baseline file's folder, '/'-separated
    type: str
    rule_id: str
    fingerprint: str

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "type": self.type, "rule_id": self.rule_id,
                "fingerprint": self.fingerprint}


@dataclass
class Baseline:
    file: Path
    salt: bytes
    kdf: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_KDF))
    secret: bool = False
    entries: set[Entry] = field(default_factory=set)
    _secret_key: bytes | None = None

    @classmethod
    def new(cls, file: Path, secret: bool = False) -> Baseline:
        baseline = cls(file=file.absolute(), salt=os.urandom(16), secret=secret)
        baseline._load_secret()
        return baseline

    @classmethod
    def load(cls, file: Path) -> Baseline:
        name = str(file)
        try:
            data = json.loads(file.read_text(encoding="utf-8-sig"))
        except OSError as exc:
            raise ConfigError(f"{name}: cannot read the baseline: {exc.strerror}") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{name}: not a piiscan baseline (invalid JSON: {exc}); it must "
                              "be UTF-8: write it with `piiscan baseline`, not a shell "
                              "redirect") from None
        if not isinstance(data, dict) or not isinstance(data.get("version"), int):
            raise ConfigError(f"{name}: not a piiscan baseline (no 'version')")
        version = data["version"]
        if version > VERSION:
            raise ConfigError(f"{name}: baseline version {version} is newer than this piiscan "
                              f"understands ({VERSION}); upgrade piiscan")
        while version < VERSION:
            if version not in UPGRADES:
                raise ConfigError(f"{name}: baseline version {version} cannot be upgraded")
            data = UPGRADES[version](data)
            version = data["version"]
        try:
            kdf = dict(data["kdf"])
            salt = bytes.fromhex(kdf.pop("salt"))
            entries = {Entry(str(e["path"]), str(e["type"]), str(e["rule_id"]),
                             str(e["fingerprint"])) for e in data["entries"]}
            secret = bool(data.get("secret", False))
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(f"{name}: damaged baseline ({type(exc).__name__}: {exc})") from None
        if kdf.get("name") != "scrypt":
            raise ConfigError(f"{name}: unknown fingerprint function {kdf.get('name')!r}")
        check_kdf(name, kdf, salt)
        baseline = cls(file=file.absolute(), salt=salt, kdf=kdf, secret=secret, entries=entries)
        baseline._load_secret()
        return baseline

    def _load_secret(self) -> None:
        if not self.secret:
            return
        value = os.environ.get(SECRET_ENV, "")
        if not value:
            raise ConfigError(f"{self.file}: this baseline is keyed with a secret; set "
                              f"{SECRET_ENV} to use it")
        self._secret_key = value.encode()

    @property
    def root(self) -> Path:
        return self.file.parent

    def relative(self, path: str) -> str:
        """A scanned path as baseline entries spell it: relative to the baseline's folder,
        '/'-separated (absolute when outside it)."""
        absolute = os.path.abspath(path)
        rel = os.path.relpath(absolute, self.root)
        if rel.startswith(".." + os.sep) or rel == "..":
            rel = absolute
        return rel.replace(os.sep, "/")

    def hasher(self, targets: Mapping[str, frozenset[str]] | None = None) -> BaselineHasher:
        """This baseline's fingerprint function (module docstring), computed by piiscan.mask
        like every keyed hash; ``targets`` as BaselineHasher takes it."""
        return BaselineHasher(self.kdf, self.salt, self._secret_key, targets)

    def targets(self) -> dict[str, frozenset[str]]:
        """Absolute path of each file with entries -> the types it has entries for."""
        out: dict[str, set[str]] = {}
        for e in self.entries:
            out.setdefault(os.path.abspath(self.root / e.path), set()).add(e.type)
        return {path: frozenset(types) for path, types in out.items()}

    def paths(self) -> set[str]:
        return {e.path for e in self.entries}

    def dump(self) -> bytes:
        data = {
            "version": VERSION,
            "kdf": {**self.kdf, "salt": self.salt.hex()},
            "secret": self.secret,
            "entries": [e.as_dict() for e in sorted(self.entries)],
        }
        return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")

    def save(self) -> None:
        write_atomic(str(self.file), self.dump(), mode=0o644)


def check_kdf(name: str, kdf: dict[str, Any], salt: bytes) -> None:
    """Refuse scrypt parameters outside ``KDF_RANGES`` (and short salts), naming the file,
    the parameter and what is allowed."""
    for key, low, high in KDF_RANGES:
        value = kdf.get(key)
        power = key != "n" or (isinstance(value, int) and value > 0 and value & (value - 1) == 0)
        if (not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high
                or not power):
            allowed = (f"a power of two from {low:,} to {high:,}" if key == "n"
                       else f"from {low} to {high}")
            raise ConfigError(f"{name}: baseline kdf parameter '{key}' = {value!r} is out of "
                              f"range (allowed: {allowed}); recreate it with `piiscan "
                              "baseline create --force`")
    if len(salt) < MIN_SALT_BYTES:
        raise ConfigError(f"{name}: baseline kdf parameter 'salt' is {len(salt)} bytes "
                          f"(allowed: at least {MIN_SALT_BYTES}); recreate it with `piiscan "
                          "baseline create --force`")
