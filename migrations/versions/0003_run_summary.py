"""A precomputed summary per run, added beside the seed's columns: analysis_runs.summary (nullable).

Existing rows keep NULL: the store computes a missing summary from the run's metrics when it lists
runs, and `python -m vibe8_core migrate` writes them after upgrading (no application code runs here).

Revision ID: 0003_run_summary
Revises: 0002_job_runner_columns
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_run_summary"
down_revision: str | None = "0002_job_runner_columns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


# Plain ALTER TABLE on both databases (SQLite has DROP COLUMN since 3.35): a batch "move and copy" would
# drop analysis_runs, and with foreign keys on, that empties jobs.result_run_id.


def upgrade() -> None:
    op.add_column("analysis_runs", sa.Column("summary", JSONB, nullable=True))


def downgrade() -> None:
    op.drop_column("analysis_runs", "summary")
