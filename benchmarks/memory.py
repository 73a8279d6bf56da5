"""Peak memory on hostile or huge inputs: a PDF decompression bomb, writing every report
format for a scan with hundreds of thousands of findings, a whole run over more and more
copies of the benchmark share, and one big log. Figures go to docs/benchmarks.md; nothing
here is asserted by the test suite.

    make bench-memory                        # bomb, reports, share, log, with the defaults
    .venv/bin/python benchmarks/memory.py bomb [--size-mb 10] [--src DIR]
    .venv/bin/python benchmarks/memory.py reports [--findings 600000] [--formats json,csv]
                                                  [--src DIR]
    .venv/bin/python benchmarks/memory.py share [--copies 1,4] [--src DIR]
    .venv/bin/python benchmarks/memory.py log [--sizes-mb 10,100] [--src DIR]

``share`` copies the benchmark corpus (``size10-seed1``, generated if missing) N times into
one folder and runs ``piiscan scan DIR -q -j1 -o report.json`` on it: peak RSS should not
grow with the copies (run.spill). ``log`` writes an application log of the given size (one
line in ten with a customer's phone) and scans it the same way: peak RSS should not grow
with the size (limits.findings_per_file).

``bomb`` builds (once, cached in benchmarks/.corpus/) a PDF of about ``--size-mb`` MB whose
single Flate content stream inflates about a thousand times, and runs ``piiscan scan`` on it
in a child process (``-j1``); it prints the child's peak RSS, its wall time, exit code and
the skip reason from its JSON report.

``reports`` builds a synthetic ScanResult (``--findings`` spread over files of 100 findings)
in a child process per format, writes that one report format to a file, and prints the
child's RSS once the result is built and its peak RSS while writing: the difference is
what the reporter costs.

``--src DIR`` runs the children against another checkout's ``src`` folder (e.g. the main
branch, for a before/after figure). Peak RSS comes from ``wait4`` on each child.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".corpus"
MiB = 1024 * 1024


def child_env(src: str | None) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1"}
    if src:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    return env


def run_child(cmd: list[str], env: dict[str, str], cwd: Path | None = None
              ) -> tuple[int, float, int, str]:
    """(exit code, seconds, peak RSS in bytes, stdout) of a child process."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return proc.returncode, time.perf_counter() - start, usage.ru_maxrss * 1024, text


# --- bomb ----------------------------------------------------------------------------------


