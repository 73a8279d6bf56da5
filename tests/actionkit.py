"""A generated share scanned twice into a state, for the commands that act on a state
(diff alerts, quarantine, triage). Every value is synthetic (tests/synth.py) and known, so
tests can also check that none of them leaves piiscan."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from clirunner import CLI
from synth import card, group4, mobile, my_number

FILLER = "本日の会議では来期の予算について議論した。\n" * 5


@dataclass
class Share:
    root: Path
    state: Path
    values: list[str] = field(default_factory=list)  # every planted value, as written

    @staticmethod
    def generate(rng: random.Random) -> tuple[str, str, str]:
        """A My Number (in groups of four), a mobile number and a card number."""
        return group4(my_number(rng)), mobile(rng), card(rng)

    def write(self, rel: str, text: str) -> Path:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def personal(self, rel: str, rng: random.Random) -> Path:
        number, phone, _ = self.generate(rng)
        self.values += [number, phone]
        return self.write(rel, f"議事録\n{FILLER}担当 電話 {phone}\nマイナンバー {number}\n")

    def customers(self, rel: str, rng: random.Random, rows: int = 3) -> Path:
        lines = ["氏名,個人番号,電話番号,カード番号"]
        for i in range(rows):
            number, phone, cc = self.generate(rng)
            self.values += [number, phone, cc]
            lines.append(f"山田 花子{i},{number.replace(' ', '')},{phone},{cc}")
        return self.write(rel, "\n".join(lines) + "\n")

    def scan(self, cli: CLI, *extra: str, cwd: Path | None = None) -> str:
        proc = cli.run("scan", f"--state={self.state}", str(self.root), "-q", *extra, cwd=cwd)
        assert proc.returncode in (0, 1), proc.stderr
        return proc.stdout


def two_runs(cli: CLI, tmp: Path, seed: int = 20) -> Share:
    """Run 1: two files with personal data and a clean one. Run 2: one of them removed
    (resolved), a customer list added (new)."""
    rng = random.Random(seed)
    share = Share(tmp / "share", tmp / "state")
    share.personal("総務/old_list.txt", rng)
    share.personal("営業/memo.txt", rng)
    share.write("営業/clean.txt", "議事録\n" + FILLER)
    share.scan(cli)
    (share.root / "総務" / "old_list.txt").unlink()
    share.customers("営業/顧客リスト.csv", rng)
    share.scan(cli)
    return share
