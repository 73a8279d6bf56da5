"""Command line: parse, call, render. No scanning logic lives here.

Heavy modules are imported inside the commands, so ``piiscan --version`` and a pre-commit
run over a few text files start fast.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from piiscan import __version__
from piiscan.errors import (
    EXIT_CLEAN,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_UNREADABLE,
    PiiscanError,
)

if TYPE_CHECKING:
    from piiscan.config import Settings
    from piiscan.configfile import Effective
    from piiscan.models import ScanResult
    from piiscan.scan import SignalGuard
    from piiscan.state.session import SessionOptions, SessionOutcome

EPILOG = """\b
Exit codes:
  0  no findings at or above --fail-on
  1  findings at or above --fail-on
  2  usage, configuration or rule error (nothing scanned)
  3  some files could not be read (and no findings at --fail-on)
  4  scan interrupted; the report is marked incomplete
"""

LEVEL_CHOICE = click.Choice(["low", "medium", "high", "critical"], case_sensitive=False)


STATE_DEFAULT = ":default:"  # `--state` given without a path

# scan's parameter name -> configuration key (configfile.OPTIONS)
CONFIG_KEYS = {"rule_dirs": "rules", "disabled": "disable_rules", "excludes": "exclude",
               "follow_symlinks": "follow_symlinks", "max_file_size": "max_file_size",
               "min_confidence": "min_confidence", "fail_on": "fail_on",
               "retention_days": "retention_days", "state": "state", "baseline": "baseline",
               "jobs": "jobs", "ocr": "ocr"}


def _size(text: str) -> int:
    from piiscan.configfile import parse_size

    try:
        return parse_size(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def _fail(error: PiiscanError) -> NoReturn:
    click.echo(f"piiscan: error: {error}", err=True)
    sys.exit(error.exit_code)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EPILOG)
@click.version_option(__version__, prog_name="piiscan")
def main() -> None:
    """Find Japanese personal data (個人情報) in files.

    \b
    Quick start:
      piiscan scan ./share                 scan a folder, print a table
      piiscan scan . -o report.json        also write a JSON report
      piiscan rules list                   the rules and what they find

    Values are masked in every report unless --show-values is given.
    """


@main.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path(), required=True)
@click.option("--format", "-f", "fmt", default="table", show_default=True,
              help="Report format printed on standard output (table, json, jsonl, csv, sarif, "
                   "html, xlsx).")
@click.option("--output", "-o", "outputs", multiple=True, metavar="[FORMAT:]PATH",
              help="Also write a report file; the format comes from the extension. Repeatable.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Add rules from a folder or file (same id replaces a built-in rule).")
@click.option("--disable-rule", "disabled", multiple=True, metavar="ID",
              help="Turn one rule off. Repeatable.")
@click.option("--exclude", "excludes", multiple=True, metavar="PATTERN",
              help="gitignore-style pattern of paths to leave out (also read from .piiscanignore).")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links (loop-safe).")
@click.option("--max-file-size", default="256M", show_default=True, metavar="SIZE",
              help="Files larger than this are listed as skipped, not read.")
@click.option("--min-confidence", default="medium", show_default=True,
              type=click.Choice(["low", "medium", "high"], case_sensitive=False),
              help="Report findings at or above this confidence; the rest are counted.")
@click.option("--fail-on", default="low", show_default=True, type=LEVEL_CHOICE,
              help="Lowest finding severity that makes the exit code 1.")
@click.option("--show-values", is_flag=True,
              help="Put unmasked values in reports (local triage only; reports become sensitive).")
@click.option("--quiet", "-q", is_flag=True, help="Print only the one-line summary (for cron).")
@click.option("--retention-days", type=click.IntRange(min=0), default=None, metavar="DAYS",
              help="Flag files with personal data not changed for more than DAYS days "
                   "(review or delete).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              metavar="FILE", help="Read settings from FILE instead of the .piiscan.toml or "
                                   "pyproject.toml [tool.piiscan] found above the first PATH.")
@click.option("--state", is_flag=False, flag_value=STATE_DEFAULT, default=None,
              metavar="[PATH]", help="Keep a state database (incremental scans, history, "
              "`piiscan diff`) at PATH, a file or a folder; alone: ~/.local/state/piiscan/"
              "state.db. Write --state=PATH when PATH could be taken for a scan path.")
@click.option("--no-state", is_flag=True, help="Ignore a state database set in the config.")
@click.option("--baseline", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="Findings recorded in FILE do not fail the run (default: "
                   ".piiscan-baseline.json in the config folder, the current folder or the "
                   "git root, when one exists).")
@click.option("--no-baseline", is_flag=True, help="Do not read any baseline.")
@click.option("--no-ignore", is_flag=True,
              help="Audit: report findings that inline ignores, the baseline or allowlists "
                   "would suppress, each labelled with what would have hidden it.")
@click.option("--new-only", is_flag=True,
              help="With --state: report only findings the previous run over the same paths "
                   "did not have.")
@click.option("--jobs", "-j", type=click.IntRange(min=0), default=0, metavar="N",
              help="Scan N files at a time in worker processes; 0 (default): one per core; "
                   "1: in this process. Results and their order are the same for any N.")
@click.option("--ocr/--no-ocr", default=False,
              help="Read images (PNG, JPEG, TIFF, BMP) and PDF pages without a text layer "
                   "with OCR (needs `pip install 'piiscan[ocr]'`); without it they are listed "
                   "as not scanned.")
@click.option("--hook", is_flag=True,
              help="Running as a pre-commit hook (set by .pre-commit-hooks.yaml).")
def scan(paths: tuple[str, ...], fmt: str, outputs: tuple[str, ...], rule_dirs: tuple[str, ...],
         disabled: tuple[str, ...], excludes: tuple[str, ...], follow_symlinks: bool,
         max_file_size: str, min_confidence: str, fail_on: str, show_values: bool,
         quiet: bool, retention_days: int | None, config_path: str | None, state: str | None,
         no_state: bool, baseline: str | None, no_baseline: bool, no_ignore: bool,
         new_only: bool, jobs: int, ocr: bool, hook: bool) -> None:
    """Scan files and folders for personal data.

    PATHS are folders (walked recursively, .git/ skipped) or files (as pre-commit passes them).
    Settings come from flags, then .piiscan.toml / [tool.piiscan], then defaults
    (`piiscan config show` prints them).
    """
    from piiscan import configfile
    from piiscan.scan import SignalGuard

    hook = hook or bool(os.environ.get("PRE_COMMIT"))
    try:
        with SignalGuard() as guard:
            effective = _effective_config(list(paths), config_path)
            settings = configfile.settings_from(effective, show_values=show_values,
                                                no_ignore=no_ignore)
            if settings.ocr:
                _check_ocr()
            options = _session_options(effective, new_only)
            result, outcome = _run_scan(list(paths), settings, fmt, outputs, quiet, options,
                                        guard, progress=not hook)
    except PiiscanError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("piiscan: interrupted before the scan started; nothing was written",
                   err=True)
        sys.exit(EXIT_INTERRUPTED)
    code = exit_code(result, settings)
    _after_scan(result, outcome, settings, options, code, quiet=quiet,
                hint=hook or (fmt == "table" and not quiet), hook=hook)
    sys.exit(code)


def _check_ocr() -> None:
    """--ocr with no engine installed is a usage error before anything is scanned."""
    from piiscan.errors import UsageError
    from piiscan.extract.ocr import OcrUnavailable, engine_name

    try:
        engine_name()
    except OcrUnavailable as exc:
        raise UsageError(str(exc)) from None


def _run_scan(paths: list[str], settings: Settings, fmt: str, outputs: tuple[str, ...],
              quiet: bool, options: SessionOptions, guard: SignalGuard | None = None,
              progress: bool = False
              ) -> tuple[ScanResult, SessionOutcome]:
    from piiscan import report
    from piiscan.progress import for_scan
    from piiscan.rules.loader import load_ruleset
    from piiscan.state.session import ScanSession

    targets = [_parse_output(spec) for spec in outputs]
    stdout_render = None if quiet or fmt == "table" or fmt in report.STREAMED else report.get(fmt)
    renders = [(path, report.get(name)) for name, path in targets if name not in report.STREAMED]
    ruleset = load_ruleset(settings.rule_dirs, settings.disabled_rules)
    if settings.show_values:
        click.echo("piiscan: warning: --show-values puts unmasked personal data in the "
                   "report; do not share or commit it", err=True)
    with ScanSession(ruleset, settings, options) as session, \
            report.Streams(targets, None if quiet else fmt) as streams, \
            for_scan(paths, settings, quiet=quiet or not progress) as bar:
        result = session.run(paths, guard, on_file=bar.wrap(streams.on_file))
        streams.finish(result)
    for path, render in renders:
        report.write_atomic(path, render(result))
    if quiet:
        from piiscan.report.table import summary_line

        click.echo(summary_line(result))
    elif stdout_render is not None:
        sys.stdout.buffer.write(stdout_render(result))
        sys.stdout.flush()
    elif fmt not in report.STREAMED:
        from rich.console import Console

        from piiscan.report.table import print_report

        print_report(result, Console(highlight=False))
    return result, session.outcome


def _parse_output(spec: str, explicit: str | None = None) -> tuple[str, str]:
    from piiscan import report

    name, sep, path = spec.partition(":")
    if sep and name in report.REGISTRY and path:
        return name, path
    return report.format_for(spec, explicit), spec


def exit_code(result: ScanResult, settings: Settings) -> int:
    """The documented exit-code policy (errors.py): interruption beats findings, findings
    beat unreadable files, and a clean scan is 0."""
    from piiscan.scan import fail_level_reached

    if not result.complete:
        return EXIT_INTERRUPTED
    if fail_level_reached(result, settings.fail_on):
        return EXIT_FINDINGS
    if any(s.kind.value == "error" for s in result.all_skips()):
        return EXIT_UNREADABLE
    return EXIT_CLEAN


def _effective_config(paths: list[str], config_path: str | None) -> Effective:
    """The config file merged under the flags the user actually typed."""
    from click.core import ParameterSource

    from piiscan import configfile

    ctx = click.get_current_context()
    config = configfile.discover(paths, config_path)
    cli: dict[str, Any] = {}
    explicit: set[str] = set()
    for param, key in CONFIG_KEYS.items():
        if param not in ctx.params:
            continue
        value = ctx.params[param]
        if key == "max_file_size":
            value = _size(value)
        elif key == "state" and value == STATE_DEFAULT:
            value = True
        cli[key] = value
        if ctx.get_parameter_source(param) in (ParameterSource.COMMANDLINE,
                                               ParameterSource.ENVIRONMENT):
            explicit.add(key)
    for flag, key in (("no_state", "state"), ("no_baseline", "baseline")):
        if ctx.params.get(flag):
            cli[key] = False
            explicit.add(key)
    return configfile.merge(config, cli, explicit)


def _session_options(effective: Effective, new_only: bool = False) -> SessionOptions:
    from piiscan.state.session import SessionOptions, resolve_baseline, resolve_state

    config_dir = effective.config.path.parent if effective.config.path else None
    return SessionOptions(state=resolve_state(effective["state"]),
                          baseline=resolve_baseline(effective["baseline"], config_dir),
                          new_only=new_only, allow_values=tuple(effective["allow_values"]),
                          root=effective.config.base)


def _after_scan(result: ScanResult, outcome: SessionOutcome, settings: Settings,
                options: SessionOptions, code: int, *, quiet: bool, hint: bool,
                hook: bool) -> None:
    """What a person should know beyond the report, on standard error: the state, stale
    baseline entries, audited suppressions, and on findings what to do next."""
    def note(text: str) -> None:
        click.echo(f"piiscan: {text}", err=True)

    if not quiet:
        if options.state is not None and outcome.run_id is not None:
            note(f"state {options.state}: run {outcome.run_id}, {outcome.cache_hits} files "
                 f"unchanged (results reused), {outcome.cache_misses} scanned")
        if options.new_only:
            hidden = result.suppressed.get("previous-run", 0)
            since = f"run {outcome.previous_run}" if outcome.previous_run else "no earlier run"
            note(f"--new-only: {hidden} findings already present in {since} not shown")
        if outcome.audited:
            parts = ", ".join(f"{k} {v}" for k, v in sorted(outcome.audited.items()))
            note(f"--no-ignore: {sum(outcome.audited.values())} findings that would be "
                 f"suppressed are reported ({parts})")
    if outcome.stale and (hook or not quiet):
        note(f"{len(outcome.stale)} baseline entries match nothing any more (the data was "
             "removed or changed); `piiscan baseline update` drops them:")
        for entry in outcome.stale[:10]:
            click.echo(f"  {entry.path}  {entry.type}  ({entry.rule_id})", err=True)
    if code == EXIT_FINDINGS and hint:
        click.echo(_next_steps(result, settings, hook, options.baseline is not None), err=True)


def _next_steps(result: ScanResult, settings: Settings, hook: bool, has_baseline: bool) -> str:
    files = sorted({fr.file.display for fr in result.files for f in fr.findings
                    if f.suppressed_by is None and f.severity >= settings.fail_on})
    shown = " ".join(_quote(p) for p in files[:5]) + (" ..." if len(files) > 5 else "")
    lines = [
        f"piiscan found personal data (個人情報) in {len(files)} file(s). What to do next:",
        "  1. Remove it, or replace it with masked or synthetic values (test data too).",
        "  2. Not personal data, or it has to stay: end the line with `piiscan:ignore` "
        "(or `piiscan:ignore[PHONE]`),",
        "     or list the path under allow_paths in .piiscan.toml.",
        "  3. Accept what is there now: piiscan baseline "
        + (f"update {shown}" if has_baseline else "create"),
        "     and commit .piiscan-baseline.json (keyed fingerprints only, no values).",
    ]
    if hook:
        lines.append("  4. Skip this check for one commit, knowingly: SKIP=piiscan git commit ...")
    return "\n".join(lines)


def _quote(path: str) -> str:
    import shlex

    return shlex.quote(path)


@main.group()
def rules() -> None:
    """List and test detection rules."""


@rules.command("list")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Include rules from this folder or file.")
def rules_list(rule_dirs: tuple[str, ...]) -> None:
    """Show every rule: id, type, category, severity, name."""
    from rich.console import Console
    from rich.table import Table

    from piiscan.rules.loader import load_ruleset

    try:
        ruleset = load_ruleset(rule_dirs)
    except PiiscanError as error:
        _fail(error)
    table = Table(title=f"{len(ruleset.rules)} rules")
    for col in ("id", "type", "区分 category", "severity", "name"):
        table.add_column(col)
    for r in sorted(ruleset.rules, key=lambda r: r.id):
        table.add_row(r.id, r.type, r.category.value, str(r.severity), r.name)
    Console().print(table)


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
def rules_test(paths: tuple[str, ...]) -> None:
    """Run each rule's match/no_match examples (built-in rules when no PATHS given)."""
    from pathlib import Path

    from piiscan.rules.loader import builtin_rules_dir, load_file, rule_files
    from piiscan.rules.selftest import check_rule

    roots = [Path(p) for p in paths] or [builtin_rules_dir()]
    total = failed = 0
    try:
        for root in roots:
            for file in rule_files(root):
                for rule in load_file(file):
                    total += 1
                    failures = check_rule(rule)
                    failed += bool(failures)
                    for failure in failures:
                        click.echo(f"FAIL {failure}")
    except PiiscanError as error:
        _fail(error)
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(EXIT_FINDINGS if failed else EXIT_CLEAN)


