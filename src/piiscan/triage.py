"""Triage: a person's verdict on each finding, kept in the state by keyed fingerprint.

    confirmed       personal data, to be dealt with (stays active, labelled)
    false-positive  not personal data (suppressed in later scans, counted as its own kind,
                    visible with --no-ignore)
    accepted-risk   personal data that stays, knowingly (stays active, labelled)

A verdict is about a value (its keyed fingerprint: type and value), so it follows the value
into every file and every later run with the same state. Notes are free text, so they are
masked like snippets before they are stored: the rules run over the note and every value
they find (at any confidence) and every long run of digits is starred (``NoteMasker``).

``queue`` is what the interactive walk shows, riskiest files first, one entry per
fingerprint; ``export_baseline`` turns verdicts into baseline entries (which need the values
themselves, so the files are scanned again).
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from piiscan.clock import now_iso
from piiscan.errors import UsageError
from piiscan.mask import mask_text
from piiscan.models import FileRef, Finding, Location, Segment
from piiscan.record import account_name
from piiscan.state.store import (
    CLEARED,
    VERDICTS,
    FileRow,
    FindingRow,
    RunInfo,
    StateStore,
    Verdict,
)
from piiscan.suppress import FALSE_POSITIVE, PREVIOUS_RUN

LABELS = {"confirmed": "確認済み (confirmed)", "false-positive": "誤検知 (false positive)",
          "accepted-risk": "リスク受容 (accepted risk)", CLEARED: "取消 (cleared)"}
ALIASES = {"c": "confirmed", "confirm": "confirmed", "f": FALSE_POSITIVE,
           "fp": FALSE_POSITIVE, "false_positive": FALSE_POSITIVE, "a": "accepted-risk",
           "accepted": "accepted-risk", "accept": "accepted-risk",
           "accepted_risk": "accepted-risk", "none": CLEARED, "clear": CLEARED}
NOTE_LIMIT = 500
MIN_PREFIX = 8
# Findings a person can judge: active ones, ones --new-only hid, and earlier false positives.
JUDGEABLE = (None, PREVIOUS_RUN, FALSE_POSITIVE)


def parse_verdict(text: str) -> str:
    word = text.strip().lower()
    word = ALIASES.get(word, word)
    if word not in (*VERDICTS, CLEARED):
        raise UsageError(f"unknown verdict '{text}' (use confirmed, false-positive, "
                         "accepted-risk or clear)")
    return word


def parse_mark(spec: str) -> tuple[str, str]:
    """``FINGERPRINT=VERDICT`` -> (fingerprint prefix, verdict)."""
    fingerprint, sep, verdict = spec.partition("=")
    if not sep or not fingerprint.strip():
        raise UsageError(f"--mark {spec}: write FINGERPRINT=VERDICT, e.g. "
                         "--mark 3fa9c2d41b07=false-positive")
    return fingerprint.strip().lower(), parse_verdict(verdict)


def find_fingerprint(store: StateStore, prefix: str) -> FindingRow:
    """The finding a fingerprint (or a unique prefix of at least 8 characters) names, from
    the runs the state keeps."""
    if len(prefix) < MIN_PREFIX or any(c not in "0123456789abcdef" for c in prefix):
        raise UsageError(f"'{prefix}' is not a fingerprint: give at least {MIN_PREFIX} of its "
                         "hex digits (the JSON report's `fingerprint`, or triage's list)")
    rows = store.known_fingerprints(prefix)
    if not rows:
        raise UsageError(f"no finding with fingerprint {prefix} in the runs recorded in "
                         f"{store.path}")
    if len(rows) > 1:
        raise UsageError(f"fingerprint {prefix} is ambiguous ({len(rows)} findings): give "
                         "more digits")
    return rows[0]


class NoteMasker:
    """Masks what the rules find in a note (at any confidence), as snippets are masked."""

    def __init__(self, rule_dirs: tuple[str, ...] = (), disabled: tuple[str, ...] = ()) -> None:
        from piiscan.rules.loader import load_ruleset
        from piiscan.scan import CompiledRules

        self.rules = CompiledRules(load_ruleset(rule_dirs, disabled))

    def __call__(self, note: str) -> tuple[str, int]:
        """(the masked note, how many values were masked)."""
        note = note.strip()[:NOTE_LIMIT]
        if not note:
            return "", 0
        matches = self.rules.engine.scan(Segment(note, Location("note")))
        return mask_text(note, sorted({(m.start, m.end) for m in matches}))


def record(store: StateStore, row: FindingRow, verdict: str, note: str) -> Verdict:
    """Store a verdict (the note already masked) and return it."""
    entry = Verdict(fingerprint=row.fingerprint, verdict=verdict, note=note, type=row.type,
                    rule_id=row.rule_id, path=row.path, decided=now_iso(),
                    decided_by=account_name())
    store.set_verdict(entry)
    return entry


@dataclass(frozen=True)
class Item:
    """One finding to judge, with what a person needs to judge it."""

    row: FindingRow
    level: str  # the file's risk level
    confidence: str
    snippet: str
    reasons: tuple[str, ...]
    verdict: Verdict | None


def _stored(store: StateStore, file: FileRow) -> dict[tuple[str, str], Finding]:
    if file.abspath is None:
        return {}
    ref = FileRef(file.abspath, file.path, file.size, file.mtime)
    result = store.stored_result(file.abspath, ref)
    out: dict[tuple[str, str], Finding] = {}
    for f in result.findings if result is not None else []:
        out.setdefault((f.type, f.fingerprint), f)
    return out


def queue(store: StateStore, run: RunInfo, revisit: bool = False) -> list[Item]:
    """The findings of ``run`` without a verdict (``revisit``: with one too), riskiest
    files first, once per fingerprint."""
    verdicts = store.verdicts()
    by_path: dict[str, list[FindingRow]] = defaultdict(list)
    for row in store.findings(run.id):
        if row.suppressed_by in JUDGEABLE:
            by_path[row.path].append(row)
    seen: set[str] = set()
    out = []
    for file in store.files(run.id):
        rows = by_path.get(file.path, [])
        wanted = [r for r in rows if r.fingerprint not in seen
                  and (revisit or r.fingerprint not in verdicts)]
        if not wanted:
            continue
        stored = _stored(store, file)
        for row in wanted:
            if row.fingerprint in seen:
                continue
            seen.add(row.fingerprint)
            finding = stored.get((row.type, row.fingerprint))
            out.append(Item(row, file.risk_level,
                            str(finding.confidence) if finding else "",
                            finding.masked_snippet if finding else "",
                            tuple(str(r) for r in finding.reasons) if finding else (),
                            verdicts.get(row.fingerprint)))
    return out


def export_baseline(store: StateStore, run: RunInfo, baseline_file: Path,
                    kinds: tuple[str, ...], config_path: str | None) -> tuple[int, int, int]:
    """Add baseline entries for the findings with a verdict in ``kinds`` to
    ``baseline_file`` (created when missing). The files holding them are scanned again,
    with the state's key so fingerprints match verdicts; the state itself is not written.
    Returns (entries added, verdicts exported, verdicts whose value was not found)."""
    from piiscan import configfile
    from piiscan.rules.loader import load_ruleset
    from piiscan.run.session import ScanSession, SessionOptions
    from piiscan.state.baseline import Baseline

    wanted = {fp for fp, v in store.verdicts().items() if v.verdict in kinds}
    holding = {r.path for r in store.findings(run.id) if r.fingerprint in wanted}
    paths = sorted({f.abspath for f in store.files(run.id)
                    if f.path in holding and f.abspath and os.path.isfile(f.abspath)})
    if not wanted:
        return 0, 0, 0
    baseline = Baseline.load(baseline_file) if baseline_file.exists() else Baseline.new(
        baseline_file)
    before = set(baseline.entries)
    found: set[str] = set()
    if paths:
        effective = configfile.merge(configfile.discover(paths, config_path), {}, set())
        settings = configfile.settings_from(effective)
        options = SessionOptions(collect=baseline, key=store.key,
                                 allow_values=tuple(effective["allow_values"]),
                                 root=effective.config.base)
        with ScanSession(load_ruleset(settings.rule_dirs, settings.disabled_rules), settings,
                         options) as session:
            session.run(paths)
            assert session.matcher is not None
            for (_, _, fp), entry in session.matcher.found.items():
                if fp in wanted:
                    baseline.entries.add(entry)
                    found.add(fp)
    baseline.save()
    return len(baseline.entries - before), len(found), len(wanted - found)
