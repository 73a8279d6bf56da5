from __future__ import annotations

import pytest

from clirunner import CLI


@pytest.fixture
def cli() -> CLI:
    return CLI()
