"""The benchmark scripts still run against the current models: they are not part of the
suite's figures (``make bench-memory`` measures), but one that no longer runs measures
nothing. A few hundred findings, every report format, no figure asserted."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).parent.parent / "benchmarks"


def test_memory_reports_writes_every_format() -> None:
    proc = subprocess.run([sys.executable, str(BENCHMARKS / "memory.py"), "reports",
                           "--findings", "300"], capture_output=True, text=True, timeout=300,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    rows = [line for line in proc.stdout.splitlines() if line.startswith("| ")][1:]
    assert {row.split("|")[1].strip() for row in rows} == \
        {"json", "jsonl", "csv", "sarif", "html", "xlsx"}
    assert not [row for row in rows if "failed" in row], proc.stdout


_COMPARE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import run  # benchmarks/eval/run.py (its generator imports gimei, which leaves files open)
from pathlib import Path
share = Path(sys.argv[2])
report, _, _ = run.run_scan(share)
same = run.compare_matchers(share, report)
next(fr for fr in report["files"] if fr["findings"])["findings"].pop()
print(json.dumps([sum(len(fr["findings"]) for fr in report["files"]), same,
                  run.compare_matchers(share, report)]))
"""


def test_the_evaluation_compares_the_word_scanners_two_backends() -> None:
    """`make eval` scans its corpus again with the pure-Python word scanner (issue 15: the
    findings must be those of Hyperscan) and fails when one differs."""
    import json

    proc = subprocess.run([sys.executable, "-c", _COMPARE, str(BENCHMARKS / "eval"),
                           str(BENCHMARKS.parent / "examples" / "share")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    count, (differs, text), (differs_after, text_after) = json.loads(proc.stdout)
    assert count > 10
    assert not differs and "give identical findings" in text, text
    assert differs_after and "1 findings in one only" in text_after, text_after
    assert "python:" in text_after
