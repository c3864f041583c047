"""Behind a chart's bar: the files that make it up. A click on a rule's bar (lint, security) lists
the files with that rule's findings; a click on a radon rank lists the functions of that rank (the
clicked bar itself: `run_charts.clicked_value`)."""

from __future__ import annotations

import pandas as pd

from vibe8_core.dashboard.trees import TreeFrames


def files_with_rule(tree: TreeFrames, collector: str, code: str) -> pd.DataFrame:
    """Files holding findings of one rule, most findings first, with the lines they stand on."""
    found = tree.findings[(tree.findings["collector"] == collector) & (tree.findings["code"].astype(str) == code)]
    if found.empty:
        return pd.DataFrame(columns=["file", "findings", "first line", "lines"])
    grouped = found.groupby("path")["line"]
    frame = pd.DataFrame(
        {
            "findings": grouped.size(),
            "first line": grouped.min(),
            "lines": grouped.apply(lambda lines: ", ".join(str(int(n)) for n in sorted(lines.dropna()))),
        }
    )
    frame = frame.reset_index().rename(columns={"path": "file"})
    return frame.sort_values(["findings", "file"], ascending=[False, True], ignore_index=True)


def functions_of_rank(tree: TreeFrames, rank: str) -> pd.DataFrame:
    """Functions and classes of one radon rank, most complex first."""
    blocks = tree.blocks[tree.blocks["rank"] == rank]
    columns = {"path": "file", "name": "name", "kind": "kind", "line": "first line", "complexity": "complexity"}
    frame = blocks[list(columns)].rename(columns=columns)
    return frame.sort_values(["complexity", "file"], ascending=[False, True], ignore_index=True)