@main.command("report")
@click.argument("result_file", metavar="RESULT.json", type=click.Path(dir_okay=False))
@click.option("--format", "-f", "fmt", default=None, metavar="FORMAT",
              help="Format of every -o PATH (instead of its extension), or of standard output "
                   "when no -o is given (default: table).")
@click.option("--output", "-o", "outputs", multiple=True, metavar="[FORMAT:]PATH",
              help="Write the report to PATH; the format comes from -f, FORMAT: or the "
                   "extension. Repeatable.")
@click.option("--show-values", is_flag=True,
              help="Keep the unmasked values the saved report holds (only a scan run with "
                   "--show-values saves any); without it they are dropped.")
def report_command(result_file: str, fmt: str | None, outputs: tuple[str, ...],
                   show_values: bool) -> None:
    """Re-render a saved JSON report in other formats, without rescanning.

    \b
    Examples:
      piiscan scan ./share -o result.json
      piiscan report result.json --format html -o report.html
      piiscan report result.json -o report.sarif -o 台帳.xlsx
    """
    from piiscan import report
    from piiscan.report.load import load_report

    try:
        targets = [_parse_output(spec, fmt) for spec in outputs]
        renders = [(path, report.get(name)) for name, path in targets]
        stdout_render = report.get(fmt) if fmt and fmt != "table" and not outputs else None
        result = load_report(result_file, keep_values=show_values)
    except PiiscanError as error:
        _fail(error)
    if show_values:
        click.echo("piiscan: warning: --show-values puts unmasked personal data in the "
                   "report; do not share or commit it", err=True)
    for path, render in renders:
        report.write_atomic(path, render(result))
    if stdout_render is not None:
        sys.stdout.buffer.write(stdout_render(result))
        sys.stdout.flush()
    elif not outputs:
        from rich.console import Console

        from piiscan.report.table import print_report

        print_report(result, Console(highlight=False))


