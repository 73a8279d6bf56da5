"""Patterns compiled on first use, from programs kept in the compiled cache: the same pattern
objects ``re.compile`` makes, whether the program was just made, read back, damaged or
refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from piiscan import compiled, lazyre
from piiscan.recognizers import names

KANJI = names.KANJI
PATTERNS = [
    (f"(?<!{KANJI})({KANJI}{{1,4}})[ \u3000]({KANJI}{{1,4}})(?!{KANJI})", 0),
    (r"(?P<label>氏名|名前)[:：]\s*(?P<value>[^\s,]+)", 0),
    (r"(?i)\b(?:tel|phone)\s*[:：]?", 0),
    (r"[ァ-ヺー]+(?:\s[ァ-ヺー]+)?", re.ASCII),
    (r"^\d{3}-?\d{4}$", re.MULTILINE),
]
TEXT = "担当 山田 太郎様 氏名：佐藤花子, TEL: 03 ヤマダ タロウ\n100-0001\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(compiled.ENV, str(folder))
    return folder


def _same(built: re.Pattern[str], pattern: str, flags: int) -> None:
    expected = re.compile(pattern, flags)
    assert built == expected  # re.Pattern equality compares the programs
    assert (built.flags, built.groups, built.groupindex) == (
        expected.flags, expected.groups, expected.groupindex)
    assert [m.span() for m in built.finditer(TEXT)] == [m.span() for m in expected.finditer(TEXT)]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_kept_program_makes_the_pattern_re_compiles(cache: Path, pattern: str,
                                                      flags: int) -> None:
    _same(lazyre.from_program(pattern, flags), pattern, flags)  # made and kept
    (entry,) = cache.glob("re-*.bin")
    assert entry.stat().st_size > 16
    _same(lazyre.from_program(pattern, flags), pattern, flags)  # read back
    _same(lazyre.lazy(pattern, flags)(), pattern, flags)


def test_reading_back_does_not_compile(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pattern, flags = PATTERNS[0]
    lazyre.from_program(pattern, flags)

    def refuse(*args: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(lazyre, "_compile_program", refuse)
    monkeypatch.setattr(re, "compile", refuse)
    assert lazyre.from_program(pattern, flags).pattern == pattern


@pytest.mark.parametrize("damage", [
    lambda data: data[:-7],                    # cut short: the digest no longer matches
    lambda data: data[:20] + b"\xff" + data[21:],  # one byte changed
    lambda data: b"\x00" * len(data),
    lambda data: b"x",
])
def test_a_damaged_entry_is_compiled_and_forgotten(cache: Path, damage: object) -> None:
    pattern, flags = PATTERNS[1]
    lazyre.from_program(pattern, flags)
    (entry,) = cache.glob("re-*.bin")
    entry.write_bytes(damage(entry.read_bytes()))  # type: ignore[operator]
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert not entry.exists()  # made again by the next process
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert entry.exists()


def test_a_program_the_matcher_refuses_is_compiled(cache: Path) -> None:
    """A program that passes the digest but not the matcher's own check (another Python
    wrote it under the same name, say) is not run."""
    import marshal

    pattern, flags = PATTERNS[1]
    lazyre.from_program(pattern, flags)
    (entry,) = cache.glob("re-*.bin")
    program = list(marshal.loads(entry.read_bytes()[16:]))
    program[1] = [99999] * 8  # not a program
    data = marshal.dumps(tuple(program))
    entry.write_bytes(lazyre._digest(data) + data)
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert not entry.exists()


def test_a_compiler_that_works_otherwise_keeps_nothing(cache: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the program made here is not the one re.compile makes, an empty entry says so
    and every process compiles the pattern itself."""
    pattern, flags = PATTERNS[2]
    real = lazyre._compile_program

    def other(p: str, f: int) -> tuple[object, ...]:
        program = list(real(p, f))
        program[0] |= re.ASCII  # a different pattern object
        return tuple(program)

    monkeypatch.setattr(lazyre, "_compile_program", other)
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    (entry,) = cache.glob("re-*.bin")
    assert entry.read_bytes() == b""
    monkeypatch.setattr(lazyre, "_compile_program", real)
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert entry.read_bytes() == b""


def test_no_cache_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV, "off")
    for pattern, flags in PATTERNS:
        _same(lazyre.from_program(pattern, flags), pattern, flags)


def test_every_lazy_pattern_of_piiscan_is_kept_as_re_compiles_it(cache: Path) -> None:
    """The patterns piiscan declares lazily, made from programs, are the ones re.compile
    makes (each compared program by program)."""
    import gc

    lazies = [obj for obj in gc.get_objects()
              if callable(obj) and getattr(obj, "__name__", "") == "compiled_pattern"
              and getattr(obj, "__wrapped__", None) is not None]
    assert len(lazies) >= 20
    for made in lazies:
        flags, pattern = (cell.cell_contents for cell in made.__wrapped__.__closure__)
        _same(lazyre.from_program(pattern, flags), pattern, flags)
        _same(lazyre.from_program(pattern, flags), pattern, flags)
