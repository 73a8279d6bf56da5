"""What the record stage and the document-level rules do to whole files (scan_file)."""

from __future__ import annotations

from pathlib import Path

import pytest

from piiscan import scan as scan_module
from piiscan.config import Limits, Settings
from piiscan.explain import describe
from piiscan.models import FileRef, Level

from scankit import FileScanner

SCANNER = FileScanner(settings=Settings(min_confidence=Level.LOW, show_values=True))


def _ref(path: Path) -> FileRef:
    st = path.stat()
    return FileRef(str(path), path.name, st.st_size, st.st_mtime)


def scan(tmp_path: Path, name: str, data: bytes) -> list[tuple[str, str, Level, str]]:
    path = tmp_path / name
    path.write_bytes(data)
    result = SCANNER.scan_path(path)
    return [(f.type, f.value or f.masked_value, f.confidence, describe(f.reasons[-1]))
            for f in result.findings]


def test_a_sample_title_does_not_hide_a_list_of_my_numbers(tmp_path: Path) -> None:
    """The evasion issue 16 names: （見本） in the first line of a real My Number CSV."""
    csv = "（見本）\n氏名,個人番号\n山田 太郎,123456789018\n佐藤 花子,234567890121\n"
    found = scan(tmp_path, "mynumber.csv", csv.encode("utf-8"))
    numbers = [f for f in found if f[0] == "MY_NUMBER"]
    assert len(numbers) == 2 and all(f[2] == Level.HIGH for f in numbers)


def test_a_sample_file_name_does_not_hide_a_list(tmp_path: Path) -> None:
    rows = "".join(f"社員{i},123456789018\n" for i in range(20))
    found = scan(tmp_path, "サンプル_個人番号.csv", f"氏名,個人番号\n{rows}".encode())
    assert any(f[0] == "MY_NUMBER" and f[2] == Level.HIGH for f in found)


def test_only_the_row_marked_as_an_example_is_demoted(tmp_path: Path) -> None:
    csv = "区分,氏名,電話番号\n記入例,山田 太郎,090-1234-5678\n,佐藤 花子,090-2345-6789\n"
    found = scan(tmp_path, "list.csv", csv.encode("utf-8"))
    phones = {f[1]: f[2] for f in found if f[0] == "PHONE"}
    assert phones == {"090-1234-5678": Level.LOW, "090-2345-6789": Level.HIGH}


def test_a_filled_in_example_form_is_still_demoted(tmp_path: Path) -> None:
    form = "入会申込書（記入例）\n氏名：山田 太郎\n電話番号：090-1234-5678\n"
    found = scan(tmp_path, "申込書_記入例.txt", form.encode("utf-8"))
    assert all(f[2] == Level.LOW for f in found)  # dropped by sample_value, or low


def test_a_company_called_sample_marks_nothing(tmp_path: Path) -> None:
    text = "株式会社サンプル 人事部\n\n\n\n\n\n社員：山田 太郎\n携帯：090-1234-5678\n"
    found = scan(tmp_path, "memo.txt", text.encode("utf-8"))
    assert ("PHONE", "090-1234-5678", Level.HIGH) in {f[:3] for f in found}


def test_a_list_of_facilities_holds_their_contact_data(tmp_path: Path) -> None:
    csv = ("name,address,telephoneNumber,latitude\n" + "".join(
        f"高松市立{n}幼稚園,高松市番町一丁目{i}-1,087-861-45{i:02d},34.3{i}\n"
        for i, n in enumerate(["前田", "川添", "三渓", "香西", "一宮"], start=1)))
    found = scan(tmp_path, "kindergarten.csv", csv.encode("utf-8"))
    contact = [f for f in found if f[0] in ("PHONE", "ADDRESS")]
    assert contact and all(f[2] == Level.LOW for f in contact)
    assert not [f for f in found if f[0] == "PERSON_NAME"]
    assert any("organisation" in f[3] or "名称" in f[3] for f in contact)


def test_a_places_row_is_not_a_persons_for_a_name_only_a_dictionary_vouches_for(
        tmp_path: Path) -> None:
    """A list of towns with catchphrases (宮古 みんなが reads as surname + given name) and a
    museum named after a poet, in an ambiguous "name" column: the places' own words."""
    towns = ("city,citykana,lat,lng,phrase\n"
             "宮古市,みやこし,39.63,141.94,宮古 みんなが やすらぐ このまち,\n"
             "阿南市,あなんし,33.92,134.65,光のまち 阿南　ひと、まち、心をつなぐ\n")
    museums = ('[{"name": "山田太郎", "opening_hours": "Tu-Su 10:00-17:30",'
               ' "phone": "03-5675-6521"}]')
    found = scan(tmp_path, "towns.csv", towns.encode()) + scan(
        tmp_path, "museums.json", museums.encode())
    assert found and all(f[2] == Level.LOW for f in found)
    assert any(f[0] == "PERSON_NAME" and "organisation" in f[3] for f in found)


