"""Match rules against texts: one pass finds the candidates, rules confirm them in windows.

The engine knows nothing about files. It is given a batch of texts -- one paragraph or
chunk of a document, or a block of table cells under one column header -- and matches them
all at once:

1. **Normalise** the batch once (same length as the original, so offsets need no mapping).
   Cells are joined by a separator no pattern can cross (``SEPARATOR``) and remembered by
   their bounds ("units").
2. **One pass finds every candidate** (``prescan.WordScanner``): every context and exclusion
   keyword of every rule, every prefilter anchor, every dictionary word a pattern starts
   with, in a single Hyperscan scan where the wheel exists (a trie per list otherwise: the
   same answer); numbers long enough for a digit rule in one ``re`` pass.
3. **Rules confirm candidates.** From those occurrences each rule knows, without touching
   the text, which units it can match in (a number with enough digits, an anchor word, a
   required keyword or a telling column header, one of its leading words, its recognizer's
   cheap check). A rule whose every match starts with a dictionary word is tried only where
   such a word starts; a digit rule only in windows around long enough numbers; a rule that
   requires context only near its keywords. Then the validator, the named filters, context
   and exclusion keywords, and the column header decide the confidence.

None of these shortcuts changes a result: ``Engine(gating=False)`` runs every rule's
pattern over every whole text, one text at a time, and the test suite checks the fast path
against it, with both backends (tests/rules/test_engine_reference.py, test_prescan.py).

Confidence starts at the rule's base level and moves with evidence; each move is recorded as
a ``Reason`` ("keyword 個人番号 nearby", "column 電話番号", "valid check digit (my_number)").
When a context keyword and an exclusion keyword are both near, the nearer one wins.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import re
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import regex

from piiscan.columns import kind_of
from piiscan.mask import canonical
from piiscan.models import Level, Location, Match, Reason, Segment
from piiscan.normalize import normalize
from piiscan.recognizers import GATES
from piiscan.rules.keywords import KeywordList, fold, starts_word
from piiscan.rules.patterns import expand_dictionaries, stays_in_text
from piiscan.rules.prescan import WordScanner, default_backend
from piiscan.rules.rule import Rule
from piiscan.rules.shapes import ShapeScanner, pattern_width

# A number as the digit-gated rules write theirs: digits joined by spaces, hyphens, dots
# and brackets (03-1234-5678, (03) 1234 5678, 1234.5678.9012). No rule with a digit
# prefilter joins digits with ':' or '/', so a time (10:23:45) or a date (2024/03/15) is
# several short numbers, not one long one that would wake the card and My Number rules.
_JOINS = " -.()"  # what may stand between two digits of one number
_DIGIT_JOIN = f"[{re.escape(_JOINS)}]{{0,3}}"  # 3 for '(03) (1234) 5678'


@functools.cache
def numbers_of(need: int) -> re.Pattern[str]:
    """Whole numbers of at least ``need`` digits. Scanning left to right, a number is tried
    at its first digit, where the pattern takes all of it or, when it is shorter, nothing;
    starting inside a number leaves fewer digits still. So the matches are exactly the
    numbers with enough digits, and ``re`` skips the short ones of a log (times, counters,
    addresses) without Python seeing them."""
    return re.compile(f"[0-9](?:{_DIGIT_JOIN}[0-9]){{{need - 1},}}")

# Windows around cheap anchors (a number, an '@', a label word) are where a gated pattern
# may match. Left room covers a label before the value (a number rule whose bounded pattern
# is wider gets its width: Engine.left_room; a look-behind sees past a window's start
# anyway), right room a look-ahead after it; a pattern's own context keywords are checked
# on the whole text.
LEFT_ROOM = 48
RIGHT_ROOM = 112
WHOLE_TEXT_SHARE = 0.5
SHORT_TEXT = 512  # a text this long or shorter (a cell, a paragraph) is matched whole
MEMO_ENTRIES = 4096  # short texts whose matches are remembered (cleared when full)
_OTHER_LINE = 1000  # distance penalty for a keyword on another line
# Joins the cells of a batch: a private-use character no rule names, so no keyword, word
# or number runs across it. A batch whose cells hold it is matched cell by cell.
SEPARATOR = "\ue000"
_NOWHERE = Location("")  # where a cell given as bare text is, for the reference engine


@dataclass
class EngineStats:
    timeouts: list[str] = field(default_factory=list)


@dataclass
class _Unit:
    """One text of a batch: ``lo``/``hi`` bound it in the batch; matches must start in
    ``own_lo``/``own_hi`` (a chunk of a large text owns only its middle)."""

    lo: int
    hi: int
    own_lo: int
    own_hi: int
    matches: list[Match] = field(default_factory=list)


class Engine:
    def __init__(self, rules: Iterable[Rule], regex_seconds: float = 10.0,
                 gating: bool = True, backend: str | None = None) -> None:
        """``gating=False`` runs every rule over the whole text as soon as its declared
        prefilter holds (a number with enough digits anywhere; values near an anchor word):
        slow, and the reference that the one-pass candidates, the windows and keyword zones
        are tested against, since they must change nothing. ``backend`` chooses how words
        are found ('hyperscan' or 'python'; default: Hyperscan where it is installed)."""
        self.rules = tuple(rules)
        self.regex_seconds = regex_seconds
        self.gating = gating
        self.backend = backend or default_backend()
        self.stats = EngineStats()
        self._header_cache: dict[tuple[int, str], str | None] = {}
        self._memo: dict[tuple[str | None, str], tuple[Match, ...]] = {}
        self._reasons: dict[tuple[Reason, ...], tuple[Reason, ...]] = {}
        self._keyword_lists = {id(k): k for r in self.rules
                               for k in (r.context_keywords, r.exclude_keywords) if k}
        self._scanner: tuple[WordScanner, WordScanner] | None = None
        self._shape_scanner: ShapeScanner | None = None
        self._joins: dict[str, bool] = {}
        self._left_rooms: dict[str, int] = {}
        # Patterns that more than one rule runs (jp.email and jp.email.company find the same
        # addresses and judge them differently): their matches over the same stretch of a
        # batch are found once and handed to each rule.
        # They are told apart by their source, so that no pattern is compiled here: each is
        # compiled when its rule first runs, and a hook's few files need few of them.
        used = Counter(_pattern_key(r) for r in self.rules if r.pattern_source is not None)
        self._shared_patterns = {key for key, n in used.items() if n > 1}
        # The fewest digits a rule's number needs, above one: a batch counts the digits of
        # only those numbers (_Batch.runs); a log's many short ones are skipped in ``re``.
        self.digit_floor = min((r.prefilter_digits for r in self.rules
                                if r.prefilter_digits > 1), default=2)

    # --- the scanners of words, built on first use ------------------------------------------

    def _scanners(self) -> tuple[WordScanner, WordScanner]:
        """Words found in the normalised text (leading dictionary words, anchors) and in its
        folded copy (keywords, matched case-insensitively)."""
        if self._scanner is None:
            plain: dict[Hashable, frozenset[str]] = {}
            for r in self.rules:
                if r.leading_words:
                    plain[("lead", r.id)] = r.leading_words
                if r.prefilter_any:
                    plain[("any", r.id)] = frozenset(r.prefilter_any)
            folded: dict[Hashable, frozenset[str]] = {
                key: frozenset(fold(w) for w in k.words)
                for key, k in self._keyword_lists.items()}
            self._scanner = (WordScanner(plain, self.backend),
                             WordScanner(folded, self.backend))
        return self._scanner

    def shape_scanner(self) -> ShapeScanner | None:
        """Where the number rules' patterns can end (Hyperscan only; built on first use)."""
        if self.backend != "hyperscan":
            return None
        if self._shape_scanner is None:
            self._shape_scanner = ShapeScanner(self.rules)
        return self._shape_scanner

    # --- entry points -----------------------------------------------------------------------

    def scan(self, segment: Segment) -> list[Match]:
        """The matches in one segment (offsets into its text)."""
        text = segment.text
        if not text.strip():
            return []
        lo = segment.scan_start
        hi = segment.scan_end if segment.scan_end is not None else len(text)
        whole = lo == 0 and hi == len(text)
        if not self.gating:
            return self._reference(segment, lo, hi)
        if whole and len(text) <= SHORT_TEXT:
            return self.scan_cells(segment.header, [text])[0]
        unit = _Unit(0, len(text), lo, hi)
        self._match(text, segment.header, [unit])
        return unit.matches

    def scan_cells(self, header: str | None, texts: Sequence[str]) -> list[list[Match]]:
        """The matches in each of a column's cells (offsets into each cell), found in one
        batch. A repeated cell costs a lookup: the matches depend only on the text and the
        header (a column repeats its values: a product, a quantity, 男/女)."""
        if not self.gating:
            return [self.scan(Segment(t, _NOWHERE, header=header)) for t in texts]
        out: list[list[Match] | None] = [None] * len(texts)
        todo: dict[str, list[int]] = {}
        for i, text in enumerate(texts):
            if not text.strip():
                out[i] = []
                continue
            known = self._memo.get((header, text))
            if known is not None:
                out[i] = list(known)
            else:
                todo.setdefault(text, []).append(i)
        if todo:
            self._cells(header, list(todo), todo, out)
        return [found if found is not None else [] for found in out]

    def _cells(self, header: str | None, unique: list[str], where: dict[str, list[int]],
               out: list[list[Match] | None]) -> None:
        # A long cell, or one holding the separator, is a batch of its own.
        alone = [t for t in unique if SEPARATOR in t or len(t) > SHORT_TEXT]
        together = [t for t in unique if SEPARATOR not in t and len(t) <= SHORT_TEXT]
        for batch in [*([together] if together else []), *([t] for t in alone)]:
            units, start = [], 0
            for text in batch:
                units.append(_Unit(start, start + len(text), start, start + len(text)))
                start += len(text) + 1
            timeouts = len(self.stats.timeouts)
            self._match(SEPARATOR.join(batch), header, units)
            remember = len(self.stats.timeouts) == timeouts
            for text, unit in zip(batch, units, strict=True):
                found = [_shifted(m, -unit.lo) for m in unit.matches] if unit.lo else unit.matches
                if remember:
                    if len(self._memo) >= MEMO_ENTRIES:
                        self._memo.clear()
                    self._memo[(header, text)] = tuple(found)
                for i in where[text]:
                    out[i] = list(found)

    # --- one batch ------------------------------------------------------------------------

    def _match(self, text: str, header: str | None, units: list[_Unit]) -> None:
        """Fill in each unit's matches (offsets into ``text``, the batch)."""
        batch = _Batch(self, text, header, units)
        for rule in self.rules:
            chosen = batch.units_for(rule)
            if len(chosen) > 1 and self._joinable(rule):
                for first, last in _contiguous(chosen):
                    try:
                        self._rule_in_cells(rule, batch, chosen[first:last])
                    except TimeoutError:
                        self.stats.timeouts.append(rule.id)
                continue
            for unit in chosen:
                try:
                    self._rule_in_unit(rule, batch, unit)
                except TimeoutError:
                    self.stats.timeouts.append(rule.id)
        for unit in units:
            unit.matches = _dedupe(unit.matches)

    def left_room(self, rule: Rule) -> int:
        """How far before a number its rule's match can start: LEFT_ROOM, or the pattern's
        width when it is bounded and wider (a user rule that spells its label out,
        ``緊急連絡先[ 　:：]{0,60}0[0-9]{9}``)."""
        if rule.id not in self._left_rooms:
            width = None
            if rule.pattern_source is not None:
                with contextlib.suppress(LookupError):
                    width = pattern_width(expand_dictionaries(rule.pattern_source))
            self._left_rooms[rule.id] = max(LEFT_ROOM, width or 0)
        return self._left_rooms[rule.id]

    def _joinable(self, rule: Rule) -> bool:
        """Whether the rule's pattern can run over neighbouring cells at once: no match or
        look-around of it can cross a SEPARATOR (patterns.stays_in_text)."""
        if rule.id not in self._joins:
            self._joins[rule.id] = rule.pattern_source is not None and stays_in_text(
                expand_dictionaries(rule.pattern_source), SEPARATOR)
        return self._joins[rule.id]

    def _rule_in_cells(self, rule: Rule, batch: _Batch, cells: list[_Unit]) -> None:
        """One pattern run over consecutive short units, each match judged in its own."""
        pattern = rule.pattern
        assert pattern is not None
        norm = batch.norm
        pos, endpos = cells[0].lo, cells[-1].hi
        matches: Iterable[regex.Match[str] | re.Match[str]]
        if rule.leading_words:
            starts = [s for s, _ in batch.words(("lead", rule.id), None) if pos <= s < endpos]
            matches = _starting_at(pattern, norm, starts, self.regex_seconds)
        else:
            matches = self._found(batch, rule, norm, [(pos, endpos)], ("cells", pos, endpos))
        starts_of = [c.lo for c in cells]
        found_by = (Reason("pattern", rule.id),)
        has_value = "value" in pattern.groupindex
        seen: set[tuple[int, int]] = set()
        for m in matches:
            unit = cells[bisect.bisect_right(starts_of, m.start()) - 1]
            if (rule.unless or rule.only_if) and not _filters_pass(
                    rule, norm[unit.lo:unit.hi], m.start() - unit.lo, m.end() - unit.lo):
                continue
            start, end = m.span("value") if has_value else m.span()
            if start < 0 or (start, end) in seen:
                continue
            seen.add((start, end))
            match = self._judge(rule, batch, unit, start, end, rule.confidence, found_by)
            if match is not None:
                unit.matches.append(match)

    def _rule_in_unit(self, rule: Rule, batch: _Batch, unit: _Unit) -> None:
        windows = batch.windows(rule, unit)
        if windows == []:
            return
        for start, end, base, found_by in self._candidates(rule, batch, unit, windows):
            if not unit.own_lo <= start < unit.own_hi:
                continue
            match = self._judge(rule, batch, unit, start, end, base, found_by)
            if match is not None:
                unit.matches.append(match)

    def _candidates(self, rule: Rule, batch: _Batch, unit: _Unit,
                    windows: list[tuple[int, int]] | None
                    ) -> Iterator[tuple[int, int, Level, tuple[Reason, ...]]]:
        """Spans a rule proposes in a unit (batch offsets), a base confidence, and what
        found them."""
        norm = batch.norm
        if rule.recognizer is not None:
            name, recognize = rule.recognizer
            for c in recognize(norm[unit.lo:unit.hi], batch.header):
                yield unit.lo + c.start, unit.lo + c.end, max(c.confidence, rule.confidence), (
                    Reason("recognizer", name), *(Reason("evidence", r) for r in c.reasons))
            return
        pattern = rule.pattern
        assert pattern is not None
        found_by = (Reason("pattern", rule.id),)
        has_value = "value" in pattern.groupindex
        # Patterns run on the unit's own text: a look-around then sees exactly what it
        # saw when the unit was a text of its own.
        own = norm if (unit.lo, unit.hi) == (0, len(norm)) else norm[unit.lo:unit.hi]
        shift = unit.lo
        if rule.leading_words and windows is None and not batch.reference:
            matches: Iterable[regex.Match[str] | re.Match[str]] = _starting_at(
                pattern, own, [s - shift for s, _ in batch.words(("lead", rule.id), unit)],
                self.regex_seconds)
        else:
            matches = self._found(batch, rule, own,
                                  [(s - shift, e - shift) for s, e in windows] if windows
                                  else [(0, len(own))], ("unit", unit.lo, unit.hi))
        seen: set[tuple[int, int]] = set()
        for m in matches:
            if (rule.unless or rule.only_if) and not _filters_pass(rule, own, m.start(),
                                                                    m.end()):
                continue
            start, end = m.span("value") if has_value else m.span()
            if start >= 0 and (start, end) not in seen:
                seen.add((start, end))
                yield start + shift, end + shift, rule.confidence, found_by

    def _found(self, batch: _Batch, rule: Rule, text: str,
               windows: list[tuple[int, int]], where: tuple[str, int, int]
               ) -> Iterable[regex.Match[str] | re.Match[str]]:
        """The rule's pattern's matches in the windows of ``text`` (the batch over a run of
        cells, or one unit's own text: ``where``); found once per batch when several rules
        run the pattern there."""
        pattern = rule.pattern
        assert pattern is not None
        key = _pattern_key(rule)
        if key not in self._shared_patterns:
            return _finditer(pattern, text, windows, self.regex_seconds)
        return batch.found((key, where, tuple(windows)),
                           lambda: list(_finditer(pattern, text, windows, self.regex_seconds)))

    def _judge(self, rule: Rule, batch: _Batch, unit: _Unit, start: int, end: int,
               base: Level, found_by: tuple[Reason, ...]) -> Match | None:
        norm = batch.norm
        value = norm[start:end]
        reasons = list(found_by)
        if rule.validator is not None:
            passed, check = rule.validator
            if not check(value):
                return None
            reasons.append(passed)
        key = canonical(rule.type, value) if rule.exclude_values or rule.test_values else ""
        if key in rule.exclude_values:
            return None
        if rule.exclude_columns and kind_of(batch.header) in rule.exclude_columns:
            return None
        confidence = base
        original = batch.text[start:end]
        if key in rule.test_values:
            return Match(rule.id, start, end, original, Level.LOW,
                         (*reasons, Reason("test_value")))

        ctx_dist, ctx_word = _nearest(batch.keywords(rule.context_keywords, unit), norm, start,
                                      end, rule.context_window)
        exc_dist, exc_word = _nearest(batch.keywords(rule.exclude_keywords, unit), norm, start,
                                      end, rule.exclude_window)
        header_hit = self.header_hit(rule, batch.header)

        excluded = exc_word is not None and (
            ctx_word is None or exc_dist < ctx_dist
            or (exc_dist == ctx_dist
                and not _before(norm, ctx_word, start, rule.context_window, unit.lo)))
        if excluded and rule.exclude_action == "reject":
            return None
        if excluded:
            ctx_word = header_hit = None
        if rule.context_required and ctx_word is None and header_hit is None:
            return None
        for passed, check in rule.boosts:
            if check(value):
                confidence = Level(min(Level.HIGH, confidence + 1))
                reasons.append(passed)
        if ctx_word is not None:
            confidence = max(confidence, rule.context_confidence)
            reasons.append(Reason("keyword", ctx_word))
        if header_hit is not None:
            confidence = max(confidence, rule.context_confidence)
            reasons.append(Reason("column", header_hit))
        if excluded:
            # Lowering comes last so no boost can undo it.
            confidence = Level(max(Level.LOW, confidence - 1))
            reasons.append(Reason("lowered", exc_word or ""))
        return Match(rule.id, start, end, original, Level(min(confidence, Level.HIGH)),
                     self._shared(tuple(reasons)))

    def header_hit(self, rule: Rule, header: str | None) -> str | None:
        """Whether a column header speaks for this rule; cached, since a column's header
        is asked about once per cell."""
        if not header:
            return None
        key = (id(rule), header)
        if key not in self._header_cache:
            self._header_cache[key] = _header_hit(rule, header)
        return self._header_cache[key]

    def _shared(self, reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
        """One tuple object for each distinct list of reasons: a run holds every finding
        until its reports are written, and pickling (to and from --jobs workers) writes a
        shared object once per batch."""
        shared = self._reasons.setdefault(reasons, reasons)
        if len(self._reasons) > MEMO_ENTRIES:
            self._reasons.clear()
        return shared

    # --- the reference: every rule over every whole text ------------------------------------

    def _reference(self, segment: Segment, lo: int, hi: int) -> list[Match]:
        text = segment.text
        unit = _Unit(0, len(text), lo, hi)
        batch = _Batch(self, text, segment.header, [unit], reference=True)
        for rule in self.rules:
            if batch.reference_allows(rule):
                try:
                    self._rule_in_unit(rule, batch, unit)
                except TimeoutError:
                    self.stats.timeouts.append(rule.id)
        return _dedupe(unit.matches)


class _Batch:
    """What the rules need to know about one batch of texts, found once."""

    def __init__(self, engine: Engine, text: str, header: str | None, units: list[_Unit],
                 reference: bool = False) -> None:
        self.engine = engine
        self.text = text
        self.header = header
        self.units = units
        self.reference = reference
        self.norm = normalize(text)
        self._folded: str | None = None
        self._runs: dict[int, list[tuple[int, int, int]]] = {}
        self._words: dict[Hashable, list[tuple[int, int]]] | None = None
        self._all_keywords: dict[Hashable, list[tuple[int, int]]] | None = None
        self._keywords: dict[int, list[tuple[int, int]]] = {}  # by list, words only
        self._digit_windows: dict[tuple[int, int, int], list[tuple[int, int]]] = {}
        self._digit_units: dict[int, set[int]] = {}
        self._most: dict[int, dict[int, int]] = {}
        self._unit_starts: list[int] | None = None
        self._found: dict[Hashable, list[regex.Match[str] | re.Match[str]]] = {}
        self._shapes: dict[str, list[tuple[int, int]]] | None = None
        self._shapes_scanned = False
        self._number_seen: dict[int, bool] = {}
        self._numbers_at: dict[tuple[int, tuple[tuple[int, int], ...]], list[tuple[int, int]]] = {}

    @property
    def folded(self) -> str:
        if self._folded is None:
            self._folded = fold(self.norm)
        return self._folded

    def found(self, key: Hashable, run: Callable[[], list[regex.Match[str] | re.Match[str]]]
              ) -> list[regex.Match[str] | re.Match[str]]:
        """Matches of a pattern shared by several rules (``Engine._found``), kept for the
        batch. A pattern that runs out of time keeps nothing: the next rule tries again and
        is told too."""
        if key not in self._found:
            self._found[key] = run()
        return self._found[key]

    # occurrences, for the whole batch, then per unit

    def runs(self, need: int) -> list[tuple[int, int, int]]:
        """(start, end, digit count) of every number of at least ``need`` digits, in order.
        The numbers of the engine's shortest need are found and counted once; a longer
        need filters them."""
        if need not in self._runs:
            floor = min(need, self.engine.digit_floor)
            if floor not in self._runs:
                self._runs[floor] = [(m.start(), m.end(), len(m.group().translate(_NOT_DIGITS)))
                                     for m in numbers_of(floor).finditer(self.norm)]
            if need != floor:
                self._runs[need] = [r for r in self._runs[floor] if r[2] >= need]
        return self._runs[need]

    def unit_runs(self, unit: _Unit, need: int) -> list[tuple[int, int, int]]:
        runs = self.runs(need)
        if len(self.units) == 1 or not runs:
            return runs
        i = bisect.bisect_left(runs, (unit.lo, 0, 0))
        j = bisect.bisect_left(runs, (unit.hi, 0, 0), i)
        return runs[i:j]

    def words(self, key: Hashable, unit: _Unit | None) -> list[tuple[int, int]]:
        """Occurrences of a list of plain words (leading words, anchors) in a unit (None:
        the whole batch)."""
        if self._words is None:
            self._words = self.engine._scanners()[0].scan(self.norm)
        hits = self._words.get(key, [])
        return hits if unit is None else _within(hits, unit)

    def keywords(self, keywords: KeywordList | None, unit: _Unit | None
                 ) -> list[tuple[int, int]]:
        """Occurrences of a keyword list in a unit (case-insensitive, overlapping, each at
        the start of a word: ``keywords.starts_word``; None: the whole batch)."""
        if keywords is None:
            return []
        if id(keywords) not in self._keywords:
            norm = self.norm
            self._keywords[id(keywords)] = [hit for hit in self._keyword_hits(keywords)
                                            if starts_word(norm, hit[0])]
        hits = self._keywords[id(keywords)]
        return hits if unit is None else _within(hits, unit)

    def _keyword_hits(self, keywords: KeywordList) -> list[tuple[int, int]]:
        scanner = self.engine._scanners()[1]
        if scanner.backend == "hyperscan":  # every list in one pass, when first needed
            if self._all_keywords is None:
                self._all_keywords = scanner.scan(self.folded)
            return self._all_keywords.get(id(keywords), [])
        return keywords.hits(self.folded)  # one list at a time, when first needed

    # which units a rule can match in

    def units_for(self, rule: Rule) -> list[_Unit]:
        """The units where what the rule needs is present: a number with enough digits, an
        anchor word, a keyword or header when it requires context, one of its leading
        words, its recognizer's cheap check. Found from the batch's occurrences, not by
        looking at each unit."""
        chosen: set[int] | None = None

        def keep(indexes: set[int]) -> None:
            nonlocal chosen
            chosen = indexes if chosen is None else chosen & indexes

        # A required keyword first: it is often missing, and then nothing else is looked for.
        if rule.context_required and self.engine.header_hit(rule, self.header) is None:
            keep(self._holding(self.keywords(rule.context_keywords, None)))
            if not chosen:
                return []
        if rule.prefilter_digits:
            if not self._long_text_shaped(rule):  # else its shapes say where, in windows
                keep(self._with_digits(rule.prefilter_digits))
        elif rule.prefilter_any:
            keep(self._holding(self.words(("any", rule.id), None)))
        if rule.leading_words:
            keep(self._holding(self.words(("lead", rule.id), None)))
        units = self.units if chosen is None else [self.units[i] for i in sorted(chosen)]
        check = GATES.get(rule.recognizer[0]) if rule.recognizer else None
        if check is None:
            return units
        norm, header = self.norm, self.header
        return [u for u in units if check(norm[u.lo:u.hi], header)]

    def _unit_index(self, offset: int) -> int:
        if self._unit_starts is None:
            self._unit_starts = [u.lo for u in self.units]
        return bisect.bisect_right(self._unit_starts, offset) - 1

    def _holding(self, hits: list[tuple[int, int]]) -> set[int]:
        """The units that hold one of these occurrences."""
        if len(self.units) == 1:
            return {0} if hits else set()
        return {self._unit_index(start) for start, _ in hits}

    def _with_digits(self, need: int) -> set[int]:
        """The units that hold a number of at least ``need`` digits (cached per count)."""
        if need not in self._digit_units:
            floor = self.engine.digit_floor
            # Fewer digits than any counted number (one, for the built-in rules): look for
            # the first such number rather than count them all.
            if need < floor and len(self.units) == 1:
                found = {0} if self._number_anywhere(need) else set()
            else:
                most = self._most_digits(min(need, floor))
                found = {i for i, n in most.items() if n >= need}
            self._digit_units[need] = found
        return self._digit_units[need]

    def _most_digits(self, floor: int) -> dict[int, int]:
        """The most digits of a number in each unit that holds one of ``floor`` or more."""
        if floor not in self._most:
            runs = self.runs(floor)
            most: dict[int, int] = {}
            if len(self.units) == 1:
                if runs:
                    most[0] = max(n for _, _, n in runs)
            else:
                for start, _, n in runs:
                    i = self._unit_index(start)
                    if n > most.get(i, 0):
                        most[i] = n
            self._most[floor] = most
        return self._most[floor]

    def _number_anywhere(self, need: int) -> bool:
        """Whether the batch holds a number of at least ``need`` digits: one search, which
        stops at the first (a log's timestamps would be half a million numbers to count)."""
        if need not in self._number_seen:
            self._number_seen[need] = numbers_of(need).search(self.norm) is not None
        return self._number_seen[need]

    def _long_text_shaped(self, rule: Rule) -> bool:
        """A batch of one long text, where the rule has a shape: the shapes choose the
        numbers it is matched around (``windows``), instead of counting the digits of every
        number first (a log holds a long number on every line, its timestamp)."""
        return (len(self.units) == 1 and self.units[0].hi - self.units[0].lo > SHORT_TEXT
                and not self.reference and self.shapes(rule) is not None)

    def shapes(self, rule: Rule) -> list[tuple[int, int]] | None:
        """Where a number rule's pattern can match in a batch of one long text (end minus
        its width, end), found for every such rule in one Hyperscan pass; None when the rule
        has no shape (rules.shapes) or the batch holds several units."""
        scanner = self.engine.shape_scanner()
        if scanner is None or len(self.units) != 1 or rule.id not in scanner.shaped():
            return None
        if not self._shapes_scanned:
            self._shapes, self._shapes_scanned = scanner.scan(self.norm), True
        return None if self._shapes is None else self._shapes.get(rule.id, [])

    def _numbers_near(self, need: int, shapes: list[tuple[int, int]]
                      ) -> list[tuple[int, int]]:
        """The numbers of at least ``need`` digits that a match ending where a shape says
        can hold: those that overlap a shape's span (its end minus the pattern's width, its
        end). A rule's value holds its number (docs/rules.md), so their windows
        (``_windows``) are the rule's number windows that can hold a match, and a text's
        every number is never counted (a log's timestamps)."""
        key = (need, tuple(shapes))  # rules that share a pattern share their shapes
        if key in self._numbers_at:
            return self._numbers_at[key]
        norm, search = self.norm, numbers_of(need).search
        found: list[tuple[int, int]] = []
        searched = 0  # the numbers that start before this were all looked at
        for start, end in shapes:
            pos = _number_start(norm, max(searched, start))
            while pos < end and (m := search(norm, pos)) is not None and m.start() < end:
                if m.end() > start and (not found or m.start() > found[-1][0]):
                    found.append(m.span())
                pos = m.end()
            searched = max(searched, end)
        self._numbers_at[key] = found
        return found

    def reference_allows(self, rule: Rule) -> bool:
        """The declared prefilters only, over the whole text (``Engine(gating=False)``)."""
        if rule.prefilter_digits:
            return self._number_anywhere(rule.prefilter_digits)
        if rule.prefilter_any:
            return any(w in self.norm for w in rule.prefilter_any)
        return True

    def windows(self, rule: Rule, unit: _Unit) -> list[tuple[int, int]] | None:
        """Where in a unit the rule can match: [] nowhere, None anywhere (the whole unit),
        else windows around its anchors (number runs, anchor words), kept only near a
        context keyword when the rule requires one. A short unit is matched whole."""
        if unit.hi - unit.lo <= SHORT_TEXT:
            return None
        if self.reference:
            # The one shortcut that is a rule's meaning, not an optimisation: a rule with
            # anchor words matches only around them in a long text (docs/rules.md).
            if rule.prefilter_any and not rule.prefilter_digits:
                return _windows(self.words(("any", rule.id), unit), unit)
            return None
        zones: list[tuple[int, int]] | None = None
        if rule.context_required and self.engine.header_hit(rule, self.header) is None:
            # Without a telling header a value counts only with a keyword nearby.
            hits = self.keywords(rule.context_keywords, unit)
            if not hits:
                return []
            if rule.prefilter_digits:
                # A value holds its number, so it lies within reach of its keyword; an
                # anchor word may sit any distance before its value ('記号' + spaces).
                zones = _zones(hits, rule.context_window)
        windows: list[tuple[int, int]] | None = None
        shapes = self.shapes(rule) if rule.prefilter_digits else None
        if shapes is not None:
            # Only the numbers near where the rule's own pattern can end (rules.shapes):
            # their windows are the ones below, fewer of them.
            numbers = self._numbers_near(rule.prefilter_digits, shapes)
            if not numbers:
                return []
            windows = _windows(numbers if zones is None else _near(numbers, zones), unit,
                               self.engine.left_room(rule))
        elif rule.prefilter_digits:
            need, left = rule.prefilter_digits, self.engine.left_room(rule)
            runs = self.unit_runs(unit, need)
            if zones is not None:
                windows = _windows(_near(((s, e) for s, e, _ in runs), zones), unit, left)
            else:
                key = (need, unit.lo, left)
                if key not in self._digit_windows:
                    self._digit_windows[key] = _windows(((s, e) for s, e, _ in runs), unit,
                                                        left)
                windows = self._digit_windows[key]
        elif rule.prefilter_any:
            # Never the whole text instead: matches far from every anchor do not count.
            anchors = self.words(("any", rule.id), unit)
            return _windows(anchors if zones is None else _near(anchors, zones), unit)
        if windows and sum(e - s for s, e in windows) > WHOLE_TEXT_SHARE * (unit.hi - unit.lo):
            return None
        return windows


_IN_NUMBER = frozenset("0123456789" + _JOINS)
NUMBER_REACH = 256  # how far back a number's start is looked for


def _number_start(norm: str, pos: int) -> int:
    """Where the number (or the stretch of digits and joins) around ``pos`` starts, at most
    NUMBER_REACH back: ``numbers_of`` reads a number whole only from its first digit."""
    start = pos
    while start > 0 and pos - start < NUMBER_REACH and norm[start - 1] in _IN_NUMBER:
        start -= 1
    return start


def _within(hits: list[tuple[int, int]], unit: _Unit) -> list[tuple[int, int]]:
    """The occurrences that lie in a unit (occurrences never cross a separator)."""
    if not hits:
        return hits
    if hits[0][0] >= unit.lo and hits[-1][0] < unit.hi:
        return hits
    i = bisect.bisect_left(hits, (unit.lo, 0))
    j = bisect.bisect_left(hits, (unit.hi, 0), i)
    return hits[i:j]


def _starting_at(pattern: regex.Pattern[str] | re.Pattern[str], text: str, starts: list[int],
                 seconds: float) -> Iterator[regex.Match[str] | re.Match[str]]:
    """What ``finditer`` over the whole text finds, for a pattern whose every match starts
    at one of ``starts`` (sorted): try only there, skipping starts inside a match."""
    last_end = -1
    for start in starts:
        if start < last_end:
            continue
        m: regex.Match[str] | re.Match[str] | None
        if isinstance(pattern, regex.Pattern):
            m = pattern.match(text, start, timeout=seconds)
        else:
            m = pattern.match(text, start)
        if m is not None and m.end() > m.start():
            last_end = m.end()
            yield m


def _pattern_key(rule: Rule) -> tuple[str | None, bool]:
    """Rules with the same key run the same pattern, so find the same matches in the same
    text."""
    return rule.pattern_source, rule.ignorecase


def _finditer(pattern: regex.Pattern[str] | re.Pattern[str], text: str,
              windows: list[tuple[int, int]], seconds: float
              ) -> Iterator[regex.Match[str] | re.Match[str]]:
    for pos, endpos in windows:
        if isinstance(pattern, regex.Pattern):
            yield from pattern.finditer(text, pos, endpos, timeout=seconds)
        else:
            yield from pattern.finditer(text, pos, endpos)


def _contiguous(units: list[_Unit]) -> Iterator[tuple[int, int]]:
    """[first, last) index ranges of runs of units that follow each other in the batch
    (each is one separator after the one before)."""
    first = 0
    for i in range(1, len(units) + 1):
        if i == len(units) or units[i].lo != units[i - 1].hi + 1:
            yield first, i
            first = i


def _shifted(m: Match, by: int) -> Match:
    return Match(m.rule_id, m.start + by, m.end + by, m.value, m.confidence, m.reasons)


def _filters_pass(rule: Rule, norm: str, start: int, end: int) -> bool:
    """The rule's named filters (piiscan.filters) on the whole match."""
    if any(check(norm, start, end) for _, check in rule.unless):
        return False
    return all(check(norm, start, end) for _, check in rule.only_if)


_NOT_DIGITS = str.maketrans("", "", _JOINS)


def _before(norm: str, word: str, start: int, window: int, lo: int = 0) -> bool:
    """Whether the keyword sits before the value: labels precede values, so on a tie a
    label before the value beats an exclusion word after it."""
    return word in norm[max(lo, start - window):start]


def _windows(spans: Iterable[tuple[int, int]], unit: _Unit, left: int = LEFT_ROOM
             ) -> list[tuple[int, int]]:
    """Anchor spans widened by the room a pattern needs, merged, in order, inside the
    unit."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        s, e = max(unit.lo, s - left), min(unit.hi, e + RIGHT_ROOM)
        if merged and s <= merged[-1][1]:
            if e > merged[-1][1]:
                merged[-1] = (merged[-1][0], e)
        else:
            merged.append((s, e))
    return merged


def _zones(hits: list[tuple[int, int]], window: int) -> list[tuple[int, int]]:
    """Merged stretches a value must touch to have one of these keywords within ``window``.

    For digit-gated rules: a value holds part of its number run and is no longer than
    RIGHT_ROOM, so a number farther than window + RIGHT_ROOM from every keyword can only
    yield values that the required-context check would reject.
    """
    reach = window + RIGHT_ROOM
    merged: list[tuple[int, int]] = []
    for k_start, k_end in hits:  # sorted by start
        s, e = max(0, k_start - reach), k_end + reach
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def _near(spans: Iterable[tuple[int, int]], zones: list[tuple[int, int]]
          ) -> Iterator[tuple[int, int]]:
    """The spans that overlap one of the (sorted, disjoint) zones."""
    starts = [z[0] for z in zones]
    for s, e in spans:
        i = bisect.bisect_left(starts, e) - 1
        if i >= 0 and zones[i][1] > s:
            yield s, e


def _nearest(hits: list[tuple[int, int]], norm: str, start: int, end: int,
             window: int) -> tuple[int, str | None]:
    """Distance to, and text of, the keyword nearest the match within the window.

    A keyword on another line counts, but any keyword on the match's own line is nearer:
    in a form or a log, a label belongs to the value on its line.
    """
    if not hits:
        return 0, None
    best: tuple[int, str | None] = (_OTHER_LINE + window + 1, None)
    lo, hi = start - window, end + window
    # Keywords may overlap the match itself: 'システム診断' contains the term '診断'.
    for i in range(bisect.bisect_left(hits, (lo, 0)), len(hits)):
        k_start, k_end = hits[i]
        if k_start > hi:
            break
        if k_end > hi:
            continue
        if k_end <= start:
            gap = norm[k_end:start]
        elif k_start >= end:
            gap = norm[end:k_start]
        else:
            gap = ""
        dist = len(gap) + (_OTHER_LINE if "\n" in gap else 0)
        if dist < best[0]:
            best = (dist, norm[k_start:k_end])
    return best


def _header_hit(rule: Rule, header: str | None) -> str | None:
    if not header:
        return None
    folded = fold(normalize(header))
    for word in rule.context_headers:
        if word.lower() in folded:
            return header
    if rule.context_keywords is not None and rule.context_keywords.search(folded):
        return header
    return None


def _dedupe(matches: list[Match]) -> list[Match]:
    """One match per (rule, span); the same span found twice keeps the most confident."""
    best: dict[tuple[str, int, int], Match] = {}
    for m in matches:
        k = (m.rule_id, m.start, m.end)
        if k not in best or m.confidence > best[k].confidence:
            best[k] = m
    return sorted(best.values(), key=lambda m: (m.start, m.end, m.rule_id))

