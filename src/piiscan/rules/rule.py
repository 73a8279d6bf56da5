"""A rule as the engine uses it: the YAML fields, compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import regex

from piiscan.models import Category, Level
from piiscan.recognizers import Recognizer
from piiscan.validators import Validator

Pattern: TypeAlias = "regex.Pattern[str] | re.Pattern[str]"

DEFAULT_MASK = {
    "MY_NUMBER": "digits",
    "CREDIT_CARD": "last4",
    "PHONE": "last4",
    "EMAIL": "email",
    "PERSON_NAME": "name",
    "PERSON_NAME_KANA": "name",
    "BANK_ACCOUNT": "last4",
    "RESIDENT_CODE": "digits",
    "PENSION_NUMBER": "digits",
    "DRIVERS_LICENSE": "last4",
    "PASSPORT": "last4",
    "RESIDENCE_CARD": "last4",
    "HEALTH_INSURANCE": "last4",
    "EMPLOYMENT_INSURANCE": "last4",
    "POSTAL_CODE": "last4",
}


@dataclass(frozen=True)
class Example:
    text: str
    header: str | None = None
    value: str | None = None
    confidence: Level | None = None

    @classmethod
    def parse(cls, raw: str | dict[str, Any]) -> Example:
        if isinstance(raw, str):
            return cls(raw)
        conf = raw.get("confidence")
        return cls(raw["text"], raw.get("header"), raw.get("value"),
                   Level.parse(conf) if conf else None)


def keyword_pattern(words: tuple[str, ...], ignorecase: bool = True) -> regex.Pattern[str] | None:
    """One compiled alternation for a keyword list, longest first."""
    if not words:
        return None
    alternation = "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return regex.compile(alternation, regex.IGNORECASE if ignorecase else 0)


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    type: str
    category: Category
    severity: Level
    confidence: Level
    pattern: Pattern | None  # None when a recognizer finds the values
    source: str  # the file it came from
    recognizer: tuple[str, Recognizer] | None = None
    description: str = ""
    prefilter_digits: int = 0  # run only near number runs of at least this many digits
    prefilter_any: tuple[str, ...] = ()
    validator: tuple[str, Validator] | None = None
    boosts: tuple[tuple[str, Validator], ...] = ()
    mask: str = "generic"
    context_keywords: regex.Pattern[str] | None = None
    context_headers: tuple[str, ...] = ()
    context_window: int = 30
    context_confidence: Level = Level.HIGH
    context_required: bool = False
    exclude_keywords: regex.Pattern[str] | None = None
    exclude_window: int = 30
    exclude_action: str = "reject"
    exclude_values: frozenset[str] = frozenset()
    test_values: frozenset[str] = frozenset()
    match_examples: tuple[Example, ...] = ()
    no_match_examples: tuple[Example, ...] = ()
    references: tuple[str, ...] = field(default=())

    @property
    def help_text(self) -> str:
        return self.description or self.name
