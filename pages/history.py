"""History: the user's runs, newest first, with filters, open, export, import and delete."""

from functools import partial

import streamlit as st

from vibe8_core.dashboard import widgets
from vibe8_core.dashboard.frames import HistoryFilter, export_csv, export_json, filter_runs
from vibe8_core.dashboard.history_view import confirmation, filter_choices, run_names
from vibe8_core.dashboard.run_files import export_text, import_file
from vibe8_core.dashboard.session import current_user
from vibe8_core.reports.runs_io import RunFileError
from vibe8_core.scoring import score_specs

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
    author = second.selectbox(
        "Author",
        ["any", "human", "ai"],
        key="history_author",
        format_func={"any": "Any", "human": "Human", "ai": "AI"}.get,
    )
    author_type = None if author == "any" else author
    chosen_projects = tuple(st.session_state.get("history_projects", ()))
    choices = filter_choices(runs, chosen_projects, author_type)  # each filter offers only what the others leave
    projects = widgets.narrowed_multiselect(first, "Project", choices.projects, key="history_projects")
    choices = filter_choices(runs, tuple(projects), author_type)
    models = widgets.narrowed_multiselect(third, "Model", choices.models, key="history_models")
    oldest, newest = runs["created_at"].min().date(), runs["created_at"].max().date()
    dates = fourth.date_input("Date range", (oldest, newest), key="history_dates")
    start, end = (tuple(dates) + (None, None))[:2] if isinstance(dates, tuple | list) else (dates, None)
    filters = HistoryFilter(tuple(projects), author_type, tuple(models), start, end)
shown = filter_runs(runs, filters)

st.caption(f"{len(shown):,} of {len(runs):,} runs · click a run to open it · tick runs to delete several")
score_columns = {f"score_{spec.key}": spec.short for spec in score_specs() if spec.short}
event = st.dataframe(
    shown,
    hide_index=True,
    placeholder=widgets.MISSING,
    column_order=["project", "source", "author", "created_at", "grade", "overall", "sloc", *score_columns],
    column_config={
        "project": "Project",
        "source": "Source",
        "author": "Author",
        "created_at": st.column_config.DatetimeColumn("Date", format="YYYY-MM-DD HH:mm"),
        "grade": st.column_config.TextColumn("Grade", width="small"),
        "overall": st.column_config.NumberColumn("Overall", format="%.0f"),
        "sloc": st.column_config.NumberColumn("SLOC", format="localized"),
        **{column: st.column_config.NumberColumn(label, format="%.0f") for column, label in score_columns.items()},
    },
    key="history_table",
    on_select="rerun",
    selection_mode=["multi-row", "single-cell"],
)
if event.selection.cells:  # one click on a run opens it, in this tab
    row = event.selection.cells[0][0]
    if row < len(shown):
        st.switch_page(widgets.RUN_PAGE, query_params={"run": shown["run_id"].iloc[row]})
ticked = [shown["run_id"].iloc[row] for row in event.selection.rows if row < len(shown)]

left, right, bulk = st.columns([1, 1, 4])
left.download_button(
    "Export CSV", partial(export_csv, shown), "vibe8-history.csv", "text/csv", icon=":material/download:"
)
right.download_button(
    "Export JSON", partial(export_json, shown), "vibe8-history.json", "application/json", icon=":material/download:"
)
if ticked:
    with bulk.popover(f"Delete {len(ticked)} ticked run(s)…", icon=":material/delete:"):
        st.write(confirmation(run_names(shown, ticked)))
        if st.button("Yes, delete them", type="primary", key="history_confirm_bulk_delete"):
            widgets.delete_runs(user.id, ticked, notice_key="vibe8_history_notice")

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
        st.write(confirmation(run_names(shown, [chosen])))
        if st.button("Yes, delete this run", type="primary", key="history_confirm_delete"):
            widgets.delete_runs(user.id, [chosen], notice_key="vibe8_history_notice")
