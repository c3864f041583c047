"""The pages on runs with git history: the run's AI share, the explorer's AI colouring, filter and
per-function detail, History's AI share column and Human vs AI "inside repositories". The runs are
real analyses of repositories built in the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.engine.history import HistoryRepo
from vibe8_core.analysis import analyze_folder
from vibe8_core.config import EngineSettings
from vibe8_core.dashboard.authorship import DECLARED_ONLY, NO_HISTORY
from vibe8_core.dashboard.authorship_views import INSIDE_VIEW
from vibe8_core.dashboard.frames import export_csv
from vibe8_core.store import NewRun

from .test_pages import texts

CLAUDE = "\n\nCo-Authored-By: Claude Sonnet 4.5 <noreply@anthropic.com>"
HUMAN_CODE = "\n".join(["import os", "", "", "def total(items):", "    result = 0", "    for item in items:",
                       "        result += item", "    return result", ""])  # fmt: skip
AI_CODE = "\n\ndef pick(flag, a, b):\n    import sys\n    if flag:\n        return a\n    return b\n"


def _repository(root: Path, index: int) -> NewRun:
    repo = HistoryRepo(root / f"repo{index}")
    repo.write("core/sums.py", HUMAN_CODE)
    repo.write("core/plain.py", "VALUE = 1\n" * (index + 1))
    repo.commit("start")
    repo.append("core/sums.py", AI_CODE * (index + 1))
    sha = repo.commit("add pick" + CLAUDE)
    settings = EngineSettings(workers=1, cache_max_mb=0, package_index_url="http://127.0.0.1:9/pypi")
    result = analyze_folder(repo.path, settings=settings)
    return NewRun(
        "github", result.metrics, result.file_tree, result.errors, project_name=f"repo{index}", author_type="human",
        author_model="developer", git_repo_url=f"https://github.com/acme/repo{index}", git_branch="main",
        git_commit_sha=sha,
    )  # fmt: skip


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> list[NewRun]:
    root = tmp_path_factory.mktemp("repositories")
    return [_repository(root, index) for index in range(3)]


@pytest.fixture
def stored(analysed, seed, alice):
    return [seed.run(alice, new) for new in analysed]


def test_the_run_dashboard_shows_the_ai_share_tools_models_and_the_split(stored, alice, open_page):
    run = stored[0]
    share = run.metrics["authorship"]["ai_share_pct"]
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    assert not at.exception
    assert "Who wrote the code" in texts(at, "subheader")
    cards = {metric.label: metric.value for metric in at.metric}
    assert cards["AI-written share"] == f"{share:.1f}%" and share > 0
    tables = [frame.value for frame in at.dataframe]
    tools = next(
        table for table in tables if "share of AI lines %" in table.columns and "claude-code" in set(table["name"])
    )
    assert tools["share of AI lines %"].tolist() == [100.0]
    assert any("Claude Sonnet 4.5" in set(table.get("name", [])) for table in tables)
    split = next(table for table in tables if "AI-written" in table.columns and "measure" in table.columns)
    assert split.set_index("measure").loc["Lint findings per 1,000 lines", "AI-written"] > 0
    assert any(DECLARED_ONLY in text for text in texts(at, "caption"))


def test_a_run_without_history_says_so(seed, alice, open_page):
    run = seed.run(alice, project="upload-only")
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    assert not at.exception and NO_HISTORY in texts(at, "info")


def test_the_explorer_colours_and_filters_by_ai_share_and_shows_ai_functions(stored, alice, open_page):
    at = open_page(alice, "pages/explorer.py", run=str(stored[1].run_id))
    assert not at.exception
    at.session_state["explorer_colour"] = "ai_share"
    at.run()
    assert not at.exception and at.get("plotly_chart")
    files = at.dataframe[0].value.set_index("path")
    assert files.loc["core/plain.py", "ai_share"] == 0.0 and files.loc["core/sums.py", "ai_share"] > 50
    at.slider(key="explorer_ai_share").set_value((50, 100)).run()
    assert at.dataframe[0].value["path"].tolist() == ["core/sums.py"]
    at.selectbox(key="explorer_file").set_value("core/sums.py").run()
    functions = at.dataframe[1].value.set_index("name")
    assert functions.loc["total", "ai_lines"] == 0 and set(functions.loc["pick", "AI-written %"]) == {
        100.0
    }  # pick twice
    findings = at.dataframe[2].value
    unused = findings[findings["code"] == "F401"].set_index("line")["AI-written"]
    assert unused[1] == "no" and unused[12] == "yes"


def test_history_and_its_export_have_the_ai_share(stored, alice, open_page):
    at = open_page(alice, "pages/history.py")
    assert not at.exception
    table = at.dataframe[0].value
    assert sorted(table["ai_share_pct"].round(2)) == sorted(run.metrics["authorship"]["ai_share_pct"] for run in stored)
    header = export_csv(table).decode().splitlines()[0].split(",")
    assert "ai_share_pct" in header  # the page exports the same rows it shows


def test_human_vs_ai_inside_repositories(stored, alice, open_page):
    at = open_page(alice, "pages/human_vs_ai.py")
    at.session_state["compare_view"] = INSIDE_VIEW
    at.run()
    assert not at.exception
    for title in ("All repositories together", "Is the difference real?", "Each repository against itself"):
        assert title in texts(at, "subheader")
    pooled = at.dataframe[0].value.set_index("measure")
    assert pooled.loc["Lint findings per 1,000 lines", "AI-written"] > 0
    unpaired = at.dataframe[1].value.set_index("metric")
    assert unpaired.loc["Lint findings per 1,000 lines", ["n AI-written", "n human-written"]].tolist() == [3, 3]
    assert unpaired.loc["Lint findings per 1,000 lines", "p (Holm)"] is not None
    paired = at.dataframe[2].value.set_index("metric")
    assert set(paired["matched projects"]) <= {3}
    pairs = at.dataframe[3].value
    assert sorted(pairs["repository"]) == ["repo0", "repo1", "repo2"]
    assert at.get("plotly_chart")


def test_the_source_view_marks_the_lines_ai_tools_wrote(stored, alice, open_page, page_env):
    run, text = stored[0], HUMAN_CODE + AI_CODE  # core/sums.py of repo0, as _repository wrote it
    with page_env.unit_of_work() as uow:
        uow.sources.add(run.run_id, {"core/sums.py": text})
        uow.commit()
    at = open_page(alice, "pages/source.py", run=str(run.run_id), file="core/sums.py")
    assert not at.exception
    body = at.get("html")[0].proto.body
    marked = {number for number, line in enumerate(text.splitlines(), 1)
              if f'<td class="n">{number}</td><td class="ai" title="written by AI">AI</td>' in body}  # fmt: skip
    lines = text.splitlines()
    assert any("def pick" in lines[number - 1] for number in marked)
    assert not any(line in lines[number - 1] for number in marked for line in ("def total", "result = 0"))
    assert any("lines marked AI" in caption for caption in texts(at, "caption"))
