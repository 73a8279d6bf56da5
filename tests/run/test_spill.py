from __future__ import annotations

import io
import marshal
import os
import pickle
import re
import stat
import zipfile
import zlib
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from piiscan import report
from piiscan.config import Settings
from piiscan.models import FileRef, FileResult, Finding, Level, Location, Reason, ScanResult
from piiscan.pii_types import Category
from piiscan.report.advice import next_steps
from piiscan.run import session
from piiscan.run.spill import PackedFindings, Spill, SpilledFindings, pack
from piiscan.score import FileTally, RunTally, active_counts, tally

from scankit import scan_tree
from sharegen import make_share


def _finding(i: int, value: str | None = None) -> Finding:
    return Finding(
        type="PHONE", rule_id="jp.phone", rule_name="電話番号", category=Category.PERSONAL,
        severity=Level.MEDIUM, confidence=Level.HIGH,
        reasons=(Reason("column", "電話"), Reason("validated")),
        location=Location(path="share/名簿.xlsx", members=("a.zip", "名簿.xlsx"),
                          sheet="顧客", cell=f"B{i}", row=i),
        masked_value=f"***-****-{i:04d}", masked_snippet=f"電話 ***-****-{i:04d}",
        fingerprint=f"{i:032x}", value=value, baseline_fingerprint="b" * 32 if value else None,
        record=f"r{i}", suppressed_by="baseline" if i % 7 == 0 else None, linked=i % 2 == 0,
        edm_row=None)


def _result(name: str, findings: list[Finding]) -> FileResult:
    return FileResult(file=FileRef(f"/x/{name}", name, 1, 0.0), findings=findings)


def _spill_file_bytes(spilled: SpilledFindings) -> bytes:
    fd = spilled._spill._file.fileno()  # type: ignore[union-attr]
    return os.pread(fd, os.fstat(fd).st_size, 0)


def test_findings_past_the_budget_go_to_disk_and_come_back_the_same() -> None:
    spill = Spill(in_memory=10)
    results = [_result(f"{n}.csv", [_finding(n * 10 + i) for i in range(6)]) for n in range(5)]
    originals = [list(r.findings) for r in results]
    for r in results:
        spill.hold(r)
    kinds = [type(r.findings) for r in results]
    # 30 findings held: the oldest files were written out until at most half the room is used
    assert kinds[:4] == [SpilledFindings] * 4 and kinds[4] is list
    assert spill.spilled == 24
    for r, before in zip(results, originals, strict=True):
        assert len(r.findings) == len(before)
        assert list(r.findings) == before  # every field, every time it is read
        assert list(r.findings) == before
        assert r.findings[2] == before[2] and r.findings[1:3] == before[1:3]


def test_raw_values_never_reach_the_disk_and_are_put_back() -> None:
    spill = Spill(in_memory=0)
    secret = "090-1234-5678"
    fr = _result("a.txt", [_finding(1, value=secret), _finding(2, value=None)])
    spill.hold(fr)
    assert isinstance(fr.findings, SpilledFindings)
    assert [f.value for f in fr.findings] == [secret, None]
    assert all(f.baseline_fingerprint is None for f in fr.findings)  # used up before
    raw = zlib.decompress(_spill_file_bytes(fr.findings))
    assert secret.encode() not in raw and b"b" * 32 not in raw
    assert b"***-****-0001" in raw  # what a report may show is what is written
    _reasons, rows = marshal.loads(raw)
    assert len(rows) == 2


def test_the_spill_file_is_unnamed_and_owner_only() -> None:
    spill = Spill(in_memory=0)
    fr = _result("a.txt", [_finding(1)])
    spill.hold(fr)
    assert isinstance(fr.findings, SpilledFindings)
    info = os.fstat(fr.findings._spill._file.fileno())  # type: ignore[union-attr]
    assert info.st_nlink == 0  # nothing left behind however the process ends
    assert stat.S_IMODE(info.st_mode) & 0o077 == 0


def test_results_without_findings_are_not_held() -> None:
    spill = Spill(in_memory=0)
    fr = _result("empty.txt", [])
    spill.hold(fr)
    assert fr.findings == [] and spill.spilled == 0 and spill._file is None


def test_packed_findings_read_back_the_same_and_are_written_out_as_they_are() -> None:
    """What a worker sends (run.pool): the spill's rows in memory, values beside them; the
    spill writes those bytes without laying them out again."""
    secret = "090-1234-5678"
    findings = [replace(_finding(1), baseline_fingerprint=None),
                replace(_finding(2, value=secret), baseline_fingerprint=None)]
    packed = pack(findings)
    assert len(packed) == 2 and list(packed) == findings and packed[1] == findings[1]
    assert secret.encode() not in zlib.decompress(packed.data)
    travelled = pickle.loads(pickle.dumps(packed))
    assert isinstance(travelled, PackedFindings) and list(travelled) == findings
    fr = _result("a.txt", [])
    fr.findings = travelled
    spill = Spill(in_memory=0)
    spill.hold(fr)
    assert isinstance(fr.findings, SpilledFindings)
    assert _spill_file_bytes(fr.findings) == packed.data
    assert list(fr.findings) == findings


FORMATS = sorted(report.REGISTRY)


