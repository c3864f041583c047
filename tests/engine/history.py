"""Builds git repositories with chosen authors, committers and messages, inside a test's tmp_path."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

Person = tuple[str, str]  # (name, e-mail)
ALICE: Person = ("Alice Human", "alice@example.com")
EPOCH = 1_700_000_000


class HistoryRepo:
    """A work tree whose commits get increasing, fixed dates, so every run builds the same history."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.clock = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "--quiet", "--initial-branch=main")

    def git(self, *args: str, author: Person = ALICE, committer: Person | None = None, stdin: bytes = b"") -> str:
        committer = committer or author
        self.clock += 60
        env = {
            "PATH": os.environ.get("PATH", os.defpath), "HOME": str(self.path), "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull, "GIT_AUTHOR_NAME": author[0], "GIT_AUTHOR_EMAIL": author[1],
            "GIT_COMMITTER_NAME": committer[0], "GIT_COMMITTER_EMAIL": committer[1],
            "GIT_AUTHOR_DATE": f"{EPOCH + self.clock} +0000", "GIT_COMMITTER_DATE": f"{EPOCH + self.clock} +0000",
        }  # fmt: skip
        done = subprocess.run(["git", *args], cwd=self.path, env=env, input=stdin, capture_output=True, check=True)
        return done.stdout.decode().strip()

    def write(self, name: str, text: str) -> None:
        (self.path / name).parent.mkdir(parents=True, exist_ok=True)
        (self.path / name).write_text(text)

    def append(self, name: str, text: str) -> None:
        self.write(name, (self.path / name).read_text() + text)

    def commit(self, message: str, author: Person = ALICE, committer: Person | None = None) -> str:
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "-m", message, author=author, committer=committer)
        return self.git("rev-parse", "HEAD")
