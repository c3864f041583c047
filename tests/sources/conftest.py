"""Fixtures for the sources tests: private workspaces under tmp_path, local bare repositories that
stand in for github.com through git's own `url.<base>.insteadOf` rewriting, and a stalled server."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.sources.builders import Remotes, StalledServer
from vibe8_core.config import SourceSettings


@pytest.fixture
def source_settings(tmp_path: Path) -> SourceSettings:
    """Default limits, with workspaces created under tmp_path/work so tests can see what is left."""
    return SourceSettings(workspace_dir=tmp_path / "work")


def _git(*args: str, cwd: Path) -> str:
    home = cwd if cwd.is_dir() else cwd.parent
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def _commit(work: Path, name: str, content: str | bytes) -> str:
    path = work / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    _git("add", "--all", cwd=work)
    _git("commit", "--quiet", "-m", f"add {name}", cwd=work)
    return _git("rev-parse", "HEAD", cwd=work)


@pytest.fixture(scope="session")
def remotes(tmp_path_factory: pytest.TempPathFactory) -> Remotes:
    """octo/demo (main: 5 commits with a symlink to /etc/passwd; feature: +2) and octo/big (2 MB blob)."""
    root = tmp_path_factory.mktemp("remotes")
    work = tmp_path_factory.mktemp("work-tree")
    _git("init", "--quiet", "--bare", "--initial-branch=main", str(root / "octo" / "demo.git"), cwd=root)
    _git("init", "--quiet", "--initial-branch=main", cwd=work)
    (work / "leak").symlink_to("/etc/passwd")
    main = tuple(_commit(work, f"module_{index}.py", f"VALUE = {index}\n") for index in range(5))
    _git("checkout", "--quiet", "-b", "feature", cwd=work)
    _commit(work, "feature_a.py", "A = 1\n")
    feature = _commit(work, "feature_b.py", "B = 2\n")
    _git("push", "--quiet", str(root / "octo" / "demo.git"), "main", "feature", cwd=work)

    big = tmp_path_factory.mktemp("big-tree")
    _git("init", "--quiet", "--bare", "--initial-branch=main", str(root / "octo" / "big.git"), cwd=root)
    _git("init", "--quiet", "--initial-branch=main", cwd=big)
    _commit(big, "blob.bin", os.urandom(2 * 1024 * 1024))
    _git("push", "--quiet", str(root / "octo" / "big.git"), "main", cwd=big)
    return Remotes(root=root, main_shas=main, feature_sha=feature)


@pytest.fixture
def github_settings(source_settings: SourceSettings, remotes: Remotes) -> SourceSettings:
    """Production settings plus the one allowed test hook: https://github.com/ rewritten to file://."""
    rewrite = f"url.file://{remotes.root}/.insteadOf=https://github.com/"
    return replace(source_settings, git_extra_config=(rewrite,), git_clone_depth=2)


@pytest.fixture
def stalled_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[StalledServer]:
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.delenv(name, raising=False)  # git must connect to 127.0.0.1 itself
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    server = StalledServer(port=listener.getsockname()[1])

    def serve() -> None:
        try:
            connection, _ = listener.accept()
        except OSError:
            return
        server.accepted.append(connection)
        connection.settimeout(10)
        try:
            while connection.recv(4096):
                pass
        except TimeoutError:
            return
        except OSError:
            pass
        server.closed.set()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        listener.close()
        for connection in server.accepted:
            connection.close()
        thread.join(timeout=1)