@pytest.fixture(scope="module")
def share_result(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    root = make_share(tmp_path_factory.mktemp("share"), texts=8)
    result = scan_tree([str(root)], Settings(jobs=1))
    assert sum(len(fr.findings) for fr in result.files) > 30
    return result


def _rendered(result: ScanResult) -> dict[str, Any]:
    """Every report format's bytes; a workbook's by member, without the time it was saved
    (the zip stamps each member with it, openpyxl writes it as the book's "modified")."""
    out: dict[str, Any] = {}
    for name in FORMATS:
        data = report.get(name)(result)
        if name == "xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as book:
                data = {member: book.read(member) for member in book.namelist()}
            data["docProps/core.xml"] = re.sub(rb"<dcterms:modified[^>]*>[^<]*</dcterms:modified>",
                                               b"", data["docProps/core.xml"])
        out[name] = data
    return out


def test_every_report_is_the_same_bytes_when_the_findings_are_on_disk(
        share_result: ScanResult) -> None:
    before = _rendered(share_result)
    spill = Spill(in_memory=0)
    for fr in share_result.files:
        spill.hold(fr)
    assert spill.spilled == sum(len(fr.findings) for fr in share_result.files)
    after = _rendered(share_result)
    for name in FORMATS:
        assert after[name] == before[name], name


def test_the_tally_gathered_during_a_run_equals_one_made_from_its_files(
        share_result: ScanResult) -> None:
    gathered = share_result.tally
    assert isinstance(gathered, RunTally)
    made = tally(replace(share_result, tally=None))
    assert made is not gathered
    for name in ("by_type", "by_category", "rule_ids", "types", "worst", "shows_values"):
        assert getattr(made, name) == getattr(gathered, name), name
    assert made.people.count() == gathered.people.count()
    assert gathered.worst is not None and sum(gathered.by_type.values()) > 0
    merged = RunTally(share_result.types)  # each file's share, made where it was finished
    for fr in share_result.files:
        merged.merge(FileTally.of(fr, share_result.types.where(identifying=True)))
    for name in ("by_type", "by_category", "rule_ids", "types", "worst", "shows_values"):
        assert getattr(merged, name) == getattr(gathered, name), name
    assert merged.people.count() == gathered.people.count()


def test_a_run_past_the_budget_spills_and_reports_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_share(tmp_path / "share", texts=8)
    kept = scan_tree([str(root)], Settings(jobs=1))
    monkeypatch.setattr(Spill, "IN_MEMORY", 5)
    spilled = scan_tree([str(root)], Settings(jobs=1))
    assert any(isinstance(fr.findings, SpilledFindings) for fr in spilled.files)
    spilled.started, spilled.finished = kept.started, kept.finished
    for fr, other in zip(spilled.files, kept.files, strict=True):
        fr.elapsed = other.elapsed
    assert report.get("json")(spilled) == report.get("json")(kept)
    assert session.fail_level_reached(spilled, Level.LOW)


def test_a_files_findings_are_laid_out_in_pieces_with_the_same_bytes(
        share_result: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    """JSON and JSON Lines write a file's findings a few at a time (a file with 100,000
    findings is never one huge string); the bytes are those of laying it out at once."""
    from piiscan.report import json as json_report

    whole = {name: report.get(name)(share_result) for name in ("json", "jsonl")}
    assert max(len(fr.findings) for fr in share_result.files) > 3
    monkeypatch.setattr(json_report, "FINDINGS_AT_ONCE", 2)  # both formats lay out by it
    for name in ("json", "jsonl"):
        assert report.get(name)(share_result) == whole[name], name


def test_without_a_usable_temporary_folder_the_findings_stay_in_memory(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No temporary folder (or no room in it) must not end a nightly scan: the findings stay
    where they were, and the reports are what they would have been."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    spill = Spill(in_memory=2)
    results = [_result(f"{n}.csv", [_finding(n * 10 + i) for i in range(3)]) for n in range(3)]
    originals = [list(r.findings) for r in results]
    for r in results:
        spill.hold(r)
    assert spill.failed is not None and spill.spilled == 0
    assert [r.findings for r in results] == originals


def test_the_counts_a_run_keeps_per_file_equal_those_made_from_its_findings(
        share_result: ScanResult) -> None:
    for fr in share_result.files:
        kept = fr.active
        assert kept is not None, fr.file.display
        made = active_counts(replace(fr, active=None))
        assert list(made.by_type.items()) == list(kept.by_type.items())
        assert made.worst == kept.worst
    assert any(fr.active and fr.active.by_type for fr in share_result.files)


def test_the_terminal_report_reads_a_files_findings_back_once_at_most(
        share_result: ScanResult, monkeypatch: pytest.MonkeyPatch) -> None:
    """The table and the advice after it take what they count from the run's per-file
    counts; only the details they list read findings back from disk, once per file (the
    HTML report also counts each folder's people from them, the XLSX register the
    categories of a file's row)."""
    spill = Spill(in_memory=0)
    for fr in share_result.files:
        spill.hold(fr)
    reads: list[int] = []
    read = Spill._read

    def counted(self: Spill, offset: int, size: int, values: Any) -> list[Finding]:
        reads.append(offset)
        return read(self, offset, size, values)

    monkeypatch.setattr(Spill, "_read", counted)
    report.get("table")(share_result)
    listed = [fr for fr in share_result.files if active_counts(fr).by_type]
    assert len(listed) > 1
    assert 0 < len(reads) == len(set(reads)) <= len(listed)
    reads.clear()
    steps = next_steps(share_result, Level.LOW, repository=False, has_baseline=False)
    assert len(reads) == 1 and f"in {len(listed)} file(s)" in steps
    reads.clear()
    report.get("html")(share_result)  # people per folder, then the details: twice a file
    assert reads and max(Counter(reads).values()) <= 2
    reads.clear()
    report.get("xlsx")(share_result)  # the register's row of a file, then the findings sheet
    assert reads and max(Counter(reads).values()) <= 2
