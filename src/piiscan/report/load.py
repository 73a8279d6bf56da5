"""Read a saved JSON report back into a ScanResult, for ``piiscan report`` (re-rendering
without rescanning). The inverse of ``report.json.to_dict``: rendering a loaded report as
JSON gives the saved report back.

The file is checked against ``piiscan-report.schema.json`` first, so a wrong or damaged file gets
a clear message instead of a traceback. Unmasked values in the file are dropped unless the
caller asks to keep them.

A report of a large share holds hundreds of thousands of findings (the benchmark share's:
286 MB). It is read a file entry at a time (``ijson``, a streaming parser): everything but
the files first, then each file's entry, checked and handed to ``hold`` (the run's spill,
which writes findings out of memory as a scan does), so re-rendering a report takes about
the memory the scan that wrote it took, not several times the report's size.
"""

from __future__ import annotations

import codecs
import json
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from piiscan.errors import UsageError
from piiscan.models import (
    Category,
    FileRef,
    FileResult,
    Finding,
    Level,
    Location,
    Reason,
    Revision,
    RuleInfo,
    ScanResult,
    Skip,
    SkipKind,
)
from piiscan.pii_types import PiiType, builtin_registry
from piiscan.report.record import record_from_dict
from piiscan.score import RunTally

_JSON_LINES = b'{"type":"header","schema":"piiscan-report-jsonl"'


@lru_cache(maxsize=1)
def schema() -> dict[str, Any]:
    text = (Path(__file__).resolve().parent / "piiscan-report.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


@lru_cache(maxsize=2)
def _validator(definition: str | None = None) -> Any:
    """A validator of the whole report, or of one of its definitions (``file``)."""
    import jsonschema

    whole = schema()
    part = whole if definition is None else whole["$defs"][definition]
    return jsonschema.Draft202012Validator(_inlined(part, whole["$defs"]))


def _inlined(node: Any, defs: dict[str, Any]) -> Any:
    """``node`` with every ``{"$ref": "#/$defs/x"}`` replaced by ``x`` itself: the same
    checks and messages, without a reference looked up for every finding, which was a third
    of the time (the report's schema is not recursive)."""
    if isinstance(node, list):
        return [_inlined(item, defs) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/") and len(node) == 1:
        return _inlined(defs[ref.removeprefix("#/$defs/")], defs)
    return {key: _inlined(value, defs) for key, value in node.items()}


@lru_cache(maxsize=2)
def _fast_check(definition: str | None = None) -> Callable[[Any], bool] | None:
    """Whether data is valid, by the same schema compiled by jsonschema-rs (Rust, where its
    wheel is installed): 0.02 s for the 32,522 findings that take jsonschema 5.3 s. None
    without it. It only says yes or no; what it refuses is checked again by jsonschema,
    whose first error names the place (the two agreed on 66,000 mutated reports and file
    entries, tests/report/test_load.py keeps a sample of that)."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    whole = schema()
    part = whole if definition is None else {"$schema": whole["$schema"], "$defs": whole["$defs"],
                                             "$ref": f"#/$defs/{definition}"}
    return jsonschema_rs.validator_for(part).is_valid


def validate(data: Any, source: str = "report", definition: str | None = None,
             at: tuple[str | int, ...] = ()) -> None:
    """Raise UsageError naming the first place where ``data`` (the report, or the part of
    it at ``at``: a ``definition``) breaks the report schema."""
    fast = _fast_check(definition)
    if fast is not None and fast(data):
        return
    errors = _validator(definition).iter_errors(data)
    error = next(iter(sorted(errors, key=lambda e: list(map(str, e.path)))), None)
    if error is not None:
        where = "/".join(str(p) for p in (*at, *error.absolute_path)) or "(top level)"
        raise UsageError(f"{source} is not a piiscan JSON report: at {where}: {error.message}")


def load_report(path: str, keep_values: bool = False,
                hold: Callable[[FileResult], None] | None = None) -> ScanResult:
    """The report saved at ``path`` (a file, or a pipe: ``gunzip -c r.json.gz |``); ``hold``
    is given each file's result as it is read."""
    import ijson

    try:
        with open(path, "rb") as source, _rereadable(source) as handle:
            start = len(codecs.BOM_UTF8) if handle.read(3) == codecs.BOM_UTF8 else 0
            handle.seek(start)
            if handle.read(4096).lstrip().startswith(_JSON_LINES):
                raise UsageError(f"{path} is a JSON Lines report, which is not re-rendered: "
                                 "save a JSON report with `piiscan scan ... -o result.json`")
            try:
                handle.seek(start)
                head = _without_files(handle, path)
                validate(head, path)
                result = _result(head, keep_values)
                counts = RunTally(result.types)  # as a scan counts its files
                handle.seek(start)
                for index, entry in enumerate(_files(handle)):
                    validate(entry, path, "file", ("files", index))
                    file_result = _file(entry, keep_values)
                    counts.take(file_result)
                    result.files.append(file_result)
                    if hold is not None:
                        hold(file_result)
                result.tally = counts
            except (ijson.JSONError, json.JSONDecodeError, UnicodeDecodeError) as exc:
                raise UsageError(f"{path} is not a JSON file: {_syntax_error(exc)}") from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}; give a JSON report "
                         "a scan wrote (`piiscan scan ... -o result.json`)") from None
    return result


