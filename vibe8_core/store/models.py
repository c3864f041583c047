"""SQLAlchemy models: the tables of shared/seed/DATABASE.md, column by column.

Portable types: `Uuid` is native `uuid` on PostgreSQL, `JSONType` (StorableJSON) is `jsonb` there, and
`UTCDateTime` is `timestamp with time zone`; on SQLite the same models work and datetimes come back
timezone-aware (UTC). Columns beyond the seed are added by later migrations only (see migrations/).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    TypeDecorator,
    Uuid,
    func,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.sql.expression import FunctionElement

from vibe8_core.store.storable import StorableJSON, StorableString, StorableText

# Every text and JSON column binds through the storable boundary (NUL, lone surrogates, NaN never reach SQL).
JSONType = StorableJSON

JOB_STATUSES = ("pending", "running", "completed", "failed")


class UTCDateTime(TypeDecorator[datetime]):
    """`timestamp with time zone`; SQLite drops the zone, so values are read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is not None and dialect.name == "sqlite":
            return value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    """Insert-time default: the process clock in UTC, with microseconds (orders history exactly)."""
    return datetime.now(UTC)


class db_now(FunctionElement[datetime]):
    """The database clock, used by the queue so that workers on several machines share one clock."""

    type = UTCDateTime()
    inherit_cache = True


@compiles(db_now, "postgresql")
def _pg_now(element: db_now, compiler: Any, **kw: Any) -> str:
    return "clock_timestamp()"


@compiles(db_now, "sqlite")
def _sqlite_now(element: db_now, compiler: Any, **kw: Any) -> str:
    return "strftime('%Y-%m-%d %H:%M:%f000', 'now')"


class db_seconds_ago(FunctionElement[datetime]):
    """The database clock minus some seconds (for heartbeat and age cut-offs)."""

    type = UTCDateTime()
    inherit_cache = False

    def __init__(self, seconds: float) -> None:
        self.seconds = max(0.0, float(seconds))
        super().__init__()


@compiles(db_seconds_ago, "postgresql")
def _pg_seconds_ago(element: db_seconds_ago, compiler: Any, **kw: Any) -> str:
    return f"(clock_timestamp() - interval '{element.seconds:.3f} seconds')"


@compiles(db_seconds_ago, "sqlite")
def _sqlite_seconds_ago(element: db_seconds_ago, compiler: Any, **kw: Any) -> str:
    return f"strftime('%Y-%m-%d %H:%M:%f000', 'now', '-{element.seconds:.3f} seconds')"


class without_file_data(FunctionElement[Any]):
    """`source_metadata` minus its `file_data` key (the uploaded bytes), computed in SQL."""

    inherit_cache = True

    def __init__(self, column: Any) -> None:
        super().__init__(column)
        self.type = column.type


@compiles(without_file_data, "postgresql")
def _pg_without_file_data(element: without_file_data, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - 'file_data')"


@compiles(without_file_data, "sqlite")
def _sqlite_without_file_data(element: without_file_data, compiler: Any, **kw: Any) -> str:
    return f"json_remove({compiler.process(element.clauses, **kw)}, '$.file_data')"


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(StorableString, nullable=False, unique=True, index=True)
    auth0_sub: Mapped[str | None] = mapped_column(StorableString, nullable=True, unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, server_default=func.now(), default=utcnow)
    last_login: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    analysis_runs: Mapped[list[AnalysisRun]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )
    jobs: Mapped[list[Job]] = relationship(back_populates="user", cascade="all, delete-orphan", passive_deletes=True)


