"""What an alert says: files with personal data new and resolved since the previous run, with
their risk levels, types, counts and masked locations. Never a value, masked or not, and
never a snippet: an alert goes to a chat service or a mailbox, not to the owner-only report.

One ``Alert`` is built from a ``piiscan diff`` (``build_alert``) and rendered for each
receiver: a JSON document of its own (``to_json``), a Slack message (``to_slack``), a
Microsoft Teams message with an Adaptive Card (``to_teams``), or mail text (``subject``,
``to_text``).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from piiscan.clock import now_iso
from piiscan.labels import RISK_LABELS
from piiscan.pii_types import TypeRegistry
from piiscan.record import host_name
from piiscan.state.diff import RunDiff
from piiscan.state.store import FileRow, FindingRow

LOCATIONS_PER_FILE = 5
FILES_LISTED = 20  # per section in chat and mail; the JSON document lists every file
LEVEL_ORDER = ("critical", "high", "medium", "low", "none", "unknown")
SCHEMA = "piiscan-alert"
VERSION = 1

# The parts of a rendered location (models.Location.render) after the file's path that say
# where, not what: a cell, a line and column, a page, a slide, a paragraph.
_CELL = re.compile(r"[A-Z]{1,3}[0-9]{1,7}|R[0-9]+C[0-9]+")
_TAIL = re.compile(r"(?::row [0-9]+|:[0-9]+(?::[0-9]+)?)$")
_ANCHORS = re.compile(r"(?:#(?:page|slide|para)=[0-9]+)+$")
_PLAIN_PART = re.compile(r"[A-Za-z][A-Za-z :()-]{0,39}")


def _mask_name(name: str) -> str:
    """A sheet or member name, an XML or JSON path: any of them may be a value."""
    if not name:
        return name
    head = "" if name[0].isdigit() else name[0]
    return head + "*" * (len(name) - len(head))


def mask_location(path: str, location: str) -> str:
    """``名簿.xlsx!顧客!B12`` -> ``名簿.xlsx!顧*!B12``: the file's path is kept (reports name
    it too), positions are kept, names inside the file are masked."""
    if not location.startswith(path):
        return path
    rest = location[len(path):]
    tail = ""
    if m := _TAIL.search(rest):
        rest, tail = rest[:m.start()], m.group(0)
    part = ""
    start = rest.find("[")
    if rest.endswith("]") and start >= 0:  # a part may hold brackets: '[$["k"].v]'
        inner = rest[start + 1:-1]
        part = f"[{inner if _PLAIN_PART.fullmatch(inner) else _mask_name(inner)}]"
        rest = rest[:start]
    anchors = ""
    if m := _ANCHORS.search(rest):
        rest, anchors = rest[:m.start()], m.group(0)
    names = rest.split("!")
    kept = [n if _CELL.fullmatch(n) else _mask_name(n) for n in names]
    return path + "!".join(kept) + anchors + part + tail


@dataclass
class FileChange:
    path: str
    level: str  # the file's risk level in the run that has the findings; 'unknown' if not kept
    findings: int
    types: dict[str, int]
    locations: list[str]  # masked, at most LOCATIONS_PER_FILE


@dataclass
class Alert:
    host: str
    generated: str
    old_run: dict[str, Any]
    new_run: dict[str, Any]
    new: list[FileChange] = field(default_factory=list)
    resolved: list[FileChange] = field(default_factory=list)
    unchecked: int = 0
    types: TypeRegistry | None = None

    @property
    def new_findings(self) -> int:
        return sum(f.findings for f in self.new)

    @property
    def resolved_findings(self) -> int:
        return sum(f.findings for f in self.resolved)

    def levels(self) -> dict[str, int]:
        counts = Counter(f.level for f in self.new)
        return {lvl: counts[lvl] for lvl in LEVEL_ORDER if counts[lvl]}

    def label(self, type_id: str) -> str:
        return self.types.label(type_id) if self.types is not None else type_id


def _changes(rows: list[FindingRow], files: dict[str, FileRow]) -> list[FileChange]:
    by_path: dict[str, list[FindingRow]] = defaultdict(list)
    for row in rows:
        by_path[row.path].append(row)
    out = []
    for path, items in by_path.items():
        info = files.get(path)
        types = Counter(r.type for r in items)
        locations = sorted({mask_location(path, r.location) for r in items})
        out.append(FileChange(path, info.risk_level if info else "unknown", len(items),
                              dict(sorted(types.items())), locations[:LOCATIONS_PER_FILE]))
    rank = {lvl: i for i, lvl in enumerate(LEVEL_ORDER)}
    return sorted(out, key=lambda c: (rank.get(c.level, len(rank)), c.path))


def build_alert(diff: RunDiff, new_files: list[FileRow], old_files: list[FileRow],
                types: TypeRegistry, new_only: bool = False) -> Alert:
    """The alert for a diff; ``new_files`` and ``old_files`` are the two runs' file records
    (levels of new files come from the newer run, of resolved ones from the older)."""
    alert = Alert(host=host_name(), generated=now_iso(),
                  old_run={"id": diff.old.id, "started": diff.old.started},
                  new_run={"id": diff.new.id, "started": diff.new.started,
                           "roots": list(diff.new.roots)},
                  types=types)
    alert.new = _changes(diff.added, {f.path: f for f in new_files})
    if not new_only:
        alert.resolved = _changes(diff.resolved, {f.path: f for f in old_files})
        alert.unchecked = len(diff.unchecked)
    return alert


def worth_sending(alert: Alert) -> bool:
    return bool(alert.new or alert.resolved)


# --- renderers ---------------------------------------------------------------------------

def to_json(alert: Alert) -> dict[str, Any]:
    def files(items: list[FileChange]) -> list[dict[str, Any]]:
        return [{"path": c.path, "level": c.level, "findings": c.findings, "types": c.types,
                 "locations": c.locations} for c in items]

    return {
        "schema": SCHEMA,
        "version": VERSION,
        "host": alert.host,
        "generated": alert.generated,
        "old_run": alert.old_run,
        "new_run": alert.new_run,
        "counts": {"new_files": len(alert.new), "new_findings": alert.new_findings,
                   "resolved_files": len(alert.resolved),
                   "resolved_findings": alert.resolved_findings,
                   "unchecked_findings": alert.unchecked},
        "new_files_by_level": alert.levels(),
        "new": files(alert.new),
        "resolved": files(alert.resolved),
    }


def subject(alert: Alert) -> str:
    if alert.new:
        levels = ", ".join(f"{n} {lvl}" for lvl, n in alert.levels().items())
        return (f"piiscan: {len(alert.new)} file(s) with new personal data on {alert.host} "
                f"({levels})")
    return f"piiscan: personal data resolved in {len(alert.resolved)} file(s) on {alert.host}"


def _level(level: str) -> str:
    return RISK_LABELS.get(level, "不明 unknown")


def _types(alert: Alert, change: FileChange) -> str:
    return ", ".join(f"{alert.label(t)} {n}" for t, n in change.types.items())


def _summary_lines(alert: Alert) -> list[str]:
    roots = ", ".join(alert.new_run.get("roots", []))
    lines = [f"{alert.host}: {roots} — run {alert.old_run['id']} ({alert.old_run['started']})"
             f" → run {alert.new_run['id']} ({alert.new_run['started']})",
             f"新規 new: {len(alert.new)} file(s), {alert.new_findings} finding(s)"
             + (" (" + ", ".join(f"{_level(lvl)} {n}" for lvl, n in alert.levels().items())
                + ")" if alert.new else ""),
             f"解消 resolved: {len(alert.resolved)} file(s), {alert.resolved_findings} "
             "finding(s)"]
    if alert.unchecked:
        lines.append(f"未確認 unchecked: {alert.unchecked} finding(s) in files that could not "
                     "be read this time")
    return lines


FOOTER = ("値は送信しません。詳細はスキャンしたホストのレポートか `piiscan diff` で確認してください。 "
          "(Values are never sent: see the report or `piiscan diff` on the scanning host.)")


def to_text(alert: Alert) -> str:
    """The mail body: plain text, Japanese labels with English beside them."""
    lines = [subject(alert), "", *_summary_lines(alert)]
    for mark, title, items in (("+", "新規 (new)", alert.new),
                               ("-", "解消 (resolved)", alert.resolved)):
        if not items:
            continue
        lines += ["", f"{title}:"]
        for change in items[:FILES_LISTED]:
            lines.append(f"{mark} [{_level(change.level)}] {change.path}: "
                         f"{_types(alert, change)}")
            if change.locations:
                lines.append("    " + ", ".join(change.locations))
        if len(items) > FILES_LISTED:
            lines.append(f"  … and {len(items) - FILES_LISTED} more file(s)")
    lines += ["", FOOTER]
    return "\n".join(lines) + "\n"


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_slack(alert: Alert) -> dict[str, Any]:
    """A Slack incoming-webhook message: ``text`` (the notification) and Block Kit
    sections (each under Slack's 3,000-character limit)."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": subject(alert)[:150]}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _slack_escape(
            "\n".join(_summary_lines(alert)))}},
    ]
    for mark, items in (("新規 new", alert.new), ("解消 resolved", alert.resolved)):
        lines = [f"*{mark}*"]
        for change in items[:FILES_LISTED]:
            lines.append(_slack_escape(f"• [{_level(change.level)}] {change.path}: "
                                       f"{_types(alert, change)}"))
        if len(items) > FILES_LISTED:
            lines.append(f"… and {len(items) - FILES_LISTED} more")
        if items:
            blocks += _slack_sections(lines)
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn",
                                                    "text": _slack_escape(FOOTER)}]})
    return {"text": _slack_escape(subject(alert)), "blocks": blocks}


