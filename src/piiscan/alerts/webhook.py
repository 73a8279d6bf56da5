"""POST an alert to a webhook: JSON body, a timeout, retries with exponential backoff.

A webhook URL is a secret (whoever has a Slack or Teams webhook URL can post to the
channel): give it as ``env:NAME`` to read it from an environment variable instead of the
command line, and piiscan never prints more of it than its scheme and host.

Retried: 5xx, 429 (honouring Retry-After), refused or reset connections, timeouts. Not
retried: any other 4xx (a wrong URL or payload does not get better) and redirects, which are
not followed (a POST turned into a GET, or sent on to another host, is not a delivery).
"""

from __future__ import annotations

import http.client
import json
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from piiscan import __version__
from piiscan.alerts import AlertError, Retry, Temporary, with_retries
from piiscan.errors import UsageError

ENV_PREFIX = "env:"


def resolve_url(spec: str) -> str:
    """``https://...`` as given, or ``env:NAME`` read from the environment; only http and
    https."""
    url = spec
    if spec.startswith(ENV_PREFIX):
        name = spec[len(ENV_PREFIX):]
        url = os.environ.get(name, "")
        if not url:
            raise UsageError(f"--webhook {spec}: the environment variable {name} is not set")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        shown = spec if spec.startswith(ENV_PREFIX) else redact(url)
        raise UsageError(f"--webhook {shown}: not an http:// or https:// URL")
    return url


def redact(url: str) -> str:
    """What may be printed of a webhook URL: its scheme and host (the path is the secret)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}/…"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # urllib then raises the 3xx as an HTTPError


def _retry_after(headers: Any) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: use our own backoff


RETRY = Retry()


def post(url: str, payload: dict[str, Any], timeout: float = 10.0, retry: Retry = RETRY,
         sleep: Callable[[float], None] = time.sleep) -> int:
    """POST ``payload`` as JSON; the HTTP status of the delivery. Raises AlertError."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    opener = urllib.request.build_opener(_NoRedirect)
    where = f"webhook {redact(url)}"

    def attempt() -> int:
        request = urllib.request.Request(
            url, data=body, method="POST",
            headers={"Content-Type": "application/json; charset=utf-8",
                     "User-Agent": f"piiscan/{__version__}"})
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read(65536)
                return int(response.status)
        except urllib.error.HTTPError as exc:
            status = exc.code
            exc.close()
            if status >= 500 or status == 429:
                raise Temporary(f"HTTP {status}", _retry_after(exc.headers)) from None
            if 300 <= status < 400:
                raise AlertError(f"{where}: HTTP {status} redirect, not followed: use the "
                                 "final URL") from None
            raise AlertError(f"{where}: HTTP {status} {exc.reason}: check the URL and the "
                             "--webhook-format") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError,
                http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise Temporary(f"cannot connect ({reason})") from None

    return with_retries(attempt, retry, where, sleep)
