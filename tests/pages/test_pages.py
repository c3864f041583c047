"""Every page on seeded data through app.py's navigation: renders, shows its key elements, acts."""

from __future__ import annotations

import io
import zipfile

import pandas as pd
import pytest
import streamlit as st
from sqlalchemy import null, update

from tests.pages.conftest import make_run
from vibe8_core.dashboard import frames
from vibe8_core.dashboard.escape import md
from vibe8_core.store import AccessError
from vibe8_core.store.models import AnalysisRun
from vibe8_core.store.runs import RunRepository

PAGES = (
    "pages/analyze.py",
    "pages/history.py",
    "pages/run.py",
    "pages/explorer.py",
    "pages/human_vs_ai.py",
    "pages/trends.py",
)


def texts(at, kind: str) -> list[str]:
    return [element.value for element in getattr(at, kind)]


def small_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("pkg/mod.py", "def add(a, b):\n    return a + b\n")
    return buffer.getvalue()


@pytest.fixture
def history(seed, alice):
    """Six runs of alice's: two projects, human and AI, one from GitHub."""
    runs = []
    for index in range(6):
        runs.append(
            seed.run(
                alice,
                project="shop" if index < 4 else "lib",
                author_type="ai" if index % 2 else "human",
                author_model=("claude", "gpt-4")[index % 4 // 2] if index % 2 else "developer",
                seed=index,
                github=index == 5,
            )
        )
    return runs


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_exception(history, alice, open_page, page):
    at = open_page(alice, page)
    assert not at.exception
    assert at.title, "each page has a heading"


def test_sidebar_names_the_local_user_and_says_sign_in_is_off(alice, open_page):
    at = open_page(alice)  # the default page; AppTest drops the sidebar after switch_page
    assert any(md("alice@example.com") in text for text in texts(at.sidebar, "caption"))
    assert any("Sign-in is off" in text for text in texts(at.sidebar, "caption"))


@pytest.mark.parametrize("page", PAGES[1:])
def test_empty_history_offers_the_demo(alice, open_page, page):
    at = open_page(alice, page)
    assert not at.exception
    assert any("no analyses yet" in text for text in texts(at, "info"))
    assert at.button(key=next(b.key for b in at.button if b.key and b.key.endswith("_demo")))


def test_the_first_page_greets_a_new_user_with_the_demo(alice, open_page, seed):
    at = open_page(alice, "pages/analyze.py")
    assert any("no analyses yet" in text for text in texts(at, "info"))
    at.button(key="analyze_demo").click().run()
    assert not at.exception
    assert {"requests", "vibe8-store"} <= {job.project_name for job in seed.jobs(alice)}
    assert not any("no analyses yet" in text for text in texts(at, "info"))


def test_demo_button_queues_real_projects(alice, open_page, seed):
    at = open_page(alice, "pages/history.py")
    at.button(key="history_demo").click().run()
    assert not at.exception
    jobs = seed.jobs(alice)
    names = {job.project_name for job in jobs}
    assert {"requests", "flask", "vibe8-store"} <= names
    assert all(job.status == "pending" for job in jobs)


# -- Analyze -----------------------------------------------------------------------------------------
def test_uploading_creates_a_job_and_shows_its_progress(alice, open_page, seed):
    at = open_page(alice, "pages/analyze.py")
    at.file_uploader(key="upload_file").set_value(("demo.zip", small_zip(), "application/zip"))
    at.text_input(key="upload_project").input("Calculator")
    at.button(key="submit_upload").click().run()
    assert not at.exception
    jobs = seed.jobs(alice)
    assert [(job.project_name, job.status, job.source_label) for job in jobs] == [("Calculator", "pending", "demo.zip")]
    assert any("Queued" in text for text in texts(at, "success"))
    assert any("Queued — waiting for a worker" in text for text in texts(at, "markdown"))
    assert md("Calculator · demo.zip") in texts(at, "caption")


def test_a_running_job_shows_its_step_and_files_in_a_status_with_a_progress_bar(alice, open_page, page_env):
    with page_env.unit_of_work() as uow:
        job_id = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "a.zip", "project_name": "big"})
        assert uow.jobs.claim_next("worker").job_id == job_id
        progress = {"step": "per-file metrics", "files_done": 12, "files_total": 40}
        assert uow.jobs.heartbeat(job_id, "worker", progress)
        uow.commit()
    at = open_page(alice, "pages/analyze.py")
    assert not at.exception
    [status] = at.status
    assert status.label == "big: Measuring each file"
    [bar] = at.get("progress")
    assert 0.15 < bar.proto.value / 100 < 0.55
    assert bar.proto.text == f"Measuring each file · 12 / 40 files · {bar.proto.value}% overall"


