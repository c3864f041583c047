"""Issue 13's newcomer fixes on the pages: honest changes, no "None", humans never shown as models,
stable group colours, whole-number exports, plain wording; the favicon is drawn locally (tests/browser)."""

from __future__ import annotations

import json
import re

import pandas as pd

from tests.pages.conftest import make_run
from tests.pages.test_pages import texts
from vibe8_core.dashboard import charts, frames, widgets
from vibe8_core.dashboard.compare import group_palette, model_group, prepare_groups
from vibe8_core.jobs.submissions import AI_MODELS, HUMAN_AUTHOR, Authorship, SubmissionError, check_authorship


def test_an_unchanged_score_is_grey_no_change_not_a_green_plus_zero(seed, alice, open_page):
    seed.run(alice, make_run(project="same", seed=3))
    newer = seed.run(alice, make_run(project="same", seed=3))
    at = open_page(alice, "pages/run.py", run=str(newer.run_id))
    assert not at.exception
    cards = [metric.proto for metric in at.metric if metric.proto.label.split(" · ")[0] == "Linting"]
    assert cards and cards[0].delta == "no change"
    assert not any(metric.proto.delta.startswith(("+0.0", "-0.0")) for metric in at.metric)


def test_score_change_text():
    assert widgets.score_change(80.04, 80.0) == ("no change", False)
    assert widgets.score_change(81.0, 80.0) == ("+1.0", True)
    assert widgets.score_change(None, 80.0) == (None, False)


def test_every_table_shows_a_dash_for_a_missing_figure(seed, alice, open_page):
    seed.run(alice, project="solo")
    seed.run(alice, project="lib", author_type="ai", author_model="claude", seed=4)  # Trends compares lib's two
    base = seed.run(alice, project="lib", author_type="ai", author_model="claude", seed=2)
    for page in ("pages/human_vs_ai.py", "pages/trends.py", "pages/history.py", "pages/explorer.py"):
        at = open_page(alice, page, **({"run": str(base.run_id)} if page.endswith("explorer.py") else {}))
        assert not at.exception, page
        assert at.dataframe, page
        assert all(frame.proto.placeholder == widgets.MISSING for frame in at.dataframe), page
    at = open_page(alice, "pages/human_vs_ai.py")
    table = at.dataframe[0].value
    assert table["p-value"].isna().all() and table["p-value"].dtype == "float64"  # NaN, not the object None


def test_score_deltas_are_numbers_even_when_a_score_is_missing_on_both_sides():
    deltas = frames.score_deltas({"lint": 80.0}, {"lint": 80.0})
    assert deltas["change"].dtype == "float64" and deltas["change"].isna().sum() == 9


def test_exported_counts_are_whole_numbers(seed, alice):
    seed.run(alice, make_run(project="p", files=3))
    from vibe8_core.dashboard import loaders

    frame = loaders.runs_for(alice.id)
    csv_row = frames.export_csv(frame).decode().splitlines()[1].split(",")
    header = frames.export_csv(frame).decode().splitlines()[0].split(",")
    assert csv_row[header.index("files")] == "3"
    record = json.loads(frames.export_json(frame))[0]
    assert record["files"] == 3 and isinstance(record["sloc"], int)


def test_developer_is_a_human_author_never_an_ai_model(alice, open_page):
    assert HUMAN_AUTHOR not in AI_MODELS
    at = open_page(alice, "pages/analyze.py")
    at.radio(key="upload_author").set_value("ai").run()
    assert HUMAN_AUTHOR not in at.selectbox(key="upload_model_ai").options
    at.radio(key="upload_author").set_value("human").run()
    assert at.selectbox(key="upload_model_human").options == [HUMAN_AUTHOR]
    for who in (Authorship(author_type="ai", author_model="Developer"), Authorship(author_model="claude")):
        try:
            check_authorship(who, default_project="p")
        except SubmissionError as exc:
            assert "AI model" in str(exc) or "an AI" in str(exc)
        else:
            raise AssertionError(f"{who} was accepted")


def test_grouping_by_model_keeps_humans_and_models_apart():
    assert model_group("human", HUMAN_AUTHOR) == "Human"
    assert model_group("human", "alice") == "alice (human)"
    assert model_group("ai", "claude") == "claude (AI)"
    assert model_group(None, None) == "Unknown"


def test_a_group_keeps_its_colour_across_groupings_and_selections():
    runs = pd.DataFrame(
        {
            "author_type": ["human", "ai", "ai", "human"],
            "author_model": [HUMAN_AUTHOR, "claude", "gpt-4", "alice"],
            "project": ["a", "b", "c", "d"],
            "score_lint": [1.0, 2.0, 3.0, 4.0],
            "sloc": [100, 200, 300, 0],
            "security_high": [0, 1, 2, 0],
        }
    )
    palette = group_palette(runs)
    by_type = prepare_groups(runs, "author_type")
    by_model = prepare_groups(runs, "author_model")
    human_type = charts.group_counts(by_type, "group", palette).data[0]
    human_model = charts.group_counts(by_model, "group", palette).data[0]
    colour_of = lambda bar: dict(zip(bar.x, bar.marker.color, strict=True))  # noqa: E731
    assert colour_of(human_type)["Human"] == colour_of(human_model)["Human"]
    only_claude = charts.group_counts(by_model[by_model["group"] == "claude (AI)"], "group", palette).data[0]
    assert colour_of(only_claude)["claude (AI)"] == colour_of(human_model)["claude (AI)"]
    human_colours = {palette["Human"], palette["alice (human)"]}
    assert human_colours.isdisjoint({palette["AI"], palette["claude (AI)"], palette["gpt-4 (AI)"]})


def test_wording_of_the_run_dashboard(seed, alice, open_page):
    new = make_run(project="quiet")
    new.metrics["lint"]["total"] = 0
    run = seed.run(alice, new)
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    captions = " ".join(texts(at, "caption"))
    assert "among 0 findings" not in captions and "; declared packages." not in captions
    assert "7 imported modules; the health of the packages declared." in captions


def test_not_measured_does_not_repeat_itself():
    said = widgets.not_measured("does not parse: syntax error at line 3 (invalid syntax)")
    assert said == "Not measured: this file does not parse: syntax error at line 3 (invalid syntax)."
    assert widgets.not_measured("too large to analyse (12.0 MB)") == "Not measured: too large to analyse (12.0 MB)."


BRITISH_VERB = re.compile(r"\banalys(e|ed|es|ing)\b", re.IGNORECASE)  # "analyses" the noun is fine in context


def test_every_page_says_analyze_never_analyse(seed, alice, open_page):
    run = seed.run(alice, make_run(project="calc"))
    seed.run(alice, make_run(project="calc", seed=2))
    pages = ("analyze", "history", "run", "explorer", "source", "human_vs_ai", "trends")
    for page in pages:
        at = open_page(alice, f"pages/{page}.py", run=str(run.run_id))
        assert not at.exception, page
        shown = [text for kind in ("title", "subheader", "caption", "info", "success", "warning", "markdown")
                 for text in texts(at, kind)] + [button.label for button in at.button]  # fmt: skip
        said = [text for text in shown if BRITISH_VERB.search(text) and "analyses" not in text.lower()]
        assert not said, (page, said)
