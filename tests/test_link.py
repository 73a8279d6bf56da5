"""Sensitive terms count only when they are about an identifiable person."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from piiscan.config import Settings
from piiscan.explain import describe
from piiscan.link import DocumentSignals, link_sensitive
from piiscan.models import Category, FileRef, Finding, Level, Location, Reason
from piiscan.pii_types import builtin_registry

from scankit import FileScanner

SCANNER = FileScanner(settings=Settings(min_confidence=Level.LOW))


def scan_text(tmp_path: Path, name: str, text: str, encoding: str = "utf-8"
              ) -> list[tuple[str, str, Level]]:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    st = path.stat()
    result = SCANNER.scan_file(FileRef(str(path), name, st.st_size, st.st_mtime))
    return [(f.type, describe(f.reasons[-1]), f.confidence) for f in result.findings
            if f.type.startswith("SENSITIVE_")]


def test_medical_article_is_not_about_a_person(tmp_path: Path) -> None:
    article = ("糖尿病は血糖値が高い状態が続く病気です。高血圧や脂質異常症とともに生活習慣病の"
               "代表とされ、早期の診断と治療が重要です。\n" * 3)
    found = scan_text(tmp_path, "column.txt", article)
    assert found and all(c == Level.LOW for _, _, c in found)
    assert all(r == "no identifiable person nearby" for _, r, _ in found)


def test_same_line_as_a_name_is_about_a_person(tmp_path: Path) -> None:
    found = scan_text(tmp_path, "memo.txt", "患者名：山田 太郎　既往歴：糖尿病\n")
    assert {(t, c) for t, _, c in found} == {("SENSITIVE_MEDICAL", Level.HIGH)}
    # In words a person reads: the type's label, not its id (issue 12: "of a ADDRESS").
    assert all(r == "about a person: 氏名 (name) within 3 lines" for _, r, _ in found)


def test_far_from_any_person_stays_low(tmp_path: Path) -> None:
    text = "担当：佐藤 花子\n" + "\n" * 10 + "一般に、うつ病の治療には時間がかかります。\n"
    found = scan_text(tmp_path, "notes.txt", text)
    assert found and all(c == Level.LOW for _, _, c in found)


def test_document_about_one_person(tmp_path: Path) -> None:
    text = ("診療記録\n患者：鈴木 一郎 様\n" + "\n" * 8 + "所見：軽度の高血圧。降圧薬を処方。\n")
    found = scan_text(tmp_path, "record.txt", text)
    assert found and all(c == Level.HIGH for _, _, c in found)
    assert any("document about one person (診療記録)" in r for _, r, _ in found)


def test_csv_row_links_by_record(tmp_path: Path) -> None:
    csv_text = ("氏名,電話番号,備考\n山田 太郎,090-1234-5678,糖尿病で通院中\n"
                "記入例,000-0000-0000,うつ病\n")
    found = scan_text(tmp_path, "list.csv", csv_text, "cp932")
    levels = sorted(c for _, _, c in found)
    assert Level.HIGH in levels and Level.LOW in levels  # row 2 is about a person; row 3 not
    tied = [r for _, r, c in found if c == Level.HIGH]
    assert tied and all(r.startswith("about a person: ") and r.endswith(" in the same record")
                        and "_" not in r for r in tied)


def test_privacy_policy_is_not_sensitive_data(tmp_path: Path) -> None:
    policy = ("プライバシーポリシー\n当社は、要配慮個人情報（人種、信条、社会的身分、病歴、犯罪の経歴、"
              "犯罪により害を被った事実等）を、本人の同意なく取得しません。\n"
              "お問い合わせ：個人情報保護窓口 privacy@example.co.jp\n")
    assert scan_text(tmp_path, "policy.txt", policy) == []


def _finding(ftype: str, *, line: int | None = None, page: int | None = None,
             record: str | None = None) -> Finding:
    category = Category.SENSITIVE if ftype.startswith("SENSITIVE_") else Category.PERSONAL
    return Finding(type=ftype, rule_id="t", rule_name="t", category=category,
                   severity=Level.HIGH, confidence=Level.MEDIUM, reasons=(Reason("pattern"),),
                   location=Location("a.txt", line=line, page=page), masked_value="*",
                   masked_snippet="*", fingerprint=hashlib.sha256(ftype.encode()).hexdigest(),
                   record=record)


def _linked(*findings: Finding) -> bool | None:
    out = link_sensitive(list(findings), DocumentSignals(), builtin_registry())
    verdicts = [f.linked for f in out if f.category == Category.SENSITIVE]
    assert all(f.linked is None for f in out if f.category != Category.SENSITIVE)
    return verdicts[0]


def test_the_verdict_is_set_once_on_the_finding() -> None:
    name = _finding("PERSON_NAME", line=10)
    assert _linked(name, _finding("SENSITIVE_MEDICAL", line=12)) is True
    assert _linked(name, _finding("SENSITIVE_MEDICAL", line=40)) is False
    assert _linked(name, _finding("SENSITIVE_MEDICAL", line=10, page=2)) is False
    in_row = _finding("SENSITIVE_MEDICAL", record="row 3")
    assert _linked(_finding("PHONE", record="row 3"), in_row) is True
    assert _linked(_finding("PHONE", record="row 4"), in_row) is False  # a neighbour's row


def test_an_exclusion_word_does_not_veto_a_fact_about_a_named_person(tmp_path: Path) -> None:
    leaflet = "犯罪被害者支援センターの相談窓口のご案内\nDV被害でお悩みの方はご相談ください。\n"
    found = scan_text(tmp_path, "leaflet.txt", leaflet)
    assert found and all(c == Level.LOW for _, _, c in found)
    note = "相談窓口記録\n相談者：山田 花子　DV被害について支援センターへ相談。\n"
    found = scan_text(tmp_path, "note.txt", note)
    assert ("SENSITIVE_VICTIM", Level.HIGH) in {(t, c) for t, _, c in found}


def test_headings_are_not_facts_and_a_blank_form_is_about_no_one(tmp_path: Path) -> None:
    form = "問診票\n氏名：＿＿＿＿＿＿\n既往歴：□有 □無\n受診日：　　年　月　日\nカルテ番号：\n"
    assert scan_text(tmp_path, "form.txt", form) == []
    filled = "問診票\n氏名：山田 太郎\n既往歴：2型糖尿病（2019年〜）\n"
    found = scan_text(tmp_path, "filled.txt", filled)
    assert {(t, c) for t, _, c in found} == {("SENSITIVE_MEDICAL", Level.HIGH)}


def test_offence_suffered_is_victimisation_not_a_record(tmp_path: Path) -> None:
    found = scan_text(tmp_path, "memo.txt", "相談者：佐藤 一郎　自宅で空き巣被害に遭った。\n")
    assert {t for t, _, _ in found} == {"SENSITIVE_VICTIM"}


def test_a_mail_from_one_person_ties_the_facts_in_its_body(tmp_path: Path) -> None:
    mail = ("From: =?utf-8?b?5bGx55Sw5aSq6YOO?= <taro.yamada@mail.example.jp>\n"
            "To: jinji@corp.jp\nSubject: =?utf-8?b?5LyR6IG344Gu44GU55u46KuH?=\n"
            "Content-Type: text/plain; charset=utf-8\n\n"
            "お世話になっております。\n\n\n\n\n\nうつ病のため、来月から休職を希望します。\n")
    found = scan_text(tmp_path, "kyushoku.eml", mail)
    assert ("SENSITIVE_MEDICAL", Level.HIGH) in {(t, c) for t, _, c in found}


def test_rows_of_another_table_joined_by_an_id_are_the_same_persons(tmp_path: Path) -> None:
    sql = ("INSERT INTO client (client_id, name, phone) VALUES (101, '山田 太郎', '0467-11-1111');\n"
           + "\n" * 8
           + "INSERT INTO visit (client_id, vr_cognition) VALUES (101, '短期記憶の低下、認知機能低下');\n")
    found = scan_text(tmp_path, "data.sql", sql)
    assert found and all(c == Level.HIGH for _, _, c in found)
    assert any("in a record with the same client_id" in r for _, r, _ in found)


def test_a_named_person_in_another_part_is_tied_only_when_alone() -> None:
    fact = _finding("SENSITIVE_MEDICAL", line=30)
    header = replace(_finding("PERSON_NAME"), location=Location("a.txt", part="header:From"))
    assert _linked(header, fact) is True
    other = replace(header, fingerprint="other")
    assert _linked(header, other, fact) is False


def test_an_id_many_rows_share_joins_nothing(tmp_path: Path) -> None:
    rows = "".join(f"INSERT INTO office (city_id, name, tel) VALUES (13000, '事業所{i}', "
                   f"'03-1234-56{i:02d}');\n" for i in range(3))
    sql = rows + "\n" * 8 + "INSERT INTO svc (city_id, note) VALUES (13000, '認知症の方の相談');\n"
    found = scan_text(tmp_path, "offices.sql", sql)
    assert found and all(c == Level.LOW for _, _, c in found)


def test_a_fact_in_a_nested_record_is_about_the_person_around_it() -> None:
    patient = _finding("PERSON_NAME", record="object 0 › object 10")
    allergy = _finding("SENSITIVE_MEDICAL", record="object 0 › object 10 › object 57")
    assert _linked(patient, allergy) is True
    sibling = _finding("SENSITIVE_MEDICAL", record="object 0 › object 90 › object 97")
    assert _linked(patient, sibling) is False  # another person's list
