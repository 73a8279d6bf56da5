"""What the commands share: the ``--state`` and ``--config`` options, opening the state
database they name, and the one-line error exit."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import click

from piiscan.errors import PiiscanError

if TYPE_CHECKING:
    from piiscan.state.store import StateStore

STATE_OPTION = click.option(
    "--state", default=None, metavar="PATH",
    help="State database (default: the config file's `state`, else "
         "~/.local/state/piiscan/state.db).")
CONFIG_OPTION = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             default=None, metavar="FILE",
                             help="Configuration file (default: found above the current "
                                  "folder).")


def fail(error: PiiscanError) -> NoReturn:
    click.echo(f"piiscan: error: {error}", err=True)
    sys.exit(error.exit_code)


def open_state(state: str | None, config_path: str | None) -> StateStore:
    """The state database named by --state, else the config file's, else the default;
    opened without the run lock (readers, and verdict writes, which SQLite serialises)."""
    from piiscan import configfile
    from piiscan.run.session import resolve_state
    from piiscan.state.store import StateStore, resolve_state_path

    if state:
        path = resolve_state_path(state)
    else:
        config = configfile.discover(["."], config_path)
        path = resolve_state(config.values.get("state")) or resolve_state_path(None)
    return StateStore.open(path, write=False)
