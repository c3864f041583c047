"""A GitHub submission end to end: the production clone path (through the test-only insteadOf
rewrite), the analysed HEAD recorded, churn measured on the clone's history."""

from __future__ import annotations

import uuid
from dataclasses import replace

from tests.jobs.conftest import job_row
from tests.sources.builders import Remotes
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.jobs.submissions import Authorship, submit_github
from vibe8_core.store import Database


def _github(settings, remotes: Remotes):
    rewrite = f"url.file://{remotes.root}/.insteadOf=https://github.com/"
    return replace(settings, sources=replace(settings.sources, git_extra_config=(rewrite,), git_clone_depth=50))


def _user_id(db: Database) -> uuid.UUID:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("octo@example.com")
        uow.commit()
    return user.id


def test_a_github_job_records_branch_head_and_churn(db: Database, settings, remotes: Remotes) -> None:
    settings = _github(settings, remotes)
    user_id = _user_id(db)
    who = Authorship(project_name=None, author_type="ai", author_model="copilot")
    job_id = submit_github(db, settings, user_id, "https://github.com/octo/demo.git", "feature", who)

    assert JobRunner(db, settings).drain() == 1

    job = job_row(db, job_id)
    assert job.status == "completed", job.error_message
    with db.unit_of_work() as uow:
        run = uow.runs.get(job.result_run_id, user_id)
    assert run.submission_type == "github" and run.upload_filename is None
    assert (run.git_repo_url, run.git_branch) == ("https://github.com/octo/demo", "feature")
    assert run.git_commit_sha == remotes.feature_sha
    assert (run.project_name, run.author_type, run.author_model) == ("demo", "ai", "copilot")
    assert run.metrics["size"]["files"] == 7
    assert run.metrics["churn"]["total_commits"] == 7


def test_a_missing_branch_fails_the_job_with_a_clear_message(db: Database, settings, remotes: Remotes) -> None:
    settings = _github(settings, remotes)
    user_id = _user_id(db)
    job_id = submit_github(db, settings, user_id, "https://github.com/octo/demo", "nope", Authorship())
    JobRunner(db, settings).drain()
    job = job_row(db, job_id)
    assert job.status == "failed" and "nope" in job.error_message and "\n" not in job.error_message
