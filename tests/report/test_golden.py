"""Golden files: each reporter's output for the fixed sample result (conftest.build_sample).

Regenerate after an intended change with

    PIISCAN_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report/test_golden.py

and read the diff before committing it.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from reportsample import GOLDEN, build_sample

from piiscan import report

UPDATE = os.environ.get("PIISCAN_UPDATE_GOLDEN") == "1"
# Not named report.*: the repository's .gitignore keeps report*.json, *.html ... out of git.
TEXT_FORMATS = {"table": "sample.txt", "json": "sample.json", "jsonl": "sample.jsonl",
                "csv": "sample.csv", "sarif": "sample.sarif", "html": "sample.html"}


def xlsx_cells(data: bytes) -> dict[str, Any]:
    """What a person sees in the workbook: every sheet's non-empty cells, as text."""
    wb = load_workbook(io.BytesIO(data))
    out: dict[str, Any] = {}
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            cells = {c.coordinate: str(c.value) for c in row if c.value not in (None, "")}
            if cells:
                rows.append(cells)
        out[ws.title] = rows
    return out


def check(path: Path, actual: bytes) -> None:
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        return
    assert path.exists(), f"missing golden {path.name}: run with PIISCAN_UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    if actual != expected:
        a, e = actual.decode("utf-8").splitlines(), expected.decode("utf-8").splitlines()
        pairs = enumerate(zip(a, e, strict=False))
        first = next((i for i, (x, y) in pairs if x != y), min(len(a), len(e)))
        pytest.fail(f"{path.name} differs from its golden at line {first + 1}:\n"
                    f"  expected: {e[first] if first < len(e) else '<end>'}\n"
                    f"  actual:   {a[first] if first < len(a) else '<end>'}")


@pytest.mark.usefixtures("fixed_version")
@pytest.mark.parametrize("fmt", sorted(TEXT_FORMATS))
def test_golden_text(fmt: str) -> None:
    check(GOLDEN / TEXT_FORMATS[fmt], report.get(fmt)(build_sample()))


@pytest.mark.usefixtures("fixed_version")
def test_golden_xlsx() -> None:
    cells = xlsx_cells(report.get("xlsx")(build_sample()))
    text = json.dumps(cells, ensure_ascii=False, indent=1) + "\n"
    check(GOLDEN / "sample.xlsx.json", text.encode("utf-8"))


@pytest.mark.usefixtures("fixed_version")
def test_rendering_is_deterministic() -> None:
    for fmt in (*TEXT_FORMATS, "xlsx"):
        render = report.get(fmt)
        if fmt == "xlsx":
            assert xlsx_cells(render(build_sample())) == xlsx_cells(render(build_sample()))
        else:
            assert render(build_sample()) == render(build_sample()), fmt
