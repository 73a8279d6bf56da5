"""A generated shared folder whose risk levels and triggers docs/risk.md spells out.

Every value is synthetic (tests/synth.py). One rule is added for the test: a stand-in for
the 要配慮個人情報 (medical) rules, so the model's treatment of sensitive data tied, or not
tied, to a person is checked whatever the built-in sensitive rules do.
"""

from __future__ import annotations

import os
import random
from datetime import datetime
from pathlib import Path

from synth import luhn_complete, mobile, my_number

MEDICAL_RULE = """\
rules:
  - id: test.medical
    name: 病名（テスト用）
    type: SENSITIVE_MEDICAL
    category: 要配慮個人情報
    severity: high
    confidence: medium
    pattern: '糖尿病|高血圧症|うつ病'
    examples:
      match: ['所見: 糖尿病']
      no_match: ['所見: 異常なし']
"""
OLD_MTIME = datetime.fromisoformat("2020-01-06T10:00:00+09:00").timestamp()
RETENTION_DAYS = 365


def _rows(header: list[str], rows: list[list[str]]) -> bytes:
    lines = [",".join(header)] + [",".join(r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _email(i: int) -> str:
    return f"member{i:05d}@gmail.com"


def make_share(root: Path, seed: int = 7) -> tuple[Path, Path]:
    """Write the folder and the extra rule file; returns (folder, rule file)."""
    rng = random.Random(seed)
    share = root / "share"
    share.mkdir(parents=True)
    files: dict[str, bytes] = {}
    phones = set()
    while len(phones) < 1_040:
        phones.add(mobile(rng))
    pool = sorted(phones)
    rng.shuffle(pool)
    files["会員名簿_1001.csv"] = _rows(
        ["会員ID", "電話番号", "メールアドレス"],
        [[f"M{i:05d}", pool[i], _email(i)] for i in range(1_001)])
    files["社員マイナンバー.csv"] = _rows(
        ["社員番号", "個人番号"], [[f"E{i:04d}", my_number(rng)] for i in range(120)])
    mn = my_number(rng)
    files["扶養控除申告書.txt"] = (
        "給与所得者の扶養控除等申告書\n"
        f"個人番号：{mn[:4]} {mn[4:8]} {mn[8:]}\n"
        f"連絡先：{pool[1_001]}\n").encode()
    files["決済ログ.log"] = (
        "2024-10-03 09:12:45 INFO checkout start\n"
        f"2024-10-03 09:12:45 DEBUG payment card_number={luhn_complete('4980', 16, rng)} "
        "exp=08/27\n").encode()
    files["カード下4桁.txt"] = (
        "ご利用カード（下4桁）：1234\nお支払いは翌月10日です。\n").encode()
    files["営業メモ.txt"] = (
        "見積もりの件で折り返し希望。\n"
        f"携帯：{pool[1_002]}\nメール：{_email(90_001)}\n").encode()
    files["健康診断結果.csv"] = _rows(
        ["社員番号", "電話番号", "所見"],
        [[f"E{i:04d}", pool[1_003 + i], ("糖尿病", "異常なし", "高血圧症")[i % 3]]
         for i in range(6)])
    files["健康コラム.txt"] = (
        "健康コラム：生活習慣病を防ぐには\n\n糖尿病は、食事と運動の習慣で予防できます。\n"
        "高血圧症の方は塩分を控えましょう。\n").encode()
    files["共有_連絡先.csv"] = _rows(
        ["電話番号", "メールアドレス"],
        [[pool[1_010 + i], _email(80_000 + i)] for i in range(5)])
    files["古い顧客リスト.csv"] = _rows(
        ["電話番号", "メールアドレス"],
        [[pool[1_020 + i], _email(70_000 + i)] for i in range(5)])
    files["はじめに.txt"] = "このフォルダには営業部の資料を置きます。\n".encode()
    for name, data in files.items():
        path = share / name
        path.write_bytes(data)
        path.chmod(0o640)
    (share / "共有_連絡先.csv").chmod(0o666)
    os.utime(share / "古い顧客リスト.csv", (OLD_MTIME, OLD_MTIME))
    rule = root / "medical.yaml"
    rule.write_text(MEDICAL_RULE, "utf-8")
    return share, rule
