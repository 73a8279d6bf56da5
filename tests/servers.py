"""Real servers on loopback for the tests, each started as the real thing and stopped when
its context ends; nothing is mocked. For remote sources and the cluster: Samba (Debian's
smbd, installed by `make test`), an S3-compatible server (moto's server mode) and a Dask
scheduler with workers, each its own process group on 127.0.0.1, waited for with a bounded
wait and stopped (then killed). For alerts: an HTTP server that receives webhooks
(``WebhookServer``) and an SMTP server that receives mail (``SmtpServer``, aiosmtpd), with
TLS from a throwaway CA (``make_ca``, trustme) when asked."""

from __future__ import annotations

import contextlib
import getpass
import http.server
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"
START_SECONDS = 60  # a loaded 2-core machine starts a server slowly; never wait longer
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(ready: Callable[[], bool], proc: subprocess.Popen[bytes], log: Path,
              what: str) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited ({proc.returncode}): {_tail(log)}")
        if ready():
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} not ready after {START_SECONDS} s: {_tail(log)}")


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"


def _listening(port: int) -> Callable[[], bool]:
    def check() -> bool:
        with socket.socket() as sock:
            sock.settimeout(0.5)
            return sock.connect_ex((HOST, port)) == 0
    return check


@contextlib.contextmanager
def _process(cmd: list[str], log: Path, **kwargs: object) -> Iterator[subprocess.Popen[bytes]]:
    """A server process in a process group of its own, stopped with its children."""
    with log.open("ab") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, **kwargs)  # type: ignore[call-overload]
    try:
        yield proc
    finally:
        stop(proc)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group this test started, then SIGKILL after 10 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(10)
            return
        except subprocess.TimeoutExpired:
            continue


# --- Samba -------------------------------------------------------------------------------------

SMB_CONF = """\
[global]
  server role = standalone server
  interfaces = {host}
  bind interfaces only = yes
  smb ports = {port}
  disable netbios = yes
  server min protocol = SMB2_10
  map to guest = never
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  lock directory = {run}/lock
  state directory = {run}/state
  cache directory = {run}/cache
  pid directory = {run}/pid
  ncalrpc dir = {run}/ncalrpc
  private dir = {run}/private
  passdb backend = tdbsam:{run}/private/passdb.tdb
  log file = {run}/log.smbd
  log level = 1

[{share}]
  path = {folder}
  read only = yes
  valid users = {user}
"""


@dataclass(frozen=True)
class SambaShare:
    folder: Path  # what the share serves
    port: int
    user: str
    password: str
    share: str = "data"

    def url(self, user: bool = True) -> str:
        who = f"{self.user}@" if user else ""
        return f"smb://{who}{HOST}:{self.port}/{self.share}"


@contextlib.contextmanager
def samba(folder: Path, run: Path) -> Iterator[SambaShare]:
    """smbd serving ``folder`` read-only on an unprivileged loopback port, with one user
    (this Unix user) in a private passdb under ``run``."""
    smbd = "/usr/sbin/smbd"
    if not os.path.exists(smbd):
        raise RuntimeError("smbd is not installed: `make test` installs Debian's samba")
    for sub in ("lock", "state", "cache", "pid", "ncalrpc", "private"):
        (run / sub).mkdir(parents=True, exist_ok=True)
    share = SambaShare(folder, free_port(), getpass.getuser(), "Pw-" + os.urandom(6).hex())
    conf = run / "smb.conf"
    conf.write_text(SMB_CONF.format(host=HOST, port=share.port, run=run, share=share.share,
                                    folder=folder, user=share.user), encoding="utf-8")
    subprocess.run(["smbpasswd", "-c", str(conf), "-s", "-a", share.user],
                   input=f"{share.password}\n{share.password}\n".encode(), check=True,
                   capture_output=True, timeout=60)
    cmd = [smbd, "--foreground", "--no-process-group", "--debug-stdout",
           f"--configfile={conf}"]
    with _process(cmd, run / "smbd.out") as proc:
        _wait_for(_listening(share.port), proc, run / "smbd.out", "smbd")
        try:
            yield share
        finally:
            # Log off while the server still answers: smbprotocol does it at exit
            # otherwise, and waits a minute for a server that is gone.
            import smbclient

            smbclient.reset_connection_cache()


# --- S3 (moto) ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class S3Server:
    endpoint: str
    env: dict[str, str] = field(default_factory=dict)  # what a client needs to reach it


@contextlib.contextmanager
def s3_server(run: Path) -> Iterator[S3Server]:
    """moto's S3 server on a loopback port. Clients find it through AWS_ENDPOINT_URL, with
    test credentials and no AWS configuration file of the machine's."""
    port = free_port()
    endpoint = f"http://{HOST}:{port}"
    cmd = [str(BIN / "moto_server"), "-H", HOST, "-p", str(port)]
    with _process(cmd, run / "moto.out") as proc:
        def ready() -> bool:
            try:
                with urllib.request.urlopen(f"{endpoint}/moto-api/", timeout=1):
                    return True
            except OSError:
                return False

        _wait_for(ready, proc, run / "moto.out", "moto_server")
        yield S3Server(endpoint, {
            "AWS_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(run / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(run / "no-aws-credentials"),
        })


# --- Dask ---------------------------------------------------------------------------------------


@dataclass
class DaskCluster:
    address: str
    workers: list[subprocess.Popen[bytes]]
    env: dict[str, str] = field(default_factory=dict)  # what a client needs (TLS)


def tls_files(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate (its own CA) and its key, for TLS on loopback."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "piiscan test cluster")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return cert_path, key_path


@contextlib.contextmanager
def dask_cluster(run: Path, workers: int = 2, tls: bool = False) -> Iterator[DaskCluster]:
    """``dask scheduler`` and ``dask worker`` processes (no nanny: a killed worker stays
    dead) on loopback, each worker with one thread; with ``tls``, every connection is TLS
    with a certificate made here, and ``env`` holds the Dask settings a client needs."""
    port = free_port()
    address = f"{'tls' if tls else 'tcp'}://{HOST}:{port}"
    flags: list[str] = []
    env: dict[str, str] = {}
    if tls:
        cert, key = tls_files(run)
        flags = ["--tls-ca-file", str(cert), "--tls-cert", str(cert), "--tls-key", str(key)]
        env = {"DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True",
               "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(cert),
               "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(cert),
               "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(key)}
    with contextlib.ExitStack() as stack:
        scheduler = stack.enter_context(_process(
            [str(BIN / "dask"), "scheduler", "--host", HOST, "--port", str(port),
             "--no-dashboard", *(["--protocol", "tls"] if tls else []), *flags],
            run / "scheduler.out"))
        _wait_for(_listening(port), scheduler, run / "scheduler.out", "dask scheduler")
        procs = [stack.enter_context(_process(
            [str(BIN / "dask"), "worker", address, "--host", HOST, "--nthreads", "1",
             "--no-nanny", "--no-dashboard", "--name", f"w{i}", *flags],
            run / f"worker{i}.out")) for i in range(workers)]
        from distributed import Client
        from distributed.security import Security

        security = Security(tls_ca_file=str(cert), tls_client_cert=str(cert),
                            tls_client_key=str(key), require_encryption=True) if tls else None
        with Client(address, timeout=START_SECONDS, set_as_default=False,
                    security=security) as client:
            client.wait_for_workers(workers, timeout=START_SECONDS)
        yield DaskCluster(address, procs, env)


LOOPBACK = HOST


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
