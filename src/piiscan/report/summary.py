"""The one-line summary of a run: what cron mails and what ends every table and hook run.
Plain text, no terminal library: a pre-commit run that only prints this starts faster."""

from __future__ import annotations

from collections import Counter

from piiscan.labels import RISK_LABELS
from piiscan.models import ScanResult
from piiscan.score import reportable, tally


def summary_line(result: ScanResult) -> str:
    files = result.files
    flagged = [fr for fr in files if fr.risk_level != "none"]
    levels = Counter(fr.risk_level for fr in flagged)
    findings = sum(tally(result).by_type.values())
    skips = result.all_skips()
    unreadable = sum(1 for s in skips if s.kind.value == "error")
    parts = [f"{len(files)} files scanned",
             f"{len(flagged)} with personal data"
             + (" (" + ", ".join(f"{levels[lv]} {lv}" for lv in RISK_LABELS if levels[lv]) + ")"
                if flagged else ""),
             f"{findings} findings",
             f"{len(skips)} skipped ({unreadable} unreadable)"]
    if result.low_confidence_hidden:
        parts.append(f"{result.low_confidence_hidden} low-confidence not shown")
    suppressed = sum(result.suppressed.values())
    if suppressed:
        parts.append(f"{suppressed} suppressed")
    triggered = sum(1 for fr in files if reportable(fr))
    if triggered:
        parts.append(f"{triggered} files with a reportable trigger")
    if not result.complete:
        parts.append("INCOMPLETE: scan was interrupted")
    return "piiscan: " + ", ".join(parts)
