"""The incremental cache for remote files: keyed by URL, compared by the size, mtime and
version (ETag) the listing gives, without the client reading a byte; pruned like folders;
and the schema upgrade that added the version column."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import fsspec

from piiscan.config import Settings
from piiscan.rules.loader import load_ruleset
from piiscan.run.session import ScanSession, SessionOptions
from piiscan.state import store as store_module
from piiscan.state.store import SCHEMA_VERSION, StateStore

from scankit import KEY
from servers import S3Server, SambaShare
from sharegen import upload


def run(url: str, state: Path) -> tuple[int, int, int]:
    """(reused, scanned, findings) of one run over ``url`` with the state at ``state``."""
    with ScanSession(load_ruleset(), Settings(jobs=1), SessionOptions(state=state, key=KEY)
                     ) as session:
        result = session.run([url])
        outcome = session.outcome
    return outcome.cache_hits, outcome.cache_misses, sum(len(f.findings) for f in result.files)


def rows(state: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(state) as conn:
        return sorted(conn.execute("SELECT path, version FROM files"))


def test_s3_objects_reused_until_their_etag_changes(tmp_path: Path, s3: S3Server) -> None:
    share = tmp_path / "share"
    share.mkdir()
    for i in range(4):
        (share / f"m{i}.txt").write_text(f"担当 電話 090-1234-567{i}\n", encoding="utf-8")
    url = upload(share, "cache-bucket")
    state = tmp_path / "state.db"
    assert run(url, state) == (0, 4, 4)
    assert run(url, state) == (4, 0, 4)
    stored = rows(state)
    assert [p for p, _ in stored] == [f"{url}/m{i}.txt" for i in range(4)]
    assert all(version for _, version in stored)  # the ETag
    fs = fsspec.filesystem("s3", use_listings_cache=False)
    fs.pipe_file("cache-bucket/share/m1.txt", "担当 電話 090-1234-9999\n".encode())  # same size
    fs.rm_file("cache-bucket/share/m3.txt")
    assert run(url, state) == (2, 1, 3)
    assert [p for p, _ in rows(state)] == [f"{url}/m{i}.txt" for i in range(3)]  # pruned


def test_smb_files_reused_by_size_and_mtime_unless_too_recent(tmp_path: Path,
                                                              smb: SambaShare) -> None:
    folder = smb.folder / "cache"
    folder.mkdir()
    old, new = folder / "old.txt", folder / "new.txt"
    old.write_text("担当 電話 090-1234-5678\n", encoding="utf-8")
    new.write_text("担当 電話 090-1234-5679\n", encoding="utf-8")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    state = tmp_path / "state.db"
    url = f"{smb.url()}/cache"
    assert run(url, state) == (0, 2, 2)
    # Written a moment ago, with no version to tell two writes in one tick apart: scanned
    # again rather than trusted.
    assert run(url, state) == (1, 1, 2)
    assert rows(state) == [(f"{url}/old.txt", None)]


def test_version_one_databases_are_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    store_module.UPGRADES[0](conn)
    conn.execute("PRAGMA user_version = 1")
    conn.execute("INSERT INTO files VALUES ('/x', 'x', 1, 1, 1, NULL, 'd', '{}', 'now')")
    conn.close()
    with StateStore.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("SELECT path, version FROM files").fetchall() == [("/x", None)]
