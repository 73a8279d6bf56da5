"""What a new user sees first: `make demo` over examples/share (issue 12)."""

from __future__ import annotations

from pathlib import Path

from clirunner import CLI

ROOT = Path(__file__).parents[2]
RESUME = "examples/share/応募書類/履歴書_応募者A.docx"


def test_demo_resume_finds_the_applicant_not_the_labels(cli: CLI) -> None:
    code, report = cli.json("scan", RESUME, cwd=ROOT)
    assert code == 1
    (fr,) = report["files"]
    found = {(f["location"].get("cell"), f["type"]): f for f in fr["findings"]}
    # Column 1 holds the form's labels (氏名, フリガナ, 生年月日, 住所, 電話): never a finding.
    assert not [cell for cell, _ in found if cell and cell.endswith("C1")]
    assert found[("T1R1C2", "PERSON_NAME")]["confidence"] == "high"
    assert ("T1R2C2", "PERSON_NAME_KANA") in found
    assert found[("T1R3C2", "BIRTH_DATE")]["confidence"] == "high"
    assert found[("T1R5C2", "PHONE")]["confidence"] == "high"
    # The applicant, not one person per row; the document's author in its metadata says who
    # wrote the file (low, below the default threshold: issue 16).
    names = [f for f in fr["findings"] if f["type"] == "PERSON_NAME"]
    assert len(names) == 1 and fr["people_estimate"] == 1 and fr["below_threshold"] == 1
    code, report = cli.json("scan", "--min-confidence", "low", RESUME, cwd=ROOT)
    (author,) = [f for f in report["files"][0]["findings"]
                 if f["type"] == "PERSON_NAME" and f["location"].get("part") == "metadata:creator"]
    assert author["confidence"] == "low"
