"""Scores cover only what was measured (issue #13, point 1): files that do not parse leave the scores that
need parsed code empty, and a partial run says which share of its files was measured."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vibe8_core import run_summary, scoring
from vibe8_core.analysis import analyze_folder

from .conftest import offline_settings, write_tree

NEEDS_PARSE = {"cyclomatic", "docs", "dead_code", "deps", "mi", "security"}
BROKEN = "def f(:\n    pass\n"
INSECURE = "import subprocess\n\n\ndef run(command):\n    return subprocess.call(command, shell=True)\n"


def analysed(root: Path, files: dict[str, str | bytes]) -> dict[str, Any]:
    result = analyze_folder(write_tree(root, files), settings=offline_settings(workers=1), churn=False)
    stored: dict[str, Any] = json.loads(json.dumps(result.metrics))
    return stored


def test_a_run_whose_files_do_not_parse_has_no_score_where_nothing_was_measured(tmp_path: Path) -> None:
    metrics = analysed(tmp_path, {"broken.py": BROKEN, "also_broken.py": "print 'python 2'\n"})
    assert (metrics["size"]["files"], metrics["size"]["files_parsed"]) == (2, 0)
    scores = scoring.scores_of(metrics)
    assert {name for name, value in scores.items() if value is None} == NEEDS_PARSE | {"churn"}
    assert scores["lint"] is not None and scores["size"] is not None  # ruff and line counts did measure
    assert scoring.measured_share(metrics) == 0.0 and scoring.run_overall(metrics) is None
    summary = run_summary.summarize_run(metrics, [])
    assert summary.overall is None and summary.measured == 0.0 and summary.scores["security"] is None


def test_a_partial_run_says_what_share_was_measured_and_scores_the_parsed_code(tmp_path: Path) -> None:
    metrics = analysed(tmp_path, {"broken.py": BROKEN * 50, "app.py": INSECURE})
    assert (metrics["size"]["files_parsed"], metrics["size"]["sloc_parsed"]) == (1, 3)
    assert metrics["size"]["sloc"] > 50  # the broken file's lines are counted ...
    summary = run_summary.summarize_run(metrics, [])
    assert summary.measured == 0.5 and summary.overall is not None
    # ... but the security finding is weighed against the code bandit could read
    counts = {level: metrics["security"][level] for level in ("high", "medium", "low")}
    assert counts["high"] == 1
    assert summary.scores["security"] == scoring.security_score(counts, 3) < scoring.security_score(counts, 53)
    assert summary.raw["security_per_ksloc"] == round(1000 * sum(counts.values()) / 3, 2)


@pytest.mark.parametrize("files_parsed", [None, 3])
def test_runs_that_parse_or_predate_the_count_are_fully_measured(files_parsed: int | None) -> None:
    size: dict[str, Any] = {"files": 3, "sloc": 300}
    if files_parsed is not None:
        size["files_parsed"] = files_parsed
    metrics = {"size": size, "cyclomatic": {"avg_cc": 2.0}}
    assert scoring.measured_share(metrics) == 1.0
    assert scoring.scores_of(metrics)["cyclomatic"] == scoring.complexity_score(2.0)
