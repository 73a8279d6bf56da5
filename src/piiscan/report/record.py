"""What every report says beyond the findings, phrased once for all formats:

- the run record an auditor asks for (Pマーク, ISMS): host, account, start and end, scope
  (roots, excludes, limits), rules digest and piiscan version (``record_items``,
  ``record_dict``);
- who can access a file, from its owner, group and mode (``access_text``): the register's
  アクセス権を有する者;
- the files with personal data kept past the retention period (``overdue``): 保存期間超過.
"""

from __future__ import annotations

import stat
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from piiscan.models import FileResult, RunRecord, ScanResult

MiB = 1024 * 1024
_SIZE_LIMITS = {"max_file_size", "archive_bytes", "member_size"}
OVERDUE_FLAG = "retention_overdue"


def record_dict(record: RunRecord) -> dict[str, Any]:
    """The run record as JSON (the JSON, JSONL and SARIF reports)."""
    return {
        "host": record.host,
        "account": record.account,
        "working_directory": record.working_directory,
        "roots": list(record.roots),
        "excludes": list(record.excludes),
        "ignore_files": list(record.ignore_files),
        "follow_symlinks": record.follow_symlinks,
        "limits": dict(record.limits),
        "min_confidence": record.min_confidence,
        "retention_days": record.retention_days,
        "rules_digest": record.rules_digest,
        "rule_count": record.rule_count,
        "rule_sources": list(record.rule_sources),
        "disabled_rules": list(record.disabled_rules),
        "piiscan_version": record.piiscan_version,
        "python_version": record.python_version,
        "platform": record.platform,
    }


def record_from_dict(data: dict[str, Any]) -> RunRecord:
    return RunRecord(
        host=data["host"], account=data["account"],
        working_directory=data["working_directory"], roots=tuple(data["roots"]),
        excludes=tuple(data["excludes"]), ignore_files=tuple(data["ignore_files"]),
        follow_symlinks=data["follow_symlinks"], limits=tuple(data["limits"].items()),
        min_confidence=data["min_confidence"], retention_days=data["retention_days"],
        rules_digest=data["rules_digest"], rule_count=data["rule_count"],
        rule_sources=tuple(data["rule_sources"]), disabled_rules=tuple(data["disabled_rules"]),
        piiscan_version=data["piiscan_version"], python_version=data["python_version"],
        platform=data["platform"])


def _limit(name: str, value: float) -> str:
    if name in _SIZE_LIMITS:
        return f"{name} {value / MiB:g} MiB"
    return f"{name} {value:g}"


def _none(items: tuple[str, ...]) -> str:
    return ", ".join(items) if items else "なし (none)"


def record_items(result: ScanResult) -> list[tuple[str, str]]:
    """(label, text) pairs for people, Japanese label with English beside it, in the order
    an auditor reads them. A report saved by an older piiscan has no record: what the
    ScanResult itself holds is listed, and the gap is said."""
    rec = result.record
    done = "はい (yes)" if result.complete else "いいえ — 中断 (no — interrupted)"
    if rec is None:
        return [("開始 (started)", result.started), ("終了 (finished)", result.finished),
                ("完了 (complete)", done), ("対象 (roots)", ", ".join(result.roots)),
                ("ルール (rules digest)", result.rules_digest),
                ("実行記録 (run record)", "記録なし: 古い piiscan のレポート "
                                          "(not recorded: a report saved by an older piiscan)")]
    retention = (f"{rec.retention_days:,} 日 (days)" if rec.retention_days is not None
                 else "未設定 (not set)")
    return [
        ("実行ホスト (host)", rec.host),
        ("実行アカウント (account)", rec.account),
        ("開始 (started)", result.started),
        ("終了 (finished)", result.finished or "—"),
        ("完了 (complete)", done),
        ("対象 (roots)", ", ".join(rec.roots)),
        ("作業フォルダ (working directory)", rec.working_directory),
        ("除外パターン (excludes)", _none(rec.excludes)),
        ("除外ファイル (.piiscanignore)", _none(rec.ignore_files)),
        ("シンボリックリンク (symbolic links)",
         "たどる (followed)" if rec.follow_symlinks else "たどらない (not followed)"),
        ("上限 (limits)", ", ".join(_limit(k, v) for k, v in rec.limits)),
        ("最低信頼度 (min confidence)", rec.min_confidence),
        ("保存期間 (retention)", retention),
        ("ルール (rules)", f"{rec.rule_count} rules, digest {rec.rules_digest}"),
        ("追加ルール (rule sources)", _none(rec.rule_sources)),
        ("無効にしたルール (disabled rules)", _none(rec.disabled_rules)),
        ("piiscan", f"{rec.piiscan_version} (Python {rec.python_version}, {rec.platform})"),
    ]


