"""Git repositories as the files of a run: a history's new blobs, or the index.

``GitHistory`` is what ``piiscan git`` reads: every blob a commit in the selection added or
changed, each once (by object id, whatever its path or how many commits carry it), reported
as ``<commit>:<path>`` at the first commit that added it. For text formats only what is new
counts: a finding whose value (keyed fingerprint, per type) was already in the version the
commit replaced is dropped with a note -- moved, re-indented or re-encoded lines are not new
findings, and data already there before the range is not reported again. Other formats
(Office, PDF, archives) have no lines to compare: each new version is reported whole.

To compare, the replaced version must have been scanned: within the selection it was (its
findings are remembered, ``FingerprintMemo``); one from before the selection is scanned too,
just before the change, and left out of the report. ``StagedFiles`` is the index for
``piiscan scan --staged``: the staged version of each staged file, reported under its path.

Nothing here reads a blob: FileRefs name their origin (``git:<git-dir>#<oid>``) and the
scan opens them where it runs (piiscan.sources.git.open_blob).
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from itertools import islice
from types import TracebackType

from piiscan.config import Settings
from piiscan.errors import UsageError
from piiscan.models import FileRef, FileResult, Finding, Revision, Skip, SkipKind
from piiscan.sources.git import (
    BLOB_MODES,
    GITLINK_MODE,
    SYMLINK_MODE,
    Change,
    ObjectSizes,
    Repository,
    Selection,
    blob_origin,
    changes,
    close_readers,
    staged,
)
from piiscan.sources.ignore import IgnoreRules
from piiscan.sources.walk import display_path

SHORT = 12  # hex digits of a commit id in display paths
CHUNK = 256  # changes listed ahead, so their sizes are asked for together
# Kinds whose findings are compared with the replaced version (their extractors read text).
TEXT_KINDS = frozenset({"text", "csv", "json", "html", "eml", "mbox"})
# Extensions of formats compared as a whole: their replaced version is not scanned ahead.
WHOLE_EXTENSIONS = frozenset({
    "xlsx", "xlsm", "docx", "docm", "pptx", "pptm", "pdf", "zip", "gz", "tgz", "tar", "msg",
    "doc", "xls", "ppt", "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "heic",
    "mp3", "wav", "m4a", "mp4", "mov", "7z", "rar", "exe", "dll", "so", "jar", "whl"})
SYMLINK_SKIP = "symbolic link — its target is not followed"
MISSING = "object missing from the repository (a partial or damaged clone) — not scanned"
Scan = Callable[[FileRef], FileResult]


def finding_key(f: Finding) -> int:
    return hash((f.type, f.fingerprint))


class FingerprintMemo:
    """What recently scanned blobs hold, as hashes of (type, keyed fingerprint): enough to
    tell whether a finding was already in the version a commit replaced.

    Bounded: about ``BUDGET`` fingerprints (a blob without findings counts one); the least
    recently used blobs are forgotten first and scanned again if a later change needs them.
    """

    BUDGET = 250_000

    def __init__(self, budget: int = BUDGET) -> None:
        self.budget = budget
        self.used = 0
        self._keys: OrderedDict[str, frozenset[int]] = OrderedDict()

    def remember(self, oid: str, result: FileResult) -> None:
        keys = frozenset(finding_key(f) for f in result.findings)
        old = self._keys.pop(oid, None)
        if old is not None:
            self.used -= 1 + len(old)
        self._keys[oid] = keys
        self.used += 1 + len(keys)
        while self.used > self.budget and len(self._keys) > 1:
            _, dropped = self._keys.popitem(last=False)
            self.used -= 1 + len(dropped)

    def get(self, oid: str) -> frozenset[int] | None:
        keys = self._keys.get(oid)
        if keys is not None:
            self._keys.move_to_end(oid)
        return keys


def ignore_rules(repo: Repository, settings: Settings) -> IgnoreRules:
    """--exclude and the work tree's .piiscanignore, matched against repository paths."""
    root = repo.work_tree if repo.work_tree is not None else os.devnull
    return IgnoreRules.for_root(root, settings.excludes)


