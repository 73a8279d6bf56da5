"""``piiscan --version`` answers without importing click, rich or the rules."""

from __future__ import annotations

import subprocess
import sys

from piiscan import __version__

PROBE = """
import sys
sys.argv = ["piiscan", "--version"]
from piiscan.entry import main
main()
heavy = [m for m in ("click", "rich", "regex", "yaml", "piiscan.cli") if m in sys.modules]
print("heavy:", heavy)
"""


def test_version_without_heavy_imports() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out == [f"piiscan, version {__version__}", "heavy: []"]


def test_everything_else_goes_to_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "piiscan", "--help"], capture_output=True,
                          text=True, check=True)
    assert "Usage: " in proc.stdout and "scan" in proc.stdout
