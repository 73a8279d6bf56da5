"""--cluster: the same report as one process, with real Dask worker processes on loopback;
a worker killed with SIGKILL mid-run costs nothing (its batches are retried elsewhere and
every file is reported exactly once); the client alone writes the state; clear errors."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from piiscan.config import Settings
from piiscan.errors import UsageError
from piiscan.mask import Fingerprinter, Keys
from piiscan.models import FileResult
from piiscan.report.json import render
from piiscan.rules.loader import load_ruleset
from piiscan.run import cluster
from piiscan.run.session import ScanSession, SessionOptions

from clirunner import CLI
from scankit import KEY, scan_tree
from servers import DaskCluster, dask_cluster, free_port
from sharegen import EXCLUDE, make_share
from synth import group4, mobile, my_number


def comparable(report: bytes) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report)
    for key in ("started", "finished"):
        data["scan"].pop(key)
    for key in ("jobs", "cluster"):
        data["scan"]["settings"].pop(key)
    return data


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two files a task: many tasks, finishing out of order."""
    monkeypatch.setattr(cluster, "BATCH_FILES", 2)


def test_local_cluster_same_report_and_state_as_one_process(
        tmp_path: Path, small_batches: None) -> None:
    share = make_share(tmp_path / "share", texts=12)
    settings = Settings(excludes=(EXCLUDE,), jobs=1)
    one = scan_tree([str(share)], settings)
    state = tmp_path / "state" / "state.db"
    ruleset = load_ruleset()
    seen: list[str] = []
    options = SessionOptions(state=state, key=KEY)
    with ScanSession(ruleset, settings.with_changes(cluster="local:2"), options) as session:
        on_cluster = session.run([str(share)], on_file=lambda fr: seen.append(fr.file.display))
        assert session.outcome.cache_misses == len(one.files)
    assert comparable(render(on_cluster)) == comparable(render(one))
    assert seen == [fr.file.display for fr in one.files]  # progress, in walk order
    # The client wrote every result to the state: a run in one process reuses them all.
    with ScanSession(ruleset, settings, options) as session:
        again = session.run([str(share)])
        assert session.outcome.cache_hits == len(one.files) and not session.outcome.cache_misses
    assert comparable(render(again)) == comparable(render(one))


@pytest.fixture(scope="module")
def tcp_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaskCluster]:
    """A `dask scheduler` and two `dask worker` processes (no nanny) on loopback."""
    with dask_cluster(tmp_path_factory.mktemp("dask")) as running:
        yield running


def slow_share(root: Path, files: int = 24) -> Path:
    """Files that take a noticeable time each, so batches are in flight at any moment."""
    rng = random.Random(11)
    root.mkdir()
    filler = "本日の会議では来期の予算について議論した。\n" * 40
    for i in range(files):
        lines = [f"議事録 {i}\n{filler}"] + [
            f"顧客 電話 {mobile(rng)} マイナンバー {group4(my_number(rng))}\n{filler}"
            for _ in range(60)]
        (root / f"f{i:02d}.txt").write_text("".join(lines), encoding="utf-8")
    return root


def test_worker_killed_mid_run_files_retried_each_reported_once(
        tmp_path: Path, tcp_cluster: DaskCluster, small_batches: None) -> None:
    from distributed import Client

    share = slow_share(tmp_path / "share")
    one = scan_tree([str(share)], Settings(jobs=1))
    pids = {proc.pid for proc in tcp_cluster.workers}
    killed: dict[str, Any] = {}

    def kill_busiest_worker(_: FileResult) -> None:
        if killed:
            return
        processing = observer.processing()
        address = max(processing, key=lambda a: len(processing[a]))
        pid = observer.run(os.getpid)[address]
        assert pid in pids  # one of the processes this test started
        os.kill(pid, signal.SIGKILL)
        killed.update(address=address, pid=pid, tasks=list(processing[address]))

    with Client(tcp_cluster.address, set_as_default=False) as observer:
        result = scan_tree([str(share)], Settings(jobs=1, cluster=tcp_cluster.address),
                           on_file=kill_busiest_worker)
        assert killed["tasks"], "the killed worker had batches in flight"
        remaining = observer.scheduler_info(n_workers=-1)["workers"]
        assert killed["address"] not in remaining and len(remaining) == 1
    dead = next(p for p in tcp_cluster.workers if p.pid == killed["pid"])
    assert dead.wait(10) == -signal.SIGKILL
    displays = [fr.file.display for fr in result.files]
    assert displays == [fr.file.display for fr in one.files]  # each file exactly once
    assert comparable(render(result)) == comparable(render(one))
    assert result.complete and not result.all_skips()


