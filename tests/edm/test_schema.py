"""The EDM schema: one-line errors that name the file and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from piiscan.edm.schema import EdmSchema
from piiscan.errors import ConfigError
from piiscan.rules.loader import load_ruleset

import edmkit


def schema(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edm.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_schema_loads(tmp_path: Path) -> None:
    path, rules = edmkit.write_schema(tmp_path)
    loaded = EdmSchema.load(path)
    assert [c.type for c in loaded.primary] == ["PHONE", "EMAIL", "MY_NUMBER", "MEMBER_ID"]
    assert loaded.corroborating[0].refs == ("氏名",)
    assert loaded.id_column == "顧客ID" and loaded.window == 60 and loaded.header_row == 1
    loaded.check_types(load_ruleset((str(rules),)))


def test_columns_by_number_and_joined(tmp_path: Path) -> None:
    loaded = EdmSchema.load(schema(tmp_path, """
header_row: 0
primary: [{column: 3, type: PHONE}]
corroborating: [{column: [5, 6, 7], type: ADDRESS}]
"""))
    assert loaded.primary[0].refs == (3,)
    assert loaded.corroborating[0].refs == (5, 6, 7)
    assert loaded.corroborating[0].label == "5+6+7"


@pytest.mark.parametrize(("text", "message"), [
    ("name: x\n", "edm.yaml: field 'primary': is required"),
    ("primary: []\n", "edm.yaml: field 'primary': [] should be non-empty"),
    ("primary: [{column: 電話, type: PHONE}]\nwindows: 3\n",
     "edm.yaml: unknown field ('windows' was unexpected)"),
    ("primary: [{column: 電話, type: phone}]\n",
     "edm.yaml: field 'primary.0.type': 'phone' is not a type id"),
    ("primary: [{column: 電話}]\n", "edm.yaml: field 'primary.0.type': is required"),
    ("primary: [{column: 電話, type: PHONE}]\ncorroborating: [{column: 病名, type: "
     "SENSITIVE_MEDICAL}]\n", "edm.yaml: field 'corroborating.0.type': 'SENSITIVE_MEDICAL' is "
     "not one of"),
    ("primary: [{column: 氏名, type: PERSON_NAME}]\n",
     "edm.yaml: field 'primary.0.type': PERSON_NAME cannot be primary"),
    ("id_column: 電話\nprimary: [{column: 電話, type: PHONE}]\n",
     "edm.yaml: field 'id_column': '電話' is also hashed"),
    ("header_row: 0\nprimary: [{column: 電話, type: PHONE}]\n",
     "edm.yaml: field 'primary.0.column': '電話' is a column name, but header_row is 0"),
    ("primary: [{column: 0, type: PHONE}]\n",
     "edm.yaml: field 'primary.0.column': 0 is not a column name"),
    ("primary: [{column: 電話, type: PHONE}\n", "edm.yaml: invalid YAML: line"),
])
def test_mistakes_are_one_line_naming_the_field(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        EdmSchema.load(schema(tmp_path, text))
    text = str(caught.value)
    assert text.startswith(str(tmp_path / "edm.yaml")[: -len("edm.yaml")])
    assert message in text, text
    assert "\n" not in text


@pytest.mark.parametrize(("type_id", "message"), [
    ("CUSTOMER_ID", "unknown type 'CUSTOMER_ID': use a built-in type or declare it"),
    ("SENSITIVE_MEDICAL", "is 要配慮個人情報, not an identifier"),
])
def test_types_are_checked_against_the_rules(tmp_path: Path, type_id: str,
                                             message: str) -> None:
    loaded = EdmSchema.load(schema(tmp_path, f"primary: [{{column: a, type: {type_id}}}]\n"))
    with pytest.raises(ConfigError, match=message):
        loaded.check_types(load_ruleset())


def test_a_type_no_pattern_rule_finds_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "types.yaml"
    rules.write_text("types:\n  - {id: CUSTOMER_ID, ja: 顧客番号, en: customer id, "
                     "category: 個人情報}\n", encoding="utf-8")
    loaded = EdmSchema.load(schema(tmp_path, "primary: [{column: a, type: CUSTOMER_ID}]\n"))
    with pytest.raises(ConfigError, match="no pattern rule finds CUSTOMER_ID"):
        loaded.check_types(load_ruleset((str(rules),)))


def test_an_unreadable_schema(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the EDM schema"):
        EdmSchema.load(tmp_path / "missing.yaml")
