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
from dataclasses import dataclass
from itertools import accumulate

from radon.raw import Module, analyze

MAX_RADON_SPAN = 3000  # physical lines of one statement radon's own analyze is trusted with (about 10 s)
OPENING, CLOSING = frozenset("([{"), frozenset(")]}")
LINE_ENDS = (tokenize.NL, tokenize.NEWLINE)


class Untokenizable(ValueError):
    """The stripped text does not tokenize cleanly, so radon's chunking cannot be reproduced in one pass."""


@dataclass
class _Chunk:
    """What radon's rules need to know of one chunk, gathered while its tokens stream past."""

    first_row: int = 1
    size: int = 0  # tokens so far
    lead_type: int = tokenize.ENDMARKER  # the first token's type
    lead_rows: tuple[int, int] = (0, 0)  # the first token's first and last row
    lone: bool = True  # nothing but line ends after the first token
    comments: int = 0
    lloc: int = 0  # logical lines of the `;`-separated parts already closed
    kept: int = 0  # the current part's tokens that are not comments or line ends
    last_colon: int = -1  # index among those of the current part's last `:`
    has_code: bool = False

    def close_part(self) -> None:
        """radon's logical-line rule for one `;`-separated part: 2 when a `:` is followed by code, else 1."""
        if self.last_colon >= 0:
            self.lloc += 2 - (self.last_colon == self.kept - 2)
        elif self.has_code:
            self.lloc += 1
        self.kept, self.last_colon, self.has_code = 0, -1, False

    def add(self, token: tokenize.TokenInfo) -> None:
        kind = token.type
        if self.size == 0:
            self.lead_type, self.lead_rows = kind, (token.start[0], token.end[0])
        elif kind not in LINE_ENDS:
            self.lone = False
        self.size += 1
        if kind == tokenize.COMMENT:
            self.comments += 1
        elif kind == tokenize.OP and token.string == ";":
            self.close_part()
        elif kind not in LINE_ENDS:
            if kind == tokenize.OP and token.string == ":":
                self.last_colon = self.kept
            self.kept += 1
            self.has_code = True


class _Totals:
    """radon raw's counters, fed one chunk at a time."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.nonblank_before = list(accumulate((1 if line else 0 for line in lines), initial=0))
        self.lloc = self.comments = self.single_comments = self.multi = self.blank = self.sloc = 0

    def add(self, chunk: _Chunk, last_row: int) -> None:
        chunk.kept += 1  # radon tokenizes each chunk on its own: its end marker joins the last part
        chunk.close_part()
        self.lloc += chunk.lloc
        self.comments += chunk.comments
        rows = last_row - chunk.first_row + 1
        nonblank = self.nonblank_before[last_row] - self.nonblank_before[chunk.first_row - 1]
        single = chunk.size > 0 and chunk.lone
        lone_string = single and chunk.lead_type == tokenize.STRING
        if single and chunk.lead_type == tokenize.COMMENT or lone_string and chunk.lead_rows[0] == chunk.lead_rows[1]:
            self.single_comments += 1  # radon counts one-line docstrings with the comments
        elif lone_string:
            self.multi += nonblank
            self.blank += rows - nonblank
        else:
            self.sloc += nonblank
            self.blank += rows - nonblank

    def module(self) -> Module:
        loc = self.sloc + self.blank + self.multi + self.single_comments
        return Module(loc, self.lloc, self.sloc, self.comments, self.multi, self.blank, self.single_comments)


def count_raw(text: str) -> Module:
    """radon.raw.analyze(text), computed with one tokenization; Untokenizable where radon would differ.

    A chunk (what radon tokenizes on its own) ends where the tokenizer is back at bracket depth 0 with
    a NEWLINE or NL; radon's rules are applied to each chunk's tokens as they stream past."""
    lines = [line.strip() for line in text.splitlines()]
    totals = _Totals(lines)
    depth, chunk, last_end = 0, _Chunk(), 0
    try:
        for token in tokenize.generate_tokens(io.StringIO("\n".join(lines)).readline):
            kind = token.type
            if kind == tokenize.ENDMARKER:
                break
            if kind == tokenize.ERRORTOKEN:
                raise Untokenizable(f"error token at line {token.start[0]}")
            chunk.add(token)
            last_end = token.end[0]
            if kind == tokenize.OP:
                depth += (token.string in OPENING) - (token.string in CLOSING)
            elif kind in LINE_ENDS and depth <= 0:
                row = token.start[0]
                totals.add(chunk, row)
                chunk = _Chunk(first_row=row + 1)
    except (tokenize.TokenError, SyntaxError) as exc:
        raise Untokenizable(str(exc)) from None
    next_row = chunk.first_row
    if chunk.size:
        next_row = last_end + 1
        chunk.first_row = chunk.lead_rows[0]
        totals.add(chunk, last_end)
    # Trailing empty lines produce no token; radon takes each as a chunk of its own.
    for row in range(next_row, len(lines) + 1):
        totals.add(_Chunk(first_row=row), row)
    return totals.module()


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
