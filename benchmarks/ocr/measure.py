"""OCR accuracy and speed on the generated forms: CER, recall per identifier, pages/s.

    make bench-ocr                                        # same as the next line
    .venv/bin/python benchmarks/ocr/measure.py [--seed N] [--size 60] [--regenerate]
        [--variants rapidocr,rapidocr+binarise,rapidocr+deskew,tesseract] [--cli-jobs 2]

1. Generates the forms (generate_forms.py) into benchmarks/ocr/.corpus/ if they are missing
   or were made with another seed or size.
2. For each variant (an engine, optionally with a Pillow preprocessing step in front of it),
   scans every file in this process with piiscan's real Scanner (``Settings(ocr=True)``,
   the built-in rules, one file at a time, the engine single-threaded), recording each
   page's OCR text and time. Prints:
   - CER: for every line of text on a form (a label, a value, a 縦書き column), the edit
     distance to the closest substring of the page's OCR text, whitespace removed, after
     piiscan's OCR fold (normalize.fold_ocr); summed over lines, divided by their length.
     Horizontal and vertical pages separately.
   - recall per type: findings at medium confidence and above matched to the truth the way
     benchmarks/eval/run.py matches them (numbers by their digits, names by normalised text,
     containment counting); phone, My Number and postal code are the issue's identifiers.
   - pages/s per core: pages divided by the OCR time, and by the whole scan time.
3. The first variant once more through the command line (``piiscan scan --ocr -j N``):
   wall-clock pages/s with the worker pool, start-up and model loading included.

The machine (CPU, cores, date) is printed first; figures are tracked in docs/benchmarks.md
("OCR"), never asserted by tests.
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import json
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
try:
    import piiscan  # noqa: F401
except ImportError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

import generate_forms  # noqa: E402

from piiscan.config import Settings  # noqa: E402
from piiscan.extract import ocr  # noqa: E402
from piiscan.mask import Fingerprinter  # noqa: E402
from piiscan.models import FileRef  # noqa: E402
from piiscan.normalize import fold_ocr  # noqa: E402
from piiscan.rules.loader import load_ruleset  # noqa: E402
from piiscan.scan import Scanner  # noqa: E402

if TYPE_CHECKING:
    from PIL.Image import Image

IDENTIFIERS = ("PHONE", "MY_NUMBER", "POSTAL_CODE")
TARGET = 0.9
TYPES = (*IDENTIFIERS, "PERSON_NAME", "PERSON_NAME_KANA", "BIRTH_DATE", "ADDRESS")


def _load(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


sys.path.insert(0, str(ROOT / "benchmarks" / "eval"))
evaluation = _load("eval_run", ROOT / "benchmarks" / "eval" / "run.py")
speed = _load("bench_run", ROOT / "benchmarks" / "run.py")


# ----------------------------------------------------------------------------------------
# Preprocessing candidates (Pillow only): shipped only if they pay.


def otsu_threshold(image: Image) -> int:
    histogram = image.histogram()[:256]
    total = sum(histogram)
    weighted = sum(i * h for i, h in enumerate(histogram))
    best, best_var, below, below_sum = 128, -1.0, 0, 0.0
    for level in range(256):
        below += histogram[level]
        below_sum += level * histogram[level]
        above = total - below
        if below == 0 or above == 0:
            continue
        mean_below, mean_above = below_sum / below, (weighted - below_sum) / above
        var = below * above * (mean_below - mean_above) ** 2
        if var > best_var:
            best, best_var = level, var
    return best


def binarise(image: Image) -> Image:
    level = otsu_threshold(image)
    return image.point(lambda v: 255 if v > level else 0)


def deskew(image: Image) -> Image:
    """Rotate by the angle in ±2.5° whose row profile is sharpest (text lines level)."""
    from PIL import Image as PILImage

    small = image.copy()
    small.thumbnail((1000, 1000))
    ink = small.point(lambda v: 255 if v < otsu_threshold(small) else 0)
    best, best_score = 0.0, -1.0
    for step in range(-10, 11):
        angle = step / 4
        rows = ink.rotate(angle, resample=PILImage.Resampling.BILINEAR)
        profile = rows.resize((1, rows.height), PILImage.Resampling.BOX).tobytes()
        score = sum((a - b) ** 2 for a, b in itertools.pairwise(profile))
        if score > best_score:
            best, best_score = angle, score
    if best == 0:
        return image
    return image.rotate(best, resample=PILImage.Resampling.BICUBIC, fillcolor=255)


PREPROCESS: dict[str, Callable[[Image], Image]] = {"binarise": binarise, "deskew": deskew}


class Recorder:
    """Wraps an engine: each page's preprocessing + OCR time and raw text, in call order."""

    def __init__(self, engine: ocr.Engine, preprocess: Callable[[Image], Image] | None) -> None:
        self.engine, self.preprocess = engine, preprocess
        self.name = engine.name
        self.pages: list[tuple[str, float]] = []

    def read(self, image: Image, seconds: float) -> str:
        started = time.perf_counter()
        if self.preprocess is not None:
            image = self.preprocess(image)
        text = self.engine.read(image, seconds)
        self.pages.append((text, time.perf_counter() - started))
        return text


