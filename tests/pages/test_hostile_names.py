"""Hostile names through every page: nothing user-controlled becomes Markdown, HTML or a link.

Folder names, project and model names, file names, parse errors, error entries and job messages are
set to link, image, HTML and Streamlit-directive payloads; every text element of every page is then
rendered with a CommonMark parser (as Streamlit's renderer would), and no link, image or HTML may come
out, no bare URL may be left for GFM's autolinking, and no chart may carry HTML in its labels.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest
from markdown_it import MarkdownIt

from tests.pages.conftest import make_run
from tests.pages.test_pages import PAGES
from vibe8_core.dashboard.escape import label, md

LINK = "[Session expired - click to sign in again](https:evil.example)"
PIXEL = "![](https:evil.example/pixel.png)"
ANCHOR = '<a href="https://evil.example">x</a>'
HOSTILE = (LINK, PIXEL, ANCHOR, ":red[alarm] :material/warning: $x^2$ www.evil.example `code` **bold**")
TEXT_KINDS = ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info", "success")
_BARE_URL = re.compile(r"(?<!\\)(https?:|www\.)", re.IGNORECASE)
_TAG = re.compile(r"<(a|img|script|iframe)[\s>/]", re.IGNORECASE)
_RENDERER = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")


def hostile_run(seed: int):
    run = make_run(project=f"{LINK} {PIXEL}", author_type="ai", author_model=ANCHOR, seed=seed)
    files = run.file_tree["files"]
    for index, entry in enumerate(files):
        entry["path"] = f"{HOSTILE[index % len(HOSTILE)]}/{PIXEL}{index}.py"
        entry["parse_error"] = f"does not parse: {LINK}"
        for finding in entry["findings"]:
            finding["message"] = f"{ANCHOR} {finding['message']}"
    errors = [f"{entry['path']}: {LINK}" for entry in files[:3]]
    return replace(run, errors=errors, upload_filename=f"{PIXEL}.zip")


def texts_of(at) -> list[str]:
    found = [element.value for kind in TEXT_KINDS for element in getattr(at, kind)]
    found += [status.label for status in at.status]
    return [str(text) for text in found]


def assert_inert(text: str) -> None:
    """No link, image or user HTML comes out (the pages' own inline HTML, like the grade tile, holds none)."""
    rendered = _RENDERER.render(text)
    assert not _TAG.search(rendered), text
    if "evil" in text:
        tokens = _RENDERER.parse(text)
        kinds = {child.type for token in tokens for child in (token.children or [token])}
        assert not kinds & {"link_open", "image", "html_inline", "html_block"}, text
    assert not _BARE_URL.search(text), text


def test_md_and_label_make_every_payload_inert() -> None:
    for payload in HOSTILE:
        assert_inert(md(payload))
        assert "<" not in label(payload)
    html = _RENDERER.renderInline(md(LINK))
    assert html == LINK.replace('"', "&quot;")  # shown as exactly the characters it is


@pytest.mark.parametrize("page", PAGES)
def test_hostile_names_render_inert_on_every_page(seed, alice, open_page, page_env, page) -> None:
    first = seed.run(alice, hostile_run(1))
    seed.run(alice, replace(hostile_run(2), author_type="human"))
    with page_env.unit_of_work() as uow:
        job_id = uow.jobs.create_pending(alice.id, "upload", {"upload_filename": PIXEL, "project_name": LINK})
        uow.jobs.claim_next("worker")
        uow.jobs.mark_failed(job_id, "worker", f"{ANCHOR} failed on {LINK}")
        uow.commit()
    at = open_page(alice, page, run=str(first.run_id))
    assert not at.exception, at.exception
    texts = texts_of(at)
    assert texts
    for text in texts:
        assert_inert(text)
    for chart in at.get("plotly_chart"):
        spec = json.dumps(json.loads(chart.proto.spec))
        assert "<a " not in spec and "<img" not in spec
    for chart in at.get("vega_lite_chart"):  # Vega draws text as text; its tooltips escape HTML
        assert "evil" not in chart.proto.spec
    if page == "pages/analyze.py":
        assert any("evil" in text for text in texts), "the hostile job is shown (escaped)"


def test_the_explorer_says_how_many_findings_were_not_stored(seed, alice, open_page) -> None:
    run = make_run(seed=3)
    entry = run.file_tree["files"][0]
    entry["findings_not_stored"] = 1234
    stored = seed.run(alice, run)
    at = open_page(alice, "pages/explorer.py", run=str(stored.run_id), file=entry["path"])
    assert not at.exception
    assert any("1,234 more findings of this file were not stored" in text for text in texts_of(at))
