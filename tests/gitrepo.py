"""Real git repositories for tests, made in a temporary folder by the real git.

``GitRepo(path)`` runs git with a clean configuration (no global or system config), a fixed
author and one commit date per commit, so runs are repeatable. Every file is synthetic.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

AUTHOR = "Hanako Committer"  # a sentinel: must not reach any report without --show-authors
AUTHOR_EMAIL = "hanako.committer@example.invalid"
START = 1_700_000_000  # the first commit's date (2023-11-15 07:13 +09:00); then one a minute


def git_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1",
               GIT_AUTHOR_NAME=AUTHOR, GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
               GIT_COMMITTER_NAME=AUTHOR, GIT_COMMITTER_EMAIL=AUTHOR_EMAIL)
    env.update(extra or {})
    return env


class GitRepo:
    def __init__(self, path: Path, *, bare: bool = False, branch: str = "main") -> None:
        self.path = path
        self.commits = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", f"--initial-branch={branch}", *(["--bare"] if bare else []))

    def git(self, *args: str, check: bool = True) -> str:
        date = f"@{START + 60 * self.commits} +0900"
        proc = subprocess.run(["git", *args], cwd=self.path, capture_output=True,
                              env=git_env({"GIT_AUTHOR_DATE": date,
                                           "GIT_COMMITTER_DATE": date}),
                              timeout=120, check=False)
        if check:
            assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
        return proc.stdout.decode("utf-8", "replace").strip()

    def write(self, name: str, data: bytes | str) -> Path:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, str):
            data = data.encode("utf-8")
        path.write_bytes(data)
        return path

    def stage(self, files: dict[str, bytes | str]) -> None:
        for name, data in files.items():
            self.write(name, data)
        self.git("--literal-pathspecs", "add", "--", *files)

    def commit(self, files: dict[str, bytes | str] | None = None, message: str = "change",
               remove: tuple[str, ...] = ()) -> str:
        """Write and stage ``files``, remove ``remove``, commit; the new commit's id."""
        if files:
            self.stage(files)
        if remove:
            self.git("--literal-pathspecs", "rm", "-q", "--", *remove)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        self.commits += 1
        return self.git("rev-parse", "HEAD")

    def fast_import(self, commits: list[dict[str, bytes | str]]) -> list[str]:
        """Many commits at once (``git fast-import``), each writing these files on top of
        the branch; their ids, oldest first. The work tree is left as it was."""
        branch = self.git("symbolic-ref", "HEAD")
        parent = self.git("rev-parse", "--verify", "-q", "HEAD", check=False)
        out = bytearray()
        for i, files in enumerate(commits, start=1):
            when = f"{START + 60 * (self.commits + i - 1)} +0900"
            out += (f"commit {branch}\nmark :{i}\n"
                    f"author {AUTHOR} <{AUTHOR_EMAIL}> {when}\n"
                    f"committer {AUTHOR} <{AUTHOR_EMAIL}> {when}\ndata 7\nchange\n").encode()
            if i > 1 or parent:
                out += f"from {f':{i - 1}' if i > 1 else parent}\n".encode()
            for name, data in files.items():
                raw = data.encode() if isinstance(data, str) else data
                out += f"M 100644 inline {name}\ndata {len(raw)}\n".encode() + raw + b"\n"
        out += b"done\n"
        proc = subprocess.run(["git", "fast-import", "--quiet", "--done"], cwd=self.path,
                              input=bytes(out), capture_output=True, env=git_env(),
                              timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
        self.commits += len(commits)
        ids = self.git("rev-list", "--reverse", f"-{len(commits)}", "HEAD").splitlines()
        return ids

    def blob(self, rev_path: str) -> str:
        """The blob id of ``REV:PATH``."""
        return self.git("rev-parse", rev_path)
