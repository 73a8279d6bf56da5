"""Configuration files: discovery upward, unknown keys, precedence under flags, `config show`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from piiscan.cli import main
from piiscan.configfile import discover, find_config, load_config, merge, parse_size
from piiscan.errors import ConfigError

PHONE = "090-3141-5926"


def cli(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_discovery_walks_up_and_prefers_piiscan_toml(tmp_path: Path) -> None:
    def found(start: Path) -> Path | None:
        path = find_config(start)  # ignore whatever lies above the temporary folder
        return path if path is not None and tmp_path in path.parents else None

    deep = tmp_path / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (deep / "f.txt").write_text("x", encoding="utf-8")
    assert found(deep / "f.txt") is None
    (tmp_path / "a" / "pyproject.toml").write_text("[project]\nname='x'\n", encoding="utf-8")
    assert found(deep) is None  # a pyproject.toml without [tool.piiscan] does not count
    (tmp_path / "pyproject.toml").write_text('[tool.piiscan]\nfail_on = "high"\n',
                                             encoding="utf-8")
    assert found(deep / "f.txt") == tmp_path / "pyproject.toml"
    (tmp_path / "a" / ".piiscan.toml").write_text('fail_on = "critical"\n', encoding="utf-8")
    assert found(deep) == tmp_path / "a" / ".piiscan.toml"
    (tmp_path / "a" / "b" / "pyproject.toml").write_text('[tool.piiscan]\njobs = 2\n',
                                                         encoding="utf-8")
    assert found(deep) == tmp_path / "a" / "b" / "pyproject.toml"
    (tmp_path / "a" / "b" / ".piiscan.toml").write_text("jobs = 3\n", encoding="utf-8")
    assert found(deep) == tmp_path / "a" / "b" / ".piiscan.toml"


def test_unknown_key_and_bad_value_name_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / ".piiscan.toml"
    config.write_text('exlude = ["*.log"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"\.piiscan\.toml: unknown key 'exlude'"):
        load_config(config)
    (tmp_path / "f.txt").write_text("x", encoding="utf-8")
    result = cli("scan", str(tmp_path / "f.txt"))
    assert result.exit_code == 2
    assert "unknown key 'exlude'" in result.stderr and str(config) in result.stderr
    config.write_text('fail_on = "severe"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="key 'fail_on': expected one of"):
        load_config(config)
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.piiscan]\nmax-file-size = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"pyproject.toml \[tool.piiscan\]: key 'max-file-size'"):
        load_config(pyproject)
    config.write_text("fail_on = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="invalid TOML"):
        load_config(config)


def test_flags_override_scalars_and_extend_lists(tmp_path: Path) -> None:
    (tmp_path / ".piiscan.toml").write_text(
        'fail_on = "high"\nexclude = ["*.log"]\nmax_file_size = "1M"\nrules = ["myrules"]\n',
        encoding="utf-8")
    config = discover([str(tmp_path)])
    assert config.values["rules"] == (str(tmp_path / "myrules"),)  # relative to the file
    eff = merge(config, {"fail_on": "low", "exclude": ("*.tmp",)}, {"exclude"})
    assert eff["fail_on"] == "high" and eff.sources["fail_on"].endswith(".piiscan.toml")
    assert eff["exclude"] == ("*.log", "*.tmp")
    assert eff["max_file_size"] == 1024 * 1024
    eff = merge(config, {"fail_on": "medium"}, {"fail_on"})
    assert eff["fail_on"] == "medium" and eff.sources["fail_on"] == "command line"
    assert parse_size("256M") == 256 * 1024 * 1024 and parse_size(10) == 10


def test_config_applies_to_scan_and_flag_wins(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[tool.piiscan]\nfail_on = "critical"\nexclude = ["skip/"]\n', encoding="utf-8")
    (tmp_path / "a.txt").write_text(f"電話 {PHONE}\n", encoding="utf-8")
    (tmp_path / "skip").mkdir()
    (tmp_path / "skip" / "b.txt").write_text(f"電話 {PHONE}\n", encoding="utf-8")
    result = cli("scan", ".", "-f", "json")
    assert result.exit_code == 0  # a phone is not critical
    data = json.loads(result.stdout)
    assert data["summary"]["excluded"] == 1
    assert data["scan"]["settings"]["fail_on"] == "critical"
    assert cli("scan", ".", "--fail-on", "low").exit_code == 1
    other = tmp_path / "other.toml"
    other.write_text('fail_on = "low"\n', encoding="utf-8")
    assert cli("scan", ".", "--config", str(other)).exit_code == 1


def test_config_show(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    result = cli("config", "show")
    assert result.exit_code == 0
    assert "none found: defaults apply" in result.stdout
    assert 'fail_on = "low"  # default' in result.stdout
    (tmp_path / ".piiscan.toml").write_text(
        'fail_on = "high"\nstate = true\nallow_values = ["03-5555-0000"]\n', encoding="utf-8")
    result = cli("config", "show")
    assert f'fail_on = "high"  # {tmp_path / ".piiscan.toml"}' in result.stdout
    assert str(tmp_path / "xdg" / "piiscan" / "state.db") in result.stdout
    assert "03-5555-0000" not in result.stdout
    assert "allow_values = <1 values, not shown>" in result.stdout
