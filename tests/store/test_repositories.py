"""Repositories and the unit of work, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from vibe8_core.store import Database, ForbiddenError, NewRun, NotFoundError, RunFilter
from vibe8_core.store.models import Job


def _run(project: str = "p", author_type: str = "human", model: str = "developer") -> NewRun:
    return NewRun(
        submission_type="upload",
        metrics={"size": {"sloc": 10}},
        file_tree={"version": 1, "files": []},
        errors=["x.py: syntax error"],
        upload_filename="x.py",
        project_name=project,
        author_type=author_type,
        author_model=model,
    )


def _user(db: Database, email: str):
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email(email)
        uow.commit()
    return user


def test_unit_of_work_rolls_back_unless_committed(db: Database) -> None:
    with db.unit_of_work() as uow:
        uow.users.get_or_create_by_email("gone@example.com")
    with db.unit_of_work() as uow:
        assert uow.users.find_by_email("gone@example.com") is None
    with pytest.raises(RuntimeError), db.unit_of_work() as uow:
        uow.users.get_or_create_by_email("boom@example.com")
        raise RuntimeError
    with db.unit_of_work() as uow:
        assert uow.users.find_by_email("boom@example.com") is None


def test_users_email_case_insensitive_and_auth0_linking(db: Database) -> None:
    first = _user(db, "Ada@Example.COM")
    again = _user(db, "  ada@example.com ")
    assert first.id == again.id and first.email == "ada@example.com"
    with db.unit_of_work() as uow:
        assert uow.users.find_by_auth0_sub("auth0|1") is None
        linked = uow.users.link_auth0_sub(first.id, "auth0|1")
        uow.users.touch_last_login(first.id)
        uow.commit()
    assert linked.auth0_sub == "auth0|1"
    with db.unit_of_work() as uow:
        found = uow.users.find_by_auth0_sub("auth0|1")
    assert found is not None and found.id == first.id
    assert found.last_login is not None and found.last_login.tzinfo is not None
    assert abs(found.last_login - datetime.now(UTC)) < timedelta(minutes=1)


def test_runs_history_newest_first_with_paging_and_filters(db: Database) -> None:
    ada, bob = _user(db, "ada@example.com"), _user(db, "bob@example.com")
    created = []
    with db.unit_of_work() as uow:
        for i in range(5):
            created.append(uow.runs.create(ada.id, _run(project=f"p{i % 2}", author_type="ai" if i % 2 else "human")))
        uow.runs.create(bob.id, _run())
        uow.commit()
    with db.unit_of_work() as uow:
        runs = uow.runs.list_for_user(ada.id)
        assert [r.run_id for r in runs] == [r.run_id for r in reversed(created)]
        assert runs[0].file_tree is None
        page = uow.runs.list_for_user(ada.id, limit=2, offset=2)
        assert [r.run_id for r in page] == [created[2].run_id, created[1].run_id]
        assert uow.runs.count_for_user(ada.id) == 5
        assert uow.runs.count_for_user(ada.id, RunFilter(project_name="p1")) == 2
        assert {r.author_type for r in uow.runs.list_for_user(ada.id, RunFilter(author_type="ai"))} == {"ai"}
        assert uow.runs.count_for_user(ada.id, RunFilter(author_model="nobody")) == 0
        since = uow.runs.list_for_user(ada.id, RunFilter(created_from=created[3].created_at))
        assert [r.run_id for r in since] == [created[4].run_id, created[3].run_id]
        until = uow.runs.list_for_user(ada.id, RunFilter(created_to=created[0].created_at))
        assert [r.run_id for r in until] == [created[0].run_id]
        assert uow.runs.distinct_values(ada.id, "project_name") == ["p0", "p1"]


def test_run_ownership_checks(db: Database) -> None:
    ada, bob = _user(db, "ada@example.com"), _user(db, "bob@example.com")
    with db.unit_of_work() as uow:
        run = uow.runs.create(ada.id, _run())
        uow.commit()
    with db.unit_of_work() as uow:
        full = uow.runs.get(run.run_id, ada.id, with_tree=True)
        assert full.file_tree == {"version": 1, "files": []} and full.errors == ["x.py: syntax error"]
        with pytest.raises(ForbiddenError) as forbidden:
            uow.runs.get(run.run_id, bob.id)
        with pytest.raises(NotFoundError) as missing:
            uow.runs.get(uuid.uuid4(), bob.id)
        assert str(forbidden.value) == str(missing.value)
        with pytest.raises(ForbiddenError):
            uow.runs.delete(run.run_id, bob.id)
        uow.commit()
    with db.unit_of_work() as uow:
        uow.runs.delete(run.run_id, ada.id)
        uow.commit()
    with db.unit_of_work() as uow, pytest.raises(NotFoundError):
        uow.runs.get(run.run_id, ada.id)


def test_jobs_owner_view_and_cleanup(db: Database) -> None:
    ada, bob = _user(db, "ada@example.com"), _user(db, "bob@example.com")
    with db.unit_of_work() as uow:
        job_id = uow.jobs.create_pending(ada.id, "upload", {"upload_filename": "a.py", "file_data": "eA=="})
        old_id = uow.jobs.create_pending(
            ada.id, "github", {"git_repo_url": "https://github.com/o/r", "git_branch": "main"}
        )
        uow.commit()
    with db.unit_of_work() as uow:
        job = uow.jobs.get_for_owner(job_id, ada.id)
        assert (job.status, job.source_label) == ("pending", "a.py")
        # newest first: old_id was created after job_id
        assert [j.job_id for j in uow.jobs.list_for_user(ada.id, ("pending",))] == [old_id, job_id]
        assert uow.jobs.list_for_user(ada.id, ("failed",)) == []
        with pytest.raises(ForbiddenError):
            uow.jobs.get_for_owner(job_id, bob.id)
        with pytest.raises(NotFoundError):
            uow.jobs.get_for_owner("nope", ada.id)
        uow.session.execute(
            update(Job)
            .where(Job.job_id == old_id)
            .values(status="failed", updated_at=datetime.now(UTC) - timedelta(days=30))
        )
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.jobs.delete_finished_older_than(7 * 24 * 3600) == 1
        assert uow.jobs.delete_finished_older_than(0) == 0  # the pending one is not finished
        with pytest.raises(ForbiddenError):
            uow.jobs.delete_for_owner(job_id, bob.id)
        uow.jobs.delete_for_owner(job_id, ada.id)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.jobs.list_for_user(ada.id) == []


def test_updated_at_moves_on_every_update(db: Database) -> None:
    ada = _user(db, "ada@example.com")
    with db.unit_of_work() as uow:
        job_id = uow.jobs.create_pending(ada.id, "upload", {})
        uow.commit()
    with db.unit_of_work() as uow:
        before = uow.session.scalar(select(Job.updated_at).where(Job.job_id == job_id))
    time.sleep(0.02)
    with db.unit_of_work() as uow:
        uow.session.get(Job, job_id).error_message = "touched"
        uow.commit()
    with db.unit_of_work() as uow:
        after = uow.session.scalar(select(Job.updated_at).where(Job.job_id == job_id))
    assert after > before


def test_deleting_a_user_cascades_and_deleting_a_run_sets_job_result_null(db: Database) -> None:
    ada = _user(db, "ada@example.com")
    with db.unit_of_work() as uow:
        run = uow.runs.create(ada.id, _run())
        job_id = uow.jobs.create_pending(ada.id, "upload", {})
        uow.session.get(Job, job_id).result_run_id = run.run_id
        uow.commit()
    with db.unit_of_work() as uow:
        uow.runs.delete(run.run_id, ada.id)
        uow.commit()
    with db.unit_of_work() as uow:
        job = uow.jobs.get_for_owner(job_id, ada.id)
        assert job.result_run_id is None
        uow.runs.create(ada.id, _run())
        uow.commit()
    with db.unit_of_work() as uow:
        uow.users.delete(ada.id)
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.runs.count_for_user(ada.id) == 0
        assert uow.jobs.list_for_user(ada.id) == []
