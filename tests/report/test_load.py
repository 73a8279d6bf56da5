"""Reading a saved JSON report back (piiscan.report.load): a file entry at a time, each one
checked, the findings handed on to be written out of memory as they are read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from reportsample import build_sample

from piiscan import report
from piiscan.errors import UsageError
from piiscan.models import FileResult
from piiscan.report import load
from piiscan.report.json import to_dict
from piiscan.report.load import from_dict, load_report
from piiscan.run.spill import Spill, SpilledFindings
from piiscan.score import tally


@pytest.fixture(autouse=True, params=["wheels", "pure Python"])
def libraries(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """ijson's C parser and jsonschema-rs's check, as installed from wheels; and what runs
    on platforms without them: ijson's pure-Python parser and jsonschema alone."""
    if request.param == "pure Python":
        import ijson

        backend = ijson.get_backend("python")
        monkeypatch.setattr(ijson, "basic_parse", backend.basic_parse)
        monkeypatch.setattr(ijson, "items", backend.items)
        monkeypatch.setattr(load, "_fast_check", lambda definition=None: None)
    else:
        assert load._fast_check() is not None  # jsonschema-rs is a dependency on CPython
    return str(request.param)


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    path = tmp_path / "r.json"
    path.write_bytes(report.get("json")(build_sample(values=True)))
    return path


def test_a_report_read_a_file_at_a_time_is_the_one_read_whole(saved: Path) -> None:
    held: list[FileResult] = []
    loaded = load_report(str(saved), keep_values=True, hold=held.append)
    whole = from_dict(json.loads(saved.read_bytes()), keep_values=True)
    assert held == loaded.files and len(held) > 1
    assert to_dict(loaded) == to_dict(whole) == json.loads(saved.read_bytes())
    # counted as a scan counts its files: reports need not read the findings back for it
    assert all(fr.active is not None for fr in loaded.files)
    loaded_tally, whole_tally = loaded.tally, tally(whole)
    assert loaded_tally is not None
    assert (loaded_tally.by_type, loaded_tally.worst, loaded_tally.rule_ids) == (
        whole_tally.by_type, whole_tally.worst, whole_tally.rule_ids)


def test_findings_past_the_spill_room_leave_memory_and_render_the_same(saved: Path) -> None:
    spill = Spill(in_memory=2)
    loaded = load_report(str(saved), hold=spill.hold)
    assert spill.spilled > 0
    assert any(isinstance(fr.findings, SpilledFindings) for fr in loaded.files)
    assert report.get("json")(loaded) == report.get("json")(load_report(str(saved)))


def test_a_byte_order_mark_is_read_past(saved: Path, tmp_path: Path) -> None:
    marked = tmp_path / "bom.json"
    marked.write_bytes(b"\xef\xbb\xbf" + saved.read_bytes())
    assert to_dict(load_report(str(marked))) == to_dict(load_report(str(saved)))


def test_a_bad_file_entry_is_named_by_where_it_is(saved: Path, tmp_path: Path) -> None:
    data = json.loads(saved.read_bytes())
    data["files"][1]["findings"][0]["severity"] = "severe"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    with pytest.raises(UsageError, match=r"bad\.json is not a piiscan JSON report: at "
                                         r"files/1/findings/0/severity: 'severe' is not one"):
        load_report(str(bad))


