"""Exact data match, measured: index build time and size, scan time with and without --edm,
and whether every planted master value is found (and nothing else).

    .venv/bin/python benchmarks/edm.py                    # 100k-row master, 1,000-file share,
                                                          # 1M-row build, 3 runs each
    .venv/bin/python benchmarks/edm.py --rows 20000 --files 200 --build-rows 100000 --runs 1

What it does (figures go to docs/edm.md; nothing here is asserted by the test suite):

1. Generates (once, under benchmarks/.edm/) a customer master of ``--rows`` people and a share
   of ``--files`` files planted from it and from people not in it (tests/edmkit.py: gimei
   names, piiscan's municipality list, generated My Numbers; text in UTF-8 and CP932, CSV,
   XLSX, JSON), and a master of ``--build-rows`` rows for the build timing.
2. Builds both indexes in a fresh process each: wall time, CPU time, peak RSS, file size.
3. Scans the share with and without --edm, ``--jobs 1`` and ``--jobs 2``, each run a fresh
   process (rules warmed up before the clock starts), runs of the two modes interleaved so
   that the load of a shared machine falls on both alike; medians. The --edm runs are
   scored against what was planted: every master value must be an EDM match of its own
   row, no other value may be one.
4. Scans the speed corpus of benchmarks/run.py (benchmarks/.corpus, made by corpus.py if
   missing) with and without the 100k index: the cost of lookups on a share where almost
   nothing matches.

The machine's load average is printed before and after: on a shared machine wall times
vary; CPU times vary less.

Internal: ``edm.py --child build|scan ...`` is the measured process.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(HERE))
try:
    import piiscan  # noqa: F401
except ImportError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

import edmkit  # noqa: E402

PYTHON = sys.executable
OUT = HERE / ".edm"
KEY = b"\x01" * 32  # fingerprint key of the scans, so findings can be scored


# --- children ------------------------------------------------------------------------------


def _usage() -> dict[str, float]:
    """CPU seconds of this process (pool workers are the fork server's children, not ours:
    with --jobs 2 only wall time means anything) and its peak RSS. Linux keeps ru_maxrss
    across exec, so a child would report its parent's peak: VmHWM is this process's own."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    peak = me.ru_maxrss / 1024
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1]) / 1024
    except OSError:
        pass
    return {"cpu": me.ru_utime + me.ru_stime, "maxrss_mb": peak}


def child_build(master: str, schema: str, rules: str, key: str, out: str) -> dict[str, Any]:
    from piiscan.edm import keyfile
    from piiscan.edm.build import build
    from piiscan.edm.schema import EdmSchema
    from piiscan.mask import EdmHasher
    from piiscan.rules.loader import load_ruleset

    parsed = EdmSchema.load(schema)
    parsed.check_types(load_ruleset((rules,)))
    hasher = EdmHasher(keyfile.read(key))
    before = _usage()
    start = time.perf_counter()
    stats = build(master, parsed, hasher, out)
    wall = time.perf_counter() - start
    after = _usage()
    return {"seconds": wall, "cpu": after["cpu"] - before["cpu"],
            "maxrss_mb": after["maxrss_mb"], "bytes": stats.bytes, "rows": stats.rows,
            "values": sum(stats.values.values())}


