"""The start-up self-check of the bandit visitor Vibe8 runs over the shared tree (issue #11, point 6).

`security.scan_tree` drives bandit's `BanditNodeVisitor` (bandit internals, not its public API) over the
tree Vibe8 parsed already, which saves a third of bandit's time. It is used only while it reports the same
issues as bandit's own `BanditManager` on a fixed insecure snippet; otherwise every file goes through the
manager, the failure is logged at ERROR once per process, and every run says so in an error entry.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from vibe8_core.collectors.base import ParsedSource
from vibe8_core.collectors.files import read_source

log = logging.getLogger(__name__)
# One issue of each kind bandit's visitor dispatches on: calls, imports, strings, asserts, except blocks.
SNIPPET = """\
import pickle
import subprocess


def run(command, data, password="hunter2"):
    subprocess.call(command, shell=True)
    eval(command)
    assert command
    try:
        return pickle.loads(data)
    except Exception:
        pass
    tmp = "/tmp/vibe8"
    return tmp
"""
FALLBACK_ERROR = (
    "security: bandit's tree visitor failed its start-up check against bandit's manager ({reason}); "
    "every file was scanned by bandit's manager instead (same figures, slower)."
)
# What a changed bandit can raise when driven through its internals: a changed signature or attribute.
EXPECTED_ERRORS = (TypeError, AttributeError, ValueError, KeyError, ImportError)

Scan = Callable[[ParsedSource], dict[str, Any]]


def _issues(section: dict[str, Any]) -> list[tuple[Any, ...]]:
    keys = ("test_id", "line", "column", "severity", "confidence", "message")
    return sorted(tuple(issue[key] for key in keys) for issue in section["issues"])


def check_visitor(scan_tree: Scan, scan_with_manager: Scan) -> str | None:
    """Why the visitor cannot be trusted (None when it reports exactly what the manager does)."""
    with tempfile.TemporaryDirectory(prefix="vibe8-bandit-check-") as folder:
        (Path(folder) / "snippet.py").write_text(SNIPPET, encoding="utf-8")
        source = read_source(Path(folder), "snippet.py")
        expected = _issues(scan_with_manager(source))
        try:
            found = _issues(scan_tree(source))
        except EXPECTED_ERRORS as exc:
            return f"{type(exc).__name__}: {exc}".splitlines()[0][:200]
    if not expected:
        return "bandit's manager found no issue in the insecure snippet"
    if found != expected:
        return f"{len(found)} issues instead of the manager's {len(expected)}"
    return None


@cache
def visitor_failure(scan_tree: Scan, scan_with_manager: Scan) -> str | None:
    """check_visitor, once per process; a failure is logged loudly."""
    reason = check_visitor(scan_tree, scan_with_manager)
    if reason is not None:
        log.error("bandit's tree visitor is not used: %s; falling back to bandit's manager", reason)
    return reason
