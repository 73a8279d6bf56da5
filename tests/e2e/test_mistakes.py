"""Every mistake a user can type is answered in one line that names the problem and the fix,
with exit code 2, never a traceback (issue 12). A report that can be written is written
even when another cannot."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from clirunner import CLI

MY_NUMBER = "123456789018"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder to type commands in: a share to scan and a few broken inputs."""
    root = tmp_path_factory.mktemp("mistakes")
    share = root / "share"
    share.mkdir()
    (share / "memo.txt").write_text(f"マイナンバー：{MY_NUMBER}\n", encoding="utf-8")
    (root / "bad.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    (root / "bad.toml").write_text('fail_on = "sometimes"\n', encoding="utf-8")
    (root / "broken.toml").write_text("fail_on = \n", encoding="utf-8")
    (root / "corrupt.json").write_text('{"version": 1', encoding="utf-8")
    (root / "outdir").mkdir()
    os.mkfifo(root / "pipe")  # like /dev/null or /dev/stdout: not a file to replace
    (root / "jobs.toml").write_text("jobs = 100000\n", encoding="utf-8")
    (root / "unknown.toml").write_text('exlude = ["*.log"]\n', encoding="utf-8")
    proc = CLI().run("scan", "share", "-q", "-o", "saved.json", "-o", "saved.jsonl",
                     "--state=saved.db", cwd=root)
    assert proc.returncode == 1, proc.stderr
    return root


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix != ".lock")


MISTAKES: list[tuple[list[str], list[str]]] = [
    # (arguments, words the one line must hold)
    (["scan", "nope"], ["nope", "does not exist"]),
    (["scan", "share", "./nope"], ["./nope", "does not exist"]),
    (["scan"], ["PATHS", "scan --help"]),
    (["scan", "share", "--max-file-size", "5X"], ["--max-file-size", "5X", "500K"]),
    (["scan", "share", "-j", "-1"], ["--jobs", "-1"]),
    (["scan", "share", "-j", "100000"], ["--jobs", "100000"]),
    (["scan", "share", "--retention-days", "-3"], ["--retention-days"]),
    (["scan", "share", "--rules", "bad.yaml"], ["bad.yaml", "invalid YAML"]),
    (["scan", "share", "--rules", "nodir"], ["--rules", "nodir"]),
    (["scan", "share", "--config", "missing.toml"], ["missing.toml", "no such"]),
    (["scan", "share", "--config", "bad.toml"], ["bad.toml", "fail_on", "low, medium"]),
    (["scan", "share", "--config", "broken.toml"], ["broken.toml", "invalid TOML"]),
    (["scan", "share", "--baseline", "corrupt.json"], ["corrupt.json", "baseline"]),
    (["scan", "share", "--baseline", "missing.json"], ["missing.json", "baseline"]),
    (["scan", "share", "--state", "corrupt.json"], ["corrupt.json", "state database"]),
    (["scan", "share", "--state=s.db", "--no-state"], ["--state", "--no-state"]),
    (["scan", "share", "--baseline", "b.json", "--no-baseline"], ["--baseline", "--no-baseline"]),
    (["scan", "share", "--new-only"], ["--new-only", "--state"]),
    (["scan", "share", "-o", "yaml:report.txt"], ["yaml", "unknown report format", "json"]),
    (["scan", "share", "-o", "report.yaml"], ["report.yaml", "FORMAT:PATH"]),
    (["scan", "share", "-o", "missing/r.json"], ["missing", "does not exist"]),
    (["scan", "share", "-o", "json:outdir"], ["outdir", "folder"]),
    (["scan", "share", "-o", "json:pipe"], ["pipe", "not a regular file", "-f"]),
    (["scan", "share", "-o", "r.json", "-o", "./r.json"], ["r.json", "twice"]),
    (["scan", "share", "-f", "yaml"], ["yaml", "unknown report format", "json"]),
    (["scan", "share", "-f", "xlsx"], ["xlsx", "-o"]),
    (["scan", "share", "-o", "json:"], ["json:", "names no file", "json:report.json"]),
    (["scan", "share", "--max-bytes-per-file", "0"], ["--max-bytes-per-file", "one byte"]),
    (["scan", "share", "--max-bytes-per-file", "-1"], ["--max-bytes-per-file", "one byte"]),
    (["scan", "share", "--max-file-size", "0"], ["--max-file-size", "one byte"]),
    (["scan", "share", "--formt", "json"], ["--formt", "--format"]),
    (["scan", "share", "--min-confidence", "none"], ["--min-confidence", "none"]),
    (["scan", "share", "--fail-on", "sometimes"], ["--fail-on", "sometimes"]),
    (["scan", "share", "--disable-rule", "jp.phon"], ["jp.phon", "rules list"]),
    (["scan", "share", "--retention-days", "abc"], ["--retention-days", "abc"]),
    (["scan", "share", "--config", "share"], ["--config", "directory"]),
    (["scan", "share", "--config", "jobs.toml"], ["jobs.toml", "jobs", "256"]),
    (["scan", "share", "--config", "unknown.toml"], ["unknown.toml", "exlude", "exclude"]),
    (["--versio"], ["--versio", "--version"]),
    (["frob"], ["frob", "piiscan --help"]),
    (["diff", "--state", "saved.db", "--run", "999"], ["no run 999", "piiscan history"]),
    (["diff", "--state", "saved.db"], ["no earlier complete run"]),
    (["report", "saved.jsonl"], ["JSON Lines", "-o result.json"]),
    (["report", "share"], ["RESULT.json", "directory"]),
    (["config", "show", "nope"], ["nope", "does not exist"]),
    (["baseline", "create", "nope", "-b", "b.json"], ["nope", "does not exist"]),
    (["baseline", "create", "share", "--secret", "-b", "b.json"],
     ["PIISCAN_BASELINE_SECRET"]),
    (["diff", "--state", "nostate.db"], ["nostate.db", "scan --state"]),
    (["diff", "--state", "nostate.db", "-f", "yaml"], ["--format", "yaml"]),
    (["history", "--state", "nostate.db"], ["nostate.db", "scan --state"]),
    (["history", "-n", "0"], ["--limit", "0"]),
    (["report", "nope.json"], ["nope.json", "-o result.json"]),
    (["report", "corrupt.json"], ["corrupt.json", "JSON"]),
    (["report", "saved.json", "-f", "xlsx"], ["xlsx", "-o"]),
    (["report", "saved.json", "-f", "yaml"], ["yaml", "unknown report format"]),
    (["report", "saved.json", "-o", "yaml:x.txt"], ["yaml", "unknown report format"]),
    (["report", "saved.json", "-o", "missing/r.html"], ["missing", "does not exist"]),
    (["rules", "test", "nodir"], ["nodir"]),
    (["rules", "list", "--rules", "bad.yaml"], ["bad.yaml"]),
    (["rules", "list", "-f", "yaml"], ["--format", "yaml"]),
    (["config", "show", "--config", "missing.toml"], ["missing.toml"]),
    (["baseline", "update", "share"], ["baseline create"]),
    (["baseline", "create", "share", "-b", "missing/b.json"], ["missing", "does not exist"]),
]


