"""The masking gate: every string a scan lets out of the process passes through here.

Values are masked where findings are built (``mask.py``), but a file puts its text in more
places than its body: a JSON key (``{"583140729960": {...}}``), a sheet name, an archive
member's name (``arc.zip!080-7319-4462.txt``), a custom property's name, a mail attachment's
file name, an exception message quoting a damaged line. Those strings become locations,
record ids, skip reasons and notes, and from there reach every report, the state database,
``piiscan diff`` and the terminal. So a file's result passes this gate once, at the end of
its scan (``Scanner.scan_raw``), before anything else sees it:

- each such string is matched with the scan's own rules, and every value they find in it —
  including the low-confidence ones a report would not list, and names the dictionaries
  know — is replaced by its masked form (``arc.zip!***-****-4462.txt``, ``$["***…"]``);
- whatever the rules make of it, a number of eight or more digits (digits joined by
  hyphens, spaces, dots or brackets count together) has its digits starred, and an e-mail
  address is masked (``t***@example.jp``).

Not masked: the path of the file on disk (``share/営業/顧客リスト.csv``). It is how a person
finds the file, anyone who can list the share already sees it, and it names the file, not
something read from it. docs/design.md says so, and what it means for file names that hold
personal data.

The gate masks what the rules recognise and what looks like a value; a rare surname used
as a sheet name is neither, and passes. Snippets go further (``piiscan.snippet``): there,
everything that is not a known word is starred.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from piiscan.mask import mask_value
from piiscan.models import FileResult, Finding, Location, Reason, Segment

if TYPE_CHECKING:
    from piiscan.rules.engine import Engine
    from piiscan.rules.rule import Rule
    from piiscan.snippet import SnippetWords

# Digits joined by the separators numbers are written with, as the engine reads them.
_NUMBER = re.compile(r"[0-9０-９](?:[ \-‐‑–－ー.()（）]{0,2}[0-9０-９])*")
_DIGIT = re.compile(r"[0-9０-９]")
_EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)*")  # cut short too (a sheet name)
MIN_DIGITS = 8  # shorter numbers (page 3, 2024, 〒100-0001) identify no one
_ARRAY_INDEX = re.compile(r"\[\d{1,6}\]")  # JSON paths: $.list[3].tel and $.list[4].tel
_ARRAY_INDEX_KEPT = re.compile(r"(\[\d{1,6}\])|([^\[]+|\[)")  # indexes, and the rest
# Labels and honorifics that say a name of something holds a person's name.
_NAME_MARKER = re.compile(r"氏名|名前|様|殿|さん|くん|ちゃん|フリガナ|ふりがな|担当者|(?i:\bname\b)")
_MEMO = 8192
# The record ids piiscan writes itself (row 12, line 3, object 4 › object 49): a short word
# and a number of at most six digits, which no rule can read as anything.
_OWN_WORDS = re.compile(r"[a-z]{1,12} [0-9]{1,6}(?: › [a-z]{1,12} [0-9]{1,6})*")
# Reasons whose detail quotes the file: a part's name (metadata:custom:<property name>), a
# column header (a record joined by 'client_id'). Every other detail is piiscan's own words.
_QUOTING = frozenset({"metadata", "linked"})
_QUOTED = re.compile(r"'([^']*)'")
_Names = tuple[tuple[str, ...], "str | None", "str | None"]  # members, sheet, part


def redact_text(text: str) -> str:
    """The gate's rules that need no scanner: long numbers and e-mail addresses masked."""
    if not text:
        return text
    if "@" in text:
        text = _EMAIL.sub(lambda m: mask_value(m.group(0), "email"), text)
    return _NUMBER.sub(_star_long_number, text)


def _star_long_number(found: re.Match[str]) -> str:
    number = found.group(0)
    if len(_DIGIT.findall(number)) < MIN_DIGITS:
        return number
    return _DIGIT.sub("*", number)


