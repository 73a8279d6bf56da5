"""A file's risk: a 0-100 score, a level, the reasons in words, and Japan's breach-report
triggers (docs/risk.md is the reference; keep the two in step).

    findings ─┬─ categories × confidence ──> base points
              ├─ distinct types            ──> breadth points
              ├─ people / records          ──> volume points
              ├─ sensitive facts tied to a person, cards, > 1,000 people, My Number
              │                            ──> triggers (a leak must be reported)
              └─ permissions, owner, age   ──> exposure points and review flags

A level of ``critical`` means exactly this: a leak of this file alone would be a mandatory
breach report (漏えい等報告) to the Personal Information Protection Commission.

Everything here is a pure function of the findings, the file's metadata, the settings and
the clock (``now``), so a re-render of a saved report never needs to re-score.
"""

from __future__ import annotations

import math
import stat
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from piiscan.config import Settings
from piiscan.models import (
    ActiveCounts,
    Category,
    FileResult,
    Finding,
    Level,
    ScanResult,
    TypeRegistry,
)
from piiscan.pii_types import CATEGORY_VALUES

LEVELS = ("none", "low", "medium", "high", "critical")

# Base points of the most serious kind of data in a file, before the confidence factor.
SENSITIVE_LINKED_POINTS = 60
SENSITIVE_UNLINKED_POINTS = 12
_CATEGORY_POINTS = {
    Category.SENSITIVE: SENSITIVE_LINKED_POINTS,
    Category.MY_NUMBER: 55,
    Category.IDENTIFIER: 35,
    Category.PERSONAL: 15,
}
CONFIDENCE_FACTOR = {Level.LOW: 0.35, Level.MEDIUM: 0.7, Level.HIGH: 1.0}
BREADTH_PER_TYPE, BREADTH_MAX = 4, 16
VOLUME_PER_DECADE, VOLUME_MAX = 12, 36
HIDDEN_POINTS = 5
EXPOSURE_POINTS = {"world_writable": 10, "world_readable": 5, "group_writable": 5}
RETENTION_POINTS = 5
MY_NUMBER_FLOOR = 50  # any My Number: at least 'high'
CRITICAL_FLOOR, CRITICAL_BONUS = 75, 25  # a mandatory trigger: 'critical'
NON_TRIGGER_CAP = 74  # without a trigger a file never reaches 'critical'

TRIGGER_CONFIDENCE = Level.MEDIUM  # low-confidence findings never raise a trigger
MANY_PEOPLE = 1000  # 施行規則7条4号: more than 1,000 people
MY_NUMBER_PEOPLE = 100  # 特定個人情報漏えい等規則2条: more than 100 people


@dataclass(frozen=True)
class Trigger:
    id: str
    ja: str
    en: str
    basis: str  # the provision
    mandatory: bool  # False: a candidate to check, not a trigger by itself
    short: str  # a few characters for table cells

    @property
    def label(self) -> str:
        return f"{self.ja} ({self.en})"


TRIGGERS: dict[str, Trigger] = {t.id: t for t in (
    Trigger("sensitive", "要配慮個人情報（本人と結びつくもの）",
            "special care-required information about a person", "個人情報保護法施行規則7条1号",
            True, "要配慮個人情報"),
    Trigger("financial", "財産的被害のおそれ（クレジットカード番号）",
            "data whose leak can cause financial damage (card numbers)",
            "個人情報保護法施行規則7条2号", True, "カード番号"),
    Trigger("over_1000", "本人の数が1,000人超", "more than 1,000 people",
            "個人情報保護法施行規則7条4号", True, "1,000人超"),
    Trigger("my_number_over_100", "特定個人情報の本人が100人超",
            "My Number data of more than 100 people",
            "番号法29条の4・特定個人情報の漏えい等に関する報告等に関する規則2条", True,
            "個人番号100人超"),
    Trigger("my_number", "特定個人情報（要確認）", "My Number data (check: reportable if "
            "leaked by an attack or over 100 people)", "番号法29条の4", False,
            "個人番号（要確認）"),
)}
TRIGGER_ORDER = tuple(TRIGGERS)

