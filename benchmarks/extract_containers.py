"""Throughput of the container extractors (CSV, mail, zip), extraction only, no rules.

    .venv/bin/python benchmarks/extract_containers.py [--rows 100000] [--mails 300]

Inputs are generated in a temporary folder; each figure is the median of 3 runs.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from piiscan.extract import Blob, ExtractContext, extract_blob
from piiscan.models import Location

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import fixtures_containers as fx

RUNS = 3


def consume(path: Path) -> int:
    blob = Blob(path.name, Location(path.name), path=str(path))
    return sum(1 for _ in extract_blob(blob, ExtractContext()))


def median_seconds(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def make_big_csv(folder: Path, rows: int) -> Path:
    path = folder / "customers.csv"
    with path.open("w", encoding="cp932", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(["番号", "氏名", "フリガナ", "電話番号", "メールアドレス", "住所"])
        for n in range(rows):
            phone = f"090-{n % 10000:04d}-5678"
            address = f"東京都千代田区千代田{n % 9 + 1}-1"
            writer.writerow([n, fx.NAME, "ヤマダタロウ", phone, f"user{n}@example.jp", address])
    return path


def make_text_zip(folder: Path, files: int, size: int) -> tuple[Path, int]:
    """Text members of about ``size`` bytes; lines vary so they pack like real text."""
    rng = random.Random(1)
    expanded = 0
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for n in range(files):
            lines: list[bytes] = []
            length = 0
            while length < size:
                phone = f"090-{rng.randrange(10000):04d}-{rng.randrange(10000):04d}"
                note = "".join(rng.choice("あいうえおかきくけこ漢字東京都") for _ in range(20))
                lines.append(f"{rng.randrange(10**6)} {fx.NAME} 様 電話 {phone} {note}\n".encode())
                length += len(lines[-1])
            body = b"".join(lines)
            expanded += len(body)
            archive.writestr(f"docs/memo{n:03d}.txt", body)
    path = folder / "texts.zip"
    path.write_bytes(out.getvalue())
    return path, expanded


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--mails", type=int, default=300)
    parser.add_argument("--zip-files", type=int, default=100)
    parser.add_argument("--zip-file-size", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)

        big = make_big_csv(folder, args.rows)
        seconds = median_seconds(lambda: consume(big))
        mib = big.stat().st_size / 2**20
        print(f"csv  : {args.rows:,} rows CP932 ({mib:.1f} MiB): {seconds:.2f} s, "
              f"{args.rows / seconds:,.0f} rows/s, {mib / seconds:.1f} MiB/s")  # fmt: skip

        mails = [fx.make_eml(folder / "mail", f"m{n}.eml") for n in range(args.mails)]
        seconds = median_seconds(lambda: [consume(p) for p in mails])
        size = mails[0].stat().st_size
        print(f"eml  : {args.mails} mails with a CSV attachment ({size:,} bytes each): "
              f"{args.mails / seconds:,.0f} files/s")  # fmt: skip

        archive, expanded = make_text_zip(folder, args.zip_files, args.zip_file_size)
        seconds = median_seconds(lambda: consume(archive))
        print(f"zip  : {args.zip_files} text members, {expanded / 2**20:.1f} MiB expanded "
              f"({archive.stat().st_size / 2**20:.2f} MiB packed): "
              f"{expanded / 2**20 / seconds:.1f} MiB/s expanded")  # fmt: skip


if __name__ == "__main__":
    main()
