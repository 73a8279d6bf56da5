"""Mail alerts through a real SMTP server (aiosmtpd) on 127.0.0.1: STARTTLS with a login,
implicit TLS, plain SMTP; the password only from the environment; certificates verified."""

from __future__ import annotations

from pathlib import Path

import pytest

from piiscan.alerts import AlertError, Retry
from piiscan.alerts.mail import SmtpSettings, send
from piiscan.configfile import smtp_table

from actionkit import two_runs
from clirunner import CLI
from servers import SmtpServer, make_ca

PASSWORD = "correct horse battery staple"
ONCE = Retry(attempts=1)


def settings(port: int, **table: object) -> SmtpSettings:
    return SmtpSettings.from_table(smtp_table({"host": "127.0.0.1", "port": port, **table}))


def test_diff_mails_the_alert_over_starttls_with_a_login(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cli = CLI()
    share = two_runs(cli, tmp_path)
    ca = make_ca(tmp_path)
    with SmtpServer(starttls=ca.server_context(), users={"piiscan": PASSWORD}) as server:
        (tmp_path / ".piiscan.toml").write_text(
            f'[smtp]\nhost = "127.0.0.1"\nport = {server.port}\nsecurity = "starttls"\n'
            f'user = "piiscan"\nfrom = "piiscan@fs01.example.jp"\ncafile = "test-ca.pem"\n',
            encoding="utf-8")
        monkeypatch.setenv("PIISCAN_SMTP_PASSWORD", PASSWORD)
        proc = cli.run("diff", f"--state={share.state}", "--mail-to", "dpo@example.jp",
                       "--mail-to", "it@example.jp", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "alert mailed to dpo@example.jp, it@example.jp via 127.0.0.1:" in proc.stderr
    assert server.logins == ["piiscan"]
    (message,) = server.messages
    assert message["Subject"].startswith("piiscan: 1 file(s) with new personal data on ")
    assert message["From"] == "piiscan@fs01.example.jp"
    assert message["To"] == "dpo@example.jp, it@example.jp"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert "新規 (new):" in body and "顧客リスト.csv" in body and "解消 (resolved):" in body
    assert "個人番号 (My Number) 3" in body and "old_list.txt" in body
    raw = message.as_string()
    for value in share.values:
        assert value not in raw and value.replace(" ", "").replace("-", "") not in raw
    assert PASSWORD not in raw


def test_implicit_tls(tmp_path: Path) -> None:
    ca = make_ca(tmp_path)
    with SmtpServer(implicit_tls=ca.server_context(), users={"u": "p w"}) as server:
        smtp = settings(server.port, security="tls", user="u", cafile=str(ca.cafile),
                        password_env="TEST_SMTP_PW")
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("TEST_SMTP_PW", "p w")
            send(smtp, ["a@example.jp"], "件名 subject", "本文\n", ONCE)
    assert server.logins == ["u"] and server.messages[0]["Subject"] == "件名 subject"
    assert server.messages[0].get_content().strip() == "本文"


def test_plain_smtp_without_login(tmp_path: Path) -> None:
    with SmtpServer() as server:
        send(settings(server.port, security="none"), ["a@example.jp"], "s", "b\n", ONCE)
    assert len(server.messages) == 1


def test_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    ca = make_ca(tmp_path)
    with SmtpServer(starttls=ca.server_context()) as server, \
            pytest.raises(AlertError, match="TLS failed"):
        send(settings(server.port), ["a@example.jp"], "s", "b", ONCE)  # no cafile
    assert server.messages == []


def test_a_wrong_password_fails_without_retrying(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    ca = make_ca(tmp_path)
    monkeypatch.setenv("PIISCAN_SMTP_PASSWORD", "wrong")
    with SmtpServer(starttls=ca.server_context(), users={"u": PASSWORD}) as server, \
            pytest.raises(AlertError, match="SMTP 535"):
        send(settings(server.port, user="u", cafile=str(ca.cafile)), ["a@example.jp"], "s", "b",
             Retry(attempts=3, backoff=0.01))
    assert server.messages == [] and server.logins == []


def test_user_without_password_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PIISCAN_SMTP_PASSWORD", raising=False)
    with pytest.raises(AlertError, match="PIISCAN_SMTP_PASSWORD is empty"):
        send(settings(25, user="u"), ["a@example.jp"], "s", "b", ONCE)


@pytest.mark.parametrize(("table", "problem"), [
    ('host = "h"\npassword = "hunter2"', "do not put the password in the configuration file"),
    ('host = "h"\nsecurity = "none"\nuser = "u"', "never sent without TLS"),
    ('host = "h"\nsecurity = "ssl"', "'security' must be one of"),
    ('port = 25', "'host' (the SMTP server) is required"),
    ('host = "h"\nhots = "x"', "unknown key 'hots'"),
])
def test_smtp_config_mistakes_are_one_line(tmp_path: Path, table: str, problem: str) -> None:
    (tmp_path / ".piiscan.toml").write_text(f"[smtp]\n{table}\n", encoding="utf-8")
    proc = CLI().run("config", "show", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and problem in proc.stderr
    assert "hunter2" not in proc.stderr


def test_mail_to_without_smtp_settings(tmp_path: Path) -> None:
    cli = CLI()
    share = two_runs(cli, tmp_path)
    proc = cli.run("diff", f"--state={share.state}", "--mail-to", "a@example.jp",
                   cwd=tmp_path)
    assert proc.returncode == 2 and "needs an [smtp] table" in proc.stderr
