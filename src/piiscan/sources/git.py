"""Git repositories as a source: the blobs commits added, the index, and their bytes.

    Repository.open(path)        the repository around a folder (a work tree or a bare one)
    Selection                    which commits: HEAD, branches, --all, after a commit, a range
    changes(repo, revisions)     every blob a commit added or changed, oldest commit first:
                                 one ``git log --raw`` process, read as it writes
    staged(repo, pathspecs)      the blobs in the index that differ from HEAD
    ObjectSizes(repo)            object sizes: one ``git cat-file --batch-check`` process
    open_blob(ref)               the opener for ``git:`` origins: one ``git cat-file --batch``
                                 process per scanning process, started on first use

A blob reaches the pure per-file scan as a FileRef whose origin is ``git:<git-dir>#<oid>``
(``blob_origin``). ``open_blob`` reads it in whatever process scans it -- this one, or a pool
worker with its own reader -- so no blob's bytes are copied between processes, and no
process is started per blob.

Git runs with the caller's environment except ``GIT_DIR`` and ``GIT_WORK_TREE`` (the
repository is always named by ``--git-dir``); ``GIT_INDEX_FILE`` is kept, so ``--staged``
inside a git hook reads the index being committed.
"""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import tempfile
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, BinaryIO

from piiscan.errors import PiiscanError, UsageError
from piiscan.models import FileRef

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

ZERO_OID = "0" * 40
ZERO_OID_256 = "0" * 64
BLOB_MODES = frozenset({"100644", "100755", "100664"})
SYMLINK_MODE = "120000"
GITLINK_MODE = "160000"  # a submodule's commit: not content of this repository
MEMORY_BYTES = 32 * 1024 * 1024  # blobs up to this size are held in memory while scanned
HEAD_BYTES = 64 * 1024  # what sniffing reads of a blob too large to hold (--max-file-size)
_READ_CHUNK = 1 << 16


class GitError(PiiscanError):
    """Git failed while piiscan was reading the repository (exit 2)."""


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE")}
    env.update(GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    return env


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0].removeprefix("fatal: ").removeprefix("error: ") if lines else ""


def _run(args: list[str], cwd: str | None = None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *args], capture_output=True, text=True, cwd=cwd,
                              env=_environment(), check=False, errors="surrogateescape")
    except FileNotFoundError:
        raise UsageError("git is not installed (or not on PATH): `piiscan git` and "
                         "`--staged` run it; install git") from None


def is_zero(oid: str) -> bool:
    return oid in (ZERO_OID, ZERO_OID_256)


@dataclass(frozen=True)
class Repository:
    """A repository: its git folder (absolute), its work tree (None when bare), and whether
    it is a shallow clone (commits before the cut are missing)."""

    git_dir: str
    work_tree: str | None
    shallow: bool

    @classmethod
    def open(cls, path: str) -> Repository:
        if not os.path.isdir(path):
            raise UsageError(f"{path}: no such folder; give the folder of a git repository")
        proc = _run(["-C", path, "rev-parse", "--absolute-git-dir", "--is-bare-repository",
                     "--is-shallow-repository"])
        if proc.returncode != 0:
            problem = _first_line(proc.stderr)
            if "not a git repository" in problem:
                raise UsageError(f"{path} is not a git repository (nor inside one): give a "
                                 "repository's folder")
            raise UsageError(f"{path}: git cannot read this repository: {problem}")
        git_dir, bare, shallow = proc.stdout.splitlines()[:3]
        work_tree = None
        if bare != "true":
            top = _run(["-C", path, "rev-parse", "--show-toplevel"])
            work_tree = top.stdout.strip() if top.returncode == 0 and top.stdout.strip() \
                else None
        return cls(git_dir, work_tree, shallow == "true")

    @property
    def root(self) -> str:
        """The folder people know the repository by: its work tree, else its git folder."""
        return self.work_tree or self.git_dir

    def git(self, *args: str) -> list[str]:
        """A git command line for this repository."""
        return ["git", f"--git-dir={self.git_dir}",
                *((f"--work-tree={self.work_tree}",) if self.work_tree else ()), *args]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return _run(self.git(*args)[1:], cwd=self.work_tree)

    def commit(self, ref: str, what: str = "commit") -> str | None:
        """The commit ``ref`` names, or None when it names none."""
        if ref.startswith("-"):
            raise UsageError(f"'{ref}' is not a {what}: refs do not start with '-'")
        proc = self.run("rev-parse", "--verify", "--quiet", "--end-of-options",
                        f"{ref}^{{commit}}")
        oid = proc.stdout.strip()
        return oid if proc.returncode == 0 and oid else None

    def require_commit(self, ref: str, what: str, option: str) -> str:
        oid = self.commit(ref, what)
        if oid is None:
            hint = (" (this is a shallow clone: fetch more history, e.g. actions/checkout "
                    "with fetch-depth: 0)" if self.shallow else "")
            raise UsageError(f"{option} {ref}: no such {what} in {self.root}{hint}")
        return oid


