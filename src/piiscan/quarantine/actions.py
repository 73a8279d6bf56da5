"""Quarantine, restrict (chmod) and restore files, each step logged; a dry run by default.

Every file is checked against what the scan recorded before anything happens to it (same
inode, size, modification time and keyed content hash): a file that changed since the scan
is refused with the reason, since the scan's verdict is about the old content.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piiscan.clock import now_iso
from piiscan.errors import UsageError
from piiscan.labels import RISK_LABELS
from piiscan.mask import ContentFingerprinter
from piiscan.pii_types import TypeRegistry
from piiscan.quarantine import fileops
from piiscan.quarantine.fileops import Missing, Opened, Refused
from piiscan.quarantine.log import CHMOD, QUARANTINE, RESTORE, AuditLog
from piiscan.quarantine.select import OVERDUE, Candidate
from piiscan.record import account_name, host_name
from piiscan.state.store import RunInfo

STUB_SUFFIX = ".piiscan-quarantine.txt"
STUB_MARKER = "piiscan quarantine notice"


@dataclass(frozen=True)
class Outcome:
    verb: str  # move, chmod, restore, keep (nothing to do), refuse
    path: str
    detail: str  # the destination, the permission change, or why it was refused
    reason: str = ""  # why the file was selected (levels and types)

    @property
    def refused(self) -> bool:
        return self.verb == "refuse"


@dataclass(frozen=True)
class Plan:
    apply: bool
    target: Path | None = None  # the quarantine folder; None: --chmod
    stub: bool = False
    stub_message: str = ""


def prepare_target(target: str, roots: list[str], apply: bool) -> Path:
    """The quarantine folder: outside every scanned root (the next scan would read it
    again), owner-only; created (0700) when applying."""
    path = Path(os.path.abspath(os.path.expanduser(target)))
    real = os.path.realpath(path)
    for root in roots:
        resolved = os.path.realpath(root)
        if real == resolved or real.startswith(resolved.rstrip(os.sep) + os.sep):
            raise UsageError(f"--to {target} is inside the scanned folder {root}: the next "
                             "scan would read the quarantine again; choose a folder outside it")
    if path.exists():
        if not path.is_dir():
            raise UsageError(f"--to {target} is not a folder")
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise UsageError(f"--to {target} can be opened by other accounts (mode "
                             f"{mode:04o}): chmod 700 {target}")
    elif apply:
        path.mkdir(parents=True, mode=0o700)
        path.chmod(0o700)
    return path


def reason_of(candidate: Candidate, run: RunInfo, types: TypeRegistry) -> dict[str, Any]:
    row = candidate.row
    text = (f"{RISK_LABELS.get(row.risk_level, row.risk_level)}: "
            + ", ".join(f"{types.label(t)} {n}" for t, n in candidate.types.items()))
    if OVERDUE in row.flags:
        text += "; 保存期間超過 (past retention)"
    return {"level": row.risk_level, "score": row.risk_score, "types": candidate.types,
            "triggers": list(row.triggers), "flags": list(row.flags), "run": run.id,
            "text": text}


def quarantine(candidates: list[Candidate], run: RunInfo, log: AuditLog, plan: Plan,
               key: bytes, types: TypeRegistry) -> list[Outcome]:
    hasher = ContentFingerprinter(key)
    out = []
    for candidate in candidates:
        reason = reason_of(candidate, run, types)
        try:
            out.append(_one(candidate, reason, log, plan, hasher))
        except Refused as exc:
            out.append(Outcome("refuse", candidate.path, str(exc), reason["text"]))
    return out


def _one(candidate: Candidate, reason: dict[str, Any], log: AuditLog, plan: Plan,
         hasher: ContentFingerprinter) -> Outcome:
    if candidate.row.abspath is None or not candidate.base:
        raise Refused("not a file on this machine under the scanned folders")
    active = log.active_for(candidate.path)
    if active is not None and (active["action"] == QUARANTINE or plan.target is None):
        raise Refused(f"already done: {active['action']} at {active['time']} (log entry "
                      f"{active['id'][:8]})")
    with fileops.open_file(candidate.base, candidate.rel) as opened:
        content = fileops.check(opened, candidate.seen, hasher)
        if plan.target is None:
            return _chmod(candidate, opened, content, reason, log, plan)
        return _move(candidate, opened, content, reason, log, plan, hasher)


def _chmod(candidate: Candidate, opened: Opened, content: str, reason: dict[str, Any],
           log: AuditLog, plan: Plan) -> Outcome:
    before = stat.S_IMODE(opened.st.st_mode)
    after = before & ~0o077
    change = f"{before:04o} -> {after:04o}"
    if after == before:
        return Outcome("keep", candidate.path, f"already owner-only ({before:04o})",
                       reason["text"])
    if plan.apply:
        try:
            os.fchmod(opened.fd, after)
        except OSError as exc:
            raise Refused(f"cannot change its permissions: {exc.strerror}") from None
        log.append(CHMOD, file=candidate.path, root=candidate.base, rel=candidate.rel,
                   inode=opened.st.st_ino, mode=f"{before:04o}", mode_after=f"{after:04o}",
                   fingerprint=content, reason=reason)
    return Outcome("chmod", candidate.path, change, reason["text"])


def _move(candidate: Candidate, opened: Opened, content: str, reason: dict[str, Any],
          log: AuditLog, plan: Plan, hasher: ContentFingerprinter) -> Outcome:
    assert plan.target is not None
    *folders, name = candidate.rel.split("/")
    destination = plan.target.joinpath(*folders, name)
    try:
        dest_fd = fileops.open_folder(str(plan.target), folders, create=plan.apply)
    except Missing:
        if plan.apply:
            raise
        return Outcome("move", candidate.path, str(destination), reason["text"])
    try:
        if fileops.exists(dest_fd, name):
            raise Refused(f"{destination} already exists: nothing moved")
        if not plan.apply:
            return Outcome("move", candidate.path, str(destination), reason["text"])
        st = opened.st
        method = fileops.move(opened, dest_fd, name, hasher, content,
                              fileops.owner_only(st.st_mode), st.st_uid, st.st_gid)
    finally:
        os.close(dest_fd)
    stub = None
    if plan.stub:
        stub = _write_stub(opened, candidate.path, reason, plan.stub_message)
    log.append(QUARANTINE, file=candidate.path, root=candidate.base, rel=candidate.rel,
               quarantine=str(plan.target), destination=str(destination), method=method,
               fingerprint=content, size=opened.st.st_size, mtime=opened.st.st_mtime,
               mode=f"{stat.S_IMODE(opened.st.st_mode):04o}", uid=opened.st.st_uid,
               gid=opened.st.st_gid, stub=stub, reason=reason)
    return Outcome("move", candidate.path, str(destination), reason["text"])


def _write_stub(opened: Opened, path: str, reason: dict[str, Any], message: str) -> str | None:
    """A notice where the file was (no value in it: levels and type names)."""
    name = os.path.basename(path)
    stub = name + STUB_SUFFIX
    text = "\n".join([
        STUB_MARKER,
        "",
        "このファイルは個人情報を含むため、piiscan により隔離されました。",
        "This file was moved to quarantine by piiscan because it holds personal data.",
        "",
        f"ファイル (file): {name}",
        f"日時 (when): {now_iso()}",
        f"実行者 (by): {account_name()}@{host_name()}",
        f"理由 (reason): {reason['text']}",
        *([f"問い合わせ先 (contact): {message}"] if message else []),
        "",
    ])
    try:
        fileops.write_stub(opened.dir_fd, stub, text)
    except OSError:
        return None  # the move is done and logged; a missing notice is not worth undoing it
    return os.path.join(os.path.dirname(path), stub)


# --- restore -----------------------------------------------------------------------------

def restore(log: AuditLog, apply: bool, only: set[str], key: bytes) -> list[Outcome]:
    """Undo the open quarantine and chmod entries of the log (``only``: these original
    paths), newest first."""
    hasher = ContentFingerprinter(key)
    out = []
    for entry in reversed(log.open_actions()):
        if only and entry["file"] not in only:
            continue
        try:
            if entry["action"] == QUARANTINE:
                out.append(_restore_move(entry, log, apply, hasher))
            else:
                out.append(_restore_chmod(entry, log, apply))
        except Refused as exc:
            out.append(Outcome("refuse", entry["file"], str(exc)))
    return out


def _restore_move(entry: dict[str, Any], log: AuditLog, apply: bool,
                  hasher: ContentFingerprinter) -> Outcome:
    *folders, name = entry["rel"].split("/")
    with fileops.open_file(entry["quarantine"], entry["rel"]) as held:
        if hasher.of_fd(held.fd) != entry["fingerprint"]:
            raise Refused(f"changed in quarantine since it was moved ({entry['destination']}): "
                          "restore it by hand")
        try:
            home_fd = fileops.open_folder(entry["root"], folders, create=apply)
        except Missing:
            if apply:
                raise
            return Outcome("restore", entry["file"], "from " + entry["destination"]
                           + " (recreating its folder)")
        try:
            if fileops.exists(home_fd, name):
                raise Refused("a file has its name again: nothing restored (the quarantined "
                              f"copy stays at {entry['destination']})")
            if not apply:
                return Outcome("restore", entry["file"], "from " + entry["destination"])
            method = fileops.move(held, home_fd, name, hasher, entry["fingerprint"],
                                  int(entry["mode"], 8), entry.get("uid", -1),
                                  entry.get("gid", -1))
            stub = name + STUB_SUFFIX
            text = fileops.read_small(home_fd, stub)
            if text is not None and text.startswith(STUB_MARKER.encode()):
                os.unlink(stub, dir_fd=home_fd)
        finally:
            os.close(home_fd)
    log.append(RESTORE, undoes=entry["id"], file=entry["file"],
               source=entry["destination"], method=method, fingerprint=entry["fingerprint"],
               mode=entry["mode"])
    return Outcome("restore", entry["file"], "from " + entry["destination"])


def _restore_chmod(entry: dict[str, Any], log: AuditLog, apply: bool) -> Outcome:
    with fileops.open_file(entry["root"], entry["rel"]) as opened:
        mode = stat.S_IMODE(opened.st.st_mode)
        if opened.st.st_ino != entry["inode"]:
            raise Refused("replaced since its permissions were changed: left alone")
        if mode != int(entry["mode_after"], 8):
            raise Refused(f"its permissions changed again since ({mode:04o}): left alone")
        change = f"{mode:04o} -> {entry['mode']}"
        if apply:
            os.fchmod(opened.fd, int(entry["mode"], 8))
            log.append(RESTORE, undoes=entry["id"], file=entry["file"], mode=entry["mode"])
    return Outcome("restore", entry["file"], change)
