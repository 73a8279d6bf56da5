"""Command line: parse, call, render. No scanning logic lives here.

Heavy modules are imported inside the commands, so ``piiscan --version`` and a pre-commit
run over a few text files start fast.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from piiscan import __version__
from piiscan.commands.common import CONFIG_OPTION, STATE_OPTION
from piiscan.commands.common import fail as _fail
from piiscan.commands.common import open_state as _state_for
from piiscan.errors import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_UNREADABLE,
    PiiscanError,
    UsageError,
)

if TYPE_CHECKING:
    from piiscan.config import Settings
    from piiscan.configfile import Effective
    from piiscan.models import Level, ScanResult
    from piiscan.report.targets import Target
    from piiscan.run.cache import Source
    from piiscan.run.guard import SignalGuard
    from piiscan.run.session import SessionOptions, SessionOutcome

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
               "jobs": "jobs", "key_file": "key_file", "cluster": "cluster",
               "sample_percent": "sample_percent", "sample_seed": "sample_seed",
               "max_bytes_per_file": "max_bytes_per_file", "edm": "edm", "edm_key": "edm_key",
               "ocr": "ocr"}


def _size(ctx: click.Context, param: click.Parameter, text: str | None) -> int | None:
    from piiscan.configfile import parse_size

    if text is None:
        return None
    try:
        return parse_size(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


# Subcommands in modules of their own (piiscan.commands), imported when named or listed:
# a pre-commit run of `piiscan scan` does not import them (4 ms).
LAZY_COMMANDS = {
    "edm": "piiscan.commands.edm:edm_group",
    "git": "piiscan.commands.git:git_command",
    "quarantine": "piiscan.commands.quarantine:quarantine",
    "subject": "piiscan.commands.subject:subject_command",
    "triage": "piiscan.commands.triage:triage",
}


class OneLineErrors(click.Group):
    """click's group, but a usage mistake is one line on standard error, exit 2:
    ``piiscan: error: <what is wrong> (see `piiscan scan --help`)`` instead of click's usage
    block. Help, version and the commands' own exit codes are untouched."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in LAZY_COMMANDS and cmd_name not in self.commands:
            module, attribute = LAZY_COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def main(self, args: Any = None, prog_name: str | None = None,
             complete_var: str | None = None, standalone_mode: bool = True,
             **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.exceptions.NoArgsIsHelpError as error:
            error.show()
            sys.exit(error.exit_code)
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx is not None else "piiscan"
            message = " ".join(error.format_message().split()).rstrip(".")
            click.echo(f"piiscan: error: {message} (see `{where} --help`)", err=True)
            sys.exit(EXIT_ERROR)
        except click.ClickException as error:
            click.echo(f"piiscan: error: {' '.join(error.format_message().split())}", err=True)
            sys.exit(EXIT_ERROR)
        except click.Abort:
            click.echo("piiscan: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(code if isinstance(code, int) else EXIT_CLEAN)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=EPILOG)
@click.version_option(__version__, prog_name="piiscan")
def main() -> None:
    """Find Japanese personal data (個人情報) in files.

    \b
    Quick start:
      piiscan scan .                       scan this folder, print a table
      piiscan scan . -o report.json        also write a JSON report
      piiscan rules list                   the rules and what they find

    Values are masked in every report unless --show-values is given.
    """


@main.command(epilog=EPILOG)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "-f", "fmt", default="table", show_default=True, metavar="FORMAT",
              help="Report format printed on standard output (table, json, jsonl, csv, sarif, "
                   "html); xlsx is binary: write it with -o.")
@click.option("--output", "-o", "outputs", multiple=True, metavar="[FORMAT:]PATH",
              help="Also write a report file; the format comes from FORMAT: or the extension "
                   "(.json .jsonl .csv .sarif .html .xlsx .txt). The folder must exist. "
                   "Repeatable.")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Add rules from a folder or file (same id replaces a built-in rule).")
@click.option("--disable-rule", "disabled", multiple=True, metavar="ID",
              help="Turn one rule off. Repeatable.")
@click.option("--exclude", "excludes", multiple=True, metavar="PATTERN",
              help="gitignore-style pattern of paths to leave out (also read from .piiscanignore).")
@click.option("--follow-symlinks", is_flag=True, help="Follow symbolic links (loop-safe).")
@click.option("--max-file-size", default="256M", show_default=True, metavar="SIZE",
              callback=_size, help="Files larger than this are listed as skipped, not read.")
@click.option("--min-confidence", default="medium", show_default=True,
              type=click.Choice(["low", "medium", "high"], case_sensitive=False),
              help="Report findings at or above this confidence; the rest are counted.")
@click.option("--fail-on", default="low", show_default=True, type=LEVEL_CHOICE,
              help="Lowest finding severity that makes the exit code 1.")
@click.option("--show-values", is_flag=True,
              help="Put unmasked values in reports (local triage only; reports become sensitive).")
@click.option("--quiet", "-q", is_flag=True,
              help="Print only the one-line summary (for cron); with -f FORMAT, only that "
                   "report.")
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
@click.option("--key-file", type=click.Path(dir_okay=True), default=None, metavar="FILE",
              help="Keep the state's fingerprint key in FILE (owner-only, 32+ random bytes) "
                   "instead of inside the database (docs/state.md).")
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
@click.option("--jobs", "-j", type=click.IntRange(min=0, max=256), default=0, metavar="N",
              help="Scan N files at a time in worker processes; 0 (default): one per core; "
                   "1: in this process. Results and their order are the same for any N.")
@click.option("--cluster", default=None, metavar="local:N|ADDRESS",
              help="Scan on a Dask cluster: local:N starts N worker processes here; "
                   "tcp://host:8786 uses a running scheduler (docs/scale.md).")
@click.option("--sample-percent", type=click.FloatRange(min=0, max=100, min_open=True),
              default=None, metavar="P",
              help="Scan a seeded, reproducible P%% of the files (the rest are counted as "
                   "excluded).")
@click.option("--sample-seed", default="", metavar="TEXT",
              help="Which files --sample-percent picks: the same seed, the same files.")
@click.option("--max-bytes-per-file", default=None, metavar="SIZE", callback=_size,
              help="Scan only the first SIZE of larger text, CSV, JSON, HTML and mail files; "
                   "each is listed as partly scanned.")
@click.option("--ocr/--no-ocr", default=False,
              help="Read images (PNG, JPEG, TIFF, BMP) and PDF pages without a text layer "
                   "with OCR (needs `pip install 'piiscan[ocr]'`); without it they are listed "
                   "as not scanned.")
@click.option("--hook", is_flag=True,
              help="Running as a pre-commit hook (set by .pre-commit-hooks.yaml).")
@click.option("--staged", is_flag=True,
              help="Scan the staged version of each staged file (the git index, not the work "
                   "tree): a pre-commit check without the pre-commit framework. PATHS, if "
                   "given, limit it.")
@click.option("--edm", type=click.Path(dir_okay=False), default=None, metavar="INDEX",
              help="Exact data match: values found in this customer master index (`piiscan "
                   "edm build`) are reported as that customer's row (docs/edm.md).")
@click.option("--edm-key", type=click.Path(dir_okay=False), default=None, metavar="KEY",
              help="The key file the --edm index was built with.")
def scan(paths: tuple[str, ...], fmt: str, outputs: tuple[str, ...], rule_dirs: tuple[str, ...],
         disabled: tuple[str, ...], excludes: tuple[str, ...], follow_symlinks: bool,
         max_file_size: int, min_confidence: str, fail_on: str, show_values: bool,
         quiet: bool, retention_days: int | None, config_path: str | None, state: str | None,
         no_state: bool, key_file: str | None, baseline: str | None, no_baseline: bool,
         no_ignore: bool, new_only: bool, jobs: int, cluster: str | None,
         sample_percent: float | None, sample_seed: str, max_bytes_per_file: int | None,
         ocr: bool, hook: bool, staged: bool, edm: str | None, edm_key: str | None) -> None:
    """Scan files and folders for personal data.

    PATHS are folders (walked recursively, .git/ skipped), files (as pre-commit passes them),
    or URLs: s3://bucket/prefix and smb://[user@]host[:port]/share/path (the SMB password
    from $PIISCAN_SMB_PASSWORD, else asked for). With --staged, what is staged in the git
    repository of the current folder is scanned instead (docs/git.md). Settings come from
    flags, then .piiscan.toml / [tool.piiscan], then defaults (`piiscan config show` prints
    them).
    """
    from piiscan import configfile
    from piiscan.report.targets import check_targets, parse_target, stdout_format
    from piiscan.run.guard import SignalGuard

    hook = hook or bool(os.environ.get("PRE_COMMIT"))
    with failing_cleanly():
        if not paths and not staged:
            raise UsageError("no PATHS to scan: give files or folders, or --staged for what "
                             "is staged in git (see `piiscan scan --help`)")
        fmt = stdout_format(fmt)
        targets = [parse_target(spec) for spec in outputs]
        check_targets(targets)
        if not staged:  # with --staged, PATHS name entries of the index
            _check_paths(paths)
        with SignalGuard() as guard:
            effective = _effective_config(list(paths) or ["."], config_path)
            settings = configfile.settings_from(effective, show_values=show_values,
                                                no_ignore=no_ignore)
            _ask_smb_password(list(paths))
            if settings.ocr:
                _check_ocr()
            options = _session_options(effective, new_only)
            view = View(fmt, quiet=quiet, hook=hook)
            source = _staged_source(list(paths), settings) if staged else None
            roots = source.roots if source is not None else list(paths)
            result, outcome, errors = _run_scan(roots, settings, view, targets, options,
                                                guard, source=source)
    code = exit_code(result, settings)
    _after_scan(result, outcome, settings, options, code, view, paths)
    for line in errors:
        click.echo(f"piiscan: error: {line}", err=True)
    sys.exit(EXIT_ERROR if errors else code)


@contextmanager
def failing_cleanly() -> Iterator[None]:
    """A mistake (usage, configuration, rules, lock) is one line and its exit code; Ctrl-C
    before the scan started writes nothing and exits 4."""
    try:
        yield
    except PiiscanError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("piiscan: interrupted before the scan started; nothing was written",
                   err=True)
        sys.exit(EXIT_INTERRUPTED)


def _staged_source(paths: list[str], settings: Settings) -> Source:
    from piiscan.run.history import StagedFiles
    from piiscan.sources.git import Repository

    return StagedFiles(Repository.open("."), paths or ["."], settings)


def _check_ocr() -> None:
    """--ocr with no engine installed is a usage error before anything is scanned."""
    from piiscan.errors import UsageError
    from piiscan.extract.ocr import OcrUnavailable, engine_name

    try:
        engine_name()
    except OcrUnavailable as exc:
        raise UsageError(str(exc)) from None


class View:
    """What standard output gets: a report in ``format``, the one summary line (``-q`` with
    the table), or the short report a blocked commit shows (``--hook``)."""

    def __init__(self, fmt: str, *, quiet: bool = False, hook: bool = False) -> None:
        self.format = fmt
        self.quiet = quiet
        self.hook = hook

    @property
    def table(self) -> bool:
        return self.format == "table"

    @property
    def progress(self) -> bool:
        return not (self.quiet or self.hook)

    @property
    def notes(self) -> bool:
        """Notes on standard error (state, audit, stale baseline entries)."""
        return not (self.quiet or self.hook)

    @property
    def advice(self) -> bool:
        """What to do next, on standard error: for a person reading the table."""
        return self.table and self.notes


def _check_paths(paths: tuple[str, ...]) -> None:
    from piiscan.sources import is_url

    for path in paths:
        if not is_url(path) and not os.path.lexists(path):
            raise UsageError(f"path {path} does not exist: check its spelling, or run "
                             "piiscan from the folder that holds it")


def _run_scan(paths: list[str], settings: Settings, view: View, targets: list[Target],
              options: SessionOptions, guard: SignalGuard | None = None,
              source: Source | None = None) -> tuple[ScanResult, SessionOutcome, list[str]]:
    """Scan ``paths`` (or what ``source`` lists: then ``paths`` are its roots), write every
    report file it can, print standard output's; the lines in the answer are reports that
    could not be written."""
    from piiscan import report
    from piiscan.progress import for_scan
    from piiscan.report.targets import write_files
    from piiscan.rules.loader import load_ruleset
    from piiscan.run.session import ScanSession

    ruleset = load_ruleset(settings.rule_dirs, settings.disabled_rules)
    if settings.show_values:
        click.echo("piiscan: warning: --show-values puts unmasked personal data in the "
                   "report; do not share or commit it", err=True)
    with ScanSession(ruleset, settings, options) as session, \
            report.Streams([(t.format, t.path) for t in targets], view.format) as streams, \
            for_scan(paths, settings, quiet=not view.progress,
                     walk=source.preview if source is not None else None) as bar:
        result = session.run(paths, guard, on_file=bar.wrap(streams.on_file), source=source)
        streams.finish(result)
    errors = streams.errors + write_files(targets, result)
    _print_stdout(result, view, streamed=True, fail_on=settings.fail_on,
                  has_baseline=options.baseline is not None)
    return result, session.outcome, errors


def _print_stdout(result: ScanResult, view: View, *, streamed: bool,
                  fail_on: Level | None = None, has_baseline: bool = False) -> None:
    """Standard output's report; ``streamed``: JSON Lines went out while the scan ran."""
    from piiscan import report

    if streamed and view.format in report.STREAMED:
        return
    if not view.table:
        report.writer(view.format)(result, sys.stdout.buffer)
        sys.stdout.flush()
        return
    from piiscan.report.summary import summary_line

    if view.quiet:
        click.echo(summary_line(result))
    elif view.hook and fail_on is not None:
        from piiscan.report.advice import hook_report

        click.echo(hook_report(result, fail_on, has_baseline=has_baseline), nl=False)
    else:
        from rich.console import Console

        from piiscan.report.table import print_report

        print_report(result, Console(highlight=False))


def exit_code(result: ScanResult, settings: Settings) -> int:
    """The documented exit-code policy (errors.py): interruption beats findings, findings
    beat unreadable files, and a clean scan is 0."""
    from piiscan.run.session import fail_level_reached

    if not result.complete:
        return EXIT_INTERRUPTED
    if fail_level_reached(result, settings.fail_on):
        return EXIT_FINDINGS
    if result.unreadable():
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
        if key == "state" and value == STATE_DEFAULT:
            value = True
        cli[key] = value
        if ctx.get_parameter_source(param) in (ParameterSource.COMMANDLINE,
                                               ParameterSource.ENVIRONMENT):
            explicit.add(key)
    for flag, key in (("no_state", "state"), ("no_baseline", "baseline")):
        if ctx.params.get(flag):
            if key in explicit:
                raise UsageError(f"--{key} and --no-{key} contradict each other: keep one")
            cli[key] = False
            explicit.add(key)
    return configfile.merge(config, cli, explicit)


def _ask_smb_password(paths: list[str]) -> None:
    """smb:// URLs with a user and no $PIISCAN_SMB_PASSWORD: ask once, at a terminal."""
    from piiscan.sources import is_url

    if any(is_url(p) for p in paths):
        from piiscan.sources.remote import ensure_password

        ensure_password(paths, lambda text: click.prompt(text, hide_input=True, err=True),
                        interactive=sys.stdin.isatty())


def _session_options(effective: Effective, new_only: bool = False) -> SessionOptions:
    from pathlib import Path

    from piiscan.run.session import SessionOptions, resolve_baseline, resolve_state

    config_dir = effective.config.path.parent if effective.config.path else None
    key_file = effective["key_file"]
    return SessionOptions(state=resolve_state(effective["state"]),
                          baseline=resolve_baseline(effective["baseline"], config_dir),
                          new_only=new_only, allow_values=tuple(effective["allow_values"]),
                          root=effective.config.base,
                          key_file=Path(os.path.expanduser(key_file)) if key_file else None,
                          edm=_edm_matcher(effective["edm"], effective["edm_key"]))


def _edm_matcher(index: str | None, key: str | None) -> Any:
    """The --edm index with its --edm-key, or None."""
    if index is None and key is None:
        return None
    from piiscan.errors import UsageError

    if index is None:
        raise UsageError("--edm-key needs --edm INDEX (the index built with that key)")
    if key is None:
        raise UsageError("--edm needs --edm-key KEY: the key file the index was built with")
    from piiscan.edm.match import EdmMatcher

    return EdmMatcher.load(index, key)


def _after_scan(result: ScanResult, outcome: SessionOutcome, settings: Settings,
                options: SessionOptions, code: int, view: View, paths: tuple[str, ...],
                *, advise: bool = True) -> None:
    """What a person should know beyond the report, on standard error: the state, stale
    baseline entries, audited suppressions, and on findings what to do next (unless the
    caller gives its own advice: ``advise=False``)."""
    def note(text: str) -> None:
        click.echo(f"piiscan: {text}", err=True)

    if view.notes:
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
    if outcome.stale and (view.hook or view.notes):
        note(f"{len(outcome.stale)} baseline entries match nothing any more (the data was "
             "removed or changed); `piiscan baseline update` drops them"
             + ("" if view.hook else ":"))
        for entry in [] if view.hook else outcome.stale[:10]:
            click.echo(f"  {entry.path}  {entry.type}  ({entry.rule_id})", err=True)
    if code == EXIT_FINDINGS and view.advice and advise:
        from piiscan.report.advice import guards_a_repository, next_steps

        has_baseline = options.baseline is not None
        click.echo(next_steps(result, settings.fail_on, has_baseline=has_baseline,
                              repository=has_baseline or guards_a_repository(paths)), err=True)


@main.group()
def rules() -> None:
    """List and test detection rules."""


@rules.command("list")
@click.option("--rules", "rule_dirs", multiple=True, type=click.Path(exists=True),
              help="Include rules from this folder or file.")
@click.option("--format", "-f", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="json: one object per rule, for scripts.")
def rules_list(rule_dirs: tuple[str, ...], fmt: str) -> None:
    """Show every rule: id (what --disable-rule takes), type, category, severity, name."""
    from piiscan.rules import listing
    from piiscan.rules.loader import load_ruleset

    try:
        ruleset = load_ruleset(rule_dirs)
    except PiiscanError as error:
        _fail(error)
    if fmt == "json":
        sys.stdout.buffer.write(listing.render_json(ruleset))
        return
    from rich.console import Console

    listing.print_table(ruleset, Console(highlight=False))


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
              help="Report format printed on standard output (table, json, jsonl, csv, sarif, "
                   "html), as in `piiscan scan`; default: table when no -o is given.")
