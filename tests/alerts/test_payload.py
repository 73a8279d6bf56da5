"""What an alert says: masked locations, counts by level, chat limits; never a value."""

from __future__ import annotations

import json

import pytest

from piiscan.alerts.payload import (
    FILES_LISTED,
    build_alert,
    mask_location,
    to_json,
    to_slack,
    to_teams,
    to_text,
)
from piiscan.pii_types import builtin_registry
from piiscan.state.diff import RunDiff
from piiscan.state.store import FileRow, FindingRow, RunInfo


@pytest.mark.parametrize(("location", "masked"), [
    ("a/名簿.csv!B12", "a/名簿.csv!B12"),
    ("a/名簿.csv:3:14", "a/名簿.csv:3:14"),
    ("a/名簿.csv:row 7", "a/名簿.csv:row 7"),
    ("a/社員.xlsx!顧客一覧!C4", "a/社員.xlsx!顧***!C4"),
    ("a/arc.zip!080-7319-4462.txt:1:1", "a/arc.zip!*****************:1:1"),
    ("a/申込書.pdf#page=2", "a/申込書.pdf#page=2"),
    ("a/keyed.json[$[\"583140729960\"].個人番号]", "a/keyed.json[$*********************]"),
    ("a/mail.eml[header:From]:1:5", "a/mail.eml[header:From]:1:5"),
    ("a/d.docx#para=3[comment]", "a/d.docx#para=3[comment]"),
])
def test_locations_keep_the_file_and_the_position_and_mask_names(location: str,
                                                                 masked: str) -> None:
    path = location.split("!")[0].split(":")[0].split("#")[0].split("[")[0]
    assert mask_location(path, location) == masked


def row(path: str, fp: str, ftype: str = "PHONE", location: str = "") -> FindingRow:
    return FindingRow(path, ftype, fp, "jp.phone", "medium", "***-****-1234",
                      location or f"{path}:1:1", None)


def file_row(path: str, level: str) -> FileRow:
    return FileRow(path, "/" + path, 1, 0.0, 1, 0o100644, 0, 0, None, level, 60, (), ())


def test_alert_counts_levels_and_lists_every_file_in_json() -> None:
    run = RunInfo(1, "t1", "t1", True, ["/srv/share"], {}, [])
    diff = RunDiff(run, RunInfo(2, "t2", "t2", True, ["/srv/share"], {}, []))
    diff.added = [row(f"share/f{i:02d}.csv", f"fp{i}") for i in range(FILES_LISTED + 5)]
    diff.added.append(row("share/f00.csv", "fpX", "MY_NUMBER"))
    diff.resolved = [row("share/gone.txt", "old")]
    files = [file_row(f"share/f{i:02d}.csv", "high" if i else "critical")
             for i in range(FILES_LISTED + 5)]
    alert = build_alert(diff, files, [], builtin_registry())
    data = to_json(alert)
    assert data["counts"] == {"new_files": 25, "new_findings": 26, "resolved_files": 1,
                              "resolved_findings": 1, "unchecked_findings": 0}
    assert data["new_files_by_level"] == {"critical": 1, "high": 24}
    assert data["new"][0] == {"path": "share/f00.csv", "level": "critical", "findings": 2,
                              "types": {"MY_NUMBER": 1, "PHONE": 1},
                              "locations": ["share/f00.csv:1:1"]}
    assert data["resolved"][0]["level"] == "unknown"  # the older run's files were not given
    assert "***" not in json.dumps(data)  # not even masked values
    text = to_text(alert)
    assert "… and 5 more file(s)" in text and "[重大 critical] share/f00.csv" in text
    slack = to_slack(alert)
    assert all(len(b["text"]["text"]) <= 3000 for b in slack["blocks"] if "text" in b
               and isinstance(b["text"], dict))
    assert "… and 5 more" in json.dumps(slack, ensure_ascii=False)
    teams = to_teams(alert)
    facts = [f for b in teams["attachments"][0]["content"]["body"] if b["type"] == "FactSet"
             for f in b["facts"]]
    assert len(facts) == FILES_LISTED + 1 + 1  # new (listed + "more") and resolved


def test_slack_escapes_what_its_markup_reads() -> None:
    run = RunInfo(1, "t1", "t1", True, ["/s"], {}, [])
    diff = RunDiff(run, RunInfo(2, "t2", "t2", True, ["/s"], {}, []))
    diff.added = [row("s/<!channel> & co.txt", "fp")]
    text = json.dumps(to_slack(build_alert(diff, [], [], builtin_registry())),
                      ensure_ascii=False)
    assert "<!channel>" not in text and "&lt;!channel&gt; &amp; co.txt" in text
