"""Accuracy of piiscan on the labelled synthetic corpus: per-type precision, recall, F1.

    .venv/bin/python benchmarks/eval/run.py [--seed N] [--size N] [--regenerate]
                                            [--details N] [--strict] [--json OUT]

Generates the corpus (generate.py) if it is missing or was made with another seed or size,
runs the real CLI over it (``piiscan scan <corpus>/files -f json --min-confidence medium
--show-values``), and matches findings to the ground truth per file and type:

- numbers by their digits (``090-1234-5678`` = ``０９０１２３４５６７８``; +81 is folded to 0),
  passports and residence cards by their letters and digits, e-mail case-insensitively;
- birth dates by the calendar date they name (昭和55年3月4日 = 1980/03/04);
- names, kana readings and addresses by normalised text, where a finding that contains, or
  is contained in, the true span counts (a finding ``東京都港区芝公園1-2-3`` matches the truth
  ``東京都港区芝公園1-2-3 ○○ハイツ101``);
- 要配慮 facts (SENSITIVE_*) like names, or by landing on the same line, row, cell or page;
  further findings of that type in a file that holds such a fact are duplicates (the words
  of a medical record around the diagnosis), so SENSITIVE_* precision measures findings in
  files with no such fact about anyone.

A finding that matches an already-matched truth (the same value found twice, a context word
beside the term) is a duplicate and counts neither way. Everything else is a false positive;
every truth left over is a false negative. A clean file (hard negatives only) that gets any
SENSITIVE_* finding is a "false sensitive file"; the rate is per 100 clean files.

The corpus is scanned a second time with the word scanner's pure-Python backend
(``PIISCAN_MATCHER=python``, what runs where no Hyperscan wheel exists): any finding that
differs is listed and the exit code is 1 (``--no-both-matchers`` skips it).

Exits 0 unless ``--strict`` is given and a target is missed (then 1), a finding differs
between the word scanner's backends (1), or the scan failed (2).
Figures are tracked in docs/accuracy.md, never asserted by the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
try:
    import piiscan  # noqa: F401
except ImportError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

import generate  # noqa: E402

from piiscan.validators.identifiers import parse_date  # noqa: E402

IDENTIFIERS = (
    "BIRTH_DATE",
    "BANK_ACCOUNT",
    "PASSPORT",
    "DRIVERS_LICENSE",
    "RESIDENCE_CARD",
    "PENSION_NUMBER",
    "HEALTH_INSURANCE",
    "EMPLOYMENT_INSURANCE",
    "RESIDENT_CODE",
)
SENSITIVE = (
    "SENSITIVE_MEDICAL",
    "SENSITIVE_DISABILITY",
    "SENSITIVE_CRIMINAL",
    "SENSITIVE_VICTIM",
    "SENSITIVE_BELIEF",
    "SENSITIVE_ORIGIN",
)
TARGETS: dict[str, float] = {
    "MY_NUMBER": 0.99,
    "CREDIT_CARD": 0.99,
    "PHONE": 0.98,
    "EMAIL": 0.98,
    "POSTAL_CODE": 0.98,
    **dict.fromkeys(IDENTIFIERS, 0.97),
    "PERSON_NAME": 0.95,
    "PERSON_NAME_KANA": 0.95,
    "ADDRESS": 0.95,
    **dict.fromkeys(SENSITIVE, 0.92),
}
MAX_FALSE_SENSITIVE_PER_100 = 1.0
NUMERIC = {
    "MY_NUMBER",
    "CREDIT_CARD",
    "PHONE",
    "POSTAL_CODE",
    "BANK_ACCOUNT",
    "DRIVERS_LICENSE",
    "PENSION_NUMBER",
    "HEALTH_INSURANCE",
    "EMPLOYMENT_INSURANCE",
    "RESIDENT_CODE",
}
TEXTUAL = {"PERSON_NAME", "PERSON_NAME_KANA", "ADDRESS", *SENSITIVE}
_KATAKANA = str.maketrans({chr(c): chr(c + 0x60) for c in range(ord("ぁ"), ord("ゖ") + 1)})


# ----------------------------------------------------------------------------------------
# Canonical values and locations


def canonical(etype: str, value: str, iso: str | None = None) -> str:
    text = unicodedata.normalize("NFKC", value).strip()
    if etype in NUMERIC:
        digits = re.sub(r"[^0-9]", "", text)
        if etype == "PHONE" and text.startswith("+81"):
            digits = "0" + digits[2:].lstrip("0")
        return digits
    if etype in {"PASSPORT", "RESIDENCE_CARD"}:
        return re.sub(r"[^0-9A-Z]", "", text.upper())
    if etype == "EMAIL":
        return text.lower()
    if etype == "BIRTH_DATE":
        if iso:
            return iso
        found = parse_date(text)
        return found.isoformat() if found else re.sub(r"[^0-9]", "", text)
    folded = re.sub(r"[\s・･]", "", text)
    if etype == "PERSON_NAME_KANA":
        folded = folded.translate(_KATAKANA)  # ふりがな and フリガナ are one reading
    return folded


def location_keys(where: dict[str, Any]) -> set[tuple[Any, ...]]:
    members = tuple(where.get("members") or ())
    keys: set[tuple[Any, ...]] = set()
    if where.get("line") is not None:
        keys.add((members, "line", where["line"]))
    if where.get("row") is not None:
        keys.add((members, "row", where["row"]))
    if where.get("cell") is not None:
        keys.add((members, "cell", where.get("sheet"), where["cell"]))
    if where.get("page") is not None:
        keys.add((members, "page", where["page"]))
    return keys


@dataclass
class Item:
    etype: str
    canon: str
    raw: str
    keys: set[tuple[Any, ...]] = field(default_factory=set)


def same(etype: str, pred: Item, truth: Item, loose: bool) -> bool:
    if not pred.canon or not truth.canon:
        return False
    if pred.canon == truth.canon:
        return True
    if not loose or etype not in TEXTUAL:
        return False
    if pred.canon in truth.canon or truth.canon in pred.canon:
        return True
    return etype in SENSITIVE and bool(pred.keys & truth.keys)


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    dup: int = 0
    fp_examples: list[str] = field(default_factory=list)
    fn_examples: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # per file, for last-run.json

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def match_file(path: str, etype: str, preds: list[Item], truths: list[Item], score: Score) -> None:
    unmatched = list(range(len(truths)))
    matched: list[int] = []
    leftover: list[Item] = []
    for loose in (False, True):
        rest = []
        for pred in preds if not loose else leftover:
            hit = next((i for i in unmatched if same(etype, pred, truths[i], loose)), None)
            if hit is None:
                rest.append(pred)
                continue
            unmatched.remove(hit)
            matched.append(hit)
            score.tp += 1
        leftover = rest
    for pred in leftover:
        # A context word beside a matched term (既往歴 next to 糖尿病), or a 要配慮 word in a
        # file that does hold that kind of fact about a person, is not a false alarm.
        if any(same(etype, pred, truths[i], True) for i in matched) or (
            etype in SENSITIVE and truths
        ):
            score.dup += 1
        else:
            score.fp += 1
            score.fp_examples.append(f"{path}: {pred.raw!r}")
            score.errors.append(
                {"file": path, "type": etype, "kind": "FP", "value": pred.raw,
                 "where": sorted(map(list, pred.keys), key=str)}
            )
    for i in unmatched:
        score.fn += 1
        where = ", ".join(" ".join(map(str, k[1:])) for k in sorted(truths[i].keys, key=str))
        score.fn_examples.append(f"{path}: {truths[i].raw!r} {where}".rstrip())
        score.errors.append(
            {"file": path, "type": etype, "kind": "FN", "value": truths[i].raw,
             "where": sorted(map(list, truths[i].keys), key=str)}
        )


# ----------------------------------------------------------------------------------------
# Running


def piiscan_command() -> list[str]:
    script = Path(sys.executable).with_name("piiscan")
    if script.exists():
        return [str(script)]
    found = shutil.which("piiscan")
    return [found] if found else [sys.executable, "-m", "piiscan"]


def ensure_corpus(out: Path, seed: int, size: int, regenerate: bool) -> dict[str, Any]:
    truth_path = out / "truth.json"
    if not regenerate and truth_path.exists():
        truth: dict[str, Any] = json.loads(truth_path.read_text("utf-8"))
        if truth.get("seed") == seed and truth.get("size") == size:
            return truth
    print(f"generating corpus: seed {seed}, {size} documents -> {out}", file=sys.stderr)
    return generate.generate(out, seed, size)


def run_scan(files_dir: Path, matcher: str | None = None
             ) -> tuple[dict[str, Any], float, list[str]]:
    """The JSON report of the CLI over ``files_dir``; ``matcher``: the word scanner's
    backend (``PIISCAN_MATCHER``), else the default (Hyperscan where it is installed)."""
    env = {**os.environ, "NO_COLOR": "1"}
    if matcher is not None:
        env["PIISCAN_MATCHER"] = matcher
    cmd = [
        *piiscan_command(),
        "scan",
        str(files_dir),
        "-f",
        "json",
        "--min-confidence",
        "medium",
        "--show-values",
    ]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1, 3):
        sys.stderr.write(proc.stderr.decode("utf-8", "replace"))
        raise SystemExit(f"piiscan failed with exit code {proc.returncode}: {' '.join(cmd)}")
    return json.loads(proc.stdout), elapsed, cmd


def findings_of(report: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Every finding as what it says, without the keyed fingerprint (random per run)."""
    return sorted(
        (fr["path"], f["rule_id"], f["confidence"], f.get("value"), f["masked_snippet"],
         json.dumps(f["location"], sort_keys=True), json.dumps(f["reasons"], sort_keys=True))
        for fr in report["files"] for f in fr["findings"])


