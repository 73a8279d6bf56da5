from __future__ import annotations

import sys
from pathlib import Path

# Test helpers (synth.py, fixture generators) are imported as plain modules.
sys.path.insert(0, str(Path(__file__).parent))

import os
import tempfile

import pytest
from hypothesis import settings

# The compiled cache (piiscan.compiled) of the test run is its own, never the user's.
os.environ.setdefault("PIISCAN_CACHE_DIR", tempfile.mkdtemp(prefix="piiscan-test-cache-"))

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
