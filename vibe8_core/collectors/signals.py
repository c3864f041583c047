"""Who wrote a commit: the declared signals that mark a commit as AI-written, automation or human.

AI coding tools leave self-declared marks in git: an author identity, a `Co-authored-by` trailer, a
`Made-with:` / `Assisted-by:` trailer, a subject prefix. The table below declares them, e-mail addresses
first (display names drift), then names, then trailers and message lines, then subjects. Each signal is
a case-insensitive regular expression matched in full against one field of the commit; the named groups
`tool` and `model` (when present and matched) override the signal's tool and name the model. A
deployment adds signals with a JSON file (`VIBE8_AUTHORSHIP_SIGNALS`, see .env.example); they are
tried before the built-in ones. A commit with no signal is human: only what the tools declared counts.

aider's committer-only mark is deliberately absent: aider also commits a person's own pending edits
with the person as author and "(aider)" appended to the committer name only; those lines are human.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

Kind = Literal["ai", "automation", "human"]
FIELDS = ("author_email", "author_name", "committer_email", "committer_name", "coauthor", "trailer", "line", "subject")
_TRAILER = re.compile(r"^\s*([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*?)\s*$")
_COAUTHOR_KEY = "co-authored-by"
_GITHUB_BOT_EMAIL = r"(?:\d+\+)?{name}@users\.noreply\.github\.com"


@dataclass(frozen=True)
class Signal:
    """One declared mark: `pattern` matched in full against `field` makes the commit `kind`, by `tool`."""

    kind: Literal["ai", "automation"]
    tool: str
    field: str
    pattern: str

    @property
    def regex(self) -> re.Pattern[str]:
        return _compiled(self.pattern)


@dataclass(frozen=True)
class CommitInfo:
    """What the signals look at: the identities and the whole message of one commit."""

    author_name: str
    author_email: str
    committer_name: str
    committer_email: str
    message: str


@dataclass(frozen=True)
class Attribution:
    kind: Kind
    tool: str | None = None
    model: str | None = None


HUMAN = Attribution("human")


@cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE | re.DOTALL)


def _bot(kind: Literal["ai", "automation"], tool: str, login: str) -> tuple[Signal, Signal]:
    """A GitHub App identity: its noreply e-mail address and its display name."""
    name = re.escape(f"{login}[bot]")
    return Signal(kind, tool, "author_email", _GITHUB_BOT_EMAIL.format(name=name)), Signal(
        kind, tool, "author_name", name
    )


_AI_BOTS = (
    ("claude-code", "claude"),
    ("codex", "chatgpt-codex-connector"),
    ("copilot", "copilot-swe-agent"),
    ("devin", "devin-ai-integration"),
    ("jules", "google-labs-jules"),
    ("factory", "factory-droid"),
)
_AUTOMATION_BOTS = ("dependabot", "renovate", "pre-commit-ci", "github-actions")
_EMAIL_SIGNALS = (
    Signal("ai", "copilot", "author_email", r"\d+\+copilot@users\.noreply\.github\.com"),
    Signal("ai", "cursor", "author_email", r"cursoragent@cursor\.com"),
    *(signal for tool, login in _AI_BOTS for signal in _bot("ai", tool, login)[:1]),
    *(signal for login in _AUTOMATION_BOTS for signal in _bot("automation", login, login)[:1]),
    Signal("automation", "bot", "author_email", r"(?:\d+\+)?[^@]*\[bot\]@users\.noreply\.github\.com"),
    # Co-authors are "NAME <EMAIL>": the e-mail address decides, the display name only names the model.
    Signal("ai", "aider", "coauthor",
           r"(?:aider \((?P<model>[^)]+)\)|.*?)\s*<(?:aider@aider\.chat|noreply@aider\.dev)>"),
    Signal("ai", "claude-code", "coauthor",
           r"(?:(?P<model>claude [^<(\s][^<(]*?)\s*(?:\([^)]*\))?|.*?)\s*<noreply@anthropic\.com>"),
    Signal("ai", "codex", "coauthor", r".*<noreply@openai\.com>"),
    Signal("ai", "copilot", "coauthor", r".*<(?:copilot@github\.com|(?:\d+\+)?copilot@users\.noreply\.github\.com)>"),
    Signal("ai", "cursor", "coauthor", r".*<cursoragent@cursor\.com>"),
)  # fmt: skip
_NAME_SIGNALS = (
    Signal("ai", "aider", "author_name", r".*\(aider\)"),
    *(signal for tool, login in _AI_BOTS for signal in _bot("ai", tool, login)[1:]),
    *(signal for login in _AUTOMATION_BOTS for signal in _bot("automation", login, login)[1:]),
    Signal("automation", "bot", "author_name", r".*\[bot\]"),
)
_MESSAGE_SIGNALS = (
    Signal("ai", "cursor", "trailer", r"made-with: cursor"),
    Signal("ai", "assisted-by", "trailer", r"assisted-by: (?P<tool>[^:\s]+)(?:\s*:\s*(?P<model>.+))?"),
    Signal("ai", "claude-code", "line", r".*generated with \[claude code\].*"),
    Signal("ai", "aider", "subject", r"aider: .*"),
)
DEFAULT_SIGNALS: tuple[Signal, ...] = (*_EMAIL_SIGNALS, *_NAME_SIGNALS, *_MESSAGE_SIGNALS)


class SignalsFileError(ValueError):
    """The configured signals file cannot be used; the message says why in one sentence."""


def load_signals(path: Path | None) -> tuple[Signal, ...]:
    """The deployment's signals from `path` (a JSON list of {kind, tool, field, pattern}), then the defaults."""
    if path is None:
        return DEFAULT_SIGNALS
    try:
        items = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SignalsFileError(f"The authorship signals file {path} cannot be read ({exc}).") from None
    if not isinstance(items, list):
        raise SignalsFileError(f"The authorship signals file {path} must hold a JSON list.")
    extra = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict) or set(item) != {"kind", "tool", "field", "pattern"}:
            raise SignalsFileError(f"Signal {number} in {path} must have exactly kind, tool, field and pattern.")
        if item["kind"] not in ("ai", "automation") or item["field"] not in FIELDS:
            raise SignalsFileError(f"Signal {number} in {path} has an unknown kind or field.")
        try:
            _compiled(str(item["pattern"]))
        except re.error as exc:
            raise SignalsFileError(f"Signal {number} in {path} has a bad pattern ({exc}).") from None
        extra.append(Signal(item["kind"], str(item["tool"]), item["field"], str(item["pattern"])))
    return (*extra, *DEFAULT_SIGNALS)


