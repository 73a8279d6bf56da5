from __future__ import annotations

import json
from pathlib import Path

import pytest

from piiscan.extract import ExtractContext, Item
from piiscan.extract import json as json_extractor
from piiscan.models import Segment

import fixtures_containers as fx


def _by_part(items: list[Item]) -> dict[str | None, Segment]:
    return {segment.location.part: segment for segment in fx.segments_of(items)}


def test_values_carry_json_path_and_nearest_key(tmp_path: Path) -> None:
    ctx = ExtractContext()
    parts = _by_part(fx.extract_file(fx.make_json(tmp_path), ctx=ctx))
    tel = parts["$.customers[1].tel"]
    assert tel.text == fx.PHONE
    assert tel.header == "tel"
    assert tel.record == "$.customers[1]"
    assert parts["$.customers[0].name"].text == fx.NAME_2
    assert ctx.encodings == ["utf-8"]


def test_numbers_keep_their_digits(tmp_path: Path) -> None:
    parts = _by_part(fx.extract_file(fx.make_json(tmp_path)))
    assert parts["$.customers[1].card"].text == fx.CARD
    assert parts["$.customers[1].mynumber"].text == fx.MY_NUMBER
    assert parts["$.customers[1].mynumber"].header == "mynumber → 個人番号"  # read as a column
    assert "$.active" not in parts  # booleans hold no text


def test_exponent_floats_are_written_out() -> None:
    value = json_extractor.loads('{"card": 4.111111111111111e15, "tiny": 1.5E-3, "huge": 1e400}')
    assert value == {"card": fx.CARD, "tiny": "0.0015", "huge": "1e400"}


def test_keys_that_hold_data_are_scanned_once(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_json(tmp_path))
    keys = [s for s in fx.segments_of(items) if s.text == fx.EMAIL]
    assert len(keys) == 1
    assert keys[0].location.part == f'$.contacts["{fx.EMAIL}"]'
    # the value under it gets the key as its context
    value = next(s for s in fx.segments_of(items) if s.text == "営業担当")
    assert value.header == fx.EMAIL
    plain = [s for s in fx.segments_of(items) if s.text in ("tel", "name", "customers")]
    assert plain == []


def test_japanese_keys_use_dot_paths(tmp_path: Path) -> None:
    path = tmp_path / "jp.json"
    path.write_bytes(json.dumps({"顧客": [{"氏名": fx.NAME}]}, ensure_ascii=False).encode("cp932"))
    ctx = ExtractContext()
    parts = _by_part(fx.extract_file(path, ctx=ctx))
    assert parts["$.顧客[0].氏名"].text == fx.NAME
    assert parts["$.顧客[0].氏名"].header == "氏名"
    assert ctx.encodings == ["cp932"]


def test_json_lines_have_line_numbers(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_jsonl(tmp_path))
    segments = fx.segments_of(items)
    tel = next(s for s in segments if s.text == fx.PHONE)
    assert tel.location.line == 1
    assert tel.location.part == "$.user.tel"
    assert tel.header == "tel"
    assert tel.record == "line 1"
    number = next(s for s in segments if s.text == fx.MY_NUMBER)
    assert number.location.line == 4
    broken = next(s for s in segments if "壊れた行" in s.text)
    assert broken.line_based and broken.first_line == 3
    assert "1 lines are not valid JSON, scanned as text" in fx.notes_of(items)


def test_json_lines_named_json_are_recognised(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    lines = [{"name": fx.NAME}, {"tel": fx.PHONE}]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", "utf-8")
    segments = fx.segments_of(fx.extract_file(path))
    tel = next(s for s in segments if s.text == fx.PHONE)
    assert (tel.location.line, tel.location.part) == (2, "$.tel")


def test_invalid_json_is_scanned_as_text_with_a_note(tmp_path: Path) -> None:
    items = fx.extract_file(fx.make_invalid_json(tmp_path))
    assert any(note.startswith("not valid JSON, scanned as text") for note in fx.notes_of(items))
    assert not fx.skips_of(items)
    segments = fx.segments_of(items)
    assert segments and all(s.line_based for s in segments)
    assert fx.PHONE in segments[0].text


def test_deeply_nested_json_does_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + f'"{fx.PHONE}"' + "]" * 100_000, "utf-8")
    items = fx.extract_file(path)
    assert not fx.skips_of(items)
    assert any(fx.PHONE in s.text for s in fx.segments_of(items))


def test_nesting_the_parser_accepts_is_walked_without_recursion(tmp_path: Path) -> None:
    path = tmp_path / "nested.json"
    path.write_text('{"a":' * 500 + f'"{fx.PHONE}"' + "}" * 500, "utf-8")
    segment = fx.segments_of(fx.extract_file(path))[0]
    assert segment.text == fx.PHONE
    assert segment.location.part == "$" + ".a" * 500


def test_huge_document_is_scanned_as_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(json_extractor, "MAX_DOCUMENT_BYTES", 100)
    items = fx.extract_file(fx.make_json(tmp_path))
    assert any("over 64 MiB" in note for note in fx.notes_of(items))
    assert any(fx.PHONE in s.text and s.line_based for s in fx.segments_of(items))


def test_json_inside_zip_keeps_member_chain(tmp_path: Path) -> None:
    data = json.dumps([{"tel": fx.PHONE}]).encode()
    path = fx.make_zip(tmp_path, "export.zip", {"2024/data.json": data})
    tel = next(s for s in fx.segments_of(fx.extract_file(path)) if s.text == fx.PHONE)
    assert tel.location.render() == "export.zip!2024/data.json[$[0].tel]"
    assert tel.record == "2024/data.json!$[0]"


def test_json_lines_scan_a_repeated_data_key_once(tmp_path: Path) -> None:
    path = tmp_path / "keys.jsonl"
    path.write_text("".join(f'{{"{fx.EMAIL}": {n}}}\n' for n in range(3)), "utf-8")
    segments = fx.segments_of(fx.extract_file(path))
    assert [s.location.line for s in segments if s.text == fx.EMAIL] == [1]
    assert [s.header for s in segments if s.text == "2"] == [fx.EMAIL]


def test_an_array_of_rows_is_a_table_with_its_header_row(tmp_path: Path) -> None:
    """A spreadsheet API's ``values``: the first row names the columns."""
    path = tmp_path / "values.json"
    path.write_text(json.dumps({"values": [["氏名", "電話", "誕生日"],
                                           ["山田 花子", "090-1234-5678", "1980/1/2"],
                                           ["佐藤 一郎", "080-2345-6789", 19750304]]},
                               ensure_ascii=False), "utf-8")
    found = {s.text: s for s in fx.segments_of(fx.extract_file(path))}
    assert found["1980/1/2"].header == "誕生日"
    assert found["19750304"].header == "誕生日"
    assert found["090-1234-5678"].location.part == "$.values[1][1]"
    assert found["山田 花子"].record == found["1980/1/2"].record != found["佐藤 一郎"].record
