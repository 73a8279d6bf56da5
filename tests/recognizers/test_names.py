"""The person-name recognizer: a form's label is not a name, even in a name column."""

from __future__ import annotations

import pytest

from piiscan.normalize import normalize
from piiscan.recognizers.names import person_names


@pytest.mark.parametrize("label", ["生年月日", "電話", "住所", "性別", "現住所", "連絡先", "学歴"])
def test_a_field_label_in_a_name_column_is_not_a_name(label: str) -> None:
    """Issue 12: the demo 履歴書's labels 生年月日 and 電話 were high-confidence names."""
    assert list(person_names(normalize(label), "氏名")) == []


def test_a_name_in_a_name_column_is_still_found() -> None:
    (found,) = person_names(normalize("山田 太郎"), "氏名")
    assert (found.start, found.end, str(found.confidence)) == (0, 5, "high")
