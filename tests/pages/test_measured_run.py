"""The run page says at the top what could not be measured, and draws "–" for scores with nothing
behind them (issue #13, point 1): a real analysis of files that do not parse, stored and opened."""

from __future__ import annotations

import json
from pathlib import Path

from vibe8_core.analysis import analyze_folder
from vibe8_core.config import EngineSettings
from vibe8_core.store import NewRun

BROKEN = "def f(:\n    pass\n"
FINE = "def add(a, b):\n    return a + b\n"


def stored_analysis(seed, user, root: Path, files: dict[str, str]):
    root.mkdir()
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    settings = EngineSettings(workers=1, package_index_url="http://127.0.0.1:9/pypi", cache_max_mb=0)
    result = json.loads(json.dumps(analyze_folder(root, settings=settings, churn=False).to_dict()))
    new = NewRun("upload", result["metrics"], result["file_tree"], result["errors"], project_name=root.name)
    return seed.run(user, new)


def test_a_run_of_files_that_do_not_parse_has_no_grade_and_says_why_at_the_top(tmp_path, seed, alice, open_page):
    run = stored_analysis(seed, alice, tmp_path / "broken", {"a.py": BROKEN, "b.py": "print 'old'\n"})
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    assert not at.exception
    assert len(at.warning) == 1 and at.warning[0].value.startswith("No file of this run parses (2 files)")
    cards = {metric.label: metric.value for metric in at.metric}
    for label in ("Complexity", "Docstrings", "Dead code", "Maintainability", "Security"):
        assert cards[f"{label} · –"] == "–", cards
    assert any(label.startswith("Linting · ") and value != "–" for label, value in cards.items())
    assert "overall –/100" in at.markdown[0].value
    assert any("does not parse" in item.value for item in at.markdown)  # the reasons, listed below


def test_a_partial_run_says_what_share_was_measured(tmp_path, seed, alice, open_page):
    run = stored_analysis(seed, alice, tmp_path / "partial", {"a.py": BROKEN, "b.py": FINE, "c.py": FINE})
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    assert not at.exception and not at.warning
    assert at.info[0].value.startswith("Measured 2 of 3 files (67 %): 1 does not parse")
    assert "overall –/100" not in at.markdown[0].value


def test_a_fully_measured_run_has_no_notice(tmp_path, seed, alice, open_page):
    run = stored_analysis(seed, alice, tmp_path / "fine", {"b.py": FINE})
    at = open_page(alice, "pages/run.py", run=str(run.run_id))
    assert not at.exception and not at.warning
    assert not [info for info in at.info if info.value.startswith("Measured")]
