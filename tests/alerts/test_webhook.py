"""Webhook alerts against a real HTTP server on 127.0.0.1: the payload, retries with
backoff on 5xx and connection errors, none on 4xx, no redirects, timeouts, secret URLs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from piiscan.alerts import AlertError, Retry
from piiscan.alerts.webhook import post, redact, resolve_url
from piiscan.errors import UsageError

from actionkit import two_runs
from clirunner import CLI
from servers import WebhookServer, closed_port

QUICK = Retry(attempts=3, backoff=0.01)


def test_diff_posts_the_alert_and_retries_after_a_503(tmp_path: Path) -> None:
    cli = CLI()
    share = two_runs(cli, tmp_path)
    with WebhookServer(statuses=(503, 200)) as server:
        proc = cli.run("diff", f"--state={share.state}", "--webhook", server.url)
    assert proc.returncode == 1, proc.stderr  # new findings: the diff's own exit code
    assert len(server.requests) == 2  # the 503 was retried
    assert "alert sent to webhook http://127.0.0.1:" in proc.stderr
    assert "SECRET" not in proc.stderr + proc.stdout  # the URL's path is the secret
    request = server.requests[-1]
    assert request.headers["Content-Type"] == "application/json; charset=utf-8"
    assert request.path == "/hooks/T000/SECRET"
    alert = json.loads(request.body)
    assert alert["schema"] == "piiscan-alert" and alert["version"] == 1
    new = {f["path"]: f for f in alert["new"]}
    assert set(new) == {str(share.root / "営業" / "顧客リスト.csv")}
    (customer,) = new.values()
    assert customer["level"] == "critical"
    assert customer["types"]["MY_NUMBER"] == 3 and customer["types"]["CREDIT_CARD"] == 3
    assert customer["locations"] and all(loc.startswith(customer["path"])
                                         for loc in customer["locations"])
    assert [f["path"].rsplit("/", 1)[-1] for f in alert["resolved"]] == ["old_list.txt"]
    assert alert["counts"]["new_files"] == 1 and alert["counts"]["resolved_files"] == 1
    assert alert["new_files_by_level"] == {"critical": 1}
    body = request.body.decode("utf-8")
    for value in share.values:
        assert value not in body and value.replace(" ", "").replace("-", "") not in body
    assert "****" not in body  # not even masked values


@pytest.mark.parametrize("fmt", ["slack", "teams"])
def test_chat_formats(tmp_path: Path, fmt: str) -> None:
    cli = CLI()
    share = two_runs(cli, tmp_path)
    with WebhookServer() as server:
        proc = cli.run("diff", f"--state={share.state}", "--webhook", server.url,
                       "--webhook-format", fmt, "--new-only")
    assert proc.returncode == 1, proc.stderr
    message = json.loads(server.requests[0].body)
    if fmt == "slack":
        assert message["text"].startswith("piiscan: 1 file(s) with new personal data")
        assert message["blocks"][0]["type"] == "header"
        text = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
        assert "顧客リスト.csv" in text and "個人番号 (My Number) 3" in text
        assert "old_list" not in text  # --new-only
    else:
        assert message["type"] == "message"
        (attachment,) = message["attachments"]
        assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
        card = attachment["content"]
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
        facts = [f for b in card["body"] if b["type"] == "FactSet" for f in b["facts"]]
        assert facts[0]["title"] == "重大 critical" and "顧客リスト.csv" in facts[0]["value"]


def test_no_change_sends_nothing(tmp_path: Path) -> None:
    cli = CLI()
    share = two_runs(cli, tmp_path)
    share.scan(cli)  # run 3 = run 2
    with WebhookServer() as server:
        proc = cli.run("diff", f"--state={share.state}", "--webhook", server.url)
    assert proc.returncode == 0 and server.requests == []
    assert "no alert sent" in proc.stderr


def test_a_4xx_is_not_retried_and_fails_the_job(tmp_path: Path) -> None:
    cli = CLI()
    share = two_runs(cli, tmp_path)
    with WebhookServer(statuses=(404,)) as server:
        proc = cli.run("diff", f"--state={share.state}", "--webhook", server.url)
    assert proc.returncode == 2 and len(server.requests) == 1
    assert proc.stderr.count("\n") == 1 and "HTTP 404" in proc.stderr
    assert "SECRET" not in proc.stderr


def test_backoff_doubles_and_gives_up() -> None:
    waits: list[float] = []
    with WebhookServer(statuses=(500,)) as server, pytest.raises(AlertError) as error:
        post(server.url, {"a": 1}, retry=Retry(attempts=4, backoff=0.5), sleep=waits.append)
    assert len(server.requests) == 4 and waits == [0.5, 1.0, 2.0]
    assert "HTTP 500" in str(error.value) and "after 4 attempts" in str(error.value)


def test_connection_refused_is_retried() -> None:
    waits: list[float] = []
    url = f"http://127.0.0.1:{closed_port()}/hook"
    with pytest.raises(AlertError, match="cannot connect"):
        post(url, {}, retry=QUICK, sleep=waits.append)
    assert len(waits) == 2


def test_a_slow_receiver_times_out_and_is_retried() -> None:
    with WebhookServer(statuses=(200,), delay=1.0) as server, \
            pytest.raises(AlertError, match="timed out"):
        post(server.url, {}, timeout=0.2, retry=Retry(attempts=2, backoff=0.01))
    assert len(server.requests) == 2


def test_retry_after_is_honoured_and_redirects_are_not_followed() -> None:
    waits: list[float] = []
    with WebhookServer(statuses=(429, 200)) as server:
        assert post(server.url, {}, retry=QUICK, sleep=waits.append) == 200
    assert waits == [0.01]  # no Retry-After header: our own backoff
    with WebhookServer(statuses=(302,)) as server, pytest.raises(AlertError, match="redirect"):
        post(server.url, {}, retry=QUICK)
    assert len(server.requests) == 1


def test_url_from_the_environment_and_only_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_HOOK", "https://hooks.example.test/services/T0/B0/XYZ")
    assert resolve_url("env:SLACK_HOOK").endswith("/XYZ")
    assert redact("https://hooks.example.test/services/T0/B0/XYZ") == \
        "https://hooks.example.test/…"
    with pytest.raises(UsageError, match="MISSING_HOOK is not set"):
        resolve_url("env:MISSING_HOOK")
    for bad in ("file:///etc/passwd", "ftp://example.test/x", "hooks.example.test/x"):
        with pytest.raises(UsageError, match="not an http"):
            resolve_url(bad)


def test_url_in_the_environment_end_to_end(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    cli = CLI()
    share = two_runs(cli, tmp_path)
    with WebhookServer() as server:
        monkeypatch.setenv("PIISCAN_TEST_HOOK", server.url)
        proc = cli.run("diff", f"--state={share.state}", "--webhook", "env:PIISCAN_TEST_HOOK",
                       "-f", "json")
    assert proc.returncode == 1 and len(server.requests) == 1
    assert json.loads(proc.stdout)["schema"] == "piiscan-diff"  # stdout unchanged by alerts
