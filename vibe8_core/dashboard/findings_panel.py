"""A file's findings as the explorer and the source view show them: filters by collector, rule and
severity, and a table where one click on a finding opens the source view at its line."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.source_view import filter_findings
from vibe8_core.dashboard.trees import SEVERITY_ORDER
from vibe8_core.dashboard.widgets import MISSING, SOURCE_PAGE


def findings_filters(found: pd.DataFrame, key: str) -> pd.DataFrame:
    """Three multiselects (empty = any) over this file's findings; the findings they keep."""
    kinds, codes, severities = st.columns(3)
    chosen_kinds = kinds.multiselect("Collector", sorted(found["kind"].unique()), key=f"{key}_kinds")
    narrowed = filter_findings(found, chosen_kinds, (), ())  # the rules offered follow the collectors chosen
    chosen_codes = codes.multiselect("Rule", sorted(narrowed["code"].astype(str).unique()), key=f"{key}_codes")
    levels = [level for level in SEVERITY_ORDER if level in set(found["severity"])]
    chosen_levels = severities.multiselect("Severity", levels, key=f"{key}_severities")
    return filter_findings(found, chosen_kinds, chosen_codes, chosen_levels)


def findings_table(found: pd.DataFrame, run_id: str, path: str, key: str) -> None:
    """The findings; clicking one opens the source view with its line outlined."""
    event = st.dataframe(
        found,
        hide_index=True,
        placeholder=MISSING,
        column_config={
            "line": st.column_config.NumberColumn("Line", format="%d", width="small"),
            "kind": "Kind",
            "code": st.column_config.TextColumn("Code", width="medium"),
            "severity": "Severity",
            "message": st.column_config.TextColumn("Message", width="large"),
            "source line": st.column_config.TextColumn("Source line", width="large"),
            "AI-written": st.column_config.TextColumn("AI-written", help="Did an AI tool write the line?"),
        },
        key=key,
        on_select="rerun",
        selection_mode=["single-row", "single-cell"],
    )
    _open_clicked(event, found.assign(file=path), run_id, line_column="line")


def files_behind(frame: pd.DataFrame, run_id: str, what: str, key: str) -> None:
    """The files behind a clicked bar (`frame` has "file" and "first line"); a click opens the source."""
    st.caption(f"Files behind {md(what)} · click one to read it with its findings")
    event = st.dataframe(
        frame, hide_index=True, placeholder=MISSING, key=key, on_select="rerun",
        selection_mode=["single-row", "single-cell"],
    )  # fmt: skip
    _open_clicked(event, frame, run_id, line_column="first line")


def _open_clicked(event: Any, frame: pd.DataFrame, run_id: str, line_column: str) -> None:
    """Open the source view at the clicked row's file ("file") and line, if a row was clicked."""
    rows = list(event.selection.rows) + [cell[0] for cell in event.selection.cells]
    if rows and rows[0] < len(frame):
        picked = frame.iloc[rows[0]]
        line = picked.get(line_column)
        query = {"run": run_id, "file": str(picked["file"]), **({"line": str(int(line))} if pd.notna(line) else {})}
        st.switch_page(SOURCE_PAGE, query_params=query)
