"""The small data types passed between pipeline stages.

    sources  -> FileRef
    extract  -> Segment (text + Location)       or Skip, Note, Inventory
    rules    -> Match   (raw value, in memory only), with its Reasons
    scan     -> Finding (masked)  -> FileResult
    run      -> ScanResult (files, skips, the rules and types used)
    report   <- ScanResult

Raw matched values live only in ``Match``; everything from ``Finding`` on carries masked
forms, plus the raw value only when the user asked for ``--show-values``.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from operator import attrgetter
from typing import TYPE_CHECKING, Any, TypeVar

# Category lives with the types (piiscan.pii_types); re-exported for the pipeline's use.
from piiscan.pii_types import Category as Category
from piiscan.pii_types import TypeRegistry as TypeRegistry
from piiscan.pii_types import builtin_registry

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform

    from piiscan.score import FileTally, RunTally
else:
    def dataclass_transform(**_: Any) -> Any:  # what mypy reads; nothing at run time
        return lambda decorator: decorator

_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def value_class(cls: type[_T]) -> type[_T]:
    """A small immutable value made by the hundred thousand (a place, a piece of text, a
    reason): frozen to mypy, which rejects any assignment to its fields, and hashed on them;
    but made without a frozen dataclass's ``object.__setattr__`` per field, which is most of
    its cost (a Location: 1.3 µs frozen, 0.4 µs so)."""
    return dataclass(slots=True, unsafe_hash=True)(cls)


class Level(enum.IntEnum):
    """An ordered scale shared by severity and confidence."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @classmethod
    def parse(cls, text: str) -> Level:
        return cls[text.upper()]

    def __str__(self) -> str:
        return self.name.lower()


class SkipKind(str, enum.Enum):
    """Why a file (or part of one) was not scanned.

    ``ERROR`` means the file should have been read and could not be (permission, corrupt,
    encrypted, vanished, limits, timeouts): the scan is incomplete. ``UNSUPPORTED`` means
    piiscan does not read this kind of content (images, audio, binaries, legacy formats).
    ``EXCLUDED`` means the user asked for it to be left out and is counted, not listed.
    ``PARTIAL`` means only part of the file was scanned because the user asked for it
    (``--max-bytes-per-file``): listed, so partial coverage is never silent, but not an error.
    """

    ERROR = "error"
    UNSUPPORTED = "unsupported"
    EXCLUDED = "excluded"
    PARTIAL = "partial"


@dataclass(frozen=True)
class Revision:
    """Where a file version in a git repository comes from: the commit that added it, when,
    and its path in the repository. ``author`` ("Name <e-mail>") is personal data itself and
    is filled only when the user asks for it (``piiscan git --show-authors``)."""

    commit: str  # full object id
    date: str  # committer date, ISO 8601 with offset
    path: str  # path in the repository, '/'-separated
    author: str | None = None


@dataclass(frozen=True)
class FileRef:
    """One file to scan: where to read it and the path people see in reports.

    A local file has ``origin`` None and is opened at ``path``. Anything else -- an object in
    a bucket, a file on an SMB share, a blob in a git repository -- names its origin as a URL
    (``s3://bucket/key``, ``smb://host/share/path``, ``git:...``) and is opened by the opener
    registered for its scheme (piiscan.sources.open_ref), in whatever process scans it.
    """

    path: str  # filesystem path used to open the file (a local file), else the origin
    display: str  # path relative to the scan root, '/'-separated
    size: int
    mtime: float
    inode: int = 0
    mode: int = 0
    uid: int = -1
    gid: int = -1
    origin: str | None = None  # URL to read from when the file is not local
    version: str | None = None  # what identifies this content at its origin (ETag, blob id)
    revision: Revision | None = None  # a file version from a git history: commit, date, path

    @property
    def name(self) -> str:
        """The file's own name: what its kind is sniffed from and what is scanned as its
        name (``commit:dir/名簿.csv`` is ``名簿.csv``)."""
        return (self.revision.path if self.revision else self.display).rsplit("/", 1)[-1]


