"""Regular expressions compiled on first use.

``re`` compiles a character class over the CJK ranges one character at a time: a pattern
with a kanji class takes 1-5 ms to compile. A module that compiles a dozen of them when it
is imported costs every process that much, whether or not a text ever needs them (a
pre-commit run over three source files needs none of the name patterns). A pattern that
only some texts need is declared with ``lazy`` and compiled the first time it is used:

    _LABEL = lazy(f"(?:{LABELS})[:：]")
    for m in _LABEL().finditer(text): ...
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache


def lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function that returns ``re.compile(pattern, flags)``, compiled once, when first
    called."""

    @cache
    def compiled() -> re.Pattern[str]:
        return re.compile(pattern, flags)

    return compiled
