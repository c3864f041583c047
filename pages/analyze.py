"""Analyze: submit an upload or a GitHub repository, then watch the job until its run is ready."""

import streamlit as st

from vibe8_core.dashboard import loaders, resources, widgets
from vibe8_core.dashboard.forms import authorship_problem, github_url_problem
from vibe8_core.dashboard.progress import job_progress
from vibe8_core.dashboard.session import current_user, fragment_user
from vibe8_core.jobs.submissions import AI_MODELS, HUMAN_AUTHOR, Authorship, SubmissionError
from vibe8_core.store import DatabaseFailedError

user = current_user()
settings = resources.settings()
service = resources.service(settings)
FINISHED_KEY = "vibe8_finished_jobs"  # job id → (title, run id): completed jobs this session has shown
SEEN_KEY = "vibe8_seen_jobs"  # completed jobs shown by the live board, forgotten by the next full run


def forget_jobs(job_ids: list[str]) -> None:
    """Delete jobs whose outcome the user has seen. Runs in a normal rerun or a button's callback, never
    in the polling board; a database hiccup keeps them for the next try."""
    try:
        service.jobs.forget(user.id, job_ids)
    except DatabaseFailedError:
        st.session_state.setdefault(SEEN_KEY, []).extend(job_ids)


if seen := st.session_state.pop(SEEN_KEY, None):
    forget_jobs(seen)  # DATABASE.md job lifecycle step 5: deleted once the result was shown

st.title("Analyze code")
st.caption("Upload Python code or point Vibe8 at a GitHub repository. Ten collectors measure it in the background.")
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
        "Project name", key=f"{prefix}_project", placeholder="defaults to the file or repository name"
    )
    left, right = st.columns(2)
    kind = left.radio(
        "Who wrote the code?",
        ["human", "ai"],
        key=f"{prefix}_author",
        horizontal=True,
        format_func={"human": "A human", "ai": "An AI"}.__getitem__,
    )
    model = right.selectbox(
        "AI model" if kind == "ai" else "Author (optional)",
        AI_MODELS if kind == "ai" else (HUMAN_AUTHOR,),
        key=f"{prefix}_model_{kind}",
        index=None if kind == "ai" else 0,
        accept_new_options=True,
        placeholder="choose or type a model name" if kind == "ai" else "a name, or developer",
        help="Pick a suggestion or type any name." if kind == "ai" else "Who wrote it ('developer' for anyone).",
    )
    who = Authorship(project_name=project, author_type=kind, author_model=model)
    if problem := authorship_problem(who):
        st.caption(f":red[{problem}]")
    return who


def confirm_queued() -> None:
    st.session_state["vibe8_notice"] = "Queued. Progress is shown below; you can leave this page meanwhile."
    st.rerun()


upload_tab, github_tab = st.tabs(["Upload", "GitHub"])
with upload_tab:
    limit_mb = settings.sources.upload_max_bytes >> 20
    uploaded = st.file_uploader(
        f"A .py file or a .zip / .tar.gz archive (up to {limit_mb} MB)",
        type=["py", "zip", "gz", "tgz"],
        key="upload_file",
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
                confirm_queued()

with github_tab:
    url = st.text_input("Repository URL", key="github_url", placeholder="https://github.com/owner/repository")
    if problem := github_url_problem(url, settings.sources):
        st.caption(f":red[{problem}]")
    branch = st.text_input("Branch", key="github_branch", value="main")
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
                confirm_queued()


@st.fragment(run_every=1.5)
def job_board() -> None:
    """Live progress of this user's jobs; only reads. A finished job is kept in the session with its link,
    and a full rerun (not this board) deletes it; buttons write through their callbacks."""
    finished: dict[str, tuple[str, str]] = st.session_state.setdefault(FINISHED_KEY, {})
    try:
        fragment_user(resources.database(settings), settings)  # every refresh re-runs the sign-in gate
        jobs = loaders.user_jobs(user.id)
    except DatabaseFailedError:
        st.warning("Your analyses could not be read just now; this list retries by itself.")
        return
    if not jobs and not finished:
        st.caption("No analyses are running.")
        return
    queued = [job for job in jobs if job.status == "pending"]
    newly_finished = False
    for job in jobs:
        title = f"{job.project_name or 'Analysis'} · {job.source_label or job.source_kind}"
        step = job_progress(job)
        if job.status == "completed" and job.result_run_id:
            if job.job_id not in finished:
                finished[job.job_id] = (title, str(job.result_run_id))
                st.session_state.setdefault(SEEN_KEY, []).append(job.job_id)
                newly_finished = True
        elif job.status == "failed":
            with st.container(border=True):
                st.markdown(f"**{title}** — :red[failed]")
                st.error(job.error_message or "The analysis failed.")
                st.button("Dismiss", key=f"dismiss_{job.job_id}", on_click=forget_jobs, args=([job.job_id],))
        elif job.status == "running":
            with st.status(f"{job.project_name or 'Analysis'}: {step.label}", state="running", expanded=True):
                st.markdown(f"**{title}**")
                st.progress(step.fraction, text=step.files or step.label)
    if queued:
        with st.container(border=True):
            st.markdown(f":material/hourglass_empty: **Queued — waiting for a worker** ({len(queued)})")
            for job in reversed(queued):  # oldest first: the order they will run in
                st.caption(f"{job.project_name or 'Analysis'} · {job.source_label or job.source_kind}")
    if newly_finished:
        st.rerun()  # the full run forgets the jobs just shown, outside this polling board
    if finished:
        with st.container(border=True):
            head, clear = st.columns([5, 1], vertical_alignment="center")
            head.markdown(":material/check_circle: **Finished** — open a result")
            if clear.button("Clear", key="clear_finished"):
                finished.clear()
                st.rerun(scope="fragment")
            for title, run_id in reversed(list(finished.values())):  # newest first
                st.page_link(widgets.RUN_PAGE, label=f"Open {title}", icon=":material/dashboard:",
                             query_params={"run": run_id})  # fmt: skip


st.subheader("Your analyses")
job_board()
