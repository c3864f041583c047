"""AI-written against human-written figures from a stored file tree, counted by hand."""

from __future__ import annotations

import math

import pandas as pd

from vibe8_core.collectors.authorship import AuthorshipMetrics, finding_counts
from vibe8_core.dashboard.authorship import (
    comparison_frame,
    long_figures,
    paired_table,
    pooled,
    repository_pairs,
    split_counts,
    split_figures,
    tool_shares,
    unpaired_table,
)
from vibe8_core.dashboard.compare import format_ci
from vibe8_core.dashboard.trees import file_findings, file_functions, tree_frames
from vibe8_core.findings import Finding
from vibe8_core.statistics import compare_paired


def finding(collector: str, line: int, ai: bool | None, severity: str = "low", **extra: int) -> dict:
    return {"collector": collector, "code": "X", "message": "m", "line": line, "column": None,
            "severity": severity, "text": "", "extra": dict(extra), "ai": ai}  # fmt: skip


def block(name: str, line: int, end_line: int, ai_lines: int | None, cc: int, cognitive: int | None) -> dict:
    return {"name": name, "kind": "function", "line": line, "end_line": end_line, "complexity": cc, "rank": "A",
            "cognitive": cognitive, "ai_lines": ai_lines}  # fmt: skip


# Lines 1-40 of a.py: AI wrote 11-30 (20 lines); people the other 20. b.py: 10 human lines. c.py: no history.
TREE = {
    "version": 1,
    "files": [
        {
            "path": "a.py", "ai_lines": 20, "human_lines": 18, "automation_lines": 2, "ai_tools": ["aider"],
            "ai_ranges": [[11, 30]],
            "blocks": [block("mostly_ai", 9, 20, 10, 4, 6), block("half", 1, 20, 10, 2, None),
                       block("human", 31, 40, 0, 6, 9), {**block("K", 1, 40, 20, 1, 0), "kind": "class"}],
            "findings": [finding("lint", 12, True), finding("lint", 35, False), finding("lint", 36, False),
                         finding("security", 15, True, "high"), finding("security", 16, True, "info"),
                         finding("dead_code", 25, True), finding("docs", 1, False),
                         finding("dupes", 26, True, "info", end_line=35)],
        },
        {"path": "b.py", "ai_lines": 0, "human_lines": 10, "automation_lines": 0, "ai_tools": [], "ai_ranges": [],
         "blocks": [], "findings": [finding("security", 3, False, "medium")]},
        {"path": "c.py", "ai_lines": None, "human_lines": None, "automation_lines": None, "ai_tools": [],
         "ai_ranges": [], "blocks": [block("f", 1, 3, None, 9, 9)], "findings": [finding("lint", 1, None)]},
    ],
}  # fmt: skip
for _entry in TREE["files"]:  # what the authorship collector stores: counted over every finding
    _found = [Finding.from_dict(item) for item in _entry["findings"]]
    _attributed = _entry["ai_lines"] is not None
    _entry["ai_finding_counts"] = finding_counts(_found, _entry["ai_ranges"]) if _attributed else None


def test_counts_on_each_side() -> None:
    counts = split_counts(TREE)
    assert counts is not None
    assert dict(counts) == {
        "ai_lines": 20, "human_lines": 30,
        "lint_ai": 1, "lint_human": 2, "security_high_ai": 1, "security_medium_human": 1, "dead_code_ai": 1,
        "duplicate_ai": 5, "duplicate_human": 5,  # lines 26-30 AI, 31-35 human
        "functions_ai": 1, "cc_sum_ai": 4, "cognitive_n_ai": 1, "cognitive_sum_ai": 6,
        "functions_human": 2, "cc_sum_human": 8, "cognitive_n_human": 1, "cognitive_sum_human": 9,
    }  # fmt: skip


