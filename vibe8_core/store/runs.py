"""Analysis runs: create, a user's history (full records or summary rows), owner-checked get and delete."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

from sqlalchemy import Row, Select, delete, func, select, update
from sqlalchemy.orm import Session, undefer

from vibe8_core.scored_run import score_run
from vibe8_core.scoring import RunSummary, summarize_run
from vibe8_core.store.errors import ForbiddenError, NotFoundError
from vibe8_core.store.models import AnalysisRun
from vibe8_core.store.records import NewRun, RunFilter, RunHeader, RunRecord, RunSummaryRecord

_HEADER_COLUMNS = tuple(getattr(AnalysisRun, field.name) for field in fields(RunHeader))
_NEWEST_FIRST = (AnalysisRun.created_at.desc(), AnalysisRun.run_id.desc())
_METRICS_BATCH = 500  # runs whose metrics are read per query when summaries are computed
_RESCORE_BATCH = 50  # runs (with their file trees) re-scored per query


def _record(run: AnalysisRun, *, with_tree: bool = False) -> RunRecord:
    return RunRecord(
        run_id=run.run_id,
        user_id=run.user_id,
        created_at=run.created_at,
        submission_type=run.submission_type,
        upload_filename=run.upload_filename,
        project_name=run.project_name,
        author_type=run.author_type,
        author_model=run.author_model,
        git_repo_url=run.git_repo_url,
        git_branch=run.git_branch,
        git_commit_sha=run.git_commit_sha,
        metrics=run.metrics,
        errors=list(run.errors or []),
        file_tree=run.file_tree if with_tree else None,
    )


def _filtered(stmt: Select[Any], user_id: uuid.UUID, filters: RunFilter) -> Select[Any]:
    stmt = stmt.where(AnalysisRun.user_id == user_id)
    if filters.project_name is not None:
        stmt = stmt.where(AnalysisRun.project_name == filters.project_name)
    if filters.author_type is not None:
        stmt = stmt.where(AnalysisRun.author_type == filters.author_type)
    if filters.author_model is not None:
        stmt = stmt.where(AnalysisRun.author_model == filters.author_model)
    if filters.created_from is not None:
        stmt = stmt.where(AnalysisRun.created_at >= filters.created_from)
    if filters.created_to is not None:
        stmt = stmt.where(AnalysisRun.created_at <= filters.created_to)
    return stmt


class RunRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def create(self, user_id: uuid.UUID, new: NewRun) -> RunRecord:
        run = AnalysisRun(
            user_id=user_id,
            submission_type=new.submission_type,
            metrics=new.metrics,
            file_tree=new.file_tree,
            errors=list(new.errors),
            upload_filename=new.upload_filename,
            project_name=new.project_name,
            author_type=new.author_type,
            author_model=new.author_model,
            git_repo_url=new.git_repo_url,
            git_branch=new.git_branch,
            git_commit_sha=new.git_commit_sha,
            summary=summarize_run(new.metrics, new.errors).to_json(),
        )
        if new.run_id is not None:
            run.run_id = new.run_id
        if new.created_at is not None:
            run.created_at = new.created_at
        self.session.add(run)
        self.session.flush()
        self.session.refresh(run, ["created_at"])
        return _record(run)

    def list_for_user(
        self,
        user_id: uuid.UUID,
        filters: RunFilter | None = None,
        *,
        limit: int | None = 50,
        offset: int = 0,
    ) -> list[RunRecord]:
        """The user's runs, newest first, without their file trees."""
        stmt = _filtered(select(AnalysisRun), user_id, filters or RunFilter())
        stmt = stmt.order_by(*_NEWEST_FIRST).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_record(run) for run in self.session.scalars(stmt)]

    def headers_for_user(self, user_id: uuid.UUID, filters: RunFilter | None = None) -> list[RunHeader]:
        """All of the user's runs, newest first, as who/what/when only (enough to pick one)."""
        return [RunHeader(*row) for row in self._history(user_id, filters)]

    def summaries_for_user(self, user_id: uuid.UUID, filters: RunFilter | None = None) -> list[RunSummaryRecord]:
        """All of the user's runs, newest first, as history rows: header columns and the stored summary,
        never metrics or file trees. A summary that is missing or of another version is computed from
        the run's metrics here (and left unwritten: `refresh_summaries` stores them)."""
        rows = self._history(user_id, filters, AnalysisRun.summary)
        stored = {row.run_id: RunSummary.from_json(row.summary) for row in rows}
        summaries = {run_id: found for run_id, found in stored.items() if found is not None}
        summaries.update(self._computed_summaries([run_id for run_id, found in stored.items() if found is None]))
        headers = (RunHeader(*row[: len(_HEADER_COLUMNS)]) for row in rows)
        return [RunSummaryRecord(**vars(header), summary=summaries[header.run_id]) for header in headers]

    def _history(self, user_id: uuid.UUID, filters: RunFilter | None, *extra: Any) -> list[Row[*tuple[Any, ...]]]:
        """The header columns (and `extra` ones) of the user's runs, newest first."""
        stmt = _filtered(select(*_HEADER_COLUMNS, *extra), user_id, filters or RunFilter())
        return list(self.session.execute(stmt.order_by(*_NEWEST_FIRST)).all())

    def refresh_summaries(self, *, everything: bool = False) -> int:
        """Re-score every run (of any user) whose summary is missing, of another version or made by other
        formulas (`everything`: every run): its stored score fields, file severities and summary are
        rewritten from its measures by today's scoring. Returns how many runs were re-scored."""
        stored = self.session.execute(select(AnalysisRun.run_id, AnalysisRun.summary))
        stale = [run_id for run_id, summary in stored if everything or RunSummary.from_json(summary) is None]
        for start in range(0, len(stale), _RESCORE_BATCH):
            stmt = select(AnalysisRun.run_id, AnalysisRun.metrics, AnalysisRun.file_tree, AnalysisRun.errors)
            values = []
            for run_id, metrics, file_tree, errors in self.session.execute(
                stmt.where(AnalysisRun.run_id.in_(stale[start : start + _RESCORE_BATCH]))
            ):
                scored = score_run(metrics or {}, file_tree)
                summary = summarize_run(scored.metrics, errors or [])
                values.append(
                    {
                        "run_id": run_id,
                        "metrics": scored.metrics,
                        "file_tree": scored.file_tree,
                        "summary": summary.to_json(),
                    }
                )
            self.session.execute(update(AnalysisRun), values)
        return len(stale)

    def _computed_summaries(self, run_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, RunSummary]:
        computed: dict[uuid.UUID, RunSummary] = {}
        for start in range(0, len(run_ids), _METRICS_BATCH):
            batch = run_ids[start : start + _METRICS_BATCH]
            stmt = select(AnalysisRun.run_id, AnalysisRun.metrics, AnalysisRun.errors).where(
                AnalysisRun.run_id.in_(batch)
            )
            for run_id, metrics, errors in self.session.execute(stmt):
                computed[run_id] = summarize_run(metrics or {}, errors or [])
        return computed

    def newest_run_id(self, user_id: uuid.UUID) -> uuid.UUID | None:
        """The id of the user's newest run (with the count, a cheap stamp of the history)."""
        stmt = select(AnalysisRun.run_id).where(AnalysisRun.user_id == user_id).order_by(*_NEWEST_FIRST).limit(1)
        return self.session.scalar(stmt)

    def count_for_user(self, user_id: uuid.UUID, filters: RunFilter | None = None) -> int:
        stmt = _filtered(select(func.count()).select_from(AnalysisRun), user_id, filters or RunFilter())
        return int(self.session.scalar(stmt) or 0)

    def _owned(self, run_id: uuid.UUID, user_id: uuid.UUID, *, with_tree: bool) -> AnalysisRun:
        stmt = select(AnalysisRun).where(AnalysisRun.run_id == run_id)
        if with_tree:
            stmt = stmt.options(undefer(AnalysisRun.file_tree))
        run = self.session.scalars(stmt).first()
        if run is None:
            raise NotFoundError()
        if run.user_id != user_id:
            raise ForbiddenError()
        return run

    def get(self, run_id: uuid.UUID, user_id: uuid.UUID, *, with_tree: bool = False) -> RunRecord:
        """The run if `user_id` owns it; NotFoundError / ForbiddenError otherwise."""
        return _record(self._owned(run_id, user_id, with_tree=with_tree), with_tree=with_tree)

    def delete(self, run_id: uuid.UUID, user_id: uuid.UUID) -> None:
        """Delete the owner's run; a job that produced it keeps `result_run_id` NULL."""
        self._owned(run_id, user_id, with_tree=False)
        self.session.execute(delete(AnalysisRun).where(AnalysisRun.run_id == run_id))

    def relabel(
        self, run_id: uuid.UUID, user_id: uuid.UUID, project_name: str, author_type: str, author_model: str | None
    ) -> None:
        """Change who wrote the owner's run and which project it belongs to (the figures stay)."""
        self._owned(run_id, user_id, with_tree=False)
        labels = {"project_name": project_name, "author_type": author_type, "author_model": author_model}
        self.session.execute(update(AnalysisRun).where(AnalysisRun.run_id == run_id).values(**labels))

    def previous_in_project(self, run: RunRecord) -> RunRecord | None:
        """The same user's run of the same project just before `run` (for score deltas)."""
        if not run.project_name:
            return None
        stmt = (
            select(AnalysisRun)
            .where(
                AnalysisRun.user_id == run.user_id,
                AnalysisRun.project_name == run.project_name,
                AnalysisRun.created_at < run.created_at,
            )
            .order_by(AnalysisRun.created_at.desc())
            .limit(1)
        )
        found = self.session.scalars(stmt).first()
        return _record(found) if found else None

    def distinct_values(self, user_id: uuid.UUID, column: str) -> list[str]:
        """Distinct non-empty values of project_name or author_model among the user's runs."""
        if column not in ("project_name", "author_model", "author_type"):
            raise ValueError(f"cannot list distinct values of {column!r}")
        col = getattr(AnalysisRun, column)
        stmt = select(col).where(AnalysisRun.user_id == user_id, col.is_not(None)).distinct().order_by(col)
        return [value for value in self.session.scalars(stmt) if value]
