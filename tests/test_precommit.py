"""The pre-commit hook, end to end with the real `pre-commit` tool: it installs piiscan from
a git repository the way users get it (`.pre-commit-hooks.yaml`, `language: python`), then
blocks and allows real `git commit`s. Plus the start-up budget of a hook run.

Needs git and network access to PyPI (or a warm pip cache) for pre-commit's environment;
marked slow, never skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent
PHONE = "090-3141-5926"
MY_NUMBER = "1234 5678 9018"
HEAVY = ("pdfminer", "pypdfium2", "openpyxl", "docx", "pptx", "python_calamine", "extract_msg",
         "jsonschema", "PIL", "rapidocr", "onnxruntime", "pytesseract", "numpy")


def git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def hook_source(tmp_path: Path, env: dict[str, str]) -> tuple[Path, str]:
    """A git repository holding this working tree's piiscan, committed: what `rev:` names."""
    repo = tmp_path / "piiscan-src"
    repo.mkdir()
    for name in ("src", "rules"):
        shutil.copytree(ROOT / name, repo / name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml"):
        shutil.copy2(ROOT / name, repo / name)
    for args in (("init", "-q"), ("add", "-A"), ("commit", "-q", "-m", "piiscan")):
        proc = git(*args, cwd=repo, env=env)
        assert proc.returncode == 0, proc.stderr
    return repo, git("rev-parse", "HEAD", cwd=repo, env=env).stdout.strip()


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp_path = tmp_path_factory.mktemp("precommit")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
           "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
           "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1",
           "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PRE_COMMIT", None)
    source, rev = hook_source(tmp_path, env)
    project = tmp_path / "project"
    project.mkdir()
    assert git("init", "-q", cwd=project, env=env).returncode == 0
    (project / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {source}\n    rev: {rev}\n    hooks:\n      - id: piiscan\n",
        encoding="utf-8")
    for args in (["install"], ["install-hooks"]):
        proc = subprocess.run([str(VENV_BIN / "pre-commit"), *args], cwd=project, env=env,
                              capture_output=True, text=True, timeout=600, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    git("add", ".pre-commit-config.yaml", cwd=project, env=env)
    assert git("commit", "-q", "-m", "config", cwd=project, env=env).returncode == 0
    return project, env


def commit(project: Path, env: dict[str, str], *files: str, message: str = "change",
           extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    git("add", *files, cwd=project, env=env)
    return git("commit", "-m", message, cwd=project, env={**env, **(extra_env or {})})


@pytest.mark.slow
def test_commit_with_personal_data_is_blocked(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    (root / "customers.csv").write_text(f"氏名,電話番号\n山田 花子,{PHONE}\n", encoding="utf-8")
    proc = commit(root, env, "customers.csv")
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    assert "piiscan" in out and "Failed" in out
    for advice in ("piiscan:ignore", "piiscan baseline create",
                   "SKIP=piiscan git commit"):
        assert advice in out, out
    assert PHONE not in out
    # SKIP=piiscan: the documented escape hatch works
    skipped = commit(root, env, "customers.csv", extra_env={"SKIP": "piiscan"})
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr


@pytest.mark.slow
def test_commit_without_personal_data_passes(project: tuple[Path, dict[str, str]]) -> None:
    root, env = project
    (root / "notes.txt").write_text("議事録：特記事項なし。\n", encoding="utf-8")
    proc = commit(root, env, "notes.txt")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout + proc.stderr


@pytest.mark.slow
def test_binary_office_file_is_scanned(project: tuple[Path, dict[str, str]]) -> None:
    openpyxl = pytest.importorskip("openpyxl")  # a dev dependency: always installed
    root, env = project
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["氏名", "個人番号"])
    sheet.append(["佐藤 一郎", MY_NUMBER])
    book.save(root / "名簿.xlsx")
    proc = commit(root, env, "名簿.xlsx")
    assert proc.returncode != 0, proc.stdout + proc.stderr
    git("reset", "-q", "名簿.xlsx", cwd=root, env=env)
    (root / "名簿.xlsx").unlink()


@pytest.mark.slow
def test_baselined_finding_passes_and_new_one_fails(project: tuple[Path, dict[str, str]]
                                                     ) -> None:
    root, env = project
    (root / "fixture.txt").write_text(f"電話 {PHONE}\nマイナンバー {MY_NUMBER}\n",
                                      encoding="utf-8")
    created = subprocess.run([str(VENV_BIN / "piiscan"), "baseline", "create", "fixture.txt"],
                             cwd=root, env=env, capture_output=True, text=True, check=False)
    assert created.returncode == 0, created.stderr
    proc = commit(root, env, "fixture.txt", ".piiscan-baseline.json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    with (root / "fixture.txt").open("a", encoding="utf-8") as fh:
        fh.write("電話 080-2718-2818\n")
    proc = commit(root, env, "fixture.txt")
    assert proc.returncode != 0, proc.stdout + proc.stderr


def test_hook_run_imports_no_heavy_extractor(tmp_path: Path) -> None:
    """Three text files, as pre-commit passes them: no PDF/Office/mail/schema library is
    imported (those cost ~250 ms of start-up), and the whole run stays well under a second."""
    for i in range(3):
        (tmp_path / f"f{i}.txt").write_text(f"電話 {PHONE}\n", encoding="utf-8")
    code = ("import sys, runpy; sys.argv = ['piiscan', 'scan', '--hook', 'f0.txt', 'f1.txt', "
            "'f2.txt']\ntry:\n    runpy.run_module('piiscan', run_name='__main__')\n"
            "except SystemExit as e:\n    rc = e.code\n"
            f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
            "print('HEAVY', heavy, 'RC', rc, file=sys.stderr)")
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert "HEAVY [] RC 1" in proc.stderr, proc.stderr


def test_hook_definition() -> None:
    import yaml

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "piiscan")
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert "types" not in hook and "types_or" not in hook  # DOCX/XLSX/PDF are binary
    assert hook["entry"].split()[:2] == ["piiscan", "scan"]


def test_github_actions_example_is_consistent() -> None:
    import yaml

    workflow = yaml.safe_load(
        (ROOT / "examples" / "github-actions" / "piiscan.yml").read_text(encoding="utf-8"))
    job = workflow["jobs"]["piiscan"]
    assert job["permissions"]["security-events"] == "write"
    steps = job["steps"]
    scan = next(s for s in steps if "piiscan scan" in s.get("run", ""))
    sarif = next(tok for tok in scan["run"].split() if tok.endswith(".sarif"))
    upload = next(s for s in steps if "upload-sarif" in s.get("uses", ""))
    assert upload["with"]["sarif_file"] == sarif