# Review flags: exposure (permissions) and age (retention).
FLAGS: dict[str, tuple[str, str]] = {
    "world_readable": ("全ユーザーが読める", "world-readable"),
    "group_writable": ("グループが書き込める", "group-writable"),
    "world_writable": ("全ユーザーが書き込める", "world-writable"),
    "retention_overdue": ("保存期間超過（見直し・削除）", "past retention: review or delete"),
}


_FLAG_WHY = {
    "world_readable": "every account on this machine can read it",
    "world_writable": "every account on this machine can change or replace it",
    "group_writable": "members of its group can change or replace it",
}


def flag_label(flag: str) -> str:
    ja, en = FLAGS.get(flag, (flag, flag))
    return f"{ja} ({en})"


def trigger_label(trigger_id: str) -> str:
    trigger = TRIGGERS.get(trigger_id)
    return trigger.label if trigger else trigger_id


def level_for(score: int) -> str:
    if score <= 0:
        return "none"
    if score < 25:
        return "low"
    if score < 50:
        return "medium"
    if score < CRITICAL_FLOOR:
        return "high"
    return "critical"


def active(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.suppressed_by is None]


def estimate_people(findings: list[Finding], types: TypeRegistry) -> int:
    """Distinct records (rows) holding identifying data, or else the largest number of
    distinct identifying values of one type — never raw match counts. Values that an exact
    data match (--edm) tied to a customer master row count as that row's person, exactly:
    known customers are counted by distinct rows, the rest estimated as above."""
    identifying = types.where(identifying=True)
    current = active(findings)
    known = {f.edm_row for f in current if f.edm_row is not None}
    if known:
        rows_of_known = {f.record for f in current if f.edm_row is not None and f.record}
        rest = [f for f in current if f.edm_row is None
                and (f.record is None or f.record not in rows_of_known)]
        return len(known) + _estimate(rest, identifying)
    return _estimate(current, identifying)


def _estimate(findings: list[Finding], identifying: frozenset[str]) -> int:
    ident = [f for f in findings if f.type in identifying]
    records = {f.record for f in ident if f.record is not None}
    per_type: dict[str, set[str]] = defaultdict(set)
    for f in ident:
        per_type[f.type].add(f.fingerprint)
    by_value = max((len(v) for v in per_type.values()), default=0)
    return max(len(records), by_value)


def my_number_people(findings: list[Finding]) -> int:
    """People whose My Number the file holds: distinct numbers, or rows holding one."""
    mine = [f for f in active(findings) if f.category == Category.MY_NUMBER]
    records = {f.record for f in mine if f.record is not None}
    return max(len(records), len({f.fingerprint for f in mine}))


@dataclass
class _Assessment:
    points: float = 0.0
    reasons: list[str] = field(default_factory=list)
    triggers: set[str] = field(default_factory=set)


