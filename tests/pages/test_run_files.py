"""The pages' side of issue 15: the Run dashboard's badge, the History page's export and import of a
run, and the Trends page's new and fixed findings with per-function complexity changes."""

from __future__ import annotations

import copy
import dataclasses
import json
import xml.etree.ElementTree as ET

import pytest

from tests.pages.conftest import make_run
from vibe8_core.dashboard.run_files import export_text, import_file, run_diff
from vibe8_core.reports.badge import badge_svg
from vibe8_core.reports.runs_io import RunFileError
from vibe8_core.store import AccessError

NEW_FINDING = {"collector": "security", "code": "B307", "message": "Use of possibly insecure function.",
               "line": 99, "column": 4, "severity": "medium", "text": "return eval(text)", "extra": {}}  # fmt: skip


@pytest.fixture
def two_runs(seed, alice):
    """alice's run of `shop`, then the same tree with one eval() finding more and one function more complex."""
    first = make_run("shop", seed=3)
    tree = copy.deepcopy(first.file_tree)
    entry = tree["files"][0]
    entry["findings"].append(NEW_FINDING)
    entry["blocks"][0]["complexity"] += 5
    return seed.run(alice, first), seed.run(alice, dataclasses.replace(first, file_tree=tree))


def test_trends_lists_new_and_fixed_findings_and_complexity_changes(two_runs, alice, open_page):
    first, second = two_runs
    at = open_page(alice, "pages/trends.py")
    assert not at.exception
    new, fixed, complexity = (element.value for element in at.dataframe[-3:])  # the page's last three tables
    assert list(new.columns) == ["file", "line", "rule", "tool", "severity", "message", "text"]
    assert new[["line", "rule", "text"]].values.tolist() == [[99, "B307", "return eval(text)"]]
    assert fixed.empty
    (change,) = complexity.to_dict("records")
    assert change["change"] == 5 and change["after"] == change["before"] + 5
    assert any("1 new · 0 fixed" in element.value for element in at.markdown)

    backwards = run_diff(alice.id, second.run_id, first.run_id)
    assert backwards.fixed["rule"].tolist() == ["B307"] and backwards.new.empty


def test_history_exports_and_imports_a_run(two_runs, alice, bob, open_page):
    first, _ = two_runs
    at = open_page(alice, "pages/history.py")
    assert not at.exception
    labels = {button.proto.label for button in at.get("download_button")}
    assert "Export the run (JSON)" in labels

    exported = export_text(alice.id, first.run_id)
    outcome = import_file(bob.id, exported.encode("utf-8"), "run.json")
    assert not outcome.kept_id
    again = json.loads(export_text(bob.id, outcome.run_id))["run"]
    assert {**again, "run_id": str(first.run_id)} == json.loads(exported)["run"]
    at = open_page(bob, "pages/history.py")
    assert str(outcome.run_id) in set(at.dataframe[0].value["run_id"])

    with pytest.raises(RunFileError, match="not valid JSON"):
        import_file(bob.id, b"{", "run.json")
    with pytest.raises(AccessError):
        export_text(bob.id, first.run_id)


def test_run_dashboard_offers_the_badge(two_runs, alice, open_page):
    _, second = two_runs
    at = open_page(alice, "pages/run.py", run=str(second.run_id))
    assert not at.exception
    (badge,) = [button for button in at.get("download_button") if button.proto.label == "Badge (SVG)"]
    assert badge.proto.help
    assert ET.fromstring(badge_svg(second.metrics)).get("role") == "img"
