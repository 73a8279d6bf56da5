"""What the layout promises (docs/design.md): raw values are hashed in one module only.
The arrows between the parts are checked by import-linter ([tool.importlinter] in
pyproject.toml, run by `make lint`)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "piiscan"
KEYED_HASHES = {("hmac", None), ("hashlib", "scrypt"), ("hashlib", "pbkdf2_hmac")}


def _keyed_hash_uses(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if (a.name, None) in KEYED_HASHES]
        elif isinstance(node, ast.ImportFrom) and node.module == "hmac":
            found.append("from hmac import ...")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and (node.value.id, node.attr) in KEYED_HASHES:
            found.append(f"{node.value.id}.{node.attr}")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr.startswith("blake2") \
                and any(k.arg == "key" for k in node.keywords):
            found.append(f"keyed {node.func.attr}")
    return found


def test_only_mask_computes_keyed_hashes() -> None:
    offenders = {}
    for path in SRC.rglob("*.py"):
        if path == SRC / "mask.py":
            continue
        uses = _keyed_hash_uses(ast.parse(path.read_text(encoding="utf-8")))
        if uses:
            offenders[str(path.relative_to(SRC))] = uses
    assert offenders == {}, "keyed hashes of values belong in piiscan/mask.py"
    assert _keyed_hash_uses(ast.parse((SRC / "mask.py").read_text(encoding="utf-8")))