def test_figures_per_thousand_lines_and_per_function() -> None:
    figures = split_figures(split_counts(TREE) or {})
    assert figures["ai"] == {
        "lint_per_kloc": 50.0, "security_high_per_kloc": 50.0, "security_medium_per_kloc": 0.0,
        "security_low_per_kloc": 0.0, "dead_code_per_kloc": 50.0, "avg_cc": 4.0, "avg_cognitive": 6.0,
        "duplicate_pct": 25.0,
    }  # fmt: skip
    assert figures["human"] == {
        "lint_per_kloc": 66.67, "security_high_per_kloc": 0.0, "security_medium_per_kloc": 33.33,
        "security_low_per_kloc": 0.0, "dead_code_per_kloc": 0.0, "avg_cc": 4.0, "avg_cognitive": 9.0,
        "duplicate_pct": 16.67,
    }  # fmt: skip
    frame = comparison_frame(split_counts(TREE) or {})
    assert frame.iloc[0].to_dict() == {
        "measure": "Lint findings per 1,000 lines",
        "AI-written": 50.0,
        "human-written": 66.67,
        "better": "lower",
    }


def test_no_history_gives_no_counts() -> None:
    assert split_counts({"files": [TREE["files"][2]]}) is None
    assert split_counts(None) is None
    assert split_figures({})["ai"]["lint_per_kloc"] is None


def test_runs_pool_by_summing_and_pairs_hold_the_repository_constant() -> None:
    one = split_counts(TREE) or {}
    per_run = {"r1": one, "r2": pooled([one, one]), "r3": {**one, "lint_ai": 3}, "r4": {**one, "lint_ai": 4}}
    projects = {"r1": "alpha", "r2": "beta", "r3": "gamma", "r4": "delta"}
    assert pooled(per_run.values())["ai_lines"] == 100
    long = long_figures(per_run, projects)
    assert len(long) == 8 and set(long["side"]) == {"ai", "human"}
    pairs = repository_pairs(long, "lint_per_kloc").set_index("repository")
    assert pairs.loc["gamma"].to_dict() == {"AI-written": 150.0, "human-written": 66.67, "AI − human": 83.33}
    paired = paired_table(long).set_index("metric")
    lint = paired.loc["Lint findings per 1,000 lines"]
    # differences: alpha and beta -16.67, gamma +83.33, delta +133.33, as statistics.compare_paired gives them
    expected = compare_paired("lint", [50.0, 50.0, 150.0, 200.0], [66.67] * 4)
    assert lint["matched projects"] == 4 and expected.median_difference is not None
    assert lint["median difference AI-written − human-written [95% CI]"] == format_ci(expected.median_difference)
    assert lint["median difference AI-written − human-written [95% CI]"].startswith("33.3 ")
    assert math.isclose(lint["p-value"], expected.p_value or -1)
    assert paired.loc["Average complexity of a function"]["p-value"] == 1.0  # every difference 0
    unpaired = unpaired_table(long).set_index("metric")
    lint_u = unpaired.loc["Lint findings per 1,000 lines"]
    assert (lint_u["n AI-written"], lint_u["n human-written"]) == (4, 4)
    assert lint_u["Cliff's delta"] == 0.0 and lint_u["verdict"] == "no significant difference"  # 8 pairs each way
    high = unpaired.loc["Security (high) per 1,000 lines"]  # AI 50 everywhere, human 0: every pair one way
    assert high["Cliff's delta"] == 1.0 and high["p (Holm)"] >= high["p-value"]


def test_tool_shares_and_the_explorer_columns() -> None:
    section = AuthorshipMetrics(ai_lines=20, tools={"aider": 15, "codex": 5}, models={})
    assert tool_shares(section.ai_lines, section.tools).to_dict("records") == [
        {"name": "aider", "lines": 15, "share of AI lines %": 75.0},
        {"name": "codex", "lines": 5, "share of AI lines %": 25.0},
    ]
    assert tool_shares(section.ai_lines, section.models).empty
    tree = tree_frames(TREE)
    shares = tree.files.set_index("path")["ai_share"]
    assert shares["a.py"] == 50.0 and shares["b.py"] == 0.0 and pd.isna(shares["c.py"])
    assert tree.files.set_index("path").loc["a.py", "ai_tools"] == "aider"
    functions = file_functions(tree, "a.py")
    assert functions.set_index("name")["AI-written %"].to_dict() == {"mostly_ai": 83.0, "half": 50.0, "human": 0.0,
                                                                     "K": 50.0}  # fmt: skip
    written = file_findings(tree, "a.py", min_block_cc=100).set_index("line")["AI-written"]
    assert written[12] == "yes" and written[35] == "no"
    assert set(file_findings(tree, "c.py", min_block_cc=1)["AI-written"]) == {""}