class Redactor:
    """The gate for the results of one Scanner: strings from files, matched with its rules.

    Names of things (member and sheet names, JSON keys, property names, record ids) are
    kept as they are unless they hold something personal: a value the rules find, or a
    name label or honorific (氏名, 様). Then they are shown as a snippet is
    (piiscan.snippet): the values masked, known words and punctuation kept, every other
    letter and digit starred — what sits beside a phone number in a file name is as
    likely to be a name as in a line of text. Messages (skip reasons, notes) keep their
    words; the values in them, and the names of things they quote, are masked.
    """

    def __init__(self, engine: Engine | None = None, rules: dict[str, Rule] | None = None,
                 words: SnippetWords | None = None) -> None:
        self.engine = engine
        self.rules = rules or {}
        self.words = words
        self._memo: dict[str, tuple[tuple[tuple[str, str], ...], bool]] = {}
        self._renamed: dict[str, str] = {}  # names of things masked in the current file
        self._details: dict[str, str] = {}  # reasons' details masked in the current file
        self._cleaned: dict[tuple[Reason, ...], tuple[Reason, ...]] = {}  # likewise, reasons
        # The record, and the names of things (members, sheet, part) of the location, just
        # shown, with how they are shown: a file's findings come a record at a time.
        self._last_record: tuple[str | None, str] = (None, "")
        self._last_names: tuple[_Names | None, _Names] = (None, ((), None, None))

    # --- strings ------------------------------------------------------------------------

    def component(self, text: str | None) -> str:
        """The name of something inside a file (see the class docstring)."""
        if not text or _OWN_WORDS.fullmatch(text):
            return text or ""  # row 12, object 4 › object 49: piiscan's words and a count
        key = _ARRAY_INDEX.sub("[]", text)  # one look per key path, not per array element
        entry = self._memo.get(key)
        if entry is None:
            values = self._values(key)
            entry = (values, bool(values) or _NAME_MARKER.search(key) is not None)
            if len(self._memo) >= _MEMO:
                self._memo.clear()
            self._memo[key] = entry
        values, personal = entry
        out = _replace_all(text, values)
        if personal and self.words is not None:
            words = self.words
            out = _ARRAY_INDEX_KEPT.sub(lambda m: m.group(1) or words.mask(m.group(2)), out)
        out = redact_text(out)
        if out != text:
            self._renamed[text] = out
        return out

    def message(self, text: str) -> str:
        """A sentence of piiscan's (a skip reason, a note) that may quote the file: the
        names of things it quotes as the locations show them, values masked."""
        if not text:
            return text
        for raw in sorted(self._renamed, key=len, reverse=True):
            if raw in text:
                text = text.replace(raw, self._renamed[raw])
        return redact_text(_replace_all(text, self._values(text)))

    def _values(self, text: str) -> tuple[tuple[str, str], ...]:
        """(value, masked form) of everything the rules find in ``text``, longest first."""
        if self.engine is None:
            return ()
        timeouts = len(self.engine.stats.timeouts)
        try:
            matches = self.engine.scan(Segment(text, Location("")))
        finally:
            del self.engine.stats.timeouts[timeouts:]  # not a part of the file: no skip
        found = {(m.value, mask_value(m.value, self.rules[m.rule_id].mask))
                 for m in matches if m.rule_id in self.rules}
        return tuple(sorted(found, key=lambda pair: -len(pair[0])))

    # --- the pieces of a result -----------------------------------------------------------

    def location(self, loc: Location) -> Location:
        """Everything in a location that came from the file; its path on disk stays."""
        if not (loc.members or loc.sheet or loc.part):
            return loc
        names = (loc.members, loc.sheet, loc.part)
        if names != self._last_names[0]:
            self._last_names = (names, (
                tuple(self.component(m) for m in loc.members),
                self.component(loc.sheet) if loc.sheet is not None else None,
                self.component(loc.part) if loc.part is not None else None))
        shown = self._last_names[1]
        if shown == names:
            return loc  # nothing to mask: the same location, not a copy
        members, sheet, part = shown
        return replace(loc, members=members, sheet=sheet, part=part)

    def display(self, display: str) -> str:
        """``path!member!member``: the members masked, the path on disk kept."""
        path, sep, members = display.partition("!")
        if not sep:
            return display
        return path + sep + "!".join(self.component(m) for m in members.split("!"))

    def record(self, record: str) -> str:
        """A record id (``members!sheet!row``): every part may come from the file. A
        record's findings come one after another: the last one is remembered."""
        if record != self._last_record[0]:
            self._last_record = (record, "!".join(self.component(part)
                                                  for part in record.split("!")))
        return self._last_record[1]

    def finding(self, f: Finding, location: Location | None = None) -> Finding:
        location = self.location(f.location) if location is None else location
        reasons = self._reasons(f.reasons)
        snippet = redact_text(f.masked_snippet)
        record = self.record(f.record) if f.record is not None else None
        if location == f.location and reasons is f.reasons and snippet == f.masked_snippet \
                and record == f.record:
            return f  # the common case: nothing to mask, no copy (a run makes many)
        return replace(f, location=location, reasons=reasons, masked_snippet=snippet,
                       record=record)

    def _reasons(self, reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
        """A column header is text from the file: in a reason ("column '電話番号'") it is
        shown as a snippet would show it. Other details are piiscan's own words. Once per
        distinct list of reasons in a file (the findings of a column share theirs)."""
        cleaned = self._cleaned.get(reasons)
        if cleaned is None:
            cleaned = self._cleaned[reasons] = self._clean(reasons)
        return cleaned

    def _clean(self, reasons: tuple[Reason, ...]) -> tuple[Reason, ...]:
        cleaned = tuple(Reason(r.code, redact_text(self.words.mask(r.detail) if self.words
                                                   else r.detail))
                        if r.code == "column" else
                        Reason(r.code, self._quoting(r.detail)) if r.code in _QUOTING else r
                        for r in reasons)
        return reasons if cleaned == reasons else cleaned  # keep the shared tuple

    def _quoting(self, detail: str) -> str:
        """A reason's detail that quotes a part or a header: as a message (the part named
        as the locations show it, values masked); once per distinct detail in a file."""
        masked = self._details.get(detail)
        if masked is None:
            masked = self._details[detail] = self.message(detail)
        return masked

    def result(self, fr: FileResult) -> FileResult:
        """Pass a whole file result through the gate (in place, and returned): names of
        things first, then the messages that may quote them."""
        self._renamed, self._details, self._cleaned = {}, {}, {}
        self._last_record, self._last_names = (None, ""), (None, ((), None, None))
        # Every location first: a reason may quote another finding's part (the only
        # person this document names, in its 'attachment:...'), as that location shows it.
        locations = [self.location(f.location) for f in fr.findings]
        fr.findings = [self.finding(f, loc)
                       for f, loc in zip(fr.findings, locations, strict=True)]
        paths = [self.display(s.path) for s in fr.skips]
        fr.skips = [replace(s, path=path, reason=self.message(s.reason))
                    for s, path in zip(fr.skips, paths, strict=True)]
        fr.notes = [self.message(n) for n in fr.notes]
        self._renamed, self._details, self._cleaned = {}, {}, {}
        self._last_record, self._last_names = (None, ""), (None, ((), None, None))
        return fr


def _replace_all(text: str, values: tuple[tuple[str, str], ...]) -> str:
    for raw, masked in values:
        text = text.replace(raw, masked)
    return text
