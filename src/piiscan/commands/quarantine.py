"""``piiscan quarantine``: parse, call piiscan.quarantine, print what was (or would be) done."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from piiscan.commands.common import CONFIG_OPTION, STATE_OPTION, fail, open_state
from piiscan.errors import EXIT_CLEAN, EXIT_FINDINGS, PiiscanError, UsageError

if TYPE_CHECKING:
    from piiscan.quarantine.actions import Outcome

LEVELS = click.Choice(["low", "medium", "high", "critical"], case_sensitive=False)


@click.command("quarantine")
@STATE_OPTION
@CONFIG_OPTION
@click.option("--to", "target", metavar="QDIR", default=None,
              help="Move the files here, keeping their paths below the scanned folder; "
                   "QDIR must be outside it and owner-only (created 0700).")
@click.option("--chmod", "restrict", is_flag=True,
              help="Instead of moving: take every group and other permission away "
                   "(owner-only), logged and restorable.")
@click.option("--min-level", default="high", show_default=True, type=LEVELS,
              help="Only files at or above this risk level.")
@click.option("--type", "types", multiple=True, metavar="TYPE",
              help="Only files holding this type (MY_NUMBER, CREDIT_CARD, ...). Repeatable: "
                   "any of them.")
@click.option("--overdue", is_flag=True,
              help="Only files past the retention period (scan with --retention-days).")
@click.option("--stub", is_flag=True,
              help="Leave a notice (NAME.piiscan-quarantine.txt) where each file was.")
@click.option("--stub-message", default="", metavar="TEXT",
              help="Whom to contact, written into each notice.")
@click.option("--restore", is_flag=True,
              help="Undo earlier quarantines and chmods recorded in the log.")
@click.option("--file", "only", multiple=True, metavar="PATH",
              help="With --restore: only this original path. Repeatable.")
@click.option("--run", "run_id", type=int, default=None, metavar="ID",
              help="Act on run ID (default: the latest complete run).")
@click.option("--log", "log_path", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Audit log (default: STATE.quarantine.jsonl beside the "
                                   "state database).")
@click.option("--apply", is_flag=True, help="Do it. Without --apply nothing is changed.")
def quarantine(state: str | None, config_path: str | None, target: str | None,
               restrict: bool, min_level: str, types: tuple[str, ...], overdue: bool,
               stub: bool, stub_message: str, restore: bool, only: tuple[str, ...],
               run_id: int | None, log_path: str | None, apply: bool) -> None:
    """Move files with personal data into a quarantine folder, or make them owner-only.

    A dry run unless --apply: each file is listed with why it was chosen. Files come from
    the latest complete run in the state; a file that changed since that scan (size, time
    or content) is refused with the reason. Every action is appended to an audit log
    (no values), from which --restore undoes it. Exit code 0 when every file was (or would
    be) handled, 1 when some were refused, 2 on a usage error.

    \b
    Examples:
      piiscan quarantine --state ~/.piiscan --to /srv/quarantine
      piiscan quarantine --state ~/.piiscan --to /srv/quarantine --type MY_NUMBER --apply
      piiscan quarantine --state ~/.piiscan --chmod --overdue --min-level low --apply
      piiscan quarantine --state ~/.piiscan --restore --apply
    """
    from piiscan.pii_types import builtin_registry
    from piiscan.quarantine import actions, select
    from piiscan.quarantine.log import AuditLog, default_log

    try:
        if restore and (target or restrict):
            raise UsageError("--restore takes back what the log records: leave out --to and "
                             "--chmod")
        if not restore and bool(target) == restrict:
            raise UsageError("say what to do: --to QDIR (move) or --chmod (owner-only)")
        if only and not restore:
            raise UsageError("--file goes with --restore")
        with open_state(state, config_path) as store:
            log = AuditLog(Path(log_path) if log_path else default_log(store.path),
                           create=apply)
            with log:
                if restore:
                    heading = f"restore from {log.path}"
                    outcomes = actions.restore(log, apply, {os.path.abspath(p) for p in only},
                                               store.key)
                else:
                    run = store.complete_run(run_id)
                    criteria = select.Criteria(min_level.lower(), frozenset(types), overdue)
                    select.check_types(store, run, criteria.types)
                    plan = actions.Plan(apply, actions.prepare_target(target, run.roots, apply)
                                        if target else None, stub, stub_message)
                    heading = (f"run {run.id} ({run.started}): files with personal data, "
                               f"{criteria.describe()}")
                    outcomes = actions.quarantine(select.select(store, run, criteria), run,
                                                  log, plan, store.key, builtin_registry())
            damaged = log.damaged
    except PiiscanError as error:
        fail(error)
    _print(heading, outcomes, apply, log.path, damaged)
    sys.exit(EXIT_FINDINGS if any(o.refused for o in outcomes) else EXIT_CLEAN)


_VERBS = {"move": ("would move", "moved"), "chmod": ("would restrict", "restricted"),
          "restore": ("would restore", "restored"), "keep": ("nothing to do", "nothing to do"),
          "refuse": ("refused", "refused")}


def _print(heading: str, outcomes: list[Outcome], apply: bool, log: Path,
           damaged: int) -> None:
    click.echo(f"piiscan quarantine: {heading}"
               + ("" if apply else " — dry run, nothing changed (add --apply)"))
    for o in outcomes:
        verb = _VERBS[o.verb][1 if apply else 0]
        arrow = ": " if o.refused or o.verb == "keep" else " -> " if o.verb == "move" else "  "
        click.echo(f"  {verb:<14} {o.path}{arrow}{o.detail}")
        if o.reason:
            click.echo(f"  {'':<14} {o.reason}")
    counts: dict[str, int] = {}
    for o in outcomes:
        verb = _VERBS[o.verb][1 if apply else 0]
        counts[verb] = counts.get(verb, 0) + 1
    summary = ", ".join(f"{n} {verb}" for verb, n in counts.items()) or "no file selected"
    click.echo(f"piiscan: {summary}" + (f"; log {log}" if apply and outcomes else ""))
    if damaged:
        click.echo(f"piiscan: warning: {damaged} damaged line(s) in {log} were skipped",
                   err=True)
