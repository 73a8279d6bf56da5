"""SQL, key/value pairs in code and configuration, logs and Markdown tables."""

from __future__ import annotations

from pathlib import Path

from hypothesis import example, given
from hypothesis import strategies as st

from piiscan.extract import Blob, ExtractContext, extract_blob, structured
from piiscan.models import Location, Segment


def segments(path: Path) -> list[Segment]:
    blob = Blob(path.name, Location(path.name), path=str(path))
    return [s for s in extract_blob(blob, ExtractContext()) if isinstance(s, Segment)
            and s.location.part != "filename"]


def cells(path: Path) -> dict[str, Segment]:
    return {s.text: s for s in segments(path) if s.record is not None}


def test_an_insert_column_list_is_the_header(tmp_path: Path) -> None:
    path = tmp_path / "seed.sql"
    path.write_text("INSERT INTO customer (user_name, user_pronoun, phone)\nVALUES\n"
                    "('長井美南', 'ナガイミナミ', '0771749188'),\n"
                    "('中嶋良昭', 'ナカジマヨシアキ', '0881634947');\n", "utf-8")
    found = cells(path)
    assert found["ナガイミナミ"].header == "user_pronoun → フリガナ"
    assert found["0881634947"].header == "phone → 電話番号"
    assert found["0881634947"].location.line == 4
    assert found["長井美南"].record != found["中嶋良昭"].record
    text = "".join(s.text for s in segments(path) if s.record is None)
    assert "0771749188" not in text and "INSERT INTO customer" in text  # nothing twice


def test_comments_between_the_rows_of_an_insert_end_nothing(tmp_path: Path) -> None:
    path = tmp_path / "member.sql"
    path.write_text("INSERT INTO member (family_name, phone) VALUES\n"
                    "('さくら', '0771749188'), -- password: hashed_pw1\n"
                    "/* the second */ ('たなか', '0881634947');\n", "utf-8")
    assert cells(path)["0881634947"].header == "phone → 電話番号"


def test_a_date_built_in_code_is_handed_out_as_a_date(tmp_path: Path) -> None:
    path = tmp_path / "seed.py"
    path.write_text('p = {"name": "山田", "birth_date": date(1980, 5, 15)}\n'
                    "u = {birthday: new Date(1975, 0, 31), joined: Date.new(2020, 4, 1)}\n",
                    "utf-8")
    found = cells(path)
    assert found["1980-05-15"].header == "birth_date → 生年月日"
    assert found["1980-05-15"].record == found["山田"].record
    assert "1975-01-31" in found and "2020-04-01" in found  # JavaScript counts months from 0


def test_a_create_table_names_the_columns_of_an_insert_without_a_list(tmp_path: Path) -> None:
    path = tmp_path / "schema.sql"
    path.write_text("CREATE TABLE t (id int PRIMARY KEY, birthday date, kana text);\n"
                    "INSERT INTO t VALUES (1, '1975-01-05', 'キムラ タロウ');\n", "utf-8")
    assert cells(path)["1975-01-05"].header == "birthday → 生年月日"


def test_an_insert_without_any_column_names_is_read_by_its_values(tmp_path: Path) -> None:
    path = tmp_path / "data.sql"
    rows = [("木村　太郎", "キムラ　タロウ", "1975-01-05"), ("前田　五郎", "マエダ　ゴロウ", "1980-12-13"),
            ("鈴木　花子", "スズキ　ハナコ", "1960-10-21")]
    path.write_text("".join(f"INSERT INTO c VALUES (LPAD('1', 8), '{a}', '{b}', '{c}');\n"
                            for a, b, c in rows), "utf-8")
    found = cells(path)
    assert found["1975-01-05"].header == "#4 → 生年月日"
    assert found["キムラ　タロウ"].header == "#3 → フリガナ"


def test_ruby_keys_are_headers_and_each_call_a_record(tmp_path: Path) -> None:
    path = tmp_path / "seeds.rb"
    path.write_text("Customer.create!(\n  family_name: '長岡', first_name: '聡美',\n"
                    "  family_name_kana: 'ナガオカ', first_name_kana: 'サトミ'\n)\n"
                    "Customer.create!(family_name: '野崎', first_name: '健吾')\n", "utf-8")
    found = cells(path)
    assert found["ナガオカ"].header == "family_name_kana → フリガナ（姓）"
    assert found["長岡"].record == found["サトミ"].record != found["野崎"].record


def test_a_nested_object_belongs_to_its_parent(tmp_path: Path) -> None:
    path = tmp_path / "patient.ts"
    path.write_text("export const patient = {\n  name: '田中 花子',\n"
                    "  currentMedication: {\n    category: 'SSRI（エスシタロプラム 10mg）',\n  },\n};\n",
                    "utf-8")
    found = cells(path)
    assert found["田中 花子"].record == found["SSRI（エスシタロプラム 10mg）"].record


