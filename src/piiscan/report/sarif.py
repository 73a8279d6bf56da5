"""SARIF 2.1.0 report for code-scanning tools such as GitHub code scanning (docs/reports.md).

- One result per finding; ``ruleId`` is the rule id, ``level`` comes from its severity.
- Locations: the file as a relative URI and, for text, the line and column; other places
  (sheet/cell, page, archive member) are in the message and a logical location.
- ``partialFingerprints["piiscanFinding/v1"]`` identifies a finding across runs and machines
  without line numbers: a hash of the rule, the relative path, the place inside the file
  that is not a line (member, sheet, cell, page), the masked context, and the number of
  earlier identical findings. It carries nothing the masked report does not already show.
  The keyed value fingerprint, stable only when a key is kept (state, baseline), is in
  ``properties.fingerprint``.
- Only masked values, unless ``--show-values`` was given: then ``properties.value``.
- Files that could not be read are tool execution notifications, so an upload still
  shows that the scan was incomplete.
- The run record: ``invocations[0]`` carries the machine, account, UTC start and end and
  working directory, and the whole record in its ``properties``; the files past the
  retention period are in the run's ``properties.retention``.

The schema in ``sarif-2.1.0.schema.json`` is the official OASIS one (errata 01), copied
unchanged from github.com/oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json.
"""

from __future__ import annotations

import hashlib
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone
from typing import Any, BinaryIO
from urllib.parse import quote

from piiscan import __version__
from piiscan.explain import describe
from piiscan.models import (
    Category,
    FileResult,
    Finding,
    Level,
    RuleInfo,
    ScanResult,
    SkipKind,
    TypeRegistry,
)
from piiscan.report.json import revision_dict, sort_findings, summary_dict
from piiscan.report.jsontext import dumps
from piiscan.report.record import overdue_dict, record_dict

SCHEMA_URI = ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
              "sarif-schema-2.1.0.json")
INFORMATION_URI = "https://github.com/piiscan/piiscan"
_LEVEL = {Level.CRITICAL: "error", Level.HIGH: "error", Level.MEDIUM: "warning",
          Level.LOW: "note"}
# GitHub ranks alerts by this property: critical > 9.0, high 7.0-8.9, medium 4.0-6.9.
_SECURITY_SEVERITY = {Level.CRITICAL: "9.5", Level.HIGH: "8.0", Level.MEDIUM: "5.5",
                      Level.LOW: "3.0"}
_PRECISION = {Level.HIGH: "high", Level.MEDIUM: "medium", Level.LOW: "low"}
_SUPPRESSION_KIND = {"inline": "inSource"}

_WHY = {
    Category.SENSITIVE: (
        "要配慮個人情報は、本人の同意なく取得・第三者提供できず、本人と結びつく形で漏えいした"
        "場合は1件でも個人情報保護委員会への報告と本人通知が必要です。",
        "Special care-required personal information needs consent to collect or share; a "
        "leak of it about a person must be reported to the PPC even for one person."),
    Category.MY_NUMBER: (
        "個人番号（特定個人情報）は番号法が定める事務以外で収集・保管できません。"
        "100人を超える漏えいは報告が必要です。",
        "My Numbers may be kept only for the purposes the My Number Act allows; a leak of "
        "more than 100 people's must be reported."),
    Category.IDENTIFIER: (
        "個人識別符号は、それだけで特定の個人を識別できる番号です。",
        "A personal identification code identifies a person on its own."),
    Category.PERSONAL: (
        "個人情報です。1,000人を超える漏えいは報告が必要です。",
        "Personal information; a leak of more than 1,000 people's must be reported."),
}
_FIX = ("不要なら削除し、必要ならアクセスを制限した場所へ移すか暗号化してください。"
        "誤検知の場合はルールの除外設定で抑止できます。",
        "Delete it if it is not needed; otherwise move it to an access-controlled place or "
        "encrypt it. A false positive can be suppressed (inline ignore, baseline, "
        "--disable-rule).")
