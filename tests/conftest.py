"""Shared fixtures: a migrated throwaway database on SQLite and on PostgreSQL.

PostgreSQL comes from VIBE8_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/postgres):
each test session creates its own database there and drops it at the end. Where the server cannot
be reached the PostgreSQL half is skipped with the reason, unless VIBE8_REQUIRE_POSTGRES=1 (CI sets
it), in which case those tests fail.
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.sources.builders import Remotes
from vibe8_core.config import DatabaseSettings
from vibe8_core.store import Database
from vibe8_core.store.migrate import upgrade

DEFAULT_PG_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")


def pg_server_url() -> str:
    url = make_url(os.environ.get("VIBE8_TEST_POSTGRES_URL") or DEFAULT_PG_SERVER)
    if url.get_driver_name() in ("", "psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


@contextmanager
def throwaway_postgres_database(server: str, prefix: str) -> Iterator[str]:
    """Create an empty database on `server`, yield its URL, drop it (skip/fail if unreachable)."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any failure to reach the server decides skip/fail
        admin.dispose()
        reason = f"PostgreSQL at {make_url(server).render_as_string()} is unreachable: {exc.__class__.__name__}"
        if os.environ.get("VIBE8_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason + " (VIBE8_REQUIRE_POSTGRES=1)")
        pytest.skip(reason)
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_server_url() -> Iterator[str]:
    """The test session's own database on the PostgreSQL test server."""
    with throwaway_postgres_database(pg_server_url(), "vibe8_test") as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("sqlite") / "vibe8.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_server_url: str) -> str:
    upgrade(postgres_server_url)
    return postgres_server_url


def _truncate(db: Database) -> None:
    with db.engine.begin() as conn:
        for table in ("sign_ins", "jobs", "analysis_runs", "users"):
            conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    """A migrated database URL, once per backend."""
    fixture = "migrated_sqlite_url" if request.param == "sqlite" else "migrated_postgres_url"
    return request.getfixturevalue(fixture)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """A `Database` on an emptied, migrated schema (SQLite and PostgreSQL)."""
    database = Database(DatabaseSettings(url=database_url))
    _truncate(database)
    try:
        yield database
    finally:
        _truncate(database)
        database.dispose()


# --- local git repositories standing in for github.com ---------------------------------------


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
