"""Throughput of scanning one large Japanese text file with the full built-in rule set.

    python benchmarks/scan_text.py [--mb 25] [--runs 3]

Generates a deterministic file (business prose, log lines, and about 3% of lines holding
names, phones, My Numbers, addresses and e-mail), scans it in-process with the built-in
rules, and prints the median MB/s and the process's peak resident memory. Figures go to
docs/benchmarks.md; nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from piiscan.config import Settings
from piiscan.mask import Fingerprinter, Keys
from piiscan.models import FileRef
from piiscan.scan import CompiledRules, scan_file

from synth import group4, mobile, my_number

PROSE = [
    "本日の会議では新製品の販売計画について議論した。",
    "次回は来週の火曜日に開催予定です。資料は共有フォルダに保存してください。",
    "2024-10-03 09:12:44,120 INFO order.api GET /api/orders/88231 200 12ms",
    "お客様からの問い合わせに対応しました。特記事項なし。",
    "The quarterly report is attached; please review section 3 before Friday.",
]


def generate(path: Path, megabytes: float, seed: int = 1) -> None:
    rng = random.Random(seed)
    target = int(megabytes * 1_000_000)
    size = 0
    with path.open("w", encoding="utf-8") as fh:
        i = 0
        while size < target:
            r = rng.random()
            if r < 0.01:
                line = f"顧客 山田 太郎様 電話 {mobile(rng)} マイナンバー {group4(my_number(rng))}"
            elif r < 0.02:
                line = f"住所：東京都千代田区千代田1-{i % 50}-{i % 9} メール user{i}@mail.co.jp"
            elif r < 0.03:
                line = f"患者名：佐藤 花子　既往歴：高血圧、通院中 (受付 {i})"
            else:
                line = rng.choice(PROSE)
            fh.write(line + "\n")
            size += len(line.encode()) + 1
            i += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=25.0)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        generate(path, args.mb)
        size = path.stat().st_size
        settings = Settings()
        rules = CompiledRules.load(settings)
        keys = Keys(Fingerprinter())
        st = path.stat()
        ref = FileRef(str(path), "big.txt", st.st_size, st.st_mtime)
        times, findings = [], 0
        for _ in range(args.runs):
            t0 = time.perf_counter()
            result = scan_file(ref, rules, settings, keys)
            times.append(time.perf_counter() - t0)
            findings = len(result.findings)
        median = statistics.median(times)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"file: {size / 1e6:.1f} MB, rules: {len(rules.ruleset.rules)}, "
              f"findings: {findings}")
        print(f"median of {args.runs}: {median:.2f} s = {size / 1e6 / median:.2f} MB/s "
              f"(runs: {', '.join(f'{t:.2f}' for t in times)}); peak RSS {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
