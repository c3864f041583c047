"""History: the user's runs, newest first, with filters, open, export, import and delete."""

from functools import partial

import streamlit as st

from vibe8_core.dashboard import compare_view, resources, widgets
from vibe8_core.dashboard.frames import HistoryFilter, export_csv, export_json, filter_runs, ordered_unique
from vibe8_core.dashboard.run_files import export_text, import_file
from vibe8_core.dashboard.session import current_user
from vibe8_core.reports.runs_io import RunFileError
from vibe8_core.scoring import score_specs
from vibe8_core.store import AccessError

user = current_user()
st.title("History")
if notice := st.session_state.pop("vibe8_history_notice", None):
    st.success(notice)

with st.expander("Import a run", icon=":material/upload:"):
    upload = st.file_uploader("A run exported from Vibe8 (JSON)", type=["json"], key="history_import_file")
    if upload is not None and st.button("Import", key="history_import"):
        try:
            outcome = import_file(user.id, upload.getvalue(), upload.name)
        except RunFileError as exc:
            st.error(f"The run was not imported: {exc}")
        else:
            note = "" if outcome.kept_id else " (its id was taken in this database, so it has a new one)"
            st.session_state["vibe8_history_notice"] = f"Imported run {outcome.run_id}{note}."
            st.rerun()

runs = widgets.runs_or_demo(user.id, key="history_demo")

with st.expander("Filters", expanded=True, icon=":material/filter_list:"):
    first, second, third, fourth = st.columns([2, 1, 2, 2])
    projects = first.multiselect("Project", ordered_unique(runs["project"]), key="history_projects")
    author = second.selectbox(
        "Author",
        ["any", "human", "ai"],
        key="history_author",
        format_func={"any": "Any", "human": "Human", "ai": "AI"}.get,
    )
    models = third.multiselect("Model", ordered_unique(runs["author_model"]), key="history_models")
    oldest, newest = runs["created_at"].min().date(), runs["created_at"].max().date()
    dates = fourth.date_input("Date range", (oldest, newest), key="history_dates")
    start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, tuple | list) else (dates, None)
    filters = HistoryFilter(tuple(projects), None if author == "any" else author, tuple(models), start, end)
shown = filter_runs(runs, filters)

st.caption(f"{len(shown):,} of {len(runs):,} runs · click a column header to sort")
table = shown.assign(open=shown["run_id"].map(lambda run_id: f"/run?run={run_id}"))
score_columns = {f"score_{spec.key}": spec.short for spec in score_specs() if spec.short}
st.dataframe(
    table,
    hide_index=True,
    column_order=[
        "open",
        "project",
        "source",
        "author",
        "created_at",
        "grade",
        "overall",
        "sloc",
        "ai_share_pct",
        *score_columns,
    ],
    column_config={
        "open": st.column_config.LinkColumn("Open", display_text="open", width="small"),
        "project": "Project",
        "source": "Source",
        "author": "Author",
        "created_at": st.column_config.DatetimeColumn("Date", format="YYYY-MM-DD HH:mm"),
        "grade": st.column_config.TextColumn("Grade", width="small"),
        "overall": st.column_config.NumberColumn("Overall", format="%.0f"),
        "sloc": st.column_config.NumberColumn("SLOC", format="localized"),
        "ai_share_pct": st.column_config.NumberColumn(
            "AI share %", format="%.0f", help="Lines AI tools wrote, as they declared in git; empty: no history."
        ),
        **{column: st.column_config.NumberColumn(label, format="%.0f") for column, label in score_columns.items()},
    },
    key="history_table",
)

left, right, _ = st.columns([1, 1, 4])
left.download_button(
    "Export CSV", partial(export_csv, shown), "vibe8-history.csv", "text/csv", icon=":material/download:"
)
right.download_button(
    "Export JSON", partial(export_json, shown), "vibe8-history.json", "application/json", icon=":material/download:"
)
compare_view.export_buttons(user.id, shown, key="history_research", stem="vibe8-history")  # docs/DATA.md

st.subheader("Open, export or delete a run")
chosen = widgets.run_picker(shown, "Run", key="history_run")
if chosen:
    open_col, export_col, delete_col = st.columns(3)
    open_col.page_link(widgets.RUN_PAGE, label="Open the dashboard", icon=":material/dashboard:",
                       query_params={"run": chosen})  # fmt: skip
    export_col.download_button(
        "Export the run (JSON)", partial(export_text, user.id, chosen), f"vibe8-run-{chosen}.json",
        "application/json", icon=":material/download:", key="history_export_run",
        help="Header, metrics, file tree and errors; import it here or with `python -m vibe8_core import`.",
    )  # fmt: skip
    with delete_col.popover("Delete…", icon=":material/delete:"):
        st.write("This removes the run and its file tree for good.")
        if st.button("Yes, delete this run", type="primary", key="history_confirm_delete"):
            try:
                resources.service().runs.delete(user.id, chosen)
            except AccessError:
                widgets.refusal()
            else:
                st.session_state["vibe8_history_notice"] = "The run was deleted."
                st.rerun()