def test_tls_cluster_from_the_command_line(tmp_path: Path) -> None:
    """tls://: the fingerprint key and the rules cross the network encrypted; the client's
    certificates come from Dask's own configuration (here its environment variables)."""
    share = make_share(tmp_path / "share", texts=2)
    cli = CLI()
    one = cli.run("scan", str(share), "-j1", "-q")
    with dask_cluster(tmp_path, workers=1, tls=True) as running:
        assert running.address.startswith("tls://")
        on_tls = cli.run("scan", str(share), "--cluster", running.address, "-q",
                         env=running.env)
        plain = cli.run("scan", str(share), "--cluster",
                        running.address.replace("tls://", "tcp://"), "-q", env=running.env)
    assert on_tls.returncode == one.returncode == 1, on_tls.stderr
    assert on_tls.stdout == one.stdout and on_tls.stderr == ""
    assert plain.returncode == 2 and plain.stderr.startswith("piiscan: error: --cluster tcp://")
    assert "requires encryption" in plain.stderr and plain.stderr.count("\n") == 1


def test_cluster_spec_errors() -> None:
    assert cluster.ClusterSpec.parse("local:3") == cluster.ClusterSpec(workers=3)
    assert cluster.ClusterSpec.parse("tcp://10.0.0.5:8786").address == "tcp://10.0.0.5:8786"
    for bad in ("local:0", "local:x", "8786", "http://host:8786", "tcp://"):
        with pytest.raises(UsageError, match="--cluster"):
            cluster.ClusterSpec.parse(bad)


def test_unreachable_scheduler_is_a_usage_error(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cluster, "CONNECT_SECONDS", 1)
    (tmp_path / "a.txt").write_text("電話 090-1234-5678\n", encoding="utf-8")
    address = f"tcp://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(UsageError, match="cannot reach the Dask scheduler"):
        scan_tree([str(tmp_path)], Settings(cluster=address))


def test_worker_of_another_version_says_so() -> None:
    keys = Keys(Fingerprinter(KEY))
    plugin = cluster.ScannerPlugin("p", load_ruleset(), Settings(), keys)
    worker = SimpleNamespace(address="tcp://127.0.0.1:1", plugins={"p": plugin})
    plugin.setup(worker)
    assert plugin.error == "" and cluster._status("p", worker) == ""
    plugin.version = "0.0.1"
    plugin.setup(worker)
    assert "runs piiscan" in cluster._status("p", worker)


def test_missing_extra_is_one_line_naming_it(tmp_path: Path) -> None:
    """Without Dask installed (an import that finds nothing, as Python reports a module
    that is not there), --cluster stops before scanning: exit 2, one line."""
    (tmp_path / "a.txt").write_text("メモ\n", encoding="utf-8")
    code = ("import sys; sys.modules['distributed'] = None; sys.argv = ['piiscan', 'scan', "
            f"{str(tmp_path)!r}, '--cluster', 'local:2', '-q']; "
            "from piiscan.entry import main; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr == ("piiscan: error: --cluster needs piiscan's 'distributed' extra: "
                           "pip install 'piiscan[distributed]'\n")
