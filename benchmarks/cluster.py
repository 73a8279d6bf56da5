"""Scaling on a Dask cluster: the figures docs/scale.md rests on.

    .venv/bin/python benchmarks/cluster.py [--size 10] [--runs 3]

What it measures (tracked in docs/scale.md, never asserted):

1. The same generated corpus (benchmarks/corpus.py) through the real command line: one
   process (``-j1``), ``--cluster local:1`` and ``--cluster local:2``; the median of
   ``--runs`` wall times and CPU times (all processes), and what starting and stopping a
   LocalCluster costs on its own (a scan of an empty folder).
2. Per-task overhead: empty batches (``run.cluster._scan_batch`` with no file) through a
   LocalCluster of two workers, as the client sends them (a window of in-flight batches),
   and one at a time (the round trip).
3. The client's cost per file, the one part that does not grow with workers: unpickling a
   batch of results, the finishing steps (suppressions, score), the state database write
   (ResultCache) and the JSON report's rendering, over the corpus's real results.

The machine is reported with the figures; on a shared machine they vary from run to run.
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402

from run import PIISCAN, clean_env, machine  # noqa: E402

MB = 1_000_000


def timed(cmd: list[str], runs: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (the command and every process it
    started and waited for: workers, scheduler) of ``runs`` runs."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=clean_env(), check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def cli_scaling(files: Path, runs: int) -> dict[str, tuple[float, float]]:
    modes = {"-j1": ["-j1"], "local:1": ["--cluster", "local:1"],
             "local:2": ["--cluster", "local:2"]}
    out = {name: timed([*PIISCAN, "scan", str(files), *args, "-q"], runs)
           for name, args in modes.items()}
    with tempfile.TemporaryDirectory() as empty:
        for workers in ("1", "2"):
            out[f"start+stop local:{workers}"] = timed(
                [*PIISCAN, "scan", empty, "--cluster", f"local:{workers}", "-q"], runs)
    return out


def task_overhead(tasks: int = 1000, window: int = 6) -> dict[str, float]:
    from piiscan.config import Settings
    from piiscan.mask import Fingerprinter, Keys
    from piiscan.run import cluster
    from piiscan.scan import CompiledRules

    rules = CompiledRules.load(Settings())
    with cluster.Cluster(cluster.ClusterSpec(workers=2)) as client:
        cluster._install(client, "bench", rules, Settings(), Keys(Fingerprinter(b"\0" * 32)))
        start = time.perf_counter()
        for _ in range(200):
            client.submit(cluster._scan_batch, "bench", [], pure=False).result()
        serial = (time.perf_counter() - start) / 200
        start = time.perf_counter()
        in_flight: list[Any] = []
        for _ in range(tasks):
            in_flight.append(client.submit(cluster._scan_batch, "bench", [], pure=False))
            if len(in_flight) >= window:
                in_flight.pop(0).result()
        for future in in_flight:
            future.result()
        pipelined = (time.perf_counter() - start) / tasks
    return {"round trip (one at a time), ms": serial * 1000,
            f"per task, {window} in flight, ms": pipelined * 1000}


def client_cost(files: Path) -> dict[str, float]:
    from piiscan.config import Settings
    from piiscan.mask import Fingerprinter, Keys
    from piiscan.report.json import file_dict
    from piiscan.rules.loader import load_ruleset
    from piiscan.run.finish import Finisher
    from piiscan.run.pool import _unpickle
    from piiscan.run.session import cache_digest, scan_paths
    from piiscan.scan import CompiledRules
    from piiscan.state.store import StateStore

    settings = Settings(jobs=1)
    ruleset = load_ruleset()
    rules = CompiledRules(ruleset, settings.limits.regex_seconds)
    result = scan_paths([str(files)], rules, settings, Keys(Fingerprinter(b"\0" * 32)),
                        lambda fr: fr)
    batches = [pickle.dumps(result.files[i:i + 32], protocol=pickle.HIGHEST_PROTOCOL)
               for i in range(0, len(result.files), 32)]
    finish = Finisher.from_settings(settings, rules)
    phases: dict[str, float] = {}
    start = time.perf_counter()
    results = [fr for data in batches for fr in _unpickle(data)]
    phases["unpickle"] = time.perf_counter() - start
    start = time.perf_counter()
    for fr in results:
        finish(fr)
    phases["finish (suppress, score)"] = time.perf_counter() - start
    with tempfile.TemporaryDirectory() as tmp:
        store = StateStore.open(Path(tmp) / "state.db")
        cache = store.cache(cache_digest(ruleset, settings))
        start = time.perf_counter()
        for fr in results:
            cache.get(fr.file)  # what the client does before it sends a file
            cache.put(fr.file, fr)
        cache.flush()
        phases["state (ResultCache)"] = time.perf_counter() - start
        store.close()
    start = time.perf_counter()
    for fr in results:
        file_dict(fr)
    phases["JSON report (file_dict)"] = time.perf_counter() - start
    findings = sum(len(fr.findings) for fr in results)
    out: dict[str, float] = {"files": len(results), "findings": findings,
                             "pickled bytes per finding": sum(map(len, batches)) / findings}
    for name, seconds in phases.items():
        out[f"{name}, us per finding"] = seconds / findings * 1e6
    total = sum(phases.values())
    out["client ms per file"] = total / len(results) * 1000
    out["client findings/s"] = findings / total
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=float, default=10.0, help="corpus MB (default 10)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    root = corpus.generate(args.size, 1)
    files = root / "files"
    count = sum(1 for p in files.rglob("*") if p.is_file())
    total = sum(p.stat().st_size for p in files.rglob("*") if p.is_file())
    for key, value in machine().items():
        print(f"{key}: {value}")
    print(f"load average at start: {os.getloadavg()}")
    print(f"corpus: {count} files, {total / MB:.1f} MB ({root})")
    print("\n## The whole corpus through the command line (median wall and CPU seconds)")
    scaling = cli_scaling(files, args.runs)
    for name, (wall, cpu) in scaling.items():
        rate = "" if name.startswith("start") else f"  {total / MB / wall:5.2f} MB/s"
        print(f"{name:>22}: {wall:7.2f} s wall {cpu:7.2f} s CPU{rate}", flush=True)
    print("\n## Per-task overhead, LocalCluster of 2 workers")
    for name, value in task_overhead().items():
        print(f"{name:>34}: {value:7.2f}")
    print("\n## The client's cost per file (unpickle, finish, state, JSON)")
    for name, value in client_cost(files).items():
        print(f"{name:>36}: {value:11.2f}" if isinstance(value, float) else
              f"{name:>36}: {value}")
    print(f"\nload average at end: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
