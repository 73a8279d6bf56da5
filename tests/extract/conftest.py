"""Fixtures for the PDF and Office extractor tests (test_pdf/docx/xlsx/pptx.py)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

try:
    import piiscan  # noqa: F401
except ImportError:  # a checkout without `pip install -e .`: use the source tree
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

from piiscan.extract import Blob, ExtractContext, extract_blob
from piiscan.models import Location, Note, Segment, Skip

Item = Segment | Skip | Note
OfficeExtract = Callable[..., list[Item]]


@pytest.fixture
def office_extract() -> OfficeExtract:
    """Run the registry on a file, read from disk or (``in_memory``) as an archive member."""

    def run(path: Path, *, in_memory: bool = False, members: tuple[str, ...] = ()) -> list[Item]:
        location = Location(path.name, members=members)
        if in_memory:
            blob = Blob(members[-1] if members else path.name, location, data=path.read_bytes())
        else:
            blob = Blob(path.name, location, path=str(path))
        return list(extract_blob(blob, ExtractContext()))

    return run
