"""Owner-only on the Analyze page: another user's jobs, their progress and failures never show."""

from __future__ import annotations

from tests.pages.test_pages import texts


def test_another_users_jobs_and_progress_never_show(alice, bob, open_page, page_env) -> None:
    with page_env.unit_of_work() as uow:
        running = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "a.zip", "project_name": "alices"})
        uow.jobs.claim_next("worker")
        uow.jobs.heartbeat(running, "worker", {"step": "per-file metrics", "files_done": 3, "files_total": 9})
        failed = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "b.zip", "project_name": "alices2"})
        uow.jobs.claim_next("worker")
        uow.jobs.mark_failed(failed, "worker", "Alice's secret failure.")
        uow.commit()

    own = open_page(alice, "pages/analyze.py")
    assert any("alices" in label for label in (status.label for status in own.status))

    at = open_page(bob, "pages/analyze.py")
    assert not at.exception and not at.status and not at.get("progress")
    shown = [text for kind in ("markdown", "caption", "error", "success", "info") for text in texts(at, kind)]
    assert not any("alices" in text or "secret failure" in text for text in shown)


def test_a_failed_job_is_retried_from_the_analyze_page(alice, bob, open_page, page_env) -> None:
    with page_env.unit_of_work() as uow:
        job_id = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "a.py", "file_data": "eA=="})
        uow.jobs.claim_next("worker")
        uow.jobs.mark_failed(job_id, "worker", "The worker was killed.")
        uow.commit()
    at = open_page(alice, "pages/analyze.py")
    at.button(key=f"retry_{job_id}").click().run()
    assert not at.exception
    with page_env.unit_of_work() as uow:
        job = uow.jobs.get_for_owner(job_id, alice.id)
    assert (job.status, job.attempts, job.error_message) == ("pending", 0, None)
    assert any("waiting for a worker" in text for text in texts(at, "markdown"))