def bomb_file(size_mb: int) -> Path:
    """A PDF of about ``size_mb`` MB: one Flate content stream of spaces (about 1,000:1)."""
    path = CACHE / f"bomb-{size_mb}mb" / "bomb.pdf"
    if path.exists():
        return path
    sys.path.insert(0, str(ROOT / "tests"))
    import fixtures_office

    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path} (about {size_mb * 1030 // 1024} GiB inflated) ...", flush=True)
    fixtures_office.make_pdf_flate_bomb(path, size_mb * 1030 * MiB)
    return path


def bomb(args: argparse.Namespace) -> None:
    path = bomb_file(args.size_mb)
    inflated = size_mb_inflated(args.size_mb)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        cmd = [sys.executable, "-m", "piiscan", "scan", str(path.parent), "-q", "-j1",
               "-o", str(report)]
        code, seconds, peak, output = run_child(cmd, child_env(args.src))
        reason = ""
        if report.exists():
            data = json.loads(report.read_text(encoding="utf-8"))
            reasons = [s["reason"] for f in data["files"] for s in f["skips"]]
            reason = "; ".join(reasons) or "(no skip: the file was read)"
    print(f"file: {path} ({path.stat().st_size / MiB:.1f} MiB, inflates to about "
          f"{inflated / 1024:.1f} GiB)")
    print(f"piiscan scan -j1: exit {code}, {seconds:.1f} s, peak RSS {peak / MiB:,.0f} MiB")
    print(f"skip reason: {reason or output.strip()[-300:]}")


def size_mb_inflated(size_mb: int) -> int:
    return size_mb * 1030  # MiB, as built


# --- reports -------------------------------------------------------------------------------

REPORT_CHILD = r"""
import json, os, sys, time
from piiscan import report
from piiscan.models import (Category, FileRef, FileResult, Finding, Level, Location,
                            Reason, ScanResult)

def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0

fmt, target, findings = sys.argv[1], sys.argv[2], int(sys.argv[3])
per_file = 100
reasons = (Reason("keyword", "電話"), Reason("column", "電話番号"))
files = []
for f in range(max(1, findings // per_file)):
    display = f"share/部署{f % 50:02d}/顧客リスト_{f:06d}.csv"
    ref = FileRef(display, display, 250_000, 1_700_000_000.0, f, 0o100640, 1000)
    result = FileResult(file=ref, kind="csv", encoding="cp932", risk_score=80,
                        risk_level="high", risk_reasons=["about 100 people (rows)"],
                        people_estimate=100)
    for n in range(per_file):
        row = n + 2
        result.findings.append(Finding(
            type="PHONE", rule_id="jp.phone.mobile", rule_name="電話番号",
            category=Category.PERSONAL, severity=Level.MEDIUM, confidence=Level.HIGH,
            reasons=reasons, location=Location(display, row=row, column=3),
            masked_value=f"***-****-{n:04d}",
            masked_snippet=f"…** ** 様 電話 ***-****-{n:04d} 住所 東京都****…",
            fingerprint=f"{f:016x}{n:016x}", record=f"row {row}"))
    files.append(result)
result = ScanResult(roots=["share"], started="2026-01-15T09:00:00+09:00",
                    finished="2026-01-15T09:30:00+09:00", files=files)
built = rss()
start = time.perf_counter()
if hasattr(report, "write_report"):
    report.write_report(target, fmt, result)
else:  # a piiscan from before streaming writers
    report.write_atomic(target, report.get(fmt)(result))
print(json.dumps({"built": built, "seconds": time.perf_counter() - start,
                  "bytes": os.path.getsize(target)}))
"""

EXTENSIONS = {"json": "json", "jsonl": "jsonl", "csv": "csv", "sarif": "sarif",
              "html": "html", "xlsx": "xlsx"}


def reports(args: argparse.Namespace) -> None:
    formats = args.formats.split(",")
    print(f"{args.findings:,} findings in {args.findings // 100:,} files; one child per format")
    print("| format | RSS with the result built MiB | peak RSS writing MiB | reporter MiB "
          "| seconds | report MiB |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for fmt in formats:
            target = Path(tmp) / f"r.{EXTENSIONS[fmt]}"
            cmd = [sys.executable, "-c", REPORT_CHILD, fmt, str(target), str(args.findings)]
            code, _, peak, output = run_child(cmd, child_env(args.src), cwd=Path(tmp))
            if code != 0:
                print(f"| {fmt} | failed: {output.strip()[-200:]} |")
                continue
            info = json.loads(output.strip().splitlines()[-1])
            print(f"| {fmt} | {info['built'] / MiB:,.0f} | {peak / MiB:,.0f} | "
                  f"{(peak - info['built']) / MiB:,.0f} | {info['seconds']:.1f} | "
                  f"{info['bytes'] / MiB:,.0f} |", flush=True)


# --- share and log --------------------------------------------------------------------------


def scan_peak(folder: Path, src: str | None, extra: tuple[str, ...] = ()) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "r.json"
        cmd = [sys.executable, "-m", "piiscan", "scan", str(folder), "-q", "-j1",
               "-o", str(report), *extra]
        code, seconds, peak, output = run_child(cmd, child_env(src))
    summary = output.strip().splitlines()[-1] if output.strip() else ""
    return f"exit {code}, {seconds:.1f} s, peak RSS {peak / MiB:,.0f} MiB — {summary}"


def share(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(HERE))
    import corpus

    source = corpus.generate(10, 1) / "files"
    for copies in (int(c) for c in args.copies.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(copies):
                shutil.copytree(source, Path(tmp) / f"copy{i}")
            size = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
            print(f"{copies} × the share ({size / MiB:.1f} MiB): "
                  f"{scan_peak(Path(tmp), args.src)}", flush=True)


def write_log(path: Path, size_mb: int) -> None:
    rng = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        written, i = 0, 0
        while written < size_mb * MiB:
            i += 1
            if i % 10 == 0:
                line = (f"2026-12-01 10:{i % 60:02d}:{i % 60:02d} INFO order={i} customer "
                        f"tel=090-{rng.randint(1000, 9999)}-{rng.randint(1000, 9999)}\n")
            else:
                line = (f"2026-12-01 10:{i % 60:02d}:{i % 60:02d} DEBUG request id={i} "
                        f"path=/api/v1/items/{i % 977} status=200 bytes={i % 5000}\n")
            written += out.write(line)


def log(args: argparse.Namespace) -> None:
    for size_mb in (int(s) for s in args.sizes_mb.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            write_log(Path(tmp) / "app.log", size_mb)
            print(f"one {size_mb} MB log: "
                  f"{scan_peak(Path(tmp), args.src, ('--max-file-size', '2G'))}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("bomb", help="peak RSS scanning a PDF decompression bomb")
    one.add_argument("--size-mb", type=int, default=10)
    one.add_argument("--src", default=None, help="run against this checkout's src folder")
    two = sub.add_parser("reports", help="peak RSS writing each report format")
    two.add_argument("--findings", type=int, default=600_000)
    two.add_argument("--formats", default=",".join(EXTENSIONS))
    two.add_argument("--src", default=None, help="run against this checkout's src folder")
    three = sub.add_parser("share", help="peak RSS of a run over N copies of the share")
    three.add_argument("--copies", default="1,4")
    three.add_argument("--src", default=None, help="run against this checkout's src folder")
    four = sub.add_parser("log", help="peak RSS scanning one log of each size")
    four.add_argument("--sizes-mb", default="10,100")
    four.add_argument("--src", default=None, help="run against this checkout's src folder")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; {os.cpu_count()} cores; "
          f"src: {args.src or 'this checkout'}")
    {"bomb": bomb, "reports": reports, "share": share, "log": log}[args.command](args)


if __name__ == "__main__":
    main()
