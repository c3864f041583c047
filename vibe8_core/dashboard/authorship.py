"""AI-written against human-written code inside one run, or pooled over runs: the figures that answer
"is the code our AI tools write better or worse than ours?".

Everything is counted from a stored file tree (issue 14's fields: a file's line counts and
`ai_finding_counts`, a block's `ai_lines`). The statistics are the Human vs AI page's own
(`vibe8_core.statistics` through `compare`): Mann-Whitney U and Cliff's delta over repositories, Wilcoxon
signed-rank over each repository's pair, Holm-corrected across the figures. "Human-written" is every
attributed line no AI tool declared (people's, plus the few lines bots such as dependabot wrote). A
function is AI-written when more than half of its lines are. Counts add up over runs, so a group of runs
is pooled by summing them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from vibe8_core.collectors.authorship import AuthorshipFileFields, block_ai_lines
from vibe8_core.collectors.cyclomatic import Block, CyclomaticFileFields
from vibe8_core.dashboard import compare
from vibe8_core.run_data import stored_entries
from vibe8_core.statistics import compare_paired, compare_two, paired_with_holm, with_holm

SIDES = ("ai", "human")
SECURITY_LEVELS = ("high", "medium", "low")
AI_SIDE, HUMAN_SIDE = "AI-written", "human-written"  # the two groups' names in the statistics tables
FUNCTION_KINDS = ("function", "method")
# (figure, label, better): rates per 1,000 lines of each side, and means over each side's functions.
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("lint_per_kloc", "Lint findings per 1,000 lines", "lower"),
    ("security_high_per_kloc", "Security (high) per 1,000 lines", "lower"),
    ("security_medium_per_kloc", "Security (medium) per 1,000 lines", "lower"),
    ("security_low_per_kloc", "Security (low) per 1,000 lines", "lower"),
    ("dead_code_per_kloc", "Dead code per 1,000 lines", "lower"),
    ("avg_cc", "Average complexity of a function", "lower"),
    ("avg_cognitive", "Average cognitive complexity of a function", "lower"),
    ("duplicate_pct", "Duplicated lines %", "lower"),
)
LABELS = {figure: label for figure, label, _ in FIGURES}
NO_HISTORY = "No history: attribution needs git (a GitHub repository or a local checkout), not an upload."
DECLARED_ONLY = (
    "Attribution counts only what AI tools declared in git (co-author trailers, bot authors, aider's marks); "
    "code written with an AI tool that left no mark counts as human-written."
)


def _count_entry(fields: AuthorshipFileFields, blocks: Iterable[Block], counts: Counter[str]) -> None:
    counts["ai_lines"] += fields.ai_lines or 0
    counts["human_lines"] += (fields.human_lines or 0) + (fields.automation_lines or 0)
    counts.update(fields.ai_finding_counts or {})  # counted over every finding, stored or not
    for block in blocks:
        ai_lines = block_ai_lines(block)
        if block.kind not in FUNCTION_KINDS or ai_lines is None:
            continue
        side = "ai" if 2 * ai_lines > block.end_line - block.line + 1 else "human"
        counts[f"functions_{side}"] += 1
        counts[f"cc_sum_{side}"] += block.complexity or 0
        if block.cognitive is not None:
            counts[f"cognitive_n_{side}"] += 1
            counts[f"cognitive_sum_{side}"] += block.cognitive


def split_counts(file_tree: Mapping[str, Any] | None) -> Counter[str] | None:
    """The run's counts on each side (lines, findings, functions, duplicated lines); None without history.
    Each file is read into the two records counted here only (a whole typed tree costs far more)."""
    counts: Counter[str] = Counter()
    attributed = False
    for entry in stored_entries(file_tree):
        fields = AuthorshipFileFields.pick(entry)
        if fields.ai_lines is None:
            continue
        attributed = True
        _count_entry(fields, CyclomaticFileFields.pick(entry).blocks, counts)
    return counts if attributed else None


def _ratio(numerator: float, denominator: float, scale: float = 1.0) -> float | None:
    return round(scale * numerator / denominator, 2) if denominator else None


def split_figures(counts: Mapping[str, float]) -> dict[str, dict[str, float | None]]:
    """{side: {figure: value}} from (possibly pooled) counts; None where a side has no lines or functions."""
    figures: dict[str, dict[str, float | None]] = {}
    for side in SIDES:
        lines = counts.get(f"{side}_lines", 0)
        values: dict[str, float | None] = {
            "lint_per_kloc": _ratio(counts.get(f"lint_{side}", 0), lines, 1000),
            **{
                f"security_{level}_per_kloc": _ratio(counts.get(f"security_{level}_{side}", 0), lines, 1000)
                for level in SECURITY_LEVELS
            },
            "dead_code_per_kloc": _ratio(counts.get(f"dead_code_{side}", 0), lines, 1000),
            "avg_cc": _ratio(counts.get(f"cc_sum_{side}", 0), counts.get(f"functions_{side}", 0)),
            "avg_cognitive": _ratio(counts.get(f"cognitive_sum_{side}", 0), counts.get(f"cognitive_n_{side}", 0)),
            "duplicate_pct": _ratio(counts.get(f"duplicate_{side}", 0), lines, 100),
        }
        figures[side] = values
    return figures


def comparison_frame(counts: Mapping[str, float]) -> pd.DataFrame:
    """One row per figure: AI-written, human-written, and which way is better (for one run or a pool)."""
    figures = split_figures(counts)
    rows = [
        {"measure": label, "AI-written": figures["ai"][figure], "human-written": figures["human"][figure],
         "better": better}
        for figure, label, better in FIGURES
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["measure", "AI-written", "human-written", "better"])


def side_sizes(counts: Mapping[str, float]) -> str:
    """'1,234 AI-written lines (56 functions) · 5,678 human-written lines (210 functions)'."""
    return " · ".join(
        f"{int(counts.get(f'{side}_lines', 0)):,} {name} lines ({int(counts.get(f'functions_{side}', 0)):,} functions)"
        for side, name in (("ai", "AI-written"), ("human", "human-written"))
    )


def pooled(all_counts: Iterable[Mapping[str, float]]) -> Counter[str]:
    total: Counter[str] = Counter()
    for counts in all_counts:
        total.update(counts)
    return total


def long_figures(per_run: Mapping[str, Mapping[str, float]], projects: Mapping[str, str]) -> pd.DataFrame:
    """One row per (run, side) with every figure: the per-run sample the page's statistics compare.

    `per_run` maps run id -> counts; `projects` maps run id -> its repository/project name."""
    rows = []
    for run_id, counts in per_run.items():
        for side, values in split_figures(counts).items():
            rows.append({"run_id": run_id, "project": projects.get(run_id, ""), "side": side, **values})
    return pd.DataFrame(rows, columns=["run_id", "project", "side", *LABELS])


def tool_shares(ai_lines: int | None, shares: Mapping[str, int] | None) -> pd.DataFrame:
    """A run's `tools` or `models` ({name: lines}) as rows with their share of the AI-written lines."""
    rows = [
        {"name": name, "lines": lines, "share of AI lines %": _ratio(lines, ai_lines or 0, 100)}
        for name, lines in (shares or {}).items()
    ]
    return pd.DataFrame(rows, columns=["name", "lines", "share of AI lines %"])


