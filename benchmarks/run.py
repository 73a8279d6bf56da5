"""Speed benchmarks in one run: per-format throughput and memory, --jobs scaling, start-up,
and side-by-side ratios against ripgrep and Japanese PII tools from PyPI.

    make bench                                          # same as the next line
    .venv/bin/python benchmarks/run.py [--size 10] [--runs 3] [--markdown FILE]

What it does (figures are tracked in docs/benchmarks.md, never asserted):

1. Prints the machine: CPU model, cores, memory, Python, piiscan version and commit, date.
2. Generates the corpus (benchmarks/corpus.py) into benchmarks/.corpus/ if it is missing.
3. Per format, in a fresh subprocess each (so peak RSS is that format's): the median of
   ``--runs`` scans with the full built-in rule set, one process (``--jobs 1``), after a
   warm-up file: MB/s, files/s, pages/s (PDF), rows/s (CSV, XLSX) and peak RSS; then the
   same with ``--jobs 2`` (pool start-up included) and the speed-up.
   Then two sparse files (an application log, Japanese notes), as most of a file server
   is: the corpus is dense, a finding every 45 bytes.
4. The whole corpus through the real command line, ``-j1`` against ``-j2``.
5. Start-up: ``piiscan --version`` and a pre-commit run (``--hook``) on three small files
   against a bare ``python -c pass`` (hyperfine when installed, else median of N runs).
6. ripgrep as the ceiling: piiscan's extracted text of every corpus file is written once
   (``text/``), then ``rg -P -j1`` runs the built-in rules' own patterns over it. PCRE2
   cannot run variable-length look-behinds; those guards (記入例 lines, company contact
   blocks) only ever remove matches, so they are dropped and rg's figure is a ceiling.
   Recognizer rules (names, addresses: dictionaries plus code) have no pattern to give rg.
   piiscan is timed on the same text with all rules, and with only rg's rules.
7. Peers: kakushi and namemask (Japanese PII maskers from PyPI, regex layers; NER needs
   model downloads) are installed into a throwaway venv (benchmarks/.corpus/peers-venv) and
   run on the same extracted text through their documented Python APIs (they open no Office,
   PDF, mail or archive file themselves). pleno-pii-scanner needs Python >= 3.12 and
   downloads a model on first use, which fails offline; it is not timed.
8. ``--hyperscan``: whether Hyperscan (PyPI ``hyperscan``) finds the same matches as the
   ``regex`` module for the digit, phone and e-mail value patterns, and how fast.
9. ``--profile``: cProfile of the text path, the top functions by own time.

Internal: ``run.py --child scan|extract ...`` is the per-format subprocess.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
try:
    import piiscan  # noqa: F401
except ImportError:  # a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

import corpus  # noqa: E402

PYTHON = sys.executable
PIISCAN = [PYTHON, "-m", "piiscan"]
PEERS = {"kakushi": "kakushi==0.1.1", "namemask": "namemask==0.1.0"}
MB = 1_000_000


# --- children: run in a fresh process each ------------------------------------------------


def child_scan(path: str, jobs: int, runs: int, rules_only: Sequence[str]) -> dict[str, Any]:
    from piiscan.config import Settings
    from piiscan.mask import Fingerprinter, Keys
    from piiscan.models import FileRef
    from piiscan.rules.loader import load_ruleset
    from piiscan.run.finish import Finisher
    from piiscan.run.session import scan_paths
    from piiscan.scan import CompiledRules, scan_file

    disabled: tuple[str, ...] = ()
    if rules_only:
        disabled = tuple(r.id for r in load_ruleset().rules if r.id not in set(rules_only))
    ruleset = load_ruleset((), disabled)
    settings = Settings(jobs=jobs, disabled_rules=disabled)
    rules = CompiledRules(ruleset, settings.limits.regex_seconds)
    keys = Keys(Fingerprinter(b"\0" * 32))
    finish = Finisher.from_settings(settings, rules)
    # Warm-up: every rule's examples as one text and as table cells, so the dictionaries,
    # patterns and gates that load or compile on first use are ready before the clock runs.
    examples = [e.text for r in ruleset.rules for e in r.match_examples]
    with tempfile.TemporaryDirectory() as tmp:
        warm_txt, warm_csv = Path(tmp) / "warm.txt", Path(tmp) / "warm.csv"
        warm_txt.write_text("\n".join(examples), encoding="utf-8")
        warm_csv.write_text("備考,氏名\n" + "\n".join(f'"{t}",山田 太郎' for t in examples
                                                     if '"' not in t), encoding="utf-8")
        for warm in (warm_txt, warm_csv):
            scan_file(FileRef(str(warm), warm.name, warm.stat().st_size, 0.0), rules, settings,
                      keys)
    times, findings, files = [], 0, 0
    for _ in range(runs):
        start = time.perf_counter()
        result = scan_paths([path], rules, settings, keys, finish)
        times.append(time.perf_counter() - start)
        findings = sum(len(fr.findings) for fr in result.files)
        files = len(result.files)
        assert not any(s.kind.value == "error" for s in result.all_skips()), result.all_skips()
        del result  # not held through the next run: the peak is one scan's
    return {"seconds": times, "files": files, "findings": findings,
            "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_extract(files: str, out: str) -> dict[str, Any]:
    """Write the text piiscan extracts from every file (all segments, one per line)."""
    from piiscan.extract import Blob, ExtractContext, extract_blob
    from piiscan.models import Location, Segment

    count = size = 0
    for path in sorted(Path(files).rglob("*")):
        if not path.is_file():
            continue
        blob = Blob(path.name, Location(path.name), path=str(path), size=path.stat().st_size)
        texts = [i.text for i in extract_blob(blob, ExtractContext()) if isinstance(i, Segment)]
        target = Path(out) / path.relative_to(files).with_suffix(path.suffix + ".txt")
        target.parent.mkdir(parents=True, exist_ok=True)
        data = "\n".join(texts).encode("utf-8")
        target.write_bytes(data)
        count += 1
        size += len(data)
    return {"files": count, "bytes": size}


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["scan", "extract"])
    parser.add_argument("--path", required=True)
    parser.add_argument("--out")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--rules-only", default="")
    args = parser.parse_args(argv)
    if args.what == "scan":
        only = [r for r in args.rules_only.split(",") if r]
        data = child_scan(args.path, args.jobs, args.runs, only)
    else:
        data = child_extract(args.path, args.out)
    print(json.dumps(data))
    return 0


def run_child(*args: str) -> dict[str, Any]:
    proc = subprocess.run([PYTHON, __file__, "--child", *args], capture_output=True, text=True,
                          check=False, env=clean_env())
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed: {' '.join(args)}\n{proc.stderr}")
    data: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return data


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PRE_COMMIT", "CI")}
    env["NO_COLOR"] = "1"
    return env


# --- the machine -----------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    memory = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    from piiscan import __version__
    from piiscan.config import cpu_count

    commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
                            capture_output=True, text=True, check=False).stdout.strip()
    return {"cpu": cpu, "cores": f"{cpu_count()} usable ({os.cpu_count()} online)",
            "memory": memory, "os": f"{platform.system()} {platform.release()}",
            "python": platform.python_version(), "piiscan": f"{__version__} ({commit or '?'})",
            "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}


# --- ripgrep ---------------------------------------------------------------------------


def _group_end(src: str, start: int) -> int:
    """Index just past the group opening at ``start`` (escapes and classes respected)."""
    depth, i = 0, start
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "[":
            i = _class_end(src, i)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(src)


def _class_end(src: str, start: int) -> int:
    i = start + 1
    if i < len(src) and src[i] == "^":
        i += 1
    if i < len(src) and src[i] == "]":
        i += 1
    while i < len(src) and src[i] != "]":
        i += 2 if src[i] == "\\" else 1
    return i + 1


def rg_accepts(pattern: str) -> bool:
    proc = subprocess.run(["rg", "-P", "-c", "-e", pattern, os.devnull], capture_output=True,
                          text=True, check=False)
    return proc.returncode in (0, 1) and "error" not in proc.stderr.lower()


def for_rg(src: str) -> str:
    """The pattern without the look-behinds PCRE2 cannot run (variable length)."""
    out, i = [], 0
    while i < len(src):
        ch = src[i]
        if ch == "\\":
            out.append(src[i:i + 2])
            i += 2
        elif ch == "[":
            end = _class_end(src, i)
            out.append(src[i:end])
            i = end
        elif src.startswith(("(?<!", "(?<="), i):
            end = _group_end(src, i)
            if rg_accepts(src[i:end]):
                out.append(src[i:end])
            i = end
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def rg_patterns() -> tuple[dict[str, str], dict[str, str]]:
    """rule id -> pattern for rg, and rule id -> why it has none."""
    import regex

    from piiscan.rules.loader import load_ruleset

    usable, left_out = {}, {}
    for index, rule in enumerate(load_ruleset().rules):
        if rule.pattern is None:
            name = rule.recognizer[0] if rule.recognizer else "?"
            left_out[rule.id] = f"recognizer `{name}` (dictionaries and code, no pattern)"
            continue
        src = rule.pattern.pattern
        if rule.pattern.flags & regex.IGNORECASE:
            src = "(?i)" + src
        # group names must be unique once every pattern is in one alternation
        src = re.sub(r"\(\?P([<=])([A-Za-z_]\w*)", rf"(?P\1r{index}_\2", src)
        translated = src if rg_accepts(src) else for_rg(src)
        if rg_accepts(translated):
            usable[rule.id] = translated
        else:
            left_out[rule.id] = "pattern uses syntax PCRE2 lacks"
    return usable, left_out


def time_rg(patterns: Iterable[str], folder: Path, runs: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".rg", delete=False) as fh:
        fh.write("\n".join(patterns) + "\n")
        pattern_file = fh.name
    try:
        # --no-ignore --hidden: the corpus lies under a gitignored folder
        cmd = ["rg", "-P", "-j1", "-c", "--no-ignore", "--hidden", "-f", pattern_file,
               str(folder)]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode not in (0, 1) or proc.stderr:
            raise SystemExit(f"rg failed: {proc.stderr[:500]}")
        return median_time(cmd, runs)
    finally:
        os.unlink(pattern_file)


# --- timing helpers --------------------------------------------------------------------


def median_time(cmd: list[str], runs: int, cwd: Path | None = None) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=cwd,
                       env=clean_env(), check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def startup(runs: int) -> dict[str, float]:
    """Median seconds of a bare interpreter, `piiscan --version` and a three-file hook."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / ".piiscan.toml").write_text("", encoding="utf-8")  # no config above
        for i, body in enumerate(["議事録 特記事項なし\n", "売上 1,234 円\n", "メモ\n"]):
            (folder / f"f{i}.txt").write_text(body * 20, encoding="utf-8")
        commands = {
            "python -c pass": [PYTHON, "-c", "pass"],
            "piiscan --version": [*PIISCAN, "--version"],
            "piiscan scan --hook (3 small files)": [*PIISCAN, "scan", "--hook", "f0.txt",
                                                    "f1.txt", "f2.txt"],
        }
        if shutil.which("hyperfine"):
            out = folder / "hf.json"
            quoted = [" ".join(cmd) for cmd in commands.values()]
            subprocess.run(["hyperfine", "-N", "--warmup", "3", "--runs", str(runs),
                            "--export-json", str(out), *quoted], cwd=folder,
                           capture_output=True, check=True, env=clean_env())
            results = json.loads(out.read_text())["results"]
            return {name: r["median"] for name, r in zip(commands, results, strict=True)}
        return {name: median_time(cmd, runs, cwd=folder) for name, cmd in commands.items()}


