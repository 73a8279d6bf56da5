"""Fixtures for the reporter tests; the sample result itself is in reportsample.py."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from reportsample import build_sample

import piiscan.report.html
import piiscan.report.json
import piiscan.report.jsonl
import piiscan.report.sarif
from piiscan.models import ScanResult


@pytest.fixture
def sample() -> ScanResult:
    return build_sample()


@pytest.fixture
def fixed_version(monkeypatch: pytest.MonkeyPatch) -> None:
    """Goldens change with the reporters and the risk model, not with the package version
    (rule descriptions are fixed in the sample's ScanResult.rules)."""
    for module in (piiscan.report.json, piiscan.report.jsonl, piiscan.report.sarif,
                   piiscan.report.html):
        monkeypatch.setattr(module, "__version__", "0.0.0-test")
