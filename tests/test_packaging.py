"""Build the wheel, install it in a fresh virtual environment outside the source tree, and
scan with the built-in rules: packaging mistakes (rules or data left out of the wheel, a
missing dependency, a broken entry point) fail here."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_scans_outside_the_source_tree(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir",
                    str(dist), str(ROOT)], check=True, capture_output=True, timeout=300)
    wheel = next(dist.glob("piiscan-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "piiscan/builtin_rules/jp/my_number.yaml" in names
    assert "piiscan/rules/schema.json" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                    str(wheel)], check=True, capture_output=True, timeout=600)

    share = tmp_path / "share"
    share.mkdir()
    (share / "a.txt").write_text("マイナンバー：1234 5678 9018\n", encoding="cp932")
    workdir = tmp_path / "elsewhere"
    workdir.mkdir()
    proc = subprocess.run([str(env_dir / "bin" / "piiscan"), "scan", str(share), "-f", "json"],
                          capture_output=True, text=True, cwd=workdir, timeout=120, check=False)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert report["summary"]["by_type"] == {"MY_NUMBER": 1}
    where = subprocess.run([str(python), "-c", "import piiscan; print(piiscan.__file__)"],
                           capture_output=True, text=True, cwd=workdir, check=True).stdout
    assert str(env_dir) in where and str(ROOT) not in where
    tested = subprocess.run([str(env_dir / "bin" / "piiscan"), "rules", "test"],
                            capture_output=True, text=True, cwd=workdir, check=False)
    assert tested.returncode == 0, tested.stdout
