"""Page logic for what leaves or enters Vibe8 as a file, and for the findings diff of two runs:
a run's export and import (History), new and fixed findings with the
per-function complexity changes (Trends). The command line calls the same functions in reports/."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from vibe8_core.dashboard import resources
from vibe8_core.dashboard.loaders import cycle_collector_paused
from vibe8_core.reports.baseline import diff_trees
from vibe8_core.reports.fingerprints import ReportedFinding
from vibe8_core.reports.runs_io import ImportOutcome, dumps_document, export_run, import_run, parse_json_bytes
from vibe8_core.service import parse_run_id

FINDING_COLUMNS = ("file", "line", "rule", "tool", "severity", "message", "text")
COMPLEXITY_COLUMNS = ("file", "name", "kind", "before", "after", "change")


@dataclass(frozen=True)
class DiffFrames:
    new: pd.DataFrame
    fixed: pd.DataFrame
    unchanged: int
    complexity: pd.DataFrame


def export_text(user_id: uuid.UUID, raw_run_id: Any) -> str:
    """The run's export document as JSON text (for a download button; built when clicked)."""
    return dumps_document(export_run(resources.database(), user_id, parse_run_id(raw_run_id)))


def import_file(user_id: uuid.UUID, data: bytes, name: str) -> ImportOutcome:
    """Store an uploaded export as the user's run; RunFileError (one sentence) when it is refused."""
    return import_run(resources.database(), user_id, parse_json_bytes(data, name))


def _findings_frame(findings: tuple[ReportedFinding, ...]) -> pd.DataFrame:
    rows = [(f.path, f.line, f.rule, f.tool, f.severity, f.message, f.text) for f in findings]
    return pd.DataFrame(rows, columns=list(FINDING_COLUMNS))


@st.cache_data(show_spinner="Comparing the findings…", max_entries=16, ttl=3600)
def _diff(user_id: uuid.UUID, before_id: uuid.UUID, after_id: uuid.UUID) -> DiffFrames:
    with cycle_collector_paused():
        runs = resources.service().runs
        before = runs.open(user_id, before_id, with_tree=True).file_tree
        after = runs.open(user_id, after_id, with_tree=True).file_tree
        diff = diff_trees(before, after)
    complexity = pd.DataFrame(
        [(c.path, c.name, c.kind, c.before, c.after, c.change) for c in diff.complexity],
        columns=list(COMPLEXITY_COLUMNS),
    )
    return DiffFrames(
        _findings_frame(diff.comparison.new),
        _findings_frame(diff.comparison.fixed),
        len(diff.comparison.existing),
        complexity.astype({"before": "Int64", "after": "Int64"}),
    )


def run_diff(user_id: uuid.UUID, raw_before: Any, raw_after: Any) -> DiffFrames:
    """New and fixed findings from one of the user's runs to another, and complexity changes
    (AccessError when either run is missing or foreign; refusals are never cached)."""
    return _diff(user_id, parse_run_id(raw_before), parse_run_id(raw_after))
