"""`diff` semantics on recorded runs, and the cache codec's round trip."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from piiscan.config import Settings
from piiscan.models import Category, FileRef, FileResult, Finding, Level, Location, ScanResult, Skip
from piiscan.report.json import file_dict
from piiscan.state import diff
from piiscan.state.codec import decode_result, encode_result
from piiscan.state.store import StateStore

from scankit import FileScanner


def finding(path: str, fp: str, line: int = 1, suppressed_by: str | None = None) -> Finding:
    return Finding(type="PHONE", rule_id="jp.phone", rule_name="電話番号",
                   category=Category.PERSONAL, severity=Level.MEDIUM,
                   confidence=Level.HIGH, reasons=(),
                   location=Location(path, line=line, column=1), masked_value="***-****-0000",
                   masked_snippet="***-****-0000", fingerprint=fp, suppressed_by=suppressed_by)


def result(files: dict[str, list[Finding]], unreadable: tuple[str, ...] = ()) -> ScanResult:
    out = ScanResult(roots=["share"], started="t", finished="t")
    for path, findings in files.items():
        fr = FileResult(FileRef(path, path, 1, 0.0), findings=findings)
        if path in unreadable:
            fr.skips.append(Skip(path, "permission denied"))
        out.files.append(fr)
    return out


def test_new_resolved_unchecked_and_moves(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.db") as store:
        first = store.begin_run(["share"], "t1", "r", "s")
        store.finish_run(first, result({
            "share/a.txt": [finding("share/a.txt", "f1", line=1)],
            "share/b.txt": [finding("share/b.txt", "f2")],
            "share/c.txt": [finding("share/c.txt", "f3")],
            "share/d.txt": [finding("share/d.txt", "f4", suppressed_by="inline")],
        }), {})
        second = store.begin_run(["share"], "t2", "r", "s")
        store.finish_run(second, result({
            "share/a.txt": [finding("share/a.txt", "f1", line=9)],  # moved: not a change
            "share/b.txt": [],                                       # resolved
            "share/c.txt": [],                                       # unreadable: unchecked
            "share/d.txt": [finding("share/d.txt", "f4")],           # ignore removed: new
            "share/e.txt": [finding("share/e.txt", "f5", suppressed_by="previous-run")],
        }, unreadable=("share/c.txt",)), {})
        changes = diff.compute(store)
    assert changes.old.id == first and changes.new.id == second
    assert [r.path for r in changes.added] == ["share/d.txt", "share/e.txt"]
    assert [r.path for r in changes.resolved] == ["share/b.txt"]
    assert [r.path for r in changes.unchecked] == ["share/c.txt"]
    text = diff.render_text(changes)
    assert "unchecked (file could not be read this time): 1" in text
    assert text.rstrip().endswith("piiscan: 2 new, 1 resolved, 1 unchecked")


def test_codec_round_trip_drops_values(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("マイナンバー 1234 5678 9018\n電話 090-3141-5926\n", encoding="utf-8")
    st = path.stat()
    ref = FileRef(str(path), str(path), st.st_size, st.st_mtime, st.st_ino, st.st_mode, st.st_uid)
    scanner = FileScanner(settings=Settings(show_values=True))
    raw = scanner.scan_raw(ref)
    assert raw.findings and all(f.value for f in raw.findings)
    text = encode_result(raw)
    assert "5926" in text and "090-3141-5926" not in text and "123456789018" not in text
    back = decode_result(text, ref, ref.display)
    assert all(f.value is None for f in back.findings)
    expected = scanner.finish(replace(raw, findings=[replace(f, value=None) for f in raw.findings]))
    assert file_dict(scanner.finish(back)) == file_dict(expected)
    # another spelling of the same path: locations follow the current one
    moved = decode_result(text, replace(ref, display="x/a.txt"), ref.display)
    assert {f.location.path for f in moved.findings} == {"x/a.txt"}


def test_a_settings_change_is_shown_as_such_not_as_resolutions(tmp_path: Path) -> None:
    """Findings a stricter --min-confidence hides were not cleaned up: `diff` says the
    settings changed and lists them as no longer reported, not as resolved (issue 13)."""
    from click.testing import CliRunner

    from piiscan.cli import main

    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text("マイナンバー 1234 5678 9018\n山田太郎\n090-3141-5926\n",
                                 encoding="utf-8")  # a name and a phone alone: medium
    state = f"--state={tmp_path / 'state'}"
    runner = CliRunner()
    assert runner.invoke(main, ["scan", str(share), state, "-q", "--min-confidence",
                                "low"]).exit_code == 1
    assert runner.invoke(main, ["scan", str(share), state, "-q", "--min-confidence",
                                "high"]).exit_code == 1
    text = runner.invoke(main, ["diff", state])
    assert text.exit_code == 0, text.output
    assert "settings changed between these runs: min_confidence low -> high" in text.output
    assert "resolved: " not in text.output
    assert "no longer reported (the settings changed; not necessarily resolved): " \
        in text.output
    assert text.output.rstrip().endswith("(settings changed)")
    as_json = runner.invoke(main, ["diff", state, "-f", "json"])
    data = json.loads(as_json.stdout)
    assert data["settings_changed"] == {"min_confidence": ["low", "high"]}
    assert data["resolved"] == [] and data["no_longer_reported"]
    # the same settings again: a change of data is a resolution as before
    (share / "a.txt").write_text("山田太郎\n", encoding="utf-8")  # the My Number removed
    runner.invoke(main, ["scan", str(share), state, "-q", "--min-confidence", "high"])
    again = json.loads(runner.invoke(main, ["diff", state, "-f", "json"]).stdout)
    assert "settings_changed" not in again and len(again["resolved"]) == 1


def test_runs_recorded_before_settings_were_kept_compare_by_digest(tmp_path: Path) -> None:
    with StateStore.open(tmp_path / "s.db") as store:
        first = store.begin_run(["share"], "t1", "r", "s1")
        store.finish_run(first, result({"share/b.txt": [finding("share/b.txt", "f2")]}), {})
        second = store.begin_run(["share"], "t2", "r", "s2")
        store.finish_run(second, result({"share/b.txt": []}), {})
        changes = diff.compute(store)
    assert changes.settings_changed == {"settings": ["(not recorded)", "(not recorded)"]}
    assert changes.resolved == [] and len(changes.no_longer_reported) == 1
