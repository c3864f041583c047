"""Clone one branch of a public repository under a time limit and a size limit.

git runs in its own process group (`start_new_session=True`) so that on timeout or overflow the
whole group, including helpers such as `git-remote-https`, is killed with `os.killpg`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from vibe8_core.config import SourceSettings
from vibe8_core.sources.errors import SourceError, megabytes, shown
from vibe8_core.sources.gitconfig import clone_command, isolated_git_env, run_git

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.05
SIZE_CHECK_INTERVAL_S = 0.5
_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")


def clone_repository(url: str, branch: str | None, dest: Path, home: Path, settings: SourceSettings) -> str:
    """Clone `branch` (None: the default branch) of the canonical `url` into `dest`; return HEAD's sha.

    `home` is a private folder used as git's HOME and working directory; `dest` must not exist yet.
    """
    command, protocols = clone_command(url, branch, dest, settings)
    env = isolated_git_env(home, protocols)
    stderr_path = home / "git-clone.stderr"
    with stderr_path.open("wb") as stderr:
        process = subprocess.Popen(
            command,
            cwd=home,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,
        )
        try:
            _watch(process, dest, settings)
        finally:
            _kill_group(process)
    if process.returncode != 0:
        raise SourceError(explain_clone_failure(_tail(stderr_path), url, branch))
    _refuse_if_too_large(dest, settings)
    _remove_symlinks(dest)
    return _head_sha(dest, home, settings)


def _watch(process: subprocess.Popen[bytes], dest: Path, settings: SourceSettings) -> None:
    """Wait for `process`; raise SourceError once it runs too long or `dest` grows too large.

    The caller kills the process group whichever way this returns.
    """
    started = time.monotonic()
    next_size_check = started + SIZE_CHECK_INTERVAL_S
    while process.poll() is None:
        now = time.monotonic()
        if now - started > settings.git_clone_timeout_s:
            raise SourceError(f"Cloning took longer than {settings.git_clone_timeout_s:g} seconds, the time limit.")
        if now >= next_size_check:
            _refuse_if_too_large(dest, settings)
            next_size_check = now + SIZE_CHECK_INTERVAL_S
        time.sleep(POLL_INTERVAL_S)


def _refuse_if_too_large(dest: Path, settings: SourceSettings) -> None:
    if tree_size(dest) > settings.git_clone_max_bytes:
        raise SourceError(f"The repository is larger than {megabytes(settings.git_clone_max_bytes)}, the limit.")


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill git and every helper it started (they share its process group), then reap git."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def tree_size(root: Path) -> int:
    """Bytes held by the files below `root`, tolerating files that vanish while git works."""
    total = 0
    stack = [str(root)]
    while stack:
        try:
            with os.scandir(stack.pop()) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        total += entry.stat(follow_symlinks=False).st_size
        except (FileNotFoundError, NotADirectoryError):
            continue
    return total


def explain_clone_failure(stderr: str, url: str, branch: str | None) -> str:
    """One sentence for the user from git's error output."""
    lowered = stderr.lower()
    if "remote branch" in lowered and "not found" in lowered:
        return f"The branch {shown(branch or '')} does not exist in {url}."
    missing_signs = (
        "repository not found",
        "not found",
        "does not appear to be a git repository",
        "could not read username",
        "authentication failed",
    )
    if any(sign in lowered for sign in missing_signs):
        return f"The repository {url} does not exist or is not public."
    last_line = next((line for line in reversed(stderr.strip().splitlines()) if line.strip()), "no details")
    log.warning("git clone of %s failed: %s", url, stderr.strip()[-2000:])
    return f"Cloning {url} failed ({shown(last_line.strip(), 160)})."


def _tail(path: Path, size: int = 16 * 1024) -> str:
    """The end of git's error output, where the fatal line is; the rest may be long progress noise."""
    with path.open("rb") as stream:
        stream.seek(max(path.stat().st_size - size, 0))
        return stream.read().decode("utf-8", errors="replace")


def _remove_symlinks(root: Path) -> None:
    """Remove any symbolic link git created despite core.symlinks=false, so no collector follows one."""
    for folder, subfolders, files in os.walk(root):
        for name in [*subfolders, *files]:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                log.warning("removing symbolic link %s from a clone", path)
                os.unlink(path)


def _head_sha(dest: Path, home: Path, settings: SourceSettings) -> str:
    args = ("--git-dir", str(dest / ".git"), "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    result = run_git(settings, home, *args, timeout=30)
    sha = result.stdout.strip()
    if result.returncode != 0 or not _SHA.fullmatch(sha):
        raise SourceError("The repository has no commit on the requested branch.")
    return sha
