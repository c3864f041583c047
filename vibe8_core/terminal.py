"""The one place command-line output is made safe for a terminal.

Names from uploads and clones can hold escape sequences (ESC [ ...), other control characters, bidi
overrides and bytes that were not UTF-8 (lone surrogates). The CLI writes through `SafeStream`, so
every line it prints, whatever it quotes, shows such characters as visible `\\x1b`-style escapes and
never moves the cursor, recolours or retitles the terminal.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from typing import TextIO

# C0 controls but newline and tab, DEL, C1 controls, bidi marks/embeddings/overrides/isolates, lone surrogates.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# The same, newline and tab included: for one quoted value that must stay on its line.
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escaped(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with every character that could act on a terminal shown as an escape."""
    return _UNSAFE.sub(_escaped, text)


def one_line(text: str) -> str:
    """`printable`, with newlines and tabs escaped too: a quoted name or source line cannot start a line of its own."""
    return _UNSAFE_IN_LINE.sub(_escaped, text)


class SafeStream:
    """Wraps a text stream: everything written passes through `printable`."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(printable(text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def __getattr__(self, name: str) -> object:
        return getattr(self.stream, name)


@contextlib.contextmanager
def safe_output() -> Iterator[None]:
    """sys.stdout and sys.stderr through `SafeStream` for the `with` block (the CLI's whole run)."""
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = out, err
