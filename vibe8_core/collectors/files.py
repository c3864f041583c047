"""Which files are analysed, and reading one of them into a `ParsedSource` (read, decode, parse once).

Only `*.py` files are analysed. Virtualenvs, VCS metadata, node_modules, build and cache folders are
skipped, as are symlinks (an upload must not point the engine outside its folder).
"""

from __future__ import annotations

import ast
import io
import os
import tokenize
import warnings
from pathlib import Path

from vibe8_core.collectors.base import ParsedSource

EXCLUDED_DIRS = frozenset(
    {
        ".git", ".hg", ".svn", ".bzr", "CVS", ".venv", "venv", "env", ".env", ".tox", ".nox", "node_modules",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".eggs", "build", "dist",
        "site-packages", ".ipynb_checkpoints", ".idea", ".vscode",
    }
)  # fmt: skip


def _is_excluded_dir(entry: os.DirEntry[str]) -> bool:
    if entry.name in EXCLUDED_DIRS or entry.name.endswith(".egg-info"):
        return True
    # A virtualenv under any name: it holds a pyvenv.cfg.
    return os.path.exists(os.path.join(entry.path, "pyvenv.cfg"))


def discover_python_files(root: Path) -> list[str]:
    """Sorted POSIX paths, relative to `root`, of every Python file that is analysed."""
    found: list[str] = []
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            if entry.is_symlink():
                continue
            if entry.is_dir():
                if not _is_excluded_dir(entry):
                    stack.append(Path(entry.path))
            elif entry.is_file() and entry.name.endswith(".py"):
                found.append(Path(entry.path).relative_to(root).as_posix())
    return sorted(found)


def decode_source(data: bytes) -> tuple[str, str | None]:
    """Text of a Python file as the interpreter would decode it (PEP 263), and why it could not be.

    Undecodable bytes are replaced so that line-based collectors can still use the file.
    """
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:  # undecodable bytes in the first two lines, or an unknown declared encoding
        return data.decode("utf-8", errors="replace"), f"undecodable bytes or bad encoding declaration ({exc})"
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        return data.decode("utf-8", errors="replace"), f"undecodable bytes ({encoding}): {exc}"
    return text.removeprefix("\ufeff"), None


def within_size(root: Path, paths: list[str], max_bytes: int) -> list[str]:
    """The paths no larger than `max_bytes` (larger files are named in errors and not analysed)."""
    kept = []
    for path in paths:
        try:
            if (root / path).stat().st_size <= max_bytes:
                kept.append(path)
        except OSError:
            continue
    return kept


def parse_source(text: str, path: str) -> tuple[ast.Module | None, str | None]:
    """The AST of `text`, or None and a one-line reason (syntax error, NUL bytes, too deep)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for invalid escapes in analysed code
            return ast.parse(text, filename=path), None
    except SyntaxError as exc:
        where = f" at line {exc.lineno}" if exc.lineno else ""
        return None, f"does not parse: syntax error{where} ({exc.msg})"
    except ValueError as exc:  # NUL bytes
        return None, f"does not parse ({exc})"
    except RecursionError as exc:
        return None, f"too deeply nested to parse: {type(exc).__name__}"
    except MemoryError:
        return None, "too large to parse within the memory limit (VIBE8_PROCESS_MAX_MB)"


def read_source(root: Path, path: str) -> ParsedSource:
    """Read, decode and parse one file once; the reason it cannot be parsed is kept, not raised."""
    abs_path = root / path
    data = abs_path.read_bytes()
    text, decode_error = decode_source(data)
    if decode_error:
        return ParsedSource(path, abs_path, text, None, decode_error, data)
    tree, parse_error = parse_source(text, path)
    return ParsedSource(path, abs_path, text, tree, parse_error, data)
