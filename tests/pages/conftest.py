"""Fixtures for the page tests: a migrated SQLite database in DATABASE_URL, seeded users and runs,
and AppTest apps with a user already in the session.

`make_run` builds a realistic NewRun (the ten metric sections and a file tree with blocks and
findings) so the pages can be tested before, and independently of, the analysis engine.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from vibe8_core.config import PROJECT_ROOT, DatabaseSettings
from vibe8_core.scoring import (
    complexity_score,
    duplication_score,
    file_severity,
    grade_for_severity,
    linting_score,
    security_score,
)
from vibe8_core.store import Database, NewRun, RunRecord, UserRecord

APP = str(PROJECT_ROOT / "app.py")
LINT_CODES = (("F401", "`os` imported but unused"), ("E501", "Line too long"), ("B006", "Mutable default"))
SECURITY_CODES = (
    ("B101", "Use of assert detected.", "low"),
    ("B602", "subprocess call with shell=True", "high"),
)


def _file_entry(rng: random.Random, path: str, *, churn: bool) -> dict[str, Any]:
    sloc = rng.randint(20, 400)
    blocks = [
        {
            "name": f"func_{index}",
            "kind": "function",
            "line": 5 + index * 12,
            "end_line": 15 + index * 12,
            "complexity": (cc := rng.choice((1, 2, 3, 5, 8, 12, 25))),
            "rank": "A" if cc <= 5 else "B" if cc <= 10 else "C" if cc <= 20 else "D",
            "cognitive": cc + 2,
        }
        for index in range(rng.randint(1, 5))
    ]
    findings = []
    for _ in range(rng.randint(0, 4)):
        code, message = rng.choice(LINT_CODES)
        findings.append(
            {
                "collector": "lint",
                "code": code,
                "message": message,
                "line": rng.randint(1, sloc),
                "column": 1,
                "severity": "low",
                "text": "import os",
                "extra": {},
            }
        )
    if rng.random() < 0.4:
        code, message, severity = rng.choice(SECURITY_CODES)
        findings.append(
            {
                "collector": "security",
                "code": code,
                "message": message,
                "line": 7,
                "column": 4,
                "severity": severity,
                "text": "subprocess.call(cmd, shell=True)",
                "extra": {"confidence": "HIGH"},
            }
        )
    if rng.random() < 0.3:
        findings.append(
            {
                "collector": "dead_code",
                "code": "unused-function",
                "message": "unused function 'old_helper'",
                "line": 30,
                "column": None,
                "severity": "low",
                "text": "def old_helper():",
                "extra": {
                    "name": "old_helper",
                    "kind": "function",
                    "confidence": 60,
                    "end_line": 33,
                    "size": 4,
                },
            }
        )
    entry: dict[str, Any] = {
        "path": path,
        "sloc": sloc,
        "loc": sloc + 30,
        "lloc": sloc - 5,
        "comments": 10,
        "multi": 4,
        "blank": 16,
        "avg_cc": sum(b["complexity"] for b in blocks) / len(blocks),
        "max_cc": max(b["complexity"] for b in blocks),
        "mi": round(rng.uniform(10, 95), 1),
        "mi_rank": "A",
        "doc_covered": 2,
        "doc_total": 4,
        "lint_count": sum(f["collector"] == "lint" for f in findings),
        "security_count": sum(f["collector"] == "security" for f in findings),
        "dead_code_count": sum(f["collector"] == "dead_code" for f in findings),
        "duplicate_lines": 0,
        "commits": rng.randint(1, 30) if churn else None,
        "lines_added": 100 if churn else None,
        "lines_deleted": 20 if churn else None,
        "last_change": "2026-01-01T00:00:00+00:00" if churn else None,
        "parse_error": None,
        "blocks": blocks,
        "findings": findings,
    }
    entry["severity"] = file_severity(entry)
    entry["grade"] = grade_for_severity(entry["severity"])
    return entry


def make_run(
    project: str = "shop",
    author_type: str = "human",
    author_model: str = "developer",
    *,
    files: int = 12,
    seed: int = 1,
    github: bool = False,
) -> NewRun:
    """A realistic run: the ten metric sections agree with the file tree they came from."""
    rng = random.Random(seed)
    folders = ("app", "app/models", "app/views", "lib")
    entries = [_file_entry(rng, f"{rng.choice(folders)}/mod_{i}.py", churn=github) for i in range(files)]
    if len(entries) >= 2:  # one duplicated block between the first two files
        first, second = entries[0], entries[1]
        dup = {
            "collector": "dupes",
            "code": "DUP",
            "message": f"Lines 40-52 also stand at {second['path']}:10-22",
            "line": 40,
            "column": None,
            "severity": "info",
            "text": "for item in items:",
            "extra": {"end_line": 52, "twin_path": second["path"], "twin_line": 10, "twin_end_line": 22},
        }
        first["findings"].append(dup)
        first["duplicate_lines"] = 13
    sloc = sum(e["sloc"] for e in entries)
    lint_total = sum(e["lint_count"] for e in entries)
    security = {level: 0 for level in ("high", "medium", "low")}
    for entry in entries:
        for finding in entry["findings"]:
            if finding["collector"] == "security":
                security[finding["severity"]] += 1
    avg_cc = round(sum(e["avg_cc"] for e in entries) / len(entries), 2)
    dup_pct = round(100 * 13 / sloc, 2)
    metrics = {
        "lint": {"total": lint_total, "linting_score": linting_score(lint_total, sloc), "rules": ["E", "F"]},
        "cyclomatic": {"avg_cc": avg_cc, "complexity_score": complexity_score(avg_cc)},
        "docs": {"coverage_pct": round(rng.uniform(30, 95), 1)},
        "dead_code": {"unused_symbols": sum(e["dead_code_count"] for e in entries)},
        "deps": {
            "total_modules": 7,
            "package_health": [
                {
                    "name": "requests",
                    "specifier": "==2.31.0",
                    "pinned": True,
                    "imported": True,
                    "latest": "2.34.2",
                    "behind": True,
                    "status": "outdated",
                },
                {
                    "name": "click",
                    "specifier": ">=8",
                    "pinned": False,
                    "imported": True,
                    "latest": "unknown",
                    "behind": None,
                    "status": "unknown",
                },
            ],
        },
        "mi": {"mi_avg": round(sum(e["mi"] for e in entries) / len(entries), 1)},
        "size": {
            "files": len(entries),
            "sloc": sloc,
            "avg_file_sloc": round(sloc / len(entries), 1),
            "loc": sloc + 30 * len(entries),
            "lloc": sloc,
            "comments": 10 * len(entries),
            "multi": 0,
            "blank": 0,
        },
        "dupes": {
            "duplicate_lines": 13,
            "duplicate_pct": dup_pct,
            "duplication_score": duplication_score(dup_pct),
        },
        "security": {**security, "security_score": security_score(security, sloc)},
        "churn": {
            "total_commits": 40 if github else None,
            "totalChurn": 900 if github else None,
            "churn_score": 88.0 if github else None,
        },
    }
    return NewRun(
        submission_type="github" if github else "upload",
        metrics=metrics,
        file_tree={"version": 1, "files": entries},
        errors=["deps: the package index could not be reached"] if seed % 2 else [],
        upload_filename=None if github else f"{project}.zip",
        project_name=project,
        author_type=author_type,
        author_model=author_model,
        git_repo_url="https://github.com/acme/shop" if github else None,
        git_branch="main" if github else None,
        git_commit_sha="0123456789abcdef0123456789abcdef01234567" if github else None,
    )


@dataclass
class Seeder:
    db: Database

    def user(self, email: str) -> UserRecord:
        with self.db.unit_of_work() as uow:
            user = uow.users.get_or_create_by_email(email)
            uow.commit()
        return user

    def run(self, user: UserRecord, new: NewRun | None = None, **kwargs: Any) -> RunRecord:
        with self.db.unit_of_work() as uow:
            run = uow.runs.create(user.id, new or make_run(**kwargs))
            uow.commit()
        return run

    def run_ids(self, user: UserRecord) -> set[str]:
        with self.db.unit_of_work() as uow:
            return {str(run.run_id) for run in uow.runs.list_for_user(user.id, limit=None)}

    def jobs(self, user: UserRecord) -> list[Any]:
        with self.db.unit_of_work() as uow:
            return uow.jobs.list_for_user(user.id)


@pytest.fixture
def page_env(monkeypatch: pytest.MonkeyPatch, migrated_sqlite_url: str) -> Iterator[Database]:
    """DATABASE_URL on the migrated SQLite file, emptied; local mode; no embedded worker; clean caches."""
    monkeypatch.setenv("DATABASE_URL", migrated_sqlite_url)
    monkeypatch.setenv("VIBE8_EMBEDDED_WORKER", "0")
    for name in ("AUTH0_DOMAIN", "AUTH0_CLIENT_ID", "VIBE8_ALLOWED_EMAILS", "VIBE8_LOCAL_USER", "VIBE8_AUTH_MODE",
                 "VIBE8_AUTH_MAX_AGE", "VIBE8_SESSION_LIFETIME", "VIBE8_SESSION_IDLE_TIMEOUT"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    db = Database(DatabaseSettings(url=migrated_sqlite_url))
    with db.engine.begin() as conn:
        for table in ("sign_ins", "jobs", "analysis_runs", "users"):
            conn.execute(text(f"DELETE FROM {table}"))
    st.cache_data.clear()
    try:
        yield db
    finally:
        st.cache_data.clear()
        db.dispose()


@pytest.fixture
def seed(page_env: Database) -> Seeder:
    return Seeder(page_env)


@pytest.fixture
def alice(seed: Seeder) -> UserRecord:
    return seed.user("alice@example.com")


@pytest.fixture
def bob(seed: Seeder) -> UserRecord:
    return seed.user("bob@example.com")


@pytest.fixture
def open_page(page_env: Database) -> Callable[..., AppTest]:
    """open_page(user, "pages/run.py", run=...) → an AppTest that has run that page as `user`."""

    def _open(user: UserRecord, page: str | None = None, **query: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.session_state["vibe8_user"] = user
        for key, value in query.items():
            at.query_params[key] = value
        at.run()
        if page is not None:
            at.switch_page(page)
            for key, value in query.items():
                at.query_params[key] = value
            at.run()
        return at

    return _open