def test_yaml_fixture_blocks_are_records(tmp_path: Path) -> None:
    path = tmp_path / "users.yml"
    path.write_text("one:\n  name: 田中 純一郎\n  post_number: 001-1111\n"
                    "two:\n  name: 佐藤 花子\n", "utf-8")
    found = cells(path)
    assert found["001-1111"].header == "post_number → 郵便番号"
    assert found["田中 純一郎"].record == found["001-1111"].record != found["佐藤 花子"].record


def test_an_fhir_extension_value_takes_its_url_as_header(tmp_path: Path) -> None:
    path = tmp_path / "patient.fsh"
    path.write_text('Instance: p1\n* extension[0].url = $patient-religion\n'
                    '* extension[=].valueCodeableConcept = http://x#1046 "Shinto"\n', "utf-8")
    assert cells(path)["Shinto"].header == "patient-religion → 信条"


def test_an_fhir_identifier_value_takes_its_system_as_header(tmp_path: Path) -> None:
    path = tmp_path / "patient.fsh"
    path.write_text('Instance: p1\n* identifier[+].system = "urn:oid:1.2.392.100495.20.3.51.'
                    '1/JP_Insurance_memberID"\n* identifier[=].value = "00012345:あいう:１８７:05"\n',
                    "utf-8")
    found = cells(path)["00012345:あいう:１８７:05"]
    assert found.header == "JP_Insurance_memberID → 保険証の記号番号"


