"""Every hostile upload, queued directly (as a client that skipped the form's checks would), ends as
a failed job with its one-sentence reason; nothing is written outside the job's folder, and the
worker goes on to complete the next job."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from tests.jobs.conftest import FakeEngine, job_row
from tests.sources.test_uploads import HOSTILE_UPLOADS
from vibe8_core.jobs.runner import JobRunner
from vibe8_core.store import Database

TINY_PY = b"X = 1\n"


def _queue(db: Database, user_id: uuid.UUID, filename: str, data: bytes) -> str:
    metadata = {"upload_filename": filename, "file_data": base64.b64encode(data).decode(), "author_type": "human"}
    with db.unit_of_work() as uow:
        job_id = uow.jobs.create_pending(user_id, "upload", metadata)
        uow.commit()
    return job_id


@pytest.mark.parametrize(
    ("filename", "build", "changes", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in HOSTILE_UPLOADS],
)
def test_a_hostile_upload_fails_its_job_and_the_worker_carries_on(
    db: Database,
    settings,
    tmp_path: Path,
    filename: str,
    build: Callable[[], bytes],
    changes: dict[str, int],
    expected: str,
) -> None:
    workspaces = tmp_path / "workspaces"
    settings = replace(settings, sources=replace(settings.sources, workspace_dir=workspaces, **changes))
    with db.unit_of_work() as uow:
        user_id = uow.users.get_or_create_by_email("mallory@example.com").id
        uow.commit()
    hostile = _queue(db, user_id, filename, build())
    good = _queue(db, user_id, "fine.py", TINY_PY)  # within every case's lowered limits
    engine = FakeEngine()

    assert JobRunner(db, settings, analyze=engine).drain() == 2

    failed = job_row(db, hostile)
    assert failed.status == "failed" and failed.result_run_id is None
    assert expected in failed.error_message
    assert "\n" not in failed.error_message and "Traceback" not in failed.error_message
    assert "file_data" in failed.source_metadata  # kept for a retry
    assert job_row(db, good).status == "completed"
    assert engine.calls == [(["fine.py"], False)]  # the hostile upload never reached the analysis
    assert list(workspaces.iterdir()) == []  # every job's private folder is gone
    assert {p.name for p in tmp_path.iterdir()} <= {"cache", "workspaces"}  # nothing written beside them


@pytest.mark.parametrize(
    ("url", "branch"),
    [
        ("--upload-pack=touch /tmp/pwned", "main"),
        ("ext::sh -c touch% /tmp/pwned", "main"),
        ("file:///etc", "main"),
        ("ssh://git@github.com/octo/demo", "main"),
        ("git@github.com:octo/demo.git", "main"),
        ("https://github.com@evil.example/octo/demo", "main"),
        ("https://evil.example/github.com/octo/demo", "main"),
        ("https://user:pass@github.com/octo/demo", "main"),
        ("https://github.com/octo/demo", "--upload-pack=touch /tmp/pwned"),
        ("https://github.com/octo/demo", "-b"),
        ("https://github.com/octo/demo", "a..b"),
    ],
)
def test_a_hostile_github_job_fails_and_the_worker_carries_on(
    db: Database, settings, tmp_path: Path, url: str, branch: str
) -> None:
    with db.unit_of_work() as uow:
        user_id = uow.users.get_or_create_by_email("mallory@example.com").id
        hostile = uow.jobs.create_pending(user_id, "github", {"git_repo_url": url, "git_branch": branch})
        uow.commit()
    good = _queue(db, user_id, "fine.py", TINY_PY)
    engine = FakeEngine()

    assert JobRunner(db, settings, analyze=engine).drain() == 2

    failed = job_row(db, hostile)
    assert failed.status == "failed" and failed.error_message and "\n" not in failed.error_message
    assert job_row(db, good).status == "completed" and engine.calls == [(["fine.py"], False)]
    assert not Path("/tmp/pwned").exists()