def score_file(result: FileResult, settings: Settings, types: TypeRegistry,
               now: float | None = None) -> None:
    """Fill in the file's risk score, level, reasons, triggers, people estimate, owner, group
    and review flags (docs/risk.md). Whether a 要配慮 fact is about a person was decided by the
    linking stage (``Finding.linked``)."""
    findings = active(result.findings)
    result.people_estimate = estimate_people(findings, types)
    if result.file.uid >= 0:  # else keep what a saved report says
        result.owner = _owner(result.file.uid)
    if result.file.gid >= 0:
        result.group = _group(result.file.gid)
    if not findings:
        result.risk_score, result.risk_level = 0, "none"
        result.risk_reasons, result.triggers, result.flags = [], [], []
        return
    result.flags = exposure_flags(result.file.mode)
    a = _Assessment()
    linked = {id(f) for f in findings if f.category == Category.SENSITIVE and f.linked}
    _content(findings, linked, types, a)
    _volume(findings, result.people_estimate, a)
    _triggers(findings, linked, types, a)
    for flag in result.flags:
        a.points += EXPOSURE_POINTS.get(flag, 0)
        a.reasons.append(f"{flag_label(flag)}: {_FLAG_WHY[flag]}")
    _retention(result, settings, time.time() if now is None else now, a)
    if any(f.hidden for f in findings):
        a.points += HIDDEN_POINTS
        a.reasons.append("some data sits in hidden sheets, rows or columns (hiding is not "
                         "protection)")
    mandatory = [t for t in TRIGGER_ORDER if t in a.triggers and TRIGGERS[t].mandatory]
    if mandatory:
        score = min(100, max(CRITICAL_FLOOR, round(a.points) + CRITICAL_BONUS))
        a.reasons.append("critical: a leak of this file alone must be reported to the PPC "
                         "(漏えい等報告)")
    else:
        score = min(NON_TRIGGER_CAP, round(a.points))
        if "my_number" in a.triggers:
            score = max(score, MY_NUMBER_FLOOR)
    result.risk_score = max(score, 1)
    result.risk_level = level_for(result.risk_score)
    result.risk_reasons = a.reasons
    result.triggers = [t for t in TRIGGER_ORDER if t in a.triggers]


def _content(findings: list[Finding], linked_ids: set[int], types: TypeRegistry,
             a: _Assessment) -> None:
    by_type: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_type[f.type].append(f)
    rank = list(Category).index
    order = sorted(by_type, key=lambda t: (-max(rank(f.category) for f in by_type[t]), t))
    base = 0.0
    for ftype in order:
        group = by_type[ftype]
        best = max(group, key=lambda f: f.confidence)
        declared = types.info(ftype).points
        points = float(declared if declared is not None else _CATEGORY_POINTS[best.category])
        distinct = len({f.fingerprint for f in group})
        note = ""
        if best.category == Category.SENSITIVE:
            linked = [f for f in group if id(f) in linked_ids]
            if linked:
                best = max(linked, key=lambda f: f.confidence)
                note = f", {len(linked)} tied to a person"
            else:
                points = SENSITIVE_UNLINKED_POINTS
                note = ", not tied to any person (no name, number or contact data nearby)"
        base = max(base, points * CONFIDENCE_FACTOR[best.confidence])
        a.reasons.append(f"{types.label(ftype)}: {distinct} distinct value(s), "
                         f"{best.category.value}, best confidence {best.confidence}{note}")
    a.points += base
    counted = [t for t in by_type if types.info(t).breadth]
    if len(counted) > 1:
        breadth = min(BREADTH_MAX, BREADTH_PER_TYPE * (len(counted) - 1))
        a.points += breadth
        a.reasons.append(f"{len(counted)} kinds of personal data together (easier to "
                         "identify and misuse)")


def _volume(findings: list[Finding], people: int, a: _Assessment) -> None:
    known = len({f.edm_row for f in findings if f.edm_row is not None})
    records = {f.record for f in findings if f.record is not None}
    how = "rows or records" if records else "distinct names or identifiers"
    if people > 1:
        a.points += min(VOLUME_MAX, VOLUME_PER_DECADE * math.log10(people))
    if known:
        more = people - known
        a.reasons.append(f"{known:,} customer(s) of the customer master (exact data match)"
                         + (f" and about {more:,} other people ({how})" if more > 0 else ""))
    elif people > 1:
        a.reasons.append(f"about {people:,} people ({how})")


