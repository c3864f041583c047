"""Small pieces of drawing the pages share: score cards, run pickers, refusals, the demo offer."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from vibe8_core.collectors import registry
from vibe8_core.dashboard import loaders, resources
from vibe8_core.dashboard.charts import GRADE_COLOURS
from vibe8_core.dashboard.frames import headers_frame, runs_by_id
from vibe8_core.dashboard.trees import TreeFrames
from vibe8_core.demo import DemoError
from vibe8_core.scoring import Metrics, grade_for_score, parsed_files, score_specs
from vibe8_core.store import AccessError, RunRecord

ANALYZE_PAGE = "pages/analyze.py"
RUN_PAGE = "pages/run.py"
EXPLORER_PAGE = "pages/explorer.py"
SOURCE_PAGE = "pages/source.py"
MISSING = "–"  # what a table cell or a card shows where nothing was measured (never "None")
GRADE_BADGE = {"A": "green", "B": "green", "C": "orange", "D": "red", "E": "red"}


def grade_badge(letter: str) -> str:
    """Markdown for a coloured grade letter."""
    colour = GRADE_BADGE.get(letter)
    return f":{colour}-badge[{letter}]" if colour else f":gray-badge[{letter}]"


def grade_tile(letter: str, score: float | None) -> str:
    """HTML for the big overall grade: the letter on its grade's colour, the score under it."""
    colour = GRADE_COLOURS.get(letter, "#94a3b8")
    return (
        f'<div style="background:{colour};color:white;border-radius:14px;text-align:center;'
        f'padding:6px 0;line-height:1.1"><div style="font-size:44px;font-weight:700">{letter}</div>'
        f'<div style="font-size:13px">overall {fmt_score(score)}/100</div></div>'
    )


def fmt_score(value: float | None) -> str:
    return MISSING if value is None or pd.isna(value) else f"{value:.0f}"


def not_measured(reason: str) -> str:
    """One sentence for a file the per-file collectors could not measure ("does not parse: …",
    "too large to analyse …"), without repeating what the reason already says."""
    reason = reason.strip().rstrip(".")
    return (
        f"Not measured: this file {reason}." if reason.startswith(("does not", "is ")) else f"Not measured: {reason}."
    )


def fmt_count(value: float | None) -> str:
    return MISSING if value is None or pd.isna(value) else f"{value:,.0f}"


def refusal() -> None:
    """The one refusal for a run that is missing or someone else's (identical on purpose)."""
    st.error(AccessError.public_message)


def score_change(value: float | None, before: float | None) -> tuple[str | None, bool]:
    """The delta text for a score card and whether it is a real change: None without a previous
    figure; "no change" (grey, no arrow) when it moved by less than the 0.1 shown."""
    if value is None or before is None or pd.isna(value) or pd.isna(before):
        return None, False
    delta = round(value - before, 1)
    return ("no change", False) if delta == 0 else (f"{delta:+.1f}", True)


def score_cards(scores: Mapping[str, float | None], previous: Mapping[str, float | None] | None) -> None:
    """A card per score (rows of five): score, grade and the change since the project's previous run."""
    specs = score_specs()
    for start in range(0, len(specs), 5):
        for column, spec in zip(st.columns(5), specs[start : start + 5], strict=False):
            value = scores.get(spec.key)
            delta, moved = score_change(value, previous.get(spec.key) if previous else None)
            column.metric(
                f"{spec.label} · {grade_for_score(value)}",
                fmt_score(value),
                delta=delta,
                delta_color="normal" if moved else "off",
                delta_arrow="auto" if moved else "off",
                help=spec.meaning,
                border=True,
            )


def measured_notice(metrics: Metrics) -> None:
    """At the top of a run: what share of its files could be measured, when not all of them."""
    counts = parsed_files(metrics)
    if counts is None or counts[0] >= counts[1]:
        return
    parsed, files = counts
    unparsed = files - parsed
    needing = ", ".join(spec.score.label.lower() for spec in registry.specs() if spec.needs_parse and spec.score)
    if parsed == 0:
        st.warning(
            f"No file of this run parses ({files:,} {'file' if files == 1 else 'files'}), so {needing} were not "
            "measured: those scores and the overall grade are shown as “–”. "
            "The reasons are listed under “Problems during the analysis” below.",
            icon=":material/warning:",
        )
        return
    st.info(
        f"Measured {parsed:,} of {files:,} files ({100 * parsed / files:.0f} %): {unparsed:,} "
        f"{'does' if unparsed == 1 else 'do'} not parse, so {needing} cover only the files that do "
        "(see “Problems during the analysis”).",
        icon=":material/info:",
    )


def run_picker(
    frame: pd.DataFrame, label: str, key: str, default: str | None = None, *, optional: bool = False
) -> str | None:
    """A select box over the user's runs (newest first); returns the chosen run id. With `optional`
    and no default, nothing is chosen until the user chooses."""
    labels = runs_by_id(frame)
    if not labels:
        return None
    options = list(labels)
    if key in st.session_state and st.session_state[key] not in labels:
        del st.session_state[key]  # chosen on another page of the history, or deleted: start afresh
    index = options.index(default) if default in labels else None if optional else 0
    chosen: str | None = st.selectbox(
        label, options, index=index, format_func=labels.__getitem__, key=key, placeholder="choose a run"
    )
    return chosen


def run_from_query(frame: pd.DataFrame, label: str = "Run", key: str = "run_picker") -> str | None:
    """The run named by ?run=… (validated later by the loaders), else a picker over the user's runs."""
    wanted = st.query_params.get("run")
    labels = runs_by_id(frame)
    if wanted and wanted not in labels:  # unknown, malformed or foreign: the usual refusal, and a way on
        refusal()
        options = list(labels)
        instead = st.selectbox("Open one of your runs instead", options, index=None, key=f"{key}_instead",
                               format_func=labels.__getitem__, placeholder="choose a run")  # fmt: skip
        if instead:
            st.query_params["run"] = instead
            st.rerun()
        st.stop()
    chosen = run_picker(frame, label, key, default=wanted)
    if chosen and chosen != wanted:
        st.query_params["run"] = chosen
    return chosen


