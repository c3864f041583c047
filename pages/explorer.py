"""File explorer: a treemap of the run's files, a table of every per-file metric, and one file's findings."""

import streamlit as st

from vibe8_core.dashboard import charts, widgets
from vibe8_core.dashboard.findings_panel import findings_filters, findings_table
from vibe8_core.dashboard.session import current_user
from vibe8_core.dashboard.trees import explorer_columns, file_findings

user = current_user()
st.title("File explorer")
run, tree = widgets.run_with_tree(user.id, key="explorer")
files = tree.files

with widgets.panel("Map", "Each box is a file sized by source lines; red files need the most attention."):
    st.plotly_chart(charts.treemap(files), key="treemap")

st.subheader("Files")
first, second, third = st.columns([3, 2, 2])
needle = first.text_input("Path contains", key="explorer_filter", placeholder="e.g. models/")
grades = second.multiselect("Grade", list("ABCDE"), key="explorer_grades")
only_findings = third.toggle("Only files with findings", key="explorer_only_findings")
table = files
if needle:
    table = table[table["path"].str.contains(needle, case=False, regex=False)]
if grades:
    table = table[table["grade"].isin(grades)]
if only_findings:
    table = table[table["issues"] > 0]
table = table.sort_values("severity", ascending=False)
st.caption(f"{len(table):,} of {len(files):,} files, worst first · click a header to sort, a file to see its findings")
number = st.column_config.NumberColumn
columns = explorer_columns()  # every labelled per-file field of the registry's collectors
event = st.dataframe(
    table,
    hide_index=True,
    placeholder=widgets.MISSING,
    height=360,
    column_order=["path", "grade", "severity", *(field.key for field in columns)],
    column_config={
        "path": st.column_config.TextColumn("File", width="large"),
        "grade": "Grade",
        "severity": st.column_config.ProgressColumn("Severity", min_value=0, max_value=100, format="%.0f"),
        **{field.key: number(field.label, format=field.format) for field in columns},
    },
    key="explorer_table",
    on_select="rerun",
    selection_mode=["single-row", "single-cell"],  # a click on any cell picks its row's file
)
if table.empty:
    st.info("No file matches these filters; clear one to see the files again.")
    st.stop()
clicked = [*event.selection.rows, *(row for row, _column in event.selection.cells)]
picked = [table["path"].iloc[row] for row in clicked if row < len(table)]
if picked and picked[0] != st.session_state.get("explorer_row_file"):  # a newly clicked row picks the file
    st.query_params["file"] = st.session_state["explorer_row_file"] = picked[0]

st.subheader("Findings in one file")
path = widgets.file_picker(table["path"].tolist(), key="explorer_file")
entry = files.set_index("path").loc[path]
cards = st.columns(5)
cards[0].metric("Grade", entry["grade"] or widgets.MISSING, help="A best … E worst, from the file's severity.")
cards[1].metric("Severity", widgets.fmt_score(entry["severity"]), help="0-100, higher is worse.")
cards[2].metric("SLOC", widgets.fmt_count(entry["sloc"]))
cards[3].metric("Max complexity", widgets.fmt_score(entry["max_cc"]))
cards[4].metric("Maintainability", widgets.fmt_score(entry["mi"]))
if entry.get("parse_error"):
    st.error(widgets.not_measured(entry["parse_error"]))
st.page_link(widgets.SOURCE_PAGE, label="Read the source with its findings inline", icon=":material/code:",
             query_params={"run": str(run.run_id), "file": path})  # fmt: skip
found = file_findings(tree, path)
if found.empty:
    st.success("No findings in this file.")
else:
    shown = findings_filters(found, key="explorer")
    st.caption(f"{len(shown):,} of {len(found):,} findings · click one to read it in the source")
    findings_table(shown, str(run.run_id), path, key="explorer_findings")
