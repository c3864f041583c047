"""Issue 13's rough edges and missing actions, through the pages: job list, explorer, history,
trends, analyze form, source view, cancel, re-analyse, relabel, delete several, chart drill-down."""

from __future__ import annotations

import io
import json
import uuid
import zipfile

import pytest

from tests.pages.conftest import make_run
from tests.pages.test_pages import small_zip, texts
from vibe8_core.dashboard import drilldown, frames, run_charts
from vibe8_core.dashboard.escape import md
from vibe8_core.dashboard.history_view import confirmation
from vibe8_core.dashboard.trees import tree_frames
from vibe8_core.jobs.control import delete_runs, relabel_run
from vibe8_core.jobs.submissions import Authorship, SubmissionError
from vibe8_core.store import AccessError


def _running_job(db, user, project="big"):
    with db.unit_of_work() as uow:
        job_id = uow.jobs.create_pending(user.id, "upload", {"upload_filename": "a.zip", "project_name": project})
        uow.jobs.claim_next("worker")
        uow.jobs.heartbeat(job_id, "worker", {"step": "per-file metrics", "files_done": 9, "files_total": 10})
        uow.commit()
    return job_id


# -- Analyze: the job list and the form ---------------------------------------------------------------
def test_a_running_job_stays_running_and_its_bar_says_what_it_shows(alice, open_page, page_env):
    _running_job(page_env, alice)
    at = open_page(alice, "pages/analyze.py")
    for _ in range(2):  # the same on every refresh
        [status] = at.status
        assert status.icon == "spinner", "not a tick between two refreshes"
        [bar] = at.get("progress")
        assert f"{bar.proto.value}% overall" in bar.proto.text and "9 / 10 files" in bar.proto.text
        at.run()


def test_queued_and_running_jobs_can_be_cancelled(alice, open_page, page_env, seed):
    running = _running_job(page_env, alice, "first")
    with page_env.unit_of_work() as uow:
        queued = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": "b.zip", "project_name": "second"})
        uow.commit()
    at = open_page(alice, "pages/analyze.py")
    at.button(key=f"cancel_{queued}").click().run()
    assert not at.exception
    assert [job.job_id for job in seed.jobs(alice)] == [running]
    at.button(key=f"cancel_{running}").click().run()
    assert seed.jobs(alice) == []
    with page_env.unit_of_work() as uow:  # the worker that held it can no longer write anything
        assert not uow.jobs.heartbeat(running, "worker", {"step": "lint"})


def test_the_form_is_empty_after_a_submit(alice, open_page, seed):
    at = open_page(alice, "pages/analyze.py")
    at.file_uploader(key="upload_file").set_value(("demo.zip", small_zip(), "application/zip"))
    at.text_input(key="upload_project").input("Calculator")
    at.button(key="submit_upload").click().run()
    assert len(seed.jobs(alice)) == 1
    assert at.text_input(key="upload_project_1").value == ""  # fresh widgets: the browser cannot refill them
    assert [uploader.key for uploader in at.get("file_uploader") if uploader.key.startswith("upload")] == [
        "upload_file_1"
    ]
    at.button(key="submit_upload").click().run()
    assert any("Choose a file" in text for text in texts(at, "error"))
    assert len(seed.jobs(alice)) == 1, "a second click queues nothing"


def test_a_github_submit_keeps_the_github_tab_open(alice, open_page, seed):
    at = open_page(alice, "pages/analyze.py")
    assert [tab.label for tab in at.tabs] == ["Upload", "GitHub", "Batch (manifest)"]
    at.session_state["analyze_tab"] = "GitHub"  # what a click on the tab sets (the tabs are keyed)
    at.run()
    at.text_input(key="github_url").input("https://github.com/pallets/click").run()
    at.button(key="submit_github").click().run()
    assert len(seed.jobs(alice)) == 1 and any("Queued" in text for text in texts(at, "success"))
    assert at.session_state["analyze_tab"] == "GitHub", "the page stays on the tab the user submitted from"
    assert at.text_input(key="github_url_1").value == "", "and its form is empty"


def test_an_archive_without_python_is_refused_before_it_is_queued(alice, open_page, seed):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("docs/readme.md", "# nothing to analyse\n")
    at = open_page(alice, "pages/analyze.py")
    at.file_uploader(key="upload_file").set_value(("docs.zip", buffer.getvalue(), "application/zip"))
    at.button(key="submit_upload").click().run()
    assert not at.exception
    assert texts(at, "error") == ["The archive contains no Python (.py) file."]
    assert seed.jobs(alice) == []


# -- Explorer and the source view ---------------------------------------------------------------------
@pytest.fixture
def one_run(seed, alice):
    return seed.run(alice, make_run(project="shop", files=6, seed=4))