def compare_matchers(files_dir: Path, report: dict[str, Any]) -> tuple[bool, str]:
    """Scan again with the word scanner's pure-Python backend (the tries for ``re``, used
    where no Hyperscan wheel exists): whether any finding differs from ``report``'s (issue
    15: both must give identical findings), and a paragraph saying so. Call it before
    ``evaluate``, which rewrites the report's paths."""
    from piiscan.rules.prescan import hyperscan_available

    if not hyperscan_available():
        return False, "word scanner: only the pure-Python backend is installed; nothing compared"
    again, elapsed, _ = run_scan(files_dir, matcher="python")
    mine, theirs = findings_of(report), findings_of(again)
    if mine == theirs:
        return False, (f"word scanner backends: Hyperscan and pure Python give identical "
                       f"findings ({len(mine):,}; the pure-Python scan took {elapsed:.1f} s)")
    only = sorted(set(mine) ^ set(theirs))
    lines = [f"word scanner backends DIFFER: {len(only)} findings in one only, e.g."]
    lines += [f"  {'hyperscan' if item in mine else 'python'}: {item[:4]}" for item in only[:10]]
    return True, "\n".join(lines)


def relative(path: str, root: Path) -> str:
    """Report paths are relative to the scan root, or carry it as a prefix."""
    for prefix in (str(root) + "/", str(root.resolve()) + "/", root.name + "/"):
        if path.startswith(prefix):
            return path[len(prefix) :]
    return path


