"""docs/risk.md promises a level, triggers and flags for each file of a generated folder;
a real scan of that folder must give exactly those."""

from __future__ import annotations

import json
import re
from pathlib import Path

from riskshare import RETENTION_DAYS, make_share

from clirunner import CLI

DOC = Path(__file__).parents[2] / "docs" / "risk.md"


def documented() -> tuple[dict[str, tuple[str, set[str], set[str]]], list[str]]:
    text = DOC.read_text("utf-8")
    block = re.search(r"<!-- generated-folder: begin -->(.*?)<!-- generated-folder: end -->",
                      text, re.S)
    assert block, "docs/risk.md lost its generated-folder table"
    rows: dict[str, tuple[str, set[str], set[str]]] = {}
    for line in block.group(1).strip().splitlines()[2:]:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        name, _, level, triggers, flags = cells

        def ids(cell: str) -> set[str]:
            return {x.strip() for x in cell.split(",") if x.strip()}

        rows[name] = (level, ids(triggers), ids(flags))
    whole = re.search(r"Whole scan: triggers `([^`]*)`", text)
    assert whole
    return rows, [t.strip() for t in whole.group(1).split(",")]


def test_generated_folder_matches_docs_risk_md(tmp_path: Path) -> None:
    share, rule = make_share(tmp_path)
    expected, whole = documented()
    assert set(expected) == {p.name for p in share.iterdir()}, "table and folder disagree"
    out = tmp_path / "result.json"
    proc = CLI().run("scan", str(share), "--rules", str(rule), "--retention-days",
                     str(RETENTION_DAYS), "-o", str(out), "-q")
    assert proc.returncode == 1, proc.stderr
    data = json.loads(out.read_text("utf-8"))
    actual = {Path(f["path"]).name: (f["risk"]["level"], set(f["triggers"]), set(f["flags"]))
              for f in data["files"]}
    assert actual == expected
    assert data["summary"]["triggers"] == whole
    for f in data["files"]:  # the reasons say why, in words
        assert bool(f["risk"]["reasons"]) == (f["risk"]["level"] != "none")
