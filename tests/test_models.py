from __future__ import annotations

import pickle
from dataclasses import fields, replace

from hypothesis import given
from hypothesis import strategies as st

from piiscan.models import Location, Reason, Segment

_MAYBE_INT = st.none() | st.integers(1, 99)
_MAYBE_TEXT = st.none() | st.text(max_size=5)


@given(st.builds(Location, path=st.text(max_size=5),
                 members=st.lists(st.text(max_size=3), max_size=2).map(tuple),
                 page=_MAYBE_INT, sheet=_MAYBE_TEXT, cell=_MAYBE_TEXT, slide=_MAYBE_INT,
                 paragraph=_MAYBE_INT, part=_MAYBE_TEXT, row=_MAYBE_INT, line=_MAYBE_INT,
                 column=_MAYBE_INT),
       st.integers(1, 10**6), st.integers(1, 10**4))
def test_at_line_is_replace_with_a_line_and_column(loc: Location, line: int,
                                                   column: int) -> None:
    assert [f.name for f in fields(Location)][-2:] == ["line", "column"]
    assert loc.at_line(line, column) == replace(loc, line=line, column=column)


def test_value_classes_are_equal_hashed_and_pickled_by_their_fields() -> None:
    """Location, Segment and Reason are values (mypy keeps them read-only): two made alike
    are one dict key, and a round trip through a worker gives the same value back."""
    place = Location("名簿.csv", row=3, column=2)
    values = [place, Segment("山田", place, header="氏名"), Reason("keyword", "電話")]
    again = [Location("名簿.csv", row=3, column=2),
             Segment("山田", Location("名簿.csv", row=3, column=2), header="氏名"),
             Reason("keyword", "電話")]
    assert values == again and len({*values, *again}) == 3
    assert [pickle.loads(pickle.dumps(v)) for v in values] == values
    assert replace(place, row=4) != place and hash(replace(place, row=4)) != hash(place)
