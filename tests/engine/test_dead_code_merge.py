"""dead_code's per-file vulture scans, merged, report exactly what one vulture scan of the whole project
reports (on installed packages); when the start-up check finds otherwise, the whole scan serves, loudly."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from vibe8_core.analysis import analyze_folder
from vibe8_core.collectors import dead_code
from vibe8_core.collectors.files import decode_source, discover_python_files

from .conftest import SITE_PACKAGES, offline_settings, write_tree


@pytest.fixture(autouse=True)
def fresh_check() -> Iterator[None]:
    dead_code.merge_failure.cache_clear()
    yield
    dead_code.merge_failure.cache_clear()


@pytest.mark.parametrize("package", ["requests", "flask", "radon", "bandit"])
def test_merged_scans_equal_one_whole_scan(package: str) -> None:
    folder = SITE_PACKAGES / package
    paths = discover_python_files(folder)
    scans = [(path, dead_code.scan_file(decode_source((folder / path).read_bytes())[0], path)) for path in paths]
    whole = dead_code.find_dead_code(str(folder), paths)
    assert whole["unused"], "the package has unused code, so the comparison means something"
    assert dead_code.unused_of(scans) == whole


def test_a_failed_check_falls_back_to_the_whole_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    files = {"a.py": "import os\n\n\ndef used():\n    return 1\n", "b.py": "from a import used\n\nprint(used())\n"}
    root = write_tree(tmp_path / "p", files)
    expected = analyze_folder(root, settings=offline_settings(workers=1), churn=False).metrics["dead_code"]
    assert dead_code.merge_failure() is None
    dead_code.merge_failure.cache_clear()
    monkeypatch.setattr(dead_code, "unused_of", lambda scans: {"unused": [], "counts": {}, "errors": []})
    with caplog.at_level(logging.ERROR):
        assert dead_code.merge_failure() == "the merged scans differ from one scan"
    assert "scanning the whole project at once" in caplog.text
    assert analyze_folder(root, settings=offline_settings(workers=1), churn=False).metrics["dead_code"] == expected
    assert expected["unused_symbols"] == 1  # os; `used` is used by b.py
