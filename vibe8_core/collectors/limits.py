"""What every analysis process is bound by: an address-space limit, and death with its parent.

`WorkerPool` runs `enter_worker` as the initializer of each of its processes:
- RLIMIT_AS caps what the process may allocate (VIBE8_PROCESS_MAX_MB), so one hostile file meets a
  MemoryError (an error entry naming the file) instead of taking the machine's memory. Whatever the
  process starts (a tool's subprocess) inherits the limit.
- PR_SET_PDEATHSIG makes the kernel SIGKILL it when its parent (the forkserver) exits. The forkserver
  exits once its `alive` pipe has no writer left, but every pool process holds that pipe too, so each
  one also watches the worker that owns the pool (once a second) and leaves when it is gone; then the
  forkserver exits, and a worker killed with SIGKILL leaves no analysis process behind.
- SIGINT does nothing: Ctrl-C at a terminal reaches the whole process group, but stopping is the
  parent's decision (it hands its job back); a process hit by it would raise KeyboardInterrupt into
  the parent's result instead.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import resource
import signal
import threading
import time

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1
OWNER_CHECK_S = 1.0


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _die_with_parent(owner_pid: int) -> None:
    """Linux: SIGKILL this process when its parent (the forkserver) exits; elsewhere a no-op.

    `owner_pid` is the process that owns the pool: if it died before the call, the forkserver is on
    its way out and nobody would signal us, so we leave at once."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            log.debug("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
            return
    except (OSError, AttributeError):
        return
    if not pid_alive(owner_pid):
        os._exit(1)


def _leave_with_owner(owner_pid: int) -> None:
    """A daemon thread that ends this process once the pool's owner is gone (see the module docstring)."""

    def watch() -> None:
        while pid_alive(owner_pid):
            time.sleep(OWNER_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="vibe8-owner-watch", daemon=True).start()


def address_space_now() -> int:
    """Bytes of address space this process holds now (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def limit_address_space(max_mb: int) -> None:
    """Let this process take at most `max_mb` MiB more address space than it holds now (0: no limit).

    Measured from now, not from zero: the preloaded libraries reserve address space they never touch
    (complexipy's allocator alone reserves 1 GiB), so only what the analysis adds is limited."""
    if max_mb <= 0:
        return
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = address_space_now() + max_mb * 2**20
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _parent_decides(signum: int, frame: object) -> None:
    """SIGINT in an analysis process: nothing (see the module docstring). A handler, not SIG_IGN, which
    exec would pass on to the tools' subprocesses."""


def enter_worker(owner_pid: int, max_mb: int) -> None:
    """Initializer of every analysis process (see the module docstring)."""
    signal.signal(signal.SIGINT, _parent_decides)
    _die_with_parent(owner_pid)
    _leave_with_owner(owner_pid)
    limit_address_space(max_mb)
