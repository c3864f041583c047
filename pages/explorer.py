"""File explorer: a treemap of the run's files, a table of every per-file metric, and one file's findings."""

import streamlit as st

from vibe8_core.dashboard import charts, loaders, widgets
from vibe8_core.dashboard.authorship import DECLARED_ONLY
from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.session import current_user
from vibe8_core.dashboard.trees import explorer_columns, file_findings, file_functions
from vibe8_core.store import AccessError

user = current_user()
st.title("File explorer")
runs = widgets.runs_or_demo(user.id, key="explorer_demo", allow_query=True, headers_only=True)

run_id = widgets.run_from_query(runs, key="explorer_run")
try:
    run, _previous = loaders.run_with_previous(user.id, run_id)
    tree = loaders.run_tree(user.id, run.run_id)
except AccessError:
    widgets.refusal()
    st.stop()

files = tree.files
if files.empty:
    st.info("This run has no per-file data (it was analysed before Vibe8 kept file trees).")
    st.stop()

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
st.caption(f"{len(table):,} of {len(files):,} files, worst first · click a header to sort, a row to see its findings")
number = st.column_config.NumberColumn
columns = explorer_columns()  # every labelled per-file field of the registry's collectors
event = st.dataframe(
    table,
    hide_index=True,
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
    selection_mode="single-row",
)
picked = [table["path"].iloc[row] for row in event.selection.rows if row < len(table)]
if picked and picked[0] != st.session_state.get("explorer_row_file"):  # a newly clicked row picks the file
    st.session_state["explorer_file"] = st.session_state["explorer_row_file"] = picked[0]

st.subheader("Findings in one file")
paths = table["path"].tolist() or files.sort_values("severity", ascending=False)["path"].tolist()
wanted = st.query_params.get("file")
path = st.selectbox("File", paths, index=paths.index(wanted) if wanted in paths else 0, key="explorer_file")
if path != wanted:
    st.query_params["file"] = path
entry = files.set_index("path").loc[path]
cards = st.columns(5)
cards[0].metric("Grade", entry["grade"] or "–", help="A best … E worst, from the file's severity.")
cards[1].metric("Severity", f"{entry['severity']:.0f}", help="0-100, higher is worse.")
cards[2].metric("SLOC", f"{entry['sloc']:,.0f}")
cards[3].metric("Max complexity", f"{entry['max_cc']:.0f}" if entry["max_cc"] == entry["max_cc"] else "–")
cards[4].metric("Maintainability", f"{entry['mi']:.0f}" if entry["mi"] == entry["mi"] else "–")
if entry.get("parse_error"):
    st.error(f"This file does not parse: {md(entry['parse_error'])}")
if has_history and entry["ai_lines"] == entry["ai_lines"]:
    tools = f" by {md(entry['ai_tools'])}" if entry["ai_tools"] else ""
    st.caption(
        f"AI tools wrote {entry['ai_lines']:,.0f} of this file's lines{tools} ({entry['ai_share']:.0f}%); "
        f"people wrote {entry['human_lines']:,.0f}. {DECLARED_ONLY}"
    )
    functions = file_functions(tree, path)
    if not functions.empty:
        st.dataframe(
            functions,
            hide_index=True,
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
if entry["findings_not_stored"] > 0:  # NaN (none left out) compares False
    st.caption(
        f"{entry['findings_not_stored']:,.0f} more findings of this file were not stored (each collector keeps its "
        "first ones by line); the counts above are exact."
    )
if found.empty:
    st.success("No findings in this file.")
else:
    st.dataframe(
        found,
        hide_index=True,
        column_config={
            "line": number("Line", format="%d", width="small"),
            "kind": "Kind",
            "code": "Code",
            "severity": "Severity",
            "message": st.column_config.TextColumn("Message", width="large"),
            "source line": st.column_config.TextColumn("Source line", width="large"),
            "AI-written": st.column_config.TextColumn("AI-written", help="Did an AI tool write the line?"),
        },
        key="explorer_findings",
    )
