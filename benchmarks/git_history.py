"""`piiscan git` over a generated history of 10,000 commits (docs/benchmarks.md, "Git").

    .venv/bin/python benchmarks/git_history.py [--commits 10000] [--seed 1] [--jobs 1 2]

1. Builds ``benchmarks/.corpus/git-<commits>-seed<seed>/`` with one ``git fast-import``
   (skipped when it is there): a project whose commits mostly edit source files and add
   meeting notes, and now and then add rows to a customer list (UTF-8 or CP932 CSV), append
   to a log, add an XLSX member list, delete or rename a file; a side branch is merged every
   500 commits. Every value is synthetic (benchmarks/corpus.py, tests/synth.py).
2. Lists what piiscan reads (``git log --raw``: every blob a commit added or changed, each
   once) and reads every such blob once through one ``git cat-file --batch``: the ceiling
   that reading alone puts on a run.
3. Full runs: ``piiscan git REPO --all -q --state S -jN`` for each N, each with a fresh
   state: seconds, blobs/s, MB/s of blob content, peak RSS of the largest process.
4. Incremental: the same command again with the state of the ``-j1`` run (nothing new), then
   after 100 more commits (on a copy of the repository).

Figures are medians of ``--runs`` runs (default 1: a full run takes minutes) and are tracked
in docs/benchmarks.md, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from corpus import PROSE, Person, _customer_rows, log_line, person_line  # noqa: E402

from piiscan.sources.git import BlobReader, ObjectSizes, Repository, Selection  # noqa: E402
from piiscan.sources.git import changes as list_changes  # noqa: E402

START = 1_600_000_000
MB = 1_000_000
MODULES, LISTS, LOGS = 150, 12, 4


class Project:
    """The files of the generated project as they stand, and the fast-import stream."""

    def __init__(self, seed: int) -> None:
        self.seed = seed
        self.files: dict[str, bytes] = {}
        self.lines: dict[str, list[str]] = {}
        self.stream = io.BytesIO()
        self.mark = 0

    def commit(self, i: int, changes: dict[str, bytes | None], parents: list[str],
               branch: str = "refs/heads/main", rename: tuple[str, str] | None = None) -> str:
        self.mark += 1
        when = f"{START + 600 * i} +0900"
        out = self.stream
        message = f"commit {i:05d}\n"
        out.write(f"commit {branch}\nmark :{self.mark}\n"
                  f"author Bench <bench@example.invalid> {when}\n"
                  f"committer Bench <bench@example.invalid> {when}\n"
                  f"data {len(message)}\n{message}".encode())
        if parents:
            out.write(f"from {parents[0]}\n".encode())
            for other in parents[1:]:
                out.write(f"merge {other}\n".encode())
        if rename is not None:
            out.write(f'R "{rename[0]}" "{rename[1]}"\n'.encode())
        for path, data in changes.items():
            if data is None:
                out.write(f'D "{path}"\n'.encode())
                continue
            out.write(f'M 100644 inline "{path}"\ndata {len(data)}\n'.encode() + data + b"\n")
        return f":{self.mark}"

    def module(self, rng: random.Random) -> dict[str, bytes | None]:
        """A source file: about a hundred functions when created, one changed or added by
        each later commit."""
        path = f"src/pkg{rng.randrange(10)}/module{rng.randrange(MODULES):03d}.py"
        lines = self.lines.get(path)
        if lines is None:
            lines = self.lines[path] = [f'"""{rng.choice(PROSE)}"""', "from __future__ import annotations"]
            for _ in range(rng.randrange(40, 160)):
                lines += _function(rng)
        at = rng.randrange(2, len(lines) + 1)
        lines[at:at + rng.choice((0, 4))] = _function(rng)
        return {path: ("\n".join(lines) + "\n").encode()}

    def notes(self, rng: random.Random, i: int) -> dict[str, bytes | None]:
        body = [rng.choice(PROSE) for _ in range(rng.randrange(15, 60))]
        if rng.random() < 0.2:
            for _ in range(rng.randrange(1, 4)):
                body.insert(rng.randrange(len(body)), person_line(Person(rng), rng))
        return {f"docs/notes/{i // 1000:02d}/meeting{i:05d}.md": ("\n".join(body) + "\n").encode()}

    def customer_list(self, rng: random.Random, i: int) -> dict[str, bytes | None]:
        k = rng.randrange(LISTS)
        path = f"data/customers{k:02d}-{i // 2000}.csv"  # a new set of lists now and then
        rows = self.lines.setdefault(path, [])
        fresh = _customer_rows(rng, rng.randrange(3, 20) if rows else rng.randrange(30, 150))
        rows.extend(";".join(r) for r in (fresh if not rows else fresh[1:]))
        text = io.StringIO()
        csv.writer(text, lineterminator="\r\n").writerows(r.split(";") for r in rows)
        return {path: text.getvalue().encode("cp932" if k % 2 else "utf-8")}

    def log(self, rng: random.Random, i: int) -> dict[str, bytes | None]:
        path = f"logs/app{rng.randrange(LOGS)}-{i // 400:03d}.log"
        lines = self.lines.setdefault(path, [])
        lines.extend(log_line(rng, len(lines)) for _ in range(rng.randrange(20, 80)))
        return {path: ("\n".join(lines) + "\n").encode()}

    def members(self, rng: random.Random, i: int) -> dict[str, bytes | None]:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("名簿")
        sheet.append(["社員番号", "氏名", "フリガナ", "個人番号", "電話番号", "住所"])
        for n in range(rng.randrange(20, 120)):
            p = Person(rng)
            sheet.append([f"E{n:05d}", p.name, p.kana, p.my_number, p.phone, p.address])
        out = io.BytesIO()
        book.save(out)
        return {f"data/members/members{i:05d}.xlsx": out.getvalue()}

    def step(self, i: int) -> tuple[dict[str, bytes | None], tuple[str, str] | None]:
        rng = random.Random(f"{self.seed}:{i}")
        r = rng.random()
        if r < 0.55:
            return self.module(rng), None
        if r < 0.80:
            return self.notes(rng, i), None
        if r < 0.815:
            return self.customer_list(rng, i), None
        if r < 0.93:
            return self.log(rng, i), None
        if r < 0.94:
            return self.members(rng, i), None
        existing = sorted(p for p in self.lines if p.startswith("src/"))
        if r < 0.98 or not existing:
            doomed = sorted(p for p in self.lines if p.startswith("logs/"))
            if doomed:
                path = rng.choice(doomed)
                del self.lines[path]
                return {path: None}, None
            return self.notes(rng, i), None
        old = rng.choice(existing)
        new = old.replace(".py", f"_v{i}.py")
        self.lines[new] = self.lines.pop(old)
        return {}, (old, new)


def _function(rng: random.Random) -> list[str]:
    n = rng.randrange(10**6)
    return [f"def handler_{n}(order_id: int, retries: int = {rng.randrange(1, 9)}) -> str:",
            f'    """注文 {n} の状態を返す。{rng.choice(PROSE)[:20]}"""',
            f"    status = lookup(order_id, retries=retries, timeout={rng.randrange(5, 60)})",
            '    return f"order {order_id}: {status}"']


def build(commits: int, seed: int, folder: Path) -> float:
    """Write the repository with one git fast-import; seconds taken."""
    started = time.perf_counter()
    subprocess.run(["git", "init", "-q", "--bare", "--initial-branch=main", str(folder)],
                   check=True)
    project = Project(seed)
    main: list[str] = []
    for i in range(commits):
        if i and i % 500 == 0:  # a side branch of three commits, merged back
            side = main[-1]
            for j in range(3):
                change, _ = project.step(10**6 + i * 10 + j)
                side = project.commit(i, change, [side], branch="refs/heads/side")
            main.append(project.commit(i, {}, [main[-1], side]))
            continue
        change, rename = project.step(i)
        main.append(project.commit(i, change, main[-1:], rename=rename))
    project.stream.write(b"done\n")
    subprocess.run(["git", "fast-import", "--quiet", "--done"], cwd=folder,
                   input=project.stream.getvalue(), check=True)
    subprocess.run(["git", "gc", "-q"], cwd=folder, check=True)
    return time.perf_counter() - started


def read_all(folder: Path) -> tuple[int, int, float, float, dict[str, list[int]]]:
    """Blobs piiscan reads, their bytes, seconds to list them and to read them all, and
    blobs and bytes per extension."""
    repo = Repository.open(str(folder))
    t0 = time.perf_counter()
    seen: dict[str, str] = {}
    for change in list_changes(repo, Selection(all=True).revisions(repo)):
        seen.setdefault(change.oid, change.path.rsplit(".", 1)[-1])
    listed = time.perf_counter() - t0
    sizes = ObjectSizes(repo)
    reader = BlobReader(repo.git_dir)
    total = 0
    kinds: dict[str, list[int]] = {}
    t1 = time.perf_counter()
    for oid, ext in seen.items():
        size = sizes.size(oid) or 0
        with reader.open(oid, size) as fh:
            total += len(fh.read())
        counts = kinds.setdefault(ext, [0, 0])
        counts[0] += 1
        counts[1] += size
    read = time.perf_counter() - t1
    sizes.close()
    reader.close()
    return len(seen), total, listed, read, kinds


def piiscan(folder: Path, state: Path, jobs: int) -> tuple[float, float, float]:
    """One `piiscan git --all` run: wall seconds, CPU seconds and the peak RSS (MiB) of its
    largest process. CPU is that of every process of the run: the main process and what it
    waited for (its git processes) from wait4, plus the pool workers and their git readers,
    sampled from /proc every 0.1 s (the fork server's own start-up is left out). On a shared
    machine the CPU time is the steadier figure. The RSS is sampled from /proc too: wait4's
    maximum would count this script's own memory, copied into the child before it runs
    piiscan."""
    cmd = [sys.executable, "-m", "piiscan", "git", str(folder), "--all", "-q",
           f"--state={state}", f"-j{jobs}"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, start_new_session=True)
    tick = os.sysconf("SC_CLK_TCK")
    page = os.sysconf("SC_PAGE_SIZE")
    workers: dict[int, float] = {}
    peak = 0
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            ppid, session = int(fields[1]), int(fields[3])
            if session != proc.pid:
                continue
            peak = max(peak, int(fields[21]) * page)
            if ppid != proc.pid and int(entry.name) != proc.pid:
                workers[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick
        time.sleep(0.1)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"piiscan exited {proc.returncode}: {' '.join(cmd)}")
    cpu = usage.ru_utime + usage.ru_stime + sum(workers.values())
    return wall, cpu, peak / 2**20


def median_run(folder: Path, state: Path, jobs: int, runs: int, fresh: bool
               ) -> tuple[float, float, float]:
    results = []
    for _ in range(runs):
        if fresh and state.exists():
            shutil.rmtree(state)
        results.append(piiscan(folder, state, jobs))
    return (statistics.median(r[0] for r in results), statistics.median(r[1] for r in results),
            max(r[2] for r in results))


def figures(label: str, run: tuple[float, float, float], blobs: int, total: int) -> str:
    seconds, cpu, rss = run
    return (f"{label}: {seconds:.1f} s wall, {cpu:.1f} s CPU = {blobs / seconds:,.0f} blobs/s, "
            f"{total / MB / seconds:.2f} MB/s (per CPU second: {blobs / cpu:,.0f} blobs, "
            f"{total / MB / cpu:.2f} MB); peak RSS {rss:.0f} MiB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commits", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args(argv)
    folder = HERE / ".corpus" / f"git-{args.commits}-seed{args.seed}.git"
    if not folder.exists():
        print(f"building {folder.name}: {build(args.commits, args.seed, folder):.1f} s "
              "(fast-import, gc)")
    git_version = subprocess.run(["git", "--version"], capture_output=True, text=True,
                                 check=True).stdout.strip()
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the "
          f"start (shared with other work); Python {sys.version.split()[0]}, {git_version}")
    pack = sum(p.stat().st_size for p in folder.rglob("objects/pack/*.pack")) / MB
    blobs, total, listed, read, kinds = read_all(folder)
    print(f"history: {args.commits:,} commits (+ merges), {blobs:,} blobs added or changed, "
          f"{total / MB:.1f} MB of content, {pack:.1f} MB packed")
    print("  by extension: " + ", ".join(
        f"{ext} {n:,} ({size / MB:.1f} MB)" for ext, (n, size) in
        sorted(kinds.items(), key=lambda kv: -kv[1][1])))
    print(f"listing (git log --raw): {listed:.2f} s; reading every blob once "
          f"(git cat-file --batch): {read:.2f} s = {blobs / read:,.0f} blobs/s, "
          f"{total / MB / read:.0f} MB/s")
    with tempfile.TemporaryDirectory(prefix="piiscan-git-bench-") as tmp:
        states = {}
        for jobs in args.jobs:
            states[jobs] = Path(tmp) / f"state-j{jobs}"
            run = median_run(folder, states[jobs], jobs, args.runs, fresh=True)
            print(figures(f"full run -j{jobs}", run, blobs, total))
        state = states[args.jobs[0]]
        seconds, cpu, rss = median_run(folder, state, args.jobs[0], args.runs, fresh=False)
        print(f"incremental, nothing new (-j{args.jobs[0]}): {seconds:.2f} s wall, "
              f"{cpu:.2f} s CPU, peak RSS {rss:.0f} MiB")
        copy = Path(tmp) / "more.git"
        shutil.copytree(folder, copy)
        project = Project(args.seed + 1)
        parent = subprocess.run(["git", "rev-parse", "main"], cwd=copy, capture_output=True,
                                text=True, check=True).stdout.strip()
        last = parent
        for i in range(100):
            change, _ = project.step(args.commits + i)
            last = project.commit(args.commits + i, change, [last])
        project.stream.write(b"done\n")
        subprocess.run(["git", "fast-import", "--quiet", "--done"], cwd=copy,
                       input=project.stream.getvalue(), check=True)
        seconds, cpu, rss = median_run(copy, state, args.jobs[0], 1, fresh=False)
        print(f"incremental, 100 new commits (-j{args.jobs[0]}): {seconds:.2f} s wall, "
              f"{cpu:.2f} s CPU, peak RSS {rss:.0f} MiB")
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
