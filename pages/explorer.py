"""File explorer: a treemap of the run's files, a table of every per-file metric, and one file's findings."""

import streamlit as st

from vibe8_core.collectors.authorship import AuthorshipFileFields
from vibe8_core.collectors.cyclomatic import CyclomaticFileFields
from vibe8_core.collectors.mi import MiFileFields
from vibe8_core.collectors.size import SizeFileFields
from vibe8_core.dashboard import charts, loaders, widgets
from vibe8_core.dashboard.authorship import DECLARED_ONLY
from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.findings_panel import findings_filters, findings_table
from vibe8_core.dashboard.session import current_user
from vibe8_core.dashboard.trees import explorer_columns, file_findings, file_functions

user = current_user()
st.title("File explorer")
run, tree = widgets.run_with_tree(user.id, key="explorer")
files = tree.files

has_history = files["ai_share"].notna().any()
colour = "severity"
if has_history:
    colour = st.segmented_control(
        "Colour the map by", ["severity", "ai_share"], default="severity", key="explorer_colour",
        format_func={"severity": "Severity", "ai_share": "AI-written share"}.get,
    ) or "severity"  # fmt: skip
about_map = {
    "severity": "Each box is a file sized by source lines; red files need the most attention.",
    "ai_share": "Each box is a file sized by source lines; the more orange, the more of it AI tools wrote. "
    + DECLARED_ONLY,
}[colour]
with widgets.panel("Map", about_map):
    st.plotly_chart(charts.treemap(files, colour=colour), key="treemap")

st.subheader("Files")
first, second, third, fourth = st.columns([3, 2, 2, 2])
needle = first.text_input("Path contains", key="explorer_filter", placeholder="e.g. models/")
grades = second.multiselect("Grade", list("ABCDE"), key="explorer_grades")
only_findings = third.toggle("Only files with findings", key="explorer_only_findings")
ai_range = fourth.slider("AI-written share %", 0, 100, (0, 100), key="explorer_ai_share", disabled=not has_history)
table = files
if has_history and ai_range != (0, 100):
    table = table[table["ai_share"].between(*ai_range)]
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
    column_order=["path", "grade", "severity", *(field.key for field in columns), "ai_share", "ai_tools"],
    column_config={
        "path": st.column_config.TextColumn("File", width="large"),
        "grade": "Grade",
        "severity": st.column_config.ProgressColumn("Severity", min_value=0, max_value=100, format="%.0f"),
        **{field.key: number(field.label, format=field.format) for field in columns},
        "ai_share": number("AI-written %", format="%.0f", help="Share of the file's lines AI tools wrote (git blame)."),
        "ai_tools": "AI tools",
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
entry = loaders.file_entry(user.id, run.run_id, path)
if entry is None:  # the run changed under the page (deleted, re-imported): nothing to show for the file
    st.info("This file is no longer in the run.")
    st.stop()
authorship = entry.of(AuthorshipFileFields)
cards = st.columns(5)
cards[0].metric("Grade", entry.grade or widgets.MISSING, help="A best … E worst, from the file's severity.")
cards[1].metric("Severity", widgets.fmt_score(entry.severity), help="0-100, higher is worse.")
cards[2].metric("SLOC", widgets.fmt_count(entry.of(SizeFileFields).sloc))
cards[3].metric("Max complexity", widgets.fmt_score(entry.of(CyclomaticFileFields).max_cc))
cards[4].metric("Maintainability", widgets.fmt_score(entry.of(MiFileFields).mi))
if entry.parse_error:
    st.error(md(widgets.not_measured(entry.parse_error)))
st.page_link(widgets.SOURCE_PAGE, label="Read the source with its findings inline", icon=":material/code:",
             query_params={"run": str(run.run_id), "file": path})  # fmt: skip
if has_history and authorship.ai_lines is not None:
    tools = f" by {md(', '.join(authorship.ai_tools))}" if authorship.ai_tools else ""
    share = f" ({authorship.ai_share:.0f}%)" if authorship.ai_share is not None else ""
    st.caption(
        f"AI tools wrote {authorship.ai_lines:,.0f} of this file's lines{tools}{share}; "
        f"people wrote {authorship.human_lines or 0:,.0f}. {DECLARED_ONLY}"
    )
    functions = file_functions(tree, path)
    if not functions.empty:
        st.dataframe(
            functions,
            hide_index=True,
            placeholder=widgets.MISSING,
            column_config={
                "ai_lines": number("AI-written lines", format="%d"),
                "AI-written %": st.column_config.ProgressColumn(
                    "AI-written %", min_value=0, max_value=100, format="%.0f"
                ),
            },
            key="explorer_functions",
        )
elif not has_history:
    st.caption("No history: which lines AI tools wrote is known only for git repositories.")
found = file_findings(tree, path)
if entry.findings_not_stored > 0:
    st.caption(
        f"{entry.findings_not_stored:,.0f} more findings of this file were not stored (each collector keeps its "
        "first ones by line); the counts above are exact."
    )
if found.empty:
    st.success("No findings in this file.")
else:
    shown = findings_filters(found, key="explorer")
    st.caption(f"{len(shown):,} of {len(found):,} findings · click one to read it in the source")
    findings_table(shown, str(run.run_id), path, key="explorer_findings")