def _field_values(commit: CommitInfo) -> dict[str, list[str]]:
    """Every value each field takes: trailers and co-authors may be many (squash merges gather them)."""
    lines = commit.message.splitlines()
    trailers, coauthors = [], []
    for line in lines[1:]:
        match = _TRAILER.match(line)
        if match is None:
            continue
        key, value = match.group(1).lower(), match.group(2)
        trailers.append(f"{key}: {value}")
        if key == _COAUTHOR_KEY:
            coauthors.append(value)
    return {
        "author_email": [commit.author_email.strip()],
        "author_name": [commit.author_name.strip()],
        "committer_email": [commit.committer_email.strip()],
        "committer_name": [commit.committer_name.strip()],
        "coauthor": coauthors,
        "trailer": trailers,
        "line": [line.strip() for line in lines],
        "subject": [lines[0].strip()] if lines else [],
    }


def classify(commit: CommitInfo, signals: tuple[Signal, ...] = DEFAULT_SIGNALS) -> Attribution:
    """ai (tool, model) when any AI signal matches, else automation when a bot signal does, else human.

    The first AI signal in table order names the tool; the model comes from the first signal of that
    tool that names one."""
    values = _field_values(commit)
    ai: Attribution | None = None
    automation: Attribution | None = None
    for signal in signals:
        for value in values[signal.field]:
            match = signal.regex.fullmatch(value)
            if match is None:
                continue
            groups = match.groupdict()
            tool = (groups.get("tool") or signal.tool).strip().lower()
            model = (groups.get("model") or "").strip() or None
            if signal.kind == "automation":
                automation = automation or Attribution("automation", tool)
            elif ai is None or (ai.model is None and model and tool == ai.tool):
                ai = Attribution("ai", tool, model)
    return ai or automation or HUMAN
