"""The ground truth of the independent set, in the shape run.py's matcher reads.

``load(files_dir)`` returns ``{"files": {"<id>/<name>": {"clean", "entities", "format",
"encoding", "convert"}}}`` from ``manifest.csv`` and ``labels/<id>.json``. A value that
appears several times in one file is one entity (the same e-mail in five INSERTs): recall
is measured over the distinct values a file holds; 要配慮 facts stay one per place. Birth
dates get their calendar date here, from the label's own digits, so the truth does not
depend on piiscan's date parser.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import assemble  # noqa: E402
import label as labels  # noqa: E402

ERAS = {"M": 1867, "T": 1911, "S": 1925, "H": 1988, "R": 2018,
        "明治": 1867, "大正": 1911, "昭和": 1925, "平成": 1988, "令和": 2018}


def iso_date(value: str) -> str | None:
    """``1962/05/16``, ``1970-01-01``, ``昭和55年3月4日`` -> ISO date, else None."""
    text = value.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    m = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return f"{y:04d}-{mo:02d}-{d:02d}"
    m = re.search(r"(明治|大正|昭和|平成|令和|[MTSHR])\s*(\d{1,2})\s*[年.]\s*(\d{1,2})\s*[月.]\s*(\d{1,2})", text)
    if m:
        era, y, mo, d = m.groups()
        return f"{ERAS[era] + int(y):04d}-{int(mo):02d}-{int(d):02d}"
    return None


def load(files_dir: Path | None = None, sources: Path | None = None) -> dict[str, Any]:
    """The truth of every file; labels written as a spec are expanded from ``files_dir``
    (and the converted files' source tables under ``sources``, default beside it)."""
    check_files(files_dir)
    files: dict[str, Any] = {}
    for entry in assemble.read_manifest():
        label = json.loads((HERE / "labels" / f"{entry.id}.json").read_text("utf-8"))
        if label.get("spec") and label.get("method") != "manual":
            if files_dir is None:
                raise SystemExit(f"{entry.id}: a spec label needs the assembled files")
            raw = labels.expand(label, entry, files_dir, sources)
        else:
            raw = label.get("entities", [])
        seen: set[tuple[str, ...]] = set()
        entities = []
        for e in raw:
            key = (e["type"], re.sub(r"\s", "", e["value"]))
            if e["type"].startswith("SENSITIVE_"):
                key += (json.dumps(e.get("where", {}), sort_keys=True),)
            if key in seen:
                continue
            seen.add(key)
            if e["type"] == "BIRTH_DATE" and "iso" not in e:
                e = {**e, "iso": iso_date(e["value"])}
            entities.append(e)
        if entry.clean and entities:
            raise SystemExit(f"{entry.id}: a clean file has labels")
        files[entry.relpath] = {
            "clean": entry.clean,
            "entities": entities,
            "format": entry.format,
            "encoding": entry.encoding,
            "convert": entry.convert.split(";")[0],
        }
    return {"files": files}


def check_files(files_dir: Path | None) -> None:
    """Stop with the command to run when files of the manifest are missing."""
    files = [e.relpath for e in assemble.read_manifest()]
    if files_dir is not None:
        missing = [p for p in files if not (files_dir / p).is_file()]
        if missing:
            raise SystemExit(
                f"{len(missing)} files of the manifest are missing under {files_dir} "
                f"(first: {missing[0]}); run benchmarks/eval/independent/assemble.py first"
            )
