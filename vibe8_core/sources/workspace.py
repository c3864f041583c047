"""A submission becomes a private folder on disk for the length of one analysis, then disappears.

Every job gets its own `tempfile.mkdtemp` folder (mode 0700, readable by this user only); the code
goes in `src/`, git's HOME in `home/`. The folder is removed when the `with` block ends, whether
the analysis succeeded, failed or the extraction itself was refused. Its name carries the worker's
process id, so that a starting worker removes the folders of workers that were killed mid-job
(`remove_abandoned_workspaces`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vibe8_core.collectors.limits import pid_alive
from vibe8_core.config import SourceSettings
from vibe8_core.sources.clone import clone_repository
from vibe8_core.sources.errors import SourceError, shown
from vibe8_core.sources.github import normalize_github_url, validate_branch
from vibe8_core.sources.uploads import unpack_upload

log = logging.getLogger(__name__)
WORKSPACE_PREFIX = "vibe8-job-"  # then the worker's pid, "-", and mkdtemp's random part


@dataclass(frozen=True)
class PreparedSource:
    path: Path  # folder holding the code to analyse (inside the private workspace)
    commit_sha: str | None  # HEAD sha for GitHub clones, None for uploads
    is_git_checkout: bool  # True only for clones (churn runs only then)


def remove_abandoned_workspaces(settings: SourceSettings) -> int:
    """Remove this user's job folders whose worker process is gone (killed mid-job); returns how many."""
    parent = settings.workspace_dir or Path(tempfile.gettempdir())
    removed = 0
    with contextlib.suppress(OSError):
        for folder in parent.glob(f"{WORKSPACE_PREFIX}*"):
            pid = folder.name[len(WORKSPACE_PREFIX) :].split("-", 1)[0]
            with contextlib.suppress(OSError):
                if not pid.isdigit() or folder.lstat().st_uid != os.getuid() or pid_alive(int(pid)):
                    continue
                remove_tree(folder)
                removed += 1
    if removed:
        log.info("removed %d job folder(s) left by workers that died", removed)
    return removed


@contextmanager
def private_workspace(settings: SourceSettings) -> Iterator[Path]:
    """A new folder only this user can enter, removed with everything in it on exit."""
    parent = settings.workspace_dir
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    workspace = Path(tempfile.mkdtemp(prefix=f"{WORKSPACE_PREFIX}{os.getpid()}-", dir=parent))
    try:
        yield workspace
    finally:
        remove_tree(workspace)


def remove_tree(path: Path) -> None:
    """Delete `path` and everything below it; folders left unreadable or read-only are opened up first."""
    try:
        shutil.rmtree(path)
        return
    except FileNotFoundError:
        return
    except OSError:
        _open_up_folders(path)
    try:
        shutil.rmtree(path)
    except OSError:
        log.exception("could not remove the workspace %s", path)


def _open_up_folders(root: Path) -> None:
    """Give the owner full rights on every folder below `root` (never following links)."""
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        with contextlib.suppress(OSError):
            os.chmod(folder, stat.S_IRWXU)
            with os.scandir(folder) as entries:
                stack.extend(entry.path for entry in entries if entry.is_dir(follow_symlinks=False))


@contextmanager
def prepared_source(
    source_kind: str,
    metadata: Mapping[str, Any],
    settings: SourceSettings,
    on_step: Callable[[str], None] | None = None,
) -> Iterator[PreparedSource]:
    """Unpack an upload or clone a repository into a private workspace for the `with` block.

    `source_kind` "upload": metadata holds `upload_filename` and base64 `file_data`.
    `source_kind` "github": metadata holds `git_repo_url` and `git_branch` (checked again here).
    Raises SourceError, with one sentence for the user, when the submission is refused.
    """
    report = on_step or (lambda _step: None)
    with private_workspace(settings) as workspace:
        code = workspace / "src"
        code.mkdir(mode=0o700)
        if source_kind == "upload":
            report("extracting")
            yield PreparedSource(path=unpack_upload(metadata, code, settings), commit_sha=None, is_git_checkout=False)
        elif source_kind == "github":
            url = normalize_github_url(_text(metadata, "git_repo_url"), settings)
            branch = _text(metadata, "git_branch")  # empty: the repository's default branch
            checked_branch = validate_branch(branch) if branch else None
            home = workspace / "home"
            home.mkdir(mode=0o700)
            report("cloning")
            repo = code / "repo"
            sha = clone_repository(url, checked_branch, repo, home, settings)
            yield PreparedSource(path=repo, commit_sha=sha, is_git_checkout=True)
        else:
            raise SourceError(f"The source kind {shown(source_kind)} is not one of upload or github.")


def _text(metadata: Mapping[str, Any], key: str) -> str:
    value = metadata.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise SourceError(f"The job's {key} is not text.")
    return value.strip()
