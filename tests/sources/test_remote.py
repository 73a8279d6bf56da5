"""s3:// and smb:// sources against real servers on loopback (moto's S3 server, Debian's
smbd): the walk, the opener, credentials, errors, and the URL rules."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from piiscan.config import Settings
from piiscan.errors import UsageError
from piiscan.models import FileRef, Skip, SkipKind
from piiscan.sources import open_ref, remote
from piiscan.sources.walk import iter_sources

from clirunner import CLI
from servers import S3Server, SambaShare
from sharegen import upload


def tree(root: Path) -> Path:
    """Nested folders, a .git folder, an ignore file, names that sort differently by bytes."""
    for rel, text in {"b.txt": "電話 090-1234-5678", "a/z.txt": "z", "a/ア.txt": "ア",
                      "c.log": "ログ", ".git/config": "[core]", ".piiscanignore": "*.log\n",
                      "sub/deep/x.csv": "氏名,電話\n山田,090-1111-2222\n"}.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def walk(url: str, **settings: object) -> list[FileRef | Skip]:
    return list(iter_sources([url], Settings(**settings)))  # type: ignore[arg-type]


def shown(item: FileRef | Skip) -> str:
    return item.path if isinstance(item, Skip) else item.display


def rel(items: list[FileRef | Skip], prefix: str) -> list[str]:
    return [shown(i).removeprefix(prefix) for i in items]


def test_remote_walks_match_the_local_walk(tmp_path: Path, smb: SambaShare,
                                           s3: S3Server) -> None:
    local_root = tree(smb.folder / "walk")
    sources = {str(local_root): str(local_root), f"{smb.url()}/walk": f"{smb.url()}/walk",
               upload(local_root, "walk-bucket"): "s3://walk-bucket/share"}
    expected = ["/.piiscanignore", "/a/z.txt", "/a/ア.txt", "/b.txt", "/c.log",
                "/sub/deep/x.csv"]
    for url, prefix in sources.items():
        items = walk(url, excludes=("b.txt",))
        assert rel(items, prefix) == expected, url
        kinds = {i.path.removeprefix(prefix): i.kind for i in items if isinstance(i, Skip)}
        assert kinds == {"/b.txt": SkipKind.EXCLUDED, "/c.log": SkipKind.EXCLUDED}
    s3_refs = [i for i in walk("s3://walk-bucket/share/") if isinstance(i, FileRef)]
    csv = s3_refs[-1]
    assert csv.origin == csv.path == csv.display == "s3://walk-bucket/share/sub/deep/x.csv"
    assert csv.size == len("氏名,電話\n山田,090-1111-2222\n".encode()) and csv.version
    assert csv.mtime > 0 and csv.mode == 0 and csv.uid == -1
    with open_ref(csv) as fh:
        assert fh.read().decode() == "氏名,電話\n山田,090-1111-2222\n"
    smb_refs = [i for i in walk(f"{smb.url()}/walk/sub") if isinstance(i, FileRef)]
    assert [r.display for r in smb_refs] == [f"{smb.url()}/walk/sub/deep/x.csv"]
    with open_ref(smb_refs[0]) as fh:
        assert b"090-1111-2222" in fh.read()


def test_a_single_remote_file_and_missing_ones(smb: SambaShare, s3: S3Server) -> None:
    tree(smb.folder / "single")
    [ref] = walk(f"{smb.url()}/single/b.txt")
    assert isinstance(ref, FileRef) and ref.display == f"{smb.url()}/single/b.txt"
    for url in (f"{smb.url()}/single/nothing.txt", "s3://no-such-bucket-here/x"):
        [skip] = walk(url)
        assert isinstance(skip, Skip) and skip.kind == SkipKind.ERROR, url
        assert skip.path == url


def test_large_remote_files_are_streamed(smb: SambaShare, s3: S3Server,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Above KEEP_BYTES a remote file is read as a stream, seekable (zip, PDF tails)."""
    monkeypatch.setattr(remote, "KEEP_BYTES", 10)
    root = smb.folder / "big"
    root.mkdir()
    (root / "big.txt").write_bytes(b"0123456789" * 1000)
    for url in (f"{smb.url()}/big", upload(root, "big-bucket")):
        [ref] = walk(url)
        assert isinstance(ref, FileRef)
        with open_ref(ref) as fh:
            fh.seek(9990)
            assert fh.read() == b"0123456789"


def test_smb_password_comes_from_the_environment(tmp_path: Path, samba: SambaShare) -> None:
    cli = CLI()
    tree(samba.folder / "auth")
    url = f"{samba.url()}/auth"
    ok = cli.run("scan", url, "-q", "-j1", env={"PIISCAN_SMB_PASSWORD": samba.password})
    assert ok.returncode == 1 and "5 files scanned" in ok.stdout, ok.stderr
    wrong = cli.run("scan", url, "-q", "-j1", env={"PIISCAN_SMB_PASSWORD": "wrong"})
    assert wrong.returncode == 3 and "1 unreadable" in wrong.stdout, wrong.stderr
    shown = cli.run("scan", url, "-f", "json", "-j1", env={"PIISCAN_SMB_PASSWORD": "wrong"})
    assert f'"path": "{url}"' in shown.stdout and "cannot access" in shown.stdout
    assert samba.password not in shown.stdout + shown.stderr
    # No password and nobody to ask (no terminal): one line, exit 2, nothing scanned.
    env = {k: v for k, v in os.environ.items() if k != "PIISCAN_SMB_PASSWORD"}
    proc = subprocess.run([sys.executable, "-m", "piiscan", "scan", url, "-q"], env=env,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("piiscan: error: smb:// with a user needs a password: "
                                  "set PIISCAN_SMB_PASSWORD")


@pytest.mark.parametrize(("url", "problem"), [
    ("smb://me:secret@host/share", "a password in the URL"),
    ("smb://host", "name the share"),
    ("smb://host:port/share", "the port is not a number"),
    ("s3://user@bucket/x", "credentials and endpoint come from the AWS settings"),
    ("s3:///x", "no bucket"),
    ("gs://bucket/x", "not gs://"),
    ("s3://bucket/x?versionId=1", "no '?' or '#' part"),
])
def test_bad_urls_are_usage_errors(url: str, problem: str) -> None:
    with pytest.raises(UsageError, match=re.escape(problem)) as info:
        remote.check([url])
    assert "secret" not in str(info.value)


def test_missing_extra_is_one_line_naming_it(tmp_path: Path) -> None:
    """Without s3fs (an import that finds nothing, as Python reports a module that is not
    there): exit 2 before anything is scanned, one line naming the extra."""
    code = ("import sys; sys.modules['s3fs'] = None; "
            "sys.argv = ['piiscan', 'scan', 's3://bucket/x', '-q']; "
            "from piiscan.entry import main; main()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120, check=False, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr == ("piiscan: error: reading s3:// URLs needs piiscan's 's3' extra: "
                           "pip install 'piiscan[s3]'\n")
