"""Scoring owns every score: a changed formula shows in a warm re-analysis and in a re-scored stored run."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from vibe8_core import run_summary, scoring
from vibe8_core.analysis import analyze_folder
from vibe8_core.collectors.size import SizeMetrics
from vibe8_core.run_data import FileTree, RunMetrics
from vibe8_core.scored_run import score_run
from vibe8_core.store import Database, NewRun

from .conftest import offline_settings
from .golden.project import build_golden_project
from .test_golden import golden_run, without_added


def stored_run(db: Database, metrics: dict[str, Any], file_tree: dict[str, Any] | None) -> tuple[Any, Any]:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("ada@example.com")
        run = uow.runs.create(user.id, NewRun("upload", metrics, file_tree, [], project_name="golden"))
        uow.commit()
    return user, run


def test_scoring_a_stored_run_again_changes_nothing() -> None:
    golden = golden_run()
    scored = score_run(RunMetrics.from_json(golden["metrics"]), FileTree.from_json(golden["file_tree"]))
    assert scored.file_tree is not None and scored.file_tree.to_json() == golden_run()["file_tree"]
    assert without_added(scored.metrics.to_json()) == golden["metrics"]
    assert scored.metrics.of(SizeMetrics).files_parsed is None  # an old run: not counted, taken as fully measured
    assert scoring.scores_of(scored.metrics) == scoring.scores_of(golden["metrics"])


@pytest.mark.slow
def test_a_warm_reanalysis_uses_the_new_formula(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    root = build_golden_project(tmp_path / "golden")
    settings = offline_settings(cache_dir=tmp_path / "cache", cache_max_mb=64)
    cold = analyze_folder(root, settings=settings, churn=True)
    assert cold.metrics["lint"]["linting_score"] == scoring.linting_score(3, 49) == 29.0
    monkeypatch.setattr(scoring, "LINT_HALF_PER_KSLOC", 5.0)
    monkeypatch.setattr(scoring, "SEVERITY_WEIGHTS", {**scoring.SEVERITY_WEIGHTS, "lint": 0.5})
    with caplog.at_level(logging.DEBUG, logger="vibe8_core.analysis"):
        warm = analyze_folder(root, settings=settings, churn=True)
    messages = [record.getMessage() for record in caplog.records]
    assert "per-file phase: 4 of 4 files from the cache" in messages
    assert "project step of lint: from the cache" in messages  # the tool did not run again...
    assert warm.metrics["lint"]["linting_score"] == scoring.linting_score(3, 49) == 7.6  # ...the formula did
    before = {entry["path"]: entry["severity"] for entry in cold.file_tree["files"]}
    after = {entry["path"]: entry["severity"] for entry in warm.file_tree["files"]}
    assert after["pkg/app.py"] > before["pkg/app.py"]


def test_migrate_rescores_stored_runs_with_the_new_formula(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    golden = golden_run()
    user, run = stored_run(db, golden["metrics"], golden["file_tree"])
    monkeypatch.setattr(scoring, "CC_HALF_EXCESS", 1.0)
    monkeypatch.setattr(scoring, "HOTSPOT_MIN_CC", 50)
    with db.unit_of_work() as uow:
        assert uow.runs.refresh_summaries(everything=True) == 1
        uow.commit()
    with db.unit_of_work() as uow:
        stored = uow.runs.get(run.run_id, user.id, with_tree=True)
        summary = uow.runs.summaries_for_user(user.id)[0].summary
    avg_cc = golden["metrics"]["cyclomatic"]["avg_cc"]
    assert stored.metrics["cyclomatic"]["complexity_score"] == scoring.half_score(avg_cc - 1, 1.0) == 39.1
    assert summary.scores["cyclomatic"] == 39.1
    # No file is complex enough to be a hotspot any more: churn's figures follow the new threshold.
    assert stored.metrics["churn"]["hotspot_sloc"] == 0 and stored.metrics["churn"]["churn_score"] == 100.0
    assert golden["metrics"]["churn"]["churn_score"] < 100.0
    assert stored.file_tree is not None and stored.file_tree["files"] == golden["file_tree"]["files"]


def test_a_summary_made_by_other_formulas_is_stale(db: Database) -> None:
    golden = golden_run()
    summary = run_summary.summarize_run(golden["metrics"], []).to_json()
    assert run_summary.RunSummary.from_json(summary) is not None
    assert run_summary.RunSummary.from_json({**summary, "scoring": "0" * 16}) is None
    user, run = stored_run(db, golden["metrics"], golden["file_tree"])
    with db.unit_of_work() as uow:
        assert uow.runs.refresh_summaries() == 0  # current: nothing to do
        uow.commit()
