"""Building an index and looking values up in it: keyed hashes by row, the key checked, a
damaged file refused with one line."""

from __future__ import annotations

import pickle
import stat
from pathlib import Path

import pytest

from piiscan.edm import keyfile
from piiscan.edm.build import build
from piiscan.edm.index import EdmIndex, EdmIndexError, read_header
from piiscan.edm.match import EdmMatcher
from piiscan.edm.schema import EdmSchema
from piiscan.errors import ConfigError
from piiscan.mask import EdmHasher, canonical

import edmkit
from edmkit import World


def hasher(world: World) -> EdmHasher:
    return EdmHasher(keyfile.read(str(world.key)))


def test_every_master_value_finds_its_row(world: World) -> None:
    index, h = EdmIndex.open(str(world.index)), hasher(world)
    try:
        for row, p in enumerate(world.master):
            for value_type, value in (("PHONE", p.phone), ("EMAIL", p.email),
                                      ("MY_NUMBER", p.my_number), ("MEMBER_ID", p.member)):
                assert index.rows_for(h.value(value_type, value)) == [row]
            assert index.row_id(row) == p.row_id
            fields = set(index.fields(row))
            assert h.field("PERSON_NAME", canonical("PERSON_NAME", p.name)) in fields
            assert h.field("PERSON_NAME_KANA", canonical("PERSON_NAME_KANA", p.hiragana)) \
                in fields
            assert h.field("ADDRESS", canonical("ADDRESS", p.address)) in fields
            assert h.field("BIRTH_DATE", canonical("BIRTH_DATE", p.birth.isoformat())) \
                in fields
        for p in world.others:
            assert index.rows_for(h.value("PHONE", p.phone)) == []
            assert index.rows_for(h.value("EMAIL", p.email)) == []
        assert index.rows_for(h.value("EMAIL", world.master[0].phone)) == []  # typed
    finally:
        index.close()


def test_the_file_is_owner_only_and_the_header_says_what_it_holds(world: World) -> None:
    assert stat.S_IMODE(world.index.stat().st_mode) == 0o600
    header = read_header(str(world.index))
    assert header["rows"] == len(world.master)
    assert header["master"] == "顧客マスタ.csv" and header["id_column"] == "顧客ID"
    assert [c["type"] for c in header["primary"]] == ["PHONE", "EMAIL", "MY_NUMBER",
                                                      "MEMBER_ID"]
    assert all(c["values"] == len(world.master) for c in header["primary"])
    assert header["key_id"] == hasher(world).key_id


def test_a_rebuild_of_the_same_master_has_the_same_content(world: World, tmp_path: Path
                                                           ) -> None:
    again = tmp_path / "again.edm"
    schema = EdmSchema.load(world.schema)
    stats = build(str(world.master_csv), schema, hasher(world), str(again))
    assert stats.content == read_header(str(world.index))["content"]
    assert stats.rows == len(world.master) and stats.encoding == "cp932"


def test_another_key_is_told_apart(world: World, tmp_path: Path) -> None:
    other = tmp_path / "other.key"
    keyfile.generate(str(other))
    with pytest.raises(ConfigError, match="built with another EDM key"):
        EdmMatcher.load(str(world.index), str(other))


def test_the_index_pickles_as_its_path(world: World) -> None:
    index, h = EdmIndex.open(str(world.index)), hasher(world)
    data = pickle.dumps(index)
    assert len(data) < 4096  # the header, not the arrays
    copy = pickle.loads(data)
    assert copy.rows_for(h.value("PHONE", world.master[3].phone)) == [3]
    index.close()
    copy.close()


@pytest.mark.parametrize(("damage", "message"), [
    (lambda b: b"XXXXXXXX" + b[8:], "not a piiscan EDM index"),
    (lambda b: b[:20], "damaged EDM index"),
    (lambda b: b[: len(b) // 2], "damaged EDM index"),
    (lambda b: b"", "not a piiscan EDM index"),
])
def test_a_damaged_index_is_refused(world: World, tmp_path: Path, damage: object,
                                    message: str) -> None:
    path = tmp_path / "damaged.edm"
    path.write_bytes(damage(world.index.read_bytes()))  # type: ignore[operator]
    with pytest.raises(EdmIndexError, match=message):
        EdmIndex.open(str(path))


def test_an_index_of_a_newer_format(world: World, tmp_path: Path) -> None:
    path = tmp_path / "newer.edm"
    path.write_bytes(world.index.read_bytes().replace(b'"version": 1', b'"version": 9', 1))
    with pytest.raises(EdmIndexError, match="format 9 is not one this piiscan reads"):
        EdmIndex.open(str(path))


def test_build_notes_what_cannot_match(tmp_path: Path) -> None:
    people = edmkit.People(seed=2)
    master = people.master(30)
    path = tmp_path / "master.csv"
    edmkit.write_master(path, master)
    text = path.read_text(encoding="utf-8").splitlines()
    shared = master[0].phone
    lines = [text[0]]
    for i, line in enumerate(text[1:]):
        cells = line.split(",")
        if i < 12:
            cells[3] = shared  # a phone number in 12 rows
        if i == 20:
            cells[3] = cells[4] = cells[5] = cells[6] = ""  # no primary value
        if i == 21:
            cells[0] = ""  # no id
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    schema_path, _ = edmkit.write_schema(tmp_path)
    key = tmp_path / "k"
    keyfile.generate(str(key))
    h = EdmHasher(keyfile.read(str(key)))
    stats = build(str(path), EdmSchema.load(schema_path), h, str(tmp_path / "x.edm"))
    assert (stats.shared_values, stats.rows_without_primary, stats.missing_ids) == (1, 1, 1)
    index = EdmIndex.open(str(tmp_path / "x.edm"))
    assert index.rows_for(h.value("PHONE", shared)) == list(range(12))
    assert index.row_id(21) == "(row 23)"
    index.close()


def test_a_column_the_master_lacks(world: World, tmp_path: Path) -> None:
    schema = tmp_path / "edm.yaml"
    schema.write_text("primary: [{column: 携帯, type: PHONE}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"field 'primary\.0\.column': the master has no "
                                          r"column '携帯' \(its columns: 顧客ID, 氏名"):
        build(str(world.master_csv), EdmSchema.load(schema), hasher(world),
              str(tmp_path / "x.edm"))
    assert not (tmp_path / "x.edm").exists()
