"""The declared signal table: one example commit per signal, with the attribution it must get."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vibe8_core.collectors.signals import (
    DEFAULT_SIGNALS,
    Attribution,
    CommitInfo,
    SignalsFileError,
    classify,
    load_signals,
)
from vibe8_core.config import load_settings


def commit(
    message: str = "change things",
    author: tuple[str, str] = ("Ann", "ann@example.com"),
    committer: tuple[str, str] | None = None,
) -> CommitInfo:
    committer = committer or author
    return CommitInfo(author[0], author[1], committer[0], committer[1], message)


def trailer(line: str) -> CommitInfo:
    return commit(f"Fix the parser\n\nLonger text.\n\n{line}")


CASES = [
    # aider
    (commit(author=("Ann (aider)", "ann@example.com")), Attribution("ai", "aider")),
    (commit("aider: refactor the loop"), Attribution("ai", "aider")),
    (trailer("Co-authored-by: aider (openai/gpt-5.2) <aider@aider.chat>"),
     Attribution("ai", "aider", "openai/gpt-5.2")),
    (trailer("Co-authored-by: aider (vertex_ai/gemini-2.5-pro) <noreply@aider.dev>"),
     Attribution("ai", "aider", "vertex_ai/gemini-2.5-pro")),
    (commit(committer=("Ann (aider)", "ann@example.com")), Attribution("human")),  # committer only: her own edits
    # Claude Code
    (trailer("Co-Authored-By: Claude Opus 4.6 <noreply@anthropic.com>"),
     Attribution("ai", "claude-code", "Claude Opus 4.6")),
    (trailer("Co-Authored-By: Claude Opus 4.7 (1M context) <noreply@anthropic.com>"),
     Attribution("ai", "claude-code", "Claude Opus 4.7")),
    (trailer("Co-Authored-By: Claude <noreply@anthropic.com>"), Attribution("ai", "claude-code")),
    (trailer("Co-Authored-By: Any Name Drifts <NoReply@Anthropic.com>"), Attribution("ai", "claude-code")),
    (commit("Fix\n\n🤖 Generated with [Claude Code](https://claude.ai/code)"), Attribution("ai", "claude-code")),
    (commit(author=("claude[bot]", "209825114+claude[bot]@users.noreply.github.com")),
     Attribution("ai", "claude-code")),
    # OpenAI Codex
    (trailer("Co-authored-by: Codex <noreply@openai.com>"), Attribution("ai", "codex")),
    (commit(author=("chatgpt-codex-connector[bot]", "199175422+chatgpt-codex-connector[bot]@users.noreply.github.com")),
     Attribution("ai", "codex")),
    # GitHub Copilot
    (commit(author=("copilot-swe-agent[bot]", "198982749+Copilot@users.noreply.github.com")),
     Attribution("ai", "copilot")),
    (commit(author=("Copilot", "198982749+Copilot@users.noreply.github.com")), Attribution("ai", "copilot")),
    (commit(author=("copilot-swe-agent[bot]", "x@example.com")), Attribution("ai", "copilot")),
    (trailer("Co-authored-by: Copilot <copilot@github.com>"), Attribution("ai", "copilot")),
    # Cursor
    (commit(author=("Cursor Agent", "cursoragent@cursor.com")), Attribution("ai", "cursor")),
    (trailer("Co-authored-by: Cursor Agent <cursoragent@cursor.com>"), Attribution("ai", "cursor")),
    (trailer("Made-with: Cursor"), Attribution("ai", "cursor")),
    # Devin, Jules, Factory, Assisted-by
    (commit(author=("devin-ai-integration[bot]", "158243242+devin-ai-integration[bot]@users.noreply.github.com")),
     Attribution("ai", "devin")),
    (commit(author=("google-labs-jules[bot]", "161369871+google-labs-jules[bot]@users.noreply.github.com")),
     Attribution("ai", "jules")),
    (commit(author=("factory-droid[bot]", "138933559+factory-droid[bot]@users.noreply.github.com")),
     Attribution("ai", "factory")),
    (trailer("Assisted-by: Claude:claude-sonnet-4"), Attribution("ai", "claude", "claude-sonnet-4")),
    (trailer("Assisted-by: gemini-cli"), Attribution("ai", "gemini-cli")),
    # automation
    (commit(author=("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com")),
     Attribution("automation", "dependabot")),
    (commit(author=("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com")),
     Attribution("automation", "renovate")),
    (commit(author=("pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com")),
     Attribution("automation", "pre-commit-ci")),
    (commit(author=("some-linter[bot]", "1+some-linter[bot]@users.noreply.github.com")),
     Attribution("automation", "bot")),
    # people
    (commit(), Attribution("human")),
    (commit("Explain why Co-authored-by lines matter"), Attribution("human")),
    (trailer("Co-authored-by: Bob <bob@example.com>"), Attribution("human")),
]  # fmt: skip


@pytest.mark.parametrize(("info", "expected"), CASES)
def test_signal(info: CommitInfo, expected: Attribution) -> None:
    assert classify(info) == expected


def test_the_email_decides_before_the_name() -> None:
    """A Copilot e-mail under a display name that mentions aider is Copilot's."""
    info = commit(author=("helper (aider)", "198982749+Copilot@users.noreply.github.com"))
    assert classify(info) == Attribution("ai", "copilot")


def test_a_squash_merge_with_a_model_later_keeps_the_first_tool_and_finds_its_model() -> None:
    info = commit(
        "Squash\n\nCo-authored-by: aider <aider@aider.chat>\nCo-authored-by: aider (gpt-5) <aider@aider.chat>"
    )
    assert classify(info) == Attribution("ai", "aider", "gpt-5")


def test_a_deployment_adds_signals_by_configuration(tmp_path: Path) -> None:
    extra = tmp_path / "signals.json"
    extra.write_text(json.dumps([{"kind": "ai", "tool": "in-house", "field": "trailer", "pattern": "x-agent: .*"}]))
    settings = load_settings({"VIBE8_AUTHORSHIP_SIGNALS": str(extra)})
    signals = load_signals(settings.engine.authorship_signals)
    assert signals[0].tool == "in-house" and signals[1:] == DEFAULT_SIGNALS  # the deployment's come first
    assert classify(trailer("X-Agent: v2"), signals) == Attribution("ai", "in-house")
    assert classify(trailer("X-Agent: v2")) == Attribution("human")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "cannot be read"),
        ('{"kind": "ai"}', "must hold a JSON list"),
        ('[{"kind": "ai", "tool": "t", "field": "subject"}]', "exactly kind, tool, field and pattern"),
        ('[{"kind": "robot", "tool": "t", "field": "subject", "pattern": "x"}]', "unknown kind or field"),
        ('[{"kind": "ai", "tool": "t", "field": "subject", "pattern": "("}]', "bad pattern"),
    ],
)
def test_a_bad_signals_file_is_one_sentence(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "signals.json"
    path.write_text(content)
    with pytest.raises(SignalsFileError, match=message):
        load_signals(path)
