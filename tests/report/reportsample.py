"""A fixed, hand-built ScanResult for the reporters' golden files.

Everything in it is fictitious and deterministic: timestamps, modes, owners, fingerprints.
Scores come from the real risk model (score_file with a fixed clock), so a change to the
model shows up in the goldens too.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from piiscan.config import Settings
from piiscan.models import (
    Category,
    FileRef,
    FileResult,
    Finding,
    Level,
    Location,
    Reason,
    RuleInfo,
    RunRecord,
    ScanResult,
    Skip,
    SkipKind,
)
from piiscan.pii_types import builtin_registry
from piiscan.score import score_file

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime.fromisoformat("2026-01-15T09:00:00+09:00").timestamp()
OLD = datetime.fromisoformat("2022-03-31T18:30:00+09:00").timestamp()
RECENT = datetime.fromisoformat("2025-12-01T10:15:00+09:00").timestamp()
EVIL_NAME = "share/<script>alert(1)<script>.txt"
EVIL_SNIPPET = "…連絡先 </script><img src=https://evil.example/x.png> a***@example.jp 宛…"
SETTINGS = {"min_confidence": "medium", "show_values": False, "retention_days": 365}


def _fp(label: str) -> str:
    return hashlib.sha256(label.encode()).hexdigest()[:32]


def finding(ftype: str, category: Category, loc: Location, masked: str, snippet: str, *,
            confidence: Level = Level.HIGH, severity: Level = Level.HIGH,
            record: str | None = None, hidden: bool = False, suppressed_by: str | None = None,
            reasons: tuple[Reason, ...] = (), value: str | None = None, key: str = "",
            linked: bool | None = None) -> Finding:
    rule = {"MY_NUMBER": "jp.my_number", "CREDIT_CARD": "jp.credit_card", "PHONE": "jp.phone",
            "EMAIL": "jp.email"}.get(ftype, f"test.{ftype.lower()}")
    return Finding(
        type=ftype, rule_id=rule, rule_name={"MY_NUMBER": "個人番号（マイナンバー）",
                                             "CREDIT_CARD": "クレジットカード番号",
                                             "PHONE": "電話番号", "EMAIL": "メールアドレス",
                                             }.get(ftype, ftype.title()),
        category=category, severity=severity, confidence=confidence,
        reasons=reasons or (Reason("pattern", rule),), location=loc, masked_value=masked,
        masked_snippet=snippet, fingerprint=_fp(ftype + (key or masked + loc.render())),
        value=value, hidden=hidden, record=record, suppressed_by=suppressed_by, linked=linked)


def _file(display: str, findings: list[Finding], *, mode: int = 0o100640,
          mtime: float = RECENT, size: int = 1000, kind: str = "text",
          encoding: str | None = "utf-8", skips: list[Skip] | None = None,
          notes: list[str] | None = None, settings: Settings | None = None) -> FileResult:
    fr = FileResult(file=FileRef(path=display, display=display, size=size, mtime=mtime,
                                 mode=mode, uid=-1),
                    encoding=encoding, kind=kind, findings=findings, skips=skips or [],
                    notes=notes or [], owner="tanaka", group="jinji")
    fr.suppressed = sum(1 for f in findings if f.suppressed_by)
    score_file(fr, settings or Settings(retention_days=365), builtin_registry(), now=NOW)
    return fr


def build_sample(values: bool = False) -> ScanResult:
    P, ID, MN, SE = (Category.PERSONAL, Category.IDENTIFIER, Category.MY_NUMBER,
                     Category.SENSITIVE)
    raw = {"mn": ["123456789018", "234567890125", "345678901231"],
           "tel": ["090-1111-2222", "080-3333-4444", "070-5555-6666"]}

    def v(kind: str, i: int) -> str | None:
        return raw[kind][i] if values else None

    staff = "share/人事/社員名簿.xlsx"
    staff_findings = []
    for i in range(3):
        row = i + 2
        staff_findings.append(finding(
            "MY_NUMBER", MN, Location(staff, sheet="社員", cell=f"E{row}"), "************",
            "************", record=f"社員!row {row}", key=f"mn{i}", value=v("mn", i),
            severity=Level.CRITICAL,
            reasons=(Reason("pattern", "jp.my_number"), Reason("column", "マイナンバー"))))
        staff_findings.append(finding(
            "PHONE", P, Location(staff, sheet="社員", cell=f"D{row}"), f"***-****-{2222 + i}",
            f"***-****-{2222 + i}", record=f"社員!row {row}", key=f"tel{i}",
            value=v("tel", i), severity=Level.MEDIUM))
    staff_findings.append(finding(
        "CREDIT_CARD", ID, Location(staff, sheet="給与振込", cell="B2"), "************1881",
        "************1881", record="給与振込!row 2", hidden=True, severity=Level.CRITICAL,
        value="4012888888881881" if values else None))

    customers = "share/顧客/名簿_2024.csv"
    cust_findings = []
    for i in range(3):
        row = i + 2
        loc = Location(customers, row=row, line=row, column=12)
        cust_findings.append(finding("PHONE", P, loc, f"***-****-{5000 + i}",
                                     f"C000{i},山田 **,***-****-{5000 + i},…", record=f"row {row}",
                                     key=f"ctel{i}", severity=Level.MEDIUM))
        cust_findings.append(finding("MY_NUMBER", MN, replace(loc, column=40),
                                     "**** **** ****", "…,**** **** ****", record=f"row {row}",
                                     key=f"cmn{i}", severity=Level.CRITICAL))
    cust_findings.append(finding("EMAIL", P, Location(customers, row=5, line=5, column=30),
                                 "t***@example.jp", "…,t***@example.jp,…", record="row 5",
                                 suppressed_by="baseline", severity=Level.MEDIUM))

    medical = "share/医療/診療記録.csv"
    med_findings = [
        finding("PERSON_NAME", P, Location(medical, row=2, line=2, column=1), "佐藤 **",
                "佐藤 **,糖尿病,2025-04-01", record="row 2", severity=Level.MEDIUM),
        finding("SENSITIVE_MEDICAL", SE, Location(medical, row=2, line=2, column=6), "糖**",
                "佐藤 **,糖**,2025-04-01", record="row 2", severity=Level.HIGH,
                reasons=(Reason("pattern", "test.sensitive_medical"),
                         Reason("linked", "same record as a PERSON_NAME")), linked=True),
    ]
    article = "share/記事/健康コラム.txt"
    art_findings = [finding("SENSITIVE_MEDICAL", SE, Location(article, line=5, column=3), "糖**",
                            "…生活習慣と糖**の関係について…", confidence=Level.LOW,
                            reasons=(Reason("pattern", "test.sensitive_medical"),
                                     Reason("unlinked")), linked=False)]
    log = "share/logs/app.log"
    log_findings = [finding("CREDIT_CARD", ID, Location(log, line=3, column=60),
                            "************5443", "…card_number=************5443 exp=08/27…",
                            severity=Level.CRITICAL)]
    pdf = "share/申込書.pdf"
    pdf_findings = [finding("PHONE", P, Location(pdf, page=1), "***-****-7777",
                            "電話番号：***-****-7777", severity=Level.MEDIUM)]
    archive = "share/archive.zip"
    zip_findings = [finding("EMAIL", P, Location(archive, members=("2024/list.csv",), line=2,
                                                 column=5),
                            "s***@example.com", "C1,s***@example.com", severity=Level.MEDIUM)]
    evil_findings = [finding("EMAIL", P, Location(EVIL_NAME, line=1, column=9), "a***@example.jp",
                             EVIL_SNIPPET, severity=Level.MEDIUM)]
    formula = "share/=HYPERLINK(1+2).csv"
    formula_findings = [finding("PHONE", P, Location(formula, row=2, line=2, column=1),
                                "***-****-8888", "=***-****-8888", severity=Level.MEDIUM)]

    files = [
        _file(staff, staff_findings, kind="xlsx", encoding=None, size=8_812),
        _file(customers, cust_findings, mode=0o100666, mtime=OLD, kind="csv",
              encoding="cp932", size=2_048),
        _file(medical, med_findings, kind="csv", size=300),
        _file(article, art_findings, mode=0o100644, size=4_000),
        _file(log, log_findings, size=396),
        _file(pdf, pdf_findings, kind="pdf", encoding=None, size=20_000,
              notes=["page 2: image only, not scanned (no text layer)"]),
        _file(archive, zip_findings, kind="zip", encoding="utf-8", size=512,
              skips=[Skip("share/archive.zip!old/data.xls", "legacy Excel (.xls) — not read",
                          SkipKind.UNSUPPORTED)]),
        _file(EVIL_NAME, evil_findings, size=64),
        _file(formula, formula_findings, kind="csv", size=64),
        _file("share/はじめに.txt", [], size=200),
    ]
    return ScanResult(
        roots=["share"], started="2026-01-15T09:00:00+09:00",
        finished="2026-01-15T09:00:05+09:00", files=files,
        skips=[Skip("share/給与/secret.xlsx", "encrypted (password-protected) — not scanned"),
               Skip("share/photo.jpg", "image — piiscan does not read images",
                    SkipKind.UNSUPPORTED)],
        excluded=3, complete=True, rules_digest="0123456789abcdef",
        settings={**SETTINGS, "show_values": values}, low_confidence_hidden=2,
        suppressed={"baseline": 1}, rules=RULES, record=RECORD)


# The run record of the sample: a fixed host, account and platform.
RECORD = RunRecord(
    host="fs01.example.co.jp", account="piiscan", working_directory="/srv",
    roots=("/srv/share",), excludes=("*.tmp",), ignore_files=("/srv/share/.piiscanignore",),
    follow_symlinks=False, limits=(("max_file_size", 256 * 1024 * 1024),
                                   ("seconds_per_file", 120.0)),
    min_confidence="medium", retention_days=365, rules_digest="0123456789abcdef",
    rule_count=35, rule_sources=(), disabled_rules=("jp.postal_code",),
    piiscan_version="0.0.0-test", python_version="3.11.0", platform="Linux-test")


# What the run records about its rules (a fixed wording, so goldens change with the
# reporters, not with the built-in rules' descriptions).
RULES = {r.id: r for r in (
    RuleInfo("jp.my_number", "個人番号（マイナンバー）", "MY_NUMBER", Category.MY_NUMBER,
             Level.CRITICAL, "12-digit individual number with the official check digit."),
    RuleInfo("jp.credit_card", "クレジットカード番号", "CREDIT_CARD", Category.IDENTIFIER,
             Level.CRITICAL, "A card number with a valid Luhn check digit."),
)}
