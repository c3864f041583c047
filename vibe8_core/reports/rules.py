"""What each rule is called, what it checks and where its documentation lives, asked of the tools
themselves: ruff's own rule catalogue (`ruff rule --all`), bandit's plugin and blacklist registry and
its documentation links, and Vibe8's own descriptions for the rules it defines."""

from __future__ import annotations

import importlib.metadata
import json
import logging
import re
import subprocess
import sys
import warnings
from dataclasses import dataclass
from functools import cache
from typing import Any

from ruff import find_ruff_bin

log = logging.getLogger(__name__)

TOOL_HOMES = {
    "ruff": "https://docs.astral.sh/ruff/",
    "bandit": "https://bandit.readthedocs.io/",
    "vulture": "https://github.com/jendrikseipp/vulture",
    "vibe8": None,
}
VIBE8_RULES = {
    "D100": ("missing-module-docstring", "A module with code has no docstring."),
    "D101": ("missing-class-docstring", "A public class has no docstring."),
    "D102": ("missing-method-docstring", "A public method has no docstring."),
    "D103": ("missing-function-docstring", "A public function has no docstring."),
    "DUP": ("duplicated-block", "At least 6 lines repeat elsewhere in the project (whitespace and comments aside)."),
    "CC": ("complex-block", "A function, method or class has cyclomatic complexity 11 or more (radon rank C-F)."),
}
_BANDIT_TITLE = re.compile(r"^(B\d{3}): (.+)$", re.MULTILINE)


@dataclass(frozen=True)
class RuleInfo:
    id: str
    name: str
    description: str
    help_uri: str | None


def tool_version(tool: str) -> str | None:
    try:
        return importlib.metadata.version(tool)
    except importlib.metadata.PackageNotFoundError:
        return None


@cache
def _ruff_catalogue() -> dict[str, tuple[str, str]]:
    """code -> (name, summary) of every ruff rule; {} if ruff cannot say (names then fall back)."""
    try:
        done = subprocess.run(
            [find_ruff_bin(), "rule", "--all", "--output-format", "json"],
            capture_output=True, text=True, timeout=60, check=True,
        )  # fmt: skip
        return {item["code"]: (item["name"], item["summary"]) for item in json.loads(done.stdout)}
    except (OSError, subprocess.SubprocessError, ValueError, KeyError, TypeError) as exc:
        log.warning("ruff's rule catalogue is unavailable (%s); rules are named by code", exc)
        return {}


def _ruff_rule(code: str, extra: dict[str, Any]) -> RuleInfo:
    name, summary = _ruff_catalogue().get(code, (code, f"ruff rule {code}."))
    url = extra.get("url")
    if not isinstance(url, str) or not url.startswith("https://"):
        url = f"https://docs.astral.sh/ruff/rules/{name}/" if code in _ruff_catalogue() else None
    return RuleInfo(code, name, summary, url)


@cache
def _bandit_registry() -> Any:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The verify_requirements argument", DeprecationWarning)
        from bandit.core import docs_utils, extension_loader
    return extension_loader.MANAGER, docs_utils.get_url


def _bandit_rule(code: str, extra: dict[str, Any]) -> RuleInfo:
    manager, get_url = _bandit_registry()
    name = str(extra.get("test_name") or code)
    description = ""
    if code in manager.blacklist_by_id:
        entry = manager.blacklist_by_id[code]
        name, description = entry["name"], entry["message"]
    elif code in manager.plugins_by_id:
        plugin = manager.plugins_by_id[code]
        name = plugin.name
        module = sys.modules.get(plugin.plugin.__module__)
        titles = dict(_BANDIT_TITLE.findall((module.__doc__ or "") if module else ""))
        description = titles.get(code, "")
    description = description or name.replace("_", " ").capitalize() + "."
    url = get_url(code)
    return RuleInfo(code, name, description, url if url.rstrip("/").endswith(".html") or "#" in url else None)


def rule_info(tool: str, code: str, extra: dict[str, Any]) -> RuleInfo:
    """The rule's name, one-line description and documentation link (None where the tool has none)."""
    if tool == "ruff":
        return _ruff_rule(code, extra)
    if tool == "bandit":
        return _bandit_rule(code, extra)
    if tool == "vulture":
        kind = code.removeprefix("unused-").replace("_", " ")
        return RuleInfo(code, code, f"vulture found an unused {kind} (confidence 60% or more).", TOOL_HOMES["vulture"])
    name, description = VIBE8_RULES.get(code, (code, f"Vibe8 rule {code}."))
    return RuleInfo(code, name, description, None)
