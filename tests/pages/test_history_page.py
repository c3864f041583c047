"""The History page asks the database for one page: filters, sort order and page number are its inputs."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from tests.pages.conftest import make_run
from vibe8_core.dashboard import frames, loaders
from vibe8_core.run_summary import summarize_run
from vibe8_core.store import RunFilter, RunSort
from vibe8_core.store.runs import RunRepository

PROJECTS = ("shop", "lib", "50%_off", "api")


@pytest.fixture
def many(seed, alice, bob):
    """60 runs of alice's over four projects (one with LIKE wildcards in its name), human and AI; one of bob's."""
    runs = []
    for index in range(60):
        model = ("developer", "claude", "gpt-4")[index % 3]
        new = make_run(PROJECTS[index % 4], "ai" if index % 3 else "human", model, files=2, seed=index)
        runs.append(seed.run(alice, new))
    seed.run(bob, make_run("shop", files=2))
    return runs


@pytest.fixture
def listings(monkeypatch):
    """Every call the pages make for history rows, with its limit and offset."""
    calls: list[dict] = []
    original = RunRepository.summaries_for_user

    def spy(self, user_id, filters=None, sort=None, *, limit=None, offset=0):
        calls.append({"filters": filters, "sort": sort, "limit": limit, "offset": offset})
        return original(self, user_id, filters, sort, limit=limit, offset=offset)

    monkeypatch.setattr(RunRepository, "summaries_for_user", spy)
    return calls


def _rows(at) -> pd.DataFrame:
    return at.dataframe[0].value


def test_the_first_visit_reads_one_page_newest_first(many, alice, open_page, listings):
    at = open_page(alice, "pages/history.py")
    assert not at.exception
    assert list(_rows(at)["run_id"]) == [str(run.run_id) for run in reversed(many)][:50]
    assert [(call["limit"], call["offset"]) for call in listings] == [(50, 0)], "never the whole history"
    assert any("60 of 60 runs match · rows 1–50" in caption.value for caption in at.caption)


def test_the_page_number_the_sort_and_the_page_size_are_served_by_the_database(many, alice, open_page, listings):
    at = open_page(alice, "pages/history.py")
    at.number_input(key="history_page").set_value(2).run()
    assert list(_rows(at)["run_id"]) == [str(run.run_id) for run in reversed(many)][50:]
    at.selectbox(key="history_sort").set_value("overall").run()
    at.segmented_control(key="history_order").set_value("ascending").run()
    overall = _rows(at)["overall"].tolist()
    assert overall == sorted(overall) and len(overall) == 50
    assert at.number_input(key="history_page").value == 1, "a new question starts at page 1"
    at.selectbox(key="history_page_size").set_value(25).run()
    at.number_input(key="history_page").set_value(3).run()
    everything = sorted(_history_overall(many))
    assert _rows(at)["overall"].tolist() == everything[50:]
    assert listings[-1]["limit"] == 25 and listings[-1]["offset"] == 50
    assert all(call["limit"] is not None for call in listings)


def _history_overall(runs) -> list[float]:
    return [summarize_run(run.metrics, run.errors).overall for run in runs]


def test_filters_narrow_each_other_and_hostile_search_text_is_literal(many, alice, open_page, listings):
    at = open_page(alice, "pages/history.py")
    at.multiselect(key="history_projects").set_value(["shop", "50%_off"]).run()
    assert set(_rows(at)["project"]) == {"shop", "50%_off"} and len(_rows(at)) == 30
    at.selectbox(key="history_author").set_value("ai").run()
    assert len(_rows(at)) == 20 and set(_rows(at)["author_type"]) == {"ai"}
    at.multiselect(key="history_models").set_value(["claude"]).run()
    assert len(_rows(at)) == 10 and set(_rows(at)["author_model"]) == {"claude"}
    at.text_input(key="history_search").set_value("%").run()
    assert set(_rows(at)["project"]) == {"50%_off"} and len(_rows(at)) == 5
    at.text_input(key="history_search").set_value("'; DROP TABLE analysis_runs; --").run()
    assert not at.exception and any("None of your 60 runs" in info.value for info in at.info)
    assert listings[-1]["filters"].projects == ("shop", "50%_off")
    at.text_input(key="history_search").set_value("").run()
    assert len(_rows(at)) == 10, "nothing was dropped"


def test_the_export_holds_every_matching_run_in_the_chosen_order(many, alice, open_page):
    at = open_page(alice, "pages/history.py")
    at.selectbox(key="history_author").set_value("human").run()
    at.selectbox(key="history_page_size").set_value(25).run()
    at.selectbox(key="history_sort").set_value("project").run()
    buttons = {button.proto.label: button for button in at.get("download_button")}
    assert {"Export CSV", "Export JSON"} <= set(buttons)  # AppTest has no runtime to run their callables:
    everything = loaders.runs_for(alice.id, RunFilter(author_type="human"), RunSort("project"))  # what they call
    exported = pd.read_csv(io.BytesIO(frames.export_csv(everything)))
    assert len(exported) == 20 and set(exported["author_type"]) == {"human"}
    assert exported["project"].tolist() == sorted(exported["project"], key=str.lower, reverse=True)


def test_run_pickers_offer_the_newest_runs_and_say_where_the_others_are(many, alice, open_page, monkeypatch):
    monkeypatch.setattr(loaders, "PICKER_RUNS", 7)
    for page, key in (("pages/run.py", "run_picker"), ("pages/explorer.py", "explorer_run")):
        at = open_page(alice, page)
        assert not at.exception
        picker = at.selectbox(key=key)
        assert len(picker.options) == 7 and picker.value == str(many[-1].run_id)
        assert any("newest 7 of 60 runs" in caption.value for caption in at.caption)
    older = many[0]  # not among the seven: opened by its link, as History's "open" column does
    at = open_page(alice, "pages/run.py", run=str(older.run_id))
    assert not at.exception and not at.error, [error.value for error in at.error]
    assert any(older.project_name in heading.value for heading in at.markdown)