# ----------------------------------------------------------------------------------------
# Scoring


def substring_distance(pattern: str, text: str) -> int:
    """Edit distance from ``pattern`` to its closest substring of ``text`` (Sellers)."""
    previous = [0] * (len(text) + 1)
    for i, p in enumerate(pattern, 1):
        current = [i] + [0] * len(text)
        for j, t in enumerate(text, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (p != t))
        previous = current
    return min(previous)


def squeeze(text: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", text).split())


def cer_parts(page: dict[str, Any], text: str) -> tuple[int, int]:
    """(errors, characters) of one page: its lines are labels, values and columns."""
    flat = squeeze(fold_ocr(text))
    units = []
    for line in page["lines"]:
        units.extend(line.split(" ", 1) if not page["vertical"] else [line])
    errors = sum(substring_distance(squeeze(u), flat) for u in units)
    return errors, sum(len(squeeze(u)) for u in units)


def recall(truth: dict[str, Any], found: dict[str, dict[str, list[Any]]]
           ) -> dict[str, Any]:
    scores: dict[str, Any] = defaultdict(evaluation.Score)
    for path, info in truth["files"].items():
        expected: dict[str, list[Any]] = defaultdict(list)
        for e in info["entities"]:
            where = {"page": e["page"]} if e["page"] else {}
            expected[e["type"]].append(evaluation.Item(
                e["type"], evaluation.canonical(e["type"], e["value"], e.get("iso")),
                e["value"], evaluation.location_keys(where)))
        for etype in set(expected) | set(found.get(path, {})):
            evaluation.match_file(path, etype, found.get(path, {}).get(etype, []),
                                  expected[etype], scores[etype])
    return dict(scores)


# ----------------------------------------------------------------------------------------
# Running


def scan_variant(variant: str, files: Path, truth: dict[str, Any]) -> dict[str, Any]:
    engine_name, _, step = variant.partition("+")
    recorder = Recorder(ocr.build_engine(engine_name), PREPROCESS[step] if step else None)
    ocr._engine = lambda: recorder  # type: ignore[assignment]  # every page goes through it
    settings = Settings(ocr=True, show_values=True)
    scanner = Scanner(load_ruleset(), settings, Fingerprinter(b"\0" * 32))
    found: dict[str, dict[str, list[Any]]] = defaultdict(lambda: defaultdict(list))
    errors = {True: 0, False: 0}
    chars = {True: 0, False: 0}
    scan_seconds = 0.0
    for name, info in truth["files"].items():
        path = files / name
        stat = path.stat()
        before = len(recorder.pages)
        started = time.perf_counter()
        result = scanner.scan_file(FileRef(str(path), name, stat.st_size, stat.st_mtime))
        scan_seconds += time.perf_counter() - started
        texts = recorder.pages[before:]
        if len(texts) != len(info["pages"]) or result.skips:
            raise SystemExit(f"{name}: {len(texts)} pages read of {len(info['pages'])}; "
                             f"skips {result.skips}")
        for page, (text, _) in zip(info["pages"], texts, strict=True):
            e, n = cer_parts(page, text)
            errors[page["vertical"]] += e
            chars[page["vertical"]] += n
        for f in result.findings:
            found[name][f.type].append(evaluation.Item(
                f.type, evaluation.canonical(f.type, f.value or ""), f.value or "",
                evaluation.location_keys({"page": f.location.page})))
    pages = len(recorder.pages)
    ocr_seconds = sum(t for _, t in recorder.pages)
    return {
        "variant": variant, "pages": pages,
        "cer": (errors[True] + errors[False]) / max(1, chars[True] + chars[False]),
        "cer_horizontal": errors[False] / max(1, chars[False]),
        "cer_vertical": errors[True] / max(1, chars[True]),
        "ocr_pages_per_s": pages / ocr_seconds, "scan_pages_per_s": pages / scan_seconds,
        "recall": {t: s.recall for t, s in recall(truth, found).items()},
        "misses": {t: s.fn_examples[:5] for t, s in recall(truth, found).items() if s.fn},
    }


def cli_run(files: Path, jobs: int, pages: int) -> dict[str, Any]:
    cmd = [*evaluation.piiscan_command(), "scan", str(files), "--ocr", "-j", str(jobs), "-q",
           "--no-state", "--no-baseline"]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=speed.clean_env(),
                          check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr}")
    return {"command": " ".join(cmd[1:]), "seconds": elapsed, "pages_per_s": pages / elapsed,
            "per_core": pages / elapsed / jobs, "summary": proc.stdout.strip()}


