"""Regular expressions compiled on first use, from a program kept between runs.

``re`` compiles a character class over the CJK ranges one character at a time: a pattern
with a kanji class takes 1-7 ms to compile. A module that compiles a dozen of them when it
is imported costs every process that much, whether or not a text ever needs them (a
pre-commit run over three source files needs none of the name patterns). A pattern that
only some texts need is declared with ``lazy`` and compiled the first time it is used:

    _LABEL = lazy(f"(?:{LABELS})[:：]")
    for m in _LABEL().finditer(text): ...

What ``re`` compiles a pattern to (the program its matcher runs) depends only on the pattern,
its flags and the interpreter, so on CPython it is kept in the compiled cache
(``piiscan.compiled``) under a name made of all of them, and the next process builds the
pattern object from it without compiling: the name patterns cost a pre-commit run about
20 ms to compile and well under 1 ms to read back. A program is kept only when the pattern
object built from it is the one ``re.compile`` makes (same program, flags and groups). Read
back, an entry must carry the digest of its own name and program (a damaged, cut or
misnamed entry is compiled instead, and made again); the matcher then checks the program's
structure before it takes it. What the digest cannot stop is a deliberate forgery by
someone who can write the cache folder: like every entry of that cache, it is trusted only
because the folder is the user's own and nobody else may write to it (``cache_dir``).
Where anything does not hold — another interpreter, a cache that cannot be written —
patterns are compiled as ``re.compile`` compiles them.

A pattern that starts with a look-behind (``(?<!KANJI)KANJI{3,6}``) hides its first
characters from ``re``, which then tries the whole pattern at every position of the text;
one that starts with a character it consumes is skipped through in C to where that
character occurs. ``first_not_after`` writes the second form for the first: measured on
the benchmark's extracted text, the name patterns run 2-4 times faster and the reading
labels 5-8 times.
"""

from __future__ import annotations

import hashlib
import marshal
import re
import sys
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from piiscan import compiled


def first_not_after(first: str, before: str) -> str:
    """``first`` (one character: a literal or a class) where the character before it is not
    one of ``before``: ``(?<!before)first`` with the look-behind moved after the character
    it guards, so the pattern starts with something ``re`` can search for. Both match the
    same text at the same places, groups included."""
    return f"{first}(?<!{before}{first})"


def finditer_near(pattern: re.Pattern[str], text: str, anchor: re.Pattern[str],
                  before: int, after: int) -> Iterator[re.Match[str]]:
    """What ``pattern.finditer(text)`` finds, for a pattern whose every match starts at most
    ``before`` characters before an ``anchor`` match (a character it must hold) and ends, with
    whatever its look-aheads read, less than ``after`` characters from that match's start.

    The pattern is tried only in the spans around the anchors, merged: over prose where an
    anchor is rare, most positions are never tried. The matches are the same: none starts
    outside the spans, each lies inside its span (so cutting the text at the span's end
    changes nothing it reads), and a span starts past the end of the match before it."""
    start = end = -1
    for m in anchor.finditer(text):
        lo, hi = max(0, m.start() - before), min(len(text), m.start() + after)
        if lo > end:
            if end > start:
                yield from pattern.finditer(text, start, end)
            start = lo
        end = hi
    if end > start:
        yield from pattern.finditer(text, start, end)


def lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function that returns ``re.compile(pattern, flags)``, compiled once, when first
    called (from the cached program when there is one)."""

    @cache
    def compiled_pattern() -> re.Pattern[str]:
        return from_program(pattern, flags)

    return compiled_pattern


KIND = "re"
_DIGEST = 16
_OTHER_COMPILER = b"compiled otherwise"  # kept where a program would not be the same
_CPYTHON = sys.implementation.name == "cpython"
_runtime: str | None = None
_unkept = False  # this process could not store an entry: compile from now on


def from_program(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, built from the program in the compiled cache when
    there is one there (stored when missing)."""
    if not _CPYTHON or _unkept or compiled.cache_dir() is None:
        return re.compile(pattern, flags)
    name = compiled.key(KIND, runtime(), str(int(flags)), pattern)
    kept = compiled.read(KIND, name)
    if kept == _OTHER_COMPILER:
        return re.compile(pattern, flags)
    if kept is not None:
        built = _from_entry(pattern, name, kept)
        if built is not None:
            return built
        compiled.forget(KIND, name)  # damaged: made again below
    return _compile_and_keep(pattern, flags, name)


def runtime() -> str:
    """Whatever could change a program: the interpreter (name, version, build) and the
    matcher's own version number."""
    global _runtime
    if _runtime is None:
        import _sre  # type: ignore[import-not-found]  # re's matcher

        _runtime = "\0".join((sys.implementation.name, sys.version, str(sys.hexversion),
                              str(getattr(_sre, "MAGIC", "")), str(getattr(_sre, "CODESIZE", ""))))
    return _runtime


def _from_entry(pattern: str, name: str, entry: bytes) -> re.Pattern[str] | None:
    digest, program = entry[:_DIGEST], entry[_DIGEST:]
    if digest != _digest(name, program):
        return None
    try:
        return _build(pattern, marshal.loads(program))
    except Exception:  # a program the matcher refuses (its own check)
        return None


def _compile_and_keep(pattern: str, flags: int, name: str) -> re.Pattern[str]:
    """``re.compile``'s pattern; its program kept when the pattern built from it is the same
    (else a marker that this interpreter compiles otherwise)."""
    global _unkept
    made = re.compile(pattern, flags)  # raises re.error for a bad pattern, as it would
    try:
        program = _compile_program(pattern, flags)
        same = _same_pattern(_build(pattern, program), made)
    except (MemoryError, RecursionError):  # this process's trouble: the next one tries
        return made
    except Exception:  # a compiler without these internals: say so, once
        program, same = None, False
    if same:
        data = marshal.dumps(program)
        entry = _digest(name, data) + data
    else:
        entry = _OTHER_COMPILER
    if not compiled.store(KIND, name, entry):
        _unkept = True
    return made


def _same_pattern(built: re.Pattern[str], made: re.Pattern[str]) -> bool:
    """Equal patterns have the same program and flags (``re.Pattern`` equality); the groups
    are compared here."""
    return built == made and (built.groups, built.groupindex) == (made.groups, made.groupindex)


def _digest(name: str, program: bytes) -> bytes:
    return hashlib.blake2b(name.encode() + b"\0" + program, digest_size=_DIGEST).digest()


def _build(pattern: str, program: Any) -> re.Pattern[str]:
    import _sre  # re's matcher; it checks the program's structure before taking it

    flags, code, groups, groupindex, indexgroup = program
    built: re.Pattern[str] = _sre.compile(pattern, flags, code, groups, groupindex,
                                          indexgroup)
    return built


def _compile_program(pattern: str, flags: int) -> tuple[Any, ...]:
    """What ``re.compile`` hands the matcher, as ``re``'s compiler makes it."""
    try:
        from re import _compiler, _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_compile as _compiler
        import sre_parse as _parser

    parsed = _parser.parse(pattern, flags)
    code = _compiler._code(parsed, flags)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for group, index in groupindex.items():
        indexgroup[index] = group
    # Plain ints: marshal takes no int subclass (a flag, an opcode).
    return (int(flags | parsed.state.flags), [int(c) for c in code], parsed.state.groups - 1,
            groupindex, tuple(indexgroup))
