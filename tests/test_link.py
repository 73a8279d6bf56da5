"""Sensitive terms count only when they are about an identifiable person."""

from __future__ import annotations

import hashlib
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
