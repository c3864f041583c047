"""Process-wide resources: the embedded runner switch, and app.py re-imported by worker processes."""

from __future__ import annotations

import runpy

import pytest

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


def _database_is_locked(*_args, **_kwargs):
    from sqlalchemy.exc import OperationalError

    raise OperationalError("SELECT 1", {}, Exception("database is locked"))


def test_a_database_failure_while_drawing_is_one_sentence(seed, alice, open_page, monkeypatch, page_env):
    """A driver error inside a unit of work reaches the app as the store's DatabaseFailedError, never as
    SQLAlchemy's, and app.py turns it into one sentence."""
    from vibe8_core.dashboard import forms

    def fails_in_the_database(*_args, **_kwargs):
        with page_env.unit_of_work():
            _database_is_locked()

    monkeypatch.setattr(forms, "authorship_problem", fails_in_the_database)
    at = open_page(alice)  # app.py's first run draws the default page, Analyze
    assert not at.exception
    assert [e.value for e in at.error] == ["The database did not answer; please try again in a moment."]


def test_the_polling_job_list_survives_a_database_hiccup(seed, alice, open_page, monkeypatch):
    from vibe8_core.store.jobs import JobRepository

    monkeypatch.setattr(JobRepository, "list_for_user", _database_is_locked)
    at = open_page(alice, "pages/analyze.py")
    assert not at.exception
    assert any("retries by itself" in w.value for w in at.warning)


def test_big_loads_pause_the_cycle_collector_and_always_resume_it(seed, alice, monkeypatch):
    import gc

    from vibe8_core.dashboard import loaders
    from vibe8_core.dashboard.loaders import cycle_collector_paused
    from vibe8_core.store.runs import RunRepository

    run = seed.run(alice)
    seen = []  # was the collector running while the repository read?

    def spying(method):
        def spy(*args, **kwargs):
            seen.append(gc.isenabled())
            return method(*args, **kwargs)

        return spy

    for name in ("get", "summaries_for_user"):
        monkeypatch.setattr(RunRepository, name, spying(getattr(RunRepository, name)))
    assert len(loaders.runs_for(alice.id)) == 1 and not loaders.run_tree(alice.id, run.run_id).empty
    assert seen == [False, False] and gc.isenabled()
    with cycle_collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cycle_collector_paused():
        raise RuntimeError("the database failed mid-load")
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left as it was
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
