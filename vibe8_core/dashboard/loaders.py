"""Per-user cached reads. Streamlit's cache is shared by every session, so each cached function
takes the user id and reads through the repositories' owner checks (a refusal is never cached).

Cache keys carry a cheap `HistoryStamp` (count and newest run of the user) so that a new or deleted
run invalidates the history at once; a run's own content never changes, so its key is its id.
"""

from __future__ import annotations

import gc
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pandas as pd
import streamlit as st

from vibe8_core.dashboard import resources
from vibe8_core.dashboard.authorship import split_counts
from vibe8_core.dashboard.frames import headers_frame, runs_frame
from vibe8_core.dashboard.trees import TreeFrames, tree_frames
from vibe8_core.run_data import FileEntry
from vibe8_core.service import HistoryChoices, HistoryPage, HistoryStamp, parse_run_id
from vibe8_core.store import JobRecord, RunFilter, RunRecord, RunSort

PICKER_RUNS = 500  # the runs a run picker offers, newest first; older ones open from History (?run=...)


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Hold back Python's cycle collector while a big load decodes and shapes JSON. The decoded data
    holds no reference cycles (reference counting frees it), but its ~100,000 new containers would set
    off several full collections of the whole process heap on the way (a fifth of a second or more on a
    10,000-file tree). The collector resumes afterwards, unless something else had paused it."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def history_stamp(user_id: uuid.UUID) -> HistoryStamp:
    return resources.service().runs.stamp(user_id)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def user_runs(
    user_id: uuid.UUID,
    stamp: HistoryStamp,
    filters: RunFilter | None = None,
    sort: RunSort | None = None,
    *,
    headers_only: bool = False,
) -> pd.DataFrame:
    """The user's runs that pass `filters` (all of them by default; the database filters and sorts) as
    one row each, newest first unless `sort` says otherwise, from their stored summaries (never their
    metrics or file trees); with `headers_only`, the newest PICKER_RUNS runs' who/what/when alone:
    enough for a run picker, and far cheaper for the pages that show one run."""
    del stamp  # part of the cache key only
    runs = resources.service().runs
    with cycle_collector_paused():
        if headers_only:
            return headers_frame(runs.headers(user_id, limit=PICKER_RUNS))
        return runs_frame(runs.summaries(user_id, filters, sort))


def runs_for(
    user_id: uuid.UUID, filters: RunFilter | None = None, sort: RunSort | None = None, *, headers_only: bool = False
) -> pd.DataFrame:
    filters, sort = filters or RunFilter(), sort or RunSort()  # one cache entry per question, however asked
    return user_runs(user_id, history_stamp(user_id), filters, sort, headers_only=headers_only)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _history_choices(
    user_id: uuid.UUID, stamp: HistoryStamp, projects: tuple[str, ...], author_type: str | None
) -> HistoryChoices:
    del stamp
    return resources.service().runs.history_choices(user_id, projects, author_type)


def history_choices(
    user_id: uuid.UUID, projects: tuple[str, ...] = (), author_type: str | None = None
) -> HistoryChoices:
    """The user's projects, models, studies and date range, for the history's filters (the projects
    of `author_type`, the models of `projects` and `author_type`)."""
    return _history_choices(user_id, history_stamp(user_id), projects, author_type)


@st.cache_data(show_spinner=False, max_entries=64, ttl=3600)
def _repeated_projects(user_id: uuid.UUID, stamp: HistoryStamp) -> list[str]:
    del stamp
    return resources.service().runs.repeated_projects(user_id)


def repeated_projects(user_id: uuid.UUID) -> list[str]:
    """The user's projects with two runs or more, the most analysed first (counted by the database)."""
    return _repeated_projects(user_id, history_stamp(user_id))


@st.cache_data(show_spinner=False, max_entries=128, ttl=3600)
def _history_page(
    user_id: uuid.UUID, stamp: HistoryStamp, filters: RunFilter, sort: RunSort, page: int, page_size: int
) -> tuple[pd.DataFrame, HistoryPage]:
    del stamp
    found = resources.service().runs.history(user_id, filters, sort, page=page, page_size=page_size)
    return runs_frame(found.rows), found


def history_page(
    user_id: uuid.UUID, filters: RunFilter, sort: RunSort, page: int, page_size: int
) -> tuple[pd.DataFrame, HistoryPage]:
    """One page of the user's history, filtered, sorted and cut by the database, as history rows."""
    return _history_page(user_id, history_stamp(user_id), filters, sort, page, page_size)


def matching_run_ids(user_id: uuid.UUID, filters: RunFilter, sort: RunSort) -> list[uuid.UUID]:
    """The ids of every run that passes `filters`, in `sort`'s order (read when an export is asked for)."""
    return resources.service().runs.run_ids(user_id, filters, sort)


@st.cache_data(show_spinner=False, max_entries=256, ttl=3600)
def _run_with_previous(
    user_id: uuid.UUID, run_id: uuid.UUID, stamp: HistoryStamp
) -> tuple[RunRecord, RunRecord | None]:
    del stamp
    return resources.service().runs.open_with_previous(user_id, run_id)


def run_with_previous(user_id: uuid.UUID, raw_run_id: Any) -> tuple[RunRecord, RunRecord | None]:
    """The user's run (AccessError when missing or foreign) and the project's run before it."""
    return _run_with_previous(user_id, parse_run_id(raw_run_id), history_stamp(user_id))


@st.cache_data(show_spinner="Loading the file tree…", max_entries=8, ttl=3600)
def _run_tree(user_id: uuid.UUID, run_id: uuid.UUID) -> TreeFrames:
    with cycle_collector_paused():
        run = resources.service().runs.open(user_id, run_id, with_tree=True)
        return tree_frames(run.file_tree)


def run_tree(user_id: uuid.UUID, raw_run_id: Any) -> TreeFrames:
    """The run's file tree shaped into frames (loaded only by the pages that show it)."""
    return _run_tree(user_id, parse_run_id(raw_run_id))


def file_entry(user_id: uuid.UUID, raw_run_id: Any, path: str) -> FileEntry | None:
    """One file of the run as its typed entry (None when the run has no such file): the database picks it
    out of the stored tree, so it is not cached (one small query per rerun, whatever the tree's size)."""
    return resources.service().runs.file_entry(user_id, parse_run_id(raw_run_id), path)


@st.cache_data(show_spinner=False, max_entries=512, ttl=3600)
def _run_split(user_id: uuid.UUID, run_id: uuid.UUID) -> dict[str, int] | None:
    with cycle_collector_paused():
        run = resources.service().runs.open(user_id, run_id, with_tree=True)
        counts = split_counts(run.file_tree)
    return None if counts is None else dict(counts)


def run_split(user_id: uuid.UUID, raw_run_id: Any) -> dict[str, int] | None:
    """The run's AI-written vs human-written counts (dashboard/authorship.py); None without history."""
    return _run_split(user_id, parse_run_id(raw_run_id))


def run_source(user_id: uuid.UUID, raw_run_id: Any, path: str) -> str | None:
    """The kept text of one of the run's files; None when it was not kept (never cached: one row)."""
    return resources.service().runs.source(user_id, raw_run_id, path)


def forget_run_caches() -> None:
    """After a run's labels change in place (its id and the history's count stay the same)."""
    user_runs.clear()
    _run_with_previous.clear()


def user_jobs(user_id: uuid.UUID, limit: int = 20) -> list[JobRecord]:
    """The user's recent jobs (never cached: the Analyze page polls them)."""
    return resources.service().jobs.for_user(user_id, limit=limit)
