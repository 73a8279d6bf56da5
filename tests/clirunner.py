"""Run the real piiscan command line in a subprocess, as users and pre-commit do."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


class CLI:
    """Runs the real command line in a subprocess, as users and pre-commit do."""

    def run(self, *args: str, cwd: Path | None = None, user: int | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        cmd = [sys.executable, "-m", "piiscan", *args]
        if user is not None:
            cmd = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *cmd]
        env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
        return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, env=env,
                              timeout=300, check=False)

    def json(self, *args: str, cwd: Path | None = None) -> tuple[int, dict[str, Any]]:
        proc = self.run(*args, "-f", "json", cwd=cwd)
        assert proc.returncode in (0, 1, 3), proc.stderr
        return proc.returncode, json.loads(proc.stdout)
