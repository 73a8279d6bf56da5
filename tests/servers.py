"""Real servers on the loopback interface for tests, each on an ephemeral port and stopped
when its ``with`` block ends: an HTTP server that receives webhooks (``WebhookServer``) and
an SMTP server that receives mail (``SmtpServer``, aiosmtpd), with TLS from a throwaway CA
(``make_ca``, trustme) when asked."""

from __future__ import annotations

import http.server
import ssl
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LOOPBACK = "127.0.0.1"


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class WebhookServer:
    """Answers each POST with the next status of ``statuses`` (the last one repeats);
    ``delay`` seconds before answering (a slow receiver). Every request is recorded."""

    statuses: tuple[int, ...] = (200,)
    delay: float = 0.0
    requests: list[Request] = field(default_factory=list)

    def __enter__(self) -> WebhookServer:
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                index = len(owner.requests)
                owner.requests.append(Request(self.path, dict(self.headers.items()), body))
                if owner.delay:
                    time.sleep(owner.delay)
                status = owner.statuses[min(index, len(owner.statuses) - 1)]
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", f"http://{LOOPBACK}:1/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer((LOOPBACK, 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.httpd.server_address[1]}/hooks/T000/SECRET"


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return int(s.getsockname()[1])


@dataclass
class LocalCA:
    ca: trustme.CA
    cafile: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(LOOPBACK, "localhost").configure_cert(context)
        return context


def make_ca(folder: Path) -> LocalCA:
    ca = trustme.CA()
    cafile = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    return LocalCA(ca, cafile)


class _Controller(Controller):
    """aiosmtpd's threaded controller on an ephemeral port (it connects to its own port to
    start, so the port is read from the bound socket first)."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


class SmtpServer:
    """An SMTP server on the loopback interface. ``starttls``: offers STARTTLS with this
    context; ``implicit_tls``: speaks TLS from the first byte; ``users``: requires AUTH
    with one of these logins."""

    def __init__(self, starttls: ssl.SSLContext | None = None,
                 implicit_tls: ssl.SSLContext | None = None,
                 users: dict[str, str] | None = None) -> None:
        self.inbox = _Inbox()
        self.users = users
        kwargs: dict[str, Any] = {}
        if starttls is not None:
            kwargs.update(tls_context=starttls, require_starttls=True)
        if users is not None:
            # Over implicit TLS aiosmtpd does not see the TLS it runs in: AUTH is allowed
            # (not required) there, and required after STARTTLS.
            kwargs.update(authenticator=self._authenticate, auth_required=implicit_tls is None,
                          auth_require_tls=implicit_tls is None)
        self.controller = _Controller(self.inbox, hostname=LOOPBACK, port=0,
                                      ssl_context=implicit_tls, **kwargs)
        self.logins: list[str] = []

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword) and self.users is not None
        login, password = auth_data.login.decode(), auth_data.password.decode()
        ok = self.users.get(login) == password
        if ok:
            self.logins.append(login)
        return AuthResult(success=ok, handled=False)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def port(self) -> int:
        return int(self.controller.port)

    @property
    def messages(self) -> list[EmailMessage]:
        return self.inbox.messages
