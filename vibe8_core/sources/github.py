"""Repository URLs and branch names typed by strangers, checked and rebuilt before git sees them.

The user's URL is never handed to git: it is parsed, every part is checked, and a fresh
`https://HOST/OWNER/REPO` is built from the owner and repository names alone.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from urllib.parse import urlsplit

from vibe8_core.config import SourceSettings
from vibe8_core.sources.errors import SourceError, shown
from vibe8_core.sources.gitconfig import isolated_git_env

MAX_URL_LENGTH = 2048
MAX_BRANCH_LENGTH = 255
# GitHub's own rules: owners are 1-39 letters, digits and single hyphens; repositories are
# 1-100 letters, digits, '.', '_' and '-'.
_OWNER = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})")
_REPO = re.compile(r"[A-Za-z0-9._-]{1,100}")
_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")


def normalize_github_url(url: str, settings: SourceSettings) -> str:
    """Return the canonical `https://github.com/OWNER/REPO` for `url`, or raise SourceError."""
    url = url.strip() if isinstance(url, str) else ""
    if not url:
        raise SourceError("Enter a repository URL of the form https://github.com/OWNER/REPO.")
    if len(url) > MAX_URL_LENGTH or _CONTROL_OR_SPACE.search(url) or "\\" in url:
        raise SourceError("Repository URLs must not contain spaces, backslashes or control characters.")
    if not url.lower().startswith("https://"):
        raise SourceError("Only https:// repository URLs are accepted.")
    if "%" in url:
        raise SourceError("Repository URLs must not contain percent-encoded characters.")
    if "?" in url or "#" in url:
        raise SourceError("Repository URLs must not contain a query string or a fragment.")
    parts = urlsplit(url)
    if "@" in parts.netloc:
        raise SourceError("Repository URLs must not contain a user name or password.")
    if ":" in parts.netloc:
        raise SourceError("Repository URLs must not name a port.")
    host = parts.netloc.lower()
    allowed = tuple(allowed_host.lower() for allowed_host in settings.git_allowed_hosts)
    if host not in allowed:
        raise SourceError(f"Only repositories on {', '.join(allowed) or 'no host'} are accepted.")
    owner, repo = _owner_and_repo(parts.path)
    return f"https://{host}/{owner}/{repo}"


def _owner_and_repo(path: str) -> tuple[str, str]:
    segments = path.removesuffix("/").split("/")
    if len(segments) != 3 or segments[0] != "":
        raise SourceError("Repository URLs must have exactly the form https://github.com/OWNER/REPO.")
    owner, repo = segments[1], segments[2].removesuffix(".git")
    if not _OWNER.fullmatch(owner) or owner.endswith("-") or "--" in owner:
        raise SourceError(f"The repository owner {shown(owner)} is not a valid GitHub user or organisation name.")
    if not _REPO.fullmatch(repo) or repo in (".", "..") or repo.startswith("-"):
        raise SourceError(f"The repository name {shown(repo)} is not a valid GitHub repository name.")
    return owner, repo


def validate_branch(branch: str) -> str:
    """Return `branch` if git accepts it as a branch name and it cannot be read as an option."""
    if not isinstance(branch, str) or not branch:
        raise SourceError("Enter the name of the branch to analyse.")
    if branch.startswith("-"):
        raise SourceError("Branch names must not start with '-'.")
    if len(branch) > MAX_BRANCH_LENGTH or _CONTROL_OR_SPACE.search(branch):
        raise SourceError("Branch names must be at most 255 characters without spaces or control characters.")
    # `@{-1}` is valid for check-ref-format --branch but means "the previous branch" of some repository.
    if ".." in branch or "@{" in branch:
        raise SourceError(f"The branch name {shown(branch)} is not a valid git branch name.")
    with tempfile.TemporaryDirectory(prefix="vibe8-ref-") as home:
        result = subprocess.run(
            ["git", "check-ref-format", "--branch", branch],
            cwd=home,
            env=isolated_git_env(home),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    if result.returncode != 0 or result.stdout.strip() != branch:
        raise SourceError(f"The branch name {shown(branch)} is not a valid git branch name.")
    return branch
