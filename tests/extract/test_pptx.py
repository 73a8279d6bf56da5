from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from piiscan.models import Note, Segment, Skip

from fixtures_office import EMAIL, NAME, NAME_2, PHONE, make_pptx, replace_member, truncate


@pytest.fixture(scope="module")
def pptx_file(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    return make_pptx(tmp_path_factory.mktemp("pptx") / "説明会.pptx")


def _segments(items: list[Segment | Skip | Note], part: str | None = None) -> list[Segment]:
    return [i for i in items if isinstance(i, Segment) and i.location.part == part]


def test_slides_in_presentation_order(pptx_file, office_extract) -> None:
    items = office_extract(pptx_file["path"])
    frames = [s for s in _segments(items) if s.location.cell is None]
    by_slide: dict[int, list[str]] = {}
    for s in frames:
        assert s.location.slide is not None
        by_slide.setdefault(s.location.slide, []).append(s.text)
    # slide3.xml was moved to the front in presentation.xml: it is slide 1.
    assert by_slide[1] == pptx_file["slides"][1]
    assert by_slide[3] == pptx_file["slides"][3]
    assert frames[0].location.render() == "説明会.pptx#slide=1"
    assert not [i for i in items if isinstance(i, Skip)]


def test_table_cells_with_header_context(pptx_file, office_extract) -> None:
    cells = {
        s.location.cell: s for s in _segments(office_extract(pptx_file["path"])) if s.location.cell
    }
    assert cells["T1R2C1"].text == NAME
    assert cells["T1R2C1"].header == "氏名"
    assert cells["T1R2C2"].text == PHONE
    assert cells["T1R2C2"].header == "電話"
    assert cells["T1R2C2"].location.slide == 2
    assert cells["T1R2C1"].record == cells["T1R2C2"].record == "S2T1R2"
    assert cells["T1R1C1"].header is None
    assert cells["T1R3C1"].location.render() == "説明会.pptx!T1R3C1#slide=2"


def test_speaker_notes(pptx_file, office_extract) -> None:
    notes = _segments(office_extract(pptx_file["path"]), "notes")
    assert [(n.location.slide, n.text) for n in notes] == [(2, pptx_file["notes"][2])]


def test_comments_and_their_authors(pptx_file, office_extract) -> None:
    items = office_extract(pptx_file["path"])
    comments = _segments(items, "comment")
    assert [(c.location.slide, c.text) for c in comments] == [(2, pptx_file["comments"][2])]
    authors = [s.text for s in _segments(items, "metadata:comment author")]
    assert authors == [pptx_file["comment_author"]]


def test_hidden_slide_is_read_and_flagged(pptx_file, office_extract) -> None:
    items = office_extract(pptx_file["path"])
    assert Note("slide 3 is hidden") in items
    (hidden,) = [s for s in _segments(items) if s.location.slide == 3]
    assert hidden.text == f"非表示スライド {EMAIL}" and hidden.hidden
    assert not any(s.hidden for s in _segments(items) if s.location.slide != 3)


def test_no_slide_number_noise_and_metadata(pptx_file, office_extract) -> None:
    items = office_extract(pptx_file["path"])
    assert not [s for s in items if isinstance(s, Segment) and s.text.isdigit()]
    creators = [s.text for s in _segments(items, "metadata:creator")]
    assert creators == [NAME_2]


def test_damaged_slide_is_skipped_by_number(pptx_file, tmp_path: Path, office_extract) -> None:
    broken = tmp_path / "broken.pptx"
    shutil.copy(pptx_file["path"], broken)
    replace_member(broken, "ppt/slides/slide1.xml", b"<p:sld><p:cSld>")  # shown as slide 2
    items = office_extract(broken)
    (skip,) = [i for i in items if isinstance(i, Skip)]
    assert skip.reason.startswith("slide 2 unreadable (ppt/slides/slide1.xml:")
    assert {s.location.slide for s in _segments(items)} == {1, 3}


def test_truncated_pptx_is_skipped(pptx_file, tmp_path: Path, office_extract) -> None:
    cut = truncate(pptx_file["path"], tmp_path / "cut.pptx")
    items = office_extract(cut)
    assert len(items) == 1 and isinstance(items[0], Skip)
    assert items[0].reason.startswith("corrupt or truncated pptx file")


def test_member_location_chain(pptx_file, office_extract) -> None:
    items = office_extract(pptx_file["path"], in_memory=True, members=("decks/a.pptx",))
    first = _segments(items)[0]
    assert first.location.members == ("decks/a.pptx",) and first.location.slide == 1
