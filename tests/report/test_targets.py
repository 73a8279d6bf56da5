"""Report targets (-f, -o): checked before the scan; one that fails while writing does not
stop the others (issue 12)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from piiscan import report
from piiscan.errors import UsageError
from piiscan.models import ScanResult
from piiscan.report.targets import Target, check_targets, parse_target, stdout_format, write_files


def test_format_prefix_extension_and_unknown_prefix() -> None:
    assert parse_target("json:out/r.txt") == Target("json", "out/r.txt", "json:out/r.txt")
    assert parse_target("r.html").format == "html"
    assert parse_target("./yaml:report.txt", "table").format == "table"  # a colon in a name
    with pytest.raises(UsageError, match=r"unknown report format 'yaml' \(known: csv, html"):
        parse_target("yaml:report.txt")
    with pytest.raises(UsageError, match="write FORMAT:PATH"):
        parse_target("report.yaml")


def test_stdout_format_refuses_binary_and_unknown() -> None:
    assert stdout_format("JSON") == "json"
    with pytest.raises(UsageError, match=r"binary format.*-o report\.xlsx"):
        stdout_format("xlsx")
    with pytest.raises(UsageError, match="unknown report format"):
        stdout_format("yaml")


@pytest.mark.parametrize(("spec", "words"), [
    ("json:/dev/null", "not a regular file"),  # as root, os.replace would swap /dev/null
    ("json:{tmp}", "is a folder; name a file in it, e.g."),
    ("{tmp}/missing/r.json", "does not exist; create it first"),
    ("{tmp}/file.txt/r.json", "is not a folder"),
])
def test_checked_before_the_scan(tmp_path: Path, spec: str, words: str) -> None:
    (tmp_path / "file.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match=words):
        check_targets([parse_target(spec.format(tmp=tmp_path))])
    assert not (tmp_path / "missing").exists()


def test_the_same_file_twice_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(UsageError, match="named twice"):
        check_targets([parse_target("r.json"), parse_target(f"json:{tmp_path / 'r.json'}")])


def test_a_report_that_fails_to_write_does_not_stop_the_others(tmp_path: Path,
                                                                sample: ScanResult) -> None:
    gone = tmp_path / "gone"
    gone.mkdir()
    targets = [parse_target(str(gone / "r.json")), parse_target(str(tmp_path / "r.html")),
               parse_target(str(tmp_path / "r.csv"))]
    check_targets(targets)
    shutil.rmtree(gone)  # removed while the scan ran
    errors = write_files(targets, sample)
    assert len(errors) == 1 and errors[0].startswith(f"report {gone / 'r.json'} not written:")
    assert "any other report was written" in errors[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.csv", "r.html"]


def test_a_stream_that_cannot_open_is_dropped_with_a_line(tmp_path: Path,
                                                          sample: ScanResult) -> None:
    targets = [("jsonl", str(tmp_path / "gone" / "r.jsonl")), ("jsonl", str(tmp_path / "r.jsonl"))]
    with report.Streams(targets) as streams:
        for fr in sample.files:
            streams.on_file(fr)
        streams.finish(sample)
    assert len(streams.errors) == 1 and "gone/r.jsonl not written" in streams.errors[0]
    last = (tmp_path / "r.jsonl").read_text("utf-8").splitlines()[-1]
    assert json.loads(last)["type"] == "summary"