def test_a_cut_or_foreign_file_is_one_clear_error(saved: Path, tmp_path: Path) -> None:
    raw = saved.read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(raw[: len(raw) * 2 // 3])  # in the middle of the files
    with pytest.raises(UsageError, match=r"cut\.json is not a JSON file: it ends before the "
                                         r"JSON does \(an empty or cut-short file\)") as error:
        load_report(str(cut))
    assert len(str(error.value).splitlines()) == 1
    lines = tmp_path / "r.jsonl"
    lines.write_bytes(report.get("jsonl")(build_sample()))
    with pytest.raises(UsageError, match="is a JSON Lines report, which is not re-rendered"):
        load_report(str(lines))
    latin = tmp_path / "latin.json"
    latin.write_bytes(raw.replace(b'"schema"', b'"sch\xe9ma"', 1))
    with pytest.raises(UsageError, match=r"latin\.json is not a (JSON file|piiscan JSON report)"):
        load_report(str(latin))
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(UsageError, match="is not a JSON file"):
        load_report(str(empty))
    with pytest.raises(UsageError, match="cannot read"):
        load_report(str(tmp_path))  # a folder


def test_a_report_from_a_pipe_is_read(saved: Path, tmp_path: Path) -> None:
    """`gunzip -c r.json.gz | piiscan report /dev/stdin`: a pipe cannot seek, so it is read
    into an unnamed temporary file first."""
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write() -> None:
        with open(fifo, "wb") as out:
            out.write(saved.read_bytes())

    writer = threading.Thread(target=write)
    writer.start()
    try:
        piped = load_report(str(fifo))
    finally:
        writer.join(timeout=30)
    assert to_dict(piped) == to_dict(load_report(str(saved)))


def test_a_pipe_that_cannot_be_copied_is_one_clear_error(saved: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import contextlib
    import os
    import tempfile
    import threading

    def full(*_: object, **__: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(tempfile, "TemporaryFile", full)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)

    def write() -> None:
        # the reader gives up before reading: a broken pipe
        with contextlib.suppress(BrokenPipeError), open(fifo, "wb") as out:
            out.write(saved.read_bytes())

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(UsageError, match=r"cannot keep a copy of .*pipe in the temporary "
                                             r"folder \(No space left on device\), which a "
                                             r"report from a pipe needs"):
            load_report(str(fifo))
    finally:
        writer.join(timeout=30)


def test_what_no_report_is_refused_in_a_line_without_quoting_it(saved: Path,
                                                                 tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, "utf-8")  # 200 KB: once gigabytes of paths
    with pytest.raises(UsageError, match="nested more than 64 levels deep"):
        load_report(str(deep))
    data = json.loads(saved.read_bytes())
    twice = tmp_path / "twice.json"
    text = json.dumps(data, ensure_ascii=False)
    twice.write_text(text[:-1] + ', "files": []}', "utf-8")
    with pytest.raises(UsageError, match="the key 'files' is there twice"):
        load_report(str(twice))
    value = next(f["value"] for fr in data["files"] for f in fr["findings"] if f.get("value"))
    for spoilt, secret in ((f'"{value}\t"'.encode(), value),
                           (f'"{value}'.encode() + b'\xe9"', value),
                           ("鈴木".encode(), "鈴")):  # a bare name: ijson's Python parser quotes it
        raw = tmp_path / "raw.json"  # a tab, a Latin-1 byte: yajl quotes the value
        raw.write_bytes(text.encode().replace(f'"{value}"'.encode(), spoilt, 1))
        assert spoilt in raw.read_bytes()
        with pytest.raises(UsageError, match=r"raw\.json is not a JSON file") as error:
            load_report(str(raw))
        assert secret not in str(error.value) and len(str(error.value).splitlines()) == 1
    lines = tmp_path / "spaced.jsonl"
    lines.write_bytes(b"\n  " + report.get("jsonl")(build_sample()))
    with pytest.raises(UsageError, match="is a JSON Lines report"):
        load_report(str(lines))


@pytest.mark.parametrize("libraries", ["wheels"], indirect=True)  # jsonschema-rs itself
def test_the_fast_check_and_jsonschema_agree_on_damaged_reports(saved: Path) -> None:
    """A report the fast check (jsonschema-rs) passes is not checked again: on reports
    damaged at random (a value replaced, a key dropped or added, an entry repeated) it must
    say what jsonschema says, for the whole report and for each file entry."""
    import copy
    import random

    import jsonschema

    whole = json.loads(saved.read_bytes())
    definitions = load.schema()["$defs"]
    checkers = {None: jsonschema.Draft202012Validator(load.schema()),
                "file": jsonschema.Draft202012Validator({"$defs": definitions,
                                                         "$ref": "#/$defs/file"})}
    values = [None, True, 0, -1, 1.5, 2**70, "", "severe", "high", [], {}, [1], {"a": 1}]
    rnd = random.Random(15)
    refused = 0
    for _ in range(250):
        doc = copy.deepcopy(whole)
        places: list[tuple[Any, Any]] = []
        stack: list[Any] = [doc]
        while stack:  # every container and each key or index in it
            node = stack.pop()
            keys = list(node) if isinstance(node, dict) else range(len(node))
            for key in keys:
                places.append((node, key))
                if isinstance(node[key], dict | list):
                    stack.append(node[key])
        node, key = rnd.choice(places)
        roll = rnd.random()
        if roll < 0.6:
            node[key] = rnd.choice(values)
        elif isinstance(node, dict) and roll < 0.8:
            del node[key]
        elif isinstance(node, dict):
            node["extra"] = rnd.choice(values)
        else:
            node.append(copy.deepcopy(node[key]))
        for definition, part in [(None, doc), *(("file", f) for f in doc["files"]
                                                if isinstance(doc.get("files"), list))]:
            fast = load._fast_check(definition)
            assert fast is not None
            assert fast(part) == checkers[definition].is_valid(part), (definition, part)
        refused += not checkers[None].is_valid(doc)
    assert refused > 120  # most damage is caught: the test compares refusals, not only passes
