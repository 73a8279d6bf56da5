"""``piiscan subject``: where is this person's data? From the state alone, no rescan.

For a disclosure, correction or deletion request (開示・訂正・利用停止・消去請求, APPI 33-35),
the person's values come in on standard input -- never the command line, so they stay out of
shell history and process lists -- one ``TYPE=value`` per line::

    PHONE=090-1234-5678
    EMAIL=taro@example.jp
    PERSON_NAME=山田 太郎
    EDM_ROW=1001              # a customer master row (scans with --edm)

Each value is hashed with the state's key the way findings' fingerprints are
(``mask.Fingerprinter``: the same canonical form, so ``09012345678`` finds ``090-1234-5678``)
and looked up in the results the state keeps for every file it has scanned. What it cannot
find: files never scanned with this state, values piiscan did not report (under
--min-confidence, or no rule finds them), and files changed since their last scan (marked).
The values read are never printed; the output lists files, locations and masked values.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import click

from piiscan.commands.common import fail, open_state
from piiscan.errors import EXIT_CLEAN, EXIT_FINDINGS, PiiscanError, UsageError

if TYPE_CHECKING:
    from piiscan.models import Finding, TypeRegistry
    from piiscan.state.store import StateStore, StoredResult

MAX_INPUT = 1024 * 1024
EDM_ROW = "EDM_ROW"
_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\s*[=＝]\s*(.*?)\s*$")


@dataclass(frozen=True)
class Query:
    """One input line: what to look for, never the value itself."""

    line: int
    type: str
    needle: str  # a fingerprint, or the EDM row id


@dataclass
class Hit:
    stored: StoredResult
    status: str  # 'unchanged', 'changed' (since it was scanned), 'missing'
    findings: list[tuple[Finding, list[int]]] = field(default_factory=list)  # + input lines


def parse(text: str, types: TypeRegistry) -> list[tuple[int, str, str]]:
    """``(line, TYPE, value)`` for each ``TYPE=value`` line; blank and ``#`` lines skipped.
    Errors name the line, never its value."""
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        m = _LINE.match(raw)
        if m is None or not m.group(2):
            raise UsageError(f"standard input, line {number}: expected TYPE=value (e.g. "
                             "PHONE=090-1234-5678)")
        value_type = m.group(1).upper()
        if value_type != EDM_ROW and value_type not in types:
            known = ", ".join([*types, EDM_ROW])
            raise UsageError(f"standard input, line {number}: unknown type '{m.group(1)}' "
                             f"(known: {known}; types of your own rule files: --rules)")
        out.append((number, value_type, m.group(2)))
    if not out:
        raise UsageError("no TYPE=value lines on standard input (a line like "
                         "PHONE=090-1234-5678; e.g. piiscan subject --state DIR < request.txt)")
    return out


def queries(lines: list[tuple[int, str, str]], key: bytes) -> list[Query]:
    from piiscan.mask import Fingerprinter

    fingerprint = Fingerprinter(key)
    return [Query(n, t, v if t == EDM_ROW else fingerprint(t, v)) for n, t, v in lines]


def search(store: StateStore, wanted: list[Query]) -> list[Hit]:
    from piiscan.state.codec import edm_row_needle

    needles = sorted({edm_row_needle(q.needle) if q.type == EDM_ROW else q.needle
                      for q in wanted})
    hits = []
    for stored in store.results_containing(needles):
        hit = Hit(stored, _status(stored))
        for f in stored.result.findings:
            lines = [q.line for q in wanted if _holds(f, q)]
            if lines:
                hit.findings.append((f, lines))
        if hit.findings:
            hits.append(hit)
    return hits


def _holds(f: Finding, q: Query) -> bool:
    if q.type == EDM_ROW:
        return f.edm_row == q.needle
    return f.type == q.type and f.fingerprint == q.needle


def _status(stored: StoredResult) -> str:
    try:
        st = os.stat(stored.result.file.path)
    except OSError:
        return "missing"
    same = (st.st_size, st.st_mtime_ns) == (stored.size, stored.mtime_ns)
    return "unchanged" if same else "changed"


STATUS_WORDS = {"unchanged": "unchanged since", "changed": "CHANGED since: rescan to confirm",
                "missing": "GONE since"}


def render_text(hits: list[Hit], wanted: list[Query], types: TypeRegistry, state: str) -> str:
    found_lines = {n for h in hits for _, lines in h.findings for n in lines}
    out = [f"piiscan subject: {len(wanted)} value(s) read, {len(found_lines)} found, in "
           f"{len(hits)} file(s) (state {state})"]
    for q in wanted:
        files = sum(1 for h in hits if any(q.line in lines for _, lines in h.findings))
        where = f"{files} file(s)" if files else "not found"
        out.append(f"  line {q.line} {q.type}: {where}")
    for hit in hits:
        result = hit.stored.result
        out.append("")
        out.append(f"{result.file.path}  (scanned {hit.stored.stored}; "
                   f"{STATUS_WORDS[hit.status]})")
        for f, lines in hit.findings:
            note = f", {f.suppressed_by} ignore" if f.suppressed_by else ""
            row = f", master row {f.edm_row}" if f.edm_row else ""
            out.append(f"  {f.location.render()}  {types.label(f.type)}  {f.masked_value}  "
                       f"[line {', '.join(map(str, lines))}{row}{note}]")
    return "\n".join(out) + "\n"


def render_json(hits: list[Hit], wanted: list[Query], state: str) -> str:
    from piiscan.report.json import location_dict

    data: dict[str, Any] = {
        "state": state,
        "values": [{"line": q.line, "type": q.type,
                    "files": sum(1 for h in hits
                                 if any(q.line in lines for _, lines in h.findings))}
                   for q in wanted],
        "files": [{
            "path": h.stored.result.file.path,
            "display": h.stored.result.file.display,
            "scanned": h.stored.stored,
            "status": h.status,
            "findings": [{"type": f.type, "rule_id": f.rule_id, "location": location_dict(
                f.location), "masked_value": f.masked_value, "lines": lines,
                "edm_row": f.edm_row, "suppressed_by": f.suppressed_by}
                for f, lines in h.findings],
        } for h in hits],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


@click.command("subject")
@click.option("--state", default=None, metavar="PATH",
              help="State database (default: the config file's `state`, else "
                   "~/.local/state/piiscan/state.db).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Configuration file (default: found above the current "
                                   "folder).")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Rule files declaring types of your own (a customer id). Repeatable.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def subject_command(state: str | None, config_path: str | None, rule_dirs: tuple[str, ...],
                    fmt: str) -> None:
    """Which files hold a person's data: TYPE=value lines on standard input.

    \b
    Reads the state only (no rescan). Exit code 1 when any file holds one of the values,
    0 when none does. docs/edm.md describes the procedure for 開示・消去請求.
    \b
    Example (request.txt owner-only, one TYPE=value a line, e.g. PHONE=090-1234-5678):
      piiscan subject --state DIR < request.txt
    Values typed on a command line (echo, printf) stay in the shell's history.
    """
    from piiscan.rules.loader import load_ruleset

    if sys.stdin.isatty():
        click.echo("piiscan subject: type TYPE=value lines, then Ctrl-D (values are not "
                   "echoed anywhere)", err=True)
    try:
        text = _read_stdin()
        types = load_ruleset(rule_dirs).types
        lines = parse(text, types)
        with open_state(state, config_path) as store:
            wanted = queries(lines, store.key)
            hits = search(store, wanted)
            path = str(store.path)
    except PiiscanError as error:
        fail(error)
    if fmt == "json":
        sys.stdout.write(render_json(hits, wanted, path))
    else:
        sys.stdout.write(render_text(hits, wanted, types, path))
    sys.exit(EXIT_FINDINGS if hits else EXIT_CLEAN)


def _read_stdin() -> str:
    data = sys.stdin.buffer.read(MAX_INPUT + 1)
    if len(data) > MAX_INPUT:
        raise UsageError("standard input is over 1 MiB: give one person's values at a time")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageError("standard input is not UTF-8") from None
