"""Which commit a branch of a remote repository points at now (`git ls-remote`), without cloning it.

A batch manifest resolves every GitHub row before anything is queued, so that a branch that does not
exist is refused at once and a manifest submitted twice finds the runs of the same commits.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from vibe8_core.config import SourceSettings
from vibe8_core.sources.clone import explain_clone_failure
from vibe8_core.sources.errors import SourceError, shown
from vibe8_core.sources.gitconfig import run_git

LS_REMOTE_TIMEOUT_S = 60.0


def resolve_branch_head(url: str, branch: str, settings: SourceSettings) -> str:
    """The sha of `branch` in the canonical repository `url`; SourceError with one sentence otherwise."""
    args = ("ls-remote", "--heads", "--end-of-options", url, f"refs/heads/{branch}")
    with tempfile.TemporaryDirectory(prefix="vibe8-ls-remote-") as home:
        try:
            result = run_git(
                settings, Path(home), *args, timeout=min(LS_REMOTE_TIMEOUT_S, settings.git_clone_timeout_s)
            )
        except subprocess.TimeoutExpired:
            raise SourceError(f"The repository {url} did not answer in time.") from None
    if result.returncode != 0:
        raise SourceError(explain_clone_failure(result.stderr, url, branch))
    for line in result.stdout.splitlines():
        sha, _, ref = line.partition("\t")
        if ref == f"refs/heads/{branch}":
            return sha
    raise SourceError(f"The branch {shown(branch)} does not exist in {url}.")