@contextmanager
def _rereadable(source: IO[bytes]) -> Iterator[IO[bytes]]:
    """``source``, or, when it cannot seek (a pipe), a copy of it in an unnamed, owner-only
    temporary file: a report is read twice (everything but its files, then the files)."""
    if source.seekable():
        yield source
        return
    import shutil
    import tempfile

    try:
        copy = tempfile.TemporaryFile(prefix="piiscan-report-")  # noqa: SIM115 (closed below)
    except OSError as exc:
        raise _no_copy(source, exc) from None
    with copy:
        try:
            shutil.copyfileobj(source, copy, 1 << 20)
        except OSError as exc:
            raise _no_copy(source, exc) from None
        copy.seek(0)
        yield copy


def _no_copy(source: IO[bytes], exc: OSError) -> UsageError:
    return UsageError(f"cannot keep a copy of {source.name} in the temporary folder "
                      f"({exc.strerror or exc}), which a report from a pipe needs: save the "
                      "report to a file and give its path")


_OPENING, _CLOSING = frozenset({"start_map", "start_array"}), frozenset({"end_map", "end_array"})
MAX_DEPTH = 64  # a report nests ten levels deep (files, findings, location, members)


def _without_files(handle: IO[bytes], path: str) -> Any:
    """The whole document, its list of files left empty (read next, one at a time). Events
    without paths (``basic_parse``): a path per level of nesting costs memory quadratic in
    the depth. A document nested deeper than ``MAX_DEPTH``, or with a key twice at its top
    (the second "files" would be read as well), is refused."""
    import ijson

    builder = ijson.ObjectBuilder()
    depth, key, skipping = 0, None, False
    keys: set[str] = set()
    for event, value in ijson.basic_parse(handle, use_float=True):
        if event in _OPENING:
            depth += 1
            if depth > MAX_DEPTH:
                raise UsageError(f"{path} is not a piiscan JSON report: it is nested more than "
                                 f"{MAX_DEPTH} levels deep")
        elif event in _CLOSING:
            depth -= 1
        elif event == "map_key" and depth == 1:
            if value in keys:
                raise UsageError(f"{path} is not a piiscan JSON report: the key {value!r} is "
                                 "there twice")
            keys.add(value)
            key = value
        if skipping:
            skipping = depth > 1  # until the list of files closes, which is kept
            if skipping:
                continue
        builder.event(event, value)
        skipping = depth == 2 and key == "files" and event == "start_array"
    return builder.value


def _syntax_error(exc: Exception) -> str:
    """What is wrong, without the text around it that the parser quotes (a report may hold
    values: --show-values)."""
    message = exc.args[0] if exc.args else ""
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    if isinstance(exc, UnicodeDecodeError):
        return f"it is not UTF-8 ({exc.reason} at byte {exc.start:,})"
    first = str(message).strip().splitlines()[0:1]
    if first and ("premature EOF" in first[0] or "Incomplete JSON" in first[0]):
        return "it ends before the JSON does (an empty or cut-short file)"  # yajl; Python
    # ijson's pure-Python parser quotes what it met ("Unexpected symbol 'x' at 6")
    return _QUOTED.sub("…", first[0].strip()) if first else type(exc).__name__


