"""Expand the structural label specs of the independent set into entity lists.

    .venv/bin/python benchmarks/eval/independent/label.py \
        --files /work/evaldata/independent/files [ID ...]      # print what each spec gives

Each file of the set has ``labels/<id>.json``. Small files are labelled by hand: the
``entities`` list is written by a person who read the file (``"method": "manual"``).
Large or regular files are labelled by their own structure, never by piiscan: the label
file holds a ``spec`` saying which column, tuple position or key holds which kind of
personal data (and ``extra`` entities a person added by hand), and nothing else; the
entities are expanded from the assembled file (for a converted file, from the source table
assemble.py keeps beside the set) when the set is evaluated (truth.py), so no label file
repeats a whole table.
The spec and its ``notes`` document what was labelled and why (for example "9-digit
values in the phone column are left out: no Japanese number has 9 digits").

Spec methods:

- ``columns``: a CSV/TSV table (or the source table of a converted file): ``fields`` is a
  list of ``{type, cols: [1-based column numbers], sep}``; the columns of one row are
  joined with ``sep`` into one value (a name split into 姓 and 名 is one name), empty
  values are skipped. ``match`` / ``exclude`` keep only values a regex finds / does not find (a notes
  column labelled only where it states a condition). ``table`` limits a field to one
  table's INSERTs. ``strip`` is a regex removed from the value (a relation in brackets after a name).
  Placeholders are never labelled: see ``plausible``.
- ``sql``: the ``VALUES (...)`` tuples of INSERT statements: ``fields`` as above with
  1-based tuple positions; ``table`` limits it to one table's INSERTs.
- ``kv``: ``key: "value"`` pairs (Ruby, YAML, JS/TS objects, FSH ``* key = "value"``):
  ``keys`` maps a key to a type; ``join`` lists key groups whose i-th values are joined
  (``[["last_name", "first_name"], "PERSON_NAME", " "]``).

Every entity carries ``where``: ``row`` for tables (the file's row number, header = 1, as
piiscan counts), ``line`` for text. Entities of ``manual`` files are kept as written.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels"
sys.path.insert(0, str(HERE))

import assemble  # noqa: E402


def _tokens(body: str, offset: int) -> list[tuple[str, int]]:
    """Split one tuple's body on top-level commas: (value without quotes, offset)."""
    values: list[tuple[str, int]] = []
    depth, quote, start, i = 0, "", 0, 0
    while i <= len(body):
        ch = body[i] if i < len(body) else ","
        if quote:
            if (ch == quote and body[i + 1 : i + 2] == quote) or ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "," and depth == 0:
            raw = body[start:i].strip()
            lead = len(body[start:i]) - len(body[start:i].lstrip())
            if raw[:2] in ("N'",):
                raw = raw[1:]
            if len(raw) >= 2 and raw[0] == raw[-1] and raw[0] in "'\"":
                raw = raw[1:-1].replace(raw[0] * 2, raw[0])
            values.append((raw, offset + start + lead))
            start = i + 1
        i += 1
    return values


def _tuples(text: str, start: int) -> list[tuple[str, int]]:
    """Top-level parenthesised groups after VALUES, up to the statement's semicolon."""
    groups: list[tuple[str, int]] = []
    depth, quote, open_at, i = 0, "", -1, start
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote and text[i + 1 : i + 2] == quote:
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "(":
            if depth == 0:
                open_at = i + 1
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                groups.append((text[open_at:i], open_at))
        elif ch == ";" and depth == 0:
            break
        i += 1
    return groups



