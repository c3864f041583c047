"""The authorship views in a real browser, on a run with git history: the run's AI share, the explorer's
AI colouring, History's AI share column and Human vs AI "inside repositories"."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.engine.history import HistoryRepo
from vibe8_core.analysis import analyze_folder
from vibe8_core.config import DatabaseSettings, EngineSettings
from vibe8_core.store import Database, NewRun

CODE = "def total(items):\n    return sum(items)\n"
AI_CODE = "\n\ndef pick(flag, a, b):\n    return a if flag else b\n"


def _store_run_with_history(tmp_path: Path) -> str:
    """Analyse a repository whose second commit Claude Code co-wrote; store it for the local user."""
    repo = HistoryRepo(tmp_path / "repo")
    repo.write("calc/core.py", CODE)
    repo.commit("start")
    repo.append("calc/core.py", AI_CODE)
    sha = repo.commit("pick\n\nCo-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>")
    settings = EngineSettings(workers=1, cache_max_mb=0, package_index_url="http://127.0.0.1:9/pypi")
    result = analyze_folder(repo.path, settings=settings)
    db = Database(DatabaseSettings(url=f"sqlite:///{tmp_path / 'vibe8.sqlite3'}"))
    try:
        with db.unit_of_work() as uow:
            user = uow.users.get_or_create_by_email("local@localhost")
            run = uow.runs.create(
                user.id,
                NewRun("github", result.metrics, result.file_tree, result.errors, project_name="calc",
                       author_type="human", author_model="developer", git_repo_url="https://github.com/acme/calc",
                       git_branch="main", git_commit_sha=sha),
            )  # fmt: skip
            uow.commit()
    finally:
        db.dispose()
    return str(run.run_id)


@pytest.mark.browser
def test_authorship_views_on_a_run_with_history(app_url, browser_page, tmp_path):
    run_id = _store_run_with_history(tmp_path)
    page = browser_page
    shot = lambda name: page.screenshot(path=str(ARTIFACTS / f"authorship_{name}.png"))  # noqa: E731

    page.set_default_timeout(90_000)  # a fresh session per page on a busy machine
    page.goto(f"{app_url}/run?run={run_id}")
    page.get_by_role("heading", name="Who wrote the code").wait_for()
    page.get_by_text("AI-written share").first.wait_for()
    page.get_by_text("66.7%").first.wait_for()  # 4 of the file's 6 lines
    page.get_by_text("Attribution counts only what AI tools declared").first.wait_for()
    shot("1_run")

    page.get_by_role("link", name="Explore the files").click()
    page.get_by_role("heading", name="File explorer").wait_for()
    page.get_by_text("Colour the map by").wait_for()
    page.get_by_text("AI-written share", exact=True).click()
    page.get_by_text("the more orange, the more of it AI tools wrote").wait_for()
    page.get_by_text("AI tools wrote 4 of this file's lines by claude-code").wait_for()
    shot("2_explorer")

    page.get_by_role("link", name="History").click()
    page.get_by_role("heading", name="History").wait_for()
    page.get_by_test_id("stDataFrame").first.locator('[role="columnheader"]', has_text="AI share %").first.wait_for(
        state="attached"
    )
    shot("3_history")

    page.get_by_role("link", name="Human vs AI").click()
    page.get_by_role("heading", name="Human vs AI").wait_for()
    page.get_by_text("Inside repositories (from git history)", exact=True).click()
    page.get_by_role("heading", name="All repositories together").wait_for()
    page.get_by_role("heading", name="Each repository against itself").wait_for()
    shot("4_inside_repositories")
