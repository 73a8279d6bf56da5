"""The EDM schema: which columns of a customer master are hashed, and as what.

    # edm.yaml
    name: 顧客マスタ
    id_column: 顧客ID              # reported as the row ("row 1001"); default: the row number
    primary:                       # values a pattern rule finds; each one alone is a match
      - {column: 電話番号, type: PHONE}
      - {column: メールアドレス, type: EMAIL}
      - {column: 個人番号, type: MY_NUMBER}
      - {column: 会員番号, type: MEMBER_ID}      # a type a rule file declares, with its rule
    corroborating:                 # near a primary value, they confirm the row
      - {column: 氏名, type: PERSON_NAME}
      - {column: フリガナ, type: PERSON_NAME_KANA}
      - {column: [都道府県, 住所], type: ADDRESS}  # several columns, joined
      - {column: 生年月日, type: BIRTH_DATE}

The file is checked against ``schema.json`` beside this module; every problem is one line
naming the file and the field. The types are checked against the rules a scan will use:
a primary type must be found by some pattern rule, or nothing would ever be looked up.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from piiscan.errors import ConfigError
from piiscan.models import Category

ColumnRef = str | int

# Corroborating types: the ones a scan can find near a primary value without a rule.
CORROBORATING_TYPES = ("PERSON_NAME", "PERSON_NAME_KANA", "ADDRESS", "BIRTH_DATE")
NAME_TYPES = ("PERSON_NAME", "PERSON_NAME_KANA")  # also hashed by their first characters
DEFAULT_WINDOW = 60


@dataclass(frozen=True)
class Column:
    """One hashed column: a header name or a 1-based number, or several joined by a space
    (an address split into 都道府県 / 市区町村 / 番地)."""

    refs: tuple[ColumnRef, ...]
    type: str

    @property
    def label(self) -> str:
        return "+".join(str(r) for r in self.refs)


@dataclass(frozen=True)
class EdmSchema:
    path: str
    primary: tuple[Column, ...]
    corroborating: tuple[Column, ...] = ()
    id_column: ColumnRef | None = None
    name: str = "customer master"
    sheet: str | None = None
    header_row: int = 1
    window: int = DEFAULT_WINDOW

    @classmethod
    def load(cls, path: str | Path) -> EdmSchema:
        import yaml

        name = str(path)
        try:
            data = yaml.safe_load(Path(path).read_bytes())
        except OSError as exc:
            raise ConfigError(f"{name}: cannot read the EDM schema: {exc.strerror}") from None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}: " if mark is not None else ""
            raise ConfigError(f"{name}: invalid YAML: {where}"
                              f"{getattr(exc, 'problem', None) or exc}") from None
        validate(name, data)
        schema = cls(
            path=name,
            primary=tuple(_column(c) for c in data["primary"]),
            corroborating=tuple(_column(c) for c in data.get("corroborating", ())),
            id_column=data.get("id_column"),
            name=data.get("name", "customer master"),
            sheet=data.get("sheet"),
            header_row=int(data.get("header_row", 1)),
            window=int(data.get("window", DEFAULT_WINDOW)),
        )
        schema._check_columns()
        return schema

    def _check_columns(self) -> None:
        if self.header_row == 0:
            named = [(f, c) for f, c in self._refs() if isinstance(c, str)]
            if named:
                field, ref = named[0]
                raise self.error(field, f"'{ref}' is a column name, but header_row is 0 (no "
                                        "header): give column numbers (1 = first column)")
        hashed = {ref for field, ref in self._refs() if field != "id_column"}
        if self.id_column is not None and self.id_column in hashed:
            raise self.error("id_column", f"'{self.id_column}' is also hashed: the id column "
                                          "is stored and reported as it is, so it must be an "
                                          "internal key, not a value to protect")
        for group, columns in (("primary", self.primary),
                               ("corroborating", self.corroborating)):
            for index, column in enumerate(columns):
                if column.type in CORROBORATING_TYPES and group == "primary":
                    raise self.error(f"primary.{index}.type",
                                     f"{column.type} cannot be primary (too many people "
                                     "share one); list it under corroborating")

    def _refs(self) -> list[tuple[str, ColumnRef]]:
        out: list[tuple[str, ColumnRef]] = []
        if self.id_column is not None:
            out.append(("id_column", self.id_column))
        for group, columns in (("primary", self.primary),
                               ("corroborating", self.corroborating)):
            for index, column in enumerate(columns):
                out += [(f"{group}.{index}.column", ref) for ref in column.refs]
        return out

    def error(self, field: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: field '{field}': {problem}")

    def check_types(self, rules: Any) -> None:
        """Each primary type must be one a pattern rule of ``rules`` (a RuleSet) finds, and
        not sensitive data: a value no rule proposes is never looked up."""
        types = rules.types
        found_by = {r.type for r in rules.rules if r.pattern_source is not None}
        for index, column in enumerate(self.primary):
            if column.type not in types:
                raise self.error(f"primary.{index}.type",
                                 f"unknown type '{column.type}': use a built-in type or "
                                 "declare it in a rule file given with --rules")
            if types[column.type].category == Category.SENSITIVE:
                raise self.error(f"primary.{index}.type",
                                 f"{column.type} is 要配慮個人情報, not an identifier")
            if column.type not in found_by:
                raise self.error(f"primary.{index}.type",
                                 f"no pattern rule finds {column.type}: add a rule for it "
                                 "(--rules) or use another type")

    @property
    def columns(self) -> tuple[Column, ...]:
        return (*self.primary, *self.corroborating)


def _column(item: dict[str, Any]) -> Column:
    refs = item["column"]
    return Column(tuple(refs) if isinstance(refs, list) else (refs,), str(item["type"]))


@lru_cache(maxsize=1)
def _json_schema() -> dict[str, Any]:
    text = (Path(__file__).resolve().parent / "schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def validate(name: str, data: Any) -> None:
    """Raise a one-line ConfigError naming the file and the first field that is wrong."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(_json_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return
    from piiscan.rules.loader import schema_problem

    error = errors[0]
    field: str | None = ".".join(str(p) for p in error.absolute_path) or None
    if error.validator == "oneOf":  # only column references are one of several shapes
        problem = (f"{error.instance!r} is not a column name, a column number (1 is the "
                   "first) or a list of them")
    elif error.validator == "pattern" and (field or "").endswith("type"):
        problem = f"'{error.instance}' is not a type id: upper case, like PHONE"
    else:
        field, problem = schema_problem(error, field)
    if not field:
        raise ConfigError(f"{name}: {problem}")
    raise ConfigError(f"{name}: field '{field}': {problem}")
