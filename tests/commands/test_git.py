"""`piiscan git` and `piiscan scan --staged` through the command line, on real repositories
made by the tests: mistakes are one line and exit 2; the commit is in every report format;
authors only when asked; the staged version, with the ignore file, inline ignores and the
baseline applying; the state remembering blobs."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from openpyxl import load_workbook

from gitrepo import AUTHOR, AUTHOR_EMAIL, GitRepo, git_env

Run = Callable[..., Result]  # the `run` fixture (conftest.py)

PHONE = "090-3141-5926"
PHONE_2 = "080-2718-2818"
LIST = f"氏名,電話番号\n山田 花子,{PHONE}\n"


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return GitRepo(tmp_path / "repo")


@pytest.fixture
def history(repo: GitRepo) -> tuple[GitRepo, str]:
    """A customer list committed, then deleted; the commit that added it."""
    added = repo.commit({"docs/customers.csv": LIST}, message="add")
    repo.commit(remove=("docs/customers.csv",), message="remove")
    return repo, added


@pytest.mark.parametrize(("args", "message"), [
    (("git", "{tmp}"), "is not a git repository (nor inside one)"),
    (("git", "{tmp}/missing"), "no such folder"),
    (("git", "{repo}", "--since-commit", "no-such"), "--since-commit no-such: no such commit"),
    (("git", "{repo}", "--range", "HEAD"), "--range HEAD: write A..B"),
    (("git", "{repo}", "--range", "HEAD~5..HEAD"), "no such commit"),
    (("git", "{repo}", "--branch", "nope"), "--branch nope: no such branch"),
    (("git", "{repo}", "--since-commit", "HEAD", "--range", "HEAD..HEAD"), "keep one"),
    (("scan", "--staged", "{tmp}/x.txt"), "is not a git repository"),
    (("scan",), "no PATHS to scan"),
])
def test_mistakes_are_one_line_and_exit_2(run: Run, history: tuple[GitRepo, str],
                                          tmp_path: Path, args: tuple[str, ...],
                                          message: str) -> None:
    repo, _ = history
    outside = tmp_path / "outside"
    outside.mkdir()
    filled = [a.format(tmp=outside, repo=repo.path) for a in args]
    cwd = outside if filled[0] == "scan" else None
    result = run(*filled, cwd=cwd)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("piiscan: error: "), result.stderr
    assert message in lines[0]


def test_every_report_names_the_commit_date_and_path(run: Run, history: tuple[GitRepo, str],
                                                     tmp_path: Path) -> None:
    repo, added = history
    out = tmp_path / "out"
    out.mkdir()
    targets = {ext: out / f"report.{ext}" for ext in ("json", "jsonl", "csv", "sarif", "html",
                                                        "xlsx")}
    result = run("git", str(repo.path), "-j1", *(f"-o{p}" for p in targets.values()))
    assert result.exit_code == 1, result.output
    short, date, where = added[:12], "2023-11-15T07:13:20+09:00", "docs/customers.csv"
    display = f"{short}:{where}"
    # table: the commit:path location and the commit's facts
    assert f"{display}!B2" in result.stdout
    assert added in result.stdout and date in result.stdout
    assert "file version(s) in the history" in result.stderr  # what to do next, for history
    # JSON and JSON Lines
    report = json.loads(targets["json"].read_text("utf-8"))
    (file,) = report["files"]
    assert file["path"] == display
    assert file["git"] == {"commit": added, "date": date, "path": where,
                           "blob": repo.blob(f"{added}:{where}")}
    assert {f["location"]["display"] for f in file["findings"]} >= {f"{display}!B2"}
    lines = [json.loads(line) for line in targets["jsonl"].read_text("utf-8").splitlines()]
    assert [x["git"]["commit"] for x in lines if x["type"] == "file"] == [added]
    # CSV: the commit columns
    rows = list(csv.DictReader(io.StringIO(targets["csv"].read_text("utf-8-sig"))))
    assert {(r["commit"], r["commit_date"], r["commit_path"]) for r in rows
            if r["record"] != "run"} == {(added, date, where)}
    assert "author" not in rows[0]
    # SARIF: located at the path in the repository, the commit in the properties
    sarif = json.loads(targets["sarif"].read_text("utf-8"))
    results = sarif["runs"][0]["results"]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in results} == {where}
    assert {r["properties"]["git"]["commit"] for r in results} == {added}
    assert all(display in r["message"]["text"] for r in results)
    # HTML and XLSX, for people
    page = targets["html"].read_text("utf-8")
    assert added in page and date in page and display in page
    book = load_workbook(targets["xlsx"], read_only=True)
    inventory = [list(r) for r in book["個人情報管理台帳"].iter_rows(values_only=True)]
    header = next(r for r in inventory if r and r[0] == "No")
    row = inventory[inventory.index(header) + 1]
    assert row[header.index("コミット (commit)")] == added
    assert row[header.index("コミット日時 (commit date)")] == date
    assert row[header.index("リポジトリ内のパス (path in repository)")] == where
    findings = [list(r) for r in book["検出一覧"].iter_rows(values_only=True)]
    assert added in findings[1]
    # what a report holds about the commit survives `piiscan report`
    again = tmp_path / "again.json"
    assert run("report", str(targets["json"]), "-o", str(again)).exit_code == 0
    assert json.loads(again.read_text("utf-8"))["files"][0]["git"] == file["git"]


def test_authors_stay_out_of_reports_unless_asked(run: Run, history: tuple[GitRepo, str],
                                                  tmp_path: Path) -> None:
    repo, _ = history
    outputs = [tmp_path / f"r.{ext}" for ext in ("json", "csv", "sarif", "html", "xlsx")]
    result = run("git", str(repo.path), "-j1", *(f"-o{p}" for p in outputs))
    assert result.exit_code == 1
    texts = [result.output] + [p.read_bytes().decode("utf-8", "replace")
                               for p in outputs if p.suffix != ".xlsx"]
    texts += [json.dumps([list(r) for ws in load_workbook(outputs[-1]).worksheets
                          for r in ws.iter_rows(values_only=True)], ensure_ascii=False,
                        default=str)]
    for text in texts:
        assert AUTHOR not in text and AUTHOR_EMAIL not in text
    result = run("git", str(repo.path), "-j1", "--show-authors", "-f", "json")
    assert json.loads(result.stdout)["files"][0]["git"]["author"] == \
        f"{AUTHOR} <{AUTHOR_EMAIL}>"


def test_since_commit_of_a_new_branch_reads_the_whole_history(run: Run,
                                                              history: tuple[GitRepo, str]
                                                              ) -> None:
    repo, added = history
    result = run("git", str(repo.path), "-j1", "--since-commit", "0" * 40, "-f", "json")
    assert result.exit_code == 1
    assert "no earlier commit (a new branch)" in result.stderr
    assert json.loads(result.stdout)["files"][0]["git"]["commit"] == added
    result = run("git", str(repo.path), "-j1", "--since-commit", added, "-f", "json")
    assert result.exit_code == 0 and json.loads(result.stdout)["files"] == []


def test_nightly_state_reads_only_new_blobs(run: Run, history: tuple[GitRepo, str],
                                           tmp_path: Path) -> None:
    repo, _ = history
    state = tmp_path / "state"
    first = run("git", str(repo.path), "--all", "-j1", f"--state={state}", "-f", "json")
    assert "1 files unchanged" not in first.stderr and "0 files unchanged" in first.stderr
    repo.commit({"memo.txt": f"連絡先 {PHONE_2}\n"})
    second = run("git", str(repo.path), "--all", "-j1", f"--state={state}", "-f", "json",
                 "--new-only")
    assert "1 files unchanged (results reused), 1 scanned" in second.stderr, second.stderr
    paths = [f["path"] for f in json.loads(second.stdout)["files"]]
    assert len(paths) == 2 and paths[1].endswith(":memo.txt")
    active = [f for f in json.loads(second.stdout)["files"]
              for x in f["findings"] if "suppressed_by" not in x]
    assert [f["path"] for f in active] == [paths[1]]  # --new-only: only what is new tonight
    runs = run("history", f"--state={state}")
    assert f"git:{repo.path} --all" in runs.stdout


def test_a_baseline_accepts_history_versions_of_the_same_file(run: Run, repo: GitRepo,
                                                              tmp_path: Path) -> None:
    repo.commit({"customers.csv": LIST})
    assert run("baseline", "create", cwd=repo.path).exit_code == 0
    result = run("git", "-j1", "-f", "json", cwd=repo.path)
    assert result.exit_code == 0, result.output
    (file,) = json.loads(result.stdout)["files"]
    assert {f["suppressed_by"] for f in file["findings"]} == {"baseline"}


# --- scan --staged ----------------------------------------------------------------------


def test_staged_scans_the_index_not_the_work_tree(run: Run, repo: GitRepo) -> None:
    repo.commit({"README.md": "# project\n"})
    repo.stage({"list.csv": LIST})
    repo.write("list.csv", "氏名,電話番号\n")  # the data removed, but not staged
    repo.write("untracked.csv", LIST)
    result = run("scan", "--staged", "-j1", "-f", "json", cwd=repo.path)
    assert result.exit_code == 1, result.output
    files = json.loads(result.stdout)["files"]
    assert [f["path"] for f in files] == ["list.csv"]
    assert any(f["masked_value"].endswith("5926") for f in files[0]["findings"])
    assert "git" not in files[0]
    repo.git("add", "list.csv")  # now the removal is staged: nothing to find
    assert run("scan", "--staged", "-j1", cwd=repo.path).exit_code == 0
    repo.git("rm", "-q", "--cached", "list.csv")
    assert run("scan", "--staged", "-j1", cwd=repo.path).exit_code == 0  # nothing staged


def test_staged_honours_ignores_inline_markers_paths_and_the_baseline(run: Run,
                                                                      repo: GitRepo) -> None:
    repo.commit({"accepted.csv": LIST, ".piiscanignore": "vendor/\n"})
    assert run("baseline", "create", cwd=repo.path).exit_code == 0
    repo.stage({"vendor/list.csv": LIST, "excluded/list.csv": LIST,
                "memo.txt": f"携帯 {PHONE_2}  # piiscan:ignore\n",
                "accepted.csv": LIST + "# 追記\n"})
    result = run("scan", "--staged", "-j1", "--exclude", "excluded/", "-f", "json",
                 cwd=repo.path)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert sorted(f["path"] for f in report["files"]) == ["accepted.csv", "memo.txt"]
    assert report["summary"]["excluded"] == 2
    assert report["summary"]["suppressed"] == {"baseline": 2, "inline": 1}
    repo.stage({"new.csv": LIST.replace(PHONE, PHONE_2)})
    blocked = run("scan", "--staged", "-j1", "--hook", cwd=repo.path)
    assert blocked.exit_code == 1
    assert PHONE_2 not in blocked.output


def test_staged_paths_limit_it_and_must_be_in_the_repository(run: Run, repo: GitRepo,
                                                             tmp_path: Path) -> None:
    repo.commit({"README.md": "# project\n"})
    repo.stage({"a/list.csv": LIST, "b/list.csv": LIST})
    result = run("scan", "--staged", "a", "-j1", "-f", "json", cwd=repo.path)
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == ["a/list.csv"]
    result = run("scan", "--staged", str(tmp_path), cwd=repo.path)
    assert result.exit_code == 2 and "is outside the repository" in result.stderr


def test_a_plain_git_hook_blocks_what_is_staged_not_what_is_committed_later(
        repo: GitRepo) -> None:
    """`piiscan scan --staged --hook` as .git/hooks/pre-commit (no framework), under a real
    `git commit`: a partial commit (`git commit FILE`) is checked on the index git builds
    for it (GIT_INDEX_FILE), not on everything staged."""
    repo.commit({"README.md": "# project\n"})
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f"#!/bin/sh\nexec '{sys.executable}' -m piiscan scan --staged --hook -j1\n",
                    encoding="utf-8")
    hook.chmod(0o755)
    repo.stage({"list.csv": LIST, "notes.txt": "議事録\n"})
    blocked = subprocess.run(["git", "commit", "-m", "add list"], cwd=repo.path,
                             capture_output=True, text=True, env=git_env(), timeout=300,
                             check=False)
    assert blocked.returncode != 0, blocked.stdout + blocked.stderr
    assert "list.csv" in blocked.stdout + blocked.stderr
    assert PHONE not in blocked.stdout + blocked.stderr
    repo.write("notes.txt", "議事録（改訂）\n")
    partial = subprocess.run(["git", "commit", "-m", "notes only", "notes.txt"],
                             cwd=repo.path, capture_output=True, text=True, env=git_env(),
                             timeout=300, check=False)
    assert partial.returncode == 0, partial.stdout + partial.stderr
    assert repo.git("show", "--name-only", "--format=", "HEAD") == "notes.txt"


WORKFLOW = Path(__file__).resolve().parents[2] / "examples" / "github-actions" / \
    "piiscan-history.yml"


def test_github_actions_history_recipe(tmp_path: Path) -> None:
    """The example workflow's scan step, run by bash in a real clone: a push scans what it
    added; a new branch (all-zeros 'before') what the default branch lacks; the first push
    everything; its SARIF goes to upload-sarif."""
    import yaml

    job = yaml.safe_load(WORKFLOW.read_text("utf-8"))["jobs"]["piiscan-history"]
    assert job["permissions"]["security-events"] == "write"
    assert job["steps"][0]["with"]["fetch-depth"] == 0
    scan = next(s for s in job["steps"] if "piiscan git" in s.get("run", ""))
    upload = next(s for s in job["steps"] if "upload-sarif" in s.get("uses", ""))
    assert f"-o {upload['with']['sarif_file']}" in scan["run"]
    assert "github.event.before" in scan["env"]["BEFORE"]

    origin = GitRepo(tmp_path / "origin")
    base = origin.commit({"old.csv": LIST})
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(origin.path), str(clone)], env=git_env(),
                   check=True, timeout=120)
    work = GitRepo.__new__(GitRepo)
    work.path, work.commits = clone, 1
    work.git("checkout", "-q", "-b", "feature")
    pushed = work.commit({"new.txt": f"携帯 {PHONE_2}\n"})

    def step(before: str, ref: str) -> tuple[int, list[str]]:
        output = tmp_path / "github-output"
        output.write_text("", encoding="utf-8")
        env = git_env({"BEFORE": before, "DEFAULT_BRANCH": "main", "REF_NAME": ref,
                       "GITHUB_OUTPUT": str(output), "NO_COLOR": "1",
                       "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin"})
        proc = subprocess.run(["bash", "-e", "-c", scan["run"]], cwd=clone, env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
        code = int(output.read_text("utf-8").split("exit_code=")[1])
        report = json.loads((clone / "piiscan-git.json").read_text("utf-8"))
        json.loads((clone / "piiscan-git.sarif").read_text("utf-8"))
        return code, [f["path"] for f in report["files"]]

    assert step(base, "feature") == (1, [f"{pushed[:12]}:new.txt"])  # a push: its commits
    assert step("0" * 40, "feature") == (1, [f"{pushed[:12]}:new.txt"])  # a new branch
    assert sorted(step("0" * 40, "main")[1]) == sorted([f"{base[:12]}:old.csv",
                                                        f"{pushed[:12]}:new.txt"])  # first push
    assert step("f" * 40, "feature")[0] == 1  # the old commit is gone (force-push)


def test_no_plaintext_in_the_state_or_output_of_git_runs(run: Run, repo: GitRepo,
                                                        tmp_path: Path) -> None:
    """The sentinel check (tests/test_sentinel.py) for history and staged runs: blob results
    in the state, reports and messages hold masked forms and keyed hashes only."""
    from test_sentinel import CARD, EMAIL, MY_NUMBER, forms

    body = f"マイナンバー {MY_NUMBER}\nカード番号 {CARD}\n電話 {PHONE}\nメール {EMAIL}\n"
    repo.commit({"data/list.txt": body})
    repo.commit(remove=("data/list.txt",))
    repo.stage({"staged.txt": body})
    state = tmp_path / "state"
    report = tmp_path / "r.json"
    outputs = [run("git", str(repo.path), "-j1", f"--state={state}", "-o", str(report)),
               run("git", str(repo.path), "-j1", f"--state={state}", "-f", "sarif"),
               run("git", str(repo.path), "-j1", f"--state={state}", "--show-values", "-q"),
               run("scan", "--staged", "-j1", f"--state={state}", cwd=repo.path)]
    assert [r.exit_code for r in outputs] == [1, 1, 1, 1]
    stored = b"".join(p.read_bytes() for p in state.iterdir())
    printed = "".join(r.output for r in outputs[:2] + outputs[3:]).encode("utf-8")
    for value in (MY_NUMBER, CARD, PHONE, EMAIL):
        for form in forms(value):
            assert form not in stored, (value, form)
            assert form not in printed + report.read_bytes(), (value, form)
    with sqlite3.connect(state / "state.db") as conn:
        assert conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 2