# --- peers -----------------------------------------------------------------------------

PEER_DRIVER = r'''
import json, sys, time
from pathlib import Path
tool, folder = sys.argv[1], Path(sys.argv[2])
if tool == "kakushi":
    from kakushi import mask
    def run(text):
        return len(mask(text)[1].placeholder_to_original)
else:
    from namemask.api import mask_text
    def run(text):
        return len(mask_text(text, use_ner=False, use_address=True).mapping)
texts = [p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.txt"))]
start = time.perf_counter()
found = sum(run(t) for t in texts)
print(json.dumps({"seconds": time.perf_counter() - start, "values": found,
                  "bytes": sum(len(t.encode()) for t in texts), "files": len(texts)}))
'''


def peer_python(venv: Path, packages: list[str]) -> Path | None:
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    if not packages:
        return python
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q",
                           "--disable-pip-version-check", *packages],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"  (peers not installed: {proc.stderr.strip().splitlines()[-1:]})")
        return None
    return python


def time_peer(python: Path, tool: str, folder: Path, runs: int) -> dict[str, Any]:
    results = []
    for _ in range(runs):
        proc = subprocess.run([str(python), "-c", PEER_DRIVER, tool, str(folder)],
                              capture_output=True, text=True, check=False, env=clean_env())
        if proc.returncode != 0:
            return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
        results.append(json.loads(proc.stdout.strip().splitlines()[-1]))
        if results[-1]["seconds"] > 30:
            break  # slow enough that one run is a fair figure
    best = sorted(results, key=lambda r: r["seconds"])[len(results) // 2]
    return dict(best)


# --- hyperscan -------------------------------------------------------------------------

HYPERSCAN_DRIVER = r'''
import json, sys, time
from pathlib import Path
import hyperscan, regex
patterns = json.loads(Path(sys.argv[1]).read_text())
texts = [p.read_bytes() for p in sorted(Path(sys.argv[2]).rglob("*.txt"))]
size = sum(len(t) for t in texts)
out = {}
for name, pattern in patterns.items():
    compiled = regex.compile(pattern)
    start = time.perf_counter()
    want = [(i, m.start(), m.end()) for i, t in enumerate(texts)
            for m in compiled.finditer(t.decode("utf-8"))]
    regex_seconds = time.perf_counter() - start
    db = hyperscan.Database()
    db.compile(expressions=[pattern.encode()], ids=[0],
               flags=[hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8])
    got = []
    start = time.perf_counter()
    for i, t in enumerate(texts):
        hits = []
        db.scan(t, match_event_handler=lambda _id, s, e, _f, ctx: ctx.append((s, e)),
                context=hits)
        got += [(i, s, e) for s, e in hits]
    hs_seconds = time.perf_counter() - start
    # Hyperscan reports every (start, end) that matches, overlapping ones too; finditer
    # takes the leftmost match, the longest there (greedy), then goes on after its end.
    spans = {}
    for i, s, e in got:
        spans[(i, s)] = max(e, spans.get((i, s), 0))
    got_spans, last = [], (-1, 0)
    for (i, s), e in sorted(spans.items()):
        if (i, s) < last:
            continue
        t = texts[i]
        got_spans.append((i, len(t[:s].decode("utf-8", "ignore")),
                          len(t[:e].decode("utf-8", "ignore"))))
        last = (i, e)
    if sorted(want) != got_spans:
        diff = sorted(set(want) ^ set(got_spans))[:3]
        print(name, [(x, texts[x[0]].decode()[x[1] - 5:x[2] + 5]) for x in diff],
              file=sys.stderr)
    out[name] = {"regex_mb_s": size / 1e6 / regex_seconds, "hs_mb_s": size / 1e6 / hs_seconds,
                 "regex": len(want), "hs": len(got_spans),
                 "identical": sorted(want) == got_spans}
db = hyperscan.Database()
db.compile(expressions=[p.encode() for p in patterns.values()], ids=list(range(len(patterns))),
           flags=[hyperscan.HS_FLAG_SOM_LEFTMOST | hyperscan.HS_FLAG_UTF8] * len(patterns))
start = time.perf_counter()
for t in texts:
    db.scan(t, match_event_handler=lambda *_: None)
together = time.perf_counter() - start
out["all of them, one pass"] = {
    "regex_mb_s": 1 / sum(1 / r["regex_mb_s"] for r in out.values()),
    "hs_mb_s": size / 1e6 / together, "regex": sum(r["regex"] for r in out.values()),
    "hs": sum(r["hs"] for r in out.values()),
    "identical": all(r["identical"] for r in out.values())}
print(json.dumps(out))
'''

# The value shapes of the digit, phone and e-mail rules without their look-arounds
# (Hyperscan has no look-around): the part an accelerator would have to find.
HYPERSCAN_CORES = {
    "my_number (12 digits, grouped)": r"[0-9]{4}[ \-]?[0-9]{4}[ \-]?[0-9]{4}",
    "credit_card (14-16 digits)": r"[0-9]{4}[ \-]?[0-9]{4,6}[ \-]?[0-9]{4,5}(?:[ \-]?[0-9]{4})?",
    "phone (national form)": r"0[1-9][0-9]{0,3}[ \-]?[0-9]{1,4}[ \-]?[0-9]{3,4}",
    "postal_code": r"[0-9]{3}-[0-9]{4}",
    "email": r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}",
}


