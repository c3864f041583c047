"""The small fixture project of the golden test: a git repository with findings of every collector.

Built in tmp_path by the tests (never in the source tree), with fixed commit dates and identities so
the stored JSON is the same on every machine. `run.json` holds what the engine stored for it before
the typed-core refactor (issue #11); the golden test compares a new run with it.
"""

from __future__ import annotations

import subprocess
import textwrap
from pathlib import Path

from vibe8_core.collectors.churn import git_env

APP = '''\
"""The app module."""

import os
import subprocess
import pickle

import requests


def run(command):
    return subprocess.call(command, shell=True)


def load(blob):
    return pickle.loads(blob)


def classify(value, limit=[]):
    if value > 10:
        if value > 20:
            if value > 30:
                return "huge"
            return "big"
        return "medium"
    elif value < 0:
        return "negative"
    elif value == 1 or value == 2:
        return "tiny"
    elif value == 3 and limit:
        return "three"
    for item in limit:
        if item == value:
            return "seen"
    try:
        return str(value)
    except:
        return None


class Store:
    """A store."""

    def get(self, key):
        return os.environ.get(key)

    def _unused_helper(self):
        pass
'''

HELPERS = """\
def total(values):
    result = 0
    for value in values:
        result = result + value * 2
        result = result - value // 3
        result = result + len(str(value))
    return result


def unused_function():
    return 1
"""

COPY = """\
def total_again(values):
    result = 0
    for value in values:
        result = result + value * 2
        result = result - value // 3
        result = result + len(str(value))
    return result
"""

FILES: dict[str, str] = {
    "pkg/__init__.py": "",
    "pkg/app.py": APP,
    "pkg/helpers.py": HELPERS,
    "pkg/copy.py": COPY,
    "requirements.txt": "requests==2.0.0\nflask>=2\n",
}


def _git(root: Path, *args: str, when: int | None = None) -> None:
    env = git_env(root)
    if when is not None:
        env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = f"@{when} +0000"
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root, env=env, check=True, capture_output=True,
    )  # fmt: skip


def build_golden_project(root: Path) -> Path:
    """Write the project under `root` as a git checkout whose app module changed in six commits."""
    root.mkdir(parents=True)
    _git(root, "init", "-q")
    for index in range(6):
        for relative, text in FILES.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text) + ("" if index == 5 or relative != "pkg/app.py" else f"# {index}\n"))
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", f"change {index}", when=1_700_000_000 + 100 * index)
    return root