def test_a_name_its_own_text_calls_one_makes_a_places_row_a_persons(tmp_path: Path) -> None:
    csv = ("施設名,所在地,備考\n高松市立図書館,高松市番町1-2-3,担当：山田 太郎 090-1234-5678\n")
    found = {f[1]: f[2] for f in scan(tmp_path, "l.csv", csv.encode("utf-8"))}
    assert found["山田 太郎"] == Level.HIGH and found["090-1234-5678"] > Level.LOW


def test_a_companys_row_in_a_customer_table(tmp_path: Path) -> None:
    csv = ("name,kana,birthday,phone\n個人太郎,コジンタロウ,1970-01-30,090-1111-2222\n"
           "株式会社法人,ホウジン,1955-02-10,06-1111-2222\n")
    found = {f[1]: f[2] for f in scan(tmp_path, "c.csv", csv.encode("utf-8"))}
    assert found["1970-01-30"] == Level.HIGH and found["1955-02-10"] == Level.LOW
    assert found["06-1111-2222"] == Level.LOW


def test_the_author_in_a_files_metadata_is_low(tmp_path: Path) -> None:
    from piiscan.link import author_names
    from piiscan.models import Category, Finding, Location, Reason

    name = Finding(type="PERSON_NAME", rule_id="r", rule_name="r", category=Category.PERSONAL,
                   severity=Level.MEDIUM, confidence=Level.MEDIUM, reasons=(Reason("pattern"),),
                   location=Location("a.pdf", part="metadata:author"), masked_value="*",
                   masked_snippet="*", fingerprint="f")
    (out,) = author_names([name])
    assert out.confidence == Level.LOW and out.reasons[-1].code == "metadata"


def test_split_address_and_name_in_a_headerless_csv(tmp_path: Path) -> None:
    csv = "".join(f"{i},上杉辰男{i},160-000{i},東京都,新宿区,愛住町,1-{i},愛住町ランド11{i}\n"
                  for i in range(1, 6))
    found = {(f[0], f[1]) for f in scan(tmp_path, "labels.csv", csv.encode("utf-8"))}
    assert ("ADDRESS", "東京都新宿区愛住町1-1 愛住町ランド111") in found or \
        ("ADDRESS", "東京都新宿区愛住町1-1愛住町ランド111") in found
    assert ("POSTAL_CODE", "160-0001") in found


def test_a_phone_stored_as_a_number_in_a_spreadsheet(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["氏名", "電話番号", "郵便番号"])
    ws.append(["山田 太郎", 9012345678, 292501])
    path = tmp_path / "list.xlsx"
    wb.save(path)
    found = {(f[0], f[1], f[2]) for f in scan(tmp_path, "list.xlsx", path.read_bytes())}
    assert ("PHONE", "09012345678", Level.HIGH) in found
    assert ("POSTAL_CODE", "0292501", Level.HIGH) in found


def test_a_table_of_inns_holds_their_contact_data_and_users_are_people(tmp_path: Path) -> None:
    sql = ("INSERT INTO houses (name, postal_code, address) VALUES\n" + "".join(
        f"(N'{n}', N'073-014{i}', N'北海道砂川市西五条南{i}-1-1'),\n"
        for i, n in enumerate(["SAMURAIの宿", "ペンション SAMURAI", "SAMURAI荘"])) +
           "(N'民宿 侍', N'073-0149', N'北海道砂川市西五条南9-1-1');\n"
           "INSERT INTO users (name, furigana, postal_code, address) VALUES\n"
           "(N'侍 義勝', N'サムライ ヨシカツ', '638-0644', N'奈良県五條市西吉野町湯川1-2-3');\n")
    found = {f[1]: f[2] for f in scan(tmp_path, "data.sql", sql.encode("utf-8"))}
    assert found["北海道砂川市西五条南1-1-1"] == Level.LOW
    assert found["073-0140"] == Level.LOW
    assert found["侍 義勝"] == Level.HIGH
    assert found["奈良県五條市西吉野町湯川1-2-3"] == Level.HIGH


