"""Every built-in rule is schema-valid and passes its own match/no_match examples."""

from __future__ import annotations

import pytest
import yaml

from piiscan.rules.loader import builtin_rules_dir, load_file, rule_files, validate_schema
from piiscan.rules.prescan import BACKEND_ENV
from piiscan.rules.rule import Rule
from piiscan.rules.selftest import check_rule

FILES = rule_files(builtin_rules_dir())
RULES: list[Rule] = [rule for f in FILES for rule in load_file(f)]


def test_builtin_rules_exist() -> None:
    types = {r.type for r in RULES}
    assert {"MY_NUMBER", "CREDIT_CARD", "PHONE", "EMAIL", "POSTAL_CODE"} <= types


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_rule_file_matches_schema(path) -> None:  # type: ignore[no-untyped-def]
    validate_schema(str(path), yaml.safe_load(path.read_bytes()))


@pytest.mark.parametrize("backend", ["hyperscan", "python"])
@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_examples(rule: Rule, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """In both word-scanner backends (issue 15): Hyperscan and the tries for ``re``."""
    monkeypatch.setenv(BACKEND_ENV, backend)
    assert rule.match_examples and rule.no_match_examples
    failures = check_rule(rule)
    assert not failures, "\n".join(map(str, failures))


def test_rule_ids_are_unique() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))


def test_keywords_are_written_as_the_scanner_reads_text() -> None:
    """Text is NFKC-normalised before matching: a keyword in full-width form ('例：',
    'ＴＥＬ') would never be found."""
    from piiscan.normalize import normalize

    unread = [(r.id, w) for r in RULES for words in (r.context_keywords, r.exclude_keywords)
              if words is not None for w in words.words if normalize(w) != w]
    assert not unread
