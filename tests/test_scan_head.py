"""--max-bytes-per-file: larger text-like files are scanned up to the limit and listed as
partly scanned in every report; containers, which cannot be read from their head, are
read whole; a partial scan is not an unreadable file (exit code)."""

from __future__ import annotations

from pathlib import Path

from piiscan.config import Settings
from piiscan.models import FileResult, SkipKind

import fixtures_office as office
from clirunner import CLI
from scankit import FileScanner, scan_tree

HEAD = "担当 電話 090-1234-5678\n"
TAIL = "連絡先 電話 080-2345-6789\n"


def big_text(path: Path) -> Path:
    filler = "本日の会議では来期の予算について議論した。\n" * 200  # ~12 KB
    path.write_text(HEAD + filler + TAIL, encoding="utf-8")
    return path


def phones(result: FileResult) -> list[str]:
    return [f.masked_value for f in result.findings if f.type == "PHONE"]


def test_head_of_a_text_file_scanned_and_said(tmp_path: Path) -> None:
    path = big_text(tmp_path / "memo.txt")
    whole = FileScanner().scan_path(path)
    head = FileScanner(settings=Settings(max_bytes_per_file=4096)).scan_path(path)
    assert len(phones(whole)) == 2 and len(phones(head)) == 1
    [skip] = head.skips
    assert skip.kind == SkipKind.PARTIAL
    assert skip.reason.startswith("only the first 4 KiB of 12") and "not checked" in skip.reason
    assert head.encoding == "utf-8" and head.kind == "text"
    small = FileScanner(settings=Settings(max_bytes_per_file=1 << 20)).scan_path(path)
    assert not small.skips and len(phones(small)) == 2


def test_containers_are_read_whole(tmp_path: Path) -> None:
    path = tmp_path / "名簿.xlsx"
    office.make_xlsx(path)
    whole = FileScanner().scan_path(path)
    limited = FileScanner(settings=Settings(max_bytes_per_file=1024)).scan_path(path)
    assert path.stat().st_size > 1024
    assert not limited.skips and len(limited.findings) == len(whole.findings) > 0


def test_cli_lists_partial_files_without_calling_them_unreadable(tmp_path: Path) -> None:
    big_text(tmp_path / "memo.txt")
    cli = CLI()
    proc = cli.run("scan", str(tmp_path), "--max-bytes-per-file", "4K", "--fail-on", "critical")
    assert proc.returncode == 0, proc.stderr  # partial is not unreadable (exit 3)
    assert "[partial]" in proc.stdout and "--max-bytes-per-file" in proc.stdout
    _, report = cli.json("scan", str(tmp_path), "--max-bytes-per-file", "4K")
    [file] = report["files"]
    assert file["skips"][0]["kind"] == "partial"
    assert report["summary"]["unreadable"] == 0 and report["summary"]["skipped"] == 1
    sarif = cli.run("scan", str(tmp_path), "--max-bytes-per-file", "4K", "-f", "sarif")
    assert "only the first 4 KiB" in sarif.stdout


def test_findings_past_the_per_file_limit_are_counted_not_listed(tmp_path: Path) -> None:
    """One huge log cannot fill the memory: past ``limits.findings_per_file`` matches are
    counted by type in a note that names no value."""
    from dataclasses import replace as with_

    from piiscan.config import Limits

    path = tmp_path / "app.log"
    path.write_text("".join(f"tel=090-{1000 + i}-{5000 + i} ok\n" for i in range(10))
                    + "マイナンバー 1234 5678 9018\n", "utf-8")
    settings = with_(Settings(jobs=1), limits=Limits(findings_per_file=3))
    result = scan_tree([str(tmp_path)], settings).files[0]
    assert len(result.findings) + result.below_threshold == 4
    # the My Number after the limit is still listed: the first of its rule
    assert "MY_NUMBER" in {f.type for f in result.findings} and "my_number" in result.triggers
    assert result.notes == ["more than 3 findings: the first 3 and the first of each rule are "
                            "listed, 7 more were counted, not listed (PHONE 7)"]
    assert not any("090" in n for n in result.notes)
