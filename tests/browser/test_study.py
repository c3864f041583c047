"""A study end to end in a real browser: upload a manifest of 20 archives and repositories labelled
human/AI with models, watch the batch finish, open the comparison with confidence intervals and effect
sizes, and download the HTML report and the per-function Parquet. GitHub rows are served from local
bare repositories through the test-only insteadOf rewrite."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from tests.browser.conftest import ARTIFACTS, running_app
from tests.sources.builders import Remotes

BATCH_WAIT_MS = 20 * 60_000  # 20 analyses by the app's own two worker threads; generous for a loaded machine
PROJECTS = 9
FIRST_PAGE_MS = 180_000  # a fresh server's first page imports everything


def archive(project: int, ai: bool) -> bytes:
    """A small package; the AI variant of each project carries an unused import and a bare except."""
    body = f'"""Project {project}."""\n\n\ndef total(values):\n    """Sum."""\n    return sum(values) + {project}\n'
    if ai:
        body = (
            "import os\n" + body + "\n\ndef guess(x):\n    try:\n        return int(x)\n    except:\n        return 0\n"
        )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        bundle.writestr(f"p{project}/__init__.py", "")
        bundle.writestr(f"p{project}/core.py", body)
    return buffer.getvalue()


def manifest() -> tuple[bytes, list[dict]]:
    rows = ["source,branch,project,author_type,author_model,study"]
    files = []
    for project in range(PROJECTS):
        for ai in (False, True):
            name = f"task{project}-{'ai' if ai else 'human'}.zip"
            files.append({"name": name, "mimeType": "application/zip", "buffer": archive(project, ai)})
            rows.append(f"{name},,task{project},{'ai' if ai else 'human'},{'claude' if ai else 'developer'},bench")
    rows.append("https://github.com/octo/demo,main,demo,human,developer,bench")
    rows.append("https://github.com/octo/demo,feature,demo,ai,copilot,bench")
    return ("\n".join(rows) + "\n").encode(), files


@pytest.fixture
def study_app(tmp_path: Path, remotes: Remotes) -> Iterator[str]:
    extra = {
        "VIBE8_GIT_EXTRA_CONFIG": f"url.file://{remotes.root}/.insteadOf=https://github.com/",
        "VIBE8_WORKER_THREADS": "2",
    }
    with running_app(tmp_path, extra) as base:
        yield base


@pytest.mark.browser
def test_a_study_from_manifest_to_report_and_parquet(study_app, browser_page, tmp_path):
    page = browser_page
    shot = lambda name: page.screenshot(path=str(ARTIFACTS / f"study_{name}.png"))  # noqa: E731
    data, archives = manifest()

    page.goto(study_app)
    page.get_by_role("heading", name="Analyze code").wait_for(timeout=FIRST_PAGE_MS)
    page.get_by_role("tab", name="Batch (manifest)").click()
    uploads = page.locator('[data-testid="stFileUploader"] input[type="file"]')
    uploads.nth(1).set_input_files({"name": "study.csv", "mimeType": "text/csv", "buffer": data})
    uploads.nth(2).set_input_files(archives)
    # Drawn by the first run of the page that sees every archive uploaded: a click before it would submit
    # the manifest with some archives still on their way (those rows refused as missing).
    page.get_by_text("18 of 18 files it names are uploaded.").wait_for(timeout=FIRST_PAGE_MS)
    page.get_by_role("button", name="Submit batch").click()
    page.get_by_text("20 row(s) accepted, 0 refused.").wait_for(timeout=FIRST_PAGE_MS)  # 18 archives + 2 ls-remote
    shot("1_submitted")
    page.get_by_text("Study bench: 20 done, 0 failed, 0 waiting, finished").wait_for(timeout=BATCH_WAIT_MS)
    shot("2_finished")

    page.get_by_role("link", name="Human vs AI").click()
    page.get_by_role("heading", name="Is the difference real?").wait_for(timeout=FIRST_PAGE_MS)
    page.get_by_text("Matched projects").first.wait_for()
    grid = page.get_by_test_id("stDataFrame").first
    grid.locator('[role="columnheader"]', has_text="median Human [95% CI]").first.wait_for(state="attached")
    grid.locator('[role="columnheader"]', has_text="Cliff's delta").first.wait_for(state="attached")
    assert page.get_by_text("Not enough data for firm conclusions").count() == 0  # 10 runs per group
    shot("3_compare")

    with page.expect_download(timeout=FIRST_PAGE_MS) as report:
        page.get_by_role("button", name="Report (HTML)").click()
    assert report.value.suggested_filename == "vibe8-report.html"
    html = Path(report.value.path()).read_text()
    assert "Wilcoxon" in html and "<h2>Manifest</h2>" in html and "ruff=" in html and "task8" in html

    page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("Research table")).click()
    page.get_by_role("option", name="one row per function").click()
    parquet = page.get_by_role("button", name="PARQUET · functions")  # drawn by the rerun that prepared it
    parquet.wait_for(timeout=FIRST_PAGE_MS)
    with page.expect_download(timeout=FIRST_PAGE_MS) as table:
        parquet.click()
    assert table.value.suggested_filename == "vibe8-comparison-functions.parquet"
    functions = pd.read_parquet(table.value.path())
    assert set(functions["study"]) == {"bench"} and functions["run_id"].nunique() == 2 * PROJECTS
    assert {"guess", "total"} <= set(functions["name"]) and functions["complexity"].notna().all()
