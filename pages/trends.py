"""Trends: a project's scores over time (its runs read by the database), and any two runs side by side."""

import streamlit as st

from vibe8_core.dashboard import charts, loaders, widgets
from vibe8_core.dashboard.frames import default_pair, score_deltas
from vibe8_core.dashboard.run_files import run_diff
from vibe8_core.dashboard.session import current_user
from vibe8_core.dashboard.trees import file_changes
from vibe8_core.scoring import score_specs, scores_of
from vibe8_core.store import AccessError, RunFilter

user = current_user()
st.title("Trends")
runs = widgets.runs_or_demo(user.id, key="trends_demo", headers_only=True)  # the pickers' newest runs

st.subheader("A project over time")
repeated = loaders.repeated_projects(user.id)  # projects with two runs or more: the only ones with a trend
if not repeated:
    st.info("Every project has one run so far; analyze one again later (or re-analyze it) to see its trend.")
else:
    project = st.selectbox("Project", repeated, key="trends_project", help="Projects analyzed at least twice.")
    history = loaders.runs_for(user.id, RunFilter(projects=(project,)))  # that project's runs only
    labels = {f"score_{spec.key}": spec.label for spec in score_specs()}
    chosen = st.multiselect(
        "Scores", list(labels), default=["score_lint", "score_cyclomatic", "score_mi", "score_security"],
        format_func=labels.get, key="trends_scores",
    )  # fmt: skip
    if chosen:
        st.plotly_chart(charts.score_trend(history, {c: labels[c] for c in chosen}), key="trend")
        st.caption("Each point is one run; higher is better for every score.")
    else:
        st.info("Choose at least one score to plot.")

st.subheader("Two runs side by side")
if len(runs) < 2:
    st.info("Analyze at least two runs to compare them.")
    st.stop()
pair = default_pair(runs)  # the newest run and its project's previous one; None: no project has two
if pair is None:
    st.caption("No project has two runs yet, so there is no natural pair: choose any two runs to compare.")
left, right = st.columns(2)
with left:
    base_id = widgets.run_picker(runs, "Before", key="trends_before", default=pair[0] if pair else None, optional=True)
with right:
    other_id = widgets.run_picker(runs, "After", key="trends_after", default=pair[1] if pair else None, optional=True)
if not base_id or not other_id:
    st.stop()
if base_id == other_id:
    st.info("Choose two different runs.")
    st.stop()
try:
    base, _ = loaders.run_with_previous(user.id, base_id)
    other, _ = loaders.run_with_previous(user.id, other_id)
    base_tree, other_tree = loaders.run_tree(user.id, base_id), loaders.run_tree(user.id, other_id)
    diff = run_diff(user.id, base_id, other_id)
except AccessError:
    widgets.refusal()
    st.stop()

deltas = score_deltas(scores_of(base.metrics), scores_of(other.metrics))
chart_col, table_col = st.columns([3, 2])
chart_col.plotly_chart(charts.delta_bars(deltas), key="deltas")
table_col.dataframe(
    deltas,
    hide_index=True,
    placeholder=widgets.MISSING,
    column_config={
        "before": st.column_config.NumberColumn("Before", format="%.0f"),
        "after": st.column_config.NumberColumn("After", format="%.0f"),
        "change": st.column_config.NumberColumn("Change", format="%+.1f"),
    },
    key="delta_table",
)

changes = file_changes(base_tree.files, other_tree.files)
counts = st.columns(4)
counts[0].metric("Files added", len(changes.added))
counts[1].metric("Files removed", len(changes.removed))
counts[2].metric("Files better", len(changes.better), help="Severity fell by more than half a point.")
counts[3].metric("Files worse", len(changes.worse), help="Severity rose by more than half a point.")
tabs = st.tabs(["Worse", "Better", "Added", "Removed"])
severity = {"before": "Severity before", "after": "Severity after", "change": "Change"}
tabs[0].dataframe(changes.worse.rename(columns=severity), hide_index=True, placeholder=widgets.MISSING, key="worse")
tabs[1].dataframe(changes.better.rename(columns=severity), hide_index=True, placeholder=widgets.MISSING, key="better")
tabs[2].dataframe({"file": changes.added}, hide_index=True, placeholder=widgets.MISSING, key="added")
tabs[3].dataframe({"file": changes.removed}, hide_index=True, placeholder=widgets.MISSING, key="removed")

st.markdown(f"**Findings:** {len(diff.new):,} new · {len(diff.fixed):,} fixed · {diff.unchanged:,} unchanged")
st.caption("Matched by file, rule and the line's text, so a finding that only moved is unchanged.")
new_tab, fixed_tab, cc_tab = st.tabs(["New findings", "Fixed findings", "Complexity changes"])
new_tab.dataframe(diff.new, hide_index=True, placeholder=widgets.MISSING, key="new_findings")
fixed_tab.dataframe(diff.fixed, hide_index=True, placeholder=widgets.MISSING, key="fixed_findings")
cc_tab.dataframe(diff.complexity, hide_index=True, placeholder=widgets.MISSING, key="complexity_changes")
