"""``piiscan triage``: walk findings at a terminal and record a verdict on each, mark them
from a script, list the verdicts, export them to the baseline."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from piiscan.commands.common import CONFIG_OPTION, STATE_OPTION, fail, open_state
from piiscan.errors import PiiscanError, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from piiscan.state.store import StateStore
    from piiscan.triage import Item, NoteMasker

KEYS = {"c": "confirmed", "f": "false-positive", "a": "accepted-risk", "s": "skip",
        "q": "quit"}
PROMPT = "[c] 確認済み confirmed  [f] 誤検知 false positive  [a] リスク受容 accepted risk  " \
         "[s] skip  [q] quit"


@click.group("triage", invoke_without_command=True)
@STATE_OPTION
@CONFIG_OPTION
@click.option("--run", "run_id", type=int, default=None, metavar="ID",
              help="Walk the findings of run ID (default: the latest complete run).")
@click.option("--all", "revisit", is_flag=True,
              help="Also show findings that already have a verdict (to change it).")
@click.option("--mark", "marks", multiple=True, metavar="FINGERPRINT=VERDICT",
              help="Record a verdict without asking (confirmed, false-positive, "
                   "accepted-risk, or clear); a unique prefix of 8+ hex digits will do. "
                   "Repeatable.")
@click.option("--note", default="", metavar="TEXT",
              help="With --mark: why (masked like a snippet before it is stored).")
@click.pass_context
def triage(ctx: click.Context, state: str | None, config_path: str | None,
           run_id: int | None, revisit: bool, marks: tuple[str, ...], note: str) -> None:
    """Record a verdict on each finding: confirmed, false positive or accepted risk.

    Walks the latest complete run's findings, riskiest files first, one value at a time
    (file, masked value and snippet, reasons), and stores each verdict in the state by the
    value's keyed fingerprint. Later scans with the same --state honour them: false
    positives are suppressed and counted (`--no-ignore` shows them), the other verdicts
    appear among a finding's reasons.

    \b
    Examples:
      piiscan triage --state ~/.piiscan
      piiscan triage --state ~/.piiscan --mark 3fa9c2d41b07=false-positive --note "sample data"
      piiscan triage list --state ~/.piiscan
      piiscan triage export-baseline --state ~/.piiscan -b .piiscan-baseline.json
    """
    ctx.obj = {"state": state, "config": config_path}
    if ctx.invoked_subcommand is not None:
        return
    try:
        if note and not marks:
            raise UsageError("--note goes with --mark (the interactive walk asks for notes)")
        masker = _masker(config_path)
        with open_state(state, config_path) as store:
            if marks:
                _mark(store, marks, note, masker)
            else:
                _walk(store, run_id, revisit, masker)
    except PiiscanError as error:
        fail(error)


def _masker(config_path: str | None) -> NoteMasker:
    from piiscan import configfile
    from piiscan.triage import NoteMasker

    values = configfile.discover(["."], config_path).values
    return NoteMasker(tuple(values.get("rules", ())), tuple(values.get("disable_rules", ())))


def _warn_masked(count: int, masked: str) -> None:
    if count:
        click.echo(f"piiscan: warning: the note held {count} value(s) that look like "
                   f"personal data; stored masked: {masked}", err=True)


def _mark(store: StateStore, marks: tuple[str, ...], note: str, masker: NoteMasker) -> None:
    from piiscan.triage import LABELS, find_fingerprint, parse_mark, record

    resolved = [(find_fingerprint(store, fp), verdict)
                for fp, verdict in (parse_mark(m) for m in marks)]
    masked, count = masker(note)
    _warn_masked(count, masked)
    for row, verdict in resolved:
        record(store, row, verdict, masked)
        click.echo(f"piiscan: {row.fingerprint[:12]}  {LABELS[verdict]}  {row.type}  {row.path}")


def _walk(store: StateStore, run_id: int | None, revisit: bool, masker: NoteMasker) -> None:
    from rich.console import Console

    from piiscan.triage import queue, record

    run = store.complete_run(run_id)
    items = queue(store, run, revisit)
    console = Console(highlight=False)
    if not items:
        click.echo(f"piiscan triage: run {run.id}: every finding has a verdict (--all to "
                   "revisit them)")
        return
    click.echo(f"piiscan triage: run {run.id} ({run.started}): {len(items)} value(s) to "
               "judge, riskiest files first")
    done = 0
    for number, item in enumerate(items, start=1):
        _show(console, item, number, len(items))
        try:
            key = click.prompt(PROMPT, type=click.Choice(list(KEYS)), default="s",
                               show_choices=False, err=True)
            if KEYS[key] == "quit":
                break
            if KEYS[key] == "skip":
                continue
            raw = click.prompt("メモ note (Enter: none)", default="", show_default=False,
                               err=True)
        except click.Abort:  # end of input, Ctrl-C, Ctrl-D: what is recorded stays
            click.echo("", err=True)
            break
        masked, count = masker(raw)
        _warn_masked(count, masked)
        record(store, item.row, KEYS[key], masked)
        done += 1
    click.echo(f"piiscan: {done} verdict(s) recorded in {store.path}")


def _show(console: Console, item: Item, number: int, total: int) -> None:
    from rich.panel import Panel
    from rich.text import Text

    from piiscan.labels import RISK_LABELS
    from piiscan.pii_types import builtin_registry
    from piiscan.triage import LABELS

    row = item.row
    text = Text()
    text.append(f"{row.path}  ", style="bold")
    text.append(f"[{RISK_LABELS.get(item.level, item.level)}]\n")
    text.append(f"場所 where: {row.location}\n")
    text.append(f"種類 type: {builtin_registry().label(row.type)}  値 value: {row.masked_value}"
                + (f"  信頼度 confidence: {item.confidence}" if item.confidence else "") + "\n")
    if item.snippet:
        text.append(f"文脈 context: {item.snippet}\n")
    for reason in item.reasons:
        text.append(f"  · {reason}\n")
    if item.verdict is not None:
        text.append(f"判定 verdict: {LABELS[item.verdict.verdict]}"
                    + (f" — {item.verdict.note}" if item.verdict.note else "") + "\n")
    text.append(f"fingerprint {row.fingerprint[:12]}", style="dim")
    console.print(Panel(text, title=f"{number}/{total}", title_align="left"))


def _state_of(ctx: click.Context, state: str | None, config_path: str | None
              ) -> tuple[str | None, str | None]:
    parent = ctx.obj or {}
    return state or parent.get("state"), config_path or parent.get("config")


@triage.command("list")
@STATE_OPTION
@CONFIG_OPTION
@click.option("--history", is_flag=True, help="Every verdict ever recorded, oldest first.")
@click.pass_context
def triage_list(ctx: click.Context, state: str | None, config_path: str | None,
                history: bool) -> None:
    """The verdicts in the state: fingerprint, verdict, type, where, who and when, note."""
    from piiscan.triage import LABELS

    state, config_path = _state_of(ctx, state, config_path)
    try:
        with open_state(state, config_path) as store:
            verdicts = store.verdict_history() if history else sorted(
                store.verdicts().values(), key=lambda v: (v.path, v.type, v.fingerprint))
    except PiiscanError as error:
        fail(error)
    for v in verdicts:
        where = f"  {v.type}  {v.path}" if v.path else ""
        click.echo(f"{v.fingerprint[:12]}  {LABELS.get(v.verdict, v.verdict)}{where}  "
                   f"{v.decided} {v.decided_by}" + (f"  — {v.note}" if v.note else ""))
    click.echo(f"piiscan: {len(verdicts)} verdict(s)", err=True)


@triage.command("export-baseline")
@STATE_OPTION
@CONFIG_OPTION
@click.option("--file", "-b", "file", type=click.Path(dir_okay=False), default=None,
              help="Baseline file (default: .piiscan-baseline.json as configured or here).")
@click.option("--verdict", "kinds", multiple=True, default=("false-positive", "accepted-risk"),
              show_default=True, type=click.Choice(["false-positive", "accepted-risk",
                                                     "confirmed"]),
              help="Which verdicts become baseline entries. Repeatable.")
@click.pass_context
def triage_export(ctx: click.Context, state: str | None, config_path: str | None,
                  file: str | None, kinds: tuple[str, ...]) -> None:
    """Write the verdicts into the baseline, so `piiscan scan --baseline` (and the
    pre-commit hook) accept those findings without the state.

    The baseline keeps slow, truncated fingerprints of the values, which the state's keyed
    fingerprints cannot be turned into: the files holding them are scanned again."""
    from piiscan import configfile
    from piiscan.run.session import resolve_baseline
    from piiscan.state.baseline import BASELINE_FILE
    from piiscan.triage import export_baseline

    state, config_path = _state_of(ctx, state, config_path)
    try:
        config = configfile.discover(["."], config_path)
        target = Path(file) if file else (
            resolve_baseline(config.values.get("baseline"),
                             config.path.parent if config.path else None)
            or Path.cwd() / BASELINE_FILE)
        with open_state(state, config_path) as store:
            added, exported, missing = export_baseline(store, store.complete_run(), target,
                                                       kinds, config_path)
    except PiiscanError as error:
        fail(error)
    click.echo(f"piiscan: wrote {target}: {added} new entries from {exported} verdict(s)"
               + (f"; {missing} verdict(s) not exported: their values were not found in the "
                  "files of the latest run" if missing else ""))
    sys.exit(0)
