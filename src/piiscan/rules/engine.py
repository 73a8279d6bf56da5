"""Match rules against segments: prefilter, pattern, validator, context, exclusions.

The engine knows nothing about files. For each segment it normalises the text once (same
length as the original, so offsets need no mapping), skips rules whose cheap prefilter
fails (no number with enough digits, none of the anchor words present, no required keyword),
then runs each remaining pattern with a timeout so one runaway pattern cannot stall a scan:
on long text only in windows around its anchors, on a short one (a cell, a paragraph) only
if the merged gates of ``gates.py`` let it through. None of these shortcuts changes a result
(``Engine(gating=False)`` is the reference they are tested against).

Confidence starts at the rule's base level and moves with evidence; each move is recorded as
a reason a person can read ("keyword 個人番号 nearby", "column 電話番号", "valid check digit
(my_number)", "valid number plan (jp_phone)").
When a context keyword and an exclusion keyword are both near, the nearer one wins.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import regex

from piiscan.mask import canonical
from piiscan.models import Level, Match, Reason, Segment
from piiscan.normalize import normalize
from piiscan.rules.gates import Gates
from piiscan.rules.keywords import KeywordList, fold
from piiscan.rules.rule import Rule

# A number as the digit-gated rules write theirs: digits joined by spaces, hyphens, dots
# and brackets (03-1234-5678, (03) 1234 5678, 1234.5678.9012). No rule with a digit
# prefilter joins digits with ':' or '/', so a time (10:23:45) or a date (2024/03/15) is
# several short numbers, not one long one that would wake the card and My Number rules.
_NUMBER_RUN = re.compile(r"[0-9](?:[ \-.()]{0,3}[0-9])*")  # 3 for '(03) (1234) 5678'

# Windows around cheap anchors (a number, an '@', a label word) are where a gated pattern
# may match. Left room covers a label or look-behind before the value, right room a
# look-ahead after it; a pattern's own context keywords are checked on the whole text.
LEFT_ROOM = 48
RIGHT_ROOM = 112
WHOLE_TEXT_SHARE = 0.5
SHORT_TEXT = 512  # windows covering more than this: scan the text in one pass
MEMO_ENTRIES = 4096  # short texts whose matches are remembered (cleared when full)
_OTHER_LINE = 1000  # distance penalty for a keyword on another line


@dataclass
class EngineStats:
    timeouts: list[str] = field(default_factory=list)


class Engine:
    def __init__(self, rules: Iterable[Rule], regex_seconds: float = 10.0,
                 gating: bool = True) -> None:
        """``gating=False`` runs every rule over the whole text as soon as its declared
        prefilter holds (a number with enough digits anywhere; values near an anchor word):
        slow, and the reference that the digit windows, keyword zones and short-text gates
        are tested against, since they must change nothing."""
        self.rules = tuple(rules)
        self.regex_seconds = regex_seconds
        self.gating = gating
        self.stats = EngineStats()
        self._keyword_hits: dict[int, list[tuple[int, int]]] = {}
        self._folded: str | None = None
        self._runs: list[tuple[int, int, int]] | None = None
        self._digit_windows: dict[int, list[tuple[int, int]]] = {}
        self._header_cache: dict[tuple[int, str], str | None] = {}
        self._memo: dict[tuple[str | None, str], tuple[Match, ...]] = {}
        self._reasons: dict[tuple[Reason, ...], tuple[Reason, ...]] = {}
        self._gates = Gates(self.rules)

    def scan(self, segment: Segment) -> list[Match]:
        text = segment.text
        if not text.strip():
            return []
        norm = normalize(text)
        self._keyword_hits = {}
        self._folded = None
        self._runs = None
        self._digit_windows = {}
        lo = segment.scan_start
        hi = segment.scan_end if segment.scan_end is not None else len(text)
        out: list[Match] = []
        # A table cell or a short paragraph is matched whole: windows only pay off on
        # long text, and per-rule overhead is what costs on 100,000 cells.
        short = len(norm) <= SHORT_TEXT
        memo_key = None
        if short and self.gating and lo == 0 and hi == len(text):
            # A column repeats its values (a product, a quantity, 男/女): the matches
            # depend only on the text and its header, so a repeated cell costs a lookup.
            memo_key = (segment.header, text)
            known = self._memo.get(memo_key)
            if known is not None:
                return list(known)
        timeouts = len(self.stats.timeouts)
        rules: Iterable[Rule] = self.rules
        if short and self.gating:
            runs = self._number_runs(norm)
            self._folded = fold(norm)
            rules = self._gates.passing(self._gates.plan(segment.header, self._header_hit),
                                        norm, self._folded, max((n for *_, n in runs), default=0),
                                        segment.header)
        for rule in rules:
            windows = self._where(rule, norm, segment.header, short)
            if windows == []:
                continue  # nothing this rule needs is in the text
            try:
                for start, end, base, found_by in self._candidates(rule, norm, segment.header,
                                                                   windows):
                    if not lo <= start < hi:
                        continue
                    match = self._judge(rule, segment, norm, start, end, text[start:end],
                                        base, found_by)
                    if match is not None:
                        out.append(match)
            except TimeoutError:
                self.stats.timeouts.append(rule.id)
        found = _dedupe(out)
        if memo_key is not None and len(self.stats.timeouts) == timeouts:
            if len(self._memo) >= MEMO_ENTRIES:
                self._memo.clear()
            self._memo[memo_key] = tuple(found)
        return found

    def _where(self, rule: Rule, norm: str, header: str | None, short: bool
               ) -> list[tuple[int, int]] | None:
        """Where in the text the rule can match: [] nowhere, None anywhere (the whole text),
        else the windows around its anchors (number runs, anchor words), kept only near a
        context keyword when the rule requires one."""
        zones: list[tuple[int, int]] | None = None
        if self.gating and rule.context_required and self._header_hit(rule, header) is None:
            # Without a telling header a value counts only with a keyword nearby.
            hits = self._hits(rule.context_keywords, norm)
            if not hits:
                return []
            if rule.prefilter_digits:
                # A value holds its number, so it lies within reach of its keyword; an
                # anchor word may sit any distance before its value ('記号' + spaces).
                zones = _zones(hits, rule.context_window)
        windows: list[tuple[int, int]] | None = None
        if rule.prefilter_digits:
            need = rule.prefilter_digits
            runs = self._number_runs(norm)
            if short or not self.gating:
                return None if any(n >= need for _, _, n in runs) else []
            if zones is not None:
                windows = _windows(_near(((s, e) for s, e, n in runs if n >= need), zones))
            else:
                if need not in self._digit_windows:
                    self._digit_windows[need] = _windows((s, e) for s, e, n in runs if n >= need)
                windows = self._digit_windows[need]
        elif rule.prefilter_any:
            if short:
                return None if any(w in norm for w in rule.prefilter_any) else []
            anchors = _anchor_spans(norm, rule.prefilter_any)
            windows = _windows(anchors if zones is None else _near(anchors, zones))
        if windows and sum(e - s for s, e in windows) > WHOLE_TEXT_SHARE * len(norm):
            return None
        return windows

    def _number_runs(self, norm: str) -> list[tuple[int, int, int]]:
        if self._runs is None:
            self._runs = _number_runs(norm)
        return self._runs

    def _header_hit(self, rule: Rule, header: str | None) -> str | None:
        """Whether a column header speaks for this rule; cached, since a column's header
        is asked about once per cell."""
        if not header:
            return None
        key = (id(rule), header)
        if key not in self._header_cache:
            self._header_cache[key] = _header_hit(rule, header)
        return self._header_cache[key]

    def _hits(self, keywords: KeywordList | None, norm: str) -> list[tuple[int, int]]:
        """Every occurrence of a keyword list in this segment, found once and reused for
        every match judged in it (sorted by start; overlapping occurrences included)."""
        if keywords is None:
            return []
        key = id(keywords)
        if key not in self._keyword_hits:
            if self._folded is None:
                self._folded = fold(norm)
            self._keyword_hits[key] = keywords.hits(self._folded)
        return self._keyword_hits[key]

    def _candidates(self, rule: Rule, norm: str, header: str | None,
                    windows: list[tuple[int, int]] | None
                    ) -> Iterator[tuple[int, int, Level, tuple[Reason, ...]]]:
        """Spans a rule proposes, with a base confidence and what found them."""
        if rule.recognizer is not None:
            name, recognize = rule.recognizer
            for c in recognize(norm, header):
                yield c.start, c.end, max(c.confidence, rule.confidence), (
                    Reason("recognizer", name), *(Reason("evidence", r) for r in c.reasons))
            return
        pattern = rule.pattern
        assert pattern is not None
        found_by = (Reason("pattern", rule.id),)
        has_value = "value" in pattern.groupindex
        seen: set[tuple[int, int]] = set()
        for pos, endpos in windows or [(0, len(norm))]:
            if isinstance(pattern, regex.Pattern):
                matches = pattern.finditer(norm, pos, endpos, timeout=self.regex_seconds)
            else:
                matches = pattern.finditer(norm, pos, endpos)
            for m in matches:
                if (rule.unless or rule.only_if) and not _filters_pass(rule, norm, m.start(),
                                                                        m.end()):
                    continue
                start, end = m.span("value") if has_value else m.span()
                if start >= 0 and (start, end) not in seen:
                    seen.add((start, end))
                    yield start, end, rule.confidence, found_by

    def _judge(self, rule: Rule, segment: Segment, norm: str, start: int, end: int,
               original: str, base: Level, found_by: tuple[Reason, ...]) -> Match | None:
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
        confidence = base
        if key in rule.test_values:
            return Match(rule.id, start, end, original, Level.LOW,
                         (*reasons, Reason("test_value")))

        ctx_dist, ctx_word = _nearest(self._hits(rule.context_keywords, norm), norm, start, end,
                                      rule.context_window)
        exc_dist, exc_word = _nearest(self._hits(rule.exclude_keywords, norm), norm, start, end,
                                      rule.exclude_window)
        header_hit = self._header_hit(rule, segment.header)

        excluded = exc_word is not None and (
            ctx_word is None or exc_dist < ctx_dist
            or (exc_dist == ctx_dist and not _before(norm, ctx_word, start, rule.context_window)))
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

    def _shared(self, reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
        """One tuple object for each distinct list of reasons: a run holds every finding
        until its reports are written, and pickling (to and from --jobs workers) writes a
        shared object once per batch."""
        shared = self._reasons.setdefault(reasons, reasons)
        if len(self._reasons) > MEMO_ENTRIES:
            self._reasons.clear()
        return shared


def _filters_pass(rule: Rule, norm: str, start: int, end: int) -> bool:
    """The rule's named filters (piiscan.filters) on the whole match."""
    if any(check(norm, start, end) for _, check in rule.unless):
        return False
    return all(check(norm, start, end) for _, check in rule.only_if)


_NOT_DIGITS = str.maketrans("", "", " -.()")


def _number_runs(norm: str) -> list[tuple[int, int, int]]:
    """(start, end, digit count) of every run of digits and separators, found once."""
    return [(m.start(), m.end(), len(m.group().translate(_NOT_DIGITS)))
            for m in _NUMBER_RUN.finditer(norm)]


def _before(norm: str, word: str, start: int, window: int) -> bool:
    """Whether the keyword sits before the value: labels precede values, so on a tie a
    label before the value beats an exclusion word after it."""
    return word in norm[max(0, start - window):start]


def _anchor_spans(norm: str, anchors: tuple[str, ...]) -> Iterator[tuple[int, int]]:
    for word in anchors:
        i = norm.find(word)
        while i != -1:
            yield i, i + len(word)
            i = norm.find(word, i + 1)


def _windows(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Anchor spans widened by the room a pattern needs, merged, in order."""
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        s, e = max(0, s - LEFT_ROOM), e + RIGHT_ROOM
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