def _triggers(findings: list[Finding], linked_ids: set[int], types: TypeRegistry,
              a: _Assessment) -> None:
    sure = [f for f in findings if f.confidence >= TRIGGER_CONFIDENCE]
    sensitive = [f for f in sure if id(f) in linked_ids]
    if sensitive:
        a.triggers.add("sensitive")
    financial = types.where(financial=True)
    cards = {f.fingerprint for f in sure if f.type in financial}
    if cards:
        a.triggers.add("financial")
        kinds = ", ".join(sorted({types.label(f.type) for f in sure if f.type in financial}))
        a.reasons.append(f"{len(cards)} distinct {kinds} value(s): a leak can cause "
                         "financial damage")
    people = estimate_people(sure, types)
    if people > MANY_PEOPLE:
        a.triggers.add("over_1000")
    mine = my_number_people(sure)
    if mine:
        a.triggers.add("my_number")
        a.reasons.append(f"特定個人情報 (My Number) of {mine:,} people: its handling is "
                         "restricted by the My Number Act")
    if mine > MY_NUMBER_PEOPLE:
        a.triggers.add("my_number_over_100")


def exposure_flags(mode: int) -> list[str]:
    """Permission bits that widen who can read or change a file (0 = unknown)."""
    if not mode:
        return []
    flags = []
    if mode & stat.S_IROTH:
        flags.append("world_readable")
    if mode & stat.S_IWOTH:
        flags.append("world_writable")
    if mode & stat.S_IWGRP:
        flags.append("group_writable")
    return flags


@lru_cache(maxsize=256)
def _owner(uid: int) -> str | None:
    if uid < 0:
        return None
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name
    except (ImportError, KeyError):
        return str(uid)


@lru_cache(maxsize=256)
def _group(gid: int) -> str | None:
    try:
        import grp

        return grp.getgrgid(gid).gr_name
    except (ImportError, KeyError):
        return str(gid)


def _retention(result: FileResult, settings: Settings, now: float, a: _Assessment) -> None:
    days = settings.retention_days
    if days is None or not result.file.mtime:
        return
    age = int((now - result.file.mtime) // 86400)
    if age > days:
        result.flags.append("retention_overdue")
        a.points += RETENTION_POINTS
        a.reasons.append(f"last changed {age:,} days ago, past the {days:,}-day retention "
                         "period: review or delete")


@dataclass
class PeopleCount:
    """How many people a set of files is about. Every people figure in every report comes
    from ``count_people``: for the scan, and for each folder."""

    estimate: int = 0  # max of per-file estimates and distinct values of one type across files
    upper_bound: int = 0  # sum of per-file estimates (same person in two files: 2)
    my_number: int = 0  # distinct My Numbers across files, or more rows holding one in a file


class PeopleCounter:
    """``count_people`` one file at a time: a run feeds it as its files finish."""

    def __init__(self, types: TypeRegistry) -> None:
        self.identifying = types.where(identifying=True)
        self.out = PeopleCount()
        self.per_type: dict[str, set[str]] = defaultdict(set)
        self.my_numbers: set[str] = set()
        self.master_rows: set[str] = set()  # customer master rows (--edm): each one person

    def add(self, fr: FileResult) -> None:
        self.merge(FilePeople.of(fr, self.identifying))

    def merge(self, part: FilePeople) -> None:
        out = self.out
        out.estimate = max(out.estimate, part.estimate)
        out.upper_bound += part.estimate
        out.my_number = max(out.my_number, part.my_number)
        self.master_rows |= part.master_rows
        for type_id, fingerprints in part.per_type.items():
            self.per_type[type_id] |= fingerprints
        self.my_numbers |= part.my_numbers

    def count(self) -> PeopleCount:
        distinct = max(max((len(v) for v in self.per_type.values()), default=0),
                       len(self.master_rows))
        return PeopleCount(estimate=max(self.out.estimate, distinct),
                           upper_bound=self.out.upper_bound,
                           my_number=max(self.out.my_number, len(self.my_numbers)))


@dataclass
class FilePeople:
    """One file's share of ``count_people``: what it adds to the run's people figures."""

    estimate: int = 0  # the file's own estimate (FileResult.people_estimate)
    my_number: int = 0  # people with a My Number in this file
    master_rows: set[str] = field(default_factory=set)
    per_type: dict[str, set[str]] = field(default_factory=dict)  # identifying fingerprints
    my_numbers: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, fr: FileResult, identifying: frozenset[str]) -> FilePeople:
        current = active(fr.findings)
        sure = [f for f in current if f.confidence >= TRIGGER_CONFIDENCE]
        part = cls(fr.people_estimate, my_number_people(sure),
                   {f.edm_row for f in current if f.edm_row is not None})
        for f in sure:
            if f.type in identifying:
                part.per_type.setdefault(f.type, set()).add(f.fingerprint)
            if f.category == Category.MY_NUMBER:
                part.my_numbers.add(f.fingerprint)
        return part


