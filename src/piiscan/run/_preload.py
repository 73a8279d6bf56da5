"""Imported once by the worker pool's fork server (``run.pool.PRELOAD``), never by piiscan
itself: it runs ``run.pool.warm``, so every worker forked from the server starts with the
built-in rules and dictionaries in memory (shared, copy-on-write)."""

from __future__ import annotations

import contextlib
import signal

from piiscan import lifeline

# Ctrl-C at a terminal reaches the whole process group; the scan decides what to do, and
# the fork server ignores it anyway once this preload is done.
signal.signal(signal.SIGINT, signal.SIG_IGN)
lifeline.arm(forks=True)  # the fork server dies with the scan that started it

from piiscan.run.pool import warm  # noqa: E402  (after the lifeline: warming takes a while)

with contextlib.suppress(Exception):  # a worker then loads what it needs itself
    warm()