def evaluate(
    truth: dict[str, Any], report: dict[str, Any], root: Path
) -> tuple[dict[str, Score], dict[str, Any]]:
    found: dict[str, dict[str, list[Item]]] = defaultdict(lambda: defaultdict(list))
    for fr in report["files"]:
        fr["path"] = relative(fr["path"], root)
        for f in fr["findings"]:
            if f.get("suppressed_by"):
                continue
            value = f.get("value")
            if value is None:
                raise SystemExit("the report has no raw values: was --show-values honoured?")
            loc = f["location"]
            found[fr["path"]][f["type"]].append(
                Item(f["type"], canonical(f["type"], value), value, location_keys(loc))
            )
    scores: dict[str, Score] = defaultdict(Score)
    clean_files = [p for p, t in truth["files"].items() if t["clean"]]
    false_sensitive = [p for p in clean_files if any(t in SENSITIVE for t in found.get(p, {}))]
    for path, info in truth["files"].items():
        expected: dict[str, list[Item]] = defaultdict(list)
        for e in info["entities"]:
            expected[e["type"]].append(
                Item(
                    e["type"],
                    canonical(e["type"], e["value"], e.get("iso")),
                    e["value"],
                    location_keys(e["where"]),
                )
            )
        for etype in set(expected) | set(found.get(path, {})):
            match_file(
                path, etype, found.get(path, {}).get(etype, []), expected[etype], scores[etype]
            )
    unknown = sorted(set(found) - set(truth["files"]))
    skipped = [s for fr in report["files"] for s in fr.get("skips", [])] + report.get("skipped", [])
    extra = {
        "clean_files": len(clean_files),
        "false_sensitive_files": false_sensitive,
        "false_sensitive_per_100": 100 * len(false_sensitive) / max(1, len(clean_files)),
        "unknown_files": unknown,
        "skipped": skipped,
    }
    return dict(scores), extra