def test_ai_upload_without_a_model_is_refused_inline(alice, open_page, seed):
    at = open_page(alice, "pages/analyze.py")
    at.file_uploader(key="upload_file").set_value(("demo.zip", small_zip(), "application/zip"))
    at.radio(key="upload_author").set_value("ai").run()
    assert any("Name the AI model" in text for text in texts(at, "caption")), "flagged before submitting"
    at.button(key="submit_upload").click().run()
    assert not at.exception
    assert any("Name the AI model" in text for text in texts(at, "error"))
    assert seed.jobs(alice) == []


def test_upload_without_a_file_and_a_bad_archive_are_refused(alice, open_page, seed):
    at = open_page(alice, "pages/analyze.py")
    at.button(key="submit_upload").click().run()
    assert any("Choose a file" in text for text in texts(at, "error"))
    at.file_uploader(key="upload_file").set_value(("broken.zip", b"not a zip", "application/zip"))
    at.button(key="submit_upload").click().run()
    assert not at.exception
    assert len(at.error) == 1 and "Traceback" not in at.error[0].value
    assert seed.jobs(alice) == []


def test_github_submission_validates_then_queues(alice, open_page, seed):
    at = open_page(alice, "pages/analyze.py")
    at.text_input(key="github_url").input("https://gitlab.com/acme/shop").run()
    assert any("github.com" in text for text in texts(at, "caption")), "flagged while typing"
    at.button(key="submit_github").click().run()
    assert not at.exception
    assert len(at.error) == 1
    assert seed.jobs(alice) == []
    at.text_input(key="github_url").input("https://github.com/acme/shop")
    at.radio(key="github_author").set_value("ai").run()
    at.selectbox(key="github_model_ai").set_value("gpt-4o")
    at.button(key="submit_github").click().run()
    assert not at.exception
    [job] = seed.jobs(alice)
    assert job.source_kind == "github" and job.project_name == "shop"


def test_finished_jobs_link_to_their_run_and_are_then_deleted(alice, open_page, seed, page_env):
    with page_env.unit_of_work() as uow:
        good = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "a.zip", "project_name": "good"})
        bad = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "b.zip", "project_name": "bad"})
        uow.commit()
    run = seed.run(alice, project="good")
    with page_env.unit_of_work() as uow:
        for _job in (good, bad):
            assert uow.jobs.claim_next("worker") is not None
        uow.jobs.mark_completed(good, "worker", run.run_id)
        uow.jobs.mark_failed(bad, "worker", "The archive holds no Python files.")
        uow.commit()
    at = open_page(alice, "pages/analyze.py")
    assert not at.exception
    assert any("holds no Python files" in text for text in texts(at, "error"))
    links = [link for link in at.get("page_link") if link.proto.label == f"Open {md('good · a.zip')}"]
    assert links and str(run.run_id) in links[0].proto.query_string
    assert [job.job_id for job in seed.jobs(alice)] == [bad], "the seen, completed job is deleted"
    at.button(key=f"dismiss_{bad}").click().run()
    assert seed.jobs(alice) == []


# -- History -----------------------------------------------------------------------------------------
def test_history_lists_newest_first_and_filters_change_the_rows(history, alice, open_page):
    at = open_page(alice, "pages/history.py")
    frame = at.dataframe[0].value
    assert list(frame["run_id"]) == [str(run.run_id) for run in reversed(history)]
    at.multiselect(key="history_projects").set_value(["lib"]).run()
    assert set(at.dataframe[0].value["project"]) == {"lib"} and len(at.dataframe[0].value) == 2
    at.multiselect(key="history_projects").set_value([]).run()
    at.selectbox(key="history_author").set_value("ai").run()
    assert set(at.dataframe[0].value["author_type"]) == {"ai"} and len(at.dataframe[0].value) == 3
    at.multiselect(key="history_models").set_value(["gpt-4"]).run()
    assert list(at.dataframe[0].value["author_model"]) == ["gpt-4"]
    assert not at.exception


