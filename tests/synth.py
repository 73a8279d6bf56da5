"""Synthetic identifiers for tests: every number is generated, none belongs to anyone."""

from __future__ import annotations

import random


def my_number(rng: random.Random, valid: bool = True) -> str:
    body = [rng.randrange(10) for _ in range(11)]
    weights = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
    r = sum(d * w for d, w in zip(body, weights, strict=True)) % 11
    check = 0 if r <= 1 else 11 - r
    if not valid:
        check = (check + 1 + rng.randrange(9)) % 10
    return "".join(map(str, body)) + str(check)


def luhn_complete(prefix: str, length: int, rng: random.Random, valid: bool = True) -> str:
    digits = prefix + "".join(str(rng.randrange(10)) for _ in range(length - len(prefix) - 1))
    for check in "0123456789":
        candidate = digits + check
        total = 0
        for i, ch in enumerate(reversed(candidate)):
            d = int(ch) * (2 if i % 2 else 1)
            total += d - 9 if d > 9 else d
        if (total % 10 == 0) == valid:
            return candidate
    raise AssertionError("unreachable")


def card(rng: random.Random, valid: bool = True) -> str:
    prefix, length = rng.choice([("4", 16), ("53", 16), ("2221", 16), ("3540", 16),
                                 ("37", 15), ("36", 14)])
    return luhn_complete(prefix, length, rng, valid)


def mobile(rng: random.Random) -> str:
    return f"0{rng.choice('789')}0-{rng.randrange(1000, 10000)}-{rng.randrange(1000, 10000)}"


def group4(number: str, sep: str = " ") -> str:
    return sep.join(number[i:i + 4] for i in range(0, len(number), 4))
