"""Repositories and the unit of work, on SQLite and PostgreSQL."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, fields, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import null, select, update

from vibe8_core.run_summary import SUMMARY_VERSION, summarize_run
from vibe8_core.scoring import linting_score
from vibe8_core.store import Database, ForbiddenError, NewRun, NotFoundError, RunFilter, RunHeader
from vibe8_core.store.models import AnalysisRun, Job


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
        assert uow.runs.count_for_user(ada.id, RunFilter(projects=("p1",))) == 2
        assert {r.author_type for r in uow.runs.list_for_user(ada.id, RunFilter(author_type="ai"))} == {"ai"}
        assert uow.runs.count_for_user(ada.id, RunFilter(author_models=("nobody",))) == 0
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


# -- run summaries ----------------------------------------------------------------------------------------
SCORED = {
    "lint": {"total": 12, "linting_score": 67.6},
    "cyclomatic": {"avg_cc": 3.2, "complexity_score": 69.4},
    "size": {"files": 4, "sloc": 640, "avg_file_sloc": 160.0},
    "security": {"high": 1, "medium": 0, "low": 2, "security_score": 60.0},
}


def _scored_run(project: str = "p") -> NewRun:
    return replace(_run(project=project), metrics=SCORED)


def _stored_summary(db: Database, run_id: uuid.UUID) -> object:
    with db.unit_of_work() as uow:
        return uow.session.scalar(select(AnalysisRun.summary).where(AnalysisRun.run_id == run_id))


def _store_summary(db: Database, run_id: uuid.UUID, summary: object) -> None:
    with db.unit_of_work() as uow:
        uow.session.execute(update(AnalysisRun).where(AnalysisRun.run_id == run_id).values(summary=summary))
        uow.commit()


def test_a_new_run_stores_its_summary(db: Database) -> None:
    ada = _user(db, "ada@example.com")
    with db.unit_of_work() as uow:
        run = uow.runs.create(ada.id, _scored_run())
        uow.commit()
    stored = _stored_summary(db, run.run_id)
    assert stored == summarize_run(SCORED, ["x.py: syntax error"]).to_json()
    assert stored["version"] == SUMMARY_VERSION and stored["errors"] == 1 and stored["sloc"] == 640.0
    # From the measures by today's formula (12 issues in 640 SLOC), not the stale stored field (67.6).
    assert stored["scores"]["lint"] == linting_score(12, 640) == 57.1 and stored["overall"] is not None


def test_summaries_and_headers_list_the_owners_runs_newest_first(db: Database) -> None:
    ada, bob = _user(db, "ada@example.com"), _user(db, "bob@example.com")
    with db.unit_of_work() as uow:
        created = [uow.runs.create(ada.id, _scored_run(project=f"p{i % 2}")) for i in range(3)]
        uow.runs.create(bob.id, _scored_run())
        uow.commit()
    with db.unit_of_work() as uow:
        full = uow.runs.list_for_user(ada.id, limit=None)
        rows = uow.runs.summaries_for_user(ada.id)
        headers = uow.runs.headers_for_user(ada.id)
        only_p1 = uow.runs.summaries_for_user(ada.id, RunFilter(projects=("p1",)))
    newest_first = [run.run_id for run in reversed(created)]
    assert [row.run_id for row in rows] == [header.run_id for header in headers] == newest_first
    for row, header, record in zip(rows, headers, full, strict=True):
        assert asdict(header) == {field.name: getattr(record, field.name) for field in fields(RunHeader)}
        assert row.source_label == record.source_label == "x.py"
        assert row.summary == summarize_run(record.metrics, record.errors)
    assert [row.run_id for row in only_p1] == [created[1].run_id]


def test_missing_or_outdated_summaries_are_computed_when_listed_and_stored_by_refresh(db: Database) -> None:
    ada, bob = _user(db, "ada@example.com"), _user(db, "bob@example.com")
    with db.unit_of_work() as uow:
        runs = [uow.runs.create(ada.id, _scored_run()) for _ in range(4)]
        foreign = uow.runs.create(bob.id, _scored_run())
        uow.commit()
    fresh = summarize_run(SCORED, ["x.py: syntax error"])
    outdated = {**fresh.to_json(), "version": SUMMARY_VERSION - 1, "overall": 1.0}
    unreadable = {**fresh.to_json(), "unknown_field": 1}
    _store_summary(db, runs[0].run_id, null())  # a row from before migration 0003
    _store_summary(db, runs[1].run_id, outdated)
    _store_summary(db, runs[2].run_id, unreadable)
    _store_summary(db, foreign.run_id, null())
    with db.unit_of_work() as uow:
        assert [row.summary for row in uow.runs.summaries_for_user(ada.id)] == [fresh] * 4
    assert _stored_summary(db, runs[0].run_id) is None, "listing computes, it does not write"
    assert _stored_summary(db, runs[1].run_id) == outdated

    with db.unit_of_work() as uow:
        assert uow.runs.refresh_summaries() == 4  # three of ada's, one of bob's
        uow.commit()
    for run in (*runs, foreign):
        assert _stored_summary(db, run.run_id) == fresh.to_json()
    with db.unit_of_work() as uow:
        assert uow.runs.refresh_summaries() == 0


def test_newest_run_id_is_the_owners_newest(db: Database) -> None:
    ada, bob = _user(db, "ada@example.com"), _user(db, "bob@example.com")
    with db.unit_of_work() as uow:
        assert uow.runs.newest_run_id(ada.id) is None
        uow.runs.create(ada.id, _run())
        newest = uow.runs.create(ada.id, _run())
        uow.runs.create(bob.id, _run())
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.runs.newest_run_id(ada.id) == newest.run_id


def test_one_file_entry_is_picked_out_of_the_stored_tree(db: Database) -> None:
    ada, bob = _user(db, "ada@example.com"), _user(db, "bob@example.com")
    files = [{"path": f"pkg/m{index}.py", "sloc": index} for index in range(50)]
    files.append({"path": "pkg/naïve \u2400.py", "sloc": 99, "findings": [{"collector": "lint", "code": "F401"}]})
    with db.unit_of_work() as uow:
        run = uow.runs.create(ada.id, replace(_run(), file_tree={"version": 1, "files": files}))
        bare = uow.runs.create(ada.id, replace(_run(), file_tree=None))
        uow.commit()
    with db.unit_of_work() as uow:
        assert uow.runs.file_entry(run.run_id, ada.id, "pkg/m7.py") == {"path": "pkg/m7.py", "sloc": 7}
        assert uow.runs.file_entry(run.run_id, ada.id, "pkg/naïve \u2400.py") == files[-1]
        assert uow.runs.file_entry(run.run_id, ada.id, "pkg/none.py") is None
        assert uow.runs.file_entry(bare.run_id, ada.id, "pkg/m7.py") is None
        with pytest.raises(ForbiddenError):
            uow.runs.file_entry(run.run_id, bob.id, "pkg/m7.py")
