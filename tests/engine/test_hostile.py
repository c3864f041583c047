"""A corpus of hostile files, generated here, analyses with no traceback and the expected errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vibe8_core.analysis import analyze_folder

from .conftest import offline_settings, write_tree

pytestmark = pytest.mark.slow

GENERATED_LINES = 30_000  # about 2.7 MB of one dict literal
HOSTILE: dict[str, str | bytes] = {
    "syntax_error.py": "def f(:\n    pass\n",
    "python2.py": 'print "hello"\nexec "x = 1"\n',
    "nul_bytes.py": b"x = 1\x00\ny = 2\n",
    "undecodable.py": b"x = '\xff\xfe'\n",
    "long_expr.py": "x = " + " + ".join(["1"] * 1500) + "\n",
    "deep_nest.py": "x = " + "[" * 10_000 + "]" * 10_000 + "\n",
    "generated.py": "DATA = {\n" + "".join(f'    "key_{i}": "{"v" * 80}",\n' for i in range(GENERATED_LINES)) + "}\n",
    "pkg/good.py": '"""Fine."""\nimport os\n\n\ndef run(text):\n    """Doc."""\n    return eval(text)\n',
    "pkg/__init__.py": "",
    "README.md": "not python\n",
    ".venv/lib/site.py": "import os\n",
    "node_modules/x/y.py": "import os\n",
    "build/lib/z.py": "import os\n",
}
# (file, fragments that must appear in one errors entry naming it)
EXPECTED_ERRORS = [
    ("syntax_error.py", "does not parse"),
    ("python2.py", "does not parse"),
    ("nul_bytes.py", "null bytes"),
    ("undecodable.py", "undecodable bytes"),
    ("deep_nest.py", "too many nested parentheses"),
    ("deep_nest.py", "lint: deep_nest.py: ruff crashed"),
    ("long_expr.py", "cyclomatic: long_expr.py: failed (RecursionError"),
    ("long_expr.py", "dead_code: long_expr.py: too deeply nested for vulture"),
    ("generated.py", "generated.py: per-file metrics ran past the 8 s limit; not measured: security"),
]


@pytest.fixture(scope="module")
def hostile_result(tmp_path_factory: pytest.TempPathFactory):
    root = write_tree(tmp_path_factory.mktemp("hostile"), HOSTILE)
    settings = offline_settings(file_timeout_s=8.0)
    return analyze_folder(root, settings=settings, churn=False)


def test_every_python_file_is_counted_and_excluded_folders_skipped(hostile_result) -> None:
    paths = [entry["path"] for entry in hostile_result.file_tree["files"]]
    expected = sorted(path for path in HOSTILE if path.endswith(".py") and "/" not in path or path.startswith("pkg/"))
    assert paths == expected
    assert hostile_result.metrics["size"]["files"] == len(expected)


@pytest.mark.parametrize(("path", "fragment"), EXPECTED_ERRORS)
def test_expected_error_entry(hostile_result, path: str, fragment: str) -> None:
    assert any(path in error and fragment in error for error in hostile_result.errors), hostile_result.errors


def test_errors_name_only_hostile_files(hostile_result) -> None:
    assert not [error for error in hostile_result.errors if "good.py" in error or "Traceback" in error]


def test_unparseable_files_are_flagged_and_still_counted(hostile_result) -> None:
    entries = {entry["path"]: entry for entry in hostile_result.file_tree["files"]}
    for path in ("syntax_error.py", "python2.py", "nul_bytes.py", "undecodable.py", "deep_nest.py"):
        assert entries[path]["parse_error"], path
        assert entries[path]["severity"] == 100.0 and entries[path]["grade"] == "E"
        assert entries[path]["loc"] >= 1, "size still counts the lines of a file that does not parse"
    assert entries["python2.py"]["lint_count"] >= 1, "ruff still reports the syntax error"
    generated = entries["generated.py"]
    # radon's rule counts 2 logical lines for a statement with a ':' that is not last (the dict's)
    assert (generated["loc"], generated["sloc"], generated["lloc"]) == (GENERATED_LINES + 2, GENERATED_LINES + 2, 2)
    assert generated["parse_error"] is None
    assert generated["mi"] is not None and generated["blocks"] == []


def test_the_good_file_is_fully_analysed(hostile_result) -> None:
    good = next(entry for entry in hostile_result.file_tree["files"] if entry["path"] == "pkg/good.py")
    codes = sorted(finding["code"] for finding in good["findings"])
    assert codes == ["B307", "F401", "unused-function", "unused-import"]
    assert good["doc_covered"] == good["doc_total"] == 2
    assert good["max_cc"] == 1 and good["mi_rank"] == "A"
    assert next(f for f in good["findings"] if f["code"] == "B307")["text"] == "return eval(text)"


def test_result_is_json_serialisable(hostile_result) -> None:
    data = json.loads(json.dumps(hostile_result.to_dict()))
    assert set(data) == {"metrics", "file_tree", "errors"}


def test_settings_inside_the_upload_do_not_silence_findings(tmp_path: Path) -> None:
    root = write_tree(
        tmp_path,
        {
            "app.py": "import os\n\n\ndef unused_helper(x):\n    assert x\n    return eval(x)\n",
            "ruff.toml": 'lint.ignore = ["F401"]\nexclude = ["*.py"]\n',
            ".bandit": "[bandit]\nskips: B101,B307\nexclude: app.py\n",
            "pyproject.toml": (
                '[tool.vulture]\nmin_confidence = 100\nexclude = ["app.py"]\n[tool.ruff]\nexclude = ["app.py"]\n'
            ),
            "setup.cfg": "[radon]\nexclude = app.py\n",
        },
    )
    settings = offline_settings(workers=1)
    result = analyze_folder(root, settings=settings, churn=False)
    codes = sorted(f["code"] for f in result.file_tree["files"][0]["findings"] if f["collector"] != "docs")
    assert codes == ["B101", "B307", "F401", "unused-function", "unused-import"]
    assert result.metrics["cyclomatic"]["blocks"] == 1