@pytest.mark.parametrize(("args", "words"), MISTAKES, ids=[" ".join(a) for a, _ in MISTAKES])
def test_mistake_is_one_line_and_exit_2(work: Path, cli: CLI, args: list[str],
                                        words: list[str]) -> None:
    before = listing(work)
    proc = cli.run(*args, cwd=work)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("piiscan: error: "), lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    # Nothing was scanned or written: no report, no folder, no state, no baseline (a state
    # database's lock file is made before the database is read, and kept by design).
    assert listing(work) == before
    assert stat.S_ISFIFO((work / "pipe").lstat().st_mode)


def test_a_missing_path_is_not_a_clean_scan(work: Path, cli: CLI) -> None:
    """The README's first command in a folder without ./share: not 'no personal data'."""
    proc = cli.run("scan", "./share-typo", cwd=work)
    assert proc.returncode == 2
    assert "no personal data" not in proc.stdout + proc.stderr


def readable_share(root: Path) -> tuple[Path, Path]:
    """A share another user can read, and a folder nobody but root can write in."""
    share = root / "share"
    share.mkdir(mode=0o755)
    (share / "memo.txt").write_text(f"マイナンバー：{MY_NUMBER}\n", encoding="utf-8")
    (share / "memo.txt").chmod(0o644)
    locked = root / "locked"
    locked.mkdir(mode=0o555)
    return share, locked


def test_unwritable_report_folder_other_reports_still_written(open_dir: Path,
                                                              cli: CLI) -> None:
    """-o into a folder the user cannot write in: one line, exit 2 (not 1), and every other
    report is written; with -q too, since cron reads the exit code and the mail."""
    share, locked = readable_share(open_dir)
    mine = open_dir / "mine"
    mine.mkdir(mode=0o777)
    mine.chmod(0o777)
    as_user = 65534 if os.geteuid() == 0 else None  # root writes anywhere: run as nobody
    proc = cli.run("scan", str(share), "-q", "-o", str(locked / "r.json"),
                   "-o", str(mine / "r.html"), "-o", str(mine / "r.jsonl"),
                   "-o", str(mine / "r.csv"), user=as_user)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("piiscan: error:")]
    assert len(errors) == 1 and str(locked / "r.json") in errors[0], proc.stderr
    assert "permission denied" in errors[0].lower()
    assert proc.stdout.startswith("piiscan: 1 files scanned")  # -q still says what happened
    assert sorted(p.name for p in mine.iterdir()) == ["r.csv", "r.html", "r.jsonl"]
    assert list(locked.iterdir()) == []
    assert json.loads((mine / "r.jsonl").read_text("utf-8").splitlines()[-1])["type"] == \
        "summary"


def test_unwritable_state_and_unreadable_inputs_as_another_user(open_dir: Path,
                                                                 cli: CLI) -> None:
    share, locked = readable_share(open_dir)
    private = open_dir / "private.toml"
    private.write_text('fail_on = "low"\n', encoding="utf-8")
    private.chmod(0o600)
    as_user = 65534 if os.geteuid() == 0 else None
    for args, words in ((["--state", str(locked / "s.db")], ["state database", "--state"]),
                        (["--config", str(private)], ["--config", "not readable"]),
                        (["--rules", str(private)], ["--rules", "not readable"])):
        proc = cli.run("scan", str(share), *args, user=as_user)
        assert proc.returncode == 2, proc.stdout + proc.stderr
        (line,) = proc.stderr.splitlines()
        assert line.startswith("piiscan: error: ") and all(w in line for w in words), line
