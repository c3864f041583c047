"""Hostile names in a real browser: the pages that show them make no request outside the app.

A run whose project, model, file and folder names and error entries carry Markdown links, images
(`![](https:evil.example/pixel.png)` would make every viewer's browser fetch it) and HTML anchors is
opened on the Run dashboard and in the File explorer; every request the browser makes is recorded.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.pages.test_hostile_names import hostile_run
from vibe8_core.config import DatabaseSettings
from vibe8_core.store import Database


@pytest.mark.browser
def test_hostile_names_make_no_external_request(app_url, browser_page, tmp_path):
    database = Database(DatabaseSettings(url=f"sqlite:///{tmp_path / 'vibe8.sqlite3'}"))
    try:
        with database.unit_of_work() as uow:
            user = uow.users.get_or_create_by_email("local@localhost")
            run = uow.runs.create(user.id, hostile_run(1))
            uow.commit()
    finally:
        database.dispose()
    page = browser_page
    page.set_default_timeout(120_000)  # a loaded CI machine renders a page in tens of seconds
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    for path, landmark in (("run", "Problems during the analysis"), ("explorer", "Findings in one file")):
        page.goto(f"{app_url}/{path}?run={run.run_id}")
        try:
            page.get_by_text(landmark).first.wait_for()
        except Exception:
            (ARTIFACTS / f"hostile_{path}.txt").write_text(page.inner_text("body"))
            raise
        page.get_by_text("Session expired - click to sign in again").first.wait_for()  # shown as text
        page.wait_for_load_state("networkidle")
    assert requests, "the browser loaded the app"
    outside = [url for url in requests if not url.startswith((app_url, "data:", "blob:", "about:"))]
    assert not outside, outside
    # The app's own links (the source view's, say) carry a hostile file name in their query string: that is
    # not a link out. A link whose target is elsewhere is.
    links = page.eval_on_selector_all("a[href*='evil.example']", "anchors => anchors.map(a => a.href)")
    assert not [href for href in links if not href.startswith(app_url)], links
    assert page.locator("img[src*='evil.example']").count() == 0
