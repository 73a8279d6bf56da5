"""``piiscan edm keygen|build|info`` and ``piiscan scan --edm``: what a user types, what a
user sees, and one line with exit code 2 for every mistake."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

import edmkit
from edmkit import World

Invoke = Callable[..., Result]


def one_error(result: Result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("piiscan: error: "), result.output
    for word in words:
        assert word in lines[0], lines[0]


def test_keygen_writes_once(run: Invoke, tmp_path: Path) -> None:
    done = run("edm", "keygen", "-o", "k")
    assert done.exit_code == 0 and "mode 0600" in done.output
    assert oct((tmp_path / "k").stat().st_mode & 0o777) == "0o600"
    one_error(run("edm", "keygen", "-o", "k"), "k exists")


def test_build_info_and_scan(run: Invoke, world: World, tmp_path: Path) -> None:
    done = run("edm", "build", str(world.master_csv), "--schema", str(world.schema),
               "--key-file", str(world.key), "-o", "c.edm", "--rules", str(world.rules))
    assert done.exit_code == 0, done.output
    assert f"wrote c.edm: {len(world.master)} rows, {8 * len(world.master)} values hashed " \
           f"(電話番号 {len(world.master)}," in done.output
    info = run("edm", "info", "c.edm", "--edm-key", str(world.key))
    assert "rows: 60 (named by 顧客ID)" in info.output and "the key matches" in info.output
    header = json.loads(run("edm", "info", "c.edm", "-f", "json").output)
    assert header["rows"] == 60 and "sections" not in header
    scanned = run("scan", str(world.share), "--edm", "c.edm", "--edm-key", str(world.key),
                  "--rules", str(world.rules), "-f", "json", "-j", "1")
    assert scanned.exit_code == 1, scanned.output
    report = json.loads(scanned.output)
    matched = [f for fr in report["files"] for f in fr["findings"] if "edm_row" in f]
    assert matched
    texts = {r["text"] for f in matched for r in f["reasons"] if r["code"] == "edm"}
    assert any(t.startswith("matches customer master row 10") and "+ name" in t for t in texts)


def test_the_config_file_names_the_index(run: Invoke, world: World, tmp_path: Path) -> None:
    (tmp_path / ".piiscan.toml").write_text(
        f'edm = "{world.index}"\nedm_key = "{world.key}"\nrules = ["{world.rules}"]\n',
        encoding="utf-8")
    share = tmp_path / "share"
    share.mkdir()
    p = world.master[0]
    (share / "memo.txt").write_text(f"{p.name}様 {p.phone}\n", encoding="utf-8")
    report = json.loads(run("scan", "share", "-f", "json", "-j", "1").output)
    (phone,) = [f for f in report["files"][0]["findings"] if f["type"] == "PHONE"]
    assert phone["edm_row"] == p.row_id


def test_scan_mistakes(run: Invoke, world: World, tmp_path: Path) -> None:
    index, key, rules = str(world.index), str(world.key), str(world.rules)
    share = str(world.share)
    one_error(run("scan", share, "--edm", index), "--edm needs --edm-key KEY")
    one_error(run("scan", share, "--edm-key", key), "--edm-key needs --edm INDEX")
    one_error(run("scan", share, "--edm", "none.edm", "--edm-key", key),
              "none.edm: no such EDM index")
    one_error(run("scan", share, "--edm", str(world.master_csv), "--edm-key", key),
              "not a piiscan EDM index")
    run("edm", "keygen", "-o", "other.key")
    one_error(run("scan", share, "--edm", index, "--edm-key", "other.key", "--rules", rules),
              "built with another EDM key")
    one_error(run("scan", share, "--edm", index, "--edm-key", key),
              "no rule in use finds MEMBER_ID", "--rules")
    os.chmod(key, 0o640)
    try:
        one_error(run("scan", share, "--edm", index, "--edm-key", key, "--rules", rules),
                  "chmod 600")
    finally:
        os.chmod(key, 0o600)


def test_build_mistakes(run: Invoke, world: World, tmp_path: Path) -> None:
    master, schema, key = str(world.master_csv), str(world.schema), str(world.key)
    one_error(run("edm", "build", master, "--schema", schema, "--key-file", key, "-o", "x"),
              "unknown type 'MEMBER_ID'", "--rules")
    one_error(run("edm", "build", "none.csv", "--schema", schema, "--key-file", key, "-o", "x",
                  "--rules", str(world.rules)), "none.csv: no such master file")
    one_error(run("edm", "build", master, "--schema", schema, "--key-file", "none.key",
                  "-o", "x", "--rules", str(world.rules)), "edm keygen")
    one_error(run("edm", "build", master, "--schema", schema, "--key-file", key, "-o", master,
                  "--rules", str(world.rules)), "the index would replace the master")
    assert not (tmp_path / "x").exists()
    bad = tmp_path / "bad.yaml"
    bad.write_text("primary: [{column: 電話番号, type: PHONE}]\nid_colum: 顧客ID\n",
                   encoding="utf-8")
    one_error(run("edm", "build", master, "--schema", str(bad), "--key-file", key, "-o", "x"),
              "bad.yaml: unknown field ('id_colum' was unexpected)")


def test_build_reads_xlsx(run: Invoke, world: World, tmp_path: Path) -> None:
    edmkit.write_master(tmp_path / "m.xlsx", world.master[:10])
    done = run("edm", "build", "m.xlsx", "--schema", str(world.schema), "--key-file",
               str(world.key), "-o", "x.edm", "--rules", str(world.rules))
    assert done.exit_code == 0 and "10 rows" in done.output, done.output