def test_history_shows_runs_stored_before_summaries_with_the_same_scores(history, alice, open_page, page_env):
    before = open_page(alice, "pages/history.py").dataframe[0].value.set_index("run_id")
    with page_env.unit_of_work() as uow:  # as a database upgraded to 0003 and not yet refreshed
        uow.session.execute(update(AnalysisRun).values(summary=null()))
        uow.commit()
    st.cache_data.clear()
    after = open_page(alice, "pages/history.py").dataframe[0].value.set_index("run_id")
    columns = ["overall", "grade", "sloc", *frames.score_columns()]
    pd.testing.assert_frame_equal(after[columns], before[columns])
    assert after["overall"].notna().all()


def test_history_exports_the_filtered_rows(history, alice, open_page):
    at = open_page(alice, "pages/history.py")
    at.multiselect(key="history_projects").set_value(["lib"]).run()
    buttons = {button.proto.label: button for button in at.get("download_button")}
    assert {"Export CSV", "Export JSON"} <= set(buttons)


def test_deleting_a_run_after_confirmation_removes_it(history, alice, open_page, seed):
    at = open_page(alice, "pages/history.py")
    victim = at.selectbox(key="history_run").value
    at.button(key="history_confirm_delete").click().run()
    assert not at.exception
    assert victim not in seed.run_ids(alice)
    assert len(seed.run_ids(alice)) == len(history) - 1
    assert victim not in set(at.dataframe[0].value["run_id"])
    assert any("deleted" in text for text in texts(at, "success"))


# -- Run dashboard -------------------------------------------------------------------------------------
def test_run_dashboard_shows_grade_ten_scores_deltas_panels_and_errors(history, alice, open_page):
    run = history[3]  # shop's fourth run: has a previous run and (odd seed) an error
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    assert not at.exception
    assert len(at.metric) == 10
    assert all(metric.delta for metric in at.metric if "Churn" not in metric.label)
    subheaders = texts(at, "subheader")
    for title in ("Complexity", "Security", "Duplication", "Dependencies", "Maintainability", "Linting",
                  "Dead code", "Churn × complexity", "Problems during the analysis"):  # fmt: skip
        assert title in subheaders
    assert any(md("package index could not be reached") in text for text in texts(at, "markdown"))
    assert any(md("shop.zip") in text for text in texts(at, "markdown"))


@pytest.mark.parametrize("page", ("pages/run.py", "pages/explorer.py"))
def test_pages_showing_one_run_never_read_every_runs_scores(history, alice, open_page, monkeypatch, page):
    def refuse(*_args, **_kwargs):
        raise AssertionError("a one-run page listed every run's summary")

    monkeypatch.setattr(RunRepository, "summaries_for_user", refuse)
    at = open_page(alice, page)
    assert not at.exception
    picker = at.selectbox[0]
    assert picker.value == str(history[-1].run_id) and len(picker.options) == len(history)


def test_github_run_shows_repo_branch_and_sha(history, alice, open_page):
    at = open_page(alice, "pages/run.py", run=str(history[5].run_id))
    assert any(md("https://github.com/acme/shop@main (0123456789)") in text for text in texts(at, "markdown"))
    assert len(at.get("vega_lite_chart")) >= 4
    assert not at.get("plotly_chart"), "no plotly chart: the browser need not load plotly's bundle here"


def test_run_dashboard_without_a_query_param_opens_the_newest_run(history, alice, open_page):
    at = open_page(alice, "pages/run.py")
    assert at.selectbox(key="run_picker").value == str(history[-1].run_id)
    assert at.query_params["run"] == str(history[-1].run_id)


# -- File explorer ----------------------------------------------------------------------------------------
def test_explorer_shows_treemap_table_and_a_files_findings(history, alice, open_page):
    run = history[0]
    at = open_page(alice, "pages/explorer.py", run=str(run.run_id))
    assert not at.exception
    assert at.get("plotly_chart")
    files = at.dataframe[0].value
    assert len(files) == 12
    first_file = run_tree_path_with_duplicate(history[0])
    at.selectbox(key="explorer_file").set_value(first_file).run()
    findings = at.dataframe[1].value
    assert "Duplicate" in set(findings["kind"])
    assert (findings["line"] > 0).all()
    at.text_input(key="explorer_filter").input("models/").run()
    assert all("models/" in path for path in at.dataframe[0].value["path"])


