"""Small pieces of drawing the pages share: score cards, run pickers, refusals, the demo offer."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from vibe8_core.collectors import registry
from vibe8_core.dashboard import loaders, resources
from vibe8_core.dashboard.charts import GRADE_COLOURS
from vibe8_core.dashboard.frames import runs_by_id
from vibe8_core.demo import DemoError
from vibe8_core.scoring import Metrics, grade_for_score, parsed_files, score_specs
from vibe8_core.store import AccessError

ANALYZE_PAGE = "pages/analyze.py"
RUN_PAGE = "pages/run.py"
EXPLORER_PAGE = "pages/explorer.py"
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
    return "–" if value is None or pd.isna(value) else f"{value:.0f}"


def refusal() -> None:
    """The one refusal for a run that is missing or someone else's (identical on purpose)."""
    st.error(AccessError.public_message)


def score_cards(scores: Mapping[str, float | None], previous: Mapping[str, float | None] | None) -> None:
    """A card per score (rows of five): score, grade and the change since the project's previous run."""
    specs = score_specs()
    for start in range(0, len(specs), 5):
        for column, spec in zip(st.columns(5), specs[start : start + 5], strict=False):
            value = scores.get(spec.key)
            before = previous.get(spec.key) if previous else None
            delta = None if value is None or before is None else round(value - before, 1)
            column.metric(
                f"{spec.label} · {grade_for_score(value)}",
                fmt_score(value),
                delta=None if delta is None else f"{delta:+.1f}",
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


def run_picker(frame: pd.DataFrame, label: str, key: str, default: str | None = None) -> str | None:
    """A select box over the user's runs (newest first); returns the chosen run id."""
    labels = runs_by_id(frame)
    if not labels:
        return None
    options = list(labels)
    if key in st.session_state and st.session_state[key] not in labels:
        del st.session_state[key]  # chosen on another page of the history, or deleted: start afresh
    index = options.index(default) if default in labels else 0
    return st.selectbox(label, options, index=index, format_func=labels.__getitem__, key=key)


def run_from_query(frame: pd.DataFrame, label: str = "Run", key: str = "run_picker") -> str | None:
    """The run named by ?run=… (validated later by the loaders), else a picker over the user's runs."""
    wanted = st.query_params.get("run")
    labels = runs_by_id(frame)
    if wanted and wanted not in labels:
        return wanted  # unknown, malformed or foreign: the loader refuses it with the usual message
    chosen = run_picker(frame, label, key, default=wanted)
    if chosen and chosen != wanted:
        st.query_params["run"] = chosen
    return chosen


def demo_offer(user_id: uuid.UUID, key: str) -> None:
    """An empty history greets a new user with a one-click demo on real, offline code."""
    st.info(
        "You have no analyses yet. Analyse a project on the **Analyze** page, or let Vibe8 analyse "
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
    """The user's runs (with `headers_only`, who/what/when without scores: enough for a picker); with
    none (and no ?run=… to refuse), the demo offer, and the page stops."""
    runs = loaders.runs_for(user_id, headers_only=headers_only)
    if runs.empty and not (allow_query and st.query_params.get("run")):
        demo_offer(user_id, key=key)
        st.stop()
    return runs