class GitHistory:
    """The new blobs of a selection of commits, as a run's Source (module docstring)."""

    def __init__(self, repo: Repository, selection: Selection, settings: Settings, *,
                 authors: bool = False) -> None:
        self.repo = repo
        self.selection = selection
        self.settings = settings
        self.authors = authors
        self.revisions = selection.revisions(repo)  # unknown refs fail here, before a scan
        self.roots = [f"git:{repo.root} {selection.describe()}"]
        self.repeats = 0  # changes whose blob this run had already scanned
        self.unchanged = 0  # findings dropped because the replaced version had them
        self.memo = FingerprintMemo()
        self._reported: set[bytes] = set()  # blob ids handed on as changes
        self._compared: set[bytes] = set()  # blob ids scanned ahead as a replaced version
        self._base_only: set[str] = set()  # ... whose results are not reported
        self._bases: dict[str, tuple[tuple[str, str], ...]] = {}  # blob -> (base, path)
        self._sizes: ObjectSizes | None = None
        self._known: dict[str, int | None] = {}  # sizes looked up for the changes at hand
        self._reads = True  # this listing's blobs are read in this process (not a preview's)

    def __enter__(self) -> GitHistory:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._sizes is not None:
            self._sizes.close()
            self._sizes = None
        if self._reads:  # this process's reader; pool workers' end with the pool
            close_readers(self.repo.git_dir)

    def _object_sizes(self) -> ObjectSizes:
        if self._sizes is None:
            self._sizes = ObjectSizes(self.repo)
        return self._sizes

    def size(self, oid: str) -> int | None:
        if oid in self._known:
            return self._known[oid]
        return self._object_sizes().size(oid)

    def ref(self, change: Change, oid: str | None = None, size: int = 0) -> FileRef:
        """The FileRef of a change's blob; with ``oid``, of a version it replaced (read to
        compare with, never reported: it is named after the change, at the same path)."""
        oid = oid or change.oid
        return FileRef(
            path=os.path.join(self.repo.root, change.path),
            display=f"{change.commit[:SHORT]}:{display_path(change.path)}", size=size,
            mtime=float(change.time), origin=blob_origin(self.repo.git_dir, oid), version=oid,
            revision=Revision(change.commit, change.date, change.path, change.author))

    def items(self) -> Iterator[FileRef | Skip]:
        ignore = ignore_rules(self.repo, self.settings)
        listing = changes(self.repo, self.revisions, authors=self.authors)
        try:
            while chunk := list(islice(listing, CHUNK)):
                wanted = {o for c in chunk for o in (c.oid, *c.bases)}
                self._known = self._object_sizes().sizes(sorted(wanted))
                yield from self._refs(chunk, ignore)
        finally:
            listing.close()
            self._known = {}

    def _refs(self, chunk: list[Change], ignore: IgnoreRules) -> Iterator[FileRef | Skip]:
        for change in chunk:
            if change.mode == GITLINK_MODE:
                continue  # a submodule's commit: scan that repository on its own
            key = bytes.fromhex(change.oid)
            if key in self._reported:
                self.repeats += 1
                continue
            if ignore.matches(change.path, is_dir=False):
                yield Skip(self.ref(change).display, "excluded", SkipKind.EXCLUDED)
                continue
            self._reported.add(key)
            if change.mode == SYMLINK_MODE or change.mode not in BLOB_MODES:
                yield Skip(self.ref(change).display, SYMLINK_SKIP, SkipKind.UNSUPPORTED)
                continue
            size = self.size(change.oid)
            if size is None:
                yield Skip(self.ref(change).display, MISSING)
                continue
            yield from self._bases_ahead(change)
            self._bases[change.oid] = tuple((b, change.path) for b in change.bases)
            yield self.ref(change, size=size)

    def preview(self) -> Iterator[FileRef | Skip]:
        """What ``items`` lists that reaches the report, from a listing of its own."""
        with GitHistory(self.repo, self.selection, self.settings) as twin:
            twin._reads = False  # it runs beside the scan: the scan's reader is not its own
            for item in twin.items():
                if isinstance(item, Skip) or item.version not in twin._base_only:
                    yield item

    def _bases_ahead(self, change: Change) -> Iterator[FileRef]:
        """The versions a text change replaced that this run has not scanned: scanned just
        before it (in the pool, with everything else), to compare with."""
        if change.path.rsplit(".", 1)[-1].lower() in WHOLE_EXTENSIONS:
            return
        for base in change.bases:
            key = bytes.fromhex(base)
            if key in self._reported or key in self._compared:
                continue
            size = self.size(base)
            if size is None:
                continue
            self._compared.add(key)
            self._base_only.add(base)
            yield self.ref(change, oid=base, size=size)

    def prepare(self, result: FileResult, scan: Scan) -> FileResult | None:
        oid = result.file.version
        assert oid is not None
        if oid in self._base_only:
            self._base_only.discard(oid)
            self.memo.remember(oid, result)
            return None
        bases = self._bases.pop(oid, ())
        self.memo.remember(oid, result)  # the whole version: a later change compares with it
        if bases and result.kind in TEXT_KINDS and result.findings:
            self._drop_unchanged(result, bases, scan)
        return result

    def _drop_unchanged(self, result: FileResult, bases: tuple[tuple[str, str], ...],
                        scan: Scan) -> None:
        known: set[int] = set()
        for base, path in bases:
            known |= self._base_keys(result.file, base, path, scan)
        kept = [f for f in result.findings if finding_key(f) not in known]
        dropped = len(result.findings) - len(kept)
        if dropped:
            self.unchanged += dropped
            result.findings = kept
            result.notes.append(
                f"{dropped} finding(s) already in the version this commit replaced are not "
                "repeated (each is reported at the commit that added it)")

    def _base_keys(self, ref: FileRef, base: str, path: str, scan: Scan) -> frozenset[int]:
        keys = self.memo.get(base)
        if keys is not None:
            return keys
        size = self.size(base)  # forgotten (the memo is bounded): scan it again
        if size is None:
            return frozenset()
        assert ref.revision is not None
        base_ref = FileRef(path=os.path.join(self.repo.root, path),
                           display=f"{base[:SHORT]}:{display_path(path)}", size=size,
                           mtime=ref.mtime, origin=blob_origin(self.repo.git_dir, base),
                           version=base)
        base_result = scan(base_ref)
        self.memo.remember(base, base_result)
        return frozenset(finding_key(f) for f in base_result.findings)


