"""A backup of the whole database while it is in use (docs/OPERATIONS.md has the restore steps).

SQLite: the sqlite3 online backup API, which copies a consistent snapshot page by page while the app
and workers keep writing. PostgreSQL: `pg_dump` in plain SQL, without owners or grants, so that
`psql` restores it into any fresh database, after which `migrate` brings it to the current schema.
The password travels in PGPASSWORD, never on a command line that `ps` shows.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL

from vibe8_core.store.db import parse_database_url

PG_DUMP_TIMEOUT_S = 3600


class BackupError(ValueError):
    """The backup could not be written; one sentence."""


def libpq_target(url: URL) -> tuple[str, dict[str, str]]:
    """A `postgresql://` connection string without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _sqlite_backup(source: str, target: Path) -> None:
    if not source or source == ":memory:" or not Path(source).is_file():
        raise BackupError(f"there is no SQLite database file at {source or ':memory:'} to back up.")
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    reader = sqlite3.connect(f"file:{Path(source).resolve()}?mode=ro", uri=True)
    writer = sqlite3.connect(partial)
    try:
        reader.backup(writer)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not copy the database ({exc}).") from None
    finally:
        writer.close()
        reader.close()
    partial.replace(target)


def _pg_dump(url: URL, target: Path) -> None:
    binary = shutil.which("pg_dump")
    if binary is None:
        raise BackupError("pg_dump is not installed (Debian: apt-get install postgresql-client).")
    conninfo, env = libpq_target(url)
    partial = target.with_name(target.name + ".partial")
    command = [binary, "--no-owner", "--no-privileges", "--format=plain", "--file", str(partial), "--dbname", conninfo]
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=PG_DUMP_TIMEOUT_S, check=False)
    except subprocess.TimeoutExpired:
        partial.unlink(missing_ok=True)
        raise BackupError(f"pg_dump took longer than {PG_DUMP_TIMEOUT_S} s; no backup was written.") from None
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        reason = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[0]
        raise BackupError(f"pg_dump failed: {reason.removeprefix('pg_dump: ')}")
    partial.replace(target)


def backup_database(database_url: str, target: Path) -> Path:
    """Write a backup of DATABASE_URL's database to `target` (replaced only once complete)."""
    url = parse_database_url(database_url)
    target = target.expanduser()
    if target.is_dir():
        raise BackupError(f"{target} is a folder; name the backup file to write.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} does not exist.")
    if url.get_backend_name() == "sqlite":
        _sqlite_backup(url.database or "", target)
    else:
        _pg_dump(url, target)
    return target
