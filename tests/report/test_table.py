"""The terminal table fits the terminal (issue 12: at 100 columns paths broke mid-name and one
file's types took 11 lines; 27 files made 606 lines)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from reportsample import build_sample
from rich.cells import cell_len
from rich.console import Console

from piiscan.models import ScanResult
from piiscan.report.table import WIDE, fit_items, nothing_found, print_report, shorten_middle


def many_files(n: int = 27) -> ScanResult:
    """The sample's files copied into deep folders with long names."""
    result = build_sample()
    rows = [fr for fr in result.files if any(f.suppressed_by is None for f in fr.findings)]
    files = []
    for i in range(n):
        base = rows[i % len(rows)]
        path = (f"share/部署{i:02d}/2024年度/顧客対応/お客様からの問い合わせ記録_第{i}四半期"
                f"_最終版_{base.file.display.rsplit('/', 1)[-1]}")
        files.append(replace(base, file=replace(base.file, path=path, display=path)))
    return replace(result, files=files, skips=[])


def table_lines(result: ScanResult, width: int) -> list[str]:
    out = io.StringIO()
    print_report(result, Console(file=out, width=width, no_color=True, color_system=None,
                                 force_terminal=False), details=False)
    lines = out.getvalue().splitlines()
    return lines[: next(i for i, line in enumerate(lines) if line.startswith("└")) + 1]


@pytest.mark.parametrize("width", [80, 100, WIDE - 1, WIDE, 160, 240])
def test_one_line_per_file_at_any_width(width: int) -> None:
    result = many_files()
    lines = table_lines(result, width)
    assert len(lines) == 1 + 3 + 27 + 1  # title, head (3 lines), one row per file, bottom
    assert all(cell_len(line) <= width for line in lines)
    rows = [line for line in lines if line.startswith("│")]
    for fr, row in zip(sorted(result.files, key=lambda fr: (-fr.risk_score, fr.file.display)),
                       rows, strict=True):
        assert fr.file.display[-8:] in row, row  # the end of a path survives shortening
    assert ("報告 triggers" in lines[2]) == (width >= 160)


def test_narrow_rows_shorten_in_the_middle_and_count_the_rest() -> None:
    row = next(line for line in table_lines(many_files(), 100) if "社員名簿.xlsx" in line)
    assert "share/部署" in row and "…" in row  # start and end of the path, never wrapped
    assert row.count("│") == 6 and " more " in row  # 個人番号 3 +2 more: types on one line


def test_shorten_middle_counts_wide_characters() -> None:
    path = "examples/share/応募書類/履歴書_応募者A.docx"
    short = shorten_middle(path, 24)
    assert cell_len(short) <= 24 and short.startswith("example") and short.endswith(".docx")
    assert shorten_middle(path, 80) == path


def test_fit_items_keeps_whole_items() -> None:
    items = ["氏名 9", "電話番号 8", "個人番号 8", "クレジットカード番号 1"]
    assert fit_items(items, 30) == "氏名 9, 電話番号 8 +2 more"
    assert fit_items(items, 200) == ", ".join(items)


def test_nothing_found_says_so_only_of_what_was_read() -> None:
    """A bucket without credentials is not 'no personal data found'."""
    from piiscan.models import FileRef, FileResult, Skip, SkipKind

    unreadable = Skip("s3://bucket/x", "cannot access: NoCredentialsError", SkipKind.ERROR)
    image = Skip("share/photo.png", "image (use --ocr)", SkipKind.UNSUPPORTED)
    clean = FileResult(FileRef("share/a.txt", "share/a.txt", 1, 0.0))
    assert nothing_found(ScanResult(roots=["share"], started="", skips=[image])) == \
        "個人情報は見つかりませんでした (no personal data found)"
    assert nothing_found(ScanResult(roots=["s3://bucket/x"], started="",
                                    skips=[unreadable])).startswith(
        "何も読めませんでした (nothing could be read): 1 unreadable")
    assert "none in the files read); 1 could not be read" in nothing_found(
        ScanResult(roots=["share"], started="", files=[clean], skips=[unreadable]))
