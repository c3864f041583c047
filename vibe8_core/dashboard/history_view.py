"""History page pieces: filters whose choices narrow each other, and the actions on chosen runs."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from vibe8_core.dashboard.frames import HistoryFilter, filter_runs, ordered_unique, runs_by_id


@dataclass(frozen=True)
class FilterChoices:
    """What each filter offers, given what the others have chosen (never an option that would show
    no run at all)."""

    projects: list[str]
    models: list[str]


def filter_choices(runs: pd.DataFrame, projects: tuple[str, ...], author_type: str | None) -> FilterChoices:
    by_author = filter_runs(runs, HistoryFilter(author_type=author_type))
    by_projects = filter_runs(by_author, HistoryFilter(projects=projects))
    return FilterChoices(ordered_unique(by_author["project"]), ordered_unique(by_projects["author_model"]))


def run_names(runs: pd.DataFrame, run_ids: list[str]) -> list[str]:
    """ "project · date · author" for each id, in the order given (for confirmations that name runs)."""
    labels = runs_by_id(runs)
    return [labels[run_id] for run_id in run_ids if run_id in labels]


def confirmation(names: list[str], shown: int = 5) -> str:
    """The sentence that asks before deleting, naming the runs (the first few, then how many more)."""
    listed = "; ".join(names[:shown]) + (f"; and {len(names) - shown} more" if len(names) > shown else "")
    what = "this run and its file tree" if len(names) == 1 else f"these {len(names)} runs and their file trees"
    return f"Delete {what} for good? {listed}."