_CARD = ("クレジットカード番号の漏えいは財産的被害のおそれがあり、1件でも報告対象です"
         "（個人情報保護法施行規則7条2号）。全桁を保存しないでください（PCI DSS）。",
         "A leaked card number can cause financial damage and must be reported even for "
         "one card (APPI rules, art. 7 no. 2). Do not store full card numbers (PCI DSS).")


def _rules(result: ScanResult, used: Iterable[Finding]) -> list[RuleInfo]:
    """Descriptors for the rules that produced findings: what the run recorded about them
    (ScanResult.rules), or what the findings themselves say (a report saved by an older
    piiscan)."""
    seen: dict[str, RuleInfo] = {}
    for f in used:
        if f.rule_id not in seen:
            seen[f.rule_id] = result.rules.get(f.rule_id) or RuleInfo(
                f.rule_id, f.rule_name, f.type, f.category, f.severity)
    return [seen[k] for k in sorted(seen)]


def _rule_descriptor(rule: RuleInfo, types: TypeRegistry) -> dict[str, Any]:
    why_ja, why_en = _WHY[rule.category]
    if types.info(rule.type).financial:
        why_ja, why_en = _CARD
    label = f"{rule.name} ({types.info(rule.type).en})"
    text = "\n\n".join(p for p in (
        f"{label} — {rule.category.label}",
        rule.description, why_ja, why_en, f"{_FIX[0]}\n{_FIX[1]}") if p)
    markdown = "\n\n".join(p for p in (
        f"**{label}** — {rule.category.label}",
        rule.description, f"{why_ja}  \n{why_en}", f"{_FIX[0]}  \n{_FIX[1]}") if p)
    return {
        "id": rule.id,
        "name": rule.type,
        "shortDescription": {"text": label},
        "fullDescription": {"text": rule.description or label},
        "help": {"text": text, "markdown": markdown},
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
        "properties": {
            "tags": ["privacy", "pii", "japan", rule.category.value, rule.type],
            "security-severity": _SECURITY_SEVERITY[rule.severity],
            "category": rule.category.value,
            "type": rule.type,
        },
    }


def artifact_uri(path: str) -> str:
    """A relative URI reference for a display path ('/'-separated, percent-encoded)."""
    return quote(path.lstrip("/"), safe="/")


def _inner_place(f: Finding) -> str:
    loc = f.location
    return "!".join((*loc.members, loc.sheet or "", loc.cell or "", str(loc.page or ""),
                     str(loc.slide or ""), loc.part or ""))


def context_fingerprint(f: Finding, occurrence: int) -> str:
    material = "\x00".join((f.rule_id, f.location.path, _inner_place(f), f.masked_snippet,
                            str(occurrence)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _result(fr: FileResult, f: Finding, rule_index: int, occurrence: int,
            types: TypeRegistry) -> dict[str, Any]:
    loc = f.location
    where = loc.render()
    git = revision_dict(fr.file)
    # A file version from a git history is located at its path in the repository (the
    # display path also names the commit); the commit is in the properties.
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(git["path"] if git else loc.path),
                             "uriBaseId": "%SRCROOT%"}}
    if loc.line is not None:
        region: dict[str, Any] = {"startLine": loc.line}
        if loc.column is not None:
            region["startColumn"] = loc.column
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    if loc.line is None or loc.members:
        location["logicalLocations"] = [{"fullyQualifiedName": where, "kind": "element"}]
    message = (f"{types.label(f.type)} {f.masked_value} ({f.confidence} confidence) "
               f"in {where}: {f.masked_snippet}")
    properties: dict[str, Any] = {
        "type": f.type,
        "category": f.category.value,
        "confidence": str(f.confidence),
        "precision": _PRECISION.get(f.confidence, "medium"),
        "maskedValue": f.masked_value,
        "reasons": [describe(r) for r in f.reasons],
        "fingerprint": f.fingerprint,
        "hidden": f.hidden,
        "fileRisk": {"score": fr.risk_score, "level": fr.risk_level,
                     "triggers": list(fr.triggers)},
    }
    if git is not None:
        properties["git"] = git
    if f.value is not None:
        properties["value"] = f.value
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": _LEVEL[f.severity],
        "message": {"text": message},
        "locations": [location],
        "partialFingerprints": {"piiscanFinding/v1": context_fingerprint(f, occurrence)},
        "properties": properties,
    }
    if f.suppressed_by:
        out["suppressions"] = [{"kind": _SUPPRESSION_KIND.get(f.suppressed_by, "external"),
                                "justification": f"suppressed by {f.suppressed_by}"}]
    return out


