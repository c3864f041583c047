"""Analysis runs: create, a user's history, owner-checked get and delete."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session, undefer

from vibe8_core.store.errors import ForbiddenError, NotFoundError
from vibe8_core.store.models import AnalysisRun
from vibe8_core.store.records import NewRun, RunFilter, RunRecord


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
        )
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
        stmt = stmt.order_by(AnalysisRun.created_at.desc(), AnalysisRun.run_id.desc()).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_record(run) for run in self.session.scalars(stmt)]

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
