"""`migrate`: create or upgrade the schema, then refresh what older rows lack."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from vibe8_core.cli.context import CliContext
from vibe8_core.store import Database
from vibe8_core.store.migrate import current_revision, upgrade

if TYPE_CHECKING:
    from vibe8_core.cli.context import Subparsers


def register(sub: Subparsers) -> None:
    parser = sub.add_parser("migrate", help="create or upgrade the database schema and re-score stale runs")
    parser.add_argument("--rescore", action="store_true", help="re-score every stored run, not only stale ones")
    parser.set_defaults(handler=cmd_migrate)


def cmd_migrate(args: argparse.Namespace, ctx: CliContext) -> int:
    """Upgrade the schema, then re-score every run scored by other formulas (or without a summary):
    its score fields, file severities and summary are rewritten from its stored measures."""
    db = Database(ctx.settings.database)
    try:
        db.check_connection()
        before = current_revision(db)
        upgrade(ctx.settings.database.url)
        after = current_revision(db)
        with db.unit_of_work() as uow:
            refreshed = uow.runs.refresh_summaries(everything=args.rescore)
            uow.commit()
    finally:
        db.dispose()
    if before is None:
        print(f"Created the database schema (revision {after}).")
    elif before != after:
        print(f"Upgraded the database schema from revision {before} to {after}.")
    else:
        print(f"The database schema is already up to date (revision {after}).")
    if refreshed:
        print(f"Re-scored {refreshed:,} run(s) with today's formulas.")
    return 0
