"""Fixtures for the job runner: fast heartbeat settings, uploads built in memory, a fake engine."""

from __future__ import annotations

import io
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select

from vibe8_core.analysis import AnalysisResult, Progress
from vibe8_core.config import JobSettings, Settings, load_settings
from vibe8_core.store import Database
from vibe8_core.store.models import Job

GOOD_PY = b'"""A tiny module."""\n\n\ndef add(a, b):\n    """Add."""\n    return a + b\n'


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def job_row(db: Database, job_id: str) -> SimpleNamespace:
    """The job's row as it is now, every column included (file_data too, if it is still there)."""
    with db.unit_of_work() as uow:
        row = uow.session.execute(select(Job.__table__).where(Job.job_id == job_id)).mappings().one()
    return SimpleNamespace(**row)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Settings on the test database with a quick heartbeat and no network for package health."""
    base = load_settings({"DATABASE_URL": database_url, "VIBE8_PACKAGE_INDEX_URL": "http://127.0.0.1:9/pypi"})
    jobs = JobSettings(
        embedded_worker=False,
        worker_threads=1,
        poll_interval_s=0.05,
        heartbeat_interval_s=0.1,
        heartbeat_timeout_s=1.0,
        max_attempts=3,
        job_time_limit_s=60.0,
        finished_job_max_age_s=3600.0,
    )
    engine = replace(base.engine, workers=1, cache_dir=tmp_path / "cache")
    return replace(base, jobs=jobs, engine=engine)


class FakeEngine:
    """Stands in for analyze_folder where timing matters; records what it was asked to analyse."""

    def __init__(self, steps: int = 1, delay: float = 0.0) -> None:
        self.steps = steps
        self.delay = delay
        self.calls: list[tuple[list[str], bool]] = []
        self.started = threading.Event()

    def __call__(
        self, root: Path, *, settings: Any, churn: bool, progress: Callable[[Progress], None] | None
    ) -> AnalysisResult:
        files = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.py"))
        self.calls.append((files, churn))
        self.started.set()
        for done in range(self.steps):
            if progress:
                progress(Progress(step="per-file metrics", files_done=done, files_total=self.steps))
            time.sleep(self.delay)
        return AnalysisResult(metrics={"size": {"files": len(files)}}, file_tree={"version": 1, "files": []}, errors=[])


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str, db, tmp_path: Path) -> Path:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("VIBE8_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("VIBE8_ANALYSIS_WORKERS", "1")
    monkeypatch.setenv("VIBE8_PACKAGE_INDEX_URL", "http://127.0.0.1:9/pypi")
    monkeypatch.delenv("VIBE8_ALLOWED_EMAILS", raising=False)
    return tmp_path
