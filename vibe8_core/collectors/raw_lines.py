"""radon raw's line counts (loc, lloc, sloc, comments, multi, blank) in linear time.

radon's `analyze` strips every line and, for each statement, re-tokenizes a buffer that grows by one
line until it tokenizes: quadratic in the statement's length (a generated 30,000-line literal takes
hours). `count_raw` reaches the same chunks with a single tokenization of the same stripped text — a
chunk ends where that tokenizer is back at bracket depth 0 with a NEWLINE or NL — and then applies
radon's rules to each chunk unchanged. The tests check it equals `radon.raw.analyze` on real packages.

Text this cannot tokenize (an unclosed bracket or string, error tokens) goes to radon's own `analyze`
when no statement is too long for it, and is otherwise counted by plain line rules; the reason is
returned so the analysis names it in `errors`.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Iterator

from radon.raw import Module, analyze

MAX_RADON_SPAN = 3000  # physical lines of one statement radon's own analyze is trusted with (about 10 s)
OPENING, CLOSING = frozenset("([{"), frozenset(")]}")
LINE_ENDS = (tokenize.NL, tokenize.NEWLINE)
ENDMARKER = tokenize.TokenInfo(tokenize.ENDMARKER, "", (0, 0), (0, 0), "")


class Untokenizable(ValueError):
    """The stripped text does not tokenize cleanly, so radon's chunking cannot be reproduced in one pass."""


def _chunks(lines: list[str]) -> Iterator[tuple[list[tokenize.TokenInfo], int, int]]:
    """(tokens, first row, last row) of each chunk radon would tokenize on its own."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline))
    except (tokenize.TokenError, SyntaxError) as exc:
        raise Untokenizable(str(exc)) from None
    depth, current, first_row = 0, [], 1
    for token in tokens:
        if token.type == tokenize.ERRORTOKEN:
            raise Untokenizable(f"error token at line {token.start[0]}")
        if token.type == tokenize.ENDMARKER:
            break
        current.append(token)
        if token.type == tokenize.OP:
            depth += (token.string in OPENING) - (token.string in CLOSING)
        elif token.type in LINE_ENDS and depth <= 0:
            yield current, first_row, token.start[0]
            current, first_row = [], token.start[0] + 1
    if current:
        first_row = current[-1].end[0] + 1
        yield current, current[0].start[0], current[-1].end[0]
    # Trailing empty lines produce no token; radon takes each as a chunk of its own.
    for row in range(first_row, len(lines) + 1):
        yield [], row, row


def _is_single(kind: int, tokens: list[tokenize.TokenInfo]) -> bool:
    """radon's is_single_token: one token of `kind`, then only line ends and the end marker."""
    return tokens[0].type == kind and all(t.type in (*LINE_ENDS, tokenize.ENDMARKER) for t in tokens[1:])


def _logical_lines(tokens: list[tokenize.TokenInfo]) -> int:
    """radon's logical-line rule: per `;`-separated part, 2 when a `:` is followed by code, else 1 (0 if empty)."""
    parts: list[list[tokenize.TokenInfo]] = [[]]
    for token in tokens:
        if token.type == tokenize.OP and token.string == ";":
            parts.append([])
        else:
            parts[-1].append(token)
    count = 0
    for part in parts:
        kept = [t for t in part if t.type not in (tokenize.COMMENT, *LINE_ENDS)]
        colons = [i for i, t in enumerate(kept) if t.type == tokenize.OP and t.string == ":"]
        if colons:
            count += 2 - (colons[-1] == len(kept) - 2)
        elif any(t.type != tokenize.ENDMARKER for t in kept):
            count += 1
    return count


def count_raw(text: str) -> Module:
    """radon.raw.analyze(text), computed with one tokenization; Untokenizable where radon would differ."""
    lines = [line.strip() for line in text.splitlines()]
    lloc = comments = single_comments = multi = blank = sloc = 0
    for chunk, first, last in _chunks(lines):
        tokens = [*chunk, ENDMARKER]
        parsed = lines[first - 1 : last]
        nonblank = sum(1 for line in parsed if line)
        comments += sum(1 for t in tokens if t.type == tokenize.COMMENT)
        lone_string = _is_single(tokenize.STRING, tokens)
        if _is_single(tokenize.COMMENT, tokens) or lone_string and tokens[0].start[0] == tokens[0].end[0]:
            single_comments += 1  # radon counts one-line docstrings with the comments
        elif lone_string:
            multi += nonblank
            blank += len(parsed) - nonblank
        else:
            sloc += nonblank
            blank += len(parsed) - nonblank
        lloc += _logical_lines(tokens)
    return Module(sloc + blank + multi + single_comments, lloc, sloc, comments, multi, blank, single_comments)


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
    return Module(len(lines), sloc, sloc, comments, 0, blank, comments)


def raw_counts(text: str, lines: list[str], tree: ast.Module | None) -> tuple[Module, str | None]:
    """radon raw's counts of `text` and, when plain line rules had to replace them, why."""
    try:
        return count_raw(text), None
    except Untokenizable:
        pass
    span = longest_simple_statement(tree) if tree is not None else len(lines)
    if span > MAX_RADON_SPAN:
        return plain_line_counts(lines), f"a statement of {span} lines is too long for radon raw"
    try:
        return analyze(text), None
    except (SyntaxError, ValueError, RecursionError) as exc:  # radon's tokenizer on broken code
        return plain_line_counts(lines), f"radon raw failed ({type(exc).__name__})"
