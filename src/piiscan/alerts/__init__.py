"""Alerts from the nightly diff: a webhook (JSON, Slack, Microsoft Teams) and mail.

    piiscan diff --state DIR --webhook URL --webhook-format slack --mail-to dpo@example.jp
        state.diff.compute -> payload.build_alert -> webhook.post / mail.send

- ``payload``: what an alert says (files, levels, types, counts, masked locations; never a
  value) and its shapes for each receiver.
- ``webhook``: an HTTP POST with a timeout, retried with exponential backoff on 5xx, 429 and
  connection errors, never on other 4xx, never following a redirect.
- ``mail``: SMTP with STARTTLS or TLS, settings from the configuration file, the password from
  an environment variable (never argv, never the file).

Only the standard library (urllib.request, smtplib, email): nothing to install.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from piiscan.errors import PiiscanError

T = TypeVar("T")


class AlertError(PiiscanError):
    """An alert could not be delivered (exit code 2: the job failed)."""


class Temporary(Exception):
    """A failure worth another attempt (a 5xx, a refused connection, a timeout)."""

    def __init__(self, reason: str, wait: float | None = None) -> None:
        super().__init__(reason)
        self.wait = wait  # what the receiver asked for (Retry-After), if anything


@dataclass(frozen=True)
class Retry:
    """``attempts`` tries in all; before try *n* (n >= 2) wait ``backoff * 2**(n-2)``
    seconds, at most ``cap`` (a Retry-After the receiver sends is honoured up to ``cap``)."""

    attempts: int = 5
    backoff: float = 1.0
    cap: float = 60.0

    def delays(self) -> list[float]:
        return [min(self.cap, self.backoff * 2 ** i) for i in range(self.attempts - 1)]


def with_retries(action: Callable[[], T], retry: Retry, what: str,
                 sleep: Callable[[float], None] = time.sleep) -> T:
    """Run ``action`` until it succeeds, raises something other than ``Temporary``, or the
    attempts run out (then AlertError names the last reason)."""
    delays = retry.delays()
    for attempt in range(retry.attempts):
        try:
            return action()
        except Temporary as exc:
            if attempt == len(delays):
                raise AlertError(f"{what}: {exc} (gave up after {retry.attempts} attempts)"
                                 ) from None
            wait = delays[attempt] if exc.wait is None else min(retry.cap, exc.wait)
            sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
