"""Command line: parse, call, render. No scanning logic lives here.

Heavy modules are imported inside the commands, so ``piiscan --version`` and a pre-commit
run over a few text files start fast.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

import click

from piiscan import __version__
from piiscan.errors import (
    EXIT_CLEAN,
    EXIT_ERROR,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_UNREADABLE,
    PiiscanError,
)
from piiscan.models import Level

if TYPE_CHECKING:
    from piiscan.config import Settings
    from piiscan.models import ScanResult

EPILOG = """\b
Exit codes:
  0  no findings at or above --fail-on
  1  findings at or above --fail-on
  2  usage, configuration or rule error (nothing scanned)
  3  some files could not be read (and no findings at --fail-on)
  4  scan interrupted; the report is marked incomplete
"""

LEVEL_CHOICE = click.Choice(["low", "medium", "high", "critical"], case_sensitive=False)


def _size(text: str) -> int:
    units = {"k": 1024, "m": 1024**2, "g": 1024**3}
    text = text.strip().lower().removesuffix("b").removesuffix("i")
    try:
        if text and text[-1] in units:
            return int(float(text[:-1]) * units[text[-1]])
        return int(text)
    except ValueError:
        raise click.BadParameter(f"'{text}' is not a size like 500K, 20M or 1G") from None


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
              help="Report format printed on standard output (table, json).")
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
def scan(paths: tuple[str, ...], fmt: str, outputs: tuple[str, ...], rule_dirs: tuple[str, ...],
         disabled: tuple[str, ...], excludes: tuple[str, ...], follow_symlinks: bool,
         max_file_size: str, min_confidence: str, fail_on: str, show_values: bool,
         quiet: bool) -> None:
    """Scan files and folders for personal data.

    PATHS are folders (walked recursively, .git/ skipped) or files (as pre-commit passes them).
    """
    from dataclasses import replace

    from piiscan.config import Limits, Settings

    settings = Settings(
        rule_dirs=rule_dirs,
        disabled_rules=disabled,
        excludes=excludes,
        follow_symlinks=follow_symlinks,
        min_confidence=Level.parse(min_confidence),
        fail_on=Level.parse(fail_on),
        show_values=show_values,
        limits=replace(Limits(), max_file_size=_size(max_file_size)),
    )
    try:
        result = _run_scan(list(paths), settings, fmt, outputs, quiet)
    except PiiscanError as error:
        _fail(error)
    sys.exit(exit_code(result, settings))


def _run_scan(paths: list[str], settings: Settings, fmt: str, outputs: tuple[str, ...],
              quiet: bool) -> ScanResult:
    from piiscan import report
    from piiscan.mask import Fingerprinter
    from piiscan.rules.loader import load_ruleset
    from piiscan.scan import Scanner, scan_paths

    targets = [_parse_output(spec) for spec in outputs]
    stdout_render = None if quiet or fmt == "table" else report.get(fmt)
    renders = [(path, report.get(name)) for name, path in targets]
    ruleset = load_ruleset(settings.rule_dirs, settings.disabled_rules)
    if settings.show_values:
        click.echo("piiscan: warning: --show-values puts unmasked personal data in the "
                   "report; do not share or commit it", err=True)
    scanner = Scanner(ruleset, settings, Fingerprinter())
    result = scan_paths(paths, scanner)
    for path, render in renders:
        report.write_atomic(path, render(result))
    if quiet:
        from piiscan.report.table import summary_line

        click.echo(summary_line(result))
    elif stdout_render is not None:
        sys.stdout.buffer.write(stdout_render(result))
        sys.stdout.flush()
    else:
        from rich.console import Console

        from piiscan.report.table import print_report

        print_report(result, Console(highlight=False))
    return result


def _parse_output(spec: str) -> tuple[str, str]:
    from piiscan import report

    name, sep, path = spec.partition(":")
    if sep and name in report.REGISTRY and path:
        return name, path
    return report.format_for(spec), spec


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


def run() -> Any:  # pragma: no cover - python -m piiscan
    return main()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(EXIT_ERROR if run() else EXIT_CLEAN)
