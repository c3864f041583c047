"""The Analyze page's batch tab: a manifest CSV plus the archives it names, the row-by-row report, and
the live progress of each batch (study) with an estimate of the time left."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from vibe8_core.config import Settings
from vibe8_core.dashboard import resources
from vibe8_core.dashboard.session import fragment_user
from vibe8_core.dashboard.widgets import MISSING
from vibe8_core.study.batches import active_batches, batch_progress
from vibe8_core.study.manifest import COLUMNS, BatchReport, ManifestError, preview_manifest, submit_manifest

REPORT_KEY = "vibe8_batch_report"
STUDIES_KEY = "vibe8_batch_studies"  # studies submitted in this session: shown until cleared
BATCH_REFRESH_S = 2.0


def _finder(files: Sequence[Any]) -> Callable[[str], Any]:
    """A source name → the uploaded file of that name (or of its last path part), or None."""
    by_name = {file.name: file for file in files}

    def find(name: str) -> Any:
        return by_name.get(name) or by_name.get(name.replace("\\", "/").rsplit("/", 1)[-1])

    return find


def _reader(files: Sequence[Any]) -> Callable[[str], bytes | None]:
    find = _finder(files)

    def read(name: str) -> bytes | None:
        found = find(name)
        return found.getvalue() if found is not None else None

    return read


def _preview(manifest: Any, archives: Sequence[Any]) -> None:
    """What the chosen manifest asks for, and which files it names are not uploaded yet."""
    find = _finder(archives)
    try:
        preview = preview_manifest(manifest.getvalue(), lambda name: find(name) is not None)
    except ManifestError as exc:
        st.error(str(exc))
        return
    st.caption(preview.describe())
    if preview.missing:
        names = ", ".join(preview.missing[:10]) + (" …" if len(preview.missing) > 10 else "")
        st.warning(f"Not uploaded (yet): {names}. Those rows will be refused unless you add the files.")


def report_frame(report: BatchReport) -> pd.DataFrame:
    rows = [
        {"line": o.line, "status": o.status, "source": o.source, "project": o.project, "reason": o.reason}
        for o in report.outcomes
    ]
    return pd.DataFrame.from_records(rows, columns=["line", "status", "source", "project", "reason"])


def batch_tab(user_id: uuid.UUID, settings: Settings) -> None:
    """Upload a manifest and its archives, submit, and show what happened to every row."""
    st.caption(
        f"A CSV with the columns {', '.join(COLUMNS)} (study optional), one row per project: a GitHub URL with "
        "its branch, or the name of an archive uploaded below. Every row is checked before anything is queued."
    )
    manifest = st.file_uploader("Manifest (CSV)", type=["csv"], key="batch_manifest")
    archives = st.file_uploader(
        "Archives and .py files the manifest names",
        type=["py", "zip", "gz", "tgz"],
        accept_multiple_files=True,
        key="batch_archives",
    )
    if manifest is not None:
        _preview(manifest, archives or [])
    if st.button("Submit batch", type="primary", key="submit_batch"):
        if manifest is None:
            st.error("Choose a manifest CSV first.")
        else:
            try:
                report = submit_manifest(
                    resources.database(settings), settings, user_id, manifest.getvalue(), _reader(archives or [])
                )
            except ManifestError as exc:
                st.error(str(exc))
            else:
                st.session_state[REPORT_KEY] = report
                studies = st.session_state.setdefault(STUDIES_KEY, [])
                studies.extend(study for study in report.studies if study not in studies)
    shown: BatchReport | None = st.session_state.get(REPORT_KEY)
    if shown is not None:
        accepted, refused = len(shown.accepted), len(shown.refused)
        (st.success if not refused else st.warning)(f"{accepted} row(s) accepted, {refused} refused.")
        st.dataframe(report_frame(shown), hide_index=True, placeholder=MISSING, key="batch_report")


def paced_batch_board(user_id: uuid.UUID) -> None:
    """The batch board, refreshed every BATCH_REFRESH_S while a batch has work waiting and not at all
    otherwise (a refresh is a script run, which can swallow a click elsewhere on the page)."""
    waiting = bool(active_batches(resources.database(), user_id))
    st.fragment(batch_board, run_every=BATCH_REFRESH_S if waiting else None)(user_id, waiting)


def batch_board(user_id: uuid.UUID, timed: bool) -> None:
    """Done / failed / waiting and the time left, per batch; read-only, so it may refresh on a timer."""
    settings = resources.settings()
    db = resources.database(settings)
    fragment_user(db, settings)  # every refresh re-runs the sign-in gate
    batches = {progress.study: progress for progress in active_batches(db, user_id)}
    if timed and not batches:
        st.rerun()  # the last batch is done: the full run draws the board once more, with no timer
    for study in st.session_state.get(STUDIES_KEY, []):
        if study not in batches:
            batches[study] = batch_progress(db, user_id, study)
    if not batches:
        return
    st.subheader("Batches")
    for study in sorted(batches):
        progress = batches[study]
        st.progress(progress.fraction, text=progress.describe().capitalize())
