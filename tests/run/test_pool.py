"""--jobs: the same report in the same order for any number of workers; interrupts end the
run incomplete with no worker left behind; a worker's error or death is a Skip, not a crash;
the progress bar only on a terminal."""

from __future__ import annotations

import io
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from piiscan import progress
from piiscan.cli import main
from piiscan.config import Settings
from piiscan.models import FileRef, FileResult, ScanResult, Skip
from piiscan.report.json import render
from piiscan.rules.loader import load_ruleset
from piiscan.run import pool
from piiscan.run.guard import Interrupted
from piiscan.run.session import ScanSession, SessionOptions, SessionOutcome
from piiscan.run.spill import PackedFindings
from piiscan.suppress import ALLOWLIST, INLINE, Suppressor

import fixtures_containers as containers
import fixtures_office as office
from scankit import KEY, FileScanner
from synth import group4, mobile, my_number

# One fingerprint key (scankit.KEY), so two runs can be compared.


def mixed_share(root: Path) -> Path:
    """Every kind of file a share holds: text in several encodings, CSV, Office, PDF, mail,
    zip, broken files, one big text file first (slow, so later batches finish before it),
    a FIFO (a walk skip) and an excluded file."""
    rng = random.Random(3)
    office.make_office_share(root / "office")
    mail = root / "mail"
    mail.mkdir()
    containers.make_csv_cp932(mail)
    containers.make_eml(mail)
    containers.make_zip_cp932_names(mail)
    containers.make_json(mail)
    containers.make_html(mail)
    lines = [f"顧客 電話 {mobile(rng)} マイナンバー {group4(my_number(rng))}" if i % 50 == 0
             else "本日の会議では来期の予算について議論した。" for i in range(20_000)]
    (root / "0_big.log").write_text("\n".join(lines), encoding="utf-8")
    texts = root / "texts"
    texts.mkdir()
    for i in range(40):
        body = f"議事録 {i}\n" + (f"担当 電話 {mobile(rng)}\n" if i % 3 == 0 else "")
        encoding = ("utf-8", "cp932", "euc-jp", "utf-16")[i % 4]
        (texts / f"doc{i:02d}.txt").write_bytes(body.encode(encoding))
    os.mkfifo(root / "pipe")
    (root / "skip.me").write_text("マイナンバー 1234 5678 9018", encoding="utf-8")
    return root


def scan(root: Path, jobs: int, **settings: Any) -> ScanResult:
    scanner = FileScanner(settings=Settings(jobs=jobs, excludes=("*.me",), **settings))
    return scanner.scan_paths([str(root)])


def comparable(report: bytes | str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report)
    for key in ("started", "finished"):
        data["scan"].pop(key)
    data["scan"]["settings"].pop("jobs")
    return data


def test_same_report_for_any_jobs(tmp_path: Path, small_pool: list[pool.PoolScan]
                                  ) -> None:
    root = mixed_share(tmp_path / "share")
    one = scan(root, jobs=1)
    two = scan(root, jobs=2)
    assert len(small_pool) == 1 and small_pool[0].pools_started == 1
    assert comparable(render(two)) == comparable(render(one))
    displays = [fr.file.display for fr in two.files]
    assert displays[0].endswith("0_big.log") and len(displays) > 50
    assert two.excluded == 1 and any("FIFO" in s.reason for s in two.skips)
    assert any(fr.findings for fr in two.files) and any(fr.skips for fr in two.files)


def test_workers_finish_files_as_this_process_would(tmp_path: Path,
                                                    small_pool: list[pool.PoolScan]) -> None:
    """Without a baseline the workers also apply the suppressions and the score
    and send the findings packed with their share of the run's figures: the report is the
    one finishing here gives, inline ignores, allowed paths and values included; with
    --no-ignore (it counts what it shows) the files are finished here."""
    root = mixed_share(tmp_path / "share")
    allowed = "090-3141-5926"
    (root / "texts" / "allowed.txt").write_text(
        f"代表 電話 {allowed}\n担当 電話 080-2718-2818  # piiscan:ignore\n", encoding="utf-8")

    def run(jobs: int, **settings: Any) -> ScanResult:
        scanner = FileScanner(settings=Settings(jobs=jobs, excludes=("*.me",),
                                                allow_paths=("doc0*.txt",), **settings))
        scanner.finish.suppressor = Suppressor.build(
            no_ignore=scanner.settings.no_ignore, allow_paths=scanner.settings.allow_paths,
            allow_values=[allowed], fingerprint=scanner.keys.fingerprint,
            types={r.type for r in scanner.rules.ruleset.rules})
        return scanner.scan_paths([str(root)])

    one, two = run(jobs=1), run(jobs=2)
    assert comparable(render(two)) == comparable(render(one))
    assert set(two.suppressed) == {ALLOWLIST, INLINE} and two.suppressed == one.suppressed
    assert any(isinstance(fr.findings, PackedFindings) for fr in two.files)
    assert all(fr.tally is None for fr in two.files)  # added to the run's, then let go
    audit_one, audit_two = run(jobs=1, no_ignore=True), run(jobs=2, no_ignore=True)
    assert comparable(render(audit_two)) == comparable(render(audit_one))
    assert not audit_two.suppressed and len(small_pool) == 2
    assert not any(isinstance(fr.findings, PackedFindings) for fr in audit_two.files)


