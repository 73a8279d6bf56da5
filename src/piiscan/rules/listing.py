"""`piiscan rules list`: the rules as a table for people and as JSON for scripts.

Ids are what ``--disable-rule`` and rule files refer to, so the table never cuts one: the id
column is as wide as the longest id and only the names wrap.
"""

from __future__ import annotations

import json
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from piiscan.rules.loader import RuleSet, builtin_rules_dir

NARROW = 100


def rule_dicts(ruleset: RuleSet) -> list[dict[str, Any]]:
    builtin = str(builtin_rules_dir())
    return [{"id": r.id, "name": r.name, "type": r.type, "category": r.category.value,
             "severity": str(r.severity), "confidence": str(r.confidence),
             "builtin": r.source.startswith(builtin), "source": r.source,
             "description": r.description}
            for r in sorted(ruleset.rules, key=lambda r: r.id)]


def render_json(ruleset: RuleSet) -> bytes:
    return (json.dumps(rule_dicts(ruleset), ensure_ascii=False, indent=2) + "\n").encode()


def print_table(ruleset: RuleSet, console: Console) -> None:
    """Under NARROW columns the category is left out, so the ids and names keep room."""
    rules = sorted(ruleset.rules, key=lambda r: r.id)
    wide = console.width >= NARROW
    table = Table(title=f"{len(rules)} rules", title_justify="left", box=box.SIMPLE_HEAD)
    table.add_column("id", no_wrap=True, min_width=max((len(r.id) for r in rules), default=2))
    table.add_column("type", no_wrap=True)
    if wide:
        table.add_column("区分 category", no_wrap=True)
    table.add_column("severity", no_wrap=True)
    table.add_column("名称 name", overflow="fold", min_width=8)
    for r in rules:
        cells = [r.id, r.type, *([r.category.value] if wide else []), str(r.severity), r.name]
        table.add_row(*cells)
    console.print(table)