def report(results: list[dict[str, Any]], cli: dict[str, Any] | None) -> str:
    lines = ["| variant | CER | CER horizontal | CER vertical | OCR pages/s | scan pages/s | "
             + " | ".join(TYPES) + " |", "|" + "---|" * (6 + len(TYPES))]
    for r in results:
        cells = [r["variant"], f"{r['cer']:.4f}", f"{r['cer_horizontal']:.4f}",
                 f"{r['cer_vertical']:.4f}", f"{r['ocr_pages_per_s']:.3f}",
                 f"{r['scan_pages_per_s']:.3f}",
                 *(f"{r['recall'].get(t, 0.0):.3f}" for t in TYPES)]
        lines.append("| " + " | ".join(cells) + " |")
    for r in results:
        ok = all(r["recall"].get(t, 0.0) >= TARGET for t in IDENTIFIERS)
        lines.append(f"{r['variant']}: identifier recall >= {TARGET} "
                     f"({', '.join(IDENTIFIERS)}): {'met' if ok else 'MISSED'}")
        for etype, examples in r["misses"].items():
            lines.append(f"  missed {etype}: " + "; ".join(examples))
    if cli:
        lines.append(f"command line: {cli['command']}: {cli['seconds']:.1f} s, "
                     f"{cli['pages_per_s']:.3f} pages/s ({cli['per_core']:.3f} per core); "
                     f"{cli['summary']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20241205)
    parser.add_argument("--size", type=int, default=60)
    parser.add_argument("--out", type=Path, default=generate_forms.DEFAULT_OUT)
    parser.add_argument("--regenerate", action="store_true")
    parser.add_argument("--variants", default="rapidocr,rapidocr+binarise,rapidocr+deskew,"
                        "tesseract")
    parser.add_argument("--cli-jobs", type=int, default=2, help="0: skip the CLI run")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    os.environ["OMP_THREAD_LIMIT"] = "1"  # Tesseract: one thread, like RapidOCR's settings
    truth_path = args.out / "truth.json"
    truth = json.loads(truth_path.read_text("utf-8")) if truth_path.exists() else {}
    if args.regenerate or truth.get("seed") != args.seed or truth.get("size") != args.size:
        print(f"generating {args.size} forms (seed {args.seed}) -> {args.out}", file=sys.stderr)
        truth = generate_forms.generate(args.out, args.seed, args.size)
    files = args.out / generate_forms.FILES
    pages = sum(len(f["pages"]) for f in truth["files"].values())
    vertical = sum(p["vertical"] for f in truth["files"].values() for p in f["pages"])
    for key, value in speed.machine().items():
        print(f"{key}: {value}")
    print(f"corpus: {len(truth['files'])} files, {pages} pages ({vertical} vertical), "
          f"seed {truth['seed']}")
    results = []
    for variant in args.variants.split(","):
        print(f"scanning with {variant} ...", file=sys.stderr, flush=True)
        results.append(scan_variant(variant, files, truth))
    cli = cli_run(files, args.cli_jobs, pages) if args.cli_jobs else None
    print(report(results, cli))
    if args.json:
        args.json.write_text(json.dumps({"results": results, "cli": cli}, indent=1,
                                        ensure_ascii=False), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
