"""Fidelity: on real code nobody here wrote, the engine's figures equal the reference CLIs' figures.

The installed sources of `requests` and `flask` are analysed in place (read only) and the CLIs from
.venv/bin are run on the same folder from an empty working directory (so no configuration is read).
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from vibe8_core.analysis import AnalysisResult, analyze_folder
from vibe8_core.collectors.dead_code import IMPLICIT_NAMES
from vibe8_core.collectors.lint import LINT_RULES

from .conftest import SITE_PACKAGES, VENV_BIN, offline_settings

pytestmark = pytest.mark.slow
PACKAGES = ["requests", "flask"]


def run_cli(tool: str, *args: str, cwd: Path) -> str:
    completed = subprocess.run(
        [str(VENV_BIN / tool), *args], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )
    assert completed.stdout, completed.stderr
    return completed.stdout


@pytest.fixture(scope="module", params=PACKAGES)
def analysed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = SITE_PACKAGES / request.param
    result = analyze_folder(folder, settings=offline_settings(), churn=False)
    return {"folder": folder, "result": result, "cwd": tmp_path_factory.mktemp("cli")}


def test_no_errors_on_real_code(analysed: dict[str, Any]) -> None:
    result: AnalysisResult = analysed["result"]
    assert result.errors == []
    assert result.metrics["size"]["files"] == len(list(analysed["folder"].rglob("*.py")))


def test_avg_cc_equals_radon_cc_average(analysed: dict[str, Any]) -> None:
    out = run_cli("radon", "cc", "-a", str(analysed["folder"]), cwd=analysed["cwd"])
    expected = float(re.search(r"Average complexity: \w \(([\d.]+)\)", out).group(1))
    assert analysed["result"].metrics["cyclomatic"]["avg_cc"] == pytest.approx(expected, abs=1e-4)


def test_mi_equals_radon_mi_per_file_and_mean(analysed: dict[str, Any]) -> None:
    per_file = json.loads(run_cli("radon", "mi", "-j", str(analysed["folder"]), cwd=analysed["cwd"]))
    expected = {Path(path).relative_to(analysed["folder"]).as_posix(): value["mi"] for path, value in per_file.items()}
    got = {entry["path"]: entry["mi"] for entry in analysed["result"].file_tree["files"]}
    assert got == pytest.approx({path: round(mi, 2) for path, mi in expected.items()}, abs=0.006)
    mean = sum(expected.values()) / len(expected)
    assert analysed["result"].metrics["mi"]["mi_avg"] == pytest.approx(mean, abs=0.006)


def test_size_equals_radon_raw_sums(analysed: dict[str, Any]) -> None:
    per_file = json.loads(run_cli("radon", "raw", "-j", str(analysed["folder"]), cwd=analysed["cwd"]))
    size = analysed["result"].metrics["size"]
    for key in ("loc", "lloc", "sloc", "comments", "multi", "blank"):
        assert size[key] == sum(value[key] for value in per_file.values()), key
    assert size["files"] == len(per_file)


def test_security_counts_equal_bandit(analysed: dict[str, Any]) -> None:
    report = json.loads(run_cli("bandit", "-r", "-q", "-f", "json", str(analysed["folder"]), cwd=analysed["cwd"]))
    totals = report["metrics"]["_totals"]
    security = analysed["result"].metrics["security"]
    for level in ("high", "medium", "low"):
        assert security[level] == totals[f"SEVERITY.{level.upper()}"], level
    assert security["high"] + security["medium"] + security["low"] == len(report["results"])


def test_unused_symbols_equal_vulture(analysed: dict[str, Any]) -> None:
    ignored = ",".join(IMPLICIT_NAMES)
    out = run_cli(
        "vulture", "--min-confidence", "60", "--ignore-names", ignored, str(analysed["folder"]), cwd=analysed["cwd"]
    )
    assert analysed["result"].metrics["dead_code"]["unused_symbols"] == len(out.strip().splitlines())


def test_lint_total_equals_ruff(analysed: dict[str, Any]) -> None:
    args = ["check", "--isolated", "--select", ",".join(LINT_RULES), "--output-format", "json"]
    out = run_cli("ruff", *args, str(analysed["folder"]), cwd=analysed["cwd"])
    lint = analysed["result"].metrics["lint"]
    assert lint["total"] == len(json.loads(out))
    assert lint["rules"] == list(LINT_RULES)
    assert lint["total"] == sum(entry["lint_count"] for entry in analysed["result"].file_tree["files"])
