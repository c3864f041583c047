"""Fixtures for the sources tests: private workspaces under tmp_path, local bare repositories that
stand in for github.com through git's own `url.<base>.insteadOf` rewriting, and a stalled server."""

from __future__ import annotations

import socket
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
