"""`migrate`: create or upgrade the schema, then refresh what older rows lack."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext
from vibe8_core.store import Database
from vibe8_core.store.migrate import upgrade

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    sub.add_parser("migrate", help="create or upgrade the database schema").set_defaults(handler=cmd_migrate)


def cmd_migrate(args: argparse.Namespace, ctx: CliContext) -> int:
    """Upgrade the schema, then store a current summary on every run that lacks one (older rows, or
    summaries of an older version after an upgrade changed a score's formula)."""
    db = Database(ctx.settings.database)
    try:
        db.check_connection()
        upgrade(ctx.settings.database.url)
        with db.unit_of_work() as uow:
            refreshed = uow.runs.refresh_summaries()
            uow.commit()
    finally:
        db.dispose()
    print("Database schema is up to date.")
    if refreshed:
        print(f"Stored the summary of {refreshed:,} run(s).")
    return 0
