"""The console script. ``piiscan --version`` answers before any heavy import (click, rich,
the rules): wrappers and hooks call it to check the tool is there."""

from __future__ import annotations

import gc
import sys

from piiscan import __version__


def main() -> None:
    if sys.argv[1:] in (["--version"], ["-V"]):
        print(f"piiscan, version {__version__}")  # the same words click's option prints
        return
    from piiscan.cli import main as cli_main

    try:
        cli_main()
    finally:
        # The process ends here. The collections the interpreter runs at exit would walk
        # everything the run built (about 25 ms of a pre-commit run over three files); frozen,
        # it is freed without being walked, and the operating system takes what is left
        # (reference cycles). atexit handlers and buffered output are not affected.
        gc.freeze()
