"""Signals during a run: SIGTERM and SIGINT end the scan cleanly, never the report writing."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class Interrupted(KeyboardInterrupt):
    """SIGTERM (or SIGINT) arrived during a scan: ``scan_paths`` ends the run incomplete."""


_holding = 0  # how many ``held()`` blocks the main thread is in
_deferred: list[Interrupted] = []  # what arrived during them


@contextmanager
def held() -> Iterator[None]:
    """A step a signal must not cut in half, in the main thread: a SIGINT or SIGTERM that
    arrives during it is raised as ``Interrupted`` once it is done. (Starting a worker
    process, cut between the fork server's fork and the pool's record of it, leaves a child
    nobody kills, which then fails noisily when the ended run's semaphores are gone.)"""
    global _holding
    _holding += 1
    try:
        yield
    finally:
        _holding -= 1
        if not _holding and _deferred:  # the signal wins over whatever the step raised
            interrupted = _deferred[0]
            _deferred.clear()
            raise interrupted


class SignalGuard:
    """Turns SIGTERM and SIGINT into ``Interrupted`` in the main thread, once.

    The first signal stops the scan at the next Python instruction; state transactions
    roll back, finished files stay stored, and the run is written out as incomplete (exit
    4). After ``settle()`` -- called when the scan loop is over -- signals are ignored, so
    writing the state and the reports is never cut in half. A run that hangs while writing
    can still be killed with SIGKILL; SQLite and the atomic report writes stay consistent.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.received: int | None = None
        self._settled = False
        self._previous: dict[int, object] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.received is not None or self._settled:
            self.received = self.received or signum
            return
        self.received = signum
        interrupted = Interrupted(signal.Signals(signum).name)
        if _holding:
            _deferred.append(interrupted)
            return
        raise interrupted

    def settle(self) -> None:
        self._settled = True

    def __enter__(self) -> SignalGuard:
        if threading.current_thread() is threading.main_thread():
            for sig in self.SIGNALS:
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self._previous.clear()
