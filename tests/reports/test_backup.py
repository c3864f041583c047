"""Backup and restore of the whole database, as docs/OPERATIONS.md describes: `backup` (pg_dump, or
SQLite's online backup), `psql` into a fresh database, `migrate`, and every row is still there."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from tests.conftest import pg_server_url, throwaway_postgres_database
from tests.reports.conftest import CliRunner
from vibe8_core.config import DatabaseSettings
from vibe8_core.store import Database, NewRun
from vibe8_core.store.backup import BackupError, backup_database, libpq_target
from vibe8_core.store.migrate import upgrade
from vibe8_core.store.models import AnalysisRun, Job, User

TREE = {"version": 1, "files": [{"path": "a.py", "findings": [{"collector": "lint", "code": "F401", "line": 1,
                                                                "message": "`os` imported but unused"}],
                                 "blocks": [{"name": "f", "kind": "function", "complexity": 12}]}]}  # fmt: skip
METRICS = {"lint": {"total": 1, "linting_score": 97.5}, "size": {"files": 1, "sloc": 10, "avg_file_sloc": 10.0},
           "security": {"high": 0, "medium": 0, "low": 0, "security_score": 100.0}}  # fmt: skip


def _populate(url: str) -> None:
    """Two users, three runs (one with a file tree) and three jobs: pending, completed and failed."""
    db = Database(DatabaseSettings(url=url))
    try:
        with db.unit_of_work() as uow:
            ada = uow.users.get_or_create_by_email("ada@example.com")
            bob = uow.users.get_or_create_by_email("bob@example.com")
            runs = [
                uow.runs.create(ada.id, NewRun("upload", METRICS, TREE, ["dupes: slow"], upload_filename="a.zip")),
                uow.runs.create(ada.id, NewRun("github", METRICS, None, [], git_repo_url="https://github.com/o/r",
                                               git_branch="main", author_type="ai", author_model="claude")),
                uow.runs.create(bob.id, NewRun("upload", {}, {"version": 1, "files": []}, [], project_name="ünï")),
            ]  # fmt: skip
            for _ in range(3):
                uow.jobs.create_pending(ada.id, "upload", {"upload_filename": "a.zip", "file_data": "UEsF"})
            uow.commit()
        with db.unit_of_work() as uow:
            done, failed = uow.jobs.claim_next("worker-1"), uow.jobs.claim_next("worker-1")
            assert done is not None and failed is not None
            assert uow.jobs.mark_completed(done.job_id, "worker-1", runs[0].run_id)
            assert uow.jobs.mark_failed(failed.job_id, "worker-1", "The archive is corrupt.")
            uow.commit()
    finally:
        db.dispose()


def _contents(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of the three tables, in primary-key order, and every run as the repository reads it."""
    db = Database(DatabaseSettings(url=url))
    try:
        with db.unit_of_work() as uow:
            rows = {
                model.__tablename__: [dict(row) for row in uow.session.execute(
                    select(model.__table__).order_by(*model.__table__.primary_key.columns)).mappings()]
                for model in (User, AnalysisRun, Job)
            }  # fmt: skip
            rows["records"] = [
                uow.runs.get(run["run_id"], run["user_id"], with_tree=True) for run in rows["analysis_runs"]
            ]
        return rows
    finally:
        db.dispose()


@pytest.mark.postgres
@pytest.mark.skipif(shutil.which("psql") is None, reason="the PostgreSQL client (psql, pg_dump) is not installed")
def test_pg_dump_round_trip(run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    dump = tmp_path / "vibe8.sql"
    with throwaway_postgres_database(pg_server_url(), "vibe8_backup_src") as source:
        upgrade(source)
        _populate(source)
        before = _contents(source)
        monkeypatch.setenv("DATABASE_URL", source)
        code, _, err = run_cli("backup", dump)
        assert code == 0 and "Backed up the database" in err
    assert len(before["analysis_runs"]) == 3
    assert sorted(job["status"] for job in before["jobs"]) == ["completed", "failed", "pending"]

    with throwaway_postgres_database(pg_server_url(), "vibe8_backup_dst") as target:
        conninfo, env = libpq_target(make_url(target))
        subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", conninfo, "-f", str(dump)],
                       env=env, check=True, capture_output=True)  # fmt: skip
        monkeypatch.setenv("DATABASE_URL", target)
        code, out, _ = run_cli("migrate")
        assert code == 0 and "up to date" in out
        assert _contents(target) == before


def test_sqlite_online_backup(run_cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source = f"sqlite:///{tmp_path / 'live.sqlite3'}"
    upgrade(source)
    _populate(source)
    monkeypatch.setenv("DATABASE_URL", source)
    keep_open = Database(DatabaseSettings(url=source))  # the app is running: a connection stays open
    try:
        with keep_open.unit_of_work() as uow:
            assert uow.runs.count_for_user(uuid.uuid4()) == 0
            code, _, _ = run_cli("backup", tmp_path / "copy.sqlite3")
    finally:
        keep_open.dispose()
    assert code == 0
    copy = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", copy)
    assert run_cli("migrate")[0] == 0
    assert _contents(copy) == _contents(source)


def test_backup_refusals(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="no SQLite database file"):
        backup_database(f"sqlite:///{tmp_path / 'missing.sqlite3'}", tmp_path / "out")
    with pytest.raises(BackupError, match="is a folder"):
        backup_database(f"sqlite:///{tmp_path / 'missing.sqlite3'}", tmp_path)
    with pytest.raises(BackupError, match="does not exist"):
        backup_database(f"sqlite:///{tmp_path / 'x'}", tmp_path / "nowhere" / "out")
    if shutil.which("pg_dump"):
        with pytest.raises(BackupError, match="pg_dump failed"):
            backup_database("postgresql://nobody@127.0.0.1:9/none", tmp_path / "out.sql")
        assert not (tmp_path / "out.sql").exists() and not (tmp_path / "out.sql.partial").exists()