@click.option("--output", "-o", "outputs", multiple=True, metavar="[FORMAT:]PATH",
              help="Write the report to PATH; the format comes from FORMAT: or the extension, "
                   "never from -f. The folder must exist. Repeatable.")
@click.option("--show-values", is_flag=True,
              help="Keep the unmasked values the saved report holds (only a scan run with "
                   "--show-values saves any); without it they are dropped.")
def report_command(result_file: str, fmt: str | None, outputs: tuple[str, ...],
                   show_values: bool) -> None:
    """Re-render a saved JSON report in other formats, without rescanning.

    \b
    Examples:
      piiscan scan ./share -o result.json
      piiscan report result.json -o report.html
      piiscan report result.json -o report.sarif -o 台帳.xlsx
      piiscan report result.json -f csv > report.csv
    """
    from piiscan.report.load import load_report
    from piiscan.report.targets import check_targets, parse_target, stdout_format, write_files
    from piiscan.run.spill import Spill

    try:
        stdout = stdout_format(fmt) if fmt else (None if outputs else "table")
        targets = [parse_target(spec) for spec in outputs]
        check_targets(targets)
        # Findings past Spill.IN_MEMORY are written out of memory as they are read, as a
        # scan's are: a report of a large share is re-rendered in the memory its scan took.
        result = load_report(result_file, keep_values=show_values, hold=Spill().hold)
    except PiiscanError as error:
        _fail(error)
    if show_values:
        click.echo("piiscan: warning: --show-values puts unmasked personal data in the "
                   "report; do not share or commit it", err=True)
    errors = write_files(targets, result, streamed=False)
    if stdout is not None:
        _print_stdout(result, View(stdout), streamed=False)
    for line in errors:
        click.echo(f"piiscan: error: {line}", err=True)
    sys.exit(EXIT_ERROR if errors else EXIT_CLEAN)


