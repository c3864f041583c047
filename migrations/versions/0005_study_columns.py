"""Studies: analysis_runs.study, .source_digest and .tool_versions (all nullable), beside the seed's columns.

`study` names the group of runs a batch manifest submitted together (NULL for single submissions);
`source_digest` is the SHA-256 of an uploaded file's bytes (NULL for GitHub runs, whose commit sha says
the same), so that submitting the same manifest twice reuses the runs it already made; `tool_versions`
records which ruff, radon, bandit, vulture and complexipy produced the run (for research exports). The composite
index serves "this user's runs of this study" (batch progress, exports, the Human vs AI filter).

Revision ID: 0005_study_columns
Revises: 0004_sign_ins
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_study_columns"
down_revision: str | None = "0004_sign_ins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONB = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("analysis_runs", sa.Column("study", sa.String(), nullable=True))
    op.add_column("analysis_runs", sa.Column("source_digest", sa.String(), nullable=True))
    op.add_column("analysis_runs", sa.Column("tool_versions", JSONB, nullable=True))
    op.create_index("ix_analysis_runs_user_id_study", "analysis_runs", ["user_id", "study"])


def downgrade() -> None:
    op.drop_index("ix_analysis_runs_user_id_study", table_name="analysis_runs")
    op.drop_column("analysis_runs", "tool_versions")
    op.drop_column("analysis_runs", "source_digest")
    op.drop_column("analysis_runs", "study")
