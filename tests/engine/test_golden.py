"""The stored JSON of a new run equals what the engine stored before the typed-core refactor (issue #11).

`golden/run.json` was written by the engine of main before scoring took the scores over from the
collectors; the fixture project is rebuilt here with fixed commit dates. Keys added since are listed in
ADDED_KEYS (docs/METRICS.md names them); every other key and value must be the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from vibe8_core.analysis import analyze_folder

from .conftest import offline_settings
from .golden.project import build_golden_project

GOLDEN = Path(__file__).parent / "golden" / "run.json"
# (collector, key) added to `metrics` since the golden file was written: measures the scores now need.
ADDED_KEYS: frozenset[tuple[str, str]] = frozenset({("size", "files_parsed"), ("size", "sloc_parsed")})
# Added since by issue 14 (docs/METRICS.md, authorship): the eleventh section and the attribution fields.
ADDED_SECTIONS = ("authorship",)
ADDED_FILE_KEYS = ("ai_lines", "human_lines", "automation_lines", "ai_tools", "ai_ranges", "ai_finding_counts")
ADDED_BLOCK_KEYS = ("ai_lines",)
ADDED_FINDING_KEYS = ("ai",)


def without_attribution(file_tree: dict[str, Any]) -> dict[str, Any]:
    """The file tree without the fields line attribution added."""

    def strip(item: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
        return {key: value for key, value in item.items() if key not in keys}

    files = [
        {
            **strip(entry, ADDED_FILE_KEYS),
            "blocks": [strip(block, ADDED_BLOCK_KEYS) for block in entry["blocks"]],
            "findings": [strip(finding, ADDED_FINDING_KEYS) for finding in entry["findings"]],
        }
        for entry in file_tree["files"]
    ]
    return {**file_tree, "files": files}


def golden_run() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(GOLDEN.read_text(encoding="utf-8"))
    return data


def without_added(metrics: dict[str, Any]) -> dict[str, Any]:
    return {
        name: {key: value for key, value in section.items() if (name, key) not in ADDED_KEYS}
        for name, section in metrics.items()
        if name not in ADDED_SECTIONS
    }


@pytest.mark.slow
def test_a_new_run_stores_exactly_the_golden_json(tmp_path: Path) -> None:
    root = build_golden_project(tmp_path / "golden")
    stored = json.loads(json.dumps(analyze_folder(root, settings=offline_settings(), churn=True).to_dict()))
    golden = golden_run()
    assert stored["errors"] == golden["errors"]
    assert without_attribution(stored["file_tree"]) == golden["file_tree"]
    assert list(stored["metrics"]) == [*golden["metrics"], *ADDED_SECTIONS]
    # one person wrote the fixture; commits 1-5 only rewrote (and the last removed) app.py's last line
    assert stored["metrics"]["authorship"] == {
        "ai_lines": 0, "human_lines": sum(entry["loc"] for entry in stored["file_tree"]["files"]),
        "automation_lines": 0, "ai_share_pct": 0.0, "commits": 1, "ai_commits": 0, "tools": {}, "models": {},
    }  # fmt: skip
    assert without_added(stored["metrics"]) == golden["metrics"]
    for name, section in golden["metrics"].items():  # the seed's keys keep their order too
        assert [key for key in stored["metrics"][name] if (name, key) not in ADDED_KEYS] == list(section)
