"""No customer master value reaches the index, the state or any report, in any spelling.

The real command line builds an index from a generated master, scans a share planted from
it with --edm and a state (every report format, a rescan from the cache, --show-values
once), answers a subject request and re-renders a report; then every artifact is searched
for every master value as written, without spaces or separators, in other widths and kana,
in UTF-8 and UTF-16. The row ids (the master's 顧客ID) are meant to be there; values not.
"""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
import zipfile
from pathlib import Path

import edmkit
from edmkit import Person, full_width, half_width_kana

PRIMARY_SPELLINGS = ("phone", "email", "my_number", "member")


def spellings(p: Person) -> set[str]:
    out = {p.name, p.name.replace(" ", ""), p.kana, p.kana.replace(" ", ""), p.hiragana,
           p.hiragana.replace(" ", ""), half_width_kana(p.kana), p.address,
           p.address.split(" ")[0], unicodedata.normalize("NFKC", p.address),
           p.birth.isoformat(), p.birth.strftime("%Y%m%d"), p.birth.strftime("%Y/%m/%d"),
           f"{p.birth.year}年{p.birth.month}月{p.birth.day}日"}
    for kind in PRIMARY_SPELLINGS:
        value = getattr(p, kind)
        digits = "".join(c for c in value if c.isdigit())
        out |= {value, full_width(value), value.replace("-", "")}
        if len(digits) >= 7:
            out.add(digits)
    out.add(p.email.split("@")[0])
    return {s for s in out if len(s) >= 4}


def artifact_bytes(path: Path) -> bytes:
    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return b"".join(book.read(n) for n in book.namelist())
    return path.read_bytes()


def test_no_master_value_in_index_state_or_reports(tmp_path: Path) -> None:
    world = edmkit.build_world(tmp_path / "w", rows=40, files=8, seed=31)
    work = tmp_path / "work"
    work.mkdir()
    log = tmp_path / "piiscan.log"
    env = {**os.environ, "NO_COLOR": "1", "XDG_STATE_HOME": str(tmp_path / "xdg")}
    env.pop("PRE_COMMIT", None)

    def piiscan(*args: str, stdin: str | None = None, codes: tuple[int, ...] = (0, 1),
                into: Path = log) -> None:
        with into.open("ab") as fh:
            proc = subprocess.run([sys.executable, "-m", "piiscan", *args], cwd=work, env=env,
                                  input=stdin.encode() if stdin is not None else None,
                                  stdout=fh, stderr=subprocess.STDOUT, timeout=300,
                                  check=False)
        assert proc.returncode in codes, into.read_text(encoding="utf-8")

    key, index, state = work / "edm.key", work / "customers.edm", work / "state"
    edm = ["--edm", str(index), "--edm-key", str(key), "--rules", str(world.rules)]
    piiscan("edm", "keygen", "-o", str(key))
    piiscan("edm", "build", str(world.master_csv), "--schema", str(world.schema),
            "--key-file", str(key), "-o", str(index), "--rules", str(world.rules))
    piiscan("edm", "info", str(index), "--edm-key", str(key))
    piiscan("edm", "info", str(index), "-f", "json")
    reports = [work / f"report.{ext}" for ext in ("json", "jsonl", "csv", "sarif", "html",
                                                  "xlsx")]
    outputs = [arg for r in reports for arg in ("-o", str(r))]
    piiscan("scan", str(world.share), f"--state={state}", *edm, *outputs, "-j", "2")
    piiscan("scan", str(world.share), f"--state={state}", *edm, "-f", "json", "-j", "1")
    shown = tmp_path / "show-values.json"  # its own output holds values, by request
    piiscan("scan", str(world.share), f"--state={state}", *edm, "--show-values", "-f", "json",
            into=shown)
    piiscan("scan", str(world.share), *edm, "-j", "1")  # the table
    piiscan("report", str(reports[0]), "-o", str(work / "again.html"))
    person = world.master[0]
    piiscan("subject", f"--state={state}", "--rules", str(world.rules),
            stdin=f"PHONE={person.phone}\nEMAIL={person.email}\nEDM_ROW={person.row_id}\n")
    piiscan("subject", f"--state={state}", "-f", "json", stdin=f"EMAIL={person.email}\n")
    piiscan("diff", f"--state={state}")
    piiscan("history", f"--state={state}")

    db = state / "state.db"
    artifacts = [index, db, *(db.with_name(db.name + s) for s in ("-wal", "-shm")
                              if db.with_name(db.name + s).exists()),
                 *reports, work / "again.html", log]
    # the search works: it finds values where piiscan was asked to show them, and the
    # artifacts hold what they should
    assert sum(s.encode() in shown.read_bytes() for p in world.master for s in spellings(p)) > 40
    assert f"matches customer master row {world.master[0].row_id[:2]}".encode() in \
        artifact_bytes(reports[0])
    assert b"piiscan subject: 3 value(s) read" in log.read_bytes()
    leaks = []
    for path in artifacts:
        data = artifact_bytes(path)
        for p in world.master:
            for text in spellings(p):
                for form in (text.encode("utf-8"), text.encode("utf-16-le")):
                    if form in data:
                        leaks.append(f"{path.name}: {text}")
    assert not leaks, sorted(set(leaks))[:20]