@dataclass(frozen=True)
class Selection:
    """Which commits ``piiscan git`` reads, as given on the command line."""

    since: str | None = None  # commits after this one (--since-commit)
    range: str | None = None  # A..B or A...B (--range)
    branches: tuple[str, ...] = ()  # these branches' history instead of HEAD's (--branch)
    all: bool = False  # every ref (--all)

    def check(self) -> None:
        if self.since is not None and self.range is not None:
            raise UsageError("--since-commit and --range both set where history starts: "
                             "keep one")
        if self.range is not None and (self.branches or self.all):
            raise UsageError("--range names its own commits: drop --branch/--all, or use "
                             "--since-commit with them")
        if self.branches and self.all:
            raise UsageError("--all already reads every branch: drop --branch")

    def revisions(self, repo: Repository) -> list[str]:
        """Arguments for ``git log``: commit ids, never names the user typed."""
        self.check()
        if self.range is not None:
            return _range(repo, self.range)
        if self.all:
            tips = ["--all"]
        elif self.branches:
            tips = [repo.require_commit(b, "branch or commit", "--branch")
                    for b in self.branches]
        else:
            head = repo.commit("HEAD")
            tips = [head] if head is not None else []  # no commit yet: nothing to read
        if self.since is not None and not is_zero(self.since) and tips:
            tips.append("^" + repo.require_commit(self.since, "commit", "--since-commit"))
        return tips

    def describe(self) -> str:
        if self.range is not None:
            return self.range
        tips = "--all" if self.all else " ".join(self.branches) or "HEAD"
        if self.since is not None and not is_zero(self.since):
            return f"{self.since}..{tips}"
        return tips


def _range(repo: Repository, text: str) -> list[str]:
    dots = "..." if "..." in text else ".."
    left, sep, right = text.partition(dots)
    if not sep:
        raise UsageError(f"--range {text}: write A..B (the commits after A up to B)")
    ends = [repo.require_commit(side or "HEAD", "commit", "--range") for side in (left, right)]
    return [f"{ends[0]}{dots}{ends[1]}"]