def table(scores: dict[str, Score], extra: dict[str, Any]) -> tuple[str, bool]:
    lines = [
        f"| {'type':22} | {'TP':>5} | {'FP':>4} | {'FN':>4} | {'prec':>6} | {'recall':>6} "
        f"| {'F1':>6} | {'target':>6} | result |",
        "|" + "|".join("-" * w for w in (24, 7, 6, 6, 8, 8, 8, 8, 8)) + "|",
    ]
    ok = True
    order = list(TARGETS) + sorted(set(scores) - set(TARGETS))
    total = Score()
    for etype in order:
        s = scores.get(etype, Score())
        total.tp, total.fp, total.fn = total.tp + s.tp, total.fp + s.fp, total.fn + s.fn
        target = TARGETS.get(etype)
        if s.tp + s.fp + s.fn == 0:
            result = "n/a"
        elif target is None:
            result = ""
        else:
            passed = s.f1 >= target
            ok &= passed
            result = "PASS" if passed else "FAIL"
        lines.append(
            f"| {etype:22} | {s.tp:5} | {s.fp:4} | {s.fn:4} | {s.precision:6.3f} | "
            f"{s.recall:6.3f} | {s.f1:6.3f} | {target if target else '':>6} | {result:6} |"
        )
    lines.append(
        f"| {'all (micro)':22} | {total.tp:5} | {total.fp:4} | {total.fn:4} | "
        f"{total.precision:6.3f} | {total.recall:6.3f} | {total.f1:6.3f} | {'':>6} |        |"
    )
    rate = extra["false_sensitive_per_100"]
    passed = rate <= MAX_FALSE_SENSITIVE_PER_100
    ok &= passed
    lines.append("")
    lines.append(
        f"false sensitive files per 100 clean files: {rate:.1f} "
        f"({len(extra['false_sensitive_files'])} of {extra['clean_files']}; "
        f"target <= {MAX_FALSE_SENSITIVE_PER_100:g}) {'PASS' if passed else 'FAIL'}"
    )
    return "\n".join(lines), ok


# ----------------------------------------------------------------------------------------
# The independent set: public files nobody here wrote (benchmarks/eval/independent/)

MAX_CLEAN_FLAGGED_PER_100 = 3.0
MIN_SENSITIVE_FOUND_PER_100 = 95.0
BULK_ENTITIES = 10_000  # files this large are also left out of a second table


def subset(truth: dict[str, Any], report: dict[str, Any], keep: set[str]) -> tuple[
    dict[str, Any], dict[str, Any]
]:
    files = {p: t for p, t in truth["files"].items() if p in keep}
    return {"files": files}, {**report, "files": [f for f in report["files"] if f["path"] in keep]}


def file_figures(truth: dict[str, Any], report: dict[str, Any]) -> dict[str, Any]:
    """Clean documents with any finding, and files with a 要配慮 fact that get one."""
    listed = {
        fr["path"]: [f for f in fr["findings"] if not f.get("suppressed_by")]
        for fr in report["files"]
    }
    clean = [p for p, t in truth["files"].items() if t["clean"]]
    flagged = sorted(p for p in clean if listed.get(p))
    sensitive = {
        p: {e["type"] for e in t["entities"] if e["type"] in SENSITIVE}
        for p, t in truth["files"].items()
    }
    sensitive = {p: types for p, types in sensitive.items() if types}
    found = sorted(p for p, types in sensitive.items()
                   if any(f["type"] in types for f in listed.get(p, [])))
    return {
        "clean_files": len(clean),
        "clean_flagged": flagged,
        "clean_flagged_per_100": 100 * len(flagged) / max(1, len(clean)),
        "sensitive_files": sorted(sensitive),
        "sensitive_found": found,
        "sensitive_found_per_100": 100 * len(found) / max(1, len(sensitive)),
    }