def test_a_filter_that_matches_nothing_shows_no_file(one_run, alice, open_page):
    at = open_page(alice, "pages/explorer.py", run=str(one_run.run_id))
    at.text_input(key="explorer_filter").input("no-such-path").run()
    assert not at.exception
    assert any("No file matches" in text for text in texts(at, "info"))
    assert not any(header.value == "Findings in one file" for header in at.subheader)


def test_findings_filter_by_collector_rule_and_severity(one_run, alice, open_page):
    at = open_page(alice, "pages/explorer.py", run=str(one_run.run_id))
    path = at.dataframe[0].value["path"].iloc[0]
    at = open_page(alice, "pages/explorer.py", run=str(one_run.run_id), file=path)
    kinds = at.multiselect(key="explorer_kinds")
    assert kinds.options, "the file has findings"
    at.multiselect(key="explorer_kinds").set_value([kinds.options[0]]).run()
    assert not at.exception
    shown = at.dataframe[-1].value
    assert set(shown["kind"]) == {kinds.options[0]}
    assert set(at.multiselect(key="explorer_codes").options) == set(shown["code"].astype(str))


def test_the_findings_table_gives_the_code_column_room_for_the_longest_rule_names(one_run, alice, open_page):
    """Point 8: the Code column was cut off ("unused-fun…"): it is drawn at medium width or wider."""
    at = open_page(alice, "pages/explorer.py", run=str(one_run.run_id))
    path = at.dataframe[0].value["path"].iloc[0]
    at = open_page(alice, "pages/explorer.py", run=str(one_run.run_id), file=path)
    columns = json.loads(at.dataframe[-1].proto.columns)
    assert columns["code"]["label"] == "Code" and columns["code"].get("width") in ("medium", "large")


def test_the_source_view_shows_each_finding_inline_and_escapes_the_file(one_run, alice, open_page, page_env):
    tree = tree_frames(make_run(project="shop", files=6, seed=4).file_tree)
    path = tree.findings["path"].iloc[0]
    source = "\n".join(f"x{n} = '<script>alert({n})</script>'" for n in range(1, 500))
    with page_env.unit_of_work() as uow:
        uow.sources.add(one_run.run_id, {path: source})
        uow.commit()
    at = open_page(alice, "pages/source.py", run=str(one_run.run_id), file=path, line="7")
    assert not at.exception
    [page] = at.get("html")
    body = page.proto.body
    assert "<script>" not in body and "&lt;script&gt;" in body
    for code in tree.findings[tree.findings["path"] == path]["code"]:
        assert f"<b>{code}</b>" in body
    assert 'id="L7" style="background' in body  # the line that was clicked is outlined


def test_the_source_view_says_when_a_file_was_not_kept(one_run, alice, open_page):
    at = open_page(alice, "pages/source.py", run=str(one_run.run_id))
    assert not at.exception
    assert any("not kept" in text for text in texts(at, "info"))


# -- History --------------------------------------------------------------------------------------------
@pytest.fixture
def mixed(seed, alice):
    seed.run(alice, make_run(project="human-app", author_type="human", author_model="developer", seed=1))
    seed.run(alice, make_run(project="bot-app", author_type="ai", author_model="claude", seed=2))
    return seed.run(alice, make_run(project="bot-lib", author_type="ai", author_model="gpt-4", seed=3))


def test_history_filters_narrow_each_other(mixed, alice, open_page):
    at = open_page(alice, "pages/history.py")
    at.selectbox(key="history_author").set_value("ai").run()
    assert at.multiselect(key="history_projects").options == ["bot-app", "bot-lib"]
    assert at.multiselect(key="history_models").options == ["claude", "gpt-4"]
    at.multiselect(key="history_projects").set_value(["bot-lib"]).run()
    assert at.multiselect(key="history_models").options == ["gpt-4"]
    at.selectbox(key="history_author").set_value("human").run()
    assert not at.exception and at.multiselect(key="history_projects").value == []


def test_the_delete_confirmation_names_the_run(mixed, alice, open_page):
    at = open_page(alice, "pages/history.py")
    sentence = " ".join(texts(at, "markdown"))
    assert f"Delete this run and its file tree for good? {md('bot-lib')} · " in sentence  # names shown literally
    runs = frames.runs_by_id(frames.headers_frame([]))
    assert runs == {} and confirmation(["a", "b"]).startswith("Delete these 2 runs")


def test_several_runs_are_deleted_at_once_and_never_someone_elses(mixed, alice, bob, seed, page_env):
    mine = [uuid.UUID(run_id) for run_id in seed.run_ids(alice)]
    bobs = seed.run(bob, project="bobs")
    with pytest.raises(AccessError):
        delete_runs(page_env, alice.id, [mine[0], bobs.run_id])
    assert len(seed.run_ids(alice)) == 3 and seed.run_ids(bob) == {str(bobs.run_id)}
    assert delete_runs(page_env, alice.id, mine[:2]) == 2
    assert len(seed.run_ids(alice)) == 1


