"""The migrated schema is the models' schema, and the seed's, on both databases."""

from __future__ import annotations

import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from vibe8_core.store.migrate import downgrade, upgrade
from vibe8_core.store.models import Base

SEED_INDEXES = {
    "users": {("ix_users_email", ("email",), True), ("ix_users_auth0_sub", ("auth0_sub",), True)},
    "analysis_runs": {
        ("ix_analysis_runs_user_id", ("user_id",), False),
        ("ix_analysis_runs_created_at", ("created_at",), False),
    },
    "jobs": {
        ("ix_jobs_user_id", ("user_id",), False),
        ("ix_jobs_status", ("status",), False),
        ("ix_jobs_status_updated", ("status", "updated_at"), False),
    },
}

# (column, PostgreSQL data_type, nullable) exactly as DATABASE.md gives them.
SEED_COLUMNS = {
    "users": [
        ("id", "uuid", "NO"),
        ("email", "character varying", "NO"),
        ("auth0_sub", "character varying", "YES"),
        ("created_at", "timestamp with time zone", "NO"),
        ("last_login", "timestamp with time zone", "YES"),
    ],
    "analysis_runs": [
        ("run_id", "uuid", "NO"),
        ("user_id", "uuid", "NO"),
        ("created_at", "timestamp with time zone", "NO"),
        ("upload_filename", "character varying", "YES"),
        ("submission_type", "character varying", "NO"),
        ("project_name", "character varying", "YES"),
        ("author_type", "character varying", "YES"),
        ("author_model", "character varying", "YES"),
        ("git_repo_url", "character varying", "YES"),
        ("git_branch", "character varying", "YES"),
        ("git_commit_sha", "character varying", "YES"),
        ("metrics", "jsonb", "NO"),
        ("file_tree", "jsonb", "YES"),
        ("errors", "jsonb", "NO"),
    ],
    "jobs": [
        ("job_id", "character varying", "NO"),
        ("user_id", "uuid", "NO"),
        ("status", "character varying", "NO"),
        ("source_kind", "character varying", "NO"),
        ("source_metadata", "jsonb", "YES"),
        ("result_run_id", "uuid", "YES"),
        ("error_message", "character varying", "YES"),
        ("created_at", "timestamp with time zone", "NO"),
        ("updated_at", "timestamp with time zone", "NO"),
    ],
}


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    upgrade(empty_database_url)
    downgrade(empty_database_url, "base")
    engine = create_engine(empty_database_url)
    try:
        assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()
    upgrade(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        assert {"users", "analysis_runs", "jobs"} <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_migrated_schema_equals_models(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        engine.dispose()


def test_indexes_foreign_keys_and_checks(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        inspector = inspect(engine)
        for table, expected in SEED_INDEXES.items():
            found = {(ix["name"], tuple(ix["column_names"]), bool(ix["unique"])) for ix in inspector.get_indexes(table)}
            assert expected <= found, table
        fks = {
            (table, tuple(fk["constrained_columns"]), fk["referred_table"], fk["options"].get("ondelete"))
            for table in ("analysis_runs", "jobs")
            for fk in inspector.get_foreign_keys(table)
        }
        assert fks == {
            ("analysis_runs", ("user_id",), "users", "CASCADE"),
            ("jobs", ("user_id",), "users", "CASCADE"),
            ("jobs", ("result_run_id",), "analysis_runs", "SET NULL"),
        }
        checks = {ck["name"] for table in ("analysis_runs", "jobs") for ck in inspector.get_check_constraints(table)}
        assert {"ck_analysis_runs_submission_type", "ck_jobs_status", "ck_jobs_source_kind"} <= checks
    finally:
        engine.dispose()


def test_postgres_columns_match_the_seed(migrated_postgres_url: str) -> None:
    engine = create_engine(migrated_postgres_url)
    try:
        with engine.connect() as conn:
            for table, expected in SEED_COLUMNS.items():
                rows = conn.execute(
                    text(
                        "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                        "WHERE table_name = :t ORDER BY ordinal_position"
                    ),
                    {"t": table},
                ).all()
                assert [tuple(r) for r in rows][: len(expected)] == expected, table
            defaults = dict(
                conn.execute(
                    text(
                        "SELECT table_name || '.' || column_name, column_default "
                        "FROM information_schema.columns "
                        "WHERE column_default IS NOT NULL AND table_schema = 'public'"
                    )
                ).all()
            )
    finally:
        engine.dispose()
    for column in ("users.created_at", "analysis_runs.created_at", "jobs.created_at", "jobs.updated_at"):
        assert defaults[column] == "now()", column
    assert defaults["analysis_runs.errors"].startswith("'[]'::jsonb")


@pytest.mark.parametrize(
    ("table", "column", "bad"),
    [("analysis_runs", "submission_type", "ftp"), ("jobs", "status", "lost"), ("jobs", "source_kind", "ftp")],
)
def test_check_constraints_refuse_unknown_values(db, table: str, column: str, bad: str) -> None:
    from sqlalchemy.exc import IntegrityError

    from vibe8_core.store import NewRun

    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("check@example.com")
        run = uow.runs.create(user.id, NewRun(submission_type="upload", metrics={}, file_tree=None, errors=[]))
        job_id = uow.jobs.create_pending(user.id, "upload", {})
        uow.commit()
    key = {
        "analysis_runs": ("run_id", run.run_id.hex if db.dialect == "sqlite" else str(run.run_id)),
        "jobs": ("job_id", job_id),
    }[table]
    with pytest.raises(IntegrityError), db.engine.begin() as conn:
        conn.execute(text(f"UPDATE {table} SET {column} = :v WHERE {key[0]} = :k"), {"v": bad, "k": key[1]})


def test_0003_adds_the_run_summary_and_downgrades_without_touching_other_data(empty_database_url: str) -> None:
    """Rows from before 0003 keep NULL; downgrading drops only the column (no table copy, which on
    SQLite with foreign keys on would have emptied jobs.result_run_id)."""
    from sqlalchemy import insert, select

    from vibe8_core.store.models import AnalysisRun, Job, User

    upgrade(empty_database_url, "0002_job_runner_columns")
    engine = create_engine(empty_database_url)
    try:
        user_id, run_id = uuid.uuid4(), uuid.uuid4()
        with engine.begin() as conn:
            conn.execute(insert(User.__table__).values(id=user_id, email="old@example.com"))
            conn.execute(
                insert(AnalysisRun.__table__).values(
                    run_id=run_id, user_id=user_id, submission_type="upload", metrics={}
                )
            )
            conn.execute(
                insert(Job.__table__).values(
                    job_id="j", user_id=user_id, status="completed", source_kind="upload", result_run_id=run_id
                )
            )
        assert "summary" not in {column["name"] for column in inspect(engine).get_columns("analysis_runs")}

        upgrade(empty_database_url)
        with engine.connect() as conn:
            assert conn.execute(select(AnalysisRun.summary)).scalar_one() is None

        downgrade(empty_database_url, "0002_job_runner_columns")
        assert "summary" not in {column["name"] for column in inspect(engine).get_columns("analysis_runs")}
        with engine.connect() as conn:
            assert conn.execute(select(Job.result_run_id)).scalar_one() == run_id
            assert conn.execute(select(AnalysisRun.run_id)).scalar_one() == run_id
    finally:
        engine.dispose()
