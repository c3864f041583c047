"""The Analyze page's live list of the user's jobs: running ones with a steady spinner and a bar
whose text says the same as the bar, queued ones in run order, failures with their reason, finished
ones with a link. Queued and running jobs can be cancelled, failed ones retried."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from typing import Any

import streamlit as st

from vibe8_core.dashboard import resources, widgets
from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.progress import JobProgress, job_progress
from vibe8_core.store import JobRecord, NotFoundError

FINISHED_KEY = "vibe8_finished_jobs"  # job id → (title, run id) for completed jobs already deleted
# How often the list is read again. Every refresh is a script run, and Streamlit resets every button's
# click at the end of a run, so a click that lands during one is lost: the list refreshes often only
# while a job is queued or running (its progress moves), and seldom otherwise (a job queued from the
# command line or another tab, and the sign-in check that every refresh runs, docs/SECURITY.md).
ACTIVE_REFRESH_S = 1.5
IDLE_REFRESH_S = 10.0


def refresh_interval(jobs: list[JobRecord]) -> float:
    """The list's pace for these jobs: ACTIVE_REFRESH_S while one is queued or running."""
    return ACTIVE_REFRESH_S if any(job.status in ("pending", "running") for job in jobs) else IDLE_REFRESH_S


def progress_text(step: JobProgress) -> str:
    """The bar's caption: the step, the files if counted, and the share of the whole job the bar shows."""
    parts = [step.label, step.files, f"{step.fraction:.0%} overall"]
    return " · ".join(part for part in parts if part)


def _title(job: JobRecord) -> str:
    """The job's name as Markdown that shows it literally (a project may be called anything)."""
    return md(f"{job.project_name or 'Analysis'} · {job.source_label or job.source_kind}")


def _cancel(user_id: uuid.UUID, job: JobRecord) -> None:
    """The Cancel button's callback: it runs before the list is drawn again, so the list shows it (and
    draws nothing itself: a callback of a fragment's button must not)."""
    with contextlib.suppress(NotFoundError):  # it finished or went meanwhile: the list shows which
        resources.service().jobs.cancel(user_id, job.job_id)


def _cancel_all(user_id: uuid.UUID, jobs: list[JobRecord]) -> None:
    for job in jobs:
        with contextlib.suppress(NotFoundError):
            resources.service().jobs.cancel(user_id, job.job_id)


def _cancel_button(where: Any, user_id: uuid.UUID, job: JobRecord) -> None:
    where.button("Cancel", key=f"cancel_{job.job_id}", icon=":material/cancel:", on_click=_cancel, args=(user_id, job))


def _running(user_id: uuid.UUID, job: JobRecord) -> None:
    step = job_progress(job)
    # Never entered as a `with` block: leaving one marks the status complete (a ✓), so the icon
    # would flicker between a spinner and a tick on every refresh.
    box = st.status(f"{md(job.project_name or 'Analysis')}: {step.label}", state="running", expanded=True)
    box.markdown(f"**{_title(job)}**")
    box.progress(step.fraction, text=progress_text(step))
    _cancel_button(box, user_id, job)


def _failed(job: JobRecord, forget: Callable[[list[str]], None], retry: Callable[[str], None]) -> None:
    with st.container(border=True):
        st.markdown(f"**{_title(job)}** — :red[failed]")
        st.error(md(job.error_message or "The analysis failed."))
        again, dismiss, _ = st.columns([1, 1, 4])
        again.button("Retry", key=f"retry_{job.job_id}", icon=":material/refresh:", on_click=retry, args=(job.job_id,))
        dismiss.button("Dismiss", key=f"dismiss_{job.job_id}", on_click=forget, args=([job.job_id],))


def _queued(user_id: uuid.UUID, queued: list[JobRecord]) -> None:
    with st.container(border=True):
        head, every = st.columns([5, 1], vertical_alignment="center")
        head.markdown(f":material/hourglass_empty: **Queued — waiting for a worker** ({len(queued)})")
        if len(queued) > 1:
            every.button("Cancel all", key="cancel_all_queued", on_click=_cancel_all, args=(user_id, queued))
        for job in reversed(queued):  # oldest first: the order they will run in
            name, cancel = st.columns([5, 1], vertical_alignment="center")
            name.caption(_title(job))
            _cancel_button(cancel, user_id, job)


def _finished(finished: dict[str, tuple[str, str]]) -> None:
    with st.container(border=True):
        head, clear = st.columns([5, 1], vertical_alignment="center")
        head.markdown(":material/check_circle: **Finished** — open a result")
        if clear.button("Clear", key="clear_finished"):
            finished.clear()
            st.rerun(scope="fragment")
        for title, run_id in reversed(list(finished.values())):  # newest first
            st.page_link(widgets.RUN_PAGE, label=f"Open {title}", icon=":material/dashboard:",
                         query_params={"run": run_id})  # fmt: skip


def draw_job_board(
    user_id: uuid.UUID,
    jobs: list[JobRecord],
    forget: Callable[[list[str]], None],
    retry: Callable[[str], None],
    seen_key: str,
) -> bool:
    """Everything in one container that is redrawn whole. Only reads: a job finished since the last
    refresh is noted under `seen_key` for the next full run to forget; buttons (Cancel, Retry,
    Dismiss) write through their callbacks. True when a job has just finished (the caller starts
    that full run)."""
    finished: dict[str, tuple[str, str]] = st.session_state.setdefault(FINISHED_KEY, {})
    newly_finished = False
    for job in jobs:
        if job.status == "completed" and job.result_run_id and job.job_id not in finished:
            finished[job.job_id] = (_title(job), str(job.result_run_id))
            st.session_state.setdefault(seen_key, []).append(job.job_id)
            newly_finished = True
    with st.empty().container():
        shown = [job for job in jobs if job.job_id not in finished]
        if not shown and not finished:
            st.caption("No analyses are running.")
            return newly_finished
        for job in shown:
            if job.status == "running":
                _running(user_id, job)
            elif job.status == "failed":
                _failed(job, forget, retry)
        if queued := [job for job in shown if job.status == "pending"]:
            _queued(user_id, queued)
        if finished:
            _finished(finished)
    return newly_finished
