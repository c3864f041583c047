"""What every command shares: the settings, the lazily opened database, output and refusal helpers."""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from vibe8_core.config import Settings
from vibe8_core.identity import resolve_cli_user
from vibe8_core.store import Database, NotFoundError, UserRecord
from vibe8_core.store.migrate import require_current_schema

if TYPE_CHECKING:
    # typeshed's name for what `ArgumentParser.add_subparsers()` returns
    Subparsers = argparse._SubParsersAction[argparse.ArgumentParser]

Handler = Callable[[argparse.Namespace, "CliContext"], int]


class CliError(Exception):
    """A refusal for the command line: printed as one line."""


class CliContext:
    """The settings, and the database opened (and checked) on first use and closed at exit."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = Database(self.settings.database)
            require_current_schema(self._db)
        return self._db

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


def dump(data: Any) -> None:
    """Print `data` as indented JSON on stdout (dates and UUIDs as strings)."""
    json.dump(data, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")


def user_or_none(ctx: CliContext, email: str) -> UserRecord | None:
    """The stored user for `email`, or None when they never signed in (reads create nobody)."""
    with ctx.db.unit_of_work() as uow:
        return resolve_cli_user(uow, ctx.settings.auth, email, create=False)


def required_user(ctx: CliContext, email: str) -> UserRecord:
    """The stored user for `email`; someone who never signed in owns nothing, so: not found."""
    user = user_or_none(ctx, email)
    if user is None:
        raise NotFoundError()
    return user


def add_user_command(sub: Subparsers, name: str, help: str, handler: Handler) -> argparse.ArgumentParser:
    """A command about one user's records: `name [--user EMAIL] [--json]`, handled by `handler`."""
    parser = sub.add_parser(name, help=help)
    parser.add_argument("--user", required=True, metavar="EMAIL")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(handler=handler)
    return parser


def parse_run_id(raw: str) -> uuid.UUID:
    """A malformed id is the same refusal as an unknown one: nothing tells ids apart from outside."""
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise NotFoundError() from None
