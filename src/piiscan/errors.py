"""Exceptions that end a run, each with its exit code.

    PiiscanError                 exit 2 unless stated
    ├── UsageError               bad flags or paths
    ├── ConfigError              unreadable or invalid configuration file
    ├── RuleError                a rule file that cannot be loaded (names file, rule, field)
    └── LockedError              another run holds the state lock

Exit codes (stable; documented in README.md and docs/exit-codes.md):

    0  scan complete, nothing at or above --fail-on
    1  findings at or above --fail-on
    2  usage, configuration or rule error: nothing was scanned
    3  scan finished but some files could not be read (and no findings at --fail-on)
    4  scan interrupted or aborted: the report is marked incomplete
"""

from __future__ import annotations

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2
EXIT_UNREADABLE = 3
EXIT_INTERRUPTED = 4


class PiiscanError(Exception):
    exit_code = EXIT_ERROR


class UsageError(PiiscanError):
    pass


class ConfigError(PiiscanError):
    pass


class LockedError(PiiscanError):
    pass


class RuleError(PiiscanError):
    """A rule file problem, located as precisely as we can: file, rule id, field."""

    def __init__(self, file: str, problem: str, rule_id: str | None = None,
                 field: str | None = None) -> None:
        self.file = file
        self.rule_id = rule_id
        self.field = field
        self.problem = problem
        where = file
        if rule_id:
            where += f": rule '{rule_id}'"
        if field:
            where += f": field '{field}'"
        super().__init__(f"{where}: {problem}")
