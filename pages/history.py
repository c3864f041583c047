"""History: the user's runs, filtered, sorted and paged by the database; open, export, import and delete."""

from functools import partial

import streamlit as st

from vibe8_core.dashboard import compare_view, frames, loaders, widgets
from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.history_view import confirmation, run_names
from vibe8_core.dashboard.run_files import export_text, import_file
from vibe8_core.dashboard.session import current_user
from vibe8_core.reports.runs_io import RunFileError
from vibe8_core.scoring import score_specs
from vibe8_core.store import RunFilter, RunSort, utc_day_bounds

AUTHOR_LABELS = {"any": "Any", "human": "Human", "ai": "AI"}
PAGE_SIZES = [25, 50, 100, 200]

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

total = widgets.demo_if_empty(user.id, key="history_demo")
choices = loaders.history_choices(user.id)

with st.expander("Filters", expanded=True, icon=":material/filter_list:"):
    first, second, third, fourth = st.columns([2, 1, 2, 2])
    author = second.selectbox("Author", ["any", "human", "ai"], key="history_author", format_func=AUTHOR_LABELS.get)
    author_type = None if author == "any" else author
    # Each filter offers only what the others leave: the author's projects, then those projects' models.
    by_author = loaders.history_choices(user.id, author_type=author_type)
    projects = widgets.narrowed_multiselect(first, "Project", list(by_author.projects), key="history_projects")
    by_projects = loaders.history_choices(user.id, tuple(projects), author_type)
    models = widgets.narrowed_multiselect(third, "Model", list(by_projects.models), key="history_models")
    start, end = widgets.date_range(fourth, choices.created, key="history_dates")
    search_col, study_col = st.columns([3, 3])
    search = search_col.text_input("Search", key="history_search", placeholder="a piece of a project, file or URL")
    studies = study_col.multiselect("Study", choices.studies, key="history_studies", disabled=not choices.studies)
    created_from, created_to = utc_day_bounds(start, end)
    filters = RunFilter(tuple(projects), author_type, tuple(models), tuple(studies), created_from, created_to,
                        search.strip())  # fmt: skip

labels = frames.sort_labels()
by_col, order_col, size_col, _ = st.columns([2, 2, 1, 1])
sort_key = by_col.selectbox("Sort by", list(labels), format_func=labels.__getitem__, key="history_sort")
descending = order_col.segmented_control("Order", ["descending", "ascending"], default="descending",
                                         key="history_order") != "ascending"  # fmt: skip
page_size = size_col.selectbox("Rows per page", PAGE_SIZES, index=1, key="history_page_size")
sort = RunSort(sort_key, descending)
if st.session_state.get("history_query") != (filters, sort, page_size):  # a new question starts at page 1
    st.session_state["history_query"] = (filters, sort, page_size)
    st.session_state["history_page"] = 1
shown, found = loaders.history_page(user.id, filters, sort, st.session_state.get("history_page", 1), page_size)
st.session_state["history_page"] = found.page  # a page past the end (runs deleted meanwhile) is the last one

if found.rows:
    last_row = found.first_row + len(found.rows) - 1
    st.caption(
        f"{found.matching:,} of {total:,} runs match · rows {found.first_row:,}–{last_row:,}"
        f" · sorted by {labels[sort_key].lower()} (a click on a column header re-sorts this page only)"
        " · click a run to open it · tick runs to delete several"
    )
else:
    st.info(f"None of your {total:,} runs matches these filters.")
score_columns = {f"score_{spec.key}": spec.short for spec in score_specs() if spec.short}
event = st.dataframe(
    shown,
    hide_index=True,
    placeholder=widgets.MISSING,
    column_order=[
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
    on_select="rerun",
    selection_mode=["multi-row", "single-cell"],
)
if event.selection.cells:  # one click on a run opens it, in this tab
    row = event.selection.cells[0][0]
    if row < len(shown):
        st.switch_page(widgets.RUN_PAGE, query_params={"run": shown["run_id"].iloc[row]})
ticked = [shown["run_id"].iloc[row] for row in event.selection.rows if row < len(shown)]

if found.pages > 1:
    st.number_input(f"Page (of {found.pages:,})", min_value=1, max_value=found.pages, key="history_page")

st.markdown(f"**Export the {found.matching:,} matching runs**")
everything = partial(loaders.runs_for, user.id, filters, sort)
left, right, bulk = st.columns([1, 1, 4])
left.download_button("Export CSV", lambda: frames.export_csv(everything()), "vibe8-history.csv", "text/csv",
                     icon=":material/download:")  # fmt: skip
right.download_button("Export JSON", lambda: frames.export_json(everything()), "vibe8-history.json",
                      "application/json", icon=":material/download:")  # fmt: skip
if ticked:
    with bulk.popover(f"Delete {len(ticked)} ticked run(s)…", icon=":material/delete:"):
        st.markdown(confirmation([md(name) for name in run_names(shown, ticked)]))
        if st.button("Yes, delete them", type="primary", key="history_confirm_bulk_delete"):
            widgets.delete_runs(user.id, ticked, notice_key="vibe8_history_notice")
matching_ids = partial(loaders.matching_run_ids, user.id, filters, sort)
compare_view.export_buttons(user.id, matching_ids, key="history_research", stem="vibe8-history")  # docs/DATA.md

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
        st.markdown(confirmation([md(name) for name in run_names(shown, [chosen])]))
        if st.button("Yes, delete this run", type="primary", key="history_confirm_delete"):
            widgets.delete_runs(user.id, [chosen], notice_key="vibe8_history_notice")
