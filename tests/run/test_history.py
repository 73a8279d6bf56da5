"""A git history as the files of a run (piiscan.run.history), on real repositories the tests
make: every blob a commit added or changed, once, at the commit that added it; for text only
what is new; the staged version of staged files."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from piiscan.config import Settings
from piiscan.models import ScanResult, SkipKind
from piiscan.report.json import to_dict
from piiscan.rules.loader import load_ruleset
from piiscan.run import history, pool
from piiscan.run import session as session_module
from piiscan.run.history import GitHistory, StagedFiles
from piiscan.run.session import ScanSession, SessionOptions, SessionOutcome
from piiscan.sources import git as gitsrc
from piiscan.sources.git import Repository, Selection

import fixtures_containers as containers
from gitrepo import GitRepo
from scankit import KEY

PHONES = ["090-3141-5926", "080-2718-2818", "070-1414-2135", "090-1732-0508"]
NAMES = ["山田 花子", "佐藤 一郎", "鈴木 次郎", "高橋 美咲"]


def customers(*rows: int) -> str:
    return "氏名,電話番号\n" + "".join(f"{NAMES[i]},{PHONES[i]}\n" for i in rows)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


def scan_history(repo: GitRepo, selection: Selection | None = None,
                 settings: Settings | None = None, state: Path | None = None
                 ) -> tuple[ScanResult, GitHistory, SessionOutcome]:
    settings = settings or Settings()
    selection = selection or Selection()
    opened = Repository.open(str(repo.path))
    with ScanSession(load_ruleset(), settings, SessionOptions(key=KEY, state=state)) as run, \
            GitHistory(opened, selection, settings) as source:
        result = run.run(source.roots, source=source)
    return result, source, run.outcome


def phones_by_file(result: ScanResult) -> dict[str, list[str]]:
    """display path -> the last four digits of each phone found there."""
    return {fr.file.display: sorted(f.masked_value[-4:] for f in fr.findings
                                    if f.type == "PHONE") for fr in result.files}


def test_data_added_then_deleted_is_found_at_the_commit_that_added_it(repo: GitRepo) -> None:
    added = repo.commit({"docs/customers.csv": customers(0)}, message="add list")
    repo.commit(remove=("docs/customers.csv",), message="oops, remove it")
    repo.commit({"README.md": "# project\n"})
    result, _, _ = scan_history(repo)
    found = [fr for fr in result.files if fr.findings]
    assert len(found) == 1
    fr = found[0]
    assert fr.file.display == f"{added[:12]}:docs/customers.csv"
    assert fr.file.revision is not None
    assert (fr.file.revision.commit, fr.file.revision.path) == (added, "docs/customers.csv")
    assert fr.file.revision.date == "2023-11-15T07:13:20+09:00"
    assert fr.file.revision.author is None  # not asked for
    assert {f.type for f in fr.findings} == {"PERSON_NAME", "PHONE"}
    assert all(f.location.path == fr.file.display for f in fr.findings)
    assert [f.location.render() for f in fr.findings if f.type == "PHONE"] == [
        f"{added[:12]}:docs/customers.csv!B2"]
    assert result.roots == [f"git:{repo.path} HEAD"]


def test_since_commit_excludes_older_commits_and_what_they_had(repo: GitRepo) -> None:
    old = repo.commit({"a.csv": customers(0), "old.txt": f"電話 {PHONES[3]}\n"})
    new = repo.commit({"a.csv": customers(0, 1), "b.txt": f"携帯 {PHONES[2]}\n"})
    result, source, _ = scan_history(repo, Selection(since=old))
    assert phones_by_file(result) == {f"{new[:12]}:a.csv": ["2818"],
                                      f"{new[:12]}:b.txt": ["2135"]}
    notes = next(fr.notes for fr in result.files if fr.file.display.endswith("a.csv"))
    assert any("already in the version this commit replaced" in n for n in notes)
    assert source.unchanged == 2  # the name and phone of row 0, there before the range
    # the whole history: each finding once, at the commit that added it
    result, _, _ = scan_history(repo)
    assert phones_by_file(result) == {f"{old[:12]}:a.csv": ["5926"],
                                      f"{old[:12]}:old.txt": ["0508"],
                                      f"{new[:12]}:a.csv": ["2818"],
                                      f"{new[:12]}:b.txt": ["2135"]}


def test_a_cp932_csv_and_an_xlsx_in_history_are_read(repo: GitRepo) -> None:
    added = repo.commit({"顧客名簿.csv": containers.csv_bytes("cp932"),
                         "名簿.xlsx": containers.xlsx_bytes()})
    repo.commit(remove=("顧客名簿.csv", "名簿.xlsx"))
    result, _, _ = scan_history(repo)
    by_name = {fr.file.display: fr for fr in result.files}
    csv_result = by_name[f"{added[:12]}:顧客名簿.csv"]
    assert (csv_result.kind, csv_result.encoding) == ("csv", "cp932")
    assert {"PERSON_NAME", "PHONE", "MY_NUMBER"} <= {f.type for f in csv_result.findings}
    xlsx_result = by_name[f"{added[:12]}:名簿.xlsx"]
    assert xlsx_result.kind == "xlsx"
    phone = next(f for f in xlsx_result.findings if f.type == "PHONE")
    assert phone.location.render() == f"{added[:12]}:名簿.xlsx!Sheet1!B2"
    assert phone.masked_value.endswith(containers.PHONE[-4:])


def test_a_blob_shared_by_100_commits_is_scanned_once(repo: GitRepo,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    body = customers(0, 1)
    first, *_ = repo.fast_import([{f"copy{i:03d}.csv": body, "counter.txt": f"{i}\n"}
                                  for i in range(100)])
    shared = repo.blob(f"{first}:copy000.csv")
    scanned: list[str | None] = []
    original = session_module.scan_file

    def counting(ref: Any, *args: Any) -> Any:
        scanned.append(ref.version)
        return original(ref, *args)

    monkeypatch.setattr(session_module, "scan_file", counting)
    result, source, _ = scan_history(repo)
    assert scanned.count(shared) == 1
    assert source.repeats == 99
    reported = [fr for fr in result.files if fr.file.version == shared]
    assert [fr.file.display for fr in reported] == [f"{first[:12]}:copy000.csv"]
    assert len(result.files) == 1 + 100  # the shared list once, each counter version once


def test_binary_formats_report_each_new_version_whole(repo: GitRepo) -> None:
    repo.commit({"名簿.xlsx": containers.xlsx_bytes()})
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append(["氏名", "電話番号"])
    sheet.append([containers.NAME, containers.PHONE])
    sheet.append([containers.NAME_2, containers.PHONE_2])
    out = io.BytesIO()
    book.save(out)
    second = repo.commit({"名簿.xlsx": out.getvalue()})
    result, _, _ = scan_history(repo, Selection(since=f"{second}~1"))
    assert [len([f for f in fr.findings if f.type == "PHONE"]) for fr in result.files] == [2]


def test_versions_from_before_the_range_are_read_to_compare_not_reported(
        repo: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    old = repo.commit({"list.csv": customers(0, 1)})
    new = repo.commit({"list.csv": customers(0, 1, 2)})
    result, _, _ = scan_history(repo, Selection(since=old))
    assert phones_by_file(result) == {f"{new[:12]}:list.csv": ["2135"]}
    # the memo forgetting everything changes nothing: forgotten versions are scanned again
    monkeypatch.setattr(history.FingerprintMemo, "BUDGET", 0)
    repo.commit({"list.csv": customers(0, 1, 2, 3)})
    forgetful, _, _ = scan_history(repo)
    monkeypatch.setattr(history.FingerprintMemo, "BUDGET", 250_000)
    remembering, _, _ = scan_history(repo)
    assert phones_by_file(forgetful) == phones_by_file(remembering)
    assert sum(len(v) for v in phones_by_file(remembering).values()) == 4


def test_excluded_paths_symlinks_and_submodules(repo: GitRepo) -> None:
    body = customers(0)
    first = repo.commit({"vendor/list.csv": body, ".piiscanignore": "vendor/\n"})
    (repo.path / "link.csv").symlink_to("vendor/list.csv")
    repo.git("add", "link.csv")
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{first},sub")
    second = repo.commit({"data/list.csv": body})
    result, _, _ = scan_history(repo)
    assert [fr.file.display for fr in result.files if fr.findings] == [
        f"{second[:12]}:data/list.csv"]  # the same blob, no longer excluded: scanned here
    assert result.excluded == 1
    assert [(s.path, s.kind) for s in result.skips] == [
        (f"{second[:12]}:link.csv", SkipKind.UNSUPPORTED)]
    settings = Settings(excludes=("data/",))
    result, _, _ = scan_history(repo, settings=settings)
    assert not any(fr.findings for fr in result.files) and result.excluded == 2


def test_workers_read_blobs_themselves_with_the_same_report(
        repo: GitRepo, small_pool: list[pool.PoolScan],
        monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(12):
        repo.commit({f"notes/{i:02d}.txt": f"議事録 {i}\n電話 {PHONES[i % 4]}\n" * (i + 1),
                     "list.csv": customers(*range(i % 4 + 1))})
    single, _, _ = scan_history(repo)
    here: list[str] = []
    original = gitsrc.BlobReader.open

    def recording(self: gitsrc.BlobReader, oid: str, size: int) -> Any:
        here.append(oid)
        return original(self, oid, size)

    monkeypatch.setattr(gitsrc.BlobReader, "open", recording)
    parallel, _, _ = scan_history(repo, settings=Settings(jobs=2))
    assert small_pool  # the pool ran
    assert here == []  # ... and this process read no blob: the workers read their own

    def stable(result: ScanResult) -> str:
        data = to_dict(result)
        data["scan"].pop("started")
        data["scan"].pop("finished")
        data["scan"]["settings"].pop("jobs")
        for fr in data["files"]:
            fr.pop("size", None)
        return json.dumps(data, sort_keys=True, ensure_ascii=False)

    assert stable(single) == stable(parallel)


def test_the_state_remembers_scanned_blobs(repo: GitRepo, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    repo.commit({"a.csv": customers(0), "b.txt": "議事録\n"})
    repo.commit({"a.csv": customers(0, 1)})
    state = tmp_path / "state"
    reads: list[str] = []
    original = gitsrc.BlobReader._content

    def counting(self: gitsrc.BlobReader, oid: str, spool: bool) -> Any:
        if self._last_oid != oid:
            reads.append(oid)
        return original(self, oid, spool)

    monkeypatch.setattr(gitsrc.BlobReader, "_content", counting)
    first, _, outcome = scan_history(repo, state=state)
    assert (outcome.cache_hits, outcome.cache_misses) == (0, 3) and len(reads) == 3
    reads.clear()
    second, _, outcome = scan_history(repo, state=state)
    assert (outcome.cache_hits, outcome.cache_misses) == (3, 0)
    assert reads == []  # nothing read again
    assert phones_by_file(first) == phones_by_file(second)
    assert [fr.notes for fr in first.files] == [fr.notes for fr in second.files]
    new = repo.commit({"c.txt": f"電話 {PHONES[3]}\n"})
    third, _, outcome = scan_history(repo, state=state)
    assert (outcome.cache_hits, outcome.cache_misses) == (3, 1)
    assert reads == [repo.blob(f"{new}:c.txt")]  # only the new object
    assert phones_by_file(third)[f"{new[:12]}:c.txt"] == ["0508"]


def test_staged_files_are_read_from_the_index_not_the_work_tree(repo: GitRepo,
                                                                tmp_path: Path) -> None:
    repo.commit({"kept.txt": "議事録\n"})
    repo.stage({"memo.txt": f"電話 {PHONES[0]}\n"})
    repo.write("memo.txt", f"電話 {PHONES[1]}\n")  # changed after staging: not committed
    repo.write("loose.txt", f"電話 {PHONES[2]}\n")  # never staged
    opened = Repository.open(str(repo.path))
    settings = Settings()
    source = StagedFiles(opened, [str(repo.path)], settings)
    with ScanSession(load_ruleset(), settings, SessionOptions(key=KEY)) as run:
        result = run.run(source.roots, source=source)
    assert [(Path(fr.file.path).name, [f.masked_value[-4:] for f in fr.findings])
            for fr in result.files] == [("memo.txt", ["5926"])]
    assert result.files[0].file.revision is None  # a staged file is shown by its path


def test_preview_lists_what_reaches_the_report_on_its_own(repo: GitRepo) -> None:
    """The progress bar's total: the same files, from a listing of its own (its git
    processes stop when it is closed), without the versions read only to compare."""
    old = repo.commit({"list.csv": customers(0)})
    repo.commit({"list.csv": customers(0, 1), "memo.txt": "議事録\n"})
    opened = Repository.open(str(repo.path))
    with GitHistory(opened, Selection(since=old), Settings()) as source:
        preview = source.preview()
        first = next(preview)
        preview.close()
        assert [i.display for i in source.preview()] == [
            first.display, first.display.replace("list.csv", "memo.txt")]
        listed = [i.display for i in source.items()]
    assert len(listed) == 3  # the replaced list.csv too, read to compare


def test_a_progress_bar_counts_the_history_beside_the_scan(repo: GitRepo) -> None:
    from piiscan.progress import ScanProgress

    repo.fast_import([{f"notes/{i:03d}.txt": f"議事録 {i}\n電話 {PHONES[i % 4]}\n"}
                      for i in range(60)])
    opened = Repository.open(str(repo.path))
    settings = Settings()
    stream = io.StringIO()
    with ScanSession(load_ruleset(), settings, SessionOptions(key=KEY)) as run, \
            GitHistory(opened, Selection(), settings) as source, \
            ScanProgress(source.roots, settings, stream, walk=source.preview) as bar:
        result = run.run(source.roots, on_file=bar.wrap(None), source=source)
        counter = bar._counter
        assert counter is not None
        counter.join(timeout=60)
    assert bar.total_files == bar.files == len(result.files) == 60
    assert not result.all_skips()  # the preview's listing did not disturb the scan's reads


def test_a_missing_object_is_an_unreadable_file_not_a_crash(repo: GitRepo) -> None:
    added = repo.commit({"gone.csv": customers(0), "kept.csv": customers(1)})
    oid = repo.blob(f"{added}:gone.csv")
    (repo.path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()  # a damaged clone
    result, _, _ = scan_history(repo)
    assert [(s.path, s.kind) for s in result.skips] == [(f"{added[:12]}:gone.csv",
                                                         SkipKind.ERROR)]
    assert "missing from the repository" in result.skips[0].reason
    assert phones_by_file(result) == {f"{added[:12]}:kept.csv": ["2818"]}


def test_a_repository_without_commits_has_nothing_to_scan(repo: GitRepo) -> None:
    result, _, _ = scan_history(repo)
    assert result.files == [] and result.skips == [] and result.complete