@pytest.mark.parametrize("page", ("pages/run.py", "pages/explorer.py"))
def test_a_bad_run_id_offers_a_picker_of_ones_own_runs(mixed, alice, open_page, page):
    at = open_page(alice, page, run="not-a-run")
    assert not at.exception and texts(at, "error") == [AccessError.public_message]
    picker = at.selectbox(key=next(box.key for box in at.selectbox if box.key.endswith("_instead")))
    assert len(picker.options) == 3 and picker.options[0].startswith("bot-lib · ")  # alice's, newest first
    picker.select_index(0).run()
    assert not at.exception and not at.error
    assert at.query_params["run"] == str(mixed.run_id)


# -- Run dashboard: relabel, re-analyse, chart drill-down -------------------------------------------------
def test_relabel_changes_the_history_and_refuses_a_human_as_a_model(mixed, alice, open_page, page_env):
    relabel_run(page_env, alice.id, mixed.run_id, Authorship("renamed", "human", "alice"))
    at = open_page(alice, "pages/history.py")
    assert "renamed" in set(at.dataframe[0].value["project"])
    with pytest.raises(SubmissionError):
        relabel_run(page_env, alice.id, mixed.run_id, Authorship("renamed", "ai", "developer"))


def test_the_run_page_relabels_in_place(mixed, alice, open_page):
    at = open_page(alice, "pages/run.py", run=str(mixed.run_id))
    at.text_input(key=next(t.key for t in at.text_input if t.label == "Project name")).input("bot-lib-2")
    at.button[[b.label for b in at.button].index("Save")].click().run()
    assert not at.exception
    assert f"### {md('bot-lib-2')}" in texts(at, "markdown")


def test_reanalysing_an_upload_queues_its_kept_files_with_its_labels(one_run, alice, open_page, page_env, seed):
    with page_env.unit_of_work() as uow:
        uow.sources.add(one_run.run_id, {"app/mod.py": "x = 1\n", "requirements.txt": "requests==2.0\n"})
        uow.commit()
    at = open_page(alice, "pages/run.py", run=str(one_run.run_id))
    at.button(key="run_reanalyse").click().run()
    assert not at.exception
    [job] = seed.jobs(alice)
    assert (job.project_name, job.status) == ("shop", "pending")


def test_reanalysing_a_run_whose_files_were_not_kept_says_so(one_run, alice, open_page, seed):
    at = open_page(alice, "pages/run.py", run=str(one_run.run_id))
    at.button(key="run_reanalyse").click().run()
    assert any("were not kept" in text for text in texts(at, "error"))
    assert seed.jobs(alice) == []


def test_a_clicked_bar_lists_the_files_behind_it():
    tree = tree_frames(make_run(files=12, seed=5).file_tree)
    rule = tree.findings[tree.findings["collector"] == "lint"]["code"].iloc[0]
    behind = drilldown.files_with_rule(tree, "lint", rule)
    expected = tree.findings[(tree.findings["collector"] == "lint") & (tree.findings["code"] == rule)]
    assert set(behind["file"]) == set(expected["path"]) and behind["findings"].sum() == len(expected)
    ranks = drilldown.functions_of_rank(tree, "A")
    assert set(ranks["file"]) == set(tree.blocks[tree.blocks["rank"] == "A"]["path"])
    spec = run_charts.cc_rank_distribution(tree.blocks).to_dict()
    assert [param["name"] for param in spec["params"]] == [run_charts.CLICK]  # each bar can be clicked
    assert run_charts.clicked_value({run_charts.CLICK: [{"rank": "B"}]}, "rank") == "B"
    assert run_charts.clicked_value({run_charts.CLICK: []}, "rank") is None


# -- Trends -----------------------------------------------------------------------------------------------
def test_trends_after_a_demo_of_one_run_per_project(mixed, alice, open_page):
    at = open_page(alice, "pages/trends.py")
    assert not at.exception
    assert any("Every project has one run so far" in text for text in texts(at, "info"))
    assert not at.get("plotly_chart"), "two unrelated projects are not compared unasked"


def test_trends_defaults_to_one_project_and_says_when_no_score_is_chosen(mixed, seed, alice, open_page):
    seed.run(alice, make_run(project="bot-app", author_type="ai", author_model="claude", seed=7))
    at = open_page(alice, "pages/trends.py")
    assert at.selectbox(key="trends_project").options == ["bot-app"]
    before, after = at.selectbox(key="trends_before").value, at.selectbox(key="trends_after").value
    runs = frames.runs_by_id(__import__("vibe8_core.dashboard.loaders", fromlist=["x"]).runs_for(alice.id))
    assert runs[before].startswith("bot-app") and runs[after].startswith("bot-app")
    at.multiselect(key="trends_scores").set_value([]).run()
    assert any("Choose at least one score" in text for text in texts(at, "info"))
