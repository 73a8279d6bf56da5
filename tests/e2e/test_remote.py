"""The same generated share read from a local folder, over SMB (Debian's smbd) and from S3
(moto's server), each scanned in one process (-j1) and on a Dask LocalCluster of two worker
processes: the same findings every time, locations differing only by the URL prefix."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from clirunner import CLI
from servers import S3Server, SambaShare
from sharegen import EXCLUDE, make_share, upload

# What legitimately differs between a local file and the same file behind a URL: its
# owner, group and permissions (a local stat, unknown over S3 and SMB) and its modification
# time (an S3 object's is its upload).
LOCAL_ONLY = ("owner", "group", "mode", "modified")


def comparable(report: Path, prefix: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8")
                                      .replace(json.dumps(prefix)[1:-1], "ROOT"))
    del data["scan"]
    for file in data["files"]:
        for key in LOCAL_ONLY:
            file.pop(key, None)
    return data


def test_local_smb_s3_one_process_and_cluster_same_findings(
        tmp_path: Path, cli: CLI, samba: SambaShare, s3: S3Server) -> None:
    share = make_share(samba.folder / "e2e")
    sources = {"local": str(share), "smb": f"{samba.url()}/e2e",
               "s3": upload(share, "e2e-bucket")}
    env = {**s3.env, "PIISCAN_SMB_PASSWORD": samba.password}
    # One state database copied for every run: the same fingerprint key, an empty cache.
    empty = tmp_path / "empty"
    empty.mkdir()
    template = tmp_path / "template"
    assert cli.run("scan", str(empty), f"--state={template}", "-q").returncode == 0
    reports: dict[tuple[str, str], dict[str, Any]] = {}
    for name, source in sources.items():
        for mode in (["-j1"], ["--cluster", "local:2"]):
            state = tmp_path / f"state-{name}-{mode[-1]}"
            shutil.copytree(template, state)
            out = tmp_path / f"{name}-{mode[-1]}.json"
            proc = cli.run("scan", source, *mode, "--exclude", EXCLUDE, f"--state={state}",
                           "-q", "-o", str(out), env=env)
            assert proc.returncode == 1, proc.stderr  # findings (and one unreadable zip)
            assert proc.stderr == ""  # nothing but the summary line, as cron expects
            assert proc.stdout.count("\n") == 1
            reports[name, mode[-1]] = comparable(out, source)
    first = reports["local", "-j1"]
    assert first["summary"]["findings"] > 10 and first["summary"]["excluded"] == 1
    assert first["summary"]["unreadable"] == 1 and len(first["files"]) == 12
    for key, report in reports.items():
        assert report == first, key
    smb_paths = [f["path"] for f in json.loads(
        (tmp_path / "smb--j1.json").read_text(encoding="utf-8"))["files"]]
    assert all(p.startswith(sources["smb"] + "/") for p in smb_paths)
