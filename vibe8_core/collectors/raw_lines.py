"""radon raw's line counts, guarded against the inputs on which radon raw never finishes.

radon's `analyze` re-tokenizes a growing buffer for every physical line of a multi-line statement,
which is quadratic in the statement's length: a generated 30,000-line literal takes hours. Files with
a simple statement longer than MAX_RADON_SPAN lines, and unparseable files longer than that (an
unclosed bracket makes the rest of the file one statement), are counted by plain line rules instead
(`plain_line_counts`), and the reason is returned so the analysis names it in `errors`.
"""

from __future__ import annotations

import ast

from radon.raw import Module, analyze

MAX_RADON_SPAN = 3000  # physical lines of one simple statement radon raw is trusted with (about 10 s)


def longest_simple_statement(tree: ast.Module) -> int:
    """Physical lines of the longest statement without a body (an assignment, a call, a docstring ...)."""
    longest = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and not hasattr(node, "body"):
            longest = max(longest, (node.end_lineno or node.lineno) - node.lineno + 1)
    return longest


def plain_line_counts(lines: list[str]) -> Module:
    """Counts by plain rules: blank lines, lines holding only a comment, and the rest as code."""
    blank = sum(1 for line in lines if not line.strip())
    comments = sum(1 for line in lines if line.strip().startswith("#"))
    sloc = len(lines) - blank - comments
    return Module(
        loc=len(lines), lloc=sloc, sloc=sloc, comments=comments, multi=0, blank=blank, single_comments=comments
    )


def raw_counts(text: str, lines: list[str], tree: ast.Module | None) -> tuple[Module, str | None]:
    """radon.raw.analyze(text) where it is safe and succeeds, else plain counts and why."""
    span = longest_simple_statement(tree) if tree is not None else len(lines)
    if span > MAX_RADON_SPAN:
        return plain_line_counts(lines), f"a statement of {span} lines is too long for radon raw"
    try:
        return analyze(text), None
    except (SyntaxError, ValueError, RecursionError) as exc:  # radon's tokenizer on broken code
        return plain_line_counts(lines), f"radon raw failed ({type(exc).__name__})"
