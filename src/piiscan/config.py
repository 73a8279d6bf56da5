"""Frozen scan settings with their defaults.

Precedence (highest first): command-line flags > config file (.piiscan.toml or
[tool.piiscan] in pyproject.toml) > these defaults.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields, replace

from piiscan.models import Level

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Budgets that keep one hostile or huge file from stalling a scan."""

    max_file_size: int = 256 * MiB  # files above this are listed as skips, not read
    seconds_per_file: float = 120.0  # extraction + matching budget per file
    regex_seconds: float = 10.0  # per rule and segment: guards against runaway patterns
    archive_depth: int = 3  # nested archives/attachments beyond this are skips
    archive_members: int = 10_000
    # The decompression budget of one scanned file (extract.Budget): every byte a format
    # inflates counts (archive members, OOXML parts, PDF streams, mail parts) ...
    inflate_bytes: int = 1024 * MiB
    # ... and no single piece (a member, a part, a stream) may inflate to more than this.
    member_size: int = 256 * MiB
    archive_ratio: float = 200.0  # expanded/compressed ratio above which a member is a bomb
    image_pixels: int = 50_000_000  # larger images are skips (decompression bombs), not OCR'd
    # Findings listed for one file; past this they are counted by type, not listed (a file
    # with this many is a list of people anyway), so one huge log cannot fill the memory.
    findings_per_file: int = 100_000


@dataclass(frozen=True)
class Settings:
    rule_dirs: tuple[str, ...] = ()
    disabled_rules: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    follow_symlinks: bool = False
    scan_git_dir: bool = False
    min_confidence: Level = Level.MEDIUM
    fail_on: Level = Level.LOW  # lowest severity that makes the exit code 1
    show_values: bool = False
    context_chars: int = 20  # snippet context on each side
    chunk_chars: int = 1 << 20  # text is matched in chunks of this many characters
    limits: Limits = field(default_factory=Limits)
    retention_days: int | None = None
    jobs: int = 1
    no_ignore: bool = False  # audit: inline ignores, baseline and allowlists do not suppress
    allow_paths: tuple[str, ...] = ()  # gitignore-style: findings there are suppressed
    cluster: str | None = None  # 'local:N' or a Dask scheduler address: scan there
    sample_percent: float | None = None  # scan this share of the files (a seeded choice)
    sample_seed: str = ""  # which files the sample holds: the same seed, the same files
    max_bytes_per_file: int | None = None  # scan only the head of larger text-like files
    ocr: bool = False  # read images and PDF pages without a text layer with OCR

    def with_changes(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Level):
                value = str(value)
            elif isinstance(value, Limits):
                value = asdict(value)
            elif isinstance(value, tuple):
                value = list(value)
            out[f.name] = value
        return out

    def reporting(self) -> dict[str, object]:
        """The settings that decide which findings a run reports (rules aside): recorded
        with every run, so `piiscan diff` can tell a settings change from a clean-up."""
        presentation = {"jobs", "show_values", "fail_on", "retention_days", "context_chars",
                        "chunk_chars"}
        return {k: v for k, v in self.as_dict().items() if k not in presentation}

    def digest(self) -> str:
        """Hash of the settings that change what a file yields (for incremental scans)."""
        relevant = {
            k: v
            for k, v in self.as_dict().items()
            if k not in {"jobs", "show_values", "fail_on", "excludes", "retention_days",
                         "no_ignore", "allow_paths",  # applied after the cache
                         "cluster", "sample_percent", "sample_seed"}  # where, and which files
        }
        blob = json.dumps(relevant, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(blob.encode()).hexdigest()[:16]


def cpu_count() -> int:
    """Cores this process may run on (its affinity mask, e.g. a container's cpuset)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - macOS, Windows
        return os.cpu_count() or 1
