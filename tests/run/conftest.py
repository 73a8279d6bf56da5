"""Fixtures shared by the run tests."""

from __future__ import annotations

from typing import Any

import pytest

from piiscan.run import pool


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> list[pool.PoolScan]:
    """Start a pool at the first file, in tiny batches (many tasks, finishing out of order);
    returns the runs that started one."""
    monkeypatch.setattr(pool, "POOL_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(pool, "POOL_MIN_BYTES_LEFT", 0)
    monkeypatch.setattr(pool, "SCAN_WHILE_STARTING", False)
    monkeypatch.setattr(pool, "BATCH_FILES", 3)
    monkeypatch.setattr(pool, "BATCH_BYTES", 64 * 1024)
    started: list[pool.PoolScan] = []
    original = pool.PoolScan._new_executor

    def spy(self: pool.PoolScan) -> Any:
        started.append(self)
        return original(self)

    monkeypatch.setattr(pool.PoolScan, "_new_executor", spy)
    return started