def child_scan(path: str, rules: str, index: str, key: str, jobs: int,
               truth: str) -> dict[str, Any]:
    from piiscan.config import Settings
    from piiscan.edm.match import EdmMatcher
    from piiscan.rules.loader import load_ruleset
    from piiscan.run.session import ScanSession, SessionOptions

    rule_dirs = (rules,) if rules else ()
    matcher = EdmMatcher.load(index, key) if index else None
    settings = Settings(rule_dirs=rule_dirs, jobs=jobs)
    ruleset = load_ruleset(rule_dirs)
    warm = Path(path)
    sample = next(p for p in sorted(warm.rglob("*")) if p.is_file())
    with ScanSession(ruleset, settings.with_changes(jobs=1),
                     SessionOptions(key=KEY, edm=matcher)) as session:
        session.run([str(sample)])  # dictionaries and patterns load before the clock runs
    before = _usage()
    start = time.perf_counter()
    with ScanSession(ruleset, settings, SessionOptions(key=KEY, edm=matcher)) as session:
        result = session.run([path])
    wall = time.perf_counter() - start
    after = _usage()
    out: dict[str, Any] = {
        "seconds": wall, "cpu": after["cpu"] - before["cpu"], "maxrss_mb": after["maxrss_mb"],
        "files": len(result.files),
        "findings": sum(len(fr.findings) for fr in result.files),
        "edm_matches": sum(1 for fr in result.files for f in fr.findings if f.edm_row),
    }
    if truth:
        with open(truth, "rb") as fh:
            planted = pickle.load(fh)
        score = edmkit.evaluate(result, planted, KEY, path)
        out["score"] = {"master_values": score.master_values, "found": score.found,
                        "missed": len(score.missed), "wrong_row": len(score.wrong_row),
                        "other_values": score.other_values,
                        "false_matches": len(score.false_matches),
                        "corroborated": score.corroborated,
                        "examples": [str(x) for x in (score.missed[:3] + score.wrong_row[:3])]
                        + score.false_matches[:3]}
    return out


def child_main(argv: list[str]) -> int:
    kind, *rest = argv
    data = child_build(*rest) if kind == "build" else \
        child_scan(rest[0], rest[1], rest[2], rest[3], int(rest[4]), rest[5])
    print(json.dumps(data))
    return 0


def run_child(*args: str) -> dict[str, Any]:
    proc = subprocess.run([PYTHON, __file__, "--child", *args], capture_output=True, text=True,
                          check=False, env={**os.environ, "PYTHONHASHSEED": "0"})
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed: {' '.join(args)}\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


# --- the world -----------------------------------------------------------------------------


def world(rows: int, files: int, seed: int) -> dict[str, Path]:
    """Master, share, truth, schema, rules and key under benchmarks/.edm (made once)."""
    folder = OUT / f"rows{rows}-files{files}-seed{seed}"
    paths = {"master": folder / "master.csv", "share": folder / "share",
             "truth": folder / "truth.pickle", "schema": folder / "edm.yaml",
             "rules": folder / "member.yaml", "key": OUT / "edm.key",
             "index": folder / "customers.edm"}
    if not (OUT / "edm.key").exists():
        from piiscan.edm import keyfile

        OUT.mkdir(parents=True, exist_ok=True)
        keyfile.generate(str(OUT / "edm.key"))
    if paths["truth"].exists():
        return paths
    folder.mkdir(parents=True, exist_ok=True)
    print(f"generating a {rows:,}-row master and a {files:,}-file share in {folder} ...",
          flush=True)
    people = edmkit.People(seed)
    master = people.master(rows)
    others = [people.person() for _ in range(max(200, files))]
    edmkit.write_master(paths["master"], master, "cp932")
    edmkit.write_schema(folder)
    truth = edmkit.make_share(paths["share"], master, others, files, seed + 1)
    with paths["truth"].open("wb") as fh:
        pickle.dump(truth, fh)
    return paths


def build_master(rows: int, seed: int) -> dict[str, Path]:
    """A master for the build timing only (no share)."""
    folder = OUT / f"build{rows}-seed{seed}"
    paths = {"master": folder / "master.csv", "schema": folder / "edm.yaml",
             "rules": folder / "member.yaml", "index": folder / "customers.edm"}
    if not paths["master"].exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"generating a {rows:,}-row master in {folder} ...", flush=True)
        people = edmkit.People(seed)
        edmkit.write_master(paths["master"], people.master(rows), "cp932")
        edmkit.write_schema(folder)
    return paths


def corpus(size: float) -> Path:
    import corpus as speed_corpus

    folder = speed_corpus.corpus_dir(size, 1)
    if not (folder / "manifest.json").exists():
        print(f"generating the speed corpus ({size} MB) ...", flush=True)
        speed_corpus.generate(size, 1)
    return folder / "files"


