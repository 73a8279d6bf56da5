"""Imported once by the worker pool's fork server (``run.pool.PRELOAD``), never by piiscan
itself: it runs ``run.pool.warm``, so every worker forked from the server starts with the
built-in rules and dictionaries in memory (shared, copy-on-write)."""

from __future__ import annotations

import contextlib

from piiscan.run.pool import warm

with contextlib.suppress(Exception):  # a worker then loads what it needs itself
    warm()
