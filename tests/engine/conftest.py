"""Fixtures of the engine tests: trees written into tmp_path, in-process projects, a fake package index."""

from __future__ import annotations

import json
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from vibe8_core.collectors import blame
from vibe8_core.collectors.base import FileRecord, ProjectContext
from vibe8_core.collectors.files import discover_python_files, read_source
from vibe8_core.collectors.package_index import clear_cache
from vibe8_core.collectors.registry import per_file_collectors
from vibe8_core.config import EngineSettings

SITE_PACKAGES = Path(__file__).resolve().parents[2] / ".venv" / "lib" / "python3.11" / "site-packages"
VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write {relative path: text (dedented) or bytes} under root and return root."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@dataclass
class FakeIndex:
    """A package index JSON API on 127.0.0.1: {name: latest version}; `delay_s` slows every answer."""

    versions: dict[str, str]
    delay_s: float = 0.0
    requests: list[str] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def fake_index() -> Iterator[FakeIndex]:
    index = FakeIndex({})

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            index.requests.append(self.path)
            time.sleep(index.delay_s)
            name = self.path.strip("/").split("/")[-2]  # /pypi/<name>/json
            if name not in index.versions:
                self.send_error(404)
                return
            body = json.dumps({"info": {"name": name, "version": index.versions[name]}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    index.url = f"http://127.0.0.1:{server.server_address[1]}/pypi"
    clear_cache()
    try:
        yield index
    finally:
        server.shutdown()
        server.server_close()
        clear_cache()


def offline_settings(**overrides: Any) -> EngineSettings:
    """Engine settings for tests: two workers, no package index, no per-file cache (every figure computed)."""
    values: dict[str, Any] = {"workers": 2, "package_index_url": "http://127.0.0.1:9/pypi", "cache_max_mb": 0}
    return EngineSettings(**{**values, **overrides})


@pytest.fixture
def settings(fake_index: FakeIndex) -> EngineSettings:
    """Engine settings for tests: the fake index (never the real PyPI) and no per-file cache."""
    return offline_settings(package_index_url=fake_index.url, package_index_timeout_s=2.0, collector_timeout_s=120)


@pytest.fixture
def project_of(tmp_path: Path, settings: EngineSettings) -> Callable[[dict[str, str | bytes]], ProjectContext]:
    """Write a tree and build its ProjectContext in-process (per-file steps run here, no worker pool)."""

    def build(files: dict[str, str | bytes]) -> ProjectContext:
        root = write_tree(tmp_path / "project", files)
        records = []
        for path in discover_python_files(root):
            source = read_source(root, path)
            found = {c.name: c.analyse_file(source) for c in per_file_collectors()}
            sections = {name: None if section is None else section.to_json() for name, section in found.items()}
            records.append(FileRecord(path, source.parse_error, sections))

        def run_here(function: Callable[..., Any], *args: Any) -> Any:
            return function(*args)

        return ProjectContext(root, records, settings, time.monotonic() + 60, run_here)

    return build


@pytest.fixture
def blamed_paths(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths `git blame` runs on while the test lasts, in order."""
    paths: list[str] = []
    original = blame.blame_file

    def counting(root: Path, path: str, ignore_file: str | None, timeout: float, graph: Any = None) -> list[blame.Run]:
        paths.append(path)
        return original(root, path, ignore_file, timeout, graph)

    monkeypatch.setattr(blame, "blame_file", counting)
    return paths
