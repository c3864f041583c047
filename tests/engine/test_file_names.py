"""File names that are not UTF-8: every collector's findings still reach the file they are about."""

from __future__ import annotations

import os
from pathlib import Path

from vibe8_core.analysis import analyze_folder

from .conftest import offline_settings

UNUSED_IMPORT = b"import os\n"


def lint_codes(tree: dict, name: str) -> list[str]:
    entry = next(item for item in tree["files"] if item["path"] == name)
    return [finding["code"] for finding in entry.get("findings", []) if finding.get("collector") == "lint"]


def test_ruff_findings_join_a_file_whose_name_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"caf\xe9.py")).write_bytes(UNUSED_IMPORT)
    (tmp_path / "plain.py").write_bytes(UNUSED_IMPORT)
    result = analyze_folder(tmp_path, settings=offline_settings(workers=1), churn=False)
    assert result.metrics["lint"]["total"] == 2
    assert lint_codes(result.file_tree, os.fsdecode(b"caf\xe9.py")) == ["F401"]


def test_names_that_ruff_cannot_tell_apart_are_not_misattributed(tmp_path: Path) -> None:
    (tmp_path / os.fsdecode(b"caf\xe9.py")).write_bytes(UNUSED_IMPORT)
    (tmp_path / os.fsdecode(b"caf\xe8.py")).write_bytes(b"x = 1\n")  # clean; reads as caf\ufffd.py in ruff too
    result = analyze_folder(tmp_path, settings=offline_settings(workers=1), churn=False)
    assert lint_codes(result.file_tree, os.fsdecode(b"caf\xe8.py")) == []
