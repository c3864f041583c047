"""Scores, grades and per-file severity, against the tables of docs/METRICS.md."""

from __future__ import annotations

import pytest

from vibe8_core import scoring


@pytest.mark.parametrize(
    ("score", "grade"),
    [(100.0, "A"), (80.0, "A"), (79.9, "B"), (60.0, "B"), (40.0, "C"), (39.99, "D"), (20.0, "D"), (19.9, "E"),
     (0.0, "E"), (None, "–")],
)  # fmt: skip
def test_grade_for_score(score: float | None, grade: str) -> None:
    assert scoring.grade_for_score(score) == grade


@pytest.mark.parametrize(
    ("function", "args", "expected"),
    [
        (scoring.linting_score, (0, 1000), 100.0),
        (scoring.linting_score, (25, 1000), 50.0),
        (scoring.linting_score, (75, 1000), 25.0),
        (scoring.complexity_score, (1.0,), 100.0),
        (scoring.complexity_score, (6.0,), 50.0),
        (scoring.duplication_score, (10.0,), 50.0),
        (scoring.security_score, ({"high": 1, "medium": 0, "low": 0}, 1000), 50.0),
        (scoring.security_score, ({"high": 0, "medium": 0, "low": 10}, 1000), 50.0),
        (scoring.security_score, ({"high": 0, "medium": 0, "low": 0}, 0), 100.0),
        (scoring.churn_score, (250, 1000), 75.0),
        (scoring.churn_score, (0, 0), 100.0),
    ],
)
def test_scores(function, args: tuple, expected: float) -> None:
    assert function(*args) == expected


def clean_entry(**overrides: object) -> dict:
    entry = {"sloc": 100, "max_cc": 1, "mi": 100.0, "lint_count": 0, "dead_code_count": 0, "duplicate_lines": 0,
             "findings": [], "parse_error": None}  # fmt: skip
    entry.update(overrides)
    return entry


@pytest.mark.parametrize(
    ("entry", "severity"),
    [
        (clean_entry(), 0.0),
        (clean_entry(parse_error="does not parse"), 100.0),
        (clean_entry(max_cc=15), 12.5),  # complexity (15-5)/(10+10) = 0.5, weight 0.25
        (clean_entry(mi=0.0), 20.0),  # maintainability saturated, weight 0.20
        (clean_entry(lint_count=5), 7.5),  # 5 per 100 SLOC = half, weight 0.15
        (clean_entry(dead_code_count=5), 5.0),
        (clean_entry(duplicate_lines=100), 10.0),
        (clean_entry(findings=[{"collector": "security", "severity": "low"}] * 5), 10.0),
        (
            clean_entry(max_cc=100, mi=0.0, lint_count=10**6, dead_code_count=10**6, duplicate_lines=100,
                        findings=[{"collector": "security", "severity": "high"}] * 10**4),
            97.6,  # everything saturated but complexity: 95 / (95 + 10) of its 0.25
        ),
    ],
)  # fmt: skip
def test_file_severity(entry: dict, severity: float) -> None:
    assert scoring.file_severity(entry) == pytest.approx(severity, abs=0.1)
    assert scoring.grade_for_severity(scoring.file_severity(entry)) == scoring.grade_for_score(100 - severity)
