"""Suppressions: inline `piiscan:ignore`, path and value allowlists, counts, --no-ignore."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from piiscan.cli import main
from piiscan.explain import describe
from piiscan.suppress import inline_ignored, inline_types

PHONE = "090-3141-5926"
EMAIL = "taro.yamada@kaisha-mail.co.jp"


@pytest.mark.parametrize(("line", "expected"), [
    ("no marker here", None),
    ("x # piiscan:ignore", set()),
    ("x # piiscan:ignore because it is a sample", set()),
    ("x # piiscan:ignore[PHONE]", {"PHONE"}),
    ("x # piiscan:ignore[PHONE, EMAIL]", {"PHONE", "EMAIL"}),
    ("x # piiscan:ignore PHONE,EMAIL", {"PHONE", "EMAIL"}),
    ("x <!-- piiscan:ignore MY_NUMBER -->", {"MY_NUMBER"}),
    ("x # piiscan:ignore[]", set()),
])
def test_inline_syntax(line: str, expected: set[str] | None) -> None:
    assert inline_types(line) == expected


def test_only_the_line_of_the_value() -> None:
    text = f"電話 {PHONE}\n次の行 # piiscan:ignore\n"
    start = text.index(PHONE)
    assert not inline_ignored(text, start, start + len(PHONE), "PHONE")
    text = f"電話 {PHONE}  # piiscan:ignore[EMAIL]\n"
    assert not inline_ignored(text, start, start + len(PHONE), "PHONE")
    assert inline_ignored(text, start, start + len(PHONE), "EMAIL")


def scan(tmp_path: Path, *args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(main, ["scan", *args, "-f", "json", "--no-baseline"],
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout), result.stderr


def active(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for fr in data["files"] for f in fr["findings"] if "suppressed_by" not in f]


def test_inline_ignores_counted_and_audited(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(
        f"電話 {PHONE}  # piiscan:ignore[PHONE]\n"
        f"メール {EMAIL} 電話 080-2718-2818 # piiscan:ignore PHONE\n"
        f"連絡先 {EMAIL}  # piiscan:ignore\n", encoding="utf-8")
    code, data, _ = scan(tmp_path, "a.txt")
    assert code == 1  # the e-mail on line 2 is not covered by 'PHONE'
    assert [(f["type"], f["location"]["line"]) for f in active(data)] == [("EMAIL", 2)]
    assert data["summary"]["suppressed"] == {"inline": 3}
    assert data["files"][0]["suppressed"] == 3

    code, data, err = scan(tmp_path, "a.txt", "--no-ignore")
    assert code == 1
    assert len(active(data)) == 4
    labelled = [f for f in active(data) if any(
        r["text"] == "suppressed by inline; reported because of --no-ignore"
        for r in f["reasons"])]
    assert len(labelled) == 3
    assert "--no-ignore: 3 findings that would be suppressed are reported (inline 3)" in err


def test_path_and_value_allowlists_from_config(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".piiscan.toml").write_text(
        'allow_paths = ["samples/**"]\nallow_values = ["03-5555-0000"]\n', encoding="utf-8")
    (tmp_path / "samples").mkdir()
    (tmp_path / "samples" / "form.txt").write_text(f"電話 {PHONE}\n", encoding="utf-8")
    (tmp_path / "footer.txt").write_text(f"TEL ０３－５５５５－００００\n電話 {PHONE}\n",
                                         encoding="utf-8")
    code, data, _ = scan(tmp_path, ".")
    assert code == 1
    assert [(f["location"]["path"], f["type"]) for f in active(data)] == [("footer.txt", "PHONE")]
    assert data["summary"]["suppressed"].get("allowlist", 0) >= 1
    assert "allow_values" not in json.dumps(data["scan"]["settings"])  # values stay private
    code, data, _ = scan(tmp_path, ".", "--no-ignore")
    # the config file itself holds the allowlisted value: audited too
    assert {f["location"]["path"] for f in active(data)} == {"footer.txt", "samples/form.txt",
                                                             ".piiscan.toml"}


def test_suppressed_count_in_summary_line(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.txt").write_text(f"電話 {PHONE} piiscan:ignore\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["scan", "a.txt", "-q"], catch_exceptions=False)
    assert result.exit_code == 0
    assert "1 suppressed" in result.stdout


def test_verdicts_label_every_finding_of_the_value() -> None:
    """A false-positive verdict suppresses the value wherever it is (a kind of its own, after
    allowlists), audited by --no-ignore; other verdicts only add a reason."""
    from piiscan.models import Category, FileRef, FileResult, Finding, Level, Location, Reason
    from piiscan.suppress import FALSE_POSITIVE, Suppressor

    def finding(fp: str, line: int, suppressed_by: str | None = None) -> Finding:
        return Finding("PHONE", "jp.phone", "電話番号", Category.PERSONAL, Level.MEDIUM,
                       Level.HIGH, (Reason("pattern", "jp.phone"),),
                       Location("a.txt", line=line), "***", "***", fp,
                       suppressed_by=suppressed_by)

    def apply(suppressor: Suppressor) -> list[Finding]:
        result = FileResult(FileRef("a.txt", "a.txt", 1, 0.0), findings=[
            finding("fp-a", 1), finding("fp-a", 2), finding("fp-b", 3),
            finding("fp-c", 4, suppressed_by="inline")])
        suppressor.apply(result)
        return result.findings

    verdicts = {"fp-a": FALSE_POSITIVE, "fp-b": "confirmed", "fp-c": FALSE_POSITIVE}
    out = apply(Suppressor.build(verdicts=verdicts))
    assert [f.suppressed_by for f in out] == [FALSE_POSITIVE, FALSE_POSITIVE, None, "inline"]
    assert out[2].reasons[-1] == Reason("verdict", "confirmed")
    assert describe(out[2].reasons[-1]) == "triage verdict: confirmed"
    audit = Suppressor.build(verdicts=verdicts, no_ignore=True)
    out = apply(audit)
    assert [f.suppressed_by for f in out] == [None, None, None, None]
    assert audit.audited == {FALSE_POSITIVE: 2, "inline": 1}
def test_allow_paths_match_a_url_by_its_path_after_the_host_or_bucket() -> None:
    from piiscan.suppress import Suppressor

    suppressor = Suppressor.build(allow_paths=("docs/**", "*.sample.csv"))
    assert suppressor.path_allowed("s3://bucket/docs/a.csv")
    assert suppressor.path_allowed("smb://me@host:1445/share/x/list.sample.csv")
    assert suppressor.path_allowed("smb://host/docs/docs/a.csv")  # share 'docs', folder 'docs'
    assert not suppressor.path_allowed("s3://docs/a.csv")  # 'docs' is the bucket here
