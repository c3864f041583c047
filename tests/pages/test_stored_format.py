"""Runs stored in today's format (tests/engine/golden/run.json, written by the engine before the typed
core) still load: through the typed findings, the store, the run page and the explorer."""

from __future__ import annotations

from vibe8_core import scoring
from vibe8_core.findings import DETAILS, Finding, OtherDetails
from vibe8_core.store import NewRun

from ..engine.test_golden import golden_run


def test_every_stored_finding_reads_into_its_typed_details_and_back_unchanged() -> None:
    findings = [finding for entry in golden_run()["file_tree"]["files"] for finding in entry["findings"]]
    assert {finding["collector"] for finding in findings} == set(DETAILS)  # every typed collector occurs
    for stored in findings:
        finding = Finding.from_dict(stored)
        assert isinstance(finding.details, DETAILS[stored["collector"]]), stored
        assert finding.to_dict() == stored


def test_details_of_an_unknown_shape_are_kept_as_they_are() -> None:
    stored = {"collector": "lint", "code": "X1", "message": "m", "line": 1, "column": None, "severity": "low",
              "text": "", "extra": {"written_by": "a future engine"}}  # fmt: skip
    finding = Finding.from_dict(stored)
    assert finding.details == OtherDetails({"written_by": "a future engine"}) and finding.to_dict() == stored


def test_a_run_stored_in_todays_format_opens_on_every_run_page(seed, alice, open_page) -> None:
    golden = golden_run()
    new = NewRun("github", golden["metrics"], golden["file_tree"], golden["errors"], project_name="golden")
    run = seed.run(alice, new)
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    assert not at.exception
    cards = {metric.label.split(" · ")[0]: metric.value for metric in at.metric}
    expected = scoring.scores_of(golden["metrics"])
    assert cards["Linting"] == f"{expected['lint']:.0f}" and cards["Churn hotspots"] == f"{expected['churn']:.0f}"
    at = open_page(alice, "pages/explorer.py", run=str(run.run_id))
    assert not at.exception and len(at.dataframe[0].value) == len(golden["file_tree"]["files"])
