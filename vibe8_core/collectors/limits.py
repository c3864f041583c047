"""What every analysis process is bound by: an address-space limit, and death with its parent.

`WorkerPool` runs `enter_worker` as the initializer of each of its processes:
- RLIMIT_AS caps what the process may allocate (VIBE8_PROCESS_MAX_MB), so one hostile file meets a
  MemoryError (an error entry naming the file) instead of taking the machine's memory. Whatever the
  process starts (a tool's subprocess) inherits the limit.
- PR_SET_PDEATHSIG makes the kernel SIGKILL it when its parent (the forkserver) exits, and the
  forkserver exits when the worker that started it dies (its `alive` pipe closes), so a worker killed
  with SIGKILL leaves no analysis process behind.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import resource
import signal

log = logging.getLogger(__name__)
PR_SET_PDEATHSIG = 1


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


def enter_worker(owner_pid: int, max_mb: int) -> None:
    """Initializer of every analysis process (see the module docstring)."""
    _die_with_parent(owner_pid)
    limit_address_space(max_mb)