def count_people(files: Iterable[FileResult], types: TypeRegistry) -> PeopleCount:
    counter = PeopleCounter(types)
    for fr in files:
        counter.add(fr)
    return counter.count()


class RunTally:
    """What the whole run's figures need from its findings, gathered in one pass: as a run's
    files finish (``piiscan.run``, before their findings may be written out of memory by
    ``piiscan.run.spill``), or at once from a finished result (``tally``). Reports and the
    exit code read these instead of going through every finding again. Each file adds its
    ``FileTally``, made where the file was finished (a worker process, under ``--jobs``)."""

    def __init__(self, types: TypeRegistry) -> None:
        self.by_type: Counter[str] = Counter()  # findings not suppressed, by type
        self.by_category: Counter[str] = Counter()  # ... and by category value
        self.rule_ids: set[str] = set()  # of every finding, suppressed ones too
        self.types: set[str] = set()
        self.worst: Level | None = None  # the highest severity not suppressed
        self.shows_values = False  # some finding carries its raw value (--show-values)
        self.people = PeopleCounter(types)

    def add(self, fr: FileResult) -> None:
        self.merge(FileTally.of(fr, self.people.identifying))

    def take(self, fr: FileResult, share: FileTally | None = None) -> FileTally:
        """Count a file as it joins the run (``share``: its tally, made where it was
        finished), and keep its counts on it (``FileResult.active``): once its findings are
        written out of memory, the reports need not read them back for those."""
        share = share or FileTally.of(fr, self.people.identifying)
        fr.tally = None
        fr.active = share.active()
        self.merge(share)
        return share

    def merge(self, part: FileTally) -> None:
        self.by_type.update(part.by_type)
        self.by_category.update(part.by_category)
        self.rule_ids |= part.rule_ids
        self.types |= part.types
        if part.worst is not None and (self.worst is None or part.worst > self.worst):
            self.worst = part.worst
        self.shows_values = self.shows_values or part.shows_values
        self.people.merge(part.people)


@dataclass
class FileTally:
    """One file's share of a ``RunTally``: made once, from its findings, where the file is
    finished, so that the process holding the run only adds counts."""

    by_type: Counter[str] = field(default_factory=Counter)  # findings not suppressed
    by_category: Counter[str] = field(default_factory=Counter)
    suppressed: Counter[str] = field(default_factory=Counter)  # by what suppressed them
    rule_ids: set[str] = field(default_factory=set)
    types: set[str] = field(default_factory=set)
    worst: Level | None = None
    shows_values: bool = False
    people: FilePeople = field(default_factory=FilePeople)

    @classmethod
    def of(cls, fr: FileResult, identifying: frozenset[str]) -> FileTally:
        part = cls(people=FilePeople.of(fr, identifying))
        worst = None
        for f in fr.findings:
            part.rule_ids.add(f.rule_id)
            part.types.add(f.type)
            if f.value is not None:
                part.shows_values = True
            if f.suppressed_by is None:
                part.by_type[f.type] += 1
                part.by_category[CATEGORY_VALUES[f.category]] += 1
                if worst is None or f.severity > worst:
                    worst = f.severity
            else:
                part.suppressed[f.suppressed_by] += 1
        part.worst = worst
        return part

    def active(self) -> ActiveCounts:
        """What the reports read of it: the counts by type and the worst severity."""
        return ActiveCounts(dict(self.by_type), self.worst)


def active_counts(fr: FileResult) -> ActiveCounts:
    """What a file's findings that count add up to: kept by the run as it went (one tally
    per file), else counted now, once (a saved report read back)."""
    if fr.active is None:
        fr.active = FileTally.of(fr, frozenset()).active()
    return fr.active