@value_class
class Location:
    """Where a piece of text came from, precise enough for a person to open it.

    Extractors fill the container fields; the rule engine adds line and column.
    """

    path: str
    members: tuple[str, ...] = ()  # archive members / mail attachments, outermost first
    page: int | None = None
    sheet: str | None = None
    cell: str | None = None  # 'B12' in a sheet; 'R3C2' in a DOCX table
    slide: int | None = None
    paragraph: int | None = None
    part: str | None = None  # 'comment', 'header', 'footnote', 'metadata', 'filename', '$.a.b'
    row: int | None = None  # CSV/TSV data row (1-based, header is row 1)
    line: int | None = None
    column: int | None = None

    def __reduce__(self) -> tuple[type[Location], tuple[object, ...]]:
        # Pickled as its constructor's arguments, as Finding is (see there).
        return (Location, location_fields(self))

    def at_line(self, line: int, column: int) -> Location:
        """This place at a line and column of its text: ``replace`` with two fields, at
        half its cost (every finding in a text is placed so). They are the last two."""
        kept = location_fields(self)[:-2]  # every other field, by position
        return Location(*kept, line, column)  # type: ignore[call-arg]

    def render(self) -> str:
        """``customers.zip!2024/list.csv:12:5``, ``名簿.xlsx!顧客!B12``, ``a.pdf#page=3``."""
        text = "!".join((self.path, *self.members))
        if self.sheet is not None:
            text += f"!{self.sheet}"
            if self.cell:
                text += f"!{self.cell}"
        elif self.cell:
            text += f"!{self.cell}"
        if self.page is not None:
            text += f"#page={self.page}"
        if self.slide is not None:
            text += f"#slide={self.slide}"
        if self.paragraph is not None:
            text += f"#para={self.paragraph}"
        if self.part:
            text += f"[{self.part}]"
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        elif self.row is not None:  # a CSV cell, shown the way a spreadsheet shows it
            text += f"!{column_letters(self.column)}{self.row}" if self.column else \
                f":row {self.row}"
        return text


def column_letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    out = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


# Joins the records of nested objects: an object in a list inside another object is
# "object 0 › object 57", and a fact in it is about the person of the object around it.
RECORD_NESTING = " › "


@value_class
class Segment:
    """A piece of extracted text with its location.

    ``header`` is the column header (or JSON key) the text sits under: the strongest context
    there is. ``line_based`` segments get line:column positions. For large text read in
    chunks, ``scan_start``/``scan_end`` bound the offsets whose matches belong to this chunk
    (the rest is overlap shared with neighbours), and ``first_line`` is the line number of
    the segment's first character.
    """

    text: str
    location: Location
    header: str | None = None
    line_based: bool = False
    first_line: int = 1
    scan_start: int = 0
    scan_end: int | None = None
    hidden: bool = False  # hidden sheet/row/column: reported, since hiding is not protection
    record: str | None = None  # id of the row/record this text belongs to, for 'same record'


@dataclass(frozen=True)
class Skip:
    """A file, or part of one, that was not scanned, and why."""

    path: str  # display path, members joined with '!'
    reason: str
    kind: SkipKind = SkipKind.ERROR


@dataclass(frozen=True)
class Note:
    """Something a person should know about a file that is not a finding or a skip."""

    text: str


@dataclass(frozen=True)
class Inventory:
    """Something a file holds that is personal data by nature but not text: an audio
    recording (a voice identifies a person). Listed in the file's inventory."""

    kind: str  # 'audio'


@value_class
class Reason:
    """One piece of evidence for (or against) a finding, as data: ``code`` says what kind
    of evidence it is, ``detail`` what exactly (a keyword, a column, a validator's name).
    Modules read codes, never the words; ``piiscan.explain.describe`` turns a reason into
    words for people."""

    code: str
    detail: str = ""


@dataclass(slots=True)  # one per match: cheap to make (treated as immutable)
class Match:
    """A rule hit inside one segment. Holds the raw value: never leaves the scan stage."""

    rule_id: str
    start: int  # offsets into the segment text
    end: int
    value: str
    confidence: Level
    reasons: tuple[Reason, ...]


@dataclass(slots=True)  # hundreds of thousands per run: cheap to make and to keep
class Finding:
    """A masked, located, explained hit, safe to put in a report. Treated as immutable:
    stages make changed copies (``dataclasses.replace``), never change one in place."""

    type: str  # public vocabulary: MY_NUMBER, PHONE, ...
    rule_id: str
    rule_name: str
    category: Category
    severity: Level
    confidence: Level
    reasons: tuple[Reason, ...]
    location: Location
    masked_value: str
    masked_snippet: str
    fingerprint: str  # keyed hash of type + normalised value; never the value itself
    value: str | None = None  # raw value, only with --show-values
    hidden: bool = False
    record: str | None = None
    suppressed_by: str | None = None  # 'inline', 'baseline', 'allowlist' when suppressed
    # 要配慮 findings only: is the fact about an identifiable person? Decided once, by the
    # linking stage (piiscan.link); None for every other type.
    linked: bool | None = None
    # The baseline's slow fingerprint (mask.BaselineHasher), only for files with baseline
    # entries or when a baseline is being built; never in a report.
    baseline_fingerprint: str | None = None
    # Exact data match (--edm): the customer master row this value belongs to, as the
    # master's id column names it (set by piiscan.edm.match only).
    edm_row: str | None = None

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        """Pickled as its constructor's arguments: findings cross process boundaries by the
        hundred thousand (run.pool, run.cluster), and a slotted dataclass's generic state
        takes twice the time and a third more bytes."""
        return (Finding, finding_fields(self))


