"""The Analyze page's live job board polls every 1.5 s, so it only reads: every database write (forgetting
a finished job once shown, dismissing a failed one) happens in a full rerun or a button's callback."""

from __future__ import annotations

import inspect

import pytest

from vibe8_core.dashboard.escape import md
from vibe8_core.store.db import UnitOfWork

POLLING_FRAGMENT = "job_board"


@pytest.fixture
def commits(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """One entry per database commit: True when the polling fragment was on the stack."""
    seen: list[bool] = []
    original = UnitOfWork.commit

    def spying(self: UnitOfWork) -> None:
        seen.append(any(frame.function == POLLING_FRAGMENT for frame in inspect.stack()))
        original(self)

    monkeypatch.setattr(UnitOfWork, "commit", spying)
    return seen


def test_the_polling_board_never_writes(alice, open_page, seed, page_env, commits) -> None:
    with page_env.unit_of_work() as uow:
        good = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "a.zip", "project_name": "good"})
        bad = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "b.zip", "project_name": "bad"})
        assert uow.jobs.claim_next("worker") and uow.jobs.claim_next("worker")
        uow.commit()
    run = seed.run(alice, project="good")
    with page_env.unit_of_work() as uow:
        uow.jobs.mark_completed(good, "worker", run.run_id)
        uow.jobs.mark_failed(bad, "worker", "The archive holds no Python files.")
        uow.commit()
    commits.clear()

    at = open_page(alice, "pages/analyze.py")
    assert not at.exception
    assert [job.job_id for job in seed.jobs(alice)] == [bad], "the completed job was forgotten once shown"
    assert any(link.proto.label == f"Open {md('good · a.zip')}" for link in at.get("page_link")), "its link stays"
    at.button(key=f"dismiss_{bad}").click().run()
    assert not at.exception and seed.jobs(alice) == []
    assert commits and not any(commits), "every write happened outside the polling board"


def test_the_job_list_refreshes_often_only_while_a_job_waits_or_runs():
    """Each refresh is a script run, at whose end Streamlit forgets any click that arrived meanwhile."""
    from types import SimpleNamespace

    from vibe8_core.dashboard.job_board import ACTIVE_REFRESH_S, IDLE_REFRESH_S, refresh_interval

    jobs = lambda *statuses: [SimpleNamespace(status=status) for status in statuses]  # noqa: E731
    assert refresh_interval(jobs()) == refresh_interval(jobs("completed", "failed")) == IDLE_REFRESH_S
    assert refresh_interval(jobs("failed", "pending")) == refresh_interval(jobs("running")) == ACTIVE_REFRESH_S
    assert IDLE_REFRESH_S >= 5 * ACTIVE_REFRESH_S