def _slack_sections(lines: list[str], limit: int = 2900) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    current: list[str] = []
    for line in lines:
        line = line[:limit]
        if current and sum(len(x) + 1 for x in current) + len(line) > limit:
            sections.append({"type": "section", "text": {"type": "mrkdwn",
                                                         "text": "\n".join(current)}})
            current = []
        current.append(line)
    if current:
        sections.append({"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(current)}})
    return sections


def to_teams(alert: Alert) -> dict[str, Any]:
    """A Microsoft Teams message carrying an Adaptive Card (1.4), the form that Teams
    Workflows ("When a Teams webhook request is received") and incoming webhooks accept."""
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "size": "Medium", "weight": "Bolder", "wrap": True,
         "text": subject(alert)},
        {"type": "TextBlock", "wrap": True, "text": "\n\n".join(_summary_lines(alert))},
    ]
    for title, items in (("新規 new", alert.new), ("解消 resolved", alert.resolved)):
        if not items:
            continue
        facts = [{"title": _level(c.level), "value": f"{c.path}: {_types(alert, c)}"}
                 for c in items[:FILES_LISTED]]
        if len(items) > FILES_LISTED:
            facts.append({"title": "…", "value": f"and {len(items) - FILES_LISTED} more"})
        body += [{"type": "TextBlock", "weight": "Bolder", "wrap": True, "text": title},
                 {"type": "FactSet", "facts": facts}]
    body.append({"type": "TextBlock", "isSubtle": True, "wrap": True, "size": "Small",
                 "text": FOOTER})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.4", "body": body}
    return {"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None,
        "content": card}]}


RENDERERS = {"json": to_json, "slack": to_slack, "teams": to_teams}