def test_explorer_says_does_not_parse_only_for_the_file_that_does_not(alice, open_page, seed):
    new = make_run(files=3)
    broken, fine = new.file_tree["files"][1]["path"], new.file_tree["files"][2]["path"]
    new.file_tree["files"][1]["parse_error"] = "does not parse: syntax error at line 3 (invalid syntax)"
    run = seed.run(alice, new)
    at = open_page(alice, "pages/explorer.py", run=str(run.run_id))
    at.selectbox(key="explorer_file").set_value(fine).run()
    assert not at.exception and not any("does not parse" in text for text in texts(at, "error"))
    at.selectbox(key="explorer_file").set_value(broken).run()
    sentence = "Not measured: this file does not parse: syntax error at line 3 (invalid syntax)."
    assert texts(at, "error") == [md(sentence)]


def run_tree_path_with_duplicate(run) -> str:
    return make_run(project=run.project_name, seed=0).file_tree["files"][0]["path"]


# -- Human vs AI and Trends ----------------------------------------------------------------------------
def test_human_vs_ai_with_few_runs_shows_intervals_tests_and_a_warning(history, alice, open_page):
    at = open_page(alice, "pages/human_vs_ai.py")
    assert not at.exception
    table = at.dataframe[0].value
    expected = {"median Human [95% CI]", "median AI [95% CI]", "U", "p-value", "p (Holm)", "Cliff's delta"}
    assert expected | {"magnitude", "verdict"} <= set(table.columns)
    assert len(table) == 19 and not table.astype(str).isin(["None", "nan"]).any().any()
    assert any("Not enough data for firm conclusions" in text for text in texts(at, "warning"))
    assert len(at.get("plotly_chart")) == 2 + 10
    at.radio(key="compare_grouping").set_value("author_model").run()
    assert not at.exception
    assert any("Not enough data" in text for text in texts(at, "warning"))


def test_human_vs_ai_with_one_group_says_not_enough_data(seed, alice, open_page):
    seed.run(alice, project="solo")
    at = open_page(alice, "pages/human_vs_ai.py")
    assert not at.exception
    assert any("Not enough data" in text for text in texts(at, "info"))


def test_trends_plots_a_project_and_compares_two_runs(history, alice, open_page):
    at = open_page(alice, "pages/trends.py")
    assert not at.exception
    assert at.selectbox(key="trends_project").value == "shop"
    assert at.selectbox(key="trends_project").options == ["shop", "lib"]  # most analysed first, by the database
    at.selectbox(key="trends_project").set_value("lib").run()
    assert not at.exception and at.get("plotly_chart")
    labels = [metric.label for metric in at.metric]
    assert labels == ["Files added", "Files removed", "Files better", "Files worse"]
    assert len(at.dataframe[0].value) == 10


# -- Owner-only --------------------------------------------------------------------------------------
@pytest.mark.parametrize("page", ("pages/run.py", "pages/explorer.py"))
def test_foreign_run_gets_the_same_refusal_as_a_missing_one(history, bob, seed, open_page, page):
    seed.run(bob, project="bobs")
    foreign = open_page(bob, page, run=str(history[0].run_id))
    missing = open_page(bob, page, run="00000000-0000-4000-8000-000000000000")
    malformed = open_page(bob, page, run="../../etc/passwd")
    for at in (foreign, missing, malformed):
        assert not at.exception
        assert texts(at, "error") == [AccessError.public_message]
        assert not at.metric and not at.get("plotly_chart")


def test_other_users_lists_never_contain_alices_runs(history, alice, bob, seed, open_page):
    own = seed.run(bob, project="bobs", seed=9)
    alices = {str(run.run_id) for run in history}
    at = open_page(bob, "pages/history.py")
    assert list(at.dataframe[0].value["run_id"]) == [str(own.run_id)]
    assert set(at.selectbox(key="history_run").options) & alices == set()
    for page in ("pages/run.py", "pages/explorer.py", "pages/trends.py"):
        at = open_page(bob, page)
        options = {option for box in at.selectbox for option in box.options}
        assert not options & alices
        assert not any(run_id in text for text in texts(at, "markdown") for run_id in alices)


def test_explorer_switching_runs_keeps_working(history, alice, open_page):
    at = open_page(alice, "pages/explorer.py", run=str(history[0].run_id))
    paths = at.dataframe[0].value["path"].tolist()
    at.selectbox(key="explorer_file").set_value(paths[-1]).run()
    at.selectbox(key="explorer_run").set_value(str(history[5].run_id)).run()
    assert not at.exception
    assert at.selectbox(key="explorer_file").value in set(at.dataframe[0].value["path"])
    assert at.query_params["run"] == str(history[5].run_id)
