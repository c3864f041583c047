"""count_raw equals radon.raw.analyze, in linear time, and survives what radon raw cannot."""

from __future__ import annotations

import time

import pytest
from radon.raw import analyze

from vibe8_core.collectors.files import decode_source
from vibe8_core.collectors.raw_lines import Untokenizable, count_raw, raw_counts

from .conftest import SITE_PACKAGES

SNIPPETS = [
    "",
    "x = 1",
    "x = 1\n\n\n",
    "# only a comment\n\n# another\n\n",
    '"""Module docstring\nover two lines."""\n\nimport os\n',
    "'''one line'''\n",
    "if x: y = 1\nelse:\n    y = 2  # trailing\n",
    "a = 1; b = 2; c = 3\n",
    "total = (1 +\n         2 +\n\n         3)\n",
    "value = 1 + \\\n    2\n",
    "def f():\n    '''Doc.'''\n    return {\n        'a': 1,  # comment inside\n    }\n",
    "s = '''text\n\n  more'''\nt = f'{s}'\n",
    "class A: pass\nlambda: 0\nx = {k: v for k, v in y}\n",
    'print "python 2"\n',
]


@pytest.mark.parametrize("text", SNIPPETS)
def test_snippets_equal_radon(text: str) -> None:
    assert count_raw(text) == analyze(text)


@pytest.mark.parametrize("package", ["requests", "flask", "click", "jinja2", "yaml"])
def test_real_packages_equal_radon(package: str) -> None:
    for path in sorted((SITE_PACKAGES / package).rglob("*.py")):
        text, error = decode_source(path.read_bytes())
        assert error is None
        assert count_raw(text) == analyze(text), path


def test_a_huge_statement_is_counted_exactly_and_fast() -> None:
    text = "DATA = [\n" + "    'x',\n" * 50_000 + "]\n"
    started = time.monotonic()
    counts = count_raw(text)
    assert time.monotonic() - started < 5
    assert (counts.loc, counts.sloc, counts.lloc, counts.blank) == (50_002, 50_002, 1, 0)


@pytest.mark.parametrize(
    ("text", "note"),
    [
        ("x = (\n" + "1,\n" * 3100, "a statement of 3101 lines is too long for radon raw"),
        ("x = (\n1,\n", "radon raw failed (SyntaxError)"),
        ("x = $\n", "radon raw failed (SyntaxError)"),
    ],
)
def test_untokenizable_text_falls_back_to_plain_counts(text: str, note: str) -> None:
    with pytest.raises(Untokenizable):
        count_raw(text)
    counts, why = raw_counts(text, text.splitlines(), None)
    assert why == note
    assert counts.loc == len(text.splitlines())