def group_table(truth: dict[str, Any], report: dict[str, Any], root: Path, key: str) -> str:
    """Micro precision and recall per file group (format or conversion)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for path, info in truth["files"].items():
        if not info["clean"]:
            groups[str(info[key] or "original")].add(path)
    lines = [f"| {key:10} | files |    TP |   FP |   FN |   prec | recall |     F1 |",
             "|------------|-------|-------|------|------|--------|--------|--------|"]
    for name, paths in sorted(groups.items()):
        scores, _ = evaluate(*subset(truth, report, paths), root)
        t = Score()
        for sc in scores.values():
            t.tp, t.fp, t.fn = t.tp + sc.tp, t.fp + sc.fp, t.fn + sc.fn
        lines.append(f"| {name[:10]:10} | {len(paths):5} | {t.tp:5} | {t.fp:4} | {t.fn:4} | "
                     f"{t.precision:6.3f} | {t.recall:6.3f} | {t.f1:6.3f} |")
    return "\n".join(lines)


def run_independent(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(HERE / "independent"))
    import truth as independent_truth

    files_dir: Path = args.files
    truth = independent_truth.load(files_dir)
    report, elapsed, cmd = run_scan(files_dir)
    differs, backends = compare_matchers(files_dir, report) if args.both_matchers else (False, "")
    if args.only:  # one batch: its files only (an unseen batch's first run)
        ids = set(args.only.split(","))
        for fr in report["files"]:
            fr["path"] = relative(fr["path"], files_dir)
        truth, report = subset(truth, report, {p for p in truth["files"]
                                               if p.split("/", 1)[0] in ids})
    scores, extra = evaluate(truth, report, files_dir)
    figures = file_figures(truth, report)
    text, ok = table(scores, extra)
    n_ent = sum(len(f["entities"]) for f in truth["files"].values())
    print(f"piiscan accuracy on the independent set — {dt.date.today().isoformat()}")
    print(f"set: {len(truth['files'])} files ({extra['clean_files']} clean), {n_ent} labelled "
          f"entities; files from {files_dir}")
    print(f"command: {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}"
          f"  ({elapsed:.1f} s)\n")
    print(text)
    clean_ok = figures["clean_flagged_per_100"] <= MAX_CLEAN_FLAGGED_PER_100
    sens_ok = figures["sensitive_found_per_100"] >= MIN_SENSITIVE_FOUND_PER_100
    print(f"clean documents flagged (any finding at medium or above) per 100: "
          f"{figures['clean_flagged_per_100']:.1f} ({len(figures['clean_flagged'])} of "
          f"{figures['clean_files']}; target <= {MAX_CLEAN_FLAGGED_PER_100:g}) "
          f"{'PASS' if clean_ok else 'FAIL'}")
    print(f"files with 要配慮 about a person found per 100: "
          f"{figures['sensitive_found_per_100']:.1f} ({len(figures['sensitive_found'])} of "
          f"{len(figures['sensitive_files'])}; target >= {MIN_SENSITIVE_FOUND_PER_100:g}) "
          f"{'PASS' if sens_ok else 'FAIL'}")
    bulk = {p for p, t in truth["files"].items() if len(t["entities"]) > BULK_ENTITIES}
    if bulk:
        rest = set(truth["files"]) - bulk
        small_scores, small_extra = evaluate(*subset(truth, report, rest), files_dir)
        print(f"\nwithout the {len(bulk)} file(s) of more than {BULK_ENTITIES:,} entities "
              f"({', '.join(sorted(bulk))}):\n")
        print(table(small_scores, small_extra)[0].split("\n\n")[0])
    print("\n" + group_table(truth, report, files_dir, "format"))
    print("\n" + group_table(truth, report, files_dir, "convert"))
    if extra["skipped"]:
        print(f"\nskipped or partly unread ({len(extra['skipped'])}):")
        for sk in extra["skipped"][:20]:
            print(f"  {sk['path']}: {sk['reason']}")
    if args.details:
        print_details(scores, args.details)
    if args.errors:
        write_errors(args.errors, truth, report, scores, figures)
    if backends:
        print(f"\n{backends}")
    return 1 if differs or (args.strict and not (ok and clean_ok and sens_ok)) else 0


def print_details(scores: dict[str, Score], n: int) -> None:
    for etype in sorted(scores):
        s = scores[etype]
        if s.fp_examples or s.fn_examples:
            print(f"\n== {etype}: {s.fp} FP, {s.fn} FN")
            for ex in s.fp_examples[:n]:
                print(f"  FP {ex}")
            for ex in s.fn_examples[:n]:
                print(f"  FN {ex}")


def write_errors(out: Path, truth: dict[str, Any], report: dict[str, Any],
                 scores: dict[str, Score], figures: dict[str, Any]) -> None:
    """Per-file errors for the detection work (raw dummy values: keep it outside the repo)."""
    per_file: dict[str, dict[str, Any]] = {
        p: {"clean": t["clean"], "format": t["format"], "encoding": t["encoding"],
            "convert": t["convert"], "labelled": len(t["entities"]), "errors": []}
        for p, t in truth["files"].items()
    }
    for s in scores.values():
        for err in s.errors:
            per_file[err["file"]]["errors"].append({k: v for k, v in err.items() if k != "file"})
    for fr in report["files"]:
        if fr["path"] in per_file:
            per_file[fr["path"]]["skips"] = fr.get("skips", [])
            per_file[fr["path"]]["findings"] = len(fr["findings"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({
        "date": dt.date.today().isoformat(),
        "scores": {t: {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": s.precision,
                       "recall": s.recall, "f1": s.f1} for t, s in scores.items()},
        "figures": figures,
        "files": per_file,
    }, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nper-file errors written to {out}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", choices=("synthetic", "independent"), default="synthetic",
                        help="the generated corpus, or the public files of independent/")
    parser.add_argument("--files", type=Path, default=Path("/work/evaldata/independent/files"),
                        help="--set independent: where assemble.py wrote the files")
    parser.add_argument("--errors", type=Path, metavar="OUT",
                        help="--set independent: write per-file errors as JSON here")
    parser.add_argument("--seed", type=int, default=20241124)
    parser.add_argument("--size", type=int, default=600, help="number of documents")
    parser.add_argument("--corpus", type=Path, default=generate.DEFAULT_OUT)
    parser.add_argument("--regenerate", action="store_true", help="rebuild the corpus first")
    parser.add_argument(
        "--details",
        type=int,
        default=0,
        metavar="N",
        help="print up to N false positives and negatives per type",
    )
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    parser.add_argument("--both-matchers", action=argparse.BooleanOptionalAction, default=True,
                        help="scan again with the pure-Python word scanner and exit 1 if any "
                             "finding differs from Hyperscan's (default: on)")
    parser.add_argument("--only", metavar="IDS",
                        help="--set independent: score only these files (p45,p46,n67)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.set == "independent":
        return run_independent(args)

    truth = ensure_corpus(args.corpus, args.seed, args.size, args.regenerate)
    files_dir = args.corpus / generate.FILES
    report, elapsed, cmd = run_scan(files_dir)
    differs, backends = compare_matchers(files_dir, report) if args.both_matchers else (False, "")
    scores, extra = evaluate(truth, report, files_dir)
    text, ok = table(scores, extra)
    n_files = len(truth["files"])
    print(f"piiscan accuracy on the synthetic corpus — {dt.date.today().isoformat()}")
    print(
        f"corpus: seed {truth['seed']}, {n_files} files ({extra['clean_files']} clean), "
        f"{sum(len(f['entities']) for f in truth['files'].values())} labelled entities"
    )
    print(
        f"command: {' '.join(Path(c).name if i == 0 else c for i, c in enumerate(cmd))}"
        f"  ({elapsed:.1f} s)"
    )
    print()
    print(text)
    if extra["skipped"]:
        print(f"\nskipped or partly unread ({len(extra['skipped'])}):")
        for s in extra["skipped"][:20]:
            print(f"  {s['path']}: {s['reason']}")
    if extra["unknown_files"]:
        print(f"\nfindings in files without truth: {extra['unknown_files'][:10]}")
    if extra["false_sensitive_files"]:
        print("\nfalse sensitive files: " + ", ".join(extra["false_sensitive_files"][:20]))
    if args.details:
        print_details(scores, args.details)
    if backends:
        print(f"\n{backends}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "seed": truth["seed"],
                    "size": truth["size"],
                    "scores": {
                        t: {
                            "tp": s.tp,
                            "fp": s.fp,
                            "fn": s.fn,
                            "precision": s.precision,
                            "recall": s.recall,
                            "f1": s.f1,
                        }
                        for t, s in scores.items()
                    },
                    "false_sensitive_per_100": extra["false_sensitive_per_100"],
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if differs or (args.strict and not ok) else 0


if __name__ == "__main__":
    raise SystemExit(main())
