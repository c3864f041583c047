"""The text of each analysed file, beside the seed's tables: run_sources (run_id, path, content).

Runs analysed before this revision have no rows here: their files are shown without source, and an
upload of theirs cannot be re-analysed without uploading it again.

Revision ID: 0007_run_sources
Revises: 0006_history_index
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_run_sources"
down_revision: str | None = "0006_history_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "run_sources",
        sa.Column("run_id", sa.Uuid(), sa.ForeignKey("analysis_runs.run_id", ondelete="CASCADE"), nullable=False),
        sa.Column("path", sa.String(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "path"),
    )


def downgrade() -> None:
    op.drop_table("run_sources")
