"""Text from analysed code (file names, messages, source lines) made safe to print on a terminal.

A stranger's file name or source line can hold escape sequences that recolour, retitle or rewrite
the terminal of whoever reads Vibe8's output (a CI log is read in terminals too), and bidirectional
controls that make a line read differently from what it is. They are shown as visible escapes.
"""

from __future__ import annotations

import re

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def for_terminal(text: str) -> str:
    """`text` with control characters shown as \\xNN / \\uNNNN (unchanged when there are none)."""
    return _UNSAFE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)