def unpaired_table(long: pd.DataFrame) -> pd.DataFrame:
    """AI-written against human-written figures, one value per repository and side: the Human vs AI
    page's table (medians with 95% CIs, Mann-Whitney U, Holm, Cliff's delta, verdict)."""
    ai, human = long[long["side"] == "ai"], long[long["side"] == "human"]
    results = with_holm([compare_two(label, ai[figure], human[figure]) for figure, label, _ in FIGURES])
    better = {label: direction for _, label, direction in FIGURES}
    return compare.comparison_table(results, AI_SIDE, HUMAN_SIDE, better)


def paired_table(long: pd.DataFrame) -> pd.DataFrame:
    """Each repository's AI part against its own human part (the project held constant): the page's
    matched-pairs table (median difference with its 95% CI, Wilcoxon signed-rank, Holm)."""
    results = []
    for figure, label, _ in FIGURES:
        wide = long.pivot_table(index="project", columns="side", values=figure, aggfunc="first", dropna=False)
        wide = wide.reindex(columns=list(SIDES))
        results.append(compare_paired(label, wide["ai"], wide["human"]))
    return compare.paired_table(paired_with_holm(results), AI_SIDE, HUMAN_SIDE)


def repository_pairs(long: pd.DataFrame, figure: str) -> pd.DataFrame:
    """One row per repository: its AI-written and human-written value of `figure`, and the difference."""
    wide = long.pivot_table(index="project", columns="side", values=figure, aggfunc="first")
    wide = wide.reindex(columns=list(SIDES))
    frame = pd.DataFrame({"repository": wide.index, "AI-written": wide["ai"].to_numpy(),
                          "human-written": wide["human"].to_numpy()})  # fmt: skip
    frame["AI − human"] = frame["AI-written"] - frame["human-written"]
    return frame.reset_index(drop=True)
