"""A small generated share for the remote-source and cluster tests: a few files of the kinds
a file server holds, with synthetic personal data, one unreadable file, one binary, one
file the tests exclude, in nested folders with Japanese names. Lean on purpose: the same
share is scanned many ways (local, smb://, s3://, -j1, a cluster)."""

from __future__ import annotations

import random
from pathlib import Path

import fixtures_containers as containers
import fixtures_office as office
from synth import group4, mobile, my_number

EXCLUDE = "*.bak"  # the tests pass --exclude with this: one file is excluded


def make_share(root: Path, texts: int = 6, seed: int = 7) -> Path:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    containers.make_csv_cp932(root / "営業")
    containers.make_eml(root / "営業")
    containers.make_zip_cp932_names(root / "保管")
    containers.make_corrupt_zip(root / "保管")
    (root / "人事").mkdir()
    office.make_xlsx(root / "人事" / "社員名簿.xlsx")
    for i in range(texts):
        lines = [f"議事録 {i}", "本日の会議では来期の予算について議論した。"]
        if i % 2 == 0:
            lines.append(f"担当 電話 {mobile(rng)} マイナンバー {group4(my_number(rng))}")
        encoding = ("utf-8", "cp932", "euc-jp")[i % 3]
        (root / "メモ").mkdir(exist_ok=True)
        (root / "メモ" / f"memo{i:02d}.txt").write_bytes("\n".join(lines).encode(encoding))
    (root / "tool.bin").write_bytes(bytes(range(256)) * 8)
    (root / "old.bak").write_text("マイナンバー 1234 5678 9018\n", encoding="utf-8")
    for path in root.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)
    return root


def upload(root: Path, bucket: str, prefix: str = "share") -> str:
    """The share as objects in ``bucket`` (created) under ``prefix``: its s3:// URL."""
    import fsspec

    fs = fsspec.filesystem("s3", use_listings_cache=False)
    fs.mkdir(bucket)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        fs.pipe_file(f"{bucket}/{prefix}/{path.relative_to(root).as_posix()}",
                     path.read_bytes())
    return f"s3://{bucket}/{prefix}"
