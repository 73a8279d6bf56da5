"""Every spelling of a planted value that must not appear in anything piiscan writes: as
written, digits only, any 8-digit run of its digits, an e-mail's local part; UTF-8 and
UTF-16."""

from __future__ import annotations

import re


def forms(value: str) -> list[bytes]:
    out = {value, re.sub(r"\D", "", value) if re.search(r"\d{4}", value) else value}
    digits = re.sub(r"\D", "", value)
    if len(digits) >= 8:
        out |= {digits[i:i + 8] for i in range(len(digits) - 7)}
    if "@" in value:
        out.add(value.split("@")[0])
    found = {f.encode("utf-8") for f in out} | {f.encode("utf-16-le") for f in out}
    return sorted(found)


def leaks(values: list[str], blobs: dict[str, bytes]) -> list[str]:
    """Which spelling of which value is in which blob (name -> bytes)."""
    return [f"{name}: {form!r}" for name, data in blobs.items() for value in values
            for form in forms(value) if form in data]