def test_workers_finish_files_and_fill_the_state_cache_as_this_process_would(
        tmp_path: Path, small_pool: list[pool.PoolScan]) -> None:
    """With a state (the nightly cron) the workers still finish their files, and encode for
    the cache each result as it was before finishing: the cache holds what -j1 writes, and a
    value allowed on one run is found again from the cache on a run that does not allow it."""
    root = mixed_share(tmp_path / "share")
    allowed = "090-3141-5926"
    (root / "texts" / "allowed.txt").write_text(f"代表 電話 {allowed}\n", encoding="utf-8")

    def run(jobs: int, state: Path, allow_values: tuple[str, ...] = ()
            ) -> tuple[ScanResult, SessionOutcome]:
        settings = Settings(jobs=jobs, excludes=("*.me",), allow_paths=("doc0*.txt",))
        options = SessionOptions(state=state, key=KEY, allow_values=allow_values, root=root)
        with ScanSession(load_ruleset(), settings, options) as session:
            return session.run([str(root)]), session.outcome

    def cached(state: Path) -> list[tuple[str, dict[str, Any]]]:
        with closing(sqlite3.connect(state)) as db:
            rows = db.execute("SELECT path, result FROM files ORDER BY path").fetchall()
        return [(path, {k: v for k, v in json.loads(result).items() if k != "elapsed"})
                for path, result in rows]

    one, _ = run(1, tmp_path / "one.db", (allowed,))
    two, outcome = run(2, tmp_path / "two.db", (allowed,))
    assert comparable(render(two)) == comparable(render(one))
    assert two.suppressed == one.suppressed and set(two.suppressed) == {ALLOWLIST}
    assert any(isinstance(fr.findings, PackedFindings) for fr in two.files)
    assert outcome.cache_misses == len(two.files) and len(small_pool) == 1
    assert cached(tmp_path / "two.db") == cached(tmp_path / "one.db")
    with pytest.MonkeyPatch.context() as patch:  # no pool: every file is scanned here
        patch.setattr(pool, "POOL_AFTER_SECONDS", 1e9)
        here, _ = run(2, tmp_path / "here.db", (allowed,))
    assert len(small_pool) == 1 and comparable(render(here)) == comparable(render(one))
    assert cached(tmp_path / "here.db") == cached(tmp_path / "one.db")
    assert any(r["findings"] for _, r in cached(tmp_path / "two.db"))
    assert all(f["suppressed_by"] is None for _, r in cached(tmp_path / "two.db")
               for f in r["findings"])  # as scanned: the allowlists are applied each run
    again, outcome = run(2, tmp_path / "two.db")  # every file from the cache, nothing allowed
    assert outcome.cache_hits == len(again.files) and outcome.cache_misses == 0
    assert comparable(render(again)) == comparable(render(run(1, tmp_path / "three.db")[0]))
    assert set(again.suppressed) == {ALLOWLIST}  # the allowed path only, not the value


def test_few_small_files_never_start_a_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    """A pre-commit run: even when the first file is slow (dictionaries load on it), two
    small files left are no work for a pool that takes longer to start than to scan them."""
    monkeypatch.setattr(pool, "POOL_AFTER_SECONDS", 1e-9)  # passed by the first file
    started: list[object] = []
    original = pool.PoolScan._new_executor

    def spy(self: pool.PoolScan) -> Any:
        started.append(self)
        return original(self)

    monkeypatch.setattr(pool.PoolScan, "_new_executor", spy)
    root = tmp_path / "repo"
    root.mkdir()
    for name in ("a.txt", "b.py", "c.md"):
        (root / name).write_text("担当 山田 太郎様 電話 090-1234-5678\n", encoding="utf-8")
    result = scan(root, jobs=2)
    assert len(result.files) == 3 and all(fr.findings for fr in result.files)
    assert started == []


