"""One end-to-end walk in a real browser: upload a zip, watch it run, open the run, explore a file's
findings, then open Human vs AI. Screenshots land in artifacts/ (git-ignored)."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.browser.conftest import ARTIFACTS, when_idle

BAD_MODULE = """import os
import subprocess


def run(command, retries=3):
    if retries > 2:
        if command:
            if command.startswith("x"):
                return eval(command)
    subprocess.call(command, shell=True)
    assert command
    return None
"""
GOOD_MODULE = '''"""Arithmetic."""


def add(a: int, b: int) -> int:
    """The sum of a and b."""
    return a + b
'''
JOB_WAIT_MS = 90_000


def project_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("calc/__init__.py", "")
        archive.writestr("calc/bad.py", BAD_MODULE)
        archive.writestr("calc/good.py", GOOD_MODULE)
    return buffer.getvalue()


@pytest.mark.browser
def test_upload_progress_run_explorer_and_human_vs_ai(app_url, browser_page):
    page = browser_page
    shot = lambda name: page.screenshot(path=str(ARTIFACTS / f"e2e_{name}.png"))  # noqa: E731

    page.goto(app_url)
    page.get_by_role("heading", name="Analyze code").wait_for()
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        {"name": "calc.zip", "mimeType": "application/zip", "buffer": project_zip()}
    )
    page.get_by_text("calc.zip").first.wait_for()
    page.get_by_label("Project name").first.fill("calculator")
    page.get_by_label("Project name").first.press("Tab")
    when_idle(page)
    page.get_by_role("button", name="Analyze upload").click()
    page.get_by_text("Queued. Progress is shown below").wait_for()
    shot("1_queued")

    page.get_by_text("Finished").first.wait_for(timeout=JOB_WAIT_MS)
    shot("2_finished")
    page.get_by_role("link", name="Open calculator").click()
    page.get_by_role("heading", name="Run dashboard").wait_for()
    page.get_by_role("heading", name="calculator").wait_for()
    page.get_by_role("heading", name="Security").wait_for()
    page.get_by_text("Linting ·").first.wait_for()
    shot("3_run")

    page.get_by_role("link", name="Explore the files").click()
    page.get_by_role("heading", name="File explorer").wait_for()
    page.get_by_role("heading", name="Findings in one file").wait_for()
    file_box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("File", exact=True))
    file_box.click()
    page.get_by_role("option", name="calc/bad.py").click()
    findings = page.get_by_test_id("stDataFrame").last  # cells live in the grid's hidden a11y table
    findings.locator('[role="gridcell"]', has_text="eval(command)").first.wait_for(state="attached")
    findings.locator('[role="gridcell"]', has_text="Security").first.wait_for(state="attached")
    shot("4_explorer")

    page.get_by_role("link", name="Human vs AI").click()
    page.get_by_role("heading", name="Human vs AI").wait_for()
    page.get_by_text("Not enough data").first.wait_for()
    shot("5_human_vs_ai")
