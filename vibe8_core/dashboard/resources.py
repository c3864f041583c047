"""Process-wide resources, created once with `st.cache_resource`: settings, the Database, the runner.

A database that cannot be reached or is not migrated raises DatabaseUnavailableError; exceptions are
never cached, so the next rerun tries again (after `python -m vibe8_core migrate`, the app just works).
"""

from __future__ import annotations

import importlib
import logging
import threading
from typing import Any

import streamlit as st

from vibe8_core.config import ConfigError, Settings, load_settings
from vibe8_core.dashboard import auth0_frontend
from vibe8_core.service import Service
from vibe8_core.store import Database, DatabaseUnavailableError
from vibe8_core.store.migrate import require_current_schema

log = logging.getLogger(__name__)


class StartupError(Exception):
    """The app cannot start; the message is one sentence for the person running it."""


def settings() -> Settings:
    """Settings from the environment (read per call: cheap, and tests change the environment)."""
    try:
        return load_settings()
    except ConfigError as exc:
        raise StartupError(str(exc)) from None


@st.cache_resource(show_spinner=False)
def _database(url: str, pool_size: int, max_overflow: int) -> Database:
    from vibe8_core.config import DatabaseSettings

    db = Database(DatabaseSettings(url=url, pool_size=pool_size, max_overflow=max_overflow))
    try:
        require_current_schema(db)
    except Exception:
        db.dispose()
        raise
    return db


def database(current: Settings | None = None) -> Database:
    """The shared, schema-checked Database for DATABASE_URL; StartupError when unusable."""
    cfg = (current or settings()).database
    try:
        return _database(cfg.url, cfg.pool_size, cfg.max_overflow)
    except DatabaseUnavailableError as exc:
        raise StartupError(str(exc)) from None


def service(current: Settings | None = None) -> Service:
    """Vibe8's use cases over the shared Database (cheap: the service only holds references)."""
    current = current or settings()
    return Service(database(current), current)


@st.cache_resource(show_spinner=False)
def _sign_in_frontend() -> Any:
    return auth0_frontend.login_component()


def check_sign_in_frontend(current: Settings) -> None:
    """With popup sign-in configured, prove streamlit-auth0's frontend build answers (once per process);
    StartupError with the reason otherwise. Local and oidc modes never mount it."""
    if not auth0_frontend.needs_frontend(current.auth):
        return
    try:
        _sign_in_frontend()
    except auth0_frontend.FrontendUnavailable as exc:
        raise StartupError(f"Sign-in cannot work: {exc}") from None


# Modules that take a second or more to import (scipy.stats alone ~1.3 s on this machine); loading them
# once per process in the background means no visitor's first page pays for it.
SLOW_IMPORTS = ("scipy.stats", "plotly.graph_objects", "vibe8_core.statistics")


@st.cache_resource(show_spinner=False)
def warm_imports() -> threading.Thread:
    """Import the slow modules in a background thread, once per process."""

    def _load() -> None:
        for name in SLOW_IMPORTS:
            importlib.import_module(name)

    thread = threading.Thread(target=_load, name="vibe8-warm-imports", daemon=True)
    thread.start()
    return thread


def ensure_runner(current: Settings) -> bool:
    """Start this process's embedded runner once (unless VIBE8_EMBEDDED_WORKER=0); True if running."""
    if not current.jobs.embedded_worker:
        return False
    try:
        # Imported here: the runner pulls in the whole analysis engine, which pages never need.
        from vibe8_core.jobs import embedded

        embedded.ensure(database(current), current)
    except ImportError as exc:  # the engine is missing from this install
        log.warning("embedded runner unavailable: %s", exc)
        return False
    return True
