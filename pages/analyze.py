"""Analyze: submit an upload or a GitHub repository, then watch the job until its run is ready."""

import streamlit as st

from vibe8_core.dashboard import batch_view, forms, loaders, resources, widgets
from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.forms import authorship_problem, github_url_problem
from vibe8_core.dashboard.job_board import ACTIVE_REFRESH_S, draw_job_board, refresh_interval
from vibe8_core.dashboard.session import current_user, fragment_user
from vibe8_core.jobs.submissions import AI_MODELS, HUMAN_AUTHOR, Authorship, SubmissionError
from vibe8_core.store import DatabaseFailedError, RetryError

user = current_user()
settings = resources.settings()
service = resources.service(settings)
RETRY_PROBLEM_KEY = "vibe8_retry_problem"  # why the last Retry was refused, shown once
SEEN_KEY = "vibe8_seen_jobs"  # completed jobs shown by the live board, forgotten by the next full run


def forget_jobs(job_ids: list[str]) -> None:
    """Delete jobs whose outcome the user has seen. Runs in a normal rerun or a button's callback, never
    in the polling board; a database hiccup keeps them for the next try."""
    try:
        service.jobs.forget(user.id, job_ids)
    except DatabaseFailedError:
        st.session_state.setdefault(SEEN_KEY, []).extend(job_ids)


def retry_job(job_id: str) -> None:
    """Queue a failed job again (a button's callback, never the polling board); a refusal is a notice."""
    try:
        service.jobs.retry(user.id, job_id)
    except (RetryError, DatabaseFailedError) as exc:
        st.session_state[RETRY_PROBLEM_KEY] = str(exc)


if seen := st.session_state.pop(SEEN_KEY, None):
    forget_jobs(seen)  # DATABASE.md job lifecycle step 5: deleted once the result was shown

st.title("Analyze code")
st.caption("Upload Python code or point Vibe8 at a GitHub repository. Ten collectors measure it in the background.")
if problem := st.session_state.pop(RETRY_PROBLEM_KEY, None):
    st.error(md(problem))
if notice := st.session_state.pop("vibe8_notice", None):
    st.success(notice)
else:
    try:
        new_user = loaders.history_stamp(user.id).count == 0 and not loaders.user_jobs(user.id, limit=1)
    except DatabaseFailedError:
        new_user = False  # the job list below reports the hiccup
    if new_user:
        widgets.demo_offer(user.id, key="analyze_demo")  # a new user's first page greets them with the demo


def authorship_inputs(prefix: str) -> Authorship:
    project = st.text_input(
        "Project name",
        key=forms.field_key(st.session_state, prefix, "project"),
        placeholder="defaults to the file or repository name",
    )
    left, right = st.columns(2)
    kind = left.radio(
        "Who wrote the code?",
        ["human", "ai"],
        key=forms.field_key(st.session_state, prefix, "author"),
        horizontal=True,
        format_func={"human": "A human", "ai": "An AI"}.__getitem__,
    )
    model = right.selectbox(
        "AI model" if kind == "ai" else "Author (optional)",
        AI_MODELS if kind == "ai" else (HUMAN_AUTHOR,),
        key=forms.field_key(st.session_state, prefix, f"model_{kind}"),
        index=None if kind == "ai" else 0,
        accept_new_options=True,
        placeholder="choose or type a model name" if kind == "ai" else "a name, or developer",
        help="Pick a suggestion or type any name." if kind == "ai" else "Who wrote it ('developer' for anyone).",
    )
    who = Authorship(project_name=project, author_type=kind, author_model=model)
    if problem := authorship_problem(who):
        st.caption(f":red[{problem}]")
    return who


def confirm_queued(prefix: str) -> None:
    """Say it is queued and empty the form, so that a second click cannot queue the same work again."""
    st.session_state["vibe8_notice"] = "Queued. Progress is shown below; you can leave this page meanwhile."
    forms.reset_form(st.session_state, prefix)
    st.rerun()


upload_tab, github_tab, batch_tab = st.tabs(
    ["Upload", "GitHub", "Batch (manifest)"], key="analyze_tab", on_change="rerun"
)
with upload_tab:
    limit_mb = settings.sources.upload_max_bytes >> 20
    uploaded = st.file_uploader(
        f"A .py file or a .zip / .tar.gz archive (up to {limit_mb} MB)",
        type=["py", "zip", "gz", "tgz"],
        key=forms.field_key(st.session_state, "upload", "file"),
    )
    who = authorship_inputs("upload")
    if st.button("Analyze upload", type="primary", key="submit_upload"):
        if uploaded is None:
            st.error("Choose a file to upload first.")
        else:
            try:
                service.submissions.upload(user.id, uploaded.name, uploaded.getvalue(), who)
            except SubmissionError as exc:
                st.error(str(exc))
            else:
                confirm_queued("upload")

with github_tab:
    url = st.text_input(
        "Repository URL",
        key=forms.field_key(st.session_state, "github", "url"),
        placeholder="https://github.com/owner/repository",
    )
    if problem := github_url_problem(url, settings.sources):
        st.caption(f":red[{problem}]")
    branch = st.text_input("Branch", key=forms.field_key(st.session_state, "github", "branch"), value="main")
    who = authorship_inputs("github")
    if st.button("Analyze repository", type="primary", key="submit_github"):
        if not url.strip():
            st.error("Enter the repository's address, like https://github.com/owner/repository.")
        else:
            try:
                service.submissions.github(user.id, url, branch, who)
            except SubmissionError as exc:
                st.error(str(exc))
            else:
                confirm_queued("github")


with batch_tab:
    batch_view.batch_tab(user.id, settings)


try:
    pace = refresh_interval(loaders.user_jobs(user.id))
except DatabaseFailedError:
    pace = ACTIVE_REFRESH_S  # the list below says so, and tries again soon


@st.fragment(run_every=pace)
def job_board() -> None:
    """Live progress of this user's jobs; only reads. A finished job is kept in the session with its link,
    and a full rerun (not this board) deletes it; buttons write through their callbacks."""
    try:
        fragment_user(resources.database(settings), settings)  # every refresh re-runs the sign-in gate
        jobs = loaders.user_jobs(user.id)
    except DatabaseFailedError:
        st.warning("Your analyses could not be read just now; this list retries by itself.")
        return
    finished = draw_job_board(user.id, jobs, forget_jobs, retry_job, seen_key=SEEN_KEY)
    if finished or refresh_interval(jobs) != pace:
        st.rerun()  # the full run forgets the jobs just shown, and sets the list's pace anew


batch_view.paced_batch_board(user.id)
st.subheader("Your analyses")
job_board()
