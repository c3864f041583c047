"""A user's stored runs: the history, one run (with the project's previous run), deletion.

Every read and delete goes through the store's owner checks: a run that is missing, malformed or
someone else's is the same `NotFoundError`/`AccessError`, so nothing tells ids apart from outside.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from vibe8_core.jobs.control import delete_runs, reanalyse_run, relabel_run
from vibe8_core.jobs.submissions import Authorship
from vibe8_core.run_data import FileEntry
from vibe8_core.service.base import UseCases
from vibe8_core.store import NotFoundError, RunFilter, RunHeader, RunRecord, RunSort, RunSummaryRecord


@dataclass(frozen=True)
class HistoryStamp:
    """A cheap fingerprint of a user's history (how many runs, the newest): it changes whenever a run is
    added or deleted, so caches of the history can key on it."""

    count: int
    newest: str | None


@dataclass(frozen=True)
class HistoryChoices:
    """What the history's filters can offer: the user's distinct projects, models and studies, and the
    dates of the oldest and newest run (None without runs)."""

    projects: tuple[str, ...]
    models: tuple[str, ...]
    studies: tuple[str, ...]
    created: tuple[datetime, datetime] | None


@dataclass(frozen=True)
class HistoryPage:
    """One page of a filtered, sorted history: its rows, how many runs match, and which page of how many
    it is (a page past the end is the last page)."""

    rows: list[RunSummaryRecord]
    matching: int
    page: int
    pages: int
    page_size: int

    @property
    def first_row(self) -> int:
        """The 1-based position of the page's first row among the matching runs (0 when none match)."""
        return (self.page - 1) * self.page_size + 1 if self.rows else 0


def parse_run_id(raw: object) -> uuid.UUID:
    """A run id from a command line, query parameter or widget; anything malformed is simply 'not found'."""
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw))
    except (TypeError, ValueError):
        raise NotFoundError() from None


class RunUseCases(UseCases):
    def stamp(self, user_id: uuid.UUID) -> HistoryStamp:
        with self.db.unit_of_work() as uow:
            count = uow.runs.count_for_user(user_id)
            newest = uow.runs.newest_run_id(user_id)
        return HistoryStamp(count, str(newest) if newest else None)

    def for_user(self, user_id: uuid.UUID, limit: int | None = None) -> list[RunRecord]:
        """The user's runs, newest first, with their metrics (not their file trees)."""
        with self.db.unit_of_work() as uow:
            return uow.runs.list_for_user(user_id, limit=limit)

    def summaries(
        self, user_id: uuid.UUID, filters: RunFilter | None = None, sort: RunSort | None = None
    ) -> list[RunSummaryRecord]:
        """Every run's stored summary (scores and sizes) that passes `filters`, newest first unless `sort`
        says otherwise: what the history views draw."""
        with self.db.unit_of_work() as uow:
            return uow.runs.summaries_for_user(user_id, filters, sort)

    def history(
        self, user_id: uuid.UUID, filters: RunFilter, sort: RunSort, *, page: int, page_size: int
    ) -> HistoryPage:
        """One page of the user's history, filtered, sorted and cut in the database."""
        page_size = max(1, page_size)
        with self.db.unit_of_work() as uow:
            matching = uow.runs.count_for_user(user_id, filters)
            pages = max(1, -(-matching // page_size))
            page = min(max(1, page), pages)
            rows = uow.runs.summaries_for_user(user_id, filters, sort, limit=page_size, offset=(page - 1) * page_size)
        return HistoryPage(rows, matching, page, pages, page_size)

    def history_choices(
        self, user_id: uuid.UUID, projects: tuple[str, ...] = (), author_type: str | None = None
    ) -> HistoryChoices:
        """The values the history's filters offer for this user. The filters narrow each other, so none
        offers a value that would show no run: the projects of the chosen author type, the models of
        the chosen projects and author type."""
        by_author = RunFilter(author_type=author_type)
        by_projects = RunFilter(projects=projects, author_type=author_type)
        with self.db.unit_of_work() as uow:
            return HistoryChoices(
                projects=tuple(uow.runs.distinct_values(user_id, "project_name", by_author)),
                models=tuple(uow.runs.distinct_values(user_id, "author_model", by_projects)),
                studies=tuple(uow.runs.distinct_values(user_id, "study")),
                created=uow.runs.created_range(user_id),
            )

    def repeated_projects(self, user_id: uuid.UUID) -> list[str]:
        """The user's projects analysed at least twice (the ones with a trend), the most analysed first."""
        with self.db.unit_of_work() as uow:
            return uow.runs.repeated_projects(user_id)

    def run_ids(self, user_id: uuid.UUID, filters: RunFilter, sort: RunSort) -> list[uuid.UUID]:
        """The ids of every run that passes `filters`, in `sort`'s order (what a history export holds)."""
        with self.db.unit_of_work() as uow:
            return uow.runs.run_ids_for_user(user_id, filters, sort)

    def headers(self, user_id: uuid.UUID, limit: int | None = None) -> list[RunHeader]:
        """Who analysed what and when, for every run (the newest `limit`): enough for a run picker."""
        with self.db.unit_of_work() as uow:
            return uow.runs.headers_for_user(user_id, limit=limit)

    def open(self, user_id: uuid.UUID, run_id: object, *, with_tree: bool = False) -> RunRecord:
        """One of the user's runs (AccessError when missing, malformed or someone else's)."""
        with self.db.unit_of_work() as uow:
            return uow.runs.get(parse_run_id(run_id), user_id, with_tree=with_tree)

    def file_entry(self, user_id: uuid.UUID, run_id: object, path: str) -> FileEntry | None:
        """One file of one of the user's runs, typed (None when the run has no such file)."""
        with self.db.unit_of_work() as uow:
            stored = uow.runs.file_entry(parse_run_id(run_id), user_id, path)
        return None if stored is None else FileEntry.from_json(stored)

    def open_with_previous(self, user_id: uuid.UUID, run_id: object) -> tuple[RunRecord, RunRecord | None]:
        """One of the user's runs and the run of the same project before it (for the changes shown)."""
        with self.db.unit_of_work() as uow:
            run = uow.runs.get(parse_run_id(run_id), user_id)
            return run, uow.runs.previous_in_project(run)

    def delete(self, user_id: uuid.UUID, run_id: object) -> None:
        """Delete one of the user's runs and its file tree for good."""
        with self.db.unit_of_work() as uow:
            uow.runs.delete(parse_run_id(run_id), user_id)
            uow.commit()

    def delete_many(self, user_id: uuid.UUID, run_ids: list[object]) -> int:
        """Delete several of the user's runs: all of them, or (one not theirs) none."""
        return delete_runs(self.db, user_id, [parse_run_id(run_id) for run_id in run_ids])

    def reanalyse(self, user_id: uuid.UUID, run_id: object) -> str:
        """Queue the run's source again with its labels; the new job's id."""
        return reanalyse_run(self.db, self.settings, user_id, parse_run_id(run_id))

    def relabel(self, user_id: uuid.UUID, run_id: object, who: Authorship) -> Authorship:
        """Correct the run's project name and who wrote it, checked as a submission's labels are."""
        return relabel_run(self.db, user_id, parse_run_id(run_id), who)

    def source(self, user_id: uuid.UUID, run_id: object, path: str) -> str | None:
        """The kept text of one of the run's files; None when it was not kept."""
        with self.db.unit_of_work() as uow:
            try:
                return uow.sources.get(parse_run_id(run_id), user_id, path)
            except NotFoundError:
                return None
