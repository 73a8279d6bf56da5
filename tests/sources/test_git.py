"""Git plumbing on real repositories made by the tests: which blobs commits added or changed,
what is staged, and reading blobs through one long-lived `git cat-file` process."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from piiscan.errors import UsageError
from piiscan.models import FileRef
from piiscan.sources import git as gitsrc
from piiscan.sources import open_ref
from piiscan.sources.git import (
    BlobReader,
    ObjectSizes,
    Repository,
    Selection,
    blob_origin,
    changes,
    parse_log,
    staged,
)

from gitrepo import GitRepo


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def listed(repo: GitRepo, selection: Selection | None = None) -> list[gitsrc.Change]:
    opened = Repository.open(str(repo.path))
    selection = selection or Selection()
    return list(changes(opened, selection.revisions(opened)))


def test_open_finds_the_repository_from_a_subfolder_and_knows_bare_ones(tmp_path: Path,
                                                                         repo: GitRepo) -> None:
    repo.commit({"sub/a.txt": "a"})
    opened = Repository.open(str(repo.path / "sub"))
    assert opened.work_tree == str(repo.path)
    assert opened.git_dir == str(repo.path / ".git")
    bare = GitRepo(tmp_path / "bare.git", bare=True)
    opened = Repository.open(str(bare.path))
    assert opened.work_tree is None and opened.root == str(bare.path)


def test_open_refuses_a_folder_that_is_no_repository(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="is not a git repository"):
        Repository.open(str(tmp_path))
    with pytest.raises(UsageError, match="no such folder"):
        Repository.open(str(tmp_path / "missing"))


def test_unknown_refs_and_bad_ranges_are_usage_errors(repo: GitRepo) -> None:
    repo.commit({"a.txt": "a"})
    opened = Repository.open(str(repo.path))
    for selection, message in (
        (Selection(since="no-such-ref"), "--since-commit no-such-ref: no such commit"),
        (Selection(branches=("nope",)), "--branch nope: no such branch"),
        (Selection(range="HEAD"), "--range HEAD: write A..B"),
        (Selection(range="HEAD..nope"), "--range nope: no such commit"),
        (Selection(since="--all"), "refs do not start with '-'"),
        (Selection(since="HEAD", range="HEAD..HEAD"), "keep one"),
        (Selection(range="HEAD..HEAD", all=True), "drop --branch/--all"),
    ):
        with pytest.raises(UsageError, match=message):
            selection.revisions(opened)


def test_changes_oldest_first_with_the_versions_they_replaced(repo: GitRepo) -> None:
    first = repo.commit({"a.txt": "one\n", "b.txt": "bee\n"})
    second = repo.commit({"a.txt": "one\ntwo\n"})
    third = repo.commit(remove=("b.txt",))
    found = listed(repo)
    assert [(c.commit, c.path) for c in found] == [(first, "a.txt"), (first, "b.txt"),
                                                   (second, "a.txt")]
    assert found[0].bases == () and found[2].bases == (repo.blob(f"{first}:a.txt"),)
    assert found[2].oid == repo.blob(f"{second}:a.txt")
    assert found[2].date == "2023-11-15T07:14:20+09:00"  # the second commit, one minute on
    assert found[0].author is None  # authors are read only when asked
    assert third not in {c.commit for c in found}  # a deletion adds no blob


def test_renames_keep_their_source_and_pure_renames_add_nothing(repo: GitRepo) -> None:
    body = "".join(f"行 {i}: 議事録の本文です。\n" for i in range(40))
    repo.commit({"old.txt": body})
    repo.git("mv", "old.txt", "same.txt")
    repo.commit()
    repo.git("mv", "same.txt", "new.txt")
    edited = repo.commit({"new.txt": body + "追記\n"})
    found = listed(repo)
    assert [c.path for c in found] == ["old.txt", "new.txt"]
    assert found[1].commit == edited
    assert found[1].bases == (repo.blob(f"{edited}~1:same.txt"),)


def test_a_merge_adds_only_what_differs_from_every_parent(repo: GitRepo) -> None:
    repo.commit({"a.txt": "base\n", "b.txt": "base\n"})
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit({"a.txt": "topic\n"})
    repo.git("checkout", "-q", "main")
    repo.commit({"b.txt": "main\n"})
    repo.git("merge", "-q", "--no-commit", "topic")
    repo.write("c.txt", "evil\n")  # a file only the merge commit brings
    repo.git("add", "c.txt")
    merge = repo.commit(message="merge")
    merged = [c for c in listed(repo) if c.commit == merge]
    assert [(c.path, c.bases) for c in merged] == [("c.txt", ())]


def test_since_and_range_select_commits_all_and_branch_select_tips(repo: GitRepo) -> None:
    old = repo.commit({"old.txt": "old\n"})
    new = repo.commit({"new.txt": "new\n"})
    repo.git("branch", "side", old)
    repo.git("checkout", "-q", "side")
    side = repo.commit({"side.txt": "side\n"})
    repo.git("checkout", "-q", "main")
    assert [c.path for c in listed(repo, Selection(since=old))] == ["new.txt"]
    assert [c.path for c in listed(repo, Selection(range=f"{old}..{new}"))] == ["new.txt"]
    assert {c.path for c in listed(repo, Selection(range=f"{new}...{side}"))} == {
        "new.txt", "side.txt"}  # either side, not both
    assert {c.path for c in listed(repo, Selection(all=True))} == {"old.txt", "new.txt",
                                                                  "side.txt"}
    assert [c.path for c in listed(repo, Selection(branches=("side",)))] == [
        "old.txt", "side.txt"]
    # all zeros (a pushed new branch's "before"): no lower bound
    assert len(listed(repo, Selection(since="0" * 40))) == 2
    assert Selection(since=old).describe() == f"{old}..HEAD"


def test_a_repository_without_commits_lists_nothing(repo: GitRepo) -> None:
    assert listed(repo) == []


def test_paths_with_newlines_and_non_utf8_bytes_are_read_whole(repo: GitRepo) -> None:
    name = os.fsdecode(b"\x8c\xda\x8bq.txt")  # 顧客 in CP932: not UTF-8
    repo.commit({"line\nbreak.txt": "a\n", name: "b\n", ":colon.txt": "c\n"})
    assert sorted(c.path for c in listed(repo)) == sorted([":colon.txt", "line\nbreak.txt",
                                                           name])


def test_parse_log_reads_combined_and_rename_fields() -> None:
    oid = "1" * 40
    fields = [b"\x01" + b"c" * 40 + b" 100 2023-11-14T07:13:20+09:00 A <a@x>", b"",
              b"::100644 100644 100644 " + b"2" * 40 + b" " + b"3" * 40 + b" " +
              oid.encode() + b" MM", b"merged.txt",
              b"\n:100644 100644 " + b"4" * 40 + b" " + b"5" * 40 + b" R090", b"from.txt",
              b"to.txt"]
    found = list(parse_log(iter(fields)))
    assert [(c.path, c.oid, c.bases, c.author) for c in found] == [
        ("merged.txt", oid, ("2" * 40, "3" * 40), "A <a@x>"),
        ("to.txt", "5" * 40, ("4" * 40,), "A <a@x>")]


def test_staged_lists_the_index_not_the_work_tree(repo: GitRepo) -> None:
    assert list(staged(Repository.open(str(repo.path)), [])) == []
    repo.stage({"first.txt": "staged before any commit\n"})
    opened = Repository.open(str(repo.path))
    assert [e.path for e in staged(opened, [])] == ["first.txt"]  # no HEAD yet
    repo.commit()
    repo.stage({"a.txt": "staged\n", "dir/b.txt": "b\n"})
    repo.write("a.txt", "changed after staging\n")
    repo.write("untracked.txt", "never added\n")
    entries = {e.path: e for e in staged(opened, [])}
    assert set(entries) == {"a.txt", "dir/b.txt"}
    assert entries["a.txt"].oid == repo.blob(":a.txt")
    assert [e.path for e in staged(opened, ["dir"])] == ["dir/b.txt"]


def test_blob_reader_reads_by_id_and_keeps_the_last_blob(repo: GitRepo) -> None:
    repo.commit({"a.txt": "あいう\n", "b.bin": bytes(range(256)) * 3})
    opened = Repository.open(str(repo.path))
    reader = BlobReader(opened.git_dir)
    try:
        a, b = repo.blob("HEAD:a.txt"), repo.blob("HEAD:b.bin")
        assert reader.open(b, 768).read() == bytes(range(256)) * 3
        assert reader.open(a, 10).read() == "あいう\n".encode()
        calls = []
        original = reader.batch.header
        reader.batch.header = lambda oid: calls.append(oid) or original(oid)  # type: ignore[method-assign]
        assert reader.open(a, 10).read(3) == "あ".encode()
        assert calls == []  # the sniffer and the extractor opening it again: no new read
        with pytest.raises(FileNotFoundError, match="missing"):
            reader.open("0123456789" * 4, 5)
        assert reader.open(b, 768).read(4) == bytes(range(4))  # still answering
    finally:
        reader.close()


def test_a_large_blob_is_sniffed_from_its_head_and_spooled_only_when_read(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gitsrc, "MEMORY_BYTES", 1024)
    monkeypatch.setattr(gitsrc, "HEAD_BYTES", 4096)
    data = bytes(i % 251 for i in range(100_000))
    repo.commit({"big.bin": data})
    opened = Repository.open(str(repo.path))
    oid = repo.blob("HEAD:big.bin")
    reader = BlobReader(opened.git_dir)
    try:
        with reader.open(oid, len(data)) as fh:
            assert fh.read(100) == data[:100]
        assert reader._last is None  # only the head was read: nothing spooled
        with reader.open(oid, len(data)) as fh:
            fh.seek(-10, os.SEEK_END)
            assert fh.read() == data[-10:]
            fh.seek(50_000)
            assert fh.read(5) == data[50_000:50_005]
        with reader.open(oid, len(data)) as fh:
            assert fh.read() == data
    finally:
        reader.close()


def test_open_ref_reads_git_origins_through_one_reader_per_process(repo: GitRepo) -> None:
    repo.commit({"a.txt": "hello\n", "b.txt": "world\n"})
    opened = Repository.open(str(repo.path))
    sizes = ObjectSizes(opened)
    try:
        refs = [FileRef(path=name, display=name, size=sizes.size(repo.blob(f"HEAD:{name}"))
                        or 0, mtime=0, origin=blob_origin(opened.git_dir,
                                                          repo.blob(f"HEAD:{name}")))
                for name in ("a.txt", "b.txt")]
        assert sizes.size("0" * 39 + "1") is None
    finally:
        sizes.close()
    gitsrc.close_readers()
    try:
        assert [open_ref(r).read() for r in refs] == [b"hello\n", b"world\n"]
        assert list(gitsrc._readers) == [opened.git_dir]  # one process for both
    finally:
        gitsrc.close_readers()


def test_git_missing_from_path_is_a_usage_error(repo: GitRepo,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    assert shutil.which("git")  # the suite needs git; this only hides it
    monkeypatch.setenv("PATH", str(repo.path))
    with pytest.raises(UsageError, match="git is not installed"):
        Repository.open(str(repo.path))
