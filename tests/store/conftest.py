"""Fixtures for schema tests: an empty database per test, on both backends."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import pg_server_url, throwaway_postgres_database


@pytest.fixture(params=("sqlite", "postgresql"))
def empty_database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """A database with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    with throwaway_postgres_database(pg_server_url(), "vibe8_empty") as url:
        yield url