def test_log_pairs_keep_spaced_digit_groups(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text("2024-10-11 DEBUG send code to tel=070 6526 6822 request_id=9522\n", "utf-8")
    assert "070 6526 6822" in cells(path)


def test_a_markdown_table_has_its_header(tmp_path: Path) -> None:
    path = tmp_path / "README.md"
    path.write_text("# Data\n\n| 氏名 | 電話番号 |\n|---|---|\n| 滝 雛 | 0973329199 |\n", "utf-8")
    found = cells(path)
    assert found["0973329199"].header == "電話番号" and found["0973329199"].location.line == 5


def test_a_table_in_a_txt_file_or_utf16_export_is_read_as_a_table(tmp_path: Path) -> None:
    rows = "氏名\t電話番号\t生年月日\r\n" + "".join(
        f"山田 太郎{i}\t090-1234-56{i:02d}\t1980/03/{i + 1:02d}\r\n" for i in range(6))
    path = tmp_path / "export.txt"
    path.write_bytes(b"\xff\xfe" + rows.encode("utf-16-le"))
    found = cells(path)
    assert found["1980/03/01"].header == "生年月日"


def test_an_ambiguous_key_is_read_from_all_its_values(tmp_path: Path) -> None:
    """Shelters listed by 'name': schools and halls, not people."""
    path = tmp_path / "shelters.js"
    path.write_text("var markers = {'shelters': [\n" + "".join(
        f"  {{'name': '{n}', 'prefecture': '宮城県', 'city': '白石市'}},\n"
        for n in ("福岡中学校", "荒巻小", "北岡公民館", "アスパル")) + "]};\n", "utf-8")
    assert {cells(path)[n].header for n in ("荒巻小", "アスパル")} == {"name → 名称"}


def test_a_reading_or_a_model_beside_a_name_key_makes_it_a_name(tmp_path: Path) -> None:
    path = tmp_path / "seeds.rb"
    path.write_text("Worker.create!(\n  name: '二宮龍星',\n  trade_name: '二宮硝子店'\n)\n"
                    "Employee.create!(name: '神谷砂良', name_kana: 'カミヤサラ')\n", "utf-8")
    found = cells(path)
    assert found["二宮龍星"].header == found["神谷砂良"].header == "name → 氏名"
    assert found["二宮硝子店"].header == "trade_name → 名称"


def test_an_fhir_instance_of_a_practitioner_names_a_person(tmp_path: Path) -> None:
    path = tmp_path / "practitioner.fsh"
    path.write_text('Instance: p1\nInstanceOf: JP_Practitioner\n* name[0].text = "東京 春子"\n'
                    '* name[=].family = "東京"\n', "utf-8")
    assert cells(path)["東京 春子"].header == "name.text → 氏名"


def test_a_key_inside_a_list_takes_the_lists_meaning(tmp_path: Path) -> None:
    """``name`` in a patient's list of allergies is an allergy; the allergy's record is
    nested in the patient's."""
    path = tmp_path / "seed.ts"
    path.write_text("await db.insert(patients).values({\n  name: '田中太郎',\n"
                    "  history: { allergies: [{ name: '花粉', severity: 'mild' }] },\n});\n",
                    "utf-8")
    found = cells(path)
    assert found["花粉"].header == "allergies.name → 病歴"
    patient, allergy = found["田中太郎"].record, found["花粉"].record
    assert patient is not None and allergy is not None
    assert allergy.startswith(patient + " › ")


def test_the_fenced_code_of_a_markdown_file_has_keys(tmp_path: Path) -> None:
    path = tmp_path / "DESIGN.md"
    path.write_text('# API\n\n```json\n{"name": "to clinic shibuya", "name_kana": "トゥー",\n'
                    ' "address": "東京都渋谷区桜丘町１－４"}\n```\n\nname: 本文の値\n', "utf-8")
    found = cells(path)
    assert found["to clinic shibuya"].header == "name → 名称"
    assert found["東京都渋谷区桜丘町１－４"].header == "address → 住所"
    assert "本文の値" not in found  # prose outside the fences is plain text


def test_arrays_of_rows_in_a_markdown_block_are_a_table_with_its_header_row(
        tmp_path: Path) -> None:
    """A query tool's output pasted into a README (groonga + jq): the first array holds the
    column names, the rest the rows, one value per line."""
    rows = [[1, "アドレス", "誕生日", "ふりがな", "携帯", "名前"],
            [2, "tahara@example.jp", "1979/8/25", "たはら みな", "090-3554-6247", "田原 美菜"],
            [3, "komine@example.jp", "1995/7/6", "こみね はるか", "080-6298-3392", "小峰 遥"]]
    body = ",\n".join("  [\n" + ",\n".join(f'    "{v}"' if isinstance(v, str) else f"    {v}"
                                          for v in row) + "\n  ]" for row in rows)
    path = tmp_path / "README.md"
    path.write_text(f"# log\n\n```json\necho 'select' | jq .\n[\n{body}\n]\n```\n", "utf-8")
    found = cells(path)
    assert found["1979/8/25"].header == "誕生日"
    assert found["小峰 遥"].header == "名前"
    assert found["090-3554-6247"].location.line == 19
    assert found["田原 美菜"].record == found["1979/8/25"].record != found["小峰 遥"].record


def test_two_arrays_or_arrays_of_other_widths_are_no_table(tmp_path: Path) -> None:
    path = tmp_path / "x.ts"
    path.write_text('const a = [["氏名", "電話", "誕生日"], ["山田 花子", "090-1234-5678", '
                    '"1980/1/2"]];\nconst b = [["x", "y", "z"], ["p", "q"], ["r", "s", "t"]];\n',
                    "utf-8")
    assert not any(s.header == "誕生日" for s in segments(path))


def test_tab_separated_rows_in_fenced_blocks_are_a_table_headed_by_the_block_above(
        tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text("**1行目に以下をコピペ**\n```\nID\t氏名\t生年月日\t住所\n```\n\n"
                    "**サンプルデータ（2行目以降）**\n```\n"
                    "U001\t山田太郎\t1950/1/1\t東京都港区1-1-1\n"
                    "U002\t鈴木花子\t1948/5/15\t東京都渋谷区2-2-2\n```\n", "utf-8")
    found = cells(path)
    assert found["1950/1/1"].header == "生年月日"
    assert found["東京都渋谷区2-2-2"].header == "住所"
    assert found["東京都渋谷区2-2-2"].location.line == 9
    assert found["山田太郎"].record != found["鈴木花子"].record


def test_a_one_row_block_heads_only_the_block_right_after_it(tmp_path: Path) -> None:
    path = tmp_path / "guide.md"
    path.write_text("```\nID\t氏名\t生年月日\t住所\n```\n\n```python\nprint(1)\n```\n\n"
                    "```\nU001\t山田太郎\t1950/1/1\t東京都港区1-1-1\n"
                    "U002\t鈴木花子\t1948/5/15\t東京都渋谷区2-2-2\n```\n", "utf-8")
    assert cells(path)["1950/1/1"].header != "生年月日"  # another block came between


_QUOTED_TEXT = st.text(alphabet="ab_=:>{} \n\r\t\x85\u2028\"'`\\.$[]山アｱ,", max_size=80)


@given(text=_QUOTED_TEXT)
@example(text='a\n\n :\n "x"')
@example(text="'k'\n=\n 'v'")
def test_quoted_pairs_are_looked_for_on_the_lines_that_can_hold_them(text: str) -> None:
    """Run only on the lines a quote is on (and the lines of their keys), the quoted
    patterns find what they find over the whole text."""
    spans = structured._quoted_lines(text)
    for pattern in structured._QUOTED:
        assert [(m.span(), m.groupdict()) for start, end in spans
                for m in pattern.finditer(text, start, end)
                ] == [(m.span(), m.groupdict()) for m in pattern.finditer(text)]


def test_a_log_without_a_quote_is_not_searched_for_quoted_pairs() -> None:
    log = "".join(f"2026-12-01 10:00:{i % 60:02d} DEBUG id={i} path=/api status=200\n"
                  for i in range(100))
    assert structured._quoted_lines(log) == []
    assert structured._quoted_lines(log + 'user: "山田"\n') == [(len(log), len(log) + 10)]
