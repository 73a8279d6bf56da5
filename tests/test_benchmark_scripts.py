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