def file_picker(paths: list[str], key: str) -> str:
    """A select box over a run's files that follows ?file=… and writes the choice back to the URL.
    Its value is set through the session (not `index`), which Streamlit would warn about once the
    key has been set from code."""
    wanted = st.query_params.get("file")
    if wanted in paths and wanted != st.session_state.get(f"{key}_from_url"):
        st.session_state[key] = st.session_state[f"{key}_from_url"] = wanted  # a link chose this file
    if st.session_state.get(key) not in paths:
        st.session_state[key] = paths[0]
    path: str = st.selectbox("File", paths, key=key)
    if path != wanted:
        st.query_params["file"] = path
        st.session_state[f"{key}_from_url"] = path
    return path


def narrowed_multiselect(container: Any, label: str, options: list[str], key: str) -> list[str]:
    """A multiselect whose options another filter has narrowed: what it remembered and no longer
    offers is dropped first (Streamlit would refuse it)."""
    remembered = st.session_state.get(key)
    if remembered is not None:
        st.session_state[key] = [value for value in remembered if value in options]
    chosen: list[str] = container.multiselect(label, options, key=key)
    return chosen


def delete_runs(user_id: uuid.UUID, run_ids: list[str], notice_key: str) -> None:
    """Delete the user's chosen runs (all or none), then rerun with a notice."""
    try:
        count = resources.service().runs.delete_many(user_id, list(run_ids))
    except AccessError:
        refusal()
        return
    st.session_state[notice_key] = "The run was deleted." if count == 1 else f"{count} runs were deleted."
    st.rerun()


def demo_offer(user_id: uuid.UUID, key: str) -> None:
    """An empty history greets a new user with a one-click demo on real, offline code."""
    st.info(
        "You have no analyses yet. Analyze a project on the **Analyze** page, or let Vibe8 analyze "
        "a few well-known open-source packages (labelled human) and Vibe8's own code (labelled AI) "
        "so every chart has something to show."
    )
    if st.button("Run the demo", type="primary", key=key, icon=":material/play_arrow:"):
        try:
            jobs = resources.service().demo.submit(user_id)
        except DemoError as exc:
            st.error(str(exc))
            return
        st.session_state["vibe8_notice"] = f"Queued {len(jobs)} demo analyses; progress is shown below."
        st.switch_page(ANALYZE_PAGE)


@contextmanager
def panel(title: str, meaning: str) -> Iterator[None]:
    """A bordered panel with a heading and one line saying what it shows."""
    with st.container(border=True):
        st.subheader(title)
        st.caption(meaning)
        yield


def demo_if_empty(user_id: uuid.UUID, key: str) -> int:
    """How many runs the user has (counted by the database, nothing loaded); with none, the demo offer,
    and the page stops."""
    count = loaders.history_stamp(user_id).count
    if count == 0:
        demo_offer(user_id, key=key)
        st.stop()
    return count


def date_range(
    column: DeltaGenerator, created: tuple[datetime, datetime] | None, key: str
) -> tuple[date | None, date | None]:
    """A date range picker spanning the user's runs; returns the first and last day chosen (None: open)."""
    span = (created[0].date(), created[1].date()) if created else (date.today(), date.today())
    dates = column.date_input("Date range", span, key=key)
    start, end = (tuple(dates) + (None, None))[:2]
    return start, end


def runs_or_demo(
    user_id: uuid.UUID, key: str, *, allow_query: bool = False, headers_only: bool = False
) -> pd.DataFrame:
    """The user's runs (with `headers_only`, the newest PICKER_RUNS as who/what/when without scores:
    enough for a picker, and said so when there are more); with none (and no ?run=… to refuse), the
    demo offer, and the page stops."""
    runs = loaders.runs_for(user_id, headers_only=headers_only)
    if runs.empty and not (allow_query and st.query_params.get("run")):
        demo_offer(user_id, key=key)
        st.stop()
    total = loaders.history_stamp(user_id).count if headers_only else 0
    if total > len(runs) >= loaders.PICKER_RUNS:
        st.caption(
            f"The run pickers offer your newest {len(runs):,} of {total:,} runs; open an older one from History."
        )
    wanted = st.query_params.get("run") if allow_query else None
    if headers_only and wanted and wanted not in set(runs["run_id"]):
        try:  # a run older than the pickers' newest, opened by its link (History's "open"): offer it too
            older, _ = loaders.run_with_previous(user_id, wanted)
        except AccessError:
            pass  # unknown, malformed or foreign: run_from_query refuses it
        else:
            runs = pd.concat([runs, headers_frame([older])], ignore_index=True)
    return runs


def run_with_tree(user_id: uuid.UUID, key: str) -> tuple[RunRecord, TreeFrames]:
    """For the pages about one run's files: the run named by ?run=… (or picked), and its file tree;
    the refusal, or a note when the run has no per-file data, and the page stops."""
    runs = runs_or_demo(user_id, key=f"{key}_demo", allow_query=True, headers_only=True)
    run_id = run_from_query(runs, key=f"{key}_run")
    try:
        run, _previous = loaders.run_with_previous(user_id, run_id)
        tree = loaders.run_tree(user_id, run.run_id)
    except AccessError:
        refusal()
        st.stop()
    if tree.files.empty:
        st.info("This run has no per-file data (it was analyzed before Vibe8 kept file trees).")
        st.stop()
    return run, tree
