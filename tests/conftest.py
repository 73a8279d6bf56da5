from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

# Test helpers (synth.py, fixture generators) are imported as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

import atexit
import os
import shutil
import tempfile

import pytest
from hypothesis import settings

import servers

# The compiled cache (piiscan.compiled) of the test run is its own, never the user's, and
# goes when the run ends.
if "PIISCAN_CACHE_DIR" not in os.environ:
    os.environ["PIISCAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="piiscan-test-cache-")
    atexit.register(shutil.rmtree, os.environ["PIISCAN_CACHE_DIR"], ignore_errors=True)

# Property tests check outcomes, not speed: on a shared 2-core CI machine a per-example
# deadline only makes them flaky.
settings.register_profile("piiscan", deadline=None)
settings.load_profile("piiscan")


# A test that skips because a tool is missing proves nothing: any skip fails the run.
# `make test` installs what the tests need (tools/sysdeps.sh).
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and exitstatus == pytest.ExitCode.OK:
        for report in skipped:
            reporter.write_line(f"SKIPPED IS A FAILURE: {report.nodeid}: {report.longrepr}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
# Real servers on loopback (tests/servers.py), started once per test run by the tests that
# ask for them: Samba serving a folder the tests write into, and an S3-compatible server.

@pytest.fixture(scope="session")
def samba(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.SambaShare]:
    folder = tmp_path_factory.mktemp("smb-share")
    with servers.samba(folder, tmp_path_factory.mktemp("smb-run")) as share:
        yield share


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[servers.S3Server]:
    with servers.s3_server(tmp_path_factory.mktemp("s3-run")) as server:
        yield server


@pytest.fixture
def s3(s3_server: servers.S3Server, monkeypatch: pytest.MonkeyPatch) -> servers.S3Server:
    """The S3 server, with this process's environment pointing at it (and at nothing else)."""
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in s3_server.env.items():
        monkeypatch.setenv(name, value)
    return s3_server


@pytest.fixture
def smb(samba: servers.SambaShare, monkeypatch: pytest.MonkeyPatch) -> servers.SambaShare:
    """The Samba share, with this process's environment holding its password."""
    monkeypatch.setenv("PIISCAN_SMB_PASSWORD", samba.password)
    return samba
