"""Fixtures for the end-to-end browser test: Debian's chromium through Playwright, and a real
`streamlit run app.py` on a free port over a freshly migrated SQLite database.

Without /usr/bin/chromium the test is skipped with the reason, unless VIBE8_REQUIRE_BROWSER=1
(CI sets it), in which case it fails.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.browser.fake_auth0 import Client, FakeAuth0, FakeAuth0Server, write_certificate
from vibe8_core.config import PROJECT_ROOT, DatabaseSettings
from vibe8_core.store import Database
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


def when_idle(page: Any) -> None:
    """Wait until no script run is going (Streamlit shows its running indicator during one), as a person
    would before clicking: Streamlit resets button clicks when a run ends, so a click that arrives during
    one (the run a file upload or a committed text field starts) can be forgotten."""
    page.wait_for_timeout(500)  # the indicator appears a moment after a run starts
    page.get_by_test_id("stStatusWidgetRunningIcon").wait_for(state="detached")


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        reason = f"{CHROMIUM} is missing (apt-get install chromium)"
        if os.environ.get("VIBE8_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " and VIBE8_REQUIRE_BROWSER=1")
        pytest.skip(reason)
    return CHROMIUM


@contextmanager
def running_app(tmp_path: Path, extra_env: dict[str, str] | None = None, extra_args: tuple[str, ...] = (),
                port: int | None = None, *, via_serve: bool = False) -> Iterator[str]:  # fmt: skip
    """A running Vibe8 on a fresh database, with its embedded worker; yields the base URL. With
    `via_serve`, started as `make run` starts it (`python -m vibe8_core serve`)."""
    url = f"sqlite:///{tmp_path / 'vibe8.sqlite3'}"
    upgrade(url)
    port = port or _free_port()
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
            **(extra_env or {}),
        }
    )
    log = (tmp_path / "server.log").open("wb")
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
               "--server.address", "127.0.0.1", "--server.headless", "true", *extra_args]  # fmt: skip
    if via_serve:
        command = [sys.executable, "-m", "vibe8_core", "serve", "--port", str(port), "--address", "127.0.0.1"]
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
def app_url(tmp_path: Path) -> Iterator[str]:
    """A running Vibe8 in local mode (no sign-in)."""
    with running_app(tmp_path) as base:
        yield base


@pytest.fixture
def served_app(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """Vibe8 as `make run` starts it, in local mode; yields the base URL and the server's log."""
    with running_app(tmp_path, via_serve=True) as base:
        yield base, tmp_path / "server.log"


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


# --- sign-in against a local fake Auth0 ------------------------------------------------------------

POPUP_CLIENT_ID = "vibe8-spa"
OIDC_CLIENT_ID = "vibe8-web"
OIDC_CLIENT_SECRET = "a-test-only-client-secret"
IDLE_TIMEOUT_S = 45  # long enough that a loaded machine's slowest step between two clicks stays inside it


@dataclass(frozen=True)
class SignInApp:
    """A Vibe8 that signs in through the fake tenant; `db` is its database, seeded with two users' runs."""

    base: str
    mode: str
    tenant: FakeAuth0
    db: Database


def _oidc_secrets(folder: Path, base: str, tenant: FakeAuth0) -> Path:
    path = folder / "secrets.toml"
    path.write_text(
        f'[auth]\nredirect_uri = "{base}/oauth2callback"\ncookie_secret = "{secrets.token_urlsafe(32)}"\n\n'
        f'[auth.auth0]\nclient_id = "{OIDC_CLIENT_ID}"\nclient_secret = "{OIDC_CLIENT_SECRET}"\n'
        f'server_metadata_url = "{tenant.base_url}/.well-known/openid-configuration"\n'
    )
    return path


@pytest.fixture(params=("popup", "oidc"))
def signin_app(request: pytest.FixtureRequest, tmp_path: Path, chromium: Path) -> Iterator[SignInApp]:
    """Vibe8 in `popup` or `oidc` mode against a fake Auth0 over HTTPS (its certificate trusted through
    SSL_CERT_FILE by the server, ignored by chromium), with a short idle timeout."""
    mode = request.param
    cert, key = write_certificate(tmp_path)
    with FakeAuth0Server(cert, key) as tenant:
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        tenant.clients[POPUP_CLIENT_ID] = Client(POPUP_CLIENT_ID, (base,), (f"{base}/",))
        callback = f"{base}/oauth2callback"
        tenant.clients[OIDC_CLIENT_ID] = Client(OIDC_CLIENT_ID, (callback,), (callback,), OIDC_CLIENT_SECRET)
        env = {"AUTH0_DOMAIN": tenant.domain, "VIBE8_AUTH_MODE": mode, "SSL_CERT_FILE": str(cert),
               "AUTH0_CLIENT_ID": OIDC_CLIENT_ID if mode == "oidc" else POPUP_CLIENT_ID,
               "VIBE8_ALLOWED_EMAILS": "@example.com", "VIBE8_SESSION_IDLE_TIMEOUT": str(IDLE_TIMEOUT_S)}  # fmt: skip
        args = ("--secrets.files", str(_oidc_secrets(tmp_path, base, tenant))) if mode == "oidc" else ()
        with running_app(tmp_path, env, args, port=port) as started:
            db = Database(DatabaseSettings(url=f"sqlite:///{tmp_path / 'vibe8.sqlite3'}"))
            try:
                yield SignInApp(base=started, mode=mode, tenant=tenant, db=db)
            finally:
                db.dispose()


@pytest.fixture
def browser(chromium: Path) -> Iterator[Any]:
    """Chromium itself, for tests that need several independent browser contexts (people)."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium), headless=True, args=[*CHROMIUM_ARGS, "--ignore-certificate-errors"]
        )
        try:
            yield launched
        finally:
            launched.close()
