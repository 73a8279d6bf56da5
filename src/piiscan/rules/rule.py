"""A rule as the engine uses it: the YAML fields, compiled once."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from piiscan.errors import RuleError
from piiscan.filters import Filter
from piiscan.models import Category, Level, Reason
from piiscan.recognizers import Recognizer
from piiscan.rules.keywords import KeywordList
from piiscan.rules.patterns import Pattern, compile_pattern, leading_words
from piiscan.validators import Validator

__all__ = ["Example", "Pattern", "Rule"]


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


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    type: str
    category: Category
    severity: Level
    confidence: Level
    pattern_source: str | None  # None when a recognizer finds the values
    source: str  # the file it came from
    ignorecase: bool = False
    recognizer: tuple[str, Recognizer] | None = None
    description: str = ""
    prefilter_digits: int = 0  # run only near number runs of at least this many digits
    prefilter_any: tuple[str, ...] = ()
    validator: tuple[Reason, Validator] | None = None  # (the reason a pass gives, the check)
    boosts: tuple[tuple[Reason, Validator], ...] = ()  # each raises the confidence one level
    unless: tuple[tuple[str, Filter], ...] = ()  # a match any of these says yes to is dropped
    only_if: tuple[tuple[str, Filter], ...] = ()  # ...or kept only when all of these say yes
    mask: str = "generic"
    context_keywords: KeywordList | None = None
    context_headers: tuple[str, ...] = ()
    context_window: int = 30
    context_confidence: Level = Level.HIGH
    context_required: bool = False
    exclude_keywords: KeywordList | None = None
    exclude_window: int = 30
    exclude_action: str = "reject"
    exclude_values: frozenset[str] = frozenset()
    # column kinds whose cells hold something else (a surname 神道 is not a belief)
    exclude_columns: frozenset[str] = frozenset()
    test_values: frozenset[str] = frozenset()
    match_examples: tuple[Example, ...] = ()
    no_match_examples: tuple[Example, ...] = ()
    references: tuple[str, ...] = field(default=())

    @cached_property
    def pattern(self) -> Pattern | None:
        """The compiled pattern, compiled on first use (see ``loader.load_file``)."""
        if self.pattern_source is None:
            return None
        return compile_pattern(self.pattern_source, self.ignorecase,
                               lambda problem: RuleError(self.source, problem, self.id, "pattern"))

    @cached_property
    def leading_words(self) -> frozenset[str]:
        """Words every match starts with, if the pattern says so (see ``patterns``)."""
        if self.pattern_source is None:
            return frozenset()
        return leading_words(self.pattern_source, self.ignorecase)

    def compile(self) -> None:
        """Compile now: raises RuleError naming the file, rule and problem."""
        _ = self.pattern, self.leading_words

    @property
    def help_text(self) -> str:
        return self.description or self.name
