from __future__ import annotations

from pathlib import Path

import pytest

from piiscan.errors import RuleError
from piiscan.rules.loader import load_file, load_ruleset

GOOD = """
rules:
  - id: acme.staff_id
    name: 社員番号
    type: RESIDENT_CODE
    category: 個人識別符号
    severity: medium
    pattern: 'ACME-[0-9]{6}'
    examples:
      match: ['ACME-123456']
      no_match: ['ACME-12']
"""


def write(tmp_path: Path, text: str, name: str = "r.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_user_rule_loads_and_overrides_by_id(tmp_path: Path) -> None:
    write(tmp_path, GOOD.replace("acme.staff_id", "jp.email"))
    ruleset = load_ruleset((str(tmp_path),))
    assert ruleset.by_id()["jp.email"].name == "社員番号"


def test_disable_rule(tmp_path: Path) -> None:
    ruleset = load_ruleset(disabled=("jp.email",))
    assert "jp.email" not in ruleset.by_id()
    with pytest.raises(RuleError, match="no rule with id nope"):
        load_ruleset(disabled=("nope",))


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (("severity: medium", "severity: extreme"), "severity", "is not one of"),
        (("pattern: 'ACME-[0-9]{6}'", "pattern: 'ACME-[0-9'"), "pattern",
         "invalid regular expression"),
        (("    severity: medium\n", ""), "severity", "is required"),
        (("type: RESIDENT_CODE", "type: SHOE_SIZE"), "type", "unknown type 'SHOE_SIZE'"),
        (("    examples:", "    validator: nosuch\n    examples:"), "validator",
         "unknown validator 'nosuch'"),
        (("    examples:", "    colour: red\n    examples:"), None, "unknown field"),
        (("    examples:", "    exclude: {columns: [emails]}\n    examples:"), None,
         "'emails' is not one of ['names', 'addresses', 'identifiers']"),
    ],
)
def test_broken_rule_names_file_rule_and_field(tmp_path: Path, change: tuple[str, str],
                                               field: str | None, problem: str) -> None:
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(RuleError) as info:
        load_file(path)
    err = info.value
    assert err.file == str(path)
    assert err.rule_id == "acme.staff_id"
    if field:
        assert err.field == field
    assert problem in str(err)
    assert str(path) in str(err) and "acme.staff_id" in str(err)


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "rules:\n  - id: x\n    name: [unclosed\n")
    with pytest.raises(RuleError, match=r"invalid YAML: line \d+"):
        load_file(path)


def test_missing_examples_is_an_error(tmp_path: Path) -> None:
    text = GOOD.replace("      no_match: ['ACME-12']\n", "")
    with pytest.raises(RuleError) as info:
        load_file(write(tmp_path, text))
    assert info.value.field == "examples.no_match"


@pytest.mark.parametrize("key", ["columns", "organisations", "people"])
def test_a_user_rule_file_cannot_change_the_column_table(tmp_path: Path, key: str) -> None:
    value = {"columns": "[{kind: X, label: x}]", "organisations": "{contains: [会社]}",
             "people": "[users]"}[key]
    with pytest.raises(RuleError, match=f"remove '{key}'"):
        load_file(write(tmp_path, GOOD + f"{key}: {value}\n"))
