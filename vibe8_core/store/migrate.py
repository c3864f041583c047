"""Run the Alembic migrations from code (the CLI's `migrate`, the app's start-up, the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from vibe8_core.config import PROJECT_ROOT
from vibe8_core.store.db import Database, database_errors
from vibe8_core.store.errors import DatabaseUnavailableError


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logging"] = False
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Upgrade to `revision`; a database failing midway is DatabaseFailedError, one sentence like any other."""
    with database_errors():
        command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(database_url), revision)


def current_revision(db: Database) -> str | None:
    """The revision the database is at; None when it has no schema yet."""
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def require_current_schema(db: Database) -> None:
    """Refuse to work on a database that is not migrated to head, with the command that fixes it."""
    db.check_connection()
    head = ScriptDirectory.from_config(alembic_config(db.settings.url)).get_current_head()
    with database_errors():
        current = current_revision(db)
    if current != head:
        raise DatabaseUnavailableError(
            f"The database schema is at {current or 'nothing'}, not {head}: run `python -m vibe8_core migrate`."
        )
