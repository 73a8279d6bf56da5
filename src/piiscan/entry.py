"""The console script. ``piiscan --version`` answers before any heavy import (click, rich,
the rules): wrappers and hooks call it to check the tool is there."""

from __future__ import annotations

import sys

from piiscan import __version__


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        print(f"piiscan, version {__version__}")  # the same words click's option prints
        return
    from piiscan.cli import main as cli_main

    cli_main()