def test_while_the_workers_start_only_light_files_are_scanned_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A heavy file waits for the workers: scanned here, it would keep this process busy
    after they are up, with nothing sent to them."""
    monkeypatch.setattr(pool, "POOL_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(pool, "POOL_MIN_BYTES_LEFT", 0)
    monkeypatch.setattr(pool, "WARM_SCAN_BYTES", 1024)
    here: list[str] = []
    original = pool.PoolScan._scan_here

    def spy(self: pool.PoolScan, slot: Any) -> None:
        here.append(pool._ref(slot).display)
        original(self, slot)

    monkeypatch.setattr(pool.PoolScan, "_scan_here", spy)
    root = tmp_path / "share"
    root.mkdir()
    line = "担当 山田 太郎様 電話 090-1234-5678\n"
    for i in range(6):
        (root / f"{i}-light.txt").write_text(line, encoding="utf-8")
    (root / "0-heavy.txt").write_text(line * 200, encoding="utf-8")  # the first walked
    result = scan(root, jobs=2)
    assert len(result.files) == 7 and all(fr.findings for fr in result.files)
    assert not any(name.endswith("heavy.txt") for name in here)
    assert comparable(render(result)) == comparable(render(scan(root, jobs=1)))


def test_workers_that_never_come_up_do_not_stall_the_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A heavy file waits for the workers, but not for ever: workers that are not ready
    after POOL_START_SECONDS are given up on and the rest is scanned here."""
    from concurrent.futures import Future

    monkeypatch.setattr(pool, "POOL_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(pool, "POOL_MIN_BYTES_LEFT", 0)
    monkeypatch.setattr(pool, "WARM_SCAN_BYTES", 1024)
    monkeypatch.setattr(pool, "POOL_START_SECONDS", 0.3)

    def stuck(self: pool.PoolScan) -> None:
        self.ping = Future()  # a worker whose start-up never ends
        self.pool_since = time.monotonic()
        self.pools_started += 1

    monkeypatch.setattr(pool.PoolScan, "_new_executor", stuck)
    monkeypatch.setattr(pool, "WAIT_SECONDS", 0.01)
    waits: list[int] = []
    wait = pool.PoolScan._wait

    def bounded(self: pool.PoolScan) -> None:  # a stall fails the test instead of hanging it
        waits.append(1)
        assert len(waits) < 1000, "the run stalled waiting for workers"
        wait(self)

    monkeypatch.setattr(pool.PoolScan, "_wait", bounded)
    root = tmp_path / "share"
    root.mkdir()
    line = "担当 山田 太郎様 電話 090-1234-5678\n"
    (root / "0-heavy.txt").write_text(line * 200, encoding="utf-8")
    for i in range(1, 4):
        (root / f"{i}-light.txt").write_text(line, encoding="utf-8")
    result = scan(root, jobs=2)
    assert len(result.files) == 4 and all(fr.findings for fr in result.files)
    assert comparable(render(result)) == comparable(render(scan(root, jobs=1)))


def test_a_pool_the_system_refuses_leaves_the_scan_to_this_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No semaphores (a container without /dev/shm) or a helper process that cannot start
    (multiprocessing's resource tracker) is an OSError while the pool is made: the files
    are scanned here, not lost to an exception (click would take a BrokenPipeError for a
    closed standard output and exit 1 without a word)."""
    monkeypatch.setattr(pool, "POOL_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(pool, "POOL_MIN_BYTES_LEFT", 0)
    tries: list[int] = []

    def refused(self: pool.PoolScan) -> None:
        tries.append(1)
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(pool.PoolScan, "_new_executor", refused)
    root = tmp_path / "share"
    root.mkdir()
    for i in range(6):
        (root / f"{i}.txt").write_text("担当 山田 太郎様 電話 090-1234-5678\n", encoding="utf-8")
    result = scan(root, jobs=2)
    assert tries == [1]
    assert len(result.files) == 6 and all(fr.findings for fr in result.files)
    assert comparable(render(result)) == comparable(render(scan(root, jobs=1)))


def test_cli_jobs_flag_same_report(tmp_path: Path) -> None:
    """The real command line: -j1 and -j2 (enough work for a pool) write the same report."""
    rng = random.Random(5)
    share = tmp_path / "share"
    share.mkdir()
    filler = "本日の会議では来期の予算について議論した。\n" * 40
    for i in range(300):  # a few seconds of work: the pool starts after half a second
        extra = f"電話 {mobile(rng)}\n" if i % 4 == 0 else ""
        (share / f"f{i:03d}.txt").write_text(f"メモ {i}\n{filler}{extra}", encoding="utf-8")
    state = tmp_path / "state"
    reports = []
    for jobs in ("1", "2", "2"):  # the last run reuses every result from the state
        out = tmp_path / f"j{jobs}-{len(reports)}.json"
        proc = subprocess.run([sys.executable, "-m", "piiscan", "scan", str(share), "-j", jobs,
                               f"--state={state}", "-q", "-o", str(out)],
                              capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 1, proc.stderr
        assert proc.stderr == ""  # no progress bar, nothing else, off a terminal
        reports.append(comparable(out.read_text(encoding="utf-8")))
    assert reports[0] == reports[1] == reports[2]


def test_progress_bar_never_off_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    (tmp_path / "a.txt").write_text("電話 090-1234-5678\n", encoding="utf-8")
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "-f", "json"])
    assert result.exit_code == 1
    assert result.stderr == ""
    assert "scanning" not in result.stdout and "\x1b" not in result.stdout


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_wanted_only_for_a_person(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PRE_COMMIT", "CI", "TERM"):
        monkeypatch.delenv(name, raising=False)
    assert progress.wanted(Terminal())
    assert not progress.wanted(io.StringIO())  # cron, a pipe, a file
    assert not progress.wanted(Terminal(), quiet=True)
    assert not progress.wanted(Terminal(), hook=True)
    monkeypatch.setenv("PRE_COMMIT", "1")
    assert not progress.wanted(Terminal())
    monkeypatch.delenv("PRE_COMMIT")
    monkeypatch.setenv("CI", "true")
    assert not progress.wanted(Terminal())


def test_progress_bar_on_a_terminal(tmp_path: Path) -> None:
    for i in range(5):
        (tmp_path / f"{i}.txt").write_text("x" * 1000, encoding="utf-8")
    stream = Terminal()
    with progress.ScanProgress([str(tmp_path)], Settings(), stream) as bar:
        seen: list[str] = []
        on_file = bar.wrap(lambda fr: seen.append(fr.file.display))
        FileScanner().scan_paths([str(tmp_path)], on_file=on_file)
        assert bar._counter is not None
        bar._counter.join(5)
        assert bar.files == 5 and bar.total_files == 5 and bar.done_bytes == 5000
        assert bar._files_text() == "5/5 files"
    assert len(seen) == 5
    assert "files" in stream.getvalue()


class DiesOnArrival(FileRef):
    """A file that kills the worker that receives it (as a crash in a parser would)."""

    def __reduce__(self) -> Any:
        return (os._exit, (3,))


class BreaksScanner(FileRef):
    """A file whose scan raises inside the worker (its size arrives as None)."""

    def __reduce__(self) -> Any:
        return (FileRef, (self.path, self.display, None, self.mtime))


def refs(folder: Path, count: int) -> list[FileRef]:
    out = []
    for i in range(count):
        path = folder / f"{i:02d}.txt"
        path.write_text(f"顧客 電話 090-1234-{i:04d}\n", encoding="utf-8")
        st = path.stat()
        out.append(FileRef(str(path), path.name, st.st_size, st.st_mtime))
    return out


def scan_refs(items: list[FileRef | Skip], jobs: int) -> list[FileResult | Skip]:
    scanner = FileScanner(settings=Settings(jobs=jobs), key=KEY)
    return list(pool.scan_in_pool(iter(items), scanner.rules, scanner.settings, scanner.keys))


def test_worker_death_and_errors_become_skips(tmp_path: Path,
                                               small_pool: list[pool.PoolScan]) -> None:
    good = refs(tmp_path, 12)
    killer = DiesOnArrival(str(tmp_path / "crash.pdf"), "crash.pdf", 10, 0.0)
    broken = BreaksScanner(str(good[0].path), "broken.txt", good[0].size, 0.0)
    items: list[FileRef | Skip] = [*good[:5], killer, *good[5:9], broken, *good[9:]]
    results = scan_refs(items, jobs=2)
    assert small_pool and small_pool[0].restarts == 2  # the crash, then finding the file
    assert [r.file.display for r in results if isinstance(r, FileResult)] == \
        [i.display for i in items]
    by_name = {r.file.display: r for r in results if isinstance(r, FileResult)}
    assert [s.reason for s in by_name["crash.pdf"].skips] == [pool.WORKER_DIED]
    assert "internal error in piiscan" in by_name["broken.txt"].skips[0].reason
    assert not by_name["broken.txt"].findings
    expected = scan_refs(list(good), jobs=1)
    for want in expected:
        assert isinstance(want, FileResult)
        got = by_name[want.file.display]
        assert [f.masked_value for f in got.findings] == \
            [f.masked_value for f in want.findings] != []
        assert not got.skips


def test_interrupt_stops_the_pool(tmp_path: Path, small_pool: list[pool.PoolScan],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    good = refs(tmp_path, 40)
    scanner = FileScanner(settings=Settings(jobs=2))
    workers: list[Any] = []

    def on_file(fr: FileResult) -> None:
        if not workers:
            executor = small_pool[0].executor
            assert executor is not None
            workers.extend(executor._processes.values())  # type: ignore[attr-defined]
            raise Interrupted("SIGTERM")

    def items(paths: list[str], settings: Settings) -> Iterator[FileRef | Skip]:
        yield from good

    monkeypatch.setattr("piiscan.run.session.iter_sources", items)
    result = scanner.scan_paths([str(tmp_path)], on_file=on_file)
    assert result.complete is False and len(result.files) == 1
    assert workers and small_pool[0].executor is None
    deadline = time.monotonic() + 10
    while any(p.is_alive() for p in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(p.is_alive() for p in workers)


def test_ctrl_c_at_a_terminal_ends_incomplete(tmp_path: Path) -> None:
    """SIGINT to the whole process group, as a terminal sends it, once the first results
    are out: exit 4, an incomplete report, and no worker process left."""
    share = tmp_path / "share"
    filler = "本日の会議では来期の予算について議論した。\n" * 40
    for i in range(3000):
        path = share / f"d{i % 10}" / f"{i:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(filler + (f"電話 090-1234-{i:04d}\n" if i % 10 == 0 else ""),
                        encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PRE_COMMIT"}
    with subprocess.Popen([sys.executable, "-m", "piiscan", "scan", str(share), "-j", "2",
                           "-f", "jsonl"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          start_new_session=True, env=env) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        lines: list[bytes] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout or []))
        reader.start()
        deadline = time.monotonic() + 60
        # parent, resource tracker, fork server and workers: the pool is up
        while (len(lines) < 2 or len(_group(proc.pid, alive=True)) < 4) \
                and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert proc.poll() is None, "the scan ended before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        err = proc.stderr.read()
        reader.join(60)
        proc.wait(timeout=60)
    assert proc.returncode == 4, err.decode()
    assert b"Traceback" not in err
    records = [json.loads(line) for line in lines]
    assert records[-1]["type"] == "summary" and records[-1]["scan"]["complete"] is False
    assert 0 < sum(r["type"] == "file" for r in records) < 3000
    deadline = time.monotonic() + 10
    while _group(proc.pid, alive=True) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _group(proc.pid, alive=True) == []


def _group(pgid: int, alive: bool = False) -> list[int]:
    """Processes in a process group (zombies left out when ``alive``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and not (alive and state == "Z"):
            pids.append(int(entry.name))
    return pids


def test_baseline_fingerprints_come_back_from_workers(tmp_path: Path,
                                                       small_pool: list[pool.PoolScan],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Baseline fingerprints computed in workers reach the parent with each finding, where
    entries are collected (baseline create) and matched (stale detection): the same
    baseline as in-process, and a rescan that fails on nothing."""
    monkeypatch.delenv("PRE_COMMIT", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    rng = random.Random(9)
    entries: dict[str, set[tuple[str, str]]] = {}
    for jobs in ("1", "2"):
        repo = tmp_path / f"repo{jobs}"
        (repo / ".git").mkdir(parents=True)
        (repo / ".piiscan.toml").write_text(f"jobs = {jobs}\n", encoding="utf-8")
        for i in range(12):
            extra = f"電話 {mobile(rng)}\n" if i % 4 == 0 else ""
            (repo / f"f{i:02d}.txt").write_text(f"メモ {i}\n{extra}", encoding="utf-8")
        monkeypatch.chdir(repo)
        created = CliRunner().invoke(main, ["baseline", "create"], catch_exceptions=False)
        assert created.exit_code == 0, created.output
        data = json.loads((repo / ".piiscan-baseline.json").read_text(encoding="utf-8"))
        entries[jobs] = {(e["path"], e["type"]) for e in data["entries"]}
        rescan = CliRunner().invoke(main, ["scan", "."], catch_exceptions=False)
        assert rescan.exit_code == 0, rescan.output
        assert "match nothing" not in rescan.stderr
    assert entries["1"] == entries["2"] and len(entries["2"]) >= 3
    assert len(small_pool) == 2  # the pool ran both `baseline create` and the rescan
