from __future__ import annotations

import pytest

import edmkit
from edmkit import World


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """A 150-row customer master (CP932 CSV), its key and index, and a 12-file share."""
    return edmkit.build_world(tmp_path_factory.mktemp("edm"))
