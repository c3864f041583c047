"""Alembic environment: the URL is DATABASE_URL (or one handed in by vibe8_core.store.migrate)."""

from logging.config import fileConfig

from alembic import context

from vibe8_core.config import load_settings
from vibe8_core.store.db import build_engine
from vibe8_core.store.models import Base

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = Base.metadata


def _database_settings():
    settings = load_settings().database
    url = config.attributes.get("database_url")
    if url:
        settings = type(settings)(url=url, pool_size=settings.pool_size, max_overflow=settings.max_overflow)
    return settings


def run_migrations_offline() -> None:
    context.configure(
        url=_database_settings().url,
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = build_engine(_database_settings())
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=target_metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
