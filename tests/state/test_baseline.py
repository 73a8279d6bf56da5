"""Baselines: accepted findings do not fail the run, new ones do, stale entries are
reported, and the file never churns or holds a value."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from statekit import Run

from piiscan.errors import ConfigError
from piiscan.state.baseline import DEFAULT_KDF, SECRET_ENV, Baseline

PHONE = "090-3141-5926"
MY_NUMBER = "1234 5678 9018"
OTHER_PHONE = "080-2718-2818"


def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / "data").mkdir(parents=True)
    (root / ".git").mkdir()  # a git work tree root, for baseline discovery
    (root / "data" / "customers.txt").write_text(
        f"顧客 電話 {PHONE}\nマイナンバー {MY_NUMBER}\n", encoding="utf-8")
    (root / "README.txt").write_text("議事録 特記事項なし\n", encoding="utf-8")
    return root


def test_create_format_and_passing_scan(tmp_path: Path, run: Run) -> None:
    root = repo(tmp_path)
    assert run("scan", ".", cwd=root).exit_code == 1
    created = run("baseline", "create", cwd=root)
    assert created.exit_code == 0, created.output
    text = (root / ".piiscan-baseline.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["version"] == 1 and data["secret"] is False
    assert data["kdf"]["name"] == "scrypt" and len(bytes.fromhex(data["kdf"]["salt"])) == 16
    entries = data["entries"]
    assert [(e["path"], e["type"]) for e in entries] == [("data/customers.txt", "MY_NUMBER"),
                                                          ("data/customers.txt", "PHONE")]
    assert all(set(e) == {"path", "type", "rule_id", "fingerprint"} for e in entries)
    assert all(len(e["fingerprint"]) == 5 for e in entries)
    assert entries == sorted(entries, key=lambda e: (e["path"], e["type"], e["rule_id"],
                                                     e["fingerprint"]))
    for raw in (PHONE, PHONE.replace("-", ""), MY_NUMBER, MY_NUMBER.replace(" ", "")):
        assert raw not in text

    result = run("scan", ".", "-f", "json", cwd=root)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["suppressed"] == {"baseline": 2}


def test_moved_lines_still_match_new_value_fails_stale_reported(tmp_path: Path,
                                                                run: Run) -> None:
    root = repo(tmp_path)
    run("baseline", "create", cwd=root)
    before = (root / ".piiscan-baseline.json").read_bytes()
    data = root / "data" / "customers.txt"
    data.write_text(f"\n\n追記\nマイナンバー {MY_NUMBER}\n顧客 電話 {PHONE}\n", encoding="utf-8")
    assert run("scan", ".", cwd=root).exit_code == 0  # no line numbers in entries

    data.write_text(f"顧客 電話 {PHONE}\n新規 電話 {OTHER_PHONE}\n", encoding="utf-8")
    result = run("scan", ".", cwd=root)
    assert result.exit_code == 1
    assert "baseline update data/customers.txt" in result.stderr
    assert "1 baseline entries match nothing any more" in result.stderr
    assert "data/customers.txt  MY_NUMBER" in result.stderr

    # update: the new value is accepted, the stale entry dropped, the salt kept
    assert run("baseline", "update", cwd=root).exit_code == 0
    after = json.loads((root / ".piiscan-baseline.json").read_text(encoding="utf-8"))
    assert json.loads(before)["kdf"] == after["kdf"]
    assert sorted(e["type"] for e in after["entries"]) == ["PHONE", "PHONE"]
    assert run("scan", ".", cwd=root).exit_code == 0
    # updating again changes nothing: no churn
    again = (root / ".piiscan-baseline.json").read_bytes()
    run("baseline", "update", cwd=root)
    assert (root / ".piiscan-baseline.json").read_bytes() == again


def test_update_of_some_paths_keeps_the_others(tmp_path: Path, run: Run) -> None:
    root = repo(tmp_path)
    (root / "other.txt").write_text(f"電話 {OTHER_PHONE}\n", encoding="utf-8")
    run("baseline", "create", cwd=root)
    (root / "other.txt").write_text("消しました\n", encoding="utf-8")
    run("baseline", "update", "data/customers.txt", cwd=root)
    entries = json.loads((root / ".piiscan-baseline.json").read_text(encoding="utf-8"))["entries"]
    assert "other.txt" in {e["path"] for e in entries}


def test_create_refuses_to_overwrite_and_scan_from_subfolder(tmp_path: Path, run: Run) -> None:
    root = repo(tmp_path)
    run("baseline", "create", cwd=root)
    again = run("baseline", "create", cwd=root)
    assert again.exit_code == 2 and "baseline update" in again.stderr
    # run from a subfolder: the baseline at the git root is found, paths still match
    assert run("scan", "customers.txt", cwd=root / "data").exit_code == 0
    assert run("scan", "customers.txt", "--no-baseline", cwd=root / "data").exit_code == 1


def test_no_ignore_audits_baselined_findings(tmp_path: Path, run: Run) -> None:
    root = repo(tmp_path)
    run("baseline", "create", cwd=root)
    result = run("scan", ".", "--no-ignore", "-f", "json", cwd=root)
    assert result.exit_code == 1
    findings = [f for fr in json.loads(result.stdout)["files"] for f in fr["findings"]]
    assert len(findings) == 2
    assert all({"code": "audit", "detail": "baseline",
                "text": "suppressed by baseline; reported because of --no-ignore"}
               in f["reasons"] for f in findings)
    assert "--no-ignore: 2 findings that would be suppressed are reported (baseline 2)" \
        in result.stderr


def test_secret_keyed_baseline(tmp_path: Path, run: Run, monkeypatch: pytest.MonkeyPatch
                               ) -> None:
    root = repo(tmp_path)
    monkeypatch.setenv(SECRET_ENV, "correct horse")
    assert run("baseline", "create", "--secret", cwd=root).exit_code == 0
    plain = Baseline.new(root / "x.json")
    keyed = Baseline.load(root / ".piiscan-baseline.json")
    plain.salt = keyed.salt
    assert plain.hasher()("PHONE", PHONE) != keyed.hasher()("PHONE", PHONE)
    assert run("scan", ".", cwd=root).exit_code == 0
    monkeypatch.delenv(SECRET_ENV)
    result = run("scan", ".", cwd=root)
    assert result.exit_code == 2 and SECRET_ENV in result.stderr


def test_versions_and_damage(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"version": 99, "entries": []}), encoding="utf-8")
    with pytest.raises(ConfigError, match="newer"):
        Baseline.load(path)
    path.write_bytes("{}".encode("utf-16"))
    with pytest.raises(ConfigError, match="UTF-8"):
        Baseline.load(path)


def test_fingerprint_is_slow_and_truncated() -> None:
    """The figure quoted in docs/pre-commit.md: the cost of one guess."""
    baseline = Baseline.new(Path("b.json"))
    start = time.perf_counter()
    for i in range(5):
        fp = baseline.hasher()("MY_NUMBER", f"12345678901{i}")
    per_entry = (time.perf_counter() - start) / 5
    assert len(fp) == 5 and int(fp, 16) < 2 ** DEFAULT_KDF["bits"]
    assert per_entry > 0.005, per_entry  # memory-hard scrypt, not a fast hash
    # same value, other spelling: one fingerprint
    assert baseline.hasher()("PHONE", "090-1234-5678") == \
        baseline.hasher()("PHONE", "０９０１２３４５６７８")


@pytest.mark.parametrize(("name", "value"), [
    ("n", 1 << 22),  # every fingerprint would need 4 GiB: "internal error" on every file
    ("n", 1 << 4),  # cheap to brute-force
    ("n", 30000),  # not a power of two
    ("r", 1),
    ("r", 1000),
    ("p", 64),
    ("bits", 64),  # a whole hash: no ambiguity left for an attacker
    ("bits", 4),  # every new value would look baselined
    ("n", "16384"),
    ("n", True),
])
def test_hostile_kdf_parameters_are_refused_at_load(tmp_path: Path, run: Run, name: str,
                                                    value: object) -> None:
    """A committed baseline is input from anyone who can open a pull request: its scrypt
    parameters are checked when it is read, and a bad one stops the run (exit 2) with one
    line naming the file, the parameter and the allowed range."""
    root = repo(tmp_path)
    assert run("baseline", "create", cwd=root).exit_code == 0
    path = root / ".piiscan-baseline.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["kdf"][name] = value
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{name}.*allowed"):
        Baseline.load(path)
    result = run("scan", ".", cwd=root)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(path.name) in lines[0] and f"'{name}'" in lines[0], lines
    assert "allowed" in lines[0]


def test_short_salt_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    baseline = Baseline.new(path)
    data = json.loads(baseline.dump())
    data["kdf"]["salt"] = "00"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match="salt"):
        Baseline.load(path)
