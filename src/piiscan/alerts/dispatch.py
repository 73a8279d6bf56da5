"""Build the alert for a diff and hand it to every receiver the command line names."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piiscan.alerts import AlertError, Retry
from piiscan.alerts.payload import RENDERERS, build_alert, subject, to_text, worth_sending
from piiscan.pii_types import builtin_registry
from piiscan.state.diff import RunDiff
from piiscan.state.store import StateStore


@dataclass
class Receivers:
    webhooks: list[str] = field(default_factory=list)  # resolved URLs (webhook.resolve_url)
    webhook_format: str = "json"
    timeout: float = 10.0
    mail_to: list[str] = field(default_factory=list)
    smtp: dict[str, Any] | None = None  # the configuration file's [smtp] table
    retry: Retry = field(default_factory=Retry)

    def __bool__(self) -> bool:
        return bool(self.webhooks or self.mail_to)


def send(store: StateStore, diff: RunDiff, receivers: Receivers, new_only: bool) -> list[str]:
    """Send the alert for ``diff`` when something changed; lines saying what was delivered.
    Every receiver is tried; AlertError after that names each that failed."""
    from piiscan.alerts import mail, webhook

    alert = build_alert(diff, store.files(diff.new.id), store.files(diff.old.id),
                        builtin_registry(), new_only)
    if not worth_sending(alert):
        return ["no new or resolved findings: no alert sent"]
    done: list[str] = []
    failed: list[str] = []
    payload = RENDERERS[receivers.webhook_format](alert)
    for url in receivers.webhooks:
        try:
            status = webhook.post(url, payload, receivers.timeout, receivers.retry)
            done.append(f"alert sent to webhook {webhook.redact(url)} (HTTP {status})")
        except AlertError as exc:
            failed.append(str(exc))
    if receivers.mail_to:
        try:
            settings = mail.SmtpSettings.from_table(receivers.smtp)
            mail.send(settings, receivers.mail_to, subject(alert), to_text(alert),
                      Retry(min(3, receivers.retry.attempts), receivers.retry.backoff))
            done.append(f"alert mailed to {', '.join(receivers.mail_to)} via "
                        f"{settings.host}:{settings.port}")
        except AlertError as exc:
            failed.append(str(exc))
    if failed:
        raise AlertError("; ".join(failed) + (f" ({'; '.join(done)})" if done else ""))
    return done
