"""Every failure while a job runs, saving included, ends the job once with one true sentence."""

from __future__ import annotations

import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, event, select, text

from tests.jobs.conftest import GOOD_PY, FakeEngine, job_row
from vibe8_core.analysis import AnalysisResult
from vibe8_core.config import ConfigError, load_settings
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.jobs.submissions import Authorship, submit_upload
from vibe8_core.store import Database
from vibe8_core.store.models import AnalysisRun
from vibe8_core.store.storable import NUL_MARKER


def _user_id(db: Database) -> uuid.UUID:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email(f"{uuid.uuid4().hex}@example.com")
        uow.commit()
    return user.id


def _runs(db: Database, user_id: uuid.UUID) -> int:
    with db.unit_of_work() as uow:
        return len(uow.session.execute(select(AnalysisRun.run_id).where(AnalysisRun.user_id == user_id)).all())


class RaisingSave:
    """Makes the INSERT of the run fail the way a refusing database does, `times` times."""

    def __init__(self, db: Database, times: int = 1) -> None:
        self.left = times
        event.listen(db.engine, "before_cursor_execute", self)

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if self.left and statement.lstrip().upper().startswith("INSERT INTO ANALYSIS_RUNS"):
            self.left -= 1
            raise ValueError("total size of jsonb array elements exceeds the maximum")


def test_a_database_error_while_saving_fails_the_job_at_once_and_the_worker_goes_on(db: Database, settings) -> None:
    user_id = _user_id(db)
    first = submit_upload(db, settings, user_id, "a.py", GOOD_PY, Authorship())
    second = submit_upload(db, settings, user_id, "b.py", GOOD_PY, Authorship())
    RaisingSave(db)
    assert JobRunner(db, settings, analyze=FakeEngine()).drain() == 2
    failed = job_row(db, first)
    assert failed.status == "failed" and failed.attempts == 1 and failed.claimed_by is None
    assert failed.error_message.startswith("The result could not be saved")
    assert "total size of jsonb" in failed.error_message and "\n" not in failed.error_message
    assert job_row(db, second).status == "completed" and _runs(db, user_id) == 1


def test_a_result_over_the_size_cap_fails_with_a_clear_sentence(db: Database, settings) -> None:
    user_id = _user_id(db)
    job_id = submit_upload(db, settings, user_id, "a.py", GOOD_PY, Authorship())

    def huge(root: Path, **_: Any) -> AnalysisResult:
        return AnalysisResult({"size": {}}, {"version": 1, "files": [{"path": "x" * 2**20}] * 2}, [])

    small = replace(settings, jobs=replace(settings.jobs, max_result_mb=1))
    assert JobRunner(db, small, analyze=huge).drain() == 1
    job = job_row(db, job_id)
    assert job.status == "failed" and "over the 1 MB that can be stored" in job.error_message
    assert _runs(db, user_id) == 0


def test_hostile_strings_in_the_result_are_stored_as_markers(db: Database, settings) -> None:
    user_id = _user_id(db)
    job_id = submit_upload(db, settings, user_id, "a.py", GOOD_PY, Authorship())

    def hostile(root: Path, **_: Any) -> AnalysisResult:
        tree = {"version": 1, "files": [{"path": "bad\udcff.py", "findings": [{"message": 'B105 "a\x00b"'}]}]}
        return AnalysisResult({"deps": {"package_health": [{"name": "\x00evil"}]}}, tree, ["bad\udcff.py: \x00"])

    assert JobRunner(db, settings, analyze=hostile).drain() == 1
    job = job_row(db, job_id)
    assert job.status == "completed", job.error_message
    with db.unit_of_work() as uow:
        run = uow.runs.get(job.result_run_id, user_id, with_tree=True)
    assert run.file_tree["files"][0]["path"] == "bad\ufffd.py"
    assert run.metrics["deps"]["package_health"][0]["name"] == f"{NUL_MARKER}evil"


def test_killing_the_workers_connection_mid_job_finishes_the_job_exactly_once(
    migrated_postgres_url: str, settings
) -> None:
    """pg_terminate_backend on every connection of the worker while it analyses: the job ends once."""
    settings = replace(settings, database=replace(settings.database, url=migrated_postgres_url))
    db = Database(settings.database)
    admin = create_engine(migrated_postgres_url, isolation_level="AUTOCOMMIT")
    try:
        user_id = _user_id(db)
        job_ids = [submit_upload(db, settings, user_id, f"{n}.py", GOOD_PY, Authorship()) for n in range(3)]
        engine = FakeEngine(steps=3, delay=0.2)

        def killing(root: Path, **kwargs: Any) -> AnalysisResult:
            with admin.connect() as conn:
                killed = conn.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar()
            assert killed
            return engine(root, **kwargs)

        assert JobRunner(db, settings, analyze=killing).drain() == 3
        rows = [job_row(db, job_id) for job_id in job_ids]
        assert [row.status for row in rows] == ["completed"] * 3
        assert [row.attempts for row in rows] == [1, 1, 1]
        assert _runs(db, user_id) == 3 and len({row.result_run_id for row in rows}) == 3
    finally:
        admin.dispose()
        db.dispose()


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"VIBE8_HEARTBEAT_INTERVAL": "90"}, "INTERVAL (90) must be below VIBE8_HEARTBEAT_TIMEOUT (60)"),
        ({"VIBE8_HEARTBEAT_INTERVAL": "5", "VIBE8_HEARTBEAT_TIMEOUT": "5"}, "must be below VIBE8_HEARTBEAT_TIMEOUT"),
        ({"VIBE8_HEARTBEAT_TIMEOUT": "4000"}, "must be at most VIBE8_JOB_TIME_LIMIT (1800)"),
        ({"VIBE8_FILE_TIMEOUT": "700"}, "VIBE8_FILE_TIMEOUT (700) must be at most VIBE8_COLLECTOR_TIMEOUT"),
        ({"VIBE8_UPLOAD_MAX_MB": "600"}, "VIBE8_UPLOAD_MAX_MB (600) must be at most VIBE8_UNCOMPRESSED_MAX_MB"),
    ],
)
def test_contradictory_settings_refuse_to_start_in_one_sentence(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(env)
    assert named in str(refused.value) and str(refused.value).count(". ") == 0