def plausible(etype: str, value: str) -> bool:
    """Placeholders are not personal data: ``000-0000-0000``, ``1111111``, ``111-1111-1111``.

    A phone number starts with one 0 (an area or mobile code never starts with 0) and has
    10 or 11 digits (+81 allowed); a postal
    code has 7 digits that are not all the same and not ``1234567``.
    """
    digits = re.sub(r"[^0-9]", "", value)
    if etype == "PHONE":
        if value.strip().startswith("+81"):
            digits = "0" + digits[2:]
        return (
            digits[:1] == "0" and digits[1:2] != "0" and len(digits) in (10, 11)
            and len(set(digits[1:])) > 1
        )
    if etype == "POSTAL_CODE":
        return len(digits) == 7 and len(set(digits)) > 1 and digits != "1234567"
    if etype == "EMAIL":
        return bool(re.fullmatch(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}", value.strip()))
    return True


def _emit(fields: list[dict[str, Any]], cells: list[str], where: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for f in fields:
        parts = [cells[c - 1].strip() for c in f["cols"] if c - 1 < len(cells)]
        parts = [p for p in parts if p and p.upper() != "NULL"]
        if not parts:
            continue
        value = f.get("sep", "").join(parts)
        if f.get("strip"):
            value = re.sub(f["strip"], "", value).strip()
        if not value or value in f.get("skip_values", []) or not plausible(f["type"], value):
            continue
        if f.get("match") and not re.search(f["match"], value):
            continue
        if f.get("exclude") and re.search(f["exclude"], value):
            continue
        out.append({"type": f["type"], "value": value, "where": dict(where)})
    return out


def label_columns(spec: dict[str, Any], blob: bytes, convert: str) -> list[dict[str, Any]]:
    if convert:
        rows = assemble.table_rows(blob, convert)
        has_header = assemble.params(convert)[1].get("header") != "none"
    else:
        text = blob.decode(spec.get("encoding", "utf-8-sig"))
        rows = list(csv.reader(io.StringIO(text), delimiter=spec.get("delimiter", ",")))
        has_header = spec.get("header_rows", 1) > 0
    out: list[dict[str, Any]] = []
    first = spec.get("header_rows", 1 if has_header else 0)
    for number, cells in enumerate(rows, start=1):
        if number <= first or not any(c.strip() for c in cells):
            continue
        if number in spec.get("skip_rows", []):
            continue
        out += _emit(spec["fields"], cells, {"row": number})
    return out


def label_sql(spec: dict[str, Any], blob: bytes) -> list[dict[str, Any]]:
    text = blob.decode(spec.get("encoding", "utf-8"))
    out: list[dict[str, Any]] = []
    table = spec.get("table")
    for stmt in re.finditer(r"insert\s+into\s+([^\s(]+)[^;]*?values\s*", text, re.I | re.S):
        name = stmt.group(1).strip('`"').split(".")[-1].lower()
        if table and name != table.lower():
            continue
        for body, at in _tuples(text, stmt.end()):
            cells = _tokens(body, at)
            for f in spec["fields"]:
                if f.get("table") and f["table"].lower() != name:
                    continue
                found = _emit([f], [c for c, _ in cells], {})
                if found:
                    pos = cells[f["cols"][0] - 1][1]
                    found[0]["where"] = {"line": text.count("\n", 0, pos) + 1}
                    out += found
    return out


def label_kv(spec: dict[str, Any], blob: bytes) -> list[dict[str, Any]]:
    text = blob.decode(spec.get("encoding", "utf-8"))
    found: dict[str, list[tuple[str, int]]] = {}
    pattern = re.compile(
        r"""(?<![\w.])["']?([A-Za-z_][\w.\[\]=+]*)["']?\s*(?::|=>|=)\s*(?:\{\s*)?["']([^"'\n]*)["']"""
    )
    for m in pattern.finditer(text):
        key = re.sub(r"\[[^\]]*\]", "", m.group(1)).split(".")[-1] if spec.get("dotted") else m.group(1)
        found.setdefault(key, []).append((m.group(2), text.count("\n", 0, m.start()) + 1))
    out: list[dict[str, Any]] = []
    joined = {k for group, _, _ in spec.get("join", []) for k in group}
    for keys, etype, sep in spec.get("join", []):
        for items in zip(*(found.get(k, []) for k in keys), strict=False):
            value = sep.join(v for v, _ in items if v)
            if value and value not in spec.get("skip_values", []):
                out.append({"type": etype, "value": value, "where": {"line": items[0][1]}})
    for key, etype in spec.get("keys", {}).items():
        if key in joined:
            continue
        for value, line in found.get(key, []):
            if not value or value in spec.get("skip_values", []) or not plausible(etype, value):
                continue
            out.append({"type": etype, "value": value, "where": {"line": line}})
    return out


def expand(label: dict[str, Any], entry: assemble.Entry, files: Path,
           sources: Path | None = None) -> list[dict[str, Any]]:
    """The entities of one file: written by hand, or expanded from its spec and the file
    (a converted file's source table, kept by assemble.py under ``sources``)."""
    spec = label.get("spec")
    if label.get("method") == "manual" or not spec:
        return list(label.get("entities", []))
    sources = sources or files.parent / "sources"
    path = assemble.source_path(sources, entry) if entry.convert else files / entry.relpath
    if not path.is_file():
        raise SystemExit(f"{entry.id}: {path} is missing; run assemble.py first")
    blob = path.read_bytes()
    if spec["method"] == "columns":
        found = label_columns(spec, blob, entry.convert)
    elif spec["method"] == "sql":
        found = label_sql(spec, blob)
    elif spec["method"] == "kv":
        found = label_kv(spec, blob)
    else:
        raise SystemExit(f"{entry.id}: unknown spec method {spec['method']!r}")
    return found + list(label.get("extra", []))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=Path, default=Path("/work/evaldata/independent/files"))
    parser.add_argument("--sources", type=Path, default=None)
    parser.add_argument("ids", nargs="*")
    args = parser.parse_args(argv)
    entries = {e.id: e for e in assemble.read_manifest()}
    for ident in args.ids or sorted(entries):
        label = json.loads((LABELS / f"{ident}.json").read_text("utf-8"))
        found = expand(label, entries[ident], args.files, args.sources)
        print(f"{ident}: {len(found)} entities ({label.get('method', 'spec')})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