# Every field of a Location / a Finding as a tuple, in constructor order (pickling, run.spill).
location_fields = attrgetter(*(f.name for f in fields(Location)))
finding_fields = attrgetter(*(f.name for f in fields(Finding)))


@dataclass(frozen=True)
class ActiveCounts:
    """A file's findings that count (not suppressed): how many of each type, in the order
    the file first holds them, and the highest severity among them."""

    by_type: dict[str, int]
    worst: Level | None

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


@dataclass
class FileResult:
    """Everything piiscan learned about one file."""

    file: FileRef
    encoding: str | None = None  # how text was decoded ('cp932', 'utf-8', ...), if it was
    kind: str | None = None  # extractor name: 'text', 'csv', 'pdf', ...
    findings: Sequence[Finding] = field(default_factory=list)  # run.spill: maybe on disk
    skips: list[Skip] = field(default_factory=list)  # the file itself or parts of it
    notes: list[str] = field(default_factory=list)  # e.g. 'page 3: image only, not scanned'
    risk_score: int = 0
    risk_level: str = "none"
    risk_reasons: list[str] = field(default_factory=list)
    triggers: list[str] = field(default_factory=list)  # breach-report triggers
    people_estimate: int = 0
    below_threshold: int = 0  # findings under --min-confidence: counted, not listed
    suppressed: int = 0  # findings hidden by inline ignores, baseline or allowlists
    inventory: list[str] = field(default_factory=list)  # Inventory kinds, e.g. 'audio'
    elapsed: float = 0.0
    owner: str | None = None  # user name (or uid) owning the file, when known
    group: str | None = None  # group name (or gid) of the file, when known
    flags: list[str] = field(default_factory=list)  # exposure and retention (score.FLAGS)
    # Set by a worker that also finished the file (run.finish): its share of the run's
    # figures, which the run adds to its own and then clears
    tally: FileTally | None = field(default=None, repr=False, compare=False)
    # What the reports and their advice ask of every file, kept by the run from that share
    # so they need not read spilled findings back (score.active_counts)
    active: ActiveCounts | None = field(default=None, repr=False, compare=False)
    # Set by a worker when the run has a state cache: the result as scanned, before it was
    # finished, in the cache's form (state.codec.encode_result); let go once stored
    cache_entry: str | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class RuleInfo:
    """What a report says about a rule: enough to describe it without the rule files."""

    id: str
    name: str
    type: str
    category: Category
    severity: Level
    description: str = ""


@dataclass(frozen=True)
class RunRecord:
    """Who ran a scan, where, over what and with which rules: the run record an auditor asks
    for (Pマーク, ISMS). Built once per run (piiscan.record.build_run_record) and shown by
    every report format; the start and end times are the ScanResult's."""

    host: str
    account: str
    working_directory: str
    roots: tuple[str, ...]  # absolute
    excludes: tuple[str, ...]  # --exclude and config patterns
    ignore_files: tuple[str, ...]  # .piiscanignore files that applied
    follow_symlinks: bool
    limits: tuple[tuple[str, float], ...]  # config.Limits, by name
    min_confidence: str
    retention_days: int | None
    rules_digest: str
    rule_count: int
    rule_sources: tuple[str, ...]  # --rules folders and files (built-in rules always apply)
    disabled_rules: tuple[str, ...]
    piiscan_version: str
    python_version: str
    platform: str


@dataclass
class ScanResult:
    """One run: the files, their results, how the run went, and the rules and types it used
    (reporters describe findings from these, never from the rule files)."""

    roots: list[str]
    started: str  # ISO 8601
    finished: str = ""
    files: list[FileResult] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)  # files that never reached an extractor
    excluded: int = 0
    complete: bool = True  # False when interrupted
    rules_digest: str = ""
    settings: dict[str, object] = field(default_factory=dict)
    low_confidence_hidden: int = 0
    suppressed: dict[str, int] = field(default_factory=dict)
    rules: dict[str, RuleInfo] = field(default_factory=dict)
    types: TypeRegistry = field(default_factory=builtin_registry)
    record: RunRecord | None = None  # None only in a report saved by an older piiscan
    # Whole-run counts gathered as the files finished (score.RunTally); None: not gathered,
    # score.tally makes them from the files when asked
    tally: RunTally | None = field(default=None, repr=False, compare=False)

    def all_skips(self) -> list[Skip]:
        out = list(self.skips)
        for fr in self.files:
            out.extend(fr.skips)
        return out

    def unreadable(self) -> list[Skip]:
        """Files and parts that should have been read and could not be (exit code 3)."""
        return [s for s in self.all_skips() if s.kind == SkipKind.ERROR]