def hyperscan_check(python: Path, text_dir: Path) -> dict[str, Any]:
    proc = subprocess.run([str(python), "-m", "pip", "install", "-q",
                           "--disable-pip-version-check", "hyperscan", "regex"],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"error": "hyperscan not installable here"}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(HYPERSCAN_CORES, fh)
    try:
        proc = subprocess.run([str(python), "-c", HYPERSCAN_DRIVER, fh.name, str(text_dir)],
                              capture_output=True, text=True, check=False)
    finally:
        os.unlink(fh.name)
    if proc.returncode != 0:
        return {"error": (proc.stderr.strip().splitlines() or ["?"])[-1]}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


# --- profile ---------------------------------------------------------------------------


def profile_text(folder: Path, top: int = 15) -> str:
    import cProfile
    import io
    import pstats

    from piiscan.config import Settings
    from piiscan.mask import Fingerprinter, Keys
    from piiscan.run.finish import Finisher
    from piiscan.run.session import scan_paths
    from piiscan.scan import CompiledRules

    settings = Settings(jobs=1)
    rules = CompiledRules.load(settings)
    profiler = cProfile.Profile()
    profiler.enable()
    scan_paths([str(folder)], rules, settings, Keys(Fingerprinter(b"\0" * 32)),
               Finisher.from_settings(settings, rules))
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- the run ---------------------------------------------------------------------------