def _state_for(state: str | None, config_path: str | None) -> Any:
    """The state database named by --state, else the config file's, else the default."""
    from piiscan import configfile
    from piiscan.state.session import resolve_state
    from piiscan.state.store import StateStore, resolve_state_path

    if state:
        path = resolve_state_path(state)
    else:
        config = configfile.discover(["."], config_path)
        path = resolve_state(config.values.get("state")) or resolve_state_path(None)
    return StateStore.open(path, write=False)


STATE_OPTION = click.option(
    "--state", default=None, metavar="PATH",
    help="State database (default: the config file's `state`, else "
         "~/.local/state/piiscan/state.db).")
CONFIG_OPTION = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             default=None, metavar="FILE",
                             help="Configuration file (default: found above the current "
                                  "folder).")


@main.command("diff")
@STATE_OPTION
@CONFIG_OPTION
@click.option("--run", "run_id", type=int, default=None, metavar="ID",
              help="Compare run ID with the complete run before it (default: the latest).")
@click.option("--new-only", is_flag=True, help="Show only new findings.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
def diff_command(state: str | None, config_path: str | None, run_id: int | None,
                 new_only: bool, fmt: str) -> None:
    """Findings new and resolved since the previous run over the same paths.

    Compares the latest complete run recorded with --state (or run ID) with the complete
    run before it, by file, type and keyed fingerprint: moved lines are not changes.
    Exit code 1 when there are new findings, 0 when there are none (for alerting).
    """
    from piiscan.state import diff

    try:
        with _state_for(state, config_path) as store:
            changes = diff.compute(store, run_id)
    except PiiscanError as error:
        _fail(error)
    if fmt == "json":
        sys.stdout.buffer.write(diff.render_json(changes, new_only))
    else:
        click.echo(diff.render_text(changes, new_only), nl=False)
    sys.exit(EXIT_FINDINGS if changes.added else EXIT_CLEAN)


@main.command("history")
@STATE_OPTION
@CONFIG_OPTION
@click.option("--limit", "-n", type=click.IntRange(min=1), default=20, show_default=True)
def history_command(state: str | None, config_path: str | None, limit: int) -> None:
    """Runs recorded in the state database, newest first."""
    try:
        with _state_for(state, config_path) as store:
            runs = store.runs(limit)
    except PiiscanError as error:
        _fail(error)
    for r in runs:
        status = "complete" if r.complete else ("interrupted" if r.finished else "aborted")
        counts = r.counts
        cache = counts.get("cache", {})
        click.echo(f"#{r.id}  {r.started}  {status:<11}  {counts.get('files_scanned', 0)} files  "
                   f"{counts.get('findings', 0)} findings  "
                   f"({cache.get('reused', 0)} reused)  {' '.join(r.roots)}")


@main.group("baseline")
def baseline_group() -> None:
    """Accept the findings a repository has now (.piiscan-baseline.json).

    Baselined findings do not fail `piiscan scan`; new ones do. Entries hold the path, the
    type, the rule and a slow, truncated keyed fingerprint: no values, no line numbers, no
    timestamps (docs/pre-commit.md explains the fingerprint and its limits).
    """


def _baseline_command(paths: tuple[str, ...], file: str | None, config_path: str | None,
                      create: bool, force: bool = False, secret: bool = False) -> None:
    from pathlib import Path

    from piiscan import configfile
    from piiscan.errors import ConfigError
    from piiscan.rules.loader import load_ruleset
    from piiscan.state.baseline import BASELINE_FILE, SECRET_ENV, Baseline
    from piiscan.state.session import ScanSession, SessionOptions, resolve_baseline

    targets = list(paths) or ["."]
    try:
        effective = _effective_config(targets, config_path)
        config_dir = effective.config.path.parent if effective.config.path else None
        target = Path(file) if file else (resolve_baseline(effective["baseline"], config_dir)
                                          or Path.cwd() / BASELINE_FILE)
        if create:
            if target.exists() and not force:
                raise ConfigError(
                    f"{target} exists: `piiscan baseline update` keeps its salt (no churn); "
                    "--force starts over with a new one")
            if secret and not os.environ.get(SECRET_ENV):
                raise ConfigError(f"--secret needs {SECRET_ENV} set")
            baseline = Baseline.new(target, secret=secret)
        else:
            if not target.exists():
                raise ConfigError(f"{target}: no baseline yet: run "
                                             "`piiscan baseline create`")
            baseline = Baseline.load(target)
        old = set(baseline.entries)
        settings = configfile.settings_from(effective)
        if settings.ocr:
            _check_ocr()
        ruleset = load_ruleset(settings.rule_dirs, settings.disabled_rules)
        options = SessionOptions(collect=baseline, allow_values=tuple(effective["allow_values"]),
                                 root=effective.config.base)
        with ScanSession(ruleset, settings, options) as session:
            result = session.run(targets)
            entries = session.outcome.collected if create else session.updated_entries(old)
    except PiiscanError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("piiscan: interrupted; the baseline was not changed", err=True)
        sys.exit(EXIT_INTERRUPTED)
    if not result.complete:
        click.echo("piiscan: interrupted; the baseline was not changed", err=True)
        sys.exit(EXIT_INTERRUPTED)
    baseline.entries = set(entries)
    baseline.save()
    added, removed = len(entries - old), len(old - entries)
    unreadable = sum(1 for s in result.all_skips() if s.kind.value == "error")
    click.echo(f"piiscan: wrote {target}: {len(entries)} entries (+{added} -{removed}) from "
               f"{len(result.files)} files" + (f"; {unreadable} files could not be read and "
                                               "keep their old entries" if unreadable else ""))


@baseline_group.command("create")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--file", "-b", "file", type=click.Path(dir_okay=False), default=None,
              help="Baseline file (default: .piiscan-baseline.json here or as configured).")
