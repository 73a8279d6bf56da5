"""Worker processes die with the scan that started them.

A scan killed with SIGKILL (``timeout -s KILL`` under cron, the OOM killer) runs no clean-up
code, and the processes it started would stay: the fork server, every worker (blocked
reading a task queue whose write end they hold themselves) and, through them, the resource
tracker — about 190 MB for every killed run. So every process the pool starts ties its life
to the scan's:

- ``export()``, in the scanning process before it starts a pool, names that process in the
  environment, which the fork server and through it every worker inherit.
- ``arm()``, in the fork server and in each worker, asks the kernel to send SIGKILL when
  the process's parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``): the scan's death kills the
  fork server, whose death kills the workers; the resource tracker then reads end-of-file
  and exits by itself. A process that finds its owner already gone when it arms (it died
  in between) exits at once.
- Where the kernel cannot do that, and in every worker as a second line, a daemon thread
  polls the owner (and the parent) twice a second and ends the process when either is gone.
  The fork server gets no thread where the kernel does the job: it forks the workers, and a
  process with threads should not fork.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

ENV = "PIISCAN_LIFELINE_PID"  # the scanning process every pool process lives for
POLL_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def export() -> None:
    """Name this process as the owner of the processes it starts from now on."""
    os.environ[ENV] = str(os.getpid())


def owner() -> int | None:
    """The scanning process this one lives for, if it was started for one."""
    try:
        pid = int(os.environ.get(ENV, ""))
    except ValueError:
        return None
    return pid if pid > 0 and pid != os.getpid() else None


def arm(*, forks: bool = False, kernel: bool = True) -> None:
    """Die when the owner dies. ``forks``: this process forks others (the fork server), so
    it gets no watcher thread where the kernel can do the job. ``kernel=False`` leaves the
    kernel out (the portable path, for tests)."""
    pid = owner()
    if pid is None:
        return
    parent = os.getppid()
    by_kernel = kernel and _parent_death_signal()
    if not _alive(pid):  # it died before we asked: nobody will tell us
        os._exit(1)
    if forks and by_kernel:
        return
    thread = threading.Thread(target=_watch, args=(pid, parent), name="piiscan-lifeline",
                              daemon=True)
    thread.start()


def _parent_death_signal() -> bool:
    """SIGKILL this process when its parent dies (Linux); False where there is no such thing."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        # The C library is already loaded: no ctypes.util.find_library (it runs ldconfig).
        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0)
    except (OSError, AttributeError):
        return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(pid: int, parent: int) -> None:
    while True:
        time.sleep(POLL_SECONDS)
        if os.getppid() != parent or not _alive(pid):
            os._exit(1)
