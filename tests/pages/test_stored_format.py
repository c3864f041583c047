"""Runs stored in today's format (tests/engine/golden/run.json, written by the engine before the typed
core) still load: through the typed metrics sections, file-tree entries and findings, the store, the
run page and the explorer."""

from __future__ import annotations

from vibe8_core import scoring
from vibe8_core.collectors import registry
from vibe8_core.collectors.churn import ChurnMetrics
from vibe8_core.collectors.cyclomatic import Block, CyclomaticFileFields
from vibe8_core.collectors.deps import DepsMetrics, PackageHealth
from vibe8_core.collectors.lint import LintMetrics
from vibe8_core.collectors.size import SizeFileFields
from vibe8_core.findings import DETAILS, Finding, OtherDetails
from vibe8_core.run_data import FileTree, RunMetrics
from vibe8_core.store import NewRun

from ..engine.test_golden import ADDED_KEYS, golden_run, without_added


def test_every_stored_metrics_section_reads_into_its_record_and_back_unchanged() -> None:
    stored = golden_run()["metrics"]
    metrics = RunMetrics.from_json(stored)
    seed_ten = [spec.metrics for spec in registry.specs() if not spec.optional_section]
    assert [type(section) for section in metrics.sections.values()] == seed_ten  # no authorship made up
    assert without_added(metrics.to_json()) == stored and list(metrics.to_json()) == list(stored)
    for name, section in metrics.to_json().items():  # the seed's keys in the seed's order
        assert [key for key in section if (name, key) not in ADDED_KEYS] == list(stored[name])
    assert metrics.of(LintMetrics).total == 3 and metrics.of(ChurnMetrics).total_churn == 75
    health = metrics.of(DepsMetrics).package_health
    assert health is not None and isinstance(health[0], PackageHealth) and health[0].name == "requests"


def test_every_stored_file_entry_reads_into_its_records_and_back_unchanged() -> None:
    stored = golden_run()["file_tree"]
    tree = FileTree.from_json(stored)
    assert tree.to_json() == stored
    app = tree.entry("pkg/app.py")
    assert app is not None and app.of(SizeFileFields).sloc == stored["files"][1]["sloc"]
    blocks = app.of(CyclomaticFileFields).blocks
    assert blocks and all(isinstance(block, Block) for block in blocks)
    assert {finding.collector for finding in app.findings} >= {"lint", "security"}


def test_what_this_engine_does_not_declare_is_kept_as_stored() -> None:
    golden = golden_run()
    metrics = {**golden["metrics"], "lint": {**golden["metrics"]["lint"], "later": 1}, "future": {"x": [1]}}
    assert without_added(RunMetrics.from_json(metrics).to_json()) == metrics
    entry = {**golden["file_tree"]["files"][0], "written_by": "a future collector"}
    tree = {"version": 1, "files": [entry], "note": "kept"}
    assert FileTree.from_json(tree).to_json() == tree


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
    assert any("49 source lines" in caption.value for caption in at.caption)  # size, read through SizeMetrics
    at = open_page(alice, "pages/explorer.py", run=str(run.run_id), file="pkg/app.py")
    assert not at.exception and len(at.dataframe[0].value) == len(golden["file_tree"]["files"])
    app = next(entry for entry in golden["file_tree"]["files"] if entry["path"] == "pkg/app.py")
    cards = {metric.label: metric.value for metric in at.metric}  # the file's card, from its typed entry
    assert cards["SLOC"] == f"{app['sloc']:,}" and cards["Max complexity"] == f"{app['max_cc']:.0f}"
    assert cards["Grade"] == app["grade"] and cards["Maintainability"] == f"{app['mi']:.0f}"