def tally(result: ScanResult) -> RunTally:
    """The run's tally: the one gathered as it ran, else made now from its files."""
    if result.tally is not None:
        return result.tally
    made = RunTally(result.types)
    for fr in result.files:
        made.add(fr)
    return made


def reportable(fr: FileResult) -> bool:
    """Would a leak of this file alone be a mandatory breach report?"""
    return any(TRIGGERS[t].mandatory for t in fr.triggers if t in TRIGGERS)


@dataclass
class ScanAssessment:
    """Triggers and people for the whole scan (a share leaks as a whole). Reports take
    their numbers from here, each labelled with what it counts."""

    people_estimate: int = 0  # PeopleCount.estimate over every file
    people_upper_bound: int = 0
    my_number_people: int = 0
    triggers: list[str] = field(default_factory=list)  # reportable first, then to check
    trigger_files: dict[str, int] = field(default_factory=dict)  # files raising each trigger
    reportable_files: int = 0  # files a leak of which alone must be reported
    flag_files: dict[str, int] = field(default_factory=dict)

    @property
    def reportable(self) -> list[str]:
        """Triggers that make the scan's data a mandatory breach report if it leaks."""
        return [t for t in self.triggers if TRIGGERS[t].mandatory]

    @property
    def to_check(self) -> list[str]:
        """Candidates: reportable only in some circumstances (e.g. a leak by an attack)."""
        return [t for t in self.triggers if not TRIGGERS[t].mandatory]


def assess_scan(result: ScanResult) -> ScanAssessment:
    out = ScanAssessment()
    people = tally(result).people.count()
    out.people_estimate, out.people_upper_bound = people.estimate, people.upper_bound
    out.my_number_people = people.my_number
    for fr in result.files:
        for t in fr.triggers:
            out.trigger_files[t] = out.trigger_files.get(t, 0) + 1
        for flag in fr.flags:
            out.flag_files[flag] = out.flag_files.get(flag, 0) + 1
        out.reportable_files += reportable(fr)
    triggers = set(out.trigger_files)
    if out.people_estimate > MANY_PEOPLE:
        triggers.add("over_1000")
    if out.my_number_people > MY_NUMBER_PEOPLE:
        triggers.add("my_number_over_100")
    out.triggers = [t for t in TRIGGER_ORDER if t in triggers]
    out.trigger_files = {t: out.trigger_files[t] for t in TRIGGER_ORDER
                         if t in out.trigger_files}
    out.flag_files = {f: out.flag_files[f] for f in FLAGS if f in out.flag_files}
    return out


@dataclass
class FolderStats:
    folder: str
    files: int  # files scanned in the folder
    flagged: list[FileResult]  # those with personal data, riskiest first
    findings: int
    people: PeopleCount  # as for the whole scan: never more than the scan's estimate


def folder_of(path: str) -> str:
    head, sep, _ = path.rpartition("/")
    return head if sep else "."


def folder_stats(result: ScanResult) -> list[FolderStats]:
    """Folders holding personal data, riskiest first; counted like the whole scan."""
    groups: dict[str, list[FileResult]] = defaultdict(list)
    for fr in result.files:
        groups[folder_of(fr.file.display)].append(fr)
    stats = []
    for folder, frs in groups.items():
        flagged = sorted((fr for fr in frs if fr.risk_level != "none"),
                         key=lambda fr: -fr.risk_score)
        if flagged:
            findings = sum(active_counts(fr).total for fr in flagged)
            stats.append(FolderStats(folder, len(frs), flagged, findings, count_people(flagged, result.types)))
    stats.sort(key=lambda st: (-st.flagged[0].risk_score, -st.findings, st.folder))
    return stats


def file_mode_text(mode: int) -> str | None:
    """``0644``-style permission bits, or None when unknown."""
    return f"{stat.S_IMODE(mode):04o}" if mode else None

