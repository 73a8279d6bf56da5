"""Send an alert by mail (SMTP), with the settings of the configuration file::

    # .piiscan.toml
    [smtp]
    host = "smtp.example.co.jp"
    port = 587                          # default: 587 starttls, 465 tls, 25 none
    security = "starttls"               # starttls (default) | tls | none
    user = "piiscan@example.co.jp"      # optional: log in
    password_env = "PIISCAN_SMTP_PASSWORD"   # the variable that holds the password (default)
    from = "piiscan@example.co.jp"      # default: piiscan@<this host>
    cafile = "/etc/ssl/internal-ca.pem" # optional: a private CA for the server's certificate
    timeout = 30

The password is read from the environment variable only: a ``password`` key in the file is
refused, and there is no flag for it (argv is visible to every account on the machine).
A password is never sent without TLS. Certificates are verified (the system's CAs, or
``cafile``).
"""

from __future__ import annotations

import os
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from piiscan.alerts import AlertError, Retry, Temporary, with_retries
from piiscan.configfile import SMTP_PASSWORD_ENV as PASSWORD_ENV
from piiscan.errors import ConfigError
from piiscan.record import host_name


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    security: str
    user: str | None
    password_env: str
    sender: str
    cafile: str | None
    timeout: float

    @classmethod
    def from_table(cls, table: dict[str, Any] | None) -> SmtpSettings:
        if not table:
            raise ConfigError("--mail-to needs an [smtp] table in the configuration file "
                              "(.piiscan.toml or [tool.piiscan.smtp]); docs/operations.md")
        return cls(host=table["host"], port=table["port"], security=table["security"],
                   user=table.get("user") or None,
                   password_env=table.get("password_env") or PASSWORD_ENV,
                   sender=table.get("from") or f"piiscan@{host_name()}",
                   cafile=table.get("cafile"), timeout=table["timeout"])

    @property
    def where(self) -> str:
        return f"mail via {self.host}:{self.port}"


def message(settings: SmtpSettings, to: list[str], subject: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = settings.sender
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=host_name())
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(body)
    return msg


RETRY = Retry(attempts=3)


def send(settings: SmtpSettings, to: list[str], subject: str, body: str,
         retry: Retry = RETRY) -> None:
    """Deliver one message to ``to``; raises AlertError naming the server and the reason."""
    password = None
    if settings.user:
        password = os.environ.get(settings.password_env, "")
        if not password:
            raise AlertError(f"{settings.where}: smtp user is set, but the password variable "
                             f"{settings.password_env} is empty")
    context = ssl.create_default_context(cafile=settings.cafile)
    msg = message(settings, to, subject, body)

    def attempt() -> None:
        try:
            _deliver(settings, context, msg, password)
        except ssl.SSLError as exc:
            raise AlertError(f"{settings.where}: TLS failed ({exc.reason or exc}); check the "
                             "server's certificate or smtp.cafile") from None
        except smtplib.SMTPRecipientsRefused as exc:
            raise AlertError(f"{settings.where}: recipients refused: "
                             f"{', '.join(sorted(exc.recipients))}") from None
        except smtplib.SMTPResponseException as exc:
            text = exc.smtp_error.decode("utf-8", "replace") if isinstance(
                exc.smtp_error, bytes) else str(exc.smtp_error)
            if 400 <= exc.smtp_code < 500:
                raise Temporary(f"SMTP {exc.smtp_code} {text}") from None
            raise AlertError(f"{settings.where}: SMTP {exc.smtp_code} {text}") from None
        except smtplib.SMTPServerDisconnected as exc:
            raise Temporary(f"disconnected ({exc})") from None
        except smtplib.SMTPException as exc:  # e.g. no STARTTLS offered
            raise AlertError(f"{settings.where}: {exc}") from None
        except OSError as exc:  # refused, unreachable, timed out
            raise Temporary(f"cannot connect ({exc.strerror or exc})") from None

    with_retries(attempt, retry, settings.where)


def _deliver(settings: SmtpSettings, context: ssl.SSLContext, msg: EmailMessage,
             password: str | None) -> None:
    smtp: smtplib.SMTP
    if settings.security == "tls":
        smtp = smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout,
                                context=context)
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    with smtp:
        smtp.ehlo()
        if settings.security == "starttls":
            smtp.starttls(context=context)
            smtp.ehlo()
        if settings.user and password:
            smtp.login(settings.user, password)
        smtp.send_message(msg)
