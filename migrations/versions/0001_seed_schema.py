"""The seed schema of shared/seed/DATABASE.md: users, analysis_runs, jobs and their seven indexes.

Revision ID: 0001_seed_schema
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001_seed_schema"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIMESTAMPTZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("email", sa.String(), nullable=False),
        sa.Column("auth0_sub", sa.String(), nullable=True),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False, server_default=sa.func.now()),
        sa.Column("last_login", TIMESTAMPTZ, nullable=True),
    )
    op.create_index("ix_users_email", "users", ["email"], unique=True)
    op.create_index("ix_users_auth0_sub", "users", ["auth0_sub"], unique=True)

    op.create_table(
        "analysis_runs",
        sa.Column("run_id", sa.Uuid(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False, server_default=sa.func.now()),
        sa.Column("upload_filename", sa.String(), nullable=True),
        sa.Column("submission_type", sa.String(), nullable=False),
        sa.Column("project_name", sa.String(), nullable=True),
        sa.Column("author_type", sa.String(), nullable=True),
        sa.Column("author_model", sa.String(), nullable=True),
        sa.Column("git_repo_url", sa.String(), nullable=True),
        sa.Column("git_branch", sa.String(), nullable=True),
        sa.Column("git_commit_sha", sa.String(), nullable=True),
        sa.Column("metrics", JSONB, nullable=False),
        sa.Column("file_tree", JSONB, nullable=True),
        sa.Column("errors", JSONB, nullable=False, server_default=sa.text("'[]'")),
        sa.CheckConstraint(
            "submission_type IN ('upload', 'github')", name="ck_analysis_runs_submission_type"
        ),
    )
    op.create_index("ix_analysis_runs_user_id", "analysis_runs", ["user_id"])
    op.create_index("ix_analysis_runs_created_at", "analysis_runs", ["created_at"])

    op.create_table(
        "jobs",
        sa.Column("job_id", sa.String(), primary_key=True),
        sa.Column("user_id", sa.Uuid(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("status", sa.String(), nullable=False),
        sa.Column("source_kind", sa.String(), nullable=False),
        sa.Column("source_metadata", JSONB, nullable=True),
        sa.Column(
            "result_run_id",
            sa.Uuid(),
            sa.ForeignKey("analysis_runs.run_id", ondelete="SET NULL"),
            nullable=True,
        ),
        sa.Column("error_message", sa.String(), nullable=True),
        sa.Column("created_at", TIMESTAMPTZ, nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", TIMESTAMPTZ, nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "status IN ('pending', 'running', 'completed', 'failed')", name="ck_jobs_status"
        ),
        sa.CheckConstraint("source_kind IN ('upload', 'github')", name="ck_jobs_source_kind"),
    )
    op.create_index("ix_jobs_user_id", "jobs", ["user_id"])
    op.create_index("ix_jobs_status", "jobs", ["status"])
    op.create_index("ix_jobs_status_updated", "jobs", ["status", "updated_at"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("analysis_runs")
    op.drop_table("users")
