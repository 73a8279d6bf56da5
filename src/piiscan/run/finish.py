"""What is applied to each file's scan result after the scan, in this process or a worker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from piiscan.score import FileTally, score_file
from piiscan.suppress import Suppressor

if TYPE_CHECKING:
    from piiscan.config import Settings
    from piiscan.models import FileResult
    from piiscan.run.baseline import BaselineMatcher
    from piiscan.scan import CompiledRules


@dataclass
class Finisher:
    """What is applied to each file's scan result, fresh or from the cache, in walk order:
    the baseline, then allowlists, triage verdicts, --no-ignore and --new-only, then the risk
    score."""

    settings: Settings
    rules: CompiledRules
    suppressor: Suppressor
    baseline: BaselineMatcher | None = None

    @classmethod
    def from_settings(cls, settings: Settings, rules: CompiledRules) -> Finisher:
        """Suppressions the settings alone ask for (no baseline, no value allowlist, no
        previous run): a run without state, as benchmarks and tests make one."""
        return cls(settings, rules, Suppressor.build(no_ignore=settings.no_ignore,
                                                     allow_paths=settings.allow_paths))

    @property
    def portable(self) -> bool:
        """Whether a worker process may finish files as this process would: nothing here
        keeps a count across files (a baseline marks the entries it meets, ``--no-ignore``
        counts what it shows)."""
        return self.baseline is None and not self.suppressor.no_ignore

    def __call__(self, result: FileResult) -> FileResult:
        if self.baseline is not None:
            self.baseline.apply(result)
        self.suppressor.apply(result)
        score_file(result, self.settings, self.rules.types)
        return result

    def finish_for_run(self, result: FileResult) -> FileResult:
        """Finish ``result`` where it was scanned and add its share of the run's figures
        (``FileResult.tally``), so the run only adds counts (run.pool, under ``--jobs``)."""
        self(result)
        result.tally = FileTally.of(result, self.rules.types.where(identifying=True))
        return result