class StagedFiles:
    """The staged version of each staged file (the index, not the work tree), as a run's
    Source for ``piiscan scan --staged``: reported under its path, with the ignore file,
    --exclude, inline ignores and the baseline applying as to any scanned file."""

    def __init__(self, repo: Repository, paths: list[str], settings: Settings) -> None:
        if repo.work_tree is None:
            raise UsageError(f"{repo.root} is a bare repository: --staged needs a work tree")
        self.repo = repo
        self.settings = settings
        self.work_tree: str = repo.work_tree or ""
        self.pathspecs = [_in_work_tree(p, self.work_tree) for p in paths]
        self.roots = [os.path.relpath(self.work_tree)]

    def items(self) -> Iterator[FileRef | Skip]:
        ignore = ignore_rules(self.repo, self.settings)
        specs = [p for p in self.pathspecs if p != "."]
        if len(specs) < len(self.pathspecs):
            specs = []  # the whole work tree was asked for
        sizes: ObjectSizes | None = None
        try:
            for entry in staged(self.repo, specs):
                if entry.mode == GITLINK_MODE:
                    continue
                local = os.path.relpath(os.path.join(self.work_tree, entry.path))
                shown = display_path(local)
                if ignore.matches(entry.path, is_dir=False):
                    yield Skip(shown, "excluded", SkipKind.EXCLUDED)
                    continue
                if entry.mode not in BLOB_MODES:
                    yield Skip(shown, SYMLINK_SKIP, SkipKind.UNSUPPORTED)
                    continue
                sizes = sizes or ObjectSizes(self.repo)
                size = sizes.size(entry.oid)
                if size is None:
                    yield Skip(shown, MISSING)
                    continue
                yield FileRef(path=local, display=shown, size=size, mtime=_mtime(local),
                              origin=blob_origin(self.repo.git_dir, entry.oid),
                              version=entry.oid)
        finally:
            if sizes is not None:
                sizes.close()

    def preview(self) -> Iterator[FileRef | Skip]:
        return self.items()

    def prepare(self, result: FileResult, scan: Scan) -> FileResult | None:
        return result


def _in_work_tree(path: str, work_tree: str) -> str:
    rel = os.path.relpath(os.path.abspath(path), work_tree)
    if rel == ".." or rel.startswith(".." + os.sep):
        raise UsageError(f"{path} is outside the repository at {work_tree}")
    return rel.replace(os.sep, "/")


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return 0.0