_RIGHTS = {(True, True): "読み書き (rw)", (True, False): "読み (r)",
           (False, True): "書き (w)", (False, False): "なし (none)"}


def access_text(fr: FileResult) -> str:
    """Who can read or change the file, from its owner, group and permission bits:
    ``tanaka (所有者 owner): 読み書き (rw) / jinji (グループ group): 読み (r) /
    その他 (others): なし (none)``. Access control lists and share permissions are not
    seen: the register's reader completes them."""
    mode = fr.file.mode
    if not mode:
        return "不明 (unknown)"
    owner = fr.owner or "?"
    group = fr.group or "?"
    parts = [
        f"{owner} (所有者 owner): "
        + _RIGHTS[(bool(mode & stat.S_IRUSR), bool(mode & stat.S_IWUSR))],
        f"{group} (グループ group): "
        + _RIGHTS[(bool(mode & stat.S_IRGRP), bool(mode & stat.S_IWGRP))],
        "その他 (others): " + _RIGHTS[(bool(mode & stat.S_IROTH), bool(mode & stat.S_IWOTH))],
    ]
    return " / ".join(parts)


@dataclass(frozen=True)
class Overdue:
    """A file with personal data not changed for longer than the retention period."""

    file: FileResult
    age_days: int


def retention_days(result: ScanResult) -> int | None:
    if result.record is not None:
        return result.record.retention_days
    value = result.settings.get("retention_days")
    return value if isinstance(value, int) else None


def overdue(result: ScanResult) -> list[Overdue]:
    """保存期間超過: the files the risk model flagged ``retention_overdue``, oldest first. The
    age is counted from the run's start, so a re-rendered report says the same."""
    try:
        started = datetime.fromisoformat(result.started).timestamp()
    except ValueError:
        started = 0.0
    out = [Overdue(fr, max(0, int((started - fr.file.mtime) // 86400)) if started else 0)
           for fr in result.files if OVERDUE_FLAG in fr.flags]
    return sorted(out, key=lambda o: (-o.age_days, o.file.file.display))


def overdue_dict(result: ScanResult) -> dict[str, Any]:
    """The retention list as JSON (JSON and JSONL reports)."""
    return {"days": retention_days(result),
            "overdue": [{"path": o.file.file.display, "modified": o.file.file.mtime,
                         "age_days": o.age_days, "risk_level": o.file.risk_level,
                         "owner": o.file.owner} for o in overdue(result)]}


def record_lines(result: ScanResult) -> list[str]:
    """The run record in two lines, for the terminal table (the other formats list it
    whole)."""
    rec = result.record
    when = f"{result.started} – {result.finished or '?'}"
    if rec is None:
        return [f"実行記録 (run record): {when} · {', '.join(result.roots)} · rules digest "
                f"{result.rules_digest} (host and account not recorded)"]
    scope = [", ".join(rec.roots)]
    if rec.excludes:
        scope.append("excludes " + ", ".join(rec.excludes))
    if rec.ignore_files:
        scope.append("ignore files " + ", ".join(rec.ignore_files))
    scope.append(", ".join(_limit(k, v) for k, v in rec.limits if k == "max_file_size"))
    scope.append(f"min confidence {rec.min_confidence}")
    if rec.retention_days is not None:
        scope.append(f"retention {rec.retention_days:,} days")
    return [f"実行記録 (run record): {rec.host} · {rec.account} · {when} · piiscan "
            f"{rec.piiscan_version} · {rec.rule_count} rules (digest {rec.rules_digest})",
            "範囲 (scope): " + " · ".join(s for s in scope if s)]
