"""Patterns compiled on first use, from programs kept in the compiled cache: the same pattern
objects ``re.compile`` makes, whether the program was just made, read back, damaged or
refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from piiscan import compiled, lazyre
from piiscan.extract import structured
from piiscan.recognizers import names
from piiscan.structure import values

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
    monkeypatch.setattr(lazyre, "_unkept", False)
    return folder


def _same(built: re.Pattern[str], pattern: str, flags: int) -> None:
    expected = re.compile(pattern, flags)
    assert built == expected  # re.Pattern equality compares the programs
    assert (built.flags, built.groups, built.groupindex) == (
        expected.flags, expected.groups, expected.groupindex)
    assert [(m.span(), m.groups(), m.groupdict(), m.lastgroup) for m in built.finditer(TEXT)] \
        == [(m.span(), m.groups(), m.groupdict(), m.lastgroup) for m in expected.finditer(TEXT)]


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
    lambda data: b"",
])
def test_a_damaged_entry_is_compiled_and_made_again(cache: Path, damage: object) -> None:
    pattern, flags = PATTERNS[1]
    lazyre.from_program(pattern, flags)
    (entry,) = cache.glob("re-*.bin")
    sound = entry.read_bytes()
    entry.write_bytes(damage(sound))  # type: ignore[operator]
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert entry.read_bytes() == sound
    _same(lazyre.from_program(pattern, flags), pattern, flags)


def test_a_program_the_matcher_refuses_is_compiled(cache: Path) -> None:
    """A program that passes the digest but not the matcher's own check (another Python
    wrote it under the same name, say) is not run."""
    import marshal

    pattern, flags = PATTERNS[1]
    lazyre.from_program(pattern, flags)
    (entry,) = cache.glob("re-*.bin")
    name = entry.name.removeprefix("re-").removesuffix(".bin")
    program = list(marshal.loads(entry.read_bytes()[16:]))
    program[1] = [99999] * 8  # not a program
    data = marshal.dumps(tuple(program))
    sound = entry.read_bytes()
    entry.write_bytes(lazyre._digest(name, data) + data)
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert entry.read_bytes() == sound


def test_a_compiler_that_works_otherwise_keeps_a_marker(cache: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the program made here is not the one re.compile makes, the entry says so and
    every process compiles the pattern itself, without making a program again."""
    pattern, flags = PATTERNS[2]
    real = lazyre._compile_program

    def other(p: str, f: int) -> tuple[object, ...]:
        program = list(real(p, f))
        program[0] |= re.ASCII  # a different pattern object
        return tuple(program)

    monkeypatch.setattr(lazyre, "_compile_program", other)
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    (entry,) = cache.glob("re-*.bin")
    assert entry.read_bytes() == lazyre._OTHER_COMPILER

    def refuse(*args: object) -> None:
        raise AssertionError("made a program again")

    monkeypatch.setattr(lazyre, "_compile_program", refuse)
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert entry.read_bytes() == lazyre._OTHER_COMPILER


