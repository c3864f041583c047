"""Settings come from the environment, with defaults, and bad values are named in one sentence."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from vibe8_core.config import DEFAULT_SQLITE_PATH, PROJECT_ROOT, ConfigError, DatabaseSettings, load_settings
from vibe8_core.store import Database, DatabaseUnavailableError


def test_defaults_need_no_environment() -> None:
    settings = load_settings({})
    assert settings.database.url == f"sqlite:///{DEFAULT_SQLITE_PATH}"
    assert (settings.database.pool_size, settings.database.max_overflow) == (5, 10)
    assert settings.sources.upload_max_bytes == 50 * 2**20 and settings.sources.max_entries == 20_000
    assert settings.jobs.embedded_worker and not settings.auth.enabled


def test_values_are_read_and_lists_split() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://u@h/db",
            "DB_POOL_SIZE": "7",
            "VIBE8_EMBEDDED_WORKER": "0",
            "VIBE8_ALLOWED_EMAILS": " a@x.com, @y.org ,",
            "AUTH0_DOMAIN": "t.eu.auth0.com",
            "AUTH0_CLIENT_ID": "abc",
        }
    )
    assert settings.database.url == "postgresql://u@h/db" and settings.database.pool_size == 7
    assert not settings.jobs.embedded_worker
    assert settings.auth.allowed_emails == ("a@x.com", "@y.org") and settings.auth.enabled


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DB_POOL_SIZE", "many"),
        ("DB_POOL_SIZE", "0"),
        ("VIBE8_EMBEDDED_WORKER", "perhaps"),
        ("VIBE8_POLL_INTERVAL", "x"),
    ],
)
def test_malformed_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({name: value})


@pytest.mark.parametrize(
    ("url", "fragment"),
    [
        ("not a url", "malformed"),
        ("mysql://u@h/db", "supports sqlite and postgresql"),
        ("postgresql://nobody@127.0.0.1:1/none", "Cannot reach the database"),
    ],
)
def test_bad_database_urls_are_one_clear_line(url: str, fragment: str) -> None:
    db = Database(DatabaseSettings(url=url))
    try:
        with pytest.raises(DatabaseUnavailableError) as excinfo:
            db.check_connection()
    finally:
        db.dispose()
    message = str(excinfo.value)
    assert fragment in message and "\n" not in message


def test_importing_vibe8_builds_no_engine() -> None:
    """No module opens a database at import time: creating an engine during the imports fails."""
    probe = textwrap.dedent(
        """
        import pkgutil, importlib, sqlalchemy
        def refuse(*args, **kwargs):
            raise SystemExit("an engine was created at import time")
        sqlalchemy.create_engine = refuse
        import vibe8_core
        for module in pkgutil.walk_packages(vibe8_core.__path__, "vibe8_core."):
            if module.name != "vibe8_core.__main__":
                importlib.import_module(module.name)
        print("imported")
        """
    )
    env = {**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "imported", result.stderr[-2000:]


def test_sign_in_settings_and_their_defaults() -> None:
    auth = load_settings({"AUTH0_DOMAIN": "t.eu.auth0.com", "AUTH0_CLIENT_ID": "abc"}).auth
    assert (auth.mode, auth.max_auth_age_s, auth.session_idle_s, auth.session_lifetime_s) == ("popup", 300, 1800, 28800)
    auth = load_settings({"AUTH0_DOMAIN": "t", "AUTH0_CLIENT_ID": "c", "VIBE8_AUTH_MODE": "OIDC",
                          "VIBE8_SESSION_IDLE_TIMEOUT": "60", "VIBE8_SESSION_LIFETIME": "3600"}).auth  # fmt: skip
    assert (auth.mode, auth.session_idle_s, auth.session_lifetime_s) == ("oidc", 60, 3600)


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"AUTH0_DOMAIN": "t.eu.auth0.com"}, "must be set together"),
        ({"AUTH0_CLIENT_ID": "abc"}, "must be set together"),
        ({"VIBE8_AUTH_MODE": "oidc"}, "needs AUTH0_DOMAIN"),
        ({"VIBE8_AUTH_MODE": "saml"}, "VIBE8_AUTH_MODE must be one of popup, oidc"),
        ({"VIBE8_SESSION_IDLE_TIMEOUT": "0"}, "VIBE8_SESSION_IDLE_TIMEOUT"),
    ],
)
def test_half_a_sign_in_configuration_refuses_to_start(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigError, match=fragment):
        load_settings(env)