def sparse_texts(folder: Path) -> list[tuple[Path, str]]:
    """Two files with little personal data, each in a folder of its own, written once: an
    application log (benchmarks/memory.py's, one line in ten with a phone) and Japanese
    notes (the corpus's prose, one line in a hundred about a customer)."""
    import random

    from memory import write_log

    log, notes = folder / "log" / "app.log", folder / "notes" / "notes.txt"
    if not log.exists():  # each written beside, then renamed: a cut run leaves no half file
        log.parent.mkdir(parents=True, exist_ok=True)
        write_log(log.with_suffix(".part"), 20)
        log.with_suffix(".part").replace(log)
    if not notes.exists():
        notes.parent.mkdir(parents=True, exist_ok=True)
        rng, lines, size = random.Random(1), [], 0
        while size < 10 * MB:
            line = (corpus.person_line(corpus.Person(rng), rng) if rng.random() < 0.01
                    else rng.choice(corpus.PROSE))
            lines.append(line)
            size += len(line.encode("utf-8")) + 1
        notes.with_suffix(".part").write_text("\n".join(lines) + "\n", encoding="utf-8")
        notes.with_suffix(".part").replace(notes)
    return [(log, "application log, one line in ten with a phone (.log)"),
            (notes, "Japanese notes, one line in a hundred about a customer (.txt)")]


