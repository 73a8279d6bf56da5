"""Where the data piiscan ships lives: the built-in rules and type definitions.

``piiscan/builtin_rules`` in an installed wheel; the top-level ``rules/`` folder in a source
checkout (pyproject.toml force-includes one as the other).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

_SOURCE_TREE_RULES = Path(__file__).resolve().parents[2] / "rules"


def builtin_rules_dir() -> Path:
    packaged = Path(str(resources.files("piiscan"))) / "builtin_rules"
    if packaged.is_dir():
        return packaged
    return _SOURCE_TREE_RULES


def builtin_types_file() -> Path:
    return builtin_rules_dir() / "jp" / "types.yaml"
