"""Subcommands that live in modules of their own, each a click command or group that
``piiscan.cli`` registers with one ``main.add_command`` line. Heavy imports stay inside the
command functions, so ``piiscan --version`` and a pre-commit run start fast."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import click

from piiscan.errors import PiiscanError

if TYPE_CHECKING:
    from piiscan.state.store import StateStore


def fail(error: PiiscanError) -> NoReturn:
    """One line on standard error, the error's exit code (2 for usage and config)."""
    click.echo(f"piiscan: error: {error}", err=True)
    sys.exit(error.exit_code)


def open_state(state: str | None, config_path: str | None) -> StateStore:
    """The state database named by --state, else the config file's, else the default,
    opened for reading."""
    from piiscan import configfile
    from piiscan.run.session import resolve_state
    from piiscan.state.store import StateStore, resolve_state_path

    if state:
        path = resolve_state_path(state)
    else:
        config = configfile.discover(["."], config_path)
        path = resolve_state(config.values.get("state")) or resolve_state_path(None)
    return StateStore.open(path, write=False)