class AnalysisRun(Base):
    __tablename__ = "analysis_runs"
    __table_args__ = (
        CheckConstraint("submission_type IN ('upload', 'github')", name="ck_analysis_runs_submission_type"),
        Index("ix_analysis_runs_user_id_study", "user_id", "study"),
        Index("ix_analysis_runs_user_id_created_at", "user_id", "created_at"),
    )

    run_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, index=True, server_default=func.now(), default=utcnow
    )
    upload_filename: Mapped[str | None] = mapped_column(StorableString)
    submission_type: Mapped[str] = mapped_column(StorableString, nullable=False)
    project_name: Mapped[str | None] = mapped_column(StorableString)
    author_type: Mapped[str | None] = mapped_column(StorableString)
    author_model: Mapped[str | None] = mapped_column(StorableString)
    git_repo_url: Mapped[str | None] = mapped_column(StorableString)
    git_branch: Mapped[str | None] = mapped_column(StorableString)
    git_commit_sha: Mapped[str | None] = mapped_column(StorableString)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSONType, nullable=False)
    file_tree: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True, deferred=True)
    errors: Mapped[list[str]] = mapped_column(JSONType, nullable=False, default=list, server_default="[]")
    # Added by migration 0003 (not in the seed): the run's run_summary.RunSummary, written with the run, so
    # that a history of thousands of runs is listed without reading their metrics. NULL on older rows.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    # Added by migration 0005 (not in the seed): the study a batch manifest put the run in, and the
    # SHA-256 of an upload's bytes, so that a manifest submitted twice reuses its runs, and the versions
    # of the tools that measured it (for research exports). NULL on older rows.
    study: Mapped[str | None] = mapped_column(StorableString, nullable=True)
    source_digest: Mapped[str | None] = mapped_column(StorableString, nullable=True)
    tool_versions: Mapped[dict[str, str] | None] = mapped_column(JSONType, nullable=True)

    user: Mapped[User] = relationship(back_populates="analysis_runs")


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'running', 'completed', 'failed')", name="ck_jobs_status"),
        CheckConstraint("source_kind IN ('upload', 'github')", name="ck_jobs_source_kind"),
        Index("ix_jobs_status_updated", "status", "updated_at"),
    )

    job_id: Mapped[str] = mapped_column(StorableString, primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = mapped_column(StorableString, nullable=False, index=True)
    source_kind: Mapped[str] = mapped_column(StorableString, nullable=False)
    source_metadata: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    result_run_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("analysis_runs.run_id", ondelete="SET NULL"), nullable=True
    )
    error_message: Mapped[str | None] = mapped_column(StorableString)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, server_default=func.now(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime, nullable=False, server_default=func.now(), default=utcnow, onupdate=utcnow
    )
    # Added by migration 0002 for the runner (not in the seed): who holds the job, how often it
    # was claimed, and what it is doing now.
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")
    claimed_by: Mapped[str | None] = mapped_column(StorableString, nullable=True)
    progress: Mapped[dict[str, Any] | None] = mapped_column(JSONType, nullable=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="jobs")


SIGN_IN_MODES = ("popup", "oidc")


class SignIn(Base):
    """One accepted sign-in (added by migration 0004; not in the seed's DATABASE.md).

    Keyed by a hash of the ID token (or of its identifying claims), so that each token is accepted
    once per deployment, and kept until `expires_at` so that every front end agrees on it; it also
    carries the session's clock (last activity) and its end (sign-out or a time limit).
    """

    __tablename__ = "sign_ins"
    __table_args__ = (CheckConstraint("mode IN ('popup', 'oidc')", name="ck_sign_ins_mode"),)

    token_hash: Mapped[str] = mapped_column(StorableString(64), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
    )
    mode: Mapped[str] = mapped_column(StorableString, nullable=False)
    authenticated_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, server_default=func.now())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False, index=True)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end_reason: Mapped[str | None] = mapped_column(StorableString, nullable=True)


class RunSource(Base):
    """Added by migration 0007 (not in the seed): the text of each file a run analysed, kept so that
    a file can be read with its findings inline and an upload re-analysed without uploading it again.
    Deleted with its run."""

    __tablename__ = "run_sources"

    run_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("analysis_runs.run_id", ondelete="CASCADE"), primary_key=True
    )
    path: Mapped[str] = mapped_column(StorableString, primary_key=True)
    content: Mapped[str] = mapped_column(StorableText, nullable=False)