def fmt_rate(value: float | None, unit: str = "") -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}{unit}"
    return f"{value:.2f}{unit}" if value < 10 else f"{value:.1f}{unit}"


class Report:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def out(self, text: str = "") -> None:
        print(text, flush=True)
        self.lines.append(text)

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        self.out("| " + " | ".join(header) + " |")
        self.out("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.out("| " + " | ".join(row) + " |")
        self.out()


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(argv[1:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=float, default=10.0, help="corpus MB (default 10)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3, help="median of this many (default 3)")
    parser.add_argument("--formats", default=",".join(corpus.FORMATS))
    parser.add_argument("--no-jobs", action="store_true", help="skip the --jobs 2 runs")
    parser.add_argument("--no-peers", action="store_true", help="skip kakushi and namemask")
    parser.add_argument("--hyperscan", action="store_true", help="evaluate Hyperscan")
    parser.add_argument("--profile", action="store_true", help="cProfile the text path")
    parser.add_argument("--markdown", type=Path, help="also write the tables to this file")
    args = parser.parse_args(argv)
    report = Report()
    out = report.out
    command = "make bench" if not argv else \
        ".venv/bin/python benchmarks/run.py " + " ".join(argv)

    out(f"# piiscan benchmarks — `{command}`")
    out()
    for key, value in machine().items():
        out(f"- {key}: {value}")
    out()
    root = corpus.generate(args.size, args.seed, log=lambda s: print(s, flush=True))
    files = root / "files"
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    out(f"Corpus: {root.relative_to(ROOT) if root.is_relative_to(ROOT) else root} — "
        f"{len(manifest['files'])} files, {sum(f['bytes'] for f in manifest['files']) / MB:.1f}"
        f" MB, seed {args.seed}; median of {args.runs} runs.")
    out()

    # 3. per format
    rows = []
    formats = [f for f in args.formats.split(",") if f]
    for fmt in formats:
        entries = [f for f in manifest["files"] if f["format"] == fmt]
        size = sum(f["bytes"] for f in entries)
        pages = sum(f.get("pages", 0) for f in entries)
        data_rows = sum(f.get("rows", 0) for f in entries)
        one = run_child("scan", "--path", str(files / fmt), "--jobs", "1",
                        "--runs", str(args.runs))
        t1 = statistics.median(one["seconds"])
        t2 = None
        if not args.no_jobs:
            two = run_child("scan", "--path", str(files / fmt), "--jobs", "2",
                            "--runs", str(args.runs))
            t2 = statistics.median(two["seconds"])
            assert two["findings"] == one["findings"], (fmt, one, two)
        rows.append([fmt, str(len(entries)), f"{size / MB:.1f}", fmt_rate(size / MB / t1),
                     fmt_rate(len(entries) / t1),
                     fmt_rate(pages / t1) if pages else "-",
                     fmt_rate(data_rows / t1) if data_rows and fmt in ("csv", "xlsx") else "-",
                     f"{one['maxrss_mb']:.0f}", str(one["findings"]),
                     fmt_rate(size / MB / t2) if t2 else "-",
                     f"{t1 / t2:.2f}×" if t2 else "-"])
        print(f"  {fmt}: {t1:.2f} s", flush=True)
    out("## Per format: full built-in rule set, one process (`--jobs 1`)")
    out()
    report.table(["format", "files", "MB", "MB/s", "files/s", "pages/s", "rows/s",
                  "peak RSS MB", "findings", "MB/s -j2", "-j2 speed-up"], rows)

    # 3b. sparse text: what most of a file server holds
    rows = []
    for path, what in sparse_texts(root.parent / "sparse"):
        size = path.stat().st_size
        one = run_child("scan", "--path", str(path.parent), "--jobs", "1", "--runs",
                        str(args.runs))
        t1 = statistics.median(one["seconds"])
        rows.append([what, f"{size / MB:.1f}", fmt_rate(size / MB / t1),
                     f"{one['maxrss_mb']:.0f}", str(one["findings"])])
        print(f"  {path.name}: {t1:.2f} s", flush=True)
    out("## Sparse text, one process (`--jobs 1`)")
    out()
    out("The corpus above is dense (a finding every 45 bytes); most of a file server is not.")
    out()
    report.table(["file", "MB", "MB/s", "peak RSS MB", "findings"], rows)

    # 4. whole corpus through the CLI
    if not args.no_jobs:
        cli = {}
        for jobs in ("1", "2"):
            cli[jobs] = median_time([*PIISCAN, "scan", str(files), "-j", jobs, "-q"], args.runs)
        total = sum(f["bytes"] for f in manifest["files"]) / MB
        out("## Whole corpus through the command line (`piiscan scan files -q`)")
        out()
        report.table(["jobs", "seconds", "MB/s", "speed-up"],
                     [["1", f"{cli['1']:.2f}", fmt_rate(total / cli["1"]), "1.00×"],
                      ["2", f"{cli['2']:.2f}", fmt_rate(total / cli["2"]),
                       f"{cli['1'] / cli['2']:.2f}×"]])

    # 5. start-up
    times = startup(max(args.runs, 10))
    base = times["python -c pass"]
    out("## Start-up (median)")
    out()
    report.table(["command", "ms", "× python -c pass"],
                 [[name, f"{t * 1000:.0f}", f"{t / base:.2f}×"] for name, t in times.items()])

    # 6. ripgrep on the extracted text
    text_dir = root / "text"
    if not (text_dir / ".done").exists():
        shutil.rmtree(text_dir, ignore_errors=True)
        run_child("extract", "--path", str(files), "--out", str(text_dir))
        (text_dir / ".done").write_text("", encoding="utf-8")
    text_mb = sum(p.stat().st_size for p in text_dir.rglob("*.txt")) / MB
    all_rules = run_child("scan", "--path", str(text_dir), "--jobs", "1", "--runs",
                          str(args.runs))
    t_all = statistics.median(all_rules["seconds"])
    rows = [["piiscan, all rules (-j1)", fmt_rate(text_mb / t_all), "1.00×"]]
    usable: dict[str, str] = {}
    left_out: dict[str, str] = {}
    if shutil.which("rg"):
        usable, left_out = rg_patterns()
        values = {k: v for k, v in usable.items() if not k.startswith("jp.sensitive.")}
        same = run_child("scan", "--path", str(text_dir), "--jobs", "1", "--runs",
                         str(args.runs), "--rules-only", ",".join(values))
        t_same = statistics.median(same["seconds"])
        rows.append([f"piiscan, only the {len(values)} value rules rg runs (-j1)",
                     fmt_rate(text_mb / t_same), f"{t_all / t_same:.2f}×"])
        t_rg = time_rg(values.values(), text_dir, args.runs)
        rows.append([f"ripgrep -P -j1, the {len(values)} value patterns (ceiling)",
                     fmt_rate(text_mb / t_rg), f"{t_all / t_rg:.2f}×"])
        t_rg_all = time_rg(usable.values(), text_dir, args.runs)
        rows.append([f"ripgrep -P -j1, those + {len(usable) - len(values)} 要配慮 word lists",
                     fmt_rate(text_mb / t_rg_all), f"{t_all / t_rg_all:.2f}×"])
    else:
        out("(ripgrep not installed: `apt-get install ripgrep`)")
    if not args.no_peers:
        python = peer_python(root.parent / "peers-venv", list(PEERS.values()))
        for tool, spec in PEERS.items():
            if python is None:
                break
            peer = time_peer(python, tool, text_dir, args.runs)
            if "error" in peer:
                rows.append([f"{spec} (error: {peer['error'][:60]})", "-", "-"])
            else:
                rows.append([f"{spec}, regex layer", fmt_rate(text_mb / peer["seconds"]),
                             f"{t_all / peer['seconds']:.2f}×"])
    out(f"## Same extracted text ({text_mb:.1f} MB, UTF-8), one core")
    out()
    report.table(["tool", "MB/s", "speed vs piiscan"], rows)
    if left_out:
        out("Rules rg cannot run: " + "; ".join(f"`{k}`: {v}" for k, v in left_out.items()))
        out()

    # 8. hyperscan
    if args.hyperscan:
        python = peer_python(root.parent / "peers-venv", [])
        result = hyperscan_check(python, text_dir) if python else {"error": "no venv"}
        out("## Hyperscan against the regex module (value patterns without look-arounds)")
        out()
        if "error" in result:
            out(f"Hyperscan: {result['error']}")
            out()
        else:
            report.table(["pattern", "regex MB/s", "hyperscan MB/s", "matches regex/hs",
                          "identical"],
                         [[name, fmt_rate(r["regex_mb_s"]), fmt_rate(r["hs_mb_s"]),
                           f"{r['regex']}/{r['hs']}", "yes" if r["identical"] else "no"]
                          for name, r in result.items()])

    # 9. profile
    if args.profile:
        out("## Profile of the text path (cProfile, top functions by own time)")
        out()
        out("```")
        for fmt in ("txt", "csv"):
            out(f"--- {fmt} ---")
            for line in profile_text(files / fmt).splitlines():
                out(line.rstrip())
        out("```")

    if args.markdown:
        args.markdown.write_text("\n".join(report.lines) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
