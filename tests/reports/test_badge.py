"""The status badge: well-formed SVG with the run's grade and score, named for screen readers."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.reports.conftest import CliRunner
from vibe8_core.reports.badge import badge_svg
from vibe8_core.store import Database, NewRun

SVG = "{http://www.w3.org/2000/svg}"
METRICS = {"docs": {"coverage_pct": 70}}  # one score (docstring coverage): 70, grade B


@pytest.mark.parametrize(
    ("metrics", "shown", "spoken", "colour"),
    [
        (METRICS, "B 70", "Vibe8 code quality: grade B, score 70 out of 100", "#558b2f"),
        ({"docs": {"coverage_pct": 10}}, "E 10", "Vibe8 code quality: grade E, score 10 out of 100", "#c62828"),
        ({}, "no score", "Vibe8 code quality: no score", "#6e6e6e"),
        # No file parses: lint and size measured something, but the run has no overall score.
        ({**METRICS, "size": {"files": 2, "files_parsed": 0, "sloc": 10}, "lint": {"total": 1}},
         "no score", "Vibe8 code quality: no score", "#6e6e6e"),
    ],
)  # fmt: skip
def test_badge_svg(metrics: dict, shown: str, spoken: str, colour: str) -> None:
    root = ET.fromstring(badge_svg(metrics))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img" and root.get("aria-label") == spoken
    assert root.find(f"{SVG}title").text == spoken
    assert [text.text for text in root.iter(f"{SVG}text")] == ["vibe8", shown]
    assert colour in {rect.get("fill") for rect in root.iter(f"{SVG}rect")}
    assert int(root.get("width")) > 60


def test_badge_command(db_env: Path, db: Database, run_cli: CliRunner) -> None:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("ada@example.com")
        run = uow.runs.create(user.id, NewRun("upload", METRICS, None, []))
        uow.commit()
    code, out, _ = run_cli("badge", run.run_id, "--user", "ada@example.com")
    assert code == 0 and ET.fromstring(out).get("aria-label").endswith("grade B, score 70 out of 100")
    assert run_cli("badge", run.run_id, "--user", "ada@example.com", "--output", db_env / "b.svg")[1] == ""
    assert (db_env / "b.svg").read_text(encoding="utf-8") == out
    code, out, err = run_cli("badge", run.run_id, "--user", "eve@example.com")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
