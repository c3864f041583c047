"""The Run dashboard's actions on the run shown: analyse it again, and correct its labels."""

from __future__ import annotations

import uuid

import streamlit as st

from vibe8_core.dashboard import loaders, resources
from vibe8_core.dashboard.escape import md
from vibe8_core.jobs.submissions import AI_MODELS, HUMAN_AUTHOR, Authorship, SubmissionError
from vibe8_core.store import AccessError, RunRecord

ANALYZE_PAGE = "pages/analyze.py"


def reanalyse_button(user_id: uuid.UUID, run: RunRecord) -> None:
    """Queue the same source with the same labels, then follow it on the Analyze page."""
    what = "clone the repository again" if run.submission_type == "github" else "analyze the kept files again"
    if st.button("Re-analyze", key="run_reanalyse", icon=":material/refresh:", help=f"Queue a new run: {what}."):
        current = resources.settings()
        try:
            resources.service(current).runs.reanalyse(user_id, run.run_id)
        except SubmissionError as exc:
            st.error(str(exc))
        except AccessError as exc:
            st.error(exc.public_message)
        else:
            st.session_state["vibe8_notice"] = (
                f"Queued {md(run.project_name or 'the run')} again; progress is shown below."
            )
            st.switch_page(ANALYZE_PAGE)


def relabel_popover(user_id: uuid.UUID, run: RunRecord) -> None:
    """Project name and who wrote it, editable in place (the figures stay as they are)."""
    with st.popover("Edit labels", icon=":material/edit:"), st.form("run_relabel", border=False):
        project = st.text_input("Project name", value=run.project_name or "")
        kind = st.radio("Who wrote the code?", ["human", "ai"], horizontal=True,
                        index=1 if run.author_type == "ai" else 0,
                        format_func={"human": "A human", "ai": "An AI"}.__getitem__)  # fmt: skip
        model = st.text_input(
            "AI model, or the human's name", value=run.author_model or "",
            help=f"An AI: its model ({', '.join(AI_MODELS[:4])}, …). A human: a name, or {HUMAN_AUTHOR}.",
        )  # fmt: skip
        if st.form_submit_button("Save", type="primary"):
            who = Authorship(project_name=project, author_type=kind, author_model=model)
            try:
                resources.service().runs.relabel(user_id, run.run_id, who)
            except SubmissionError as exc:
                st.error(str(exc))
            except AccessError as exc:
                st.error(exc.public_message)
            else:
                loaders.forget_run_caches()
                st.rerun()
