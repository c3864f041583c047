"""Process-wide resources: the embedded runner switch, and app.py re-imported by worker processes."""

from __future__ import annotations

import runpy

from tests.pages.conftest import APP
from vibe8_core.config import load_settings
from vibe8_core.dashboard import resources


def test_no_runner_when_the_embedded_worker_is_off(page_env, monkeypatch):
    monkeypatch.setenv("VIBE8_EMBEDDED_WORKER", "0")
    assert resources.ensure_runner(load_settings()) is False


def test_app_py_does_nothing_when_a_worker_process_imports_it(monkeypatch):
    called = []
    monkeypatch.setattr(resources, "database", lambda *a, **k: called.append("database"))
    monkeypatch.setattr(resources, "ensure_runner", lambda *a, **k: called.append("runner"))
    namespace = runpy.run_path(APP, run_name="__mp_main__")
    assert "main" in namespace and called == []


def test_the_database_is_shared_and_checked_once(page_env):
    first = resources.database()
    assert resources.database() is first
