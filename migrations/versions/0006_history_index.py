"""A composite index for the history: analysis_runs (user_id, created_at), beside the seed's indexes.

The History page lists a user's runs newest first, a page at a time, in the database; with this index
that is a short index scan instead of reading and sorting every run of the user (20,000 for the
largest user of the page benchmark). The seed's ix_analysis_runs_user_id and ix_analysis_runs_created_at
stay as they are.

Revision ID: 0006_history_index
Revises: 0005_study_columns
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006_history_index"
down_revision: str | None = "0005_study_columns"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_analysis_runs_user_id_created_at", "analysis_runs", ["user_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_analysis_runs_user_id_created_at", table_name="analysis_runs")