# --- the runs ------------------------------------------------------------------------------


def build(paths: dict[str, Path], key: Path) -> dict[str, Any]:
    return run_child("build", str(paths["master"]), str(paths["schema"]), str(paths["rules"]),
                     str(key), str(paths["index"]))


def compare(share: Path, rules: Path | None, index: Path, key: Path, jobs: int, runs: int,
            truth: Path | None) -> dict[str, Any]:
    """Interleaved runs without and with --edm; medians and the ratio."""
    plain: list[dict[str, Any]] = []
    matched: list[dict[str, Any]] = []
    for _ in range(runs):
        plain.append(run_child("scan", str(share), str(rules or ""), "", str(key), str(jobs),
                               ""))
        matched.append(run_child("scan", str(share), str(rules or ""), str(index), str(key),
                                 str(jobs), str(truth or "")))
    out = {"jobs": jobs, "runs": runs}
    for name, runs_ in (("without", plain), ("with", matched)):
        out[name] = {"seconds": statistics.median(r["seconds"] for r in runs_),
                     "cpu": statistics.median(r["cpu"] for r in runs_),
                     "maxrss_mb": max(r["maxrss_mb"] for r in runs_),
                     "files": runs_[0]["files"], "findings": runs_[0]["findings"],
                     "edm_matches": runs_[0]["edm_matches"],
                     "all_seconds": [round(r["seconds"], 3) for r in runs_]}
    out["ratio_wall"] = out["with"]["seconds"] / out["without"]["seconds"]
    out["ratio_cpu"] = out["with"]["cpu"] / out["without"]["cpu"]
    if truth is not None:
        out["score"] = matched[0]["score"]
    return out


def compare_sqlite(index_path: Path, key: Path, lookups: int = 200_000) -> dict[str, Any]:
    """The same keys, rows and fields in SQLite (WITHOUT ROWID tables, keys as signed
    integers), against the index file: size on disk and the time of one lookup of a primary
    value and its row's fields, hits and misses mixed."""
    import random
    import sqlite3
    import tempfile

    from piiscan.edm.index import EdmIndex

    index = EdmIndex.open(str(index_path))
    entries = list(index.entries())
    keys = [k for k, _ in entries]
    with tempfile.TemporaryDirectory(dir=OUT) as tmp:
        db = Path(tmp) / "index.sqlite"
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE keys (key INTEGER, row INTEGER, PRIMARY KEY (key, row)) "
                     "WITHOUT ROWID")
        conn.execute("CREATE TABLE fields (row INTEGER, hash INTEGER, PRIMARY KEY (row, hash))"
                     " WITHOUT ROWID")
        conn.executemany("INSERT OR IGNORE INTO keys VALUES (?, ?)",
                         ((k - (1 << 64) if k >= 1 << 63 else k, r) for k, r in entries))
        conn.executemany("INSERT OR IGNORE INTO fields VALUES (?, ?)",
                         ((r, h) for r in range(index.row_count) for h in index.fields(r)))
        conn.commit()
        conn.execute("VACUUM")
        rng = random.Random(1)
        probes = [rng.choice(keys) if i % 2 else rng.getrandbits(64) for i in range(lookups)]
        start = time.perf_counter()
        for k in probes:
            for r in index.rows_for(k):
                set(index.fields(r))
        ours = (time.perf_counter() - start) / lookups * 1e6
        start = time.perf_counter()
        for k in probes:
            s = k - (1 << 64) if k >= 1 << 63 else k
            for (r,) in conn.execute("SELECT row FROM keys WHERE key = ?", (s,)).fetchall():
                {h for (h,) in conn.execute("SELECT hash FROM fields WHERE row = ?", (r,))}
        theirs = (time.perf_counter() - start) / lookups * 1e6
        conn.close()
        size = db.stat().st_size
    index.close()
    return {"index_bytes": index_path.stat().st_size, "sqlite_bytes": size,
            "index_us": ours, "sqlite_us": theirs, "lookups": lookups}