# --- listing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A blob one commit added or changed at one path. ``bases`` are the blobs it replaced
    (the parent's version; one per parent for a merge; none when the path is new)."""

    commit: str
    time: int  # committer date, Unix time
    date: str  # committer date, ISO 8601
    author: str | None
    path: str  # in the repository, '/'-separated (undecodable bytes escaped)
    mode: str
    oid: str
    bases: tuple[str, ...]


_HEADER = b"\x01"


def _tokens(stream: IO[bytes]) -> Iterator[bytes]:
    """NUL-separated fields of ``-z`` output, read as git writes them."""
    rest = b""
    while chunk := stream.read(_READ_CHUNK):
        parts = (rest + chunk).split(b"\0")
        rest = parts.pop()
        yield from parts
    if rest:
        yield rest


def _decode(raw: bytes) -> str:
    return os.fsdecode(raw)


def parse_log(tokens: Iterator[bytes]) -> Iterator[Change]:
    """Changes from ``git log --raw -z -c --format=<HEADER>``: a header field per commit,
    then per path a field of modes, ids and status followed by its path field(s)."""
    commit: tuple[str, int, str, str | None] | None = None
    for token in tokens:
        field = token.lstrip(b"\n")
        if field.startswith(_HEADER):
            parts = field[1:].decode("utf-8", "replace").split(" ", 3)
            commit = (parts[0], int(parts[1]), parts[2], parts[3] if len(parts) > 3 else None)
            continue
        if not field.startswith(b":") or commit is None:
            continue
        parents = len(field) - len(field.lstrip(b":"))
        values = field[parents:].decode("ascii").split(" ")
        modes, oids, status = values[:parents + 1], values[parents + 1:2 * parents + 2], \
            values[-1]
        path_fields = 2 if parents == 1 and status[:1] in ("R", "C") else 1
        paths = [next(tokens, b"") for _ in range(path_fields)]
        new_oid = oids[-1]
        bases = tuple(o for o in oids[:-1] if not is_zero(o))
        if is_zero(new_oid) or new_oid in bases:
            continue  # deleted, or the same content (a pure rename, a mode change)
        yield Change(commit[0], commit[1], commit[2], commit[3], _decode(paths[-1]),
                     modes[-1], new_oid, bases)


def changes(repo: Repository, revisions: list[str], authors: bool = False
            ) -> Generator[Change, None, None]:
    """Every blob the commits in ``revisions`` added or changed, oldest commit first
    (parents before children), renames followed, merges by what they changed against every
    parent. Commit messages are not read; authors only when asked."""
    if not revisions:
        return
    header = "%x01%H %ct %cI" + (" %an <%ae>" if authors else "")
    flags = [r for r in revisions if r.startswith("--")]  # --all; the rest are commit ids
    tokens = _git_fields(repo, "list the history", "log", "--raw", "-z", "--no-abbrev",
                         "--no-color", "--no-ext-diff", "--no-show-signature", "-M", "-c",
                         "--reverse", "--topo-order", f"--format={header}", *flags,
                         "--end-of-options", *(r for r in revisions if r not in flags), "--")
    try:
        yield from parse_log(tokens)
    finally:
        tokens.close()


@dataclass(frozen=True)
class StagedEntry:
    path: str  # relative to the work tree, '/'-separated
    mode: str
    oid: str


def parse_staged(tokens: Iterator[bytes]) -> Iterator[StagedEntry]:
    """Entries of ``git diff --cached --raw -z``: the index side of each."""
    for token in tokens:
        field = token.lstrip(b"\n")
        if not field.startswith(b":"):
            continue
        _, new_mode, _, new_oid, _ = field[1:].decode("ascii").split(" ")
        path = next(tokens, b"")
        if not is_zero(new_oid):
            yield StagedEntry(_decode(path), new_mode, new_oid)


def staged(repo: Repository, pathspecs: list[str]) -> Generator[StagedEntry, None, None]:
    """The index entries that differ from HEAD (all of them before the first commit):
    added, copied, modified or type-changed files, with the staged blob's id."""
    tokens = _git_fields(repo, "list the staged files", "--literal-pathspecs", "diff",
                         "--cached", "--raw", "-z", "--no-abbrev", "--no-renames",
                         "--no-color", "--no-ext-diff", "--diff-filter=ACMT", "--",
                         *pathspecs)
    try:
        yield from parse_staged(tokens)
    finally:
        tokens.close()


def _git_fields(repo: Repository, what: str, *args: str) -> Generator[bytes, None, None]:
    """The NUL-separated output of one git command, read while it runs; a failure of git
    is a GitError naming ``what`` could not be done. Closing the iterator stops git."""
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen(repo.git(*args), stdout=subprocess.PIPE, stderr=errors,
                                stdin=subprocess.DEVNULL, env=_environment(),
                                cwd=repo.work_tree)
        assert proc.stdout is not None
        finished = False
        try:
            yield from _tokens(proc.stdout)
            finished = True
        finally:
            if not finished:
                proc.kill()
            proc.stdout.close()
            code = proc.wait()
        if code != 0:
            errors.seek(0)
            problem = _first_line(errors.read().decode("utf-8", "replace"))
            raise GitError(f"git could not {what} of {repo.root}: {problem}")


# --- object access -------------------------------------------------------------------------


class _Batch:
    """A long-lived ``git cat-file`` process answering one request per line."""

    def __init__(self, git_dir: str, mode: str) -> None:
        self.git_dir = git_dir
        self.proc = subprocess.Popen(
            ["git", f"--git-dir={git_dir}", "cat-file", mode], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_environment())
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin = self.proc.stdin
        self.stdout = self.proc.stdout
        self.lock = threading.Lock()

    def header(self, oid: str) -> tuple[str, int] | None:
        """Ask for ``oid``: its type and size, or None when the repository lacks it."""
        self.stdin.write(oid.encode("ascii") + b"\n")
        self.stdin.flush()
        return self.answer()

    def answer(self) -> tuple[str, int] | None:
        """The next answer's type and size (None: missing)."""
        line = self.stdout.readline()
        if not line:
            raise OSError("git cat-file stopped answering")
        parts = line.split()
        if len(parts) < 3:
            return None  # "<oid> missing" (or ambiguous)
        return parts[1].decode("ascii"), int(parts[2])

    def close(self) -> None:
        with contextlib.suppress(OSError):  # git already gone
            self.stdin.close()
        self.stdout.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class ObjectSizes:
    """Blob sizes before reading them (for --max-file-size and batching), by one
    ``git cat-file --batch-check`` process."""

    def __init__(self, repo: Repository) -> None:
        self.batch = _Batch(repo.git_dir, "--batch-check")

    BATCH = 256  # requests written before the answers are read (both fit in a pipe)

    def size(self, oid: str) -> int | None:
        """The blob's size, or None when the repository lacks the object."""
        return _blob_size(self.batch.header(oid))

    def sizes(self, oids: list[str]) -> dict[str, int | None]:
        """Sizes of many objects, asked in batches: one write and one wait per batch
        instead of a round trip per object."""
        out: dict[str, int | None] = {}
        for start in range(0, len(oids), self.BATCH):
            part = oids[start:start + self.BATCH]
            self.batch.stdin.write("".join(f"{oid}\n" for oid in part).encode("ascii"))
            self.batch.stdin.flush()
            for oid in part:
                out[oid] = _blob_size(self.batch.answer())
        return out

    def close(self) -> None:
        self.batch.close()


def _blob_size(found: tuple[str, int] | None) -> int | None:
    return found[1] if found is not None and found[0] == "blob" else None


class BlobReader:
    """Blob contents by id from one ``git cat-file --batch`` process.

    The last blob read is kept, so the sniffer and the extractor opening it again cost
    nothing. Blobs up to ``MEMORY_BYTES`` are held in memory; a larger one is copied to an
    unlinked, owner-only temporary file -- and only if more than its head is read: a blob
    over --max-file-size is sniffed from its first ``HEAD_BYTES``, read by a short-lived
    ``git cat-file blob`` that is stopped there.
    """

    def __init__(self, git_dir: str) -> None:
        self.git_dir = git_dir
        self.batch = _Batch(git_dir, "--batch")
        self._last_oid: str | None = None
        self._last: bytes | IO[bytes] | None = None
        self._head: tuple[str, bytes] | None = None

    def open(self, oid: str, size: int) -> BinaryIO:
        if size > MEMORY_BYTES:
            return io.BufferedReader(_LargeBlob(self, oid, size))
        with self.batch.lock:
            content = self._content(oid, spool=False)
        assert isinstance(content, bytes)
        return io.BytesIO(content)

    def spooled(self, oid: str) -> IO[bytes]:
        """The whole blob in an unlinked temporary file."""
        with self.batch.lock:
            content = self._content(oid, spool=True)
        assert not isinstance(content, bytes)
        return content

    def _content(self, oid: str, spool: bool) -> bytes | IO[bytes]:
        if self._last_oid == oid and self._last is not None:
            return self._last
        self._forget()
        found = self.batch.header(oid)
        if found is None:
            raise FileNotFoundError(f"object {oid} is missing from the repository")
        kind, size = found
        content = self._spool(size) if spool else self._read_exactly(size)
        self.batch.stdout.read(1)  # the newline after the content
        if kind != "blob":
            raise OSError(f"object {oid} is a {kind}, not a file")
        self._last_oid, self._last = oid, content
        return content

    def _read_exactly(self, size: int) -> bytes:
        data = self.batch.stdout.read(size)
        if len(data) != size:
            raise OSError("git cat-file stopped in the middle of a blob")
        return data

    def _spool(self, size: int) -> IO[bytes]:
        target = tempfile.TemporaryFile()  # noqa: SIM115 - kept open as the last blob
        left = size
        while left:
            chunk = self.batch.stdout.read(min(left, 1 << 20))
            if not chunk:
                target.close()
                raise OSError("git cat-file stopped in the middle of a blob")
            target.write(chunk)
            left -= len(chunk)
        return target

    def head(self, oid: str) -> bytes:
        if self._head is not None and self._head[0] == oid:
            return self._head[1]
        proc = subprocess.Popen(["git", f"--git-dir={self.git_dir}", "cat-file", "blob", oid],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                stdin=subprocess.DEVNULL, env=_environment())
        assert proc.stdout is not None
        try:
            data = proc.stdout.read(HEAD_BYTES)
        finally:
            proc.kill()
            proc.stdout.close()
            proc.wait()
        if not data:
            raise FileNotFoundError(f"object {oid} is missing from the repository")
        self._head = (oid, data)
        return data

    def _forget(self) -> None:
        last, self._last, self._last_oid = self._last, None, None
        if last is not None and not isinstance(last, bytes):
            last.close()

    def close(self) -> None:
        self._forget()
        self.batch.close()


class _LargeBlob(io.RawIOBase):
    """A blob above ``MEMORY_BYTES``: reads inside its head are served from the head alone;
    a read past it copies the whole blob to a temporary file first (BlobReader)."""

    def __init__(self, reader: BlobReader, oid: str, size: int) -> None:
        super().__init__()
        self.reader, self.oid, self.size, self.pos = reader, oid, size, 0
        self.file: IO[bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.pos

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.pos, io.SEEK_END: self.size}[whence]
        self.pos = max(0, base + offset)
        return self.pos

    def readinto(self, buffer: WriteableBuffer) -> int:
        view = memoryview(buffer).cast("B")
        want = min(len(view), max(0, self.size - self.pos))
        if want == 0:
            return 0
        if self.file is None and self.pos < HEAD_BYTES:
            # A short read is allowed: a buffered reader asks again for the rest.
            data = self.reader.head(self.oid)[self.pos:min(self.pos + want, HEAD_BYTES)]
        else:
            if self.file is None:
                self.file = self.reader.spooled(self.oid)
            self.file.seek(self.pos)
            data = self.file.read(want)
        view[:len(data)] = data
        self.pos += len(data)
        return len(data)


_readers: dict[str, BlobReader] = {}
_readers_lock = threading.Lock()


def blob_origin(git_dir: str, oid: str) -> str:
    return f"git:{git_dir}#{oid}"


def open_blob(ref: FileRef) -> BinaryIO:
    """The opener registered for ``git:`` origins (piiscan.sources.OPENERS)."""
    assert ref.origin is not None
    git_dir, _, oid = ref.origin.removeprefix("git:").rpartition("#")
    with _readers_lock:
        reader = _readers.get(git_dir)
        if reader is None or reader.batch.proc.poll() is not None:
            reader = _readers[git_dir] = BlobReader(git_dir)
    return reader.open(oid, ref.size)


def close_readers(git_dir: str | None = None) -> None:
    """Stop this process's reader for ``git_dir`` (default: every one). They also end
    when this process does."""
    with _readers_lock:
        for key in [k for k in _readers if git_dir in (None, k)]:
            _readers.pop(key).close()
