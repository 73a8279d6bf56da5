from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from clirunner import CLI


@pytest.fixture
def cli() -> CLI:
    return CLI()


@pytest.fixture
def open_dir() -> Iterator[Path]:
    """A folder other users can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="piiscan-e2e-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)