def test_a_headerless_list_of_clinics_is_about_no_one(tmp_path: Path) -> None:
    names = ["医療法人社団 清陽会 すこやか医院", "加藤医院", "とやま内科", "リウマチ膠原病クリニック",
             "ならしの内科外科"]
    csv = "".join(f"12281{i},281{i},{n},273000{i},船橋市東船橋２－１７－１{i}\n"
                  for i, n in enumerate(names))
    found = scan(tmp_path, "med_inst.csv", csv.encode("utf-8"))
    assert found and all(f[2] == Level.LOW for f in found)


def test_an_organisation_in_a_design_documents_json_example(tmp_path: Path) -> None:
    doc = ('## 元データ\n\n```\n 8. 住所   例: "札幌市中央区南14条西1丁目2-22"\n'
           '12. 電話番号 例: "011-522-5250"\n```\n\n## レスポンス例\n\n```json\n'
           '{"data": [{"id": "0170101950", "name": "訪問介護事業所 心輪",\n'
           '  "address": "札幌市中央区南14条西1丁目2-22", "latitude": 43.0419,\n'
           '  "phone": "011-522-5250", "corporate_name": "大樹 株式会社"}]}\n```\n')
    found = scan(tmp_path, "kaigo_design.md", doc.encode("utf-8"))
    assert found and all(f[2] == Level.LOW for f in found)


def test_an_allergy_in_a_patients_list_is_the_patients(tmp_path: Path) -> None:
    doc = ("```typescript\nawait db.insert(patients).values({\n  name: '田中太郎',\n"
           "  medicalHistory: {\n    allergies: [{ name: '花粉', severity: 'mild' }],\n"
           "    conditions: [{ name: '高血圧', status: 'active' }],\n  },\n});\n```\n")
    found = {(f[0], f[1]): f[2] for f in scan(tmp_path, "design.md", doc.encode("utf-8"))}
    assert found[("SENSITIVE_MEDICAL", "花粉")] == Level.HIGH
    assert found[("SENSITIVE_MEDICAL", "高血圧")] == Level.HIGH


def test_a_number_under_a_header_that_says_nothing_is_read_as_the_kind_its_row_names(
        tmp_path: Path) -> None:
    sql = ("INSERT INTO kakunin_syorui (syorui_hakkosya, syorui_kigou, syorui_name) VALUES\n"
           "('大阪府公安委員会', '620123948760', '運転免許証'),\n"
           "('大阪法務局', '整理番号0918726', '履歴事項全部証明書'),\n"
           "('東京都公安委員会', '301234567890', '運転免許証'),\n"
           "('外務省', '620123948761', 'パスポート');\n")
    found = scan(tmp_path, "data.sql", sql.encode("utf-8"))
    licences = {f[1]: f[2] for f in found if f[0] == "DRIVERS_LICENSE"}
    assert licences.get("620123948760") == Level.HIGH
    assert "620123948761" not in licences  # that row names a passport


def test_a_payment_method_names_no_identifier(tmp_path: Path) -> None:
    csv = "注文者,支払方法,伝票,item\n山田 太郎,口座振替,1234567,りんご\n"
    found = scan(tmp_path, "orders.csv", csv.encode("utf-8"))
    assert not [f for f in found if f[0] == "BANK_ACCOUNT"]


def test_a_page_that_names_no_one_gives_its_publishers_contact_data(tmp_path: Path) -> None:
    page = ("感染症検査クリニック\n\n\n\n\n\nアクセス\n〒542-0086 大阪府大阪市中央区西心斎橋2-13-16\n"
            "TEL 06-4708-8082\nFAX 06-4708-8105\n携帯 090-1234-5678\n")
    found = {f[1]: f[2] for f in scan(tmp_path, "access.txt", page.encode("utf-8"))}
    assert found["06-4708-8082"] == Level.LOW and found["542-0086"] == Level.LOW
    assert found["090-1234-5678"] > Level.LOW  # a mobile is a person's, whoever's page
    signed = page + "担当：山田 太郎\n"
    found = {f[1]: f[2] for f in scan(tmp_path, "letter.txt", signed.encode("utf-8"))}
    assert found["06-4708-8082"] > Level.LOW  # a named person: the data may be theirs
    alone = "電話 06-4708-8082\n"  # and a number on its own names no organisation either
    found = {f[1]: f[2] for f in scan(tmp_path, "memo.txt", alone.encode("utf-8"))}
    assert found["06-4708-8082"] > Level.LOW