@CONFIG_OPTION
@click.option("--force", is_flag=True, help="Replace an existing baseline (new salt: every "
                                             "fingerprint changes).")
@click.option("--secret", is_flag=True,
              help="Key the fingerprints with $PIISCAN_BASELINE_SECRET too: the file is then "
                   "useless without the secret, and every run that reads it needs it.")
def baseline_create(paths: tuple[str, ...], file: str | None, config_path: str | None,
                    force: bool, secret: bool) -> None:
    """Scan PATHS (default: .) and record every finding as accepted."""
    _baseline_command(paths, file, config_path, create=True, force=force, secret=secret)


@baseline_group.command("update")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--file", "-b", "file", type=click.Path(dir_okay=False), default=None,
              help="Baseline file (default: .piiscan-baseline.json here or as configured).")
@CONFIG_OPTION
def baseline_update(paths: tuple[str, ...], file: str | None, config_path: str | None) -> None:
    """Rescan PATHS (default: .): their entries become what is there now (new findings
    added, stale entries dropped); entries of other files are kept."""
    _baseline_command(paths, file, config_path, create=False)


@main.group("config")
def config_group() -> None:
    """Inspect the configuration (.piiscan.toml or [tool.piiscan] in pyproject.toml)."""


@config_group.command("show")
@click.argument("path", default=".", type=click.Path())
@CONFIG_OPTION
def config_show(path: str, config_path: str | None) -> None:
    """Print the effective settings for scanning PATH, and where each comes from."""
    import json

    from piiscan import configfile
    from piiscan.state.session import resolve_baseline, resolve_state

    try:
        effective = configfile.merge(configfile.discover([path], config_path), {}, set())
    except PiiscanError as error:
        _fail(error)
    source = effective.config.label if effective.config.path else "none found: defaults apply"
    click.echo(f"# piiscan {__version__}: effective settings for {os.path.abspath(path)}")
    click.echo(f"# config file: {source}")
    for key, value in effective.values.items():
        source = effective.sources[key]
        if key == "allow_values":
            shown = f"<{len(value)} values, not shown>"
        elif key == "state":
            state = resolve_state(value)
            shown = json.dumps(str(state)) if state else "false"
            source += "" if state else "; off (--state turns it on)"
        elif key == "baseline":
            found = resolve_baseline(value, effective.config.path.parent
                                     if effective.config.path else None)
            shown = json.dumps(str(found)) if found else "false"
            if value is None:
                source = "found" if found else "none found"
        elif value is None:
            shown = "<not set>"
        else:
            shown = json.dumps(list(value) if isinstance(value, tuple) else value,
                               ensure_ascii=False)
        click.echo(f"{key} = {shown}  # {source}")

