"""History page pieces: the names of chosen runs, and the sentence that asks before deleting them."""

from __future__ import annotations

import pandas as pd

from vibe8_core.dashboard.frames import runs_by_id


def run_names(runs: pd.DataFrame, run_ids: list[str]) -> list[str]:
    """ "project · date · author" for each id, in the order given (for confirmations that name runs)."""
    labels = runs_by_id(runs)
    return [labels[run_id] for run_id in run_ids if run_id in labels]


def confirmation(names: list[str], shown: int = 5) -> str:
    """The sentence that asks before deleting, naming the runs (the first few, then how many more)."""
    listed = "; ".join(names[:shown]) + (f"; and {len(names) - shown} more" if len(names) > shown else "")
    what = "this run and its file tree" if len(names) == 1 else f"these {len(names)} runs and their file trees"
    return f"Delete {what} for good? {listed}."
