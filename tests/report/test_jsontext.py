"""The JSON layout every report uses: orjson's bytes are the standard library's."""

from __future__ import annotations

import json

import pytest

from piiscan.report.jsontext import dumps

VALUES = [
    {"path": "共有/顧客リスト.xlsx", "size": 34506, "modified": 1796459387.3362188,
     "findings": [{"masked_value": "田* **", "reasons": [], "location": {"row": 2}}],
     "counts": {}, "flags": ["world_readable"], "tab\tand\nnewline": "\x00\x1f\u2028"},
    {1: "an int key", "nested": [[], [{}], [1.5, -0.0, 1e300, True, None]]},
    "\x00piiscan-files\x00",
    [],
]


@pytest.mark.parametrize("value", VALUES)
def test_the_layout_is_the_standard_librarys(value: object) -> None:
    assert dumps(value) == json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def test_what_orjson_refuses_goes_through_the_standard_library() -> None:
    big = {"n": 2 ** 70}  # past 64 bits: orjson refuses, json writes it
    assert dumps(big) == json.dumps(big, indent=2).encode("utf-8")
    with pytest.raises(UnicodeEncodeError):  # an undecodable name is never written raw
        dumps({"path": "bad\udcff.txt"})


def test_a_dataclass_in_a_report_fails_as_with_the_standard_library() -> None:
    from dataclasses import dataclass

    @dataclass
    class Leaked:
        value: str

    with pytest.raises(TypeError):
        dumps({"x": Leaked("山田太郎")})