_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _files(handle: IO[bytes]) -> Iterator[Any]:
    import ijson

    return ijson.items(handle, "files.item", use_float=True)  # type: ignore[no-any-return]


def from_dict(data: Any, keep_values: bool = False, source: str = "report") -> ScanResult:
    validate(data, source)
    result = _result(data, keep_values)
    result.files = [_file(f, keep_values) for f in data["files"]]
    return result


def _result(data: Any, keep_values: bool) -> ScanResult:
    """The run a report describes, without its files."""
    scan = data["scan"]
    summary = data["summary"]
    settings = dict(scan["settings"])
    if not keep_values:
        settings["show_values"] = False
    return ScanResult(
        roots=list(scan["roots"]),
        started=scan["started"],
        finished=scan["finished"],
        files=[],
        skips=[_skip(s) for s in data["skipped"]],
        excluded=summary["excluded"],
        complete=scan["complete"],
        rules_digest=scan["rules_digest"],
        settings=settings,
        low_confidence_hidden=summary["below_threshold"],
        suppressed=dict(summary["suppressed"]),
        rules={r["id"]: _rule(r) for r in data.get("rules", ())},
        types=builtin_registry().with_types(PiiType.from_dict(t) for t in data.get("types", ())),
        record=record_from_dict(scan["record"]) if "record" in scan else None,
    )


def _rule(d: dict[str, Any]) -> RuleInfo:
    return RuleInfo(d["id"], d["name"], d["type"], Category(d["category"]),
                    Level.parse(d["severity"]), d.get("description", ""))


def _reason(d: dict[str, Any] | str) -> Reason:
    if isinstance(d, str):  # a report from a piiscan that wrote reasons as words
        return Reason("text", d)
    return Reason(d["code"], d.get("detail", ""))


def _location(d: dict[str, Any]) -> Location:
    return Location(
        path=d["path"], members=tuple(d.get("members", ())), page=d.get("page"),
        sheet=d.get("sheet"), cell=d.get("cell"), slide=d.get("slide"),
        paragraph=d.get("paragraph"), part=d.get("part"), row=d.get("row"), line=d.get("line"),
        column=d.get("column"))


def _finding(d: dict[str, Any], keep_values: bool) -> Finding:
    return Finding(
        type=d["type"], rule_id=d["rule_id"], rule_name=d["rule_name"],
        category=Category(d["category"]), severity=Level.parse(d["severity"]),
        confidence=Level.parse(d["confidence"]),
        reasons=tuple(_reason(r) for r in d["reasons"]),
        location=_location(d["location"]), masked_value=d["masked_value"],
        masked_snippet=d["masked_snippet"], fingerprint=d["fingerprint"],
        value=d.get("value") if keep_values else None, hidden=d["hidden"],
        suppressed_by=d.get("suppressed_by"), linked=d.get("linked"), edm_row=d.get("edm_row"))


def _skip(d: dict[str, Any]) -> Skip:
    return Skip(d["path"], d["reason"], SkipKind(d["kind"]))


def _file(d: dict[str, Any], keep_values: bool) -> FileResult:
    mode = d.get("mode")
    git = d.get("git")
    revision = (Revision(git["commit"], git["date"], git["path"], git.get("author"))
                if git else None)
    ref = FileRef(path=d["path"], display=d["path"], size=d["size"], mtime=d["modified"],
                  mode=stat.S_IFREG | int(mode, 8) if mode else 0,
                  version=git["blob"] if git else None, revision=revision)
    risk = d["risk"]
    return FileResult(
        file=ref, encoding=d["encoding"], kind=d["kind"],
        findings=[_finding(f, keep_values) for f in d["findings"]],
        skips=[_skip(s) for s in d["skips"]], notes=list(d["notes"]),
        risk_score=risk["score"], risk_level=risk["level"], risk_reasons=list(risk["reasons"]),
        triggers=list(d["triggers"]), people_estimate=d["people_estimate"],
        below_threshold=d["below_threshold"], suppressed=d["suppressed"],
        inventory=list(d["inventory"]), owner=d.get("owner"), group=d.get("group"),
        flags=list(d.get("flags", [])))
