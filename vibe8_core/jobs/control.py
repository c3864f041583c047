"""What a user does to their jobs and runs after submitting: cancel a job, analyse a run again,
relabel a run, delete several runs. Plain functions over the database (the pages and the CLI call
the same ones); every one goes through the repositories' owner checks.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterable
from pathlib import PurePosixPath

from vibe8_core.config import Settings
from vibe8_core.jobs.submissions import Authorship, SubmissionError, check_authorship, submit_github, submit_upload
from vibe8_core.store import Database, RunRecord


def cancel_job(db: Database, user_id: uuid.UUID, job_id: str) -> None:
    """Withdraw a queued or running job. The row goes, so a worker holding it loses its claim at the
    next heartbeat or progress step and stores nothing (every write after a claim is fenced)."""
    with db.unit_of_work() as uow:
        uow.jobs.delete_for_owner(job_id, user_id)
        uow.commit()


def _authorship(run: RunRecord) -> Authorship:
    return Authorship(project_name=run.project_name, author_type=run.author_type or "human",
                      author_model=run.author_model)  # fmt: skip


def _upload_of(run: RunRecord, sources: dict[str, str]) -> tuple[str, bytes]:
    """The kept files as the upload they came from: the .py itself, or a zip of every kept file."""
    name = run.upload_filename or f"{run.project_name or 'project'}.zip"
    if name.lower().endswith(".py") and len(sources) == 1:
        return name, next(iter(sources.values())).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, text in sorted(sources.items()):
            archive.writestr(path, text)
    return f"{PurePosixPath(name).name.split('.')[0] or 'project'}.zip", buffer.getvalue()


def reanalyse_run(db: Database, settings: Settings, user_id: uuid.UUID, run_id: uuid.UUID) -> str:
    """Queue the run's source again with its labels: a repository is cloned afresh (its branch may
    have moved); an upload is rebuilt from the files kept with the run. Returns the new job id."""
    with db.unit_of_work() as uow:
        run = uow.runs.get(run_id, user_id)
        sources = uow.sources.all(run_id, user_id) if run.submission_type == "upload" else {}
    if run.submission_type == "github" and run.git_repo_url:
        return submit_github(db, settings, user_id, run.git_repo_url, run.git_branch or "", _authorship(run))
    if not sources:
        raise SubmissionError(
            "This run's files were not kept (it was analyzed before Vibe8 kept them); upload it again."
        )
    filename, data = _upload_of(run, sources)
    return submit_upload(db, settings, user_id, filename, data, _authorship(run))


def relabel_run(db: Database, user_id: uuid.UUID, run_id: uuid.UUID, who: Authorship) -> Authorship:
    """Rename the run's project and correct who wrote it, checked as a submission's labels are."""
    with db.unit_of_work() as uow:
        run = uow.runs.get(run_id, user_id)
        checked = check_authorship(who, default_project=run.project_name or "project")
        uow.runs.relabel(run_id, user_id, checked.project_name or "project", checked.author_type, checked.author_model)
        uow.commit()
    return checked


def delete_runs(db: Database, user_id: uuid.UUID, run_ids: Iterable[uuid.UUID]) -> int:
    """Delete several of the user's runs at once: all of them, or (one not the user's) none."""
    ids = list(dict.fromkeys(run_ids))
    with db.unit_of_work() as uow:
        for run_id in ids:
            uow.runs.delete(run_id, user_id)
        uow.commit()
    return len(ids)
