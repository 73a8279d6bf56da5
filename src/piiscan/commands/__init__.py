"""Subcommands that live in modules of their own, each a click command or group that
``piiscan.cli`` registers with one ``main.add_command`` line. Heavy imports stay inside the
command functions, so ``piiscan --version`` and a pre-commit run start fast."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from piiscan.errors import PiiscanError


def fail(error: PiiscanError) -> NoReturn:
    """One line on standard error, the error's exit code (2 for usage and config)."""
    click.echo(f"piiscan: error: {error}", err=True)
    sys.exit(error.exit_code)
