"""Examples as tests: small snippets and the figures each collector must report for them."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from vibe8_core.collectors.base import ProjectContext
from vibe8_core.collectors.registry import collectors

ProjectOf = Callable[[dict[str, str | bytes]], ProjectContext]
BY_NAME = {collector.name: collector for collector in collectors()}

CC_CASES = [
    ("def f():\n    return 1\n", 1.0, [("f", "function", 1, "A", 0)]),
    (
        """\
        def g(x, y):
            if x and y:
                return 1
            elif x:
                return 2
            for _ in range(3):
                pass
            return 3
        """,
        5.0,
        [("g", "function", 5, "A", 4)],
    ),
    (
        """\
        class A:
            def m(self, x):
                return x if x else 0

            def n(self):
                return 1
        """,
        (3 + 2 + 1) / 3,  # radon: a class counts 1 + its methods beyond their first point
        [("A", "class", 3, "A", None), ("A.m", "method", 2, "A", 1), ("A.n", "method", 1, "A", 0)],
    ),
    (
        """\
        def deep(items):
            for a in items:
                for b in a:
                    if b:
                        while b:
                            b -= 1
        """,
        5.0,
        [("deep", "function", 5, "A", 10)],
    ),
]


@pytest.mark.parametrize(("source", "avg_cc", "blocks"), CC_CASES)
def test_cyclomatic(project_of: ProjectOf, source: str, avg_cc: float, blocks: list[tuple]) -> None:
    result = BY_NAME["cyclomatic"].collect(project_of({"m.py": source}))
    assert result.metrics.avg_cc == pytest.approx(avg_cc, abs=1e-4)
    found = [(b.name, b.kind, b.complexity, b.rank, b.cognitive) for b in result.files["m.py"].blocks]
    assert sorted(found) == sorted(blocks)


DOCS_CASES = [
    ('"""Module."""\n\ndef f():\n    """Doc."""\n', 2, 2, []),
    ("def f():\n    pass\n\ndef _private():\n    pass\n", 0, 2, ["<module>", "f"]),
    (
        """\
        '''Module.'''
        class Shown:
            '''Doc.'''
            def __init__(self):
                pass
            def method(self):
                def nested():
                    pass
            class Inner:
                pass
        class _Hidden:
            def method(self):
                pass
        """,
        2,
        4,
        ["Shown.Inner", "Shown.method"],
    ),
    ("", 0, 0, []),
]


@pytest.mark.parametrize(("source", "covered", "total", "missing"), DOCS_CASES)
def test_docs(project_of: ProjectOf, source: str, covered: int, total: int, missing: list[str]) -> None:
    result = BY_NAME["docs"].collect(project_of({"m.py": source}))
    assert result.files["m.py"].to_json() == {"doc_covered": covered, "doc_total": total}
    assert sorted(f.details.name for f in result.findings.get("m.py", [])) == sorted(missing)


SECURITY_CASES = [
    (
        "import subprocess\n\ndef run(cmd):\n    subprocess.call(cmd, shell=True)\n",
        {"high": 1, "medium": 0, "low": 1},
        ["B404", "B602"],
    ),
    ("def f(x):\n    assert x\n    return eval(x)\n", {"high": 0, "medium": 1, "low": 1}, ["B101", "B307"]),
    ("def f(x):\n    return eval(x)  # nosec\n", {"high": 0, "medium": 0, "low": 0}, []),
    ("x = 1\n", {"high": 0, "medium": 0, "low": 0}, []),
]


@pytest.mark.parametrize(("source", "counts", "codes"), SECURITY_CASES)
def test_security(project_of: ProjectOf, source: str, counts: dict[str, int], codes: list[str]) -> None:
    result = BY_NAME["security"].collect(project_of({"m.py": source}))
    assert {level: result.metrics.value(level) for level in counts} == counts
    findings = result.findings.get("m.py", [])
    assert sorted(f.code for f in findings) == codes
    assert all(f.text and f.details.cwe for f in findings)


SIZE_CASES = [
    ("x = 1\n", {"loc": 1, "lloc": 1, "sloc": 1, "comments": 0, "multi": 0, "blank": 0}),
    (
        '"""Doc\nstring."""\n\n# comment\nx = 1  # trailing\n\nif x:\n    y = 2\n',
        {"loc": 8, "lloc": 4, "sloc": 3, "comments": 2, "multi": 2, "blank": 2},
    ),
]


@pytest.mark.parametrize(("source", "expected"), SIZE_CASES)
def test_size(project_of: ProjectOf, source: str, expected: dict[str, int]) -> None:
    result = BY_NAME["size"].collect(project_of({"m.py": source, "n.py": source}))
    assert result.files["m.py"].to_json() == expected
    assert result.metrics.files == 2
    assert result.metrics.sloc == 2 * expected["sloc"]
    assert result.metrics.avg_file_sloc == expected["sloc"]


MI_CASES = [
    ("x = 1\n", 100.0, "A"),
    ("def f(a, b):\n    if a:\n        return a + b\n    return a * b - 1\n", 70.0, "A"),
]


@pytest.mark.parametrize(("source", "mi", "rank"), MI_CASES)
def test_mi(project_of: ProjectOf, source: str, mi: float, rank: str) -> None:
    result = BY_NAME["mi"].collect(project_of({"m.py": source}))
    assert result.files["m.py"].mi == pytest.approx(mi, abs=10.0)
    assert result.files["m.py"].mi_rank == rank
    assert result.metrics.mi_avg == result.files["m.py"].mi


LINT_CASES = [
    ("import os\n", ["F401"]),
    ("def f(x):\n    if x == None:\n        return [y for y in x]\n", ["C416", "E711"]),
    ("try:\n    pass\nexcept:\n    pass\n", ["E722", "SIM105"]),
    ("import os  # noqa\n", []),
    ('"""Clean."""\n\nVALUE = 1\n', []),
]


@pytest.mark.parametrize(("source", "codes"), LINT_CASES)
def test_lint(project_of: ProjectOf, source: str, codes: list[str]) -> None:
    result = BY_NAME["lint"].collect(project_of({"m.py": source}))
    findings = result.findings.get("m.py", [])
    assert sorted(f.code for f in findings) == codes
    assert result.metrics.total == len(codes) == result.files["m.py"].lint_count
    assert result.metrics.noqa_comments == source.count("# noqa")


DEAD_CASES = [
    (
        {
            "a.py": "def used():\n    return 1\n\ndef unused():\n    return 2\n",
            "b.py": "from a import used\nused()\n",
        },
        [("a.py", "unused", "function", 60)],
    ),
    (
        {"a.py": "import os\n\nclass Gone:\n    pass\n"},
        [("a.py", "os", "import", 90), ("a.py", "Gone", "class", 60)],
    ),
    ({"a.py": "def f(x):\n    return x\n\nf(1)\n"}, []),
    (  # PEP 562: Python calls a module's __getattr__ / __dir__ itself
        {"a.py": "def __getattr__(name):\n    raise AttributeError(name)\n\ndef __dir__():\n    return []\n"},
        [],
    ),
]


@pytest.mark.parametrize(("files", "expected"), DEAD_CASES)
def test_dead_code(project_of: ProjectOf, files: dict[str, str], expected: list[tuple]) -> None:
    result = BY_NAME["dead_code"].collect(project_of(files))
    found = [(p, f.details.name, f.details.kind, f.details.confidence) for p, fs in result.findings.items() for f in fs]
    assert sorted(found) == sorted(expected)
    assert result.metrics.unused_symbols == len(expected)


BLOCK = """\
def compute(values):
    total = 0
    for value in values:
        if value > 10:
            total += value * 2
        else:
            total -= value
    return total
"""


@pytest.mark.parametrize(
    ("files", "duplicate_lines", "blocks"),
    [
        ({"a.py": BLOCK, "b.py": "import os\n\n" + BLOCK.replace("    ", "  ") + "# end\n"}, 16, 2),
        ({"a.py": BLOCK + "\n\n" + BLOCK.replace("compute", "compute_again")}, 14, 2),
        ({"a.py": BLOCK, "b.py": BLOCK.replace("total", "result")}, 0, 0),
        ({"a.py": "x = [\n" + "    1,\n" * 30 + "]\n"}, 0, 0),
    ],
)
def test_dupes(project_of: ProjectOf, files: dict[str, str], duplicate_lines: int, blocks: int) -> None:
    result = BY_NAME["dupes"].collect(project_of(files))
    assert result.metrics.duplicate_lines == duplicate_lines
    assert result.metrics.blocks == blocks
    for path, findings in result.findings.items():
        for finding in findings:
            assert finding.details.twin_path in files
            assert finding.details.end_line - finding.line >= 5, (path, finding)
