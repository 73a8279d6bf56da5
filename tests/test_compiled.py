"""The compiled cache: made once, reused, owner-only, never trusted when others could write
it, and a damaged entry is made again."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from piiscan import compiled
from piiscan.data import load_words
from piiscan.rules.prescan import WordScanner


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(compiled.ENV, str(folder))
    return folder


def test_made_once_then_read(cache: Path) -> None:
    made: list[int] = []

    def make() -> bytes:
        made.append(1)
        return b"data"

    name = compiled.key("a", b"b")
    assert compiled.cached("t", name, make) == b"data"
    assert compiled.cached("t", name, make) == b"data"
    assert made == [1]
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700
    (entry,) = cache.iterdir()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600


def test_names_differ_with_every_input() -> None:
    assert len({compiled.key("a", "b"), compiled.key("ab"), compiled.key("a", "c"),
                compiled.key(b"a", "b")}) == 3  # str and bytes of the same text are one


def test_off_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV, "off")
    assert compiled.cached("t", "x", lambda: b"1") == b"1"
    assert compiled.cache_dir() is None


def test_a_folder_others_may_write_is_not_trusted(cache: Path) -> None:
    cache.mkdir(mode=0o700)
    (cache / f"t-{compiled.key('x')}.bin").write_bytes(b"planted")
    cache.chmod(0o777)
    assert compiled.cache_dir() is None
    assert compiled.cached("t", compiled.key("x"), lambda: b"made") == b"made"


def test_damaged_entries_are_made_again(cache: Path) -> None:
    words = load_words.__wrapped__("prefectures")  # type: ignore[attr-defined]
    for entry in cache.iterdir():
        entry.write_bytes(b"\x00garbage")
    assert load_words.__wrapped__("prefectures") == words  # type: ignore[attr-defined]
    scanner = WordScanner({"k": ["東京都", "大阪府"]}, "hyperscan")
    assert scanner.scan("東京都と大阪府") == {"k": [(0, 3), (4, 7)]}
    for entry in cache.glob("hs-*.bin"):
        entry.write_bytes(b"\x00garbage")
    again = WordScanner({"k": ["東京都", "大阪府"]}, "hyperscan")
    assert again.scan("東京都と大阪府") == {"k": [(0, 3), (4, 7)]}


def test_yaml_is_kept_as_json_and_parsed_again_when_json_would_change_it(cache: Path) -> None:
    assert compiled.yaml_data(b"a: [1, x, true]\n") == {"a": [1, "x", True]}
    assert len(list(cache.glob("yaml-*.bin"))) == 1
    assert compiled.yaml_data(b"a: [1, x, true]\n") == {"a": [1, "x", True]}
    assert compiled.yaml_data(b"1: one\n") == {1: "one"}  # a number as a key stays one
    assert len(list(cache.glob("yaml-*.bin"))) == 1
    with pytest.raises(compiled.YamlError) as raised:
        compiled.yaml_data(b"a: [1\nb: 2\n")
    assert raised.value.line is not None


def test_each_kind_keeps_its_newest_entries(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many entries of one kind (re programs) never push out another kind's (the rules');
    a process prunes a kind once, when it first stores one."""
    import os

    monkeypatch.setattr(compiled, "KEEP", 3)
    monkeypatch.setattr(compiled, "_pruned", set())
    compiled.cached("yaml", "rules", lambda: b"kept")
    for i in range(6):
        (cache / f"t-p{i}.bin").write_bytes(b"program")
        os.utime(cache / f"t-p{i}.bin", (1000 + i, 1000 + i))
    (cache / ".t-p0.bin.1.tmp").write_bytes(b"left by a dead process")
    os.utime(cache / ".t-p0.bin.1.tmp", (1000, 1000))
    compiled.cached("t", "p6", lambda: b"program")
    assert sorted(p.name for p in cache.glob("t-*.bin")) == ["t-p4.bin", "t-p5.bin", "t-p6.bin"]
    assert not list(cache.glob(".*.tmp"))
    assert (cache / "yaml-rules.bin").read_bytes() == b"kept"
    (cache / "t-p0.bin").write_bytes(b"program")
    compiled.cached("t", "p7", lambda: b"program")  # pruned already by this process
    assert len(list(cache.glob("t-*.bin"))) == 5


def test_a_cache_that_cannot_be_written_is_not_kept(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("")
    monkeypatch.setenv(compiled.ENV, str(blocker / "cache"))
    assert compiled.store("t", "x", b"1") is False
    assert compiled.read("t", "x") is None
    assert compiled.cached("t", "x", lambda: b"made") == b"made"
    compiled.forget("t", "x")
