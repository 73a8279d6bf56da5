"""Regular expressions compiled on first use, from a program kept between runs.

``re`` compiles a character class over the CJK ranges one character at a time: a pattern
with a kanji class takes 1-7 ms to compile. A module that compiles a dozen of them when it
is imported costs every process that much, whether or not a text ever needs them (a
pre-commit run over three source files needs none of the name patterns). A pattern that
only some texts need is declared with ``lazy`` and compiled the first time it is used:

    _LABEL = lazy(f"(?:{LABELS})[:：]")
    for m in _LABEL().finditer(text): ...

What ``re`` compiles a pattern to (the program its matcher runs) depends only on the pattern,
its flags and the Python that compiled it, so it is kept in the compiled cache
(``piiscan.compiled``) under a name made of all three, and the next process builds the
pattern object from it directly, without compiling: the name patterns cost a pre-commit run
about 20 ms to compile and well under 1 ms to read back. A program is kept only when the
pattern object made from it equals the one ``re.compile`` makes (``re.Pattern`` equality
compares the programs), and the matcher checks a program it is given before it runs it;
anything that does not hold — another Python, a damaged entry — falls back to
``re.compile``; so does an entry whose digest (kept with it) does not match. It is never a
correctness risk, only a start-up cost.
"""

from __future__ import annotations

import hashlib
import marshal
import re
import sys
from collections.abc import Callable
from functools import cache
from typing import Any

from piiscan import compiled


def lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A function that returns ``re.compile(pattern, flags)``, compiled once, when first
    called (from the cached program when there is one)."""

    @cache
    def compiled_pattern() -> re.Pattern[str]:
        return from_program(pattern, flags)

    return compiled_pattern


# Whatever could change a program: the interpreter (its version and build).
_RUNTIME = f"{sys.implementation.name}\0{sys.version}"


def from_program(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, built from the program in the compiled cache when
    there is one there (stored when missing)."""
    if compiled.cache_dir() is None:  # no cache: nothing to gain from making a program
        return re.compile(pattern, flags)
    name = compiled.key("re", _RUNTIME, str(flags), pattern)
    kept = compiled.cached("re", name, lambda: _program(pattern, flags))
    if kept:
        digest, program = kept[:_DIGEST], kept[_DIGEST:]
        try:
            if digest == _digest(program):
                return _build(pattern, marshal.loads(program))
        except Exception:  # a program the matcher refuses: compiled below
            pass
        compiled.forget("re", name)  # damaged: made again by the next process
    return re.compile(pattern, flags)


_DIGEST = 16


def _digest(program: bytes) -> bytes:
    return hashlib.blake2b(program, digest_size=_DIGEST).digest()


def _build(pattern: str, program: Any) -> re.Pattern[str]:
    import _sre  # type: ignore[import-not-found]  # re's matcher; it checks the program

    flags, code, groups, groupindex, indexgroup = program
    built: re.Pattern[str] = _sre.compile(pattern, flags, code, groups, groupindex,
                                          indexgroup)
    return built


def _program(pattern: str, flags: int) -> bytes:
    """What ``re.compile`` hands the matcher, as ``re``'s compiler makes it; empty (kept
    too, so the next process compiles at once) when the pattern object built from it is not
    the one ``re.compile`` makes: a Python whose ``re`` works otherwise."""
    try:
        program = _compile_program(pattern, flags)
        if _build(pattern, program) == re.compile(pattern, flags):
            data = marshal.dumps(program)
            return _digest(data) + data
    except Exception:  # any other compiler: this pattern is compiled every time
        pass
    return b""


def _compile_program(pattern: str, flags: int) -> tuple[Any, ...]:
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