def _utc(stamp: str) -> str | None:
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _invocation(result: ScanResult) -> dict[str, Any]:
    """The run record where SARIF has a place for it (machine, account, times, working
    directory); the rest in the invocation's properties."""
    out: dict[str, Any] = {"executionSuccessful": result.complete}
    for key, stamp in (("startTimeUtc", result.started), ("endTimeUtc", result.finished)):
        utc = _utc(stamp) if stamp else None
        if utc:
            out[key] = utc
    rec = result.record
    if rec is not None:
        out["machine"] = rec.host
        out["account"] = rec.account
        out["workingDirectory"] = {"uri": "file://" + quote(rec.working_directory)}
        out["properties"] = {"record": record_dict(rec)}
    return out


def _files(result: ScanResult) -> list[FileResult]:
    return sorted(result.files, key=lambda fr: fr.file.display)


def _results(files: list[FileResult], index: dict[str, int], types: TypeRegistry
             ) -> Iterator[dict[str, Any]]:
    """One result per finding, in report order. Identical contexts are told apart by
    their number (occurrence); the path is part of the context, so it counts per file."""
    for fr in files:
        seen: Counter[str] = Counter()
        for f in sort_findings(fr.findings):
            base = context_fingerprint(f, 0)
            yield _result(fr, f, index[f.rule_id], seen[base], types)
            seen[base] += 1


def _document(result: ScanResult, rules: list[RuleInfo], results: list[Any]) -> dict[str, Any]:
    notifications = [
        {"level": "error" if s.kind == SkipKind.ERROR else "note",
         "message": {"text": f"not scanned: {s.path}: {s.reason}"},
         "locations": [{"physicalLocation": {
             "artifactLocation": {"uri": artifact_uri(s.path.split("!")[0]),
                                  "uriBaseId": "%SRCROOT%"}}}],
         "properties": {"path": s.path, "kind": s.kind.value}}
        for s in sorted(result.all_skips(), key=lambda s: s.path)]
    invocation = _invocation(result)
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "piiscan",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule_descriptor(r, result.types) for r in rules],
            }},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": {"summary": summary_dict(result), "started": result.started,
                           "finished": result.finished, "rulesDigest": result.rules_digest,
                           "retention": overdue_dict(result)},
        }],
    }


def _rules_of(result: ScanResult, files: list[FileResult]) -> tuple[list[RuleInfo],
                                                                  dict[str, int]]:
    rules = _rules(result, (f for fr in files for f in fr.findings))
    return rules, {r.id: i for i, r in enumerate(rules)}


def to_dict(result: ScanResult) -> dict[str, Any]:
    files = _files(result)
    rules, index = _rules_of(result, files)
    return _document(result, rules, list(_results(files, index, result.types)))


_MARK = "\x00piiscan-results\x00"  # stands for the results while the rest is laid out


def write(result: ScanResult, out: BinaryIO) -> None:
    """The log, written result by result: the same bytes as ``json.dumps`` of ``to_dict``
    with two-space indents, holding one result at a time."""
    if not any(fr.findings for fr in result.files):
        out.write(dumps(to_dict(result)) + b"\n")
        return
    files = _files(result)
    rules, index = _rules_of(result, files)
    head, tail = dumps(_document(result, rules, [_MARK])).split(dumps(_MARK), 1)
    out.write(head)
    indent = b"\n" + b" " * 8  # results sit three levels deep
    for number, item in enumerate(_results(files, index, result.types)):
        entry = dumps(item).replace(b"\n", indent)  # JSON strings hold no newline
        out.write((b"," + indent if number else b"") + entry)
    out.write(tail + b"\n")


def render(result: ScanResult) -> bytes:
    buffer = io.BytesIO()
    write(result, buffer)
    return buffer.getvalue()
