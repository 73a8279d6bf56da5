"""Imported once by the worker pool's fork server (``parallel.PRELOAD``), never by piiscan
itself: it loads the built-in rules and the dictionaries the recognizers load lazily, so
every worker forked from the server starts with them in memory (shared, copy-on-write)
instead of spending its first tenths of a second loading its own copy. A worker still builds
its own Scanner (``parallel._init_worker``); with the server warm that costs milliseconds,
since compiled patterns and loaded word lists are cached by then.
"""

from __future__ import annotations

import contextlib
import signal

from piiscan import lifeline

# Ctrl-C at a terminal reaches the whole process group; the scan decides what to do, and
# the fork server ignores it anyway once its preload (this module) is done.
signal.signal(signal.SIGINT, signal.SIG_IGN)
lifeline.arm(forks=True)  # the fork server dies with the scan that started it

SAMPLE = ("氏名 山田 太郎（ヤマダ タロウ）様 生年月日 1980年4月1日 住所 〒100-0001 東京都千代田区千代田1-1 "
          "電話 090-1234-5678 マイナンバー 1234 5678 9018 メール taro@mail.jp 既往歴 糖尿病")
HEADERS = (None, "氏名", "フリガナ", "住所", "電話番号")


def warm() -> None:
    from piiscan.config import Settings
    from piiscan.mask import Fingerprinter
    from piiscan.models import Location, Segment
    from piiscan.rules.loader import load_ruleset
    from piiscan.scan import Scanner

    scanner = Scanner(load_ruleset(), Settings(), Fingerprinter(b"\0" * 32))
    _ = scanner.snippet_words  # compiled once here, shared by every worker
    for header in HEADERS:
        scanner.engine.scan(Segment(SAMPLE, Location("warm"), header=header))


with contextlib.suppress(Exception):  # a worker then loads what it needs itself
    warm()
