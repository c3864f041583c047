"""Engine, sessions and the unit of work.

`Database` builds its engine on first use, never at import. `unit_of_work()` hands out one session
with its repositories; it rolls back unless `commit()` was called.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session

from vibe8_core.config import DatabaseSettings
from vibe8_core.store.errors import DatabaseFailedError, DatabaseUnavailableError
from vibe8_core.store.jobs import JobRepository
from vibe8_core.store.runs import RunRepository
from vibe8_core.store.sign_ins import SignInRepository
from vibe8_core.store.sources import RunSourceRepository
from vibe8_core.store.users import UserRepository

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def parse_database_url(raw: str) -> URL:
    """Parse and check DATABASE_URL; a plain `postgresql://` URL uses psycopg 3."""
    try:
        url = make_url(raw)
    except ArgumentError:
        raise DatabaseUnavailableError(
            "DATABASE_URL is malformed: expected e.g. sqlite:///data/vibe8.sqlite3 or "
            "postgresql://user@host:5432/dbname."
        ) from None
    if url.get_backend_name() not in SUPPORTED_BACKENDS:
        raise DatabaseUnavailableError(
            f"DATABASE_URL uses {url.get_backend_name()!r}; Vibe8 supports sqlite and postgresql."
        )
    if url.get_backend_name() == "postgresql" and url.get_driver_name() in ("", "psycopg2"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # pysqlite's own transaction handling lets SAVEPOINT commit on its own; SQLAlchemy's documented
    # recipe: turn it off here and emit BEGIN ourselves (IMMEDIATE: writers queue on busy_timeout
    # instead of failing when a read lock cannot be upgraded).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def build_engine(settings: DatabaseSettings) -> Engine:
    """Create the engine for `settings.url` (creating the SQLite file's folder if needed)."""
    url = parse_database_url(settings.url)
    try:
        if url.get_backend_name() == "sqlite":
            if url.database and url.database != ":memory:":
                Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE"))
            return engine
        return create_engine(
            url,
            pool_size=settings.pool_size,
            max_overflow=settings.max_overflow,
            pool_pre_ping=True,
            connect_args={"connect_timeout": 5},
        )
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise DatabaseUnavailableError(f"DATABASE_URL cannot be used: {exc}.") from None


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return parse_database_url(url).render_as_string(hide_password=True)
    except DatabaseUnavailableError:
        return "<malformed DATABASE_URL>"


def driver_reason(exc: DBAPIError) -> str:
    """The first line of what the driver said (no SQL, no parameters), for a one-sentence message."""
    lines = str(exc.orig).strip().splitlines() if exc.orig is not None else []
    return lines[0] if lines else type(exc).__name__


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn a driver error inside the block into DatabaseFailedError (its first line as the reason)."""
    try:
        yield
    except DBAPIError as exc:
        raise DatabaseFailedError(driver_reason(exc)) from exc


class UnitOfWork:
    """One session and its repositories; nothing persists unless `commit()` is called."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.users = UserRepository(session)
        self.runs = RunRepository(session)
        self.jobs = JobRepository(session)
        self.sign_ins = SignInRepository(session)
        self.sources = RunSourceRepository(session)

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()


class Database:
    """The process's handle on the database; the engine is built lazily and shared by threads."""

    def __init__(self, settings: DatabaseSettings) -> None:
        self.settings = settings
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                self._engine = build_engine(self.settings)
            return self._engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """One session; a driver error inside it leaves as DatabaseFailedError, so no caller above the
        store has to know SQLAlchemy's exceptions."""
        session = Session(self.engine, expire_on_commit=False)
        try:
            with database_errors():
                yield UnitOfWork(session)
        finally:
            session.rollback()
            session.close()

    def check_connection(self) -> None:
        """Connect once; raise DatabaseUnavailableError with one clear line if that fails."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise DatabaseUnavailableError(
                f"Cannot reach the database at {describe_url(self.settings.url)}: {driver_reason(exc)}"
            ) from None

    def dispose(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
