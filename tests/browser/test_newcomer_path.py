"""The newcomer's path in a real browser, on the app as `make run` starts it: the demo, an upload,
every page, the source view, cancelling jobs, re-analysing a run; the server logs no warning, and
the browser fetches nothing from the internet. The time from a page's navigation to its first chart
is measured and written to artifacts/page_to_chart.json (docs/PERFORMANCE.md quotes it)."""

from __future__ import annotations

import json
import time
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_end_to_end import JOB_WAIT_MS, project_zip

CHART = "[data-testid='stPlotlyChart'] svg.main-svg, [data-testid='stVegaLiteChart'] canvas"


def _timed_chart(page, open_page) -> float:
    """Seconds from starting to open a page until its first chart has drawn."""
    started = time.monotonic()
    open_page()
    page.locator(CHART).first.wait_for(state="visible", timeout=120_000)
    return round(time.monotonic() - started, 2)


@pytest.mark.browser
def test_the_newcomers_path(served_app, browser_page):
    try:
        _walk(*served_app, browser_page)
    finally:
        browser_page.screenshot(path=str(ARTIFACTS / "newcomer_last.png"))


def _walk(base, server_log, page) -> None:
    page.set_default_timeout(120_000)  # every step waits for a server that may share two cores with much else
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    shot = lambda name: page.screenshot(path=str(ARTIFACTS / f"newcomer_{name}.png"))  # noqa: E731
    timings: dict[str, float] = {}

    # The demo, from the first page; then every demo job is cancelled (queued ones at once, then the running one).
    page.goto(base)
    page.get_by_role("heading", name="Analyze code").wait_for()
    shot("0_first_page")
    page.get_by_role("button", name="Run the demo").first.click()
    page.get_by_text("demo analyses").first.wait_for()
    page.get_by_text("Queued — waiting for a worker").first.wait_for()
    page.get_by_role("button", name="Cancel all").dispatch_event("click")  # the list redraws every 1.5 s
    page.get_by_text("Queued — waiting for a worker").wait_for(state="detached", timeout=120_000)
    page.get_by_role("button", name="Cancel").dispatch_event("click")  # and the one running
    page.get_by_role("button", name="Cancel").wait_for(state="detached", timeout=120_000)
    shot("1_demo_cancelled")

    # An upload; the form empties after it is queued.
    page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(
        {"name": "calc.zip", "mimeType": "application/zip", "buffer": project_zip()}
    )
    page.get_by_text("calc.zip").first.wait_for()
    page.get_by_label("Project name").first.fill("calculator")
    queued = page.get_by_text("Queued. Progress is shown below")
    for _ in range(3):  # a click that lands while the job list refreshes can be dropped on a loaded machine
        page.get_by_role("button", name="Analyze upload").click()
        try:
            queued.wait_for(timeout=40_000)
            break
        except PlaywrightTimeout:
            continue
    queued.wait_for()
    assert page.get_by_label("Project name").first.input_value() == ""
    page.get_by_role("link", name="Open calculator").wait_for(timeout=JOB_WAIT_MS * 2)
    shot("2_finished")

    # Every page, the run dashboard timed to its first chart.
    timings["run"] = _timed_chart(page, lambda: page.get_by_role("link", name="Open calculator").click())
    page.get_by_role("heading", name="calculator").wait_for()
    shot("3_run")
    timings["explorer"] = _timed_chart(page, lambda: page.get_by_role("link", name="Explore the files").click())
    page.get_by_role("heading", name="Findings in one file").wait_for()
    file_box = page.get_by_test_id("stSelectbox").filter(has=page.get_by_text("File", exact=True))
    file_box.click()
    page.get_by_role("option", name="calc/bad.py").click()
    page.get_by_role("link", name="Read the source with its findings inline").click()
    page.get_by_role("heading", name="Source view").wait_for()
    page.get_by_text("return eval(command)").first.wait_for()
    page.get_by_text("B307").first.wait_for()  # bandit's finding, inline under its line
    shot("4_source")
    for name, heading in (("human-vs-ai", "Human vs AI"), ("trends", "Trends"), ("history", "History")):
        page.goto(f"{base}/{name}")
        page.get_by_role("heading", name=heading).wait_for()
        if name == "human-vs-ai":
            timings[name] = _timed_chart(page, lambda: page.reload())
        shot(f"5_{name}")

    # Re-analyse the upload from its dashboard: a second run of the same project.
    page.goto(f"{base}/history")
    page.get_by_role("link", name="Open the dashboard").click()
    page.get_by_role("heading", name="Run dashboard").wait_for()
    page.get_by_role("button", name="Re-analyze").click()
    page.get_by_text("again; progress is shown below").wait_for()
    page.get_by_role("link", name="Open calculator").first.wait_for(timeout=JOB_WAIT_MS * 2)
    shot("6_reanalysed")

    (ARTIFACTS / "page_to_chart.json").write_text(json.dumps(timings, indent=2))
    assert hosts <= {"127.0.0.1"}, f"fetched from elsewhere: {sorted(hosts - {'127.0.0.1'})}"
    logged = server_log.read_text()
    assert "Traceback" not in logged and "WARNING" not in logged.upper().replace("WARNINGS", ""), logged[-3000:]
