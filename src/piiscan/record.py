"""Who is running piiscan, where: the run record of a scan (models.RunRecord), and the user
and host that the quarantine log and triage verdicts name.

The account is the effective user's name from the password database, not ``$USER`` (which
anyone can set); under sudo the invoking user is named beside it.
"""

from __future__ import annotations

import os
import platform
from collections.abc import Iterable
from dataclasses import asdict
from typing import TYPE_CHECKING

from piiscan import __version__
from piiscan.models import RunRecord
from piiscan.sources import is_url
from piiscan.sources.ignore import IGNORE_FILE

if TYPE_CHECKING:
    from piiscan.config import Settings


def account_name() -> str:
    """``tanaka``, ``root (sudo by tanaka)``, or ``uid 1001`` when the name is unknown."""
    uid = os.geteuid() if hasattr(os, "geteuid") else -1
    try:
        import pwd

        name = pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        name = f"uid {uid}" if uid >= 0 else os.environ.get("USERNAME", "unknown")
    sudo = os.environ.get("SUDO_USER")
    if sudo and uid == 0 and sudo != name:
        name += f" (sudo by {sudo})"
    return name


def host_name() -> str:
    return platform.node() or "unknown"  # the host name (uname's nodename), as hostname prints


def build_run_record(roots: Iterable[str], settings: Settings, rules_digest: str,
                     rule_count: int) -> RunRecord:
    absolute = tuple(r if is_url(r) else os.path.abspath(r) for r in roots)  # s3://, smb://
    ignore_files = tuple(path for path in (os.path.join(r, IGNORE_FILE) for r in absolute
                                           if not is_url(r))
                         if os.path.isfile(path))
    return RunRecord(
        host=host_name(),
        account=account_name(),
        working_directory=os.getcwd(),
        roots=absolute,
        excludes=tuple(settings.excludes),
        ignore_files=ignore_files,
        follow_symlinks=settings.follow_symlinks,
        limits=tuple(asdict(settings.limits).items()),
        min_confidence=str(settings.min_confidence),
        retention_days=settings.retention_days,
        rules_digest=rules_digest,
        rule_count=rule_count,
        rule_sources=tuple(os.path.abspath(d) for d in settings.rule_dirs),
        disabled_rules=tuple(settings.disabled_rules),
        piiscan_version=__version__,
        python_version=platform.python_version(),
        platform=f"{platform.system()} {platform.release()} {platform.machine()}",
    )