def test_a_web_pages_office_table_is_the_publishers(tmp_path: Path) -> None:
    """A company's page listing its offices in a <table>: a document, not data."""
    page = ("<html><body><h1>株式会社サンプル商事 拠点一覧</h1><table>"
            "<tr><th>東京本社</th><td>〒103-0002 東京都中央区日本橋馬喰町2-3-3 TEL 03-3831-3921</td></tr>"
            "<tr><th>大阪支店</th><td>〒540-0012 大阪府大阪市中央区谷町2-1-1 TEL 06-6942-7212</td></tr>"
            "</table></body></html>")
    found = scan(tmp_path, "network.html", page.encode("utf-8"))
    assert found and all(f[2] == Level.LOW for f in found)
    rows = "電話番号\n03-3831-3921\n06-6942-7212\n"  # a CSV of numbers alone: people's
    found = scan(tmp_path, "list.csv", ("株式会社サンプル 顧客\n" + rows).encode("utf-8"))
    assert any(f[0] == "PHONE" and f[2] > Level.LOW for f in found)


def test_an_organisations_address_column_is_its_whoever_the_row_names(tmp_path: Path) -> None:
    csv = ("company_name,company_address,representative_name\n"
           "株式会社ABC商事,東京都千代田区丸の内1-1-1,山田 太郎\n")
    found = {f[1]: (f[2], f[3]) for f in scan(tmp_path, "c.csv", csv.encode("utf-8"))}
    assert found["山田 太郎"][0] == Level.HIGH
    level, why = found["東京都千代田区丸の内1-1-1"]
    assert level == Level.LOW and "所在地" in why


def test_a_placeholder_is_an_example(tmp_path: Path) -> None:
    jsx = ('<input name="phone" placeholder="例）080-5455-4444" />\n'
           '<input name="name" placeholder="山田花子" />\n')
    found = {f[1]: f[2] for f in scan(tmp_path, "form.jsx", jsx.encode("utf-8"))}
    assert found and all(level == Level.LOW for level in found.values())


# Documents whose low matches later steps read: a 見本 form (its distinct values decide
# whether it is an example), a publisher's page, a table with records, a facilities list.
_CARDS = ["4111111111111111", "5555555555554444", "3530111333300000", "4012888888881881",
          "378282246310005", "6011111111111117"]
_WITH_LOW_MATCHES = {
    "見本_申込書.txt": "".join(f"TEL 090-1234-56{i:02d}\n" for i in range(8))
                  + "".join(f"{c}\n" for c in _CARDS),
    "見本_少し.txt": "TEL 090-1234-5678\n4111111111111111\n",
    "access.txt": "感染症検査クリニック\n\n\n\n\n\nアクセス\n〒542-0086 大阪府大阪市中央区西心斎橋2-13-16\n"
                  "TEL 06-4708-8082\n" + "".join(f"{c}\n" for c in _CARDS[:2]),
    # a number in the file name (no record) beside rows whose only match is low
    "TEL_06-4708-8082.csv": "name,memo\n感染症検査クリニック,4111111111111111\n",
    "TEL_090-1234-5678_見本.csv": "name,memo\nA,4111111111111111\n",
    "kindergarten.csv": "name,address,telephoneNumber,memo\n" + "".join(
        f"高松市立{n}幼稚園,高松市番町一丁目{i}-1,087-861-45{i:02d},{_CARDS[i]}\n"
        for i, n in enumerate(["前田", "川添", "三渓", "香西", "一宮"], start=1)),
    "customers.csv": "氏名,電話番号,メモ\n" + "".join(
        f"山田 太郎{i},090-1234-56{i:02d},{c}\n" for i, c in enumerate(_CARDS)),
}


def test_low_matches_are_counted_not_made(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """Under --min-confidence medium a match that can only end low is counted, not made into
    a finding; what the file's scan reports is what it reported when every match was made."""
    scanners = [FileScanner(settings=Settings(min_confidence=Level.MEDIUM, show_values=True)),
                FileScanner(settings=Settings(min_confidence=Level.MEDIUM, show_values=True,
                                              limits=Limits(findings_per_file=4)))]
    paths = []
    for name, text in _WITH_LOW_MATCHES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    made = {}
    for n, scanner in enumerate(scanners):
        for path in paths:
            result = scanner.scan_raw(_ref(path))
            made[n, path.name] = (result.findings, result.below_threshold, result.notes)
    assert sum(below for _, below, _ in made.values()) >= 10  # the path under test ran
    monkeypatch.setattr(scan_module._Findings, "_stays_low", lambda *args: False)
    for n, scanner in enumerate(scanners):
        for path in paths:
            result = scanner.scan_raw(_ref(path))
            assert (result.findings, result.below_threshold, result.notes) == \
                made[n, path.name], (n, path.name)
