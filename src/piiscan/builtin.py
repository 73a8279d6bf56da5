"""Where the data piiscan ships lives: the built-in rules and type definitions.

``piiscan/builtin_rules`` in an installed wheel; the top-level ``rules/`` folder in a source
checkout (pyproject.toml force-includes one as the other).
"""

from __future__ import annotations

from pathlib import Path

# The package is installed as files (its data is read with open()), so its folder is where
# this module is; importlib.resources would say the same and cost a pre-commit hook ~5 ms of
# imports (zipfile, tempfile).
_PACKAGE = Path(__file__).resolve().parent
_SOURCE_TREE_RULES = _PACKAGE.parents[1] / "rules"


def builtin_rules_dir() -> Path:
    packaged = _PACKAGE / "builtin_rules"
    if packaged.is_dir():
        return packaged
    return _SOURCE_TREE_RULES


def builtin_types_file() -> Path:
    return builtin_rules_dir() / "jp" / "types.yaml"
