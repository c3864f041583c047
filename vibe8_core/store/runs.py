"""Analysis runs: create, a user's history (full records or summary rows), owner-checked get and delete."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, delete, func, select, text, update
from sqlalchemy.orm import Session, undefer

from vibe8_core.run_data import FileTree, RunMetrics
from vibe8_core.run_summary import RunSummary, summarize_run
from vibe8_core.scored_run import score_run
from vibe8_core.store.errors import ForbiddenError, NotFoundError
from vibe8_core.store.history import NEWEST_FIRST, filtered, ordered
from vibe8_core.store.models import AnalysisRun
from vibe8_core.store.records import NewRun, RunFilter, RunHeader, RunRecord, RunSort, RunSummaryRecord

# A header's columns but its owner (the user asking: never read back, 20,000 fewer UUIDs for a big history).
_LISTED = tuple(getattr(AnalysisRun, field.name) for field in fields(RunHeader) if field.name != "user_id")
assert fields(RunHeader)[1].name == "user_id", "rows are built as (run_id, user_id, *the rest)"
# One file's entry of a run's file tree, picked out by the database (a large tree is not sent whole).
_FILE_ENTRY_SQL = {
    "postgresql": "SELECT entry FROM analysis_runs, jsonb_array_elements(file_tree -> 'files') AS entry "
    "WHERE run_id = :run_id AND entry ->> 'path' = :path LIMIT 1",
    "sqlite": "SELECT entry.value FROM analysis_runs, json_each(analysis_runs.file_tree, '$.files') AS entry "
    "WHERE run_id = :run_id AND json_extract(entry.value, '$.path') = :path LIMIT 1",
}
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
        study=run.study,
        metrics=run.metrics,
        errors=list(run.errors or []),
        file_tree=run.file_tree if with_tree else None,
        tool_versions=run.tool_versions,
    )


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
            study=new.study,
            source_digest=new.source_digest,
            tool_versions=new.tool_versions,
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
        stmt = filtered(select(AnalysisRun), user_id, filters or RunFilter())
        stmt = stmt.order_by(*NEWEST_FIRST).offset(offset)
        if limit is not None:
            stmt = stmt.limit(limit)
        return [_record(run) for run in self.session.scalars(stmt)]

    def summaries_for_user(
        self,
        user_id: uuid.UUID,
        filters: RunFilter | None = None,
        sort: RunSort | None = None,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[RunSummaryRecord]:
        """The user's runs that pass `filters`, in `sort`'s order (newest first by default), from `offset`
        and at most `limit` of them, as history rows: header columns and the stored summary, never metrics
        or file trees. A summary that is missing or of another version is computed from the run's metrics
        here (and left unwritten: `refresh_summaries` stores them)."""
        stmt = filtered(select(*_LISTED, AnalysisRun.summary), user_id, filters or RunFilter())
        stmt = ordered(stmt, sort or RunSort()).offset(offset)
        rows = self.session.execute(stmt if limit is None else stmt.limit(limit)).all()
        listed = len(_LISTED)
        stored = [RunSummary.from_json(row[listed]) for row in rows]
        computed = self._computed_summaries([row[0] for row, found in zip(rows, stored, strict=True) if found is None])
        return [
            RunSummaryRecord(*(row[0], user_id, *row[1:listed], found or computed[row[0]]))
            for row, found in zip(rows, stored, strict=True)
        ]

    def headers_for_user(
        self, user_id: uuid.UUID, filters: RunFilter | None = None, *, limit: int | None = None
    ) -> list[RunHeader]:
        """The user's runs (the newest `limit` of them), newest first, as who/what/when only (enough to
        pick one)."""
        stmt = filtered(select(*_LISTED), user_id, filters or RunFilter()).order_by(*NEWEST_FIRST).limit(limit)
        return [RunHeader(*(row[0], user_id, *row[1:])) for row in self.session.execute(stmt)]

    def run_ids_for_user(
        self, user_id: uuid.UUID, filters: RunFilter | None = None, sort: RunSort | None = None
    ) -> list[uuid.UUID]:
        """The ids of the user's runs that pass `filters`, in `sort`'s order (for exporting them)."""
        stmt = ordered(filtered(select(AnalysisRun.run_id), user_id, filters or RunFilter()), sort or RunSort())
        return list(self.session.scalars(stmt))

    def repeated_projects(self, user_id: uuid.UUID) -> list[str]:
        """The user's projects with two runs or more, the most analysed first (ties by name)."""
        runs = func.count().label("runs")
        stmt = (
            select(AnalysisRun.project_name, runs)
            .where(AnalysisRun.user_id == user_id, AnalysisRun.project_name.is_not(None))
            .group_by(AnalysisRun.project_name)
            .having(func.count() >= 2)
        )
        counted = self.session.execute(stmt).all()
        return [name for name, _ in sorted(counted, key=lambda row: (-row[1], row[0])) if name]

    def created_range(self, user_id: uuid.UUID) -> tuple[datetime, datetime] | None:
        """When the user's oldest and newest runs were stored (None without runs)."""
        stmt = select(func.count(), func.min(AnalysisRun.created_at), func.max(AnalysisRun.created_at))
        count, oldest, newest = self.session.execute(stmt.where(AnalysisRun.user_id == user_id)).one()
        if not count:
            return None
        return oldest, newest

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
                tree = FileTree.from_json(file_tree) if file_tree is not None else None
                scored = score_run(RunMetrics.from_json(metrics), tree)
                summary = summarize_run(scored.metrics, errors or [])
                values.append(
                    {
                        "run_id": run_id,
                        "metrics": scored.metrics.to_json(),
                        "file_tree": scored.file_tree.to_json() if scored.file_tree is not None else None,
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

    def for_export(
        self,
        user_id: uuid.UUID,
        *,
        study: str | None = None,
        run_ids: Sequence[uuid.UUID] | None = None,
        with_tree: bool = False,
    ) -> Iterator[RunRecord]:
        """The user's runs of a study (or the given runs), oldest first, read in batches so that a study
        of thousands of runs with their file trees never sits in memory at once."""
        stmt = select(AnalysisRun.run_id).where(AnalysisRun.user_id == user_id)
        if study is not None:
            stmt = stmt.where(AnalysisRun.study == study)
        ids = list(self.session.scalars(stmt.order_by(AnalysisRun.created_at, AnalysisRun.run_id)))
        if run_ids is not None:
            wanted = set(run_ids)
            ids = [run_id for run_id in ids if run_id in wanted]
        batch_size = _METRICS_BATCH // 5 if with_tree else _METRICS_BATCH
        for start in range(0, len(ids), batch_size):
            query = select(AnalysisRun).where(AnalysisRun.run_id.in_(ids[start : start + batch_size]))
            if with_tree:
                query = query.options(undefer(AnalysisRun.file_tree))
            found = {run.run_id: run for run in self.session.scalars(query)}
            batch = [found[run_id] for run_id in ids[start : start + batch_size] if run_id in found]
            yield from (_record(run, with_tree=with_tree) for run in batch)
            self.session.expunge_all()

    def find_same_source(self, user_id: uuid.UUID, key: tuple[str, ...], study: str | None) -> uuid.UUID | None:
        """The user's newest run of the same source in the same study: key is ("github", url, branch,
        sha) or ("upload", file name, sha-256 of its bytes)."""
        kind, name, *rest = key
        same: tuple[ColumnElement[bool], ...]
        if kind == "github":
            branch, sha = rest
            same = (AnalysisRun.git_repo_url == name, AnalysisRun.git_branch == branch,
                    AnalysisRun.git_commit_sha == sha)  # fmt: skip
        else:
            same = (AnalysisRun.upload_filename == name, AnalysisRun.source_digest == rest[0])
        in_study = AnalysisRun.study.is_(None) if study is None else AnalysisRun.study == study
        stmt = select(AnalysisRun.run_id).where(AnalysisRun.user_id == user_id, AnalysisRun.submission_type == kind,
                                                in_study, *same)  # fmt: skip
        return self.session.scalar(stmt.order_by(*NEWEST_FIRST).limit(1))

    def tool_versions_of(self, user_id: uuid.UUID, run_ids: Sequence[uuid.UUID]) -> list[str]:
        """The distinct tool version sets ('bandit=1.9.4; radon=6.0.1; ...') that measured these runs."""
        found: set[str] = set()
        for start in range(0, len(run_ids), _METRICS_BATCH):
            stmt = select(AnalysisRun.tool_versions).where(
                AnalysisRun.user_id == user_id, AnalysisRun.run_id.in_(run_ids[start : start + _METRICS_BATCH])
            )
            for versions in self.session.scalars(stmt):
                found.add("; ".join(f"{k}={v}" for k, v in sorted((versions or {}).items())) or "not recorded")
        return sorted(found)

    def newest_run_id(self, user_id: uuid.UUID) -> uuid.UUID | None:
        """The id of the user's newest run (with the count, a cheap stamp of the history)."""
        stmt = select(AnalysisRun.run_id).where(AnalysisRun.user_id == user_id).order_by(*NEWEST_FIRST).limit(1)
        return self.session.scalar(stmt)

    def count_for_user(self, user_id: uuid.UUID, filters: RunFilter | None = None) -> int:
        stmt = filtered(select(func.count()).select_from(AnalysisRun), user_id, filters or RunFilter())
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

    def file_entry(self, run_id: uuid.UUID, user_id: uuid.UUID, path: str) -> dict[str, Any] | None:
        """One file's stored entry of the owner's run (None: no such file, or no file tree)."""
        self._owned(run_id, user_id, with_tree=False)
        dialect = self.session.get_bind().dialect.name
        query = text(_FILE_ENTRY_SQL[dialect]).bindparams(bindparam("run_id", type_=AnalysisRun.run_id.type))
        found = self.session.execute(query, {"run_id": run_id, "path": path}).scalar()
        entry = json.loads(found) if isinstance(found, str) else found
        return entry if isinstance(entry, dict) else None

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

    def distinct_values(self, user_id: uuid.UUID, column: str, within: RunFilter | None = None) -> list[str]:
        """Distinct non-empty values of project_name, author_model, author_type or study among the user's runs
        (those that pass `within`, if given)."""
        if column not in ("project_name", "author_model", "author_type", "study"):
            raise ValueError(f"cannot list distinct values of {column!r}")
        col = getattr(AnalysisRun, column)
        stmt = filtered(select(col).where(col.is_not(None)), user_id, within or RunFilter())
        return [value for value in self.session.scalars(stmt.distinct().order_by(col)) if value]
