"""Helpers for state tests: a generated share (every value synthetic, tests/synth.py) and
report comparison."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

from synth import group4, mobile, my_number

Run = Callable[..., Result]  # the `run` fixture (conftest.py)

FILLER = "本日の会議では来期の予算について議論した。\n" * 20


def personal_text(rng: random.Random) -> str:
    return f"担当 電話 {mobile(rng)}\nマイナンバー {group4(my_number(rng))}\n"


def make_share(root: Path, files: int, every: int = 10, seed: int = 7) -> list[Path]:
    """``files`` text files under ``root``, one in ``every`` with personal data; returns the
    ones with personal data."""
    rng = random.Random(seed)
    personal = []
    for i in range(files):
        path = root / f"dept{i % 20:02d}" / f"doc{i:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = "議事録\n" + FILLER
        if i % every == 0:
            body += personal_text(rng)
            personal.append(path)
        path.write_text(body, encoding="utf-8")
    return personal


def stable(report: str | bytes | dict[str, Any]) -> dict[str, Any]:
    """A JSON report without its timestamps."""
    data: dict[str, Any] = json.loads(report) if isinstance(report, (str, bytes)) else \
        json.loads(json.dumps(report))
    data["scan"].pop("started")
    data["scan"].pop("finished")
    return data
