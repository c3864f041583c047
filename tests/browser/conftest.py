"""Fixtures for the end-to-end browser test: Debian's chromium through Playwright, and a real
`streamlit run app.py` on a free port over a freshly migrated SQLite database.

Without /usr/bin/chromium the test is skipped with the reason, unless VIBE8_REQUIRE_BROWSER=1
(CI sets it), in which case it fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from vibe8_core.config import PROJECT_ROOT
from vibe8_core.store.migrate import upgrade

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = PROJECT_ROOT / "artifacts"
SERVER_START_S = 60.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("VIBE8_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and VIBE8_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def app_url(tmp_path: Path) -> Iterator[str]:
    """A running Vibe8 on a fresh database, with its embedded worker; yields the base URL."""
    url = f"sqlite:///{tmp_path / 'vibe8.sqlite3'}"
    upgrade(url)
    port = _free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AUTH0_", "VIBE8_", "DATABASE_URL"))}
    env.update(
        {
            "DATABASE_URL": url,
            "VIBE8_EMBEDDED_WORKER": "1",
            "VIBE8_COLLECTOR_TIMEOUT": "60",
            "VIBE8_POLL_INTERVAL": "0.3",
            "VIBE8_HEARTBEAT_INTERVAL": "0.5",
            "VIBE8_PACKAGE_INDEX_URL": "http://127.0.0.1:9/pypi",  # offline: nothing listens there
            "VIBE8_PACKAGE_INDEX_TIMEOUT": "0.2",
            "VIBE8_CACHE_DIR": str(tmp_path / "cache"),
            "VIBE8_WORKSPACE_DIR": str(tmp_path),
        }
    )
    log = (tmp_path / "server.log").open("wb")
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true"]  # fmt: skip
    server = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                              start_new_session=True)  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + (tmp_path / "server.log").read_text()[-3000:])
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


@pytest.fixture
def browser_page(chromium: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1800})
        page.set_default_timeout(30_000)
        try:
            yield page
        finally:
            browser.close()