@main.command("diff")
@STATE_OPTION
@CONFIG_OPTION
@click.option("--run", "run_id", type=int, default=None, metavar="ID",
              help="Compare run ID with the complete run before it (default: the latest).")
@click.option("--new-only", is_flag=True, help="Show only new findings.")
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--webhook", "webhooks", multiple=True, metavar="URL|env:NAME",
              help="Also POST an alert (new and resolved files, levels, types, counts, masked "
                   "locations; never a value) to this URL; env:NAME reads the URL from an "
                   "environment variable (webhook URLs are secrets). Repeatable.")
@click.option("--webhook-format", type=click.Choice(["json", "slack", "teams"]),
              default="json", show_default=True,
              help="Payload shape: piiscan's JSON, a Slack or a Microsoft Teams message.")
@click.option("--webhook-timeout", type=click.FloatRange(min=0.1), default=10.0,
              show_default=True, metavar="SECONDS", help="Timeout of each attempt.")
@click.option("--mail-to", "mail_to", multiple=True, metavar="ADDR",
              help="Also mail the alert to ADDR through the [smtp] server of the "
                   "configuration file. Repeatable.")
def diff_command(state: str | None, config_path: str | None, run_id: int | None,
                 new_only: bool, fmt: str, webhooks: tuple[str, ...], webhook_format: str,
                 webhook_timeout: float, mail_to: tuple[str, ...]) -> None:
    """Findings new and resolved since the previous run over the same paths.

    Compares the latest complete run recorded with --state (or run ID) with the complete
    run before it, by file, type and keyed fingerprint: moved lines are not changes.
    Exit code 1 when there are new findings, 0 when there are none (for alerting); 2 when an
    alert could not be delivered.
    """
    from piiscan import configfile
    from piiscan.alerts.dispatch import Receivers, send
    from piiscan.alerts.webhook import resolve_url
    from piiscan.state import diff

    try:
        receivers = Receivers([resolve_url(w) for w in webhooks], webhook_format,
                              webhook_timeout, list(mail_to))
        if mail_to:
            receivers.smtp = configfile.discover(["."], config_path).values.get("smtp")
        with _state_for(state, config_path) as store:
            changes = diff.compute(store, run_id)
            sent = send(store, changes, receivers, new_only) if receivers else []
    except PiiscanError as error:
        _fail(error)
    for line in sent:
        click.echo(f"piiscan: {line}", err=True)
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
    from piiscan.run.session import ScanSession, SessionOptions, resolve_baseline
    from piiscan.state.baseline import BASELINE_FILE, SECRET_ENV, Baseline

    targets = list(paths) or ["."]
    try:
        _check_paths(paths)
        effective = _effective_config(targets, config_path)
        config_dir = effective.config.path.parent if effective.config.path else None
        target = Path(file) if file else (resolve_baseline(effective["baseline"], config_dir)
                                          or Path.cwd() / BASELINE_FILE)
        if not target.parent.is_dir():
            raise UsageError(f"{target}: folder {target.parent} does not exist; create it "
                             "first, or name a baseline file in a folder that exists")
        if create:
            if target.exists() and not force:
                raise ConfigError(
                    f"{target} exists: `piiscan baseline update` keeps its salt (no churn); "
                    "--force starts over with a new one")
            if secret and not os.environ.get(SECRET_ENV):
                raise ConfigError(f"--secret needs {SECRET_ENV} set: export it (a long random "
                                  "value kept in your secret store), or leave out --secret")
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
    try:
        baseline.save()
    except OSError as exc:
        _fail(UsageError(f"baseline {target} not written: {(exc.strerror or str(exc)).lower()};"
                         " choose a folder you can write to (--file)"))
    added, removed = len(entries - old), len(old - entries)
    unreadable = len(result.unreadable())
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
    from piiscan.run.session import resolve_baseline, resolve_state

    try:
        _check_paths((path,))
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


