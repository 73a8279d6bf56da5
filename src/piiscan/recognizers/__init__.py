"""Named recognizers: detection logic that a regular expression alone cannot carry.

A rule names a recognizer (``recognizer: person_name``) instead of a pattern when finding a
value needs dictionary look-ups and choices (which part of a kanji run is the surname,
where an address ends). A recognizer yields ``Candidate`` spans with a confidence and its
reasons; the engine then applies the rule's context, exclusions and confidence policy as
for any pattern rule. Like validators, recognizers are code that rules point at by name:
each is small, tested and documented, and loads its dictionaries lazily.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from piiscan.models import Level


@dataclass(frozen=True)
class Candidate:
    start: int
    end: int
    confidence: Level
    reasons: tuple[str, ...] = ()


Recognizer = Callable[[str, "str | None"], Iterator[Candidate]]

# name -> "module:function" under piiscan.recognizers, imported on first use
REGISTRY: dict[str, str] = {
    "person_name": "names:person_names",
    "person_name_kana": "names:kana_names",
    "address": "address:addresses",
}


def _name_possible(text: str, header: str | None) -> bool:
    # In ASCII-only text a name comes only from a name column or a 'Name:' label.
    if not text.isascii() or "ame" in text or "AME" in text:
        return True
    from piiscan.recognizers.names import is_name_header

    return header is not None and is_name_header(header)


def _kana_possible(text: str, header: str | None) -> bool:
    return not text.isascii()


def _address_possible(text: str, header: str | None) -> bool:
    # Every municipality name ends in one of these; a column says so of kana and romaji.
    return "市" in text or "区" in text or "町" in text or "村" in text or (
        header is not None and _reading_address_column(header))


@lru_cache(maxsize=1 << 16)
def _reading_address_column(header: str) -> bool:
    from piiscan import columns

    return columns.kind_of(header) in columns.ADDRESS_READINGS


# Cheap checks on a text that hold whenever the recognizer could find something in it: the
# engine calls no recognizer on the (many) table cells, nor on the long texts (an ASCII log,
# a chunk of source code), where its check fails. Each costs a few substring searches.
GATES: dict[str, Callable[[str, str | None], bool]] = {
    "person_name": _name_possible,
    "person_name_kana": _kana_possible,
    "address": _address_possible,
}


def get(name: str) -> Recognizer:
    """The recognizer called ``name`` (KeyError if there is none). Its module, with its
    dictionaries and patterns, is imported when it is first called, not when the rules load:
    a pre-commit run over code files never pays for the name dictionaries."""
    module_name, _, func = REGISTRY[name].partition(":")
    found: list[Recognizer] = []

    def recognize(text: str, header: str | None) -> Iterator[Candidate]:
        if not found:
            module = importlib.import_module(f"piiscan.recognizers.{module_name}")
            found.append(getattr(module, func))
        return found[0](text, header)

    recognize.__name__ = func
    return recognize
