"""What each kind of personal data is: one registry, read by rules, linking, scoring and
reports.

A type (``PHONE``, ``MY_NUMBER``, a user's ``EMPLOYEE_ID``) has labels for people, an APPI
category, a mask style, and the facts that decide how it counts: whether a value singles out
a person (``identifying``), whether it ties a 要配慮 fact to a person (``anchor``), whether a
leak can cause financial damage (``financial``), and its risk points. Built-in types are data
in ``rules/jp/types.yaml``; a rule file may declare more under ``types:``, and they are
reported, masked and scored like the built-in ones.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any


class Category(str, enum.Enum):
    """APPI categories, ordered from least to most sensitive."""

    PERSONAL = "個人情報"
    IDENTIFIER = "個人識別符号"
    MY_NUMBER = "特定個人情報"
    SENSITIVE = "要配慮個人情報"

    @property
    def english(self) -> str:
        return _CATEGORY_EN[self]

    @property
    def label(self) -> str:
        """Japanese name with English beside it, for people."""
        return f"{self.value} ({self.english})"


# Each category's value, for loops over many findings (the enum's ``.value`` is a property
# lookup each time).
CATEGORY_VALUES = {c: c.value for c in Category}

_CATEGORY_EN = {
    Category.PERSONAL: "personal information",
    Category.IDENTIFIER: "personal identification code",
    Category.MY_NUMBER: "specific personal information / My Number",
    Category.SENSITIVE: "special care-required personal information",
}

MASK_STYLES = ("last4", "digits", "email", "name", "generic")


@dataclass(frozen=True)
class PiiType:
    id: str
    ja: str
    en: str
    category: Category
    mask: str = "generic"
    identifying: bool = False  # each distinct value singles out a person
    anchor: bool = False  # ties a 要配慮 fact to a person in the same record or nearby
    financial: bool = False  # a leak can cause financial damage (施行規則7条2号)
    points: int | None = None  # risk points; None: the category's
    breadth: bool = True  # counts as a kind of data when several kinds sit together
    contact: bool = False  # contact data: in a row about a place, the place's, not a person's

    @property
    def label(self) -> str:
        """``電話番号 (phone)``: Japanese first, English beside it."""
        return f"{self.ja} ({self.en})"

    @property
    def sensitive(self) -> bool:
        return self.category == Category.SENSITIVE

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "ja": self.ja, "en": self.en, "category": self.category.value,
                "mask": self.mask, "identifying": self.identifying, "anchor": self.anchor,
                "financial": self.financial, "points": self.points, "breadth": self.breadth,
                "contact": self.contact}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PiiType:
        """From a types.yaml entry or a report's ``types`` section (validated by the
        caller); raises KeyError or ValueError on a missing or bad field."""
        mask = str(data.get("mask", "generic"))
        if mask not in MASK_STYLES:
            raise ValueError(f"unknown mask style '{mask}' (known: {', '.join(MASK_STYLES)})")
        points = data.get("points")
        return cls(id=str(data["id"]), ja=str(data["ja"]), en=str(data["en"]),
                   category=Category(data["category"]), mask=mask,
                   identifying=bool(data.get("identifying", False)),
                   anchor=bool(data.get("anchor", False)),
                   financial=bool(data.get("financial", False)),
                   points=None if points is None else int(points),
                   breadth=bool(data.get("breadth", True)),
                   contact=bool(data.get("contact", False)))


class TypeRegistry(Mapping[str, PiiType]):
    """Types by id. Asking for a type nobody declared (a report from an older piiscan) gives
    a plain personal-information type named by its id, never an error."""

    def __init__(self, types: Iterable[PiiType] = ()) -> None:
        self._types = {t.id: t for t in types}

    def __getitem__(self, type_id: str) -> PiiType:
        return self._types[type_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._types)

    def __len__(self) -> int:
        return len(self._types)

    def info(self, type_id: str) -> PiiType:
        found = self._types.get(type_id)
        return found if found is not None else PiiType(type_id, type_id, type_id.lower(),
                                                       Category.PERSONAL)

    def label(self, type_id: str, short: bool = False) -> str:
        info = self.info(type_id)
        return info.ja if short else info.label

    def with_types(self, types: Iterable[PiiType]) -> TypeRegistry:
        """This registry with more types; a type with a known id replaces it."""
        return TypeRegistry([*self._types.values(), *types])

    def only(self, type_ids: Iterable[str]) -> TypeRegistry:
        return TypeRegistry(self.info(t) for t in sorted(set(type_ids)))

    def where(self, **facts: bool) -> frozenset[str]:
        """Ids of the types with these facts, e.g. ``where(anchor=True)``."""
        return frozenset(t.id for t in self._types.values()
                         if all(getattr(t, k) == v for k, v in facts.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TypeRegistry) and self._types == other._types

    def __hash__(self) -> int:
        return hash(tuple(sorted(self._types)))

    def __repr__(self) -> str:
        return f"TypeRegistry({', '.join(self._types)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (TypeRegistry, (list(self._types.values()),))


@lru_cache(maxsize=1)
def builtin_registry() -> TypeRegistry:
    """The types of ``rules/jp/types.yaml``, loaded once."""
    from piiscan import compiled
    from piiscan.builtin import builtin_types_file

    data = compiled.yaml_data(builtin_types_file().read_bytes())
    return TypeRegistry(PiiType.from_dict(item) for item in data["types"])