def machine() -> dict[str, Any]:
    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"python": platform.python_version(), "cores": os.cpu_count(),
            "commit": commit, "load_average": [round(x, 1) for x in os.getloadavg()]}


def report(results: dict[str, Any]) -> str:
    lines = [f"machine: {results['machine']}"]
    for name in ("build_match", "build_large"):
        b = results.get(name)
        if b:
            lines.append(f"build {b['rows']:,} rows ({b['values']:,} values): "
                         f"{b['seconds']:.1f} s wall, {b['cpu']:.1f} s CPU, "
                         f"{b['maxrss_mb']:.0f} MB peak RSS, index {b['bytes'] / 1e6:.1f} MB")
    for c in results.get("share", []) + results.get("corpus", []):
        w, m = c["without"], c["with"]
        cpu = (f" / {w['cpu']:.2f} s CPU", f" / {m['cpu']:.2f} s",
               f", x{c['ratio_cpu']:.3f} CPU") if c["jobs"] == 1 else ("", "", "")
        lines.append(f"{c['name']} -j{c['jobs']}: {w['files']:,} files, without --edm "
                     f"{w['seconds']:.2f} s wall{cpu[0]}, with {m['seconds']:.2f} s{cpu[1]}: "
                     f"x{c['ratio_wall']:.3f} wall{cpu[2]}; {m['edm_matches']:,} EDM matches "
                     f"(runs {w['all_seconds']} / {m['all_seconds']}); peak RSS "
                     f"{w['maxrss_mb']:.0f} / {m['maxrss_mb']:.0f} MB")
        if "score" in c:
            s = c["score"]
            lines.append(f"  planted master values {s['master_values']:,}: found "
                         f"{s['found']:,}, missed {s['missed']}, wrong row {s['wrong_row']}; "
                         f"{s['corroborated']:,} corroborated; values of people not in the "
                         f"master {s['other_values']:,}: false EDM matches "
                         f"{s['false_matches']}")
            if s["examples"]:
                lines.append(f"  examples: {s['examples']}")
    if "sqlite" in results:
        q = results["sqlite"]
        lines.append(f"index file {q['index_bytes'] / 1e6:.1f} MB, {q['index_us']:.1f} us per "
                     f"lookup; SQLite {q['sqlite_bytes'] / 1e6:.1f} MB, {q['sqlite_us']:.1f} us "
                     f"({q['lookups']:,} lookups, half of them misses)")
    lines.append(f"load average after: {results['load_after']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--files", type=int, default=1_000)
    parser.add_argument("--build-rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", default="1,2")
    parser.add_argument("--corpus-size", type=float, default=10.0,
                        help="MB of benchmarks/run.py's corpus (0: skip)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--sqlite", action="store_true",
                        help="also put the index in SQLite and compare size and lookups")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"machine": machine()}
    print(f"machine: {results['machine']}", flush=True)
    paths = world(args.rows, args.files, args.seed)
    key = paths["key"]
    results["build_match"] = build(paths, key)
    if args.build_rows:
        results["build_large"] = build(build_master(args.build_rows, args.seed), key)
    jobs = [int(j) for j in args.jobs.split(",")]
    results["share"] = [{"name": f"share ({args.files:,} files, {args.rows:,}-row master)",
                         **compare(paths["share"], paths["rules"], paths["index"], key, j,
                                   args.runs, paths["truth"])} for j in jobs]
    if args.corpus_size:
        files = corpus(args.corpus_size)
        results["corpus"] = [{"name": f"speed corpus ({args.corpus_size:g} MB)",
                              **compare(files, paths["rules"], paths["index"], key, j,
                                        args.runs, None)} for j in jobs]
    if args.sqlite:
        results["sqlite"] = compare_sqlite(paths["index"], key)
    results["load_after"] = [round(x, 1) for x in os.getloadavg()]
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
