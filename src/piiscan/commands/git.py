"""``piiscan git``: personal data in a repository's history (docs/git.md).

    piiscan git                               HEAD's whole history
    piiscan git --since-commit ORIG_HEAD      only what the commits after ORIG_HEAD added
    piiscan git /srv/repo --all --state ...   every branch, nightly: known blobs are not read

Every blob a selected commit added or changed is scanned once and reported as
``<commit>:<path>``; see piiscan.run.history for what counts as new. The report, rule,
config and state options are ``piiscan scan``'s own (borrowed, so the two cannot drift).
"""

from __future__ import annotations

import sys
from typing import Any

import click

# scan's options that mean the same here (parameter names of piiscan.cli.scan)
BORROWED = ("fmt", "outputs", "rule_dirs", "disabled", "excludes", "max_file_size",
            "min_confidence", "fail_on", "show_values", "quiet", "config_path", "state",
            "no_state", "key_file", "baseline", "no_baseline", "no_ignore", "new_only", "jobs")


class WithScanOptions(click.Command):
    """A command that takes ``piiscan scan``'s options named in BORROWED, as they are
    there: the same flags, defaults and help."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._borrowed = False

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        if not self._borrowed:
            from piiscan.cli import scan

            self.params += [p for p in scan.params if p.name in BORROWED]
            self._borrowed = True
        return super().get_params(ctx)


@click.command("git", cls=WithScanOptions)
@click.argument("repo", default=".", type=click.Path(file_okay=False))
@click.option("--since-commit", metavar="REF",
              help="Only what the commits after REF added (e.g. the commit before a push); "
                   "all zeros (a new branch's 'before'): the whole history.")
@click.option("--range", "commit_range", metavar="A..B",
              help="Only the commits after A up to B (A...B: on either side, not both).")
@click.option("--branch", "branches", multiple=True, metavar="NAME",
              help="Read this branch's history instead of HEAD's. Repeatable.")
@click.option("--all", "all_refs", is_flag=True,
              help="Read the history of every branch and tag.")
@click.option("--show-authors", is_flag=True,
              help="Put commit authors in reports. Names and e-mail addresses are personal "
                   "data: off by default.")
def git_command(repo: str, since_commit: str | None, commit_range: str | None,
                branches: tuple[str, ...], all_refs: bool, show_authors: bool,
                **options: Any) -> None:
    """Scan a git repository's history for personal data.

    Every file version (blob) that a selected commit added or changed is scanned once, in
    every format piiscan reads, and reported as COMMIT:PATH with the commit's id and date.
    Data deleted since is found at the commit that added it. For text files, only findings
    that were not in the version a commit replaced are reported. REPO is any folder in the
    repository (default: the current one).

    \b
    Examples:
      piiscan git                                   HEAD's whole history
      piiscan git --since-commit origin/main -o r.sarif
      piiscan git /srv/repo --all --state /var/lib/piiscan/repo -q
    """
    from piiscan import configfile
    from piiscan.cli import (
        View,
        _after_scan,
        _effective_config,
        _run_scan,
        _session_options,
        failing_cleanly,
    )
    from piiscan.cli import exit_code as scan_exit_code
    from piiscan.errors import EXIT_ERROR, EXIT_FINDINGS
    from piiscan.report.targets import check_targets, parse_target, stdout_format
    from piiscan.run.guard import SignalGuard
    from piiscan.run.history import GitHistory
    from piiscan.sources.git import Repository, Selection, is_zero

    quiet = options["quiet"]
    selection = Selection(since_commit, commit_range, branches, all_refs)
    with failing_cleanly():
        view = View(stdout_format(options["fmt"]), quiet=quiet)
        targets = [parse_target(spec) for spec in options["outputs"]]
        check_targets(targets)
        with SignalGuard() as guard:
            selection.check()
            repository = Repository.open(repo)
            effective = _effective_config([repository.root], options["config_path"])
            settings = configfile.settings_from(effective, show_values=options["show_values"],
                                                no_ignore=options["no_ignore"])
            session_options = _session_options(effective, options["new_only"])
            with GitHistory(repository, selection, settings, authors=show_authors) as source:
                if since_commit is not None and is_zero(since_commit) and not quiet:
                    _note(f"--since-commit {since_commit[:12]}…: no earlier commit (a new "
                          f"branch): reading the whole history of {selection.describe()}")
                result, outcome, errors = _run_scan(source.roots, settings, view, targets,
                                                    session_options, guard, source=source)
    code = scan_exit_code(result, settings)
    if view.notes:
        _note(f"git {repository.root}: {selection.describe()}: {len(result.files)} file "
              f"versions scanned once each ({source.repeats} more changes carried one of "
              f"them); {source.unchanged} findings already in the versions commits replaced "
              "were not repeated")
    _after_scan(result, outcome, settings, session_options, code, view, (repository.root,),
                advise=False)
    if code == EXIT_FINDINGS and view.advice:
        click.echo(next_steps(len({fr.file.display for fr in result.files if fr.findings})),
                   err=True)
    for line in errors:
        click.echo(f"piiscan: error: {line}", err=True)
    sys.exit(EXIT_ERROR if errors else code)


def _note(text: str) -> None:
    click.echo(f"piiscan: {text}", err=True)


def next_steps(files: int) -> str:
    return "\n".join([
        f"piiscan found personal data (個人情報) in {files} file version(s) in the history. "
        "What to do next:",
        "  1. Still in the current files? Remove or mask it there, and in open branches.",
        "  2. Must it leave the history too? Rewrite it out (e.g. git filter-repo "
        "--replace-text or --invert-paths),",
        "     force-push, and have every clone and fork replaced; hosted copies (pull-request "
        "refs, caches) need the host's help.",
        "  3. Not personal data, or accepted: `piiscan:ignore` on the line, allow_paths in "
        ".piiscan.toml, or the baseline.",
        "  docs/git.md explains each step.",
    ])