def test_groups_are_compared_too(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """re.Pattern equality leaves the group names out; a program whose names differ is not
    kept."""
    pattern, flags = PATTERNS[1]
    real = lazyre._compile_program

    def renamed(p: str, f: int) -> tuple[object, ...]:
        program = list(real(p, f))
        program[3] = {"other": 1, "value": 2}
        program[4] = (None, "other", "value")
        return tuple(program)

    monkeypatch.setattr(lazyre, "_compile_program", renamed)
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    (entry,) = cache.glob("re-*.bin")
    assert entry.read_bytes() == lazyre._OTHER_COMPILER


def test_another_patterns_program_under_this_name_is_not_used(cache: Path) -> None:
    """An entry is bound to its name: a sound program copied over another entry fails its
    digest and is compiled instead."""
    (a, a_flags), (b, b_flags) = PATTERNS[0], PATTERNS[1]
    lazyre.from_program(a, a_flags)
    (entry_a,) = cache.glob("re-*.bin")
    lazyre.from_program(b, b_flags)
    (entry_b,) = set(cache.glob("re-*.bin")) - {entry_a}
    sound = entry_b.read_bytes()
    entry_b.write_bytes(entry_a.read_bytes())
    _same(lazyre.from_program(b, b_flags), b, b_flags)
    assert entry_b.read_bytes() == sound


def test_another_interpreters_entries_are_not_read(cache: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    pattern, flags = PATTERNS[0]
    lazyre.from_program(pattern, flags)
    monkeypatch.setattr(lazyre, "_runtime", "cpython\0another version")
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert len(list(cache.glob("re-*.bin"))) == 2


def test_a_cache_that_cannot_be_written_costs_one_compile(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A read-only home, a full disk: the first pattern finds out, the rest of the process
    compiles as re.compile does, once each, and nothing fails."""
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(compiled.ENV, str(blocker / "cache"))
    monkeypatch.setattr(lazyre, "_unkept", False)
    calls: list[str] = []
    real = lazyre._compile_program

    def counted(p: str, f: int) -> tuple[object, ...]:
        calls.append(p)
        return real(p, f)

    monkeypatch.setattr(lazyre, "_compile_program", counted)
    for pattern, flags in PATTERNS:
        _same(lazyre.from_program(pattern, flags), pattern, flags)
    assert calls == [PATTERNS[0][0]]
    assert lazyre._unkept


def test_an_entry_that_cannot_be_removed_is_left(cache: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pattern, flags = PATTERNS[1]
    lazyre.from_program(pattern, flags)
    (entry,) = cache.glob("re-*.bin")
    entry.write_bytes(b"damaged")

    def read_only(self: Path, missing_ok: bool = False) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", read_only)
    _same(lazyre.from_program(pattern, flags), pattern, flags)


def test_a_bad_pattern_raises_as_re_compile_does(cache: Path) -> None:
    with pytest.raises(re.error):
        lazyre.from_program("(unclosed", 0)
    assert not list(cache.glob("re-*.bin"))


def test_no_cache_compiles(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(compiled.ENV, "off")
    for pattern, flags in PATTERNS:
        _same(lazyre.from_program(pattern, flags), pattern, flags)


def test_every_lazy_pattern_of_piiscan_is_kept_as_re_compiles_it(cache: Path) -> None:
    """The patterns piiscan declares lazily, made from programs, are the ones re.compile
    makes (each compared program by program, groups and matches)."""
    lazies = [obj for module in (names, structured, values) for obj in vars(module).values()
              if getattr(obj, "__name__", "") == "compiled_pattern"
              and getattr(obj, "__wrapped__", None) is not None]
    assert len(lazies) >= 27
    for made in lazies:
        function = made.__wrapped__
        cells = dict(zip(function.__code__.co_freevars,
                         (c.cell_contents for c in function.__closure__), strict=True))
        pattern, flags = cells["pattern"], cells["flags"]
        _same(lazyre.from_program(pattern, flags), pattern, flags)
        _same(lazyre.from_program(pattern, flags), pattern, flags)


@pytest.mark.parametrize(("trouble", "kept"), [
    (AttributeError("no _code"), lazyre._OTHER_COMPILER),  # another compiler: said once
    (MemoryError(), None),  # this process's trouble: nothing kept, the next one tries
])
def test_trouble_making_a_program(cache: Path, monkeypatch: pytest.MonkeyPatch,
                                  trouble: Exception, kept: bytes | None) -> None:
    pattern, flags = PATTERNS[0]

    def fail(p: str, f: int) -> None:
        raise trouble

    monkeypatch.setattr(lazyre, "_compile_program", fail)
    _same(lazyre.from_program(pattern, flags), pattern, flags)
    entries = list(cache.glob("re-*.bin"))
    assert [e.read_bytes() for e in entries] == ([kept] if kept is not None else [])


# Patterns written with first_not_after, beside the look-behind form each stands for.
_LOOK_BEHIND_FORMS = [
    (names._RUN_RE, f"(?<!{KANJI})({KANJI}{{3,6}})(?!{KANJI})"),
    (names._SPACED_RE, f"(?<!{KANJI})({KANJI}{{1,4}}){names._SPACE}({KANJI}{{1,4}}|"
                       f"{names.HIRA}{{2,4}}|{names.KATA}{{2,5}})(?![{KANJI[1:-1]}ぁ-ゖァ-ヺー])"),
    (names._KANA_SPACED_RE, f"(?<![ァ-ヺーぁ-ゖｦ-ﾟ])({names.KATA}{{2,8}}|{names.HIRA}{{2,6}})"
                            f"{names._SPACE}({names.KATA}{{1,8}}|{names.HIRA}{{1,6}})"
                            "(?![ァ-ヺーぁ-ゖｦ-ﾟ])"),
    (names._KANA_LABEL_RE, "(?<![ァ-ヺーぁ-ゖ])(?:フリガナ|ふりがな|カナ氏名|氏名カナ|カナ|ヨミガナ|よみがな|"
                           f"セイメイ)(?P<sep>{names._SPACE}*[:：]?{names._SPACE}*)((?:{names.KATA}|"
                           f"{names.HIRA}){{1,10}}(?:{names._SPACE}(?:{names.KATA}|{names.HIRA})"
                           "{1,10})?)"),
    (lambda: structured._LOG_PAIR, structured._LOG_PAIR.pattern.replace(
        f"(?P<key>{structured._LOG_KEY_STARTS}", r"(?<![\w.])(?P<key>[A-Za-z_]")),
    (lambda: structured._QUOTED_KEY, structured._QUOTED_KEY.pattern.replace(
        f"(?P<qk>{structured._QUOTE_OPENS})", r"(?<![\w$.])(?P<qk>[\"'])")),
]
_TEXT = st.text(alphabet="山田太郎花子ヤマダタロウやまだ フリガナふりがなカナ:：　ｱ a_b.=x\"'1", max_size=60)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_first_not_after_matches_what_the_look_behind_matches(text: str) -> None:
    for written, look_behind in _LOOK_BEHIND_FORMS:
        pattern = written()
        assert pattern.pattern != look_behind
        expected = [(m.span(), m.groups()) for m in re.compile(look_behind).finditer(text)]
        assert [(m.span(), m.groups()) for m in pattern.finditer(text)] == expected, look_behind


def _near_finds_what_the_whole_text_search_finds(pattern: re.Pattern[str],
                                                 anchor: re.Pattern[str], before: int,
                                                 after: int, text: str) -> None:
    near = lazyre.finditer_near(pattern, text, anchor, before, after)
    assert [(m.span(), m.groups()) for m in near] == [
        (m.span(), m.groups()) for m in pattern.finditer(text)]


# Kanji (honorifics among them, and 宅 that some of them refuse after), kana, spaces.
_NAME_TEXT = st.text(alphabet="山田太様殿氏君先生医師弁護士被告人害患者宅さまんくちゃどのサマンタロ 　、。\n",
                     max_size=90)


@given(text=_NAME_TEXT)
@example(text="。山田太郎山田太郎 タロタロタ さん")  # the farthest start: 8 + 1 + 5 + 1 before
@example(text="山田様宅")
@example(text="山田被告人は")  # the longest honorific, cut short, would be 被告
@settings(max_examples=400)
def test_honorifics_are_looked_for_only_near_an_honorific(text: str) -> None:
    """finditer_near tries the honorific pattern only around an honorific's first
    character, and finds what the pattern finds over the whole text."""
    _near_finds_what_the_whole_text_search_finds(
        names._HONORIFIC_RE(), names._HONORIFIC_WORD_RE(), names._BEFORE_HONORIFIC,
        names._HONORIFIC_REACH, text)


def test_no_honorific_ends_with_the_beginning_of_another() -> None:
    """So the anchor finds every honorific: none hides inside the one found before it."""
    words = names._HONORIFIC_WORD_RE().pattern.split("|")
    for first in words:
        for second in words:
            assert not any(second.startswith(first[k:]) or first[k:].startswith(second)
                           for k in range(1, len(first))), (first, second)


_KANA_TEXT = st.text(alphabet="ヤマダタロウーァ・ｱﾞｶやまだたろうぁ 　山、\n\r\x85", max_size=90)


@given(text=_KANA_TEXT)
@example(text="、ヤマダタロウヤマ タロウタロウタロ、")  # 8 before the space, 8 after it
@example(text="やまだ たろう")
@example(text="ヤマダ タロウタロウタロウ")  # nine after the space: no match, the look-ahead says
@settings(max_examples=400)
def test_spaced_readings_are_looked_for_only_around_a_space(text: str) -> None:
    _near_finds_what_the_whole_text_search_finds(
        names._KANA_SPACED_RE(), names._SPACE_IN_KANA(), names._BEFORE_SPACE,
        names._SPACE_REACH, text)


_SPACED_TEXT = st.text(alphabet="山田太郎様タロウーぁさく 　、\n", max_size=90)


@given(text=_SPACED_TEXT)
@example(text="、山田太郎 タロウタロ、")  # 4 before the space, 5 after it
@example(text="山田 タロウタロウ")  # six after the space: no match, the look-ahead says
@settings(max_examples=400)
def test_spaced_names_are_looked_for_only_around_a_space_after_a_kanji(text: str) -> None:
    _near_finds_what_the_whole_text_search_finds(
        names._SPACED_RE(), names._SPACE_AFTER_KANJI(), names._BEFORE_GIVEN,
        names._GIVEN_REACH, text)


def test_finditer_near_joins_close_anchors_and_skips_the_rest() -> None:
    pattern, anchor = re.compile(r"[a-z]{1,3}!"), re.compile("!")
    text = "abc! x" + " " * 50 + "de!f!" + " " * 50
    near = lazyre.finditer_near(pattern, text, anchor, before=3, after=1)
    assert [m.group() for m in near] == ["abc!", "de!", "f!"]
    assert list(lazyre.finditer_near(pattern, "no anchor here", anchor, 3, 1)) == []
