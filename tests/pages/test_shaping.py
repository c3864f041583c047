"""The dashboard's pure parts: scores, statistics, frames and job progress."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import pytest

from tests.pages.conftest import make_run
from vibe8_core import run_summary, scoring
from vibe8_core.dashboard import charts, frames, run_charts, trees
from vibe8_core.dashboard.progress import job_progress
from vibe8_core.store import JobRecord, RunSummaryRecord


def summary_record(new, *, created: datetime | None = None) -> RunSummaryRecord:
    return RunSummaryRecord(
        run_id=uuid.uuid4(), user_id=uuid.uuid4(), created_at=created or datetime.now(UTC),
        submission_type=new.submission_type, upload_filename=new.upload_filename,
        project_name=new.project_name, author_type=new.author_type, author_model=new.author_model,
        git_repo_url=new.git_repo_url, git_branch=new.git_branch, git_commit_sha=new.git_commit_sha, study=new.study,
        summary=run_summary.summarize_run(new.metrics, new.errors),
    )  # fmt: skip


def test_ten_scores_with_grades_and_a_missing_churn_score():
    values = scoring.scores_of(make_run().metrics)
    assert list(values) == [spec.key for spec in scoring.score_specs()] and len(values) == 10
    assert values["churn"] is None
    assert all(0 <= value <= 100 for key, value in values.items() if key != "churn")
    assert values["deps"] == 50.0  # one outdated, one of unknown age
    assert scoring.overall_score(values) == pytest.approx(np.mean([v for v in values.values() if v is not None]), 0.01)
    assert scoring.grade_for_score(None) == "–" and scoring.grade_for_score(85) == "A"
    assert scoring.grade_for_score(10) == "E"


def test_scores_read_old_and_partial_metrics_defensively():
    values = scoring.scores_of({"lint": {"total": 3}, "size": "broken", "deps": {"package_health": [{}]}})
    assert values["lint"] is None and values["size"] is None
    assert values["deps"] == 100.0  # an entry without a status counts as of unknown age
    assert run_summary.raw_measures_of({})["lint_per_ksloc"] is None


def test_runs_frame_and_exports():
    old = summary_record(make_run("shop", seed=1), created=datetime(2026, 1, 5, tzinfo=UTC))
    new = summary_record(make_run("lib", "ai", "claude", seed=2), created=datetime(2026, 3, 5, tzinfo=UTC))
    frame = frames.runs_frame([new, old])
    assert list(frame["project"]) == ["lib", "shop"]
    assert frame.loc[0, "author"] == "AI · claude"
    assert b"run_id,created_at,project" in frames.export_csv(frame)
    assert frames.export_json(frame).startswith(b"[")
    assert frames.runs_frame([]).empty and list(frames.runs_frame([]).columns) == frames.run_columns()


def test_a_history_row_is_its_runs_summary():
    new = make_run("lib", "ai", "claude", seed=2)
    row = frames.runs_frame([summary_record(new)]).iloc[0]
    scores = scoring.scores_of(new.metrics)
    assert row["overall"] == scoring.overall_score(scores) and row["grade"] == scoring.grade_for_score(row["overall"])
    assert {key: row[f"score_{key}"] for key in scores if scores[key] is not None} == {
        key: value for key, value in scores.items() if value is not None
    }
    assert np.isnan(row["score_churn"])  # no git history
    assert row["sloc"] == new.metrics["size"]["sloc"] and row["errors"] == len(new.errors)
    assert row["lint_per_ksloc"] == run_summary.raw_measures_of(new.metrics)["lint_per_ksloc"]


def test_headers_frame_is_enough_for_a_run_picker():
    runs = [summary_record(make_run("lib", seed=2), created=datetime(2026, 3, 5, 9, 30, tzinfo=UTC))]
    headers = frames.headers_frame(runs)
    assert list(headers.columns) == frames.HEADER_COLUMNS
    assert frames.runs_by_id(headers) == frames.runs_by_id(frames.runs_frame(runs))
    assert list(frames.runs_by_id(headers).values()) == ["lib · 2026-03-05 09:30 · Human · developer"]


def test_tree_frames_treemap_and_file_findings():
    tree = trees.tree_frames(make_run(files=8, seed=3).file_tree)
    assert len(tree.files) == 8 and not tree.blocks.empty and not tree.findings.empty
    nodes = trees.treemap_nodes(tree.files)
    root_total = nodes[nodes["parent"] == ""]["sloc"].sum()
    assert root_total == pytest.approx(tree.files["sloc"].clip(lower=1).sum())
    assert set(nodes["parent"]) - {""} <= set(nodes["id"])
    path = tree.files["path"].iloc[0]
    found = trees.file_findings(tree, path)
    assert list(found.columns) == ["line", "kind", "code", "severity", "message", "source line", "AI-written"]
    assert "Duplicate" in set(found["kind"])
    assert trees.duplicate_blocks(tree)["lines"].tolist() == [13]
    assert trees.tree_frames(None).empty


def test_tree_frames_read_every_column_and_tolerate_partial_entries():
    broken = {"path": "pkg/broken.py", "sloc": "12", "parse_error": "invalid syntax (line 3)", "blocks": [{"line": 4}]}
    sparse = {"path": "pkg/sparse.py", "findings": [{"collector": "lint", "code": "F401", "line": 2, "extra": None}]}
    tree = trees.tree_frames({"files": [make_run(files=1).file_tree["files"][0], broken, sparse, {"sloc": 1}, "x"]})
    files = tree.files
    expected = ["path", *trees.file_number_columns(), *trees.file_text_columns(), "folder", "ai_share", "ai_tools"]
    expected.append("hotspot")
    assert list(files.columns) == expected
    assert list(tree.blocks.columns) == list(trees.BLOCK_COLUMNS)
    assert list(tree.findings.columns) == list(trees.FINDING_COLUMNS)
    assert files["path"].tolist()[1:] == ["pkg/broken.py", "pkg/sparse.py"]  # entries without a path are skipped
    assert all(files[column].dtype == "float64" for column in trees.file_number_columns())
    assert files["sloc"].iloc[1] == 12.0 and np.isnan(files["sloc"].iloc[2])  # numbers: read, else missing
    # Text is a str or None, never NaN (NaN is truthy: every file would say it does not parse).
    assert files["parse_error"].tolist() == [None, "invalid syntax (line 3)", None]
    assert files.set_index("path").loc["pkg/sparse.py"]["grade"] is None
    assert tree.blocks["name"].tolist()[-1] is None and tree.blocks["line"].tolist()[-1] == 4
    assert tree.findings.iloc[-1]["extra"] == {} and tree.findings.iloc[-1]["text"] is None
    assert files["folder"].tolist()[1:] == ["pkg", "pkg"] and not files["hotspot"].any()


def test_charts_draw_what_the_frames_hold():
    tree = trees.tree_frames(make_run(files=30, seed=4).file_tree)
    security = tree.findings[tree.findings["collector"] == "security"]
    chart = run_charts.security_by_test(tree.findings)
    drawn = chart.data.set_index(["severity", "code"])["findings"].to_dict()
    assert drawn == security.groupby(["severity", "code"]).size().to_dict()
    ends = chart.data.groupby("code")["end"].max()  # segments end to end: each bar is its test's total
    assert ends.to_dict() == security.groupby("code").size().to_dict()
    levels = [s for s in trees.SEVERITY_ORDER if s in set(security["severity"])]
    assert chart.to_dict()["encoding"]["color"]["scale"]["domain"] == levels  # high first
    histogram = run_charts.mi_histogram(tree.files)
    assert histogram.layer[0].data["mi"].tolist() == tree.files["mi"].dropna().tolist()
    assert histogram.to_dict()["layer"][0]["encoding"]["x"]["bin"] == {"extent": [0, 100], "step": 5}

    runs = frames.runs_frame([summary_record(make_run(seed=1)), summary_record(make_run(seed=2, github=True))])
    trend = charts.score_trend(runs, {"score_lint": "Linting", "score_churn": "Churn hotspots"})
    assert [line.name for line in trend.data] == ["Linting", "Churn hotspots"]
    assert len(trend.data[0].y) == 2 and list(trend.data[1].y) == [88.0]  # a run without churn is left out


def test_file_changes_between_two_runs():
    before = pd.DataFrame({"path": ["a.py", "b.py", "c.py"], "severity": [10.0, 50.0, 20.0]})
    after = pd.DataFrame({"path": ["b.py", "c.py", "d.py"], "severity": [30.0, 40.0, 5.0]})
    changes = trees.file_changes(before, after)
    assert changes.added == ["d.py"] and changes.removed == ["a.py"]
    assert changes.better["path"].tolist() == ["b.py"] and changes.worse["path"].tolist() == ["c.py"]


def job(status: str, progress: dict) -> JobRecord:
    now = datetime.now(UTC)
    return JobRecord("j", uuid.uuid4(), status, "upload", None, None, now, now, 1, progress=progress)


def test_job_progress_words_and_fractions():
    assert job_progress(job("pending", {"step": "queued"})).label.startswith("Queued")
    files = job_progress(job("running", {"step": "per-file metrics", "files_done": 5, "files_total": 10}))
    assert files.files == "5 / 10 files" and 0.15 < files.fraction < 0.55
    collector = job_progress(job("running", {"step": "security"}))
    assert "security" in collector.label and collector.fraction > files.fraction
    assert job_progress(job("completed", {"step": "done"})).fraction == 1.0


def test_box_plots_of_many_runs_send_quartiles_and_outliers_not_every_run():
    values = [float(v) for v in range(1, 1001)] + [5000.0, -4000.0]  # two far outliers
    frame = pd.DataFrame({"group": "AI", "value": values, "project": [f"p{i}" for i in range(len(values))]})
    box, dots = charts.group_box(frame, "value", "group", "Value", {"AI": "#f97316"}).data
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    assert (box.q1[0], box.median[0], box.q3[0]) == (q1, median, q3) and box.y is None
    assert (box.lowerfence[0], box.upperfence[0]) == (1.0, 1000.0)
    assert sorted(dots.y) == [-4000.0, 5000.0] and sorted(dots.text) == ["p1000", "p1001"]
    few = charts.group_box(frame.iloc[:10], "value", "group", "Value", {"AI": "#f97316"}).data
    assert len(few) == 1 and len(few[0].y) == 10 and few[0].boxpoints == "all"
