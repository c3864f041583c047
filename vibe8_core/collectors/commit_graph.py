"""A commit-graph with changed-path Bloom filters for the analysed history, kept outside the repository.

`git blame` and `git log -- PATH` spend most of their time on long histories diffing the trees of
commits that did not touch the path; a commit-graph with changed-path Bloom filters lets git skip them
(blame of every file of a 13,000-commit history: a third of the CPU). Few clones carry one, and Vibe8
never writes into the analysed repository, so the graph goes into an object folder of its own that git
reads as an alternate (GIT_ALTERNATE_OBJECT_DIRECTORIES). A graph only describes commits, which are
named by their content, so git answers exactly as without it; when the repository has a graph of its
own, git uses that one. The folder is kept under `<cache dir>/commit-graph/<hash of the root commits>` (graph_home):
analysing a later commit of the same repository adds a layer with only the new commits (`--split`).
Histories reach the engine only from clones (whose object names git computed from their content) or
from a user's own checkout (`analyze PATH`), so a graph cannot be forged for another user's repository.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
from pathlib import Path

from vibe8_core.collectors.churn import run_git

log = logging.getLogger(__name__)
GRAPH_FOLDER = "commit-graph"
WRITE_SHARE = 0.25  # of the time left: past it, blame goes on without a graph


def repository_key(root: Path, timeout: float) -> str | None:
    """A name for the repository: the hash of its root commits (None when git cannot list them)."""
    roots = run_git(root, ["rev-list", "--max-parents=0", "HEAD"], timeout)
    if roots.returncode != 0 or not roots.stdout.strip():
        return None
    return hashlib.sha256("\n".join(sorted(roots.stdout.split())).encode()).hexdigest()


def graph_home(cache_dir: Path, repository: str) -> Path:
    """Where the repository's graph is kept in the cache (the cache's eviction removes such a folder whole)."""
    return cache_dir / GRAPH_FOLDER / repository[:2] / repository


def commit_graph(root: Path, home: Path, timeout: float) -> Path | None:
    """An object folder under `home` with a commit-graph (changed paths included) of every commit reachable
    from the repository's refs, for `git_env(..., alternates=...)`; None when none could be written in time."""
    objects = home.resolve() / "objects"  # git runs in the analysed folder: a relative cache path would miss
    if os.pathsep in str(objects):  # the variable is a list of folders
        return None
    try:
        (objects / "info").mkdir(parents=True, exist_ok=True)
        args = ["commit-graph", "write", "--reachable", "--changed-paths", "--split", "--no-progress"]
        written = run_git(root, [*args, "--object-dir", str(objects)], timeout * WRITE_SHARE, alternates=objects)
        if written.returncode != 0:  # e.g. another analysis holds the lock: a graph already there still serves
            log.debug("commit-graph not written: %s", written.stderr.strip()[-200:])
        os.utime(home)  # the cache's eviction goes by this time
        return objects if any((objects / "info").iterdir()) else None
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.debug("no commit-graph (%s)", type(exc).__name__)
        return None
