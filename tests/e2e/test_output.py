"""What people see on standard output and error (issue 12): the hook's screenful, advice
only where it applies, -q with a machine format, and rule ids that are never cut."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from clirunner import CLI

ROOT = Path(__file__).parents[2]
PHONE = "090-3141-5926"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None,
        columns: int = 100) -> subprocess.CompletedProcess[str]:
    full_env = {key: value for key, value in os.environ.items()
                if key not in ("CI", "PRE_COMMIT")}
    full_env.update({"NO_COLOR": "1", "COLUMNS": str(columns), **(env or {})})
    return subprocess.run([sys.executable, "-m", "piiscan", *args], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git work tree guarded by piiscan (a pre-commit configuration at its root)."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".pre-commit-config.yaml").write_text("repos: []\n", encoding="utf-8")
    (tmp_path / "customers.csv").write_text(f"氏名,電話番号\n山田 花子,{PHONE}\n",
                                            encoding="utf-8")
    return tmp_path


def test_hook_output_fits_a_screen(repo: Path) -> None:
    """One finding: where, what, and the ways out; no file-server advice (issue 12: ~30
    lines with world-readable permissions and PPC breach reports)."""
    proc = run("scan", "customers.csv", cwd=repo, env={"PRE_COMMIT": "1"})
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    lines = out.splitlines()
    assert len(lines) <= 12, out
    assert "customers.csv!B2  電話番号 (phone)  ***-****-5926" in out and PHONE not in out
    for way in ("piiscan:ignore[", "allow_paths", "piiscan baseline create",
                ".piiscan-baseline.json", "SKIP=piiscan git commit"):
        assert way in out, way
    for noise in ("world-readable", "全ユーザー", "PPC", "漏えい", "breach", "┏", "about "):
        assert noise not in out, noise


def test_hook_after_a_baseline_lists_only_what_blocks(repo: Path) -> None:
    assert run("baseline", "create", "customers.csv", cwd=repo).returncode == 0
    (repo / "new.txt").write_text("マイナンバー：123456789018\n", encoding="utf-8")
    proc = run("scan", "--hook", "customers.csv", "new.txt", cwd=repo)
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert "new.txt" in out and "customers.csv!" not in out
    assert "なし none" not in out and "about 0" not in out
    assert "piiscan baseline update new.txt" in out


def test_table_leaves_out_files_whose_findings_are_all_suppressed(repo: Path) -> None:
    assert run("baseline", "create", "customers.csv", cwd=repo).returncode == 0
    proc = run("scan", "customers.csv", cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "no personal data found" in proc.stdout
    assert "なし none" not in proc.stdout and "about 0" not in proc.stdout
    assert "2 suppressed" in proc.stdout


def test_baseline_advice_only_where_piiscan_guards_a_repository(repo: Path,
                                                                 tmp_path_factory) -> None:
    guarded = run("scan", "customers.csv", cwd=repo)
    assert "piiscan baseline create" in guarded.stderr
    share = tmp_path_factory.mktemp("share")
    (share / "customers.csv").write_bytes((repo / "customers.csv").read_bytes())
    plain = run("scan", ".", cwd=share)
    assert plain.returncode == 1 and "What to do next" in plain.stderr
    assert "baseline" not in plain.stderr
    # `make demo`: examples/share inside piiscan's own clone is a share, not a project.
    demo = run("scan", "examples/share", cwd=ROOT)
    assert demo.returncode == 1 and "What to do next" in demo.stderr
    assert "baseline" not in demo.stderr


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv"])
def test_quiet_with_a_format_prints_that_report_only(repo: Path, fmt: str) -> None:
    """-q -f json printed nothing (issue 12): now the report, and nothing else."""
    proc = run("scan", "customers.csv", "-q", "-f", fmt, cwd=repo)
    assert proc.returncode == 1 and proc.stderr == ""
    if fmt == "json":
        assert json.loads(proc.stdout)["summary"]["findings"] == 2
    elif fmt == "jsonl":
        assert json.loads(proc.stdout.splitlines()[-1])["type"] == "summary"
    else:
        assert proc.stdout.startswith("\ufeffrecord,") or proc.stdout.startswith("record,")
    assert "piiscan: 1 files scanned" not in proc.stdout


@pytest.mark.parametrize("columns", [60, 80, 200])
def test_rules_list_never_cuts_an_id(cli: CLI, columns: int) -> None:
    listed = json.loads(cli.run("rules", "list", "-f", "json").stdout)
    assert len(listed) > 30 and {"id", "type", "category", "severity", "name"} <= set(listed[0])
    table = run("rules", "list", cwd=ROOT, columns=columns)
    assert table.returncode == 0
    words = set(table.stdout.split())
    missing = [r["id"] for r in listed if r["id"] not in words]
    assert missing == [], missing
