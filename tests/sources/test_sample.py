"""--sample-percent: a seeded, reproducible choice of files, the same for a folder and the
same files behind a URL, and never silent about the files left out."""

from __future__ import annotations

import json
from pathlib import Path

from piiscan.config import Settings
from piiscan.models import FileRef, Skip, SkipKind
from piiscan.sources.sample import Sample, relative
from piiscan.sources.walk import iter_sources

from clirunner import CLI
from servers import S3Server
from sharegen import upload


def names(count: int) -> list[str]:
    return [f"部署{i % 7}/file{i:04d}.txt" for i in range(count)]


def test_choice_is_seeded_stable_and_about_the_share_asked() -> None:
    sample = Sample(10.0, "nightly")
    chosen = [n for n in names(4000) if sample.chosen(n)]
    assert 320 <= len(chosen) <= 480  # 10% of 4000, within a wide margin
    assert chosen == [n for n in names(4000) if Sample(10.0, "nightly").chosen(n)]
    # A file's membership does not depend on the others: new files do not reshuffle.
    assert [n for n in names(1000) if sample.chosen(n)] == [n for n in chosen
                                                            if n in set(names(1000))]
    other = {n for n in names(4000) if Sample(10.0, "another seed").chosen(n)}
    assert other != set(chosen)
    assert all(Sample(100.0).chosen(n) for n in names(200))


def test_relative_paths_below_a_root() -> None:
    assert relative("share/a/b.txt", "share") == "a/b.txt"
    assert relative("s3://b/p/a/b.txt", "s3://b/p") == "a/b.txt"
    assert relative("share/a.txt", "share/a.txt") == "a.txt"
    assert relative("a.txt", ".") == "a.txt"


def make_files(root: Path, count: int = 60) -> Path:
    root.mkdir()
    for i in range(count):
        (root / f"memo{i:02d}.txt").write_text(f"メモ {i}\n", encoding="utf-8")
    return root


def test_the_same_files_from_a_folder_and_a_bucket(tmp_path: Path, s3: S3Server) -> None:
    root = make_files(tmp_path / "share")
    url = upload(root, "sample-bucket")
    settings = Settings(sample_percent=25, sample_seed="s")
    local = list(iter_sources([str(root)], settings))
    remote = list(iter_sources([url], settings))
    picked = [i.display.removeprefix(str(root)) for i in local if isinstance(i, FileRef)]
    assert picked == [i.display.removeprefix(url) for i in remote if isinstance(i, FileRef)]
    assert 5 <= len(picked) <= 25
    left = [i for i in local if isinstance(i, Skip)]
    assert len(left) + len(picked) == 60
    assert all(s.kind == SkipKind.EXCLUDED and "25% sample" in s.reason for s in left)


def test_cli_counts_the_files_left_out_and_reports_the_setting(tmp_path: Path) -> None:
    root = make_files(tmp_path / "share")
    runs = [CLI().json("scan", str(root), "--sample-percent", "50", "--sample-seed", "x")[1]
            for _ in range(2)]
    assert runs[0]["files"] == runs[1]["files"]  # the same files every night
    summary = runs[0]["summary"]
    assert summary["files_scanned"] + summary["excluded"] == 60
    assert 15 <= summary["files_scanned"] <= 45
    assert runs[0]["scan"]["settings"]["sample_percent"] == 50
    config = tmp_path / ".piiscan.toml"
    config.write_text('sample_percent = 50\nsample_seed = "x"\n', encoding="utf-8")
    _, from_config = CLI().json("scan", str(root), "--config", str(config))
    assert json.dumps(from_config["files"]) == json.dumps(runs[0]["files"])
    proc = CLI().run("scan", str(root), "--sample-percent", "0")
    assert proc.returncode == 2 and "--sample-percent" in proc.stderr
