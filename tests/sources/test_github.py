"""Repository URLs and branch names: hostile input is refused, good input is rebuilt canonically."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from vibe8_core.config import SourceSettings, load_settings
from vibe8_core.sources import SourceError, normalize_github_url, validate_branch
from vibe8_core.sources.gitconfig import clone_command, isolated_git_env, url_rewrites

HOSTILE_URLS = [
    ("--upload-pack=touch /tmp/pwned", "spaces"),
    ("--upload-pack=x", "Only https://"),
    ("ext::sh -c touch% /tmp/pwned", "spaces"),
    ("ext::sh", "Only https://"),
    ("file:///etc/passwd", "Only https://"),
    ("file://github.com/octo/demo", "Only https://"),
    ("ssh://git@github.com/octo/demo", "Only https://"),
    ("git@github.com:octo/demo.git", "Only https://"),
    ("git://github.com/octo/demo", "Only https://"),
    ("http://github.com/octo/demo", "Only https://"),
    ("/srv/repos/demo", "Only https://"),
    ("https://github.com@evil.com/x/y", "user name or password"),
    ("https://user:token@github.com/octo/demo", "user name or password"),
    ("https://evil.com/github.com/x/y", "Only repositories on github.com"),
    ("https://github.com.evil.com/octo/demo", "Only repositories on github.com"),
    ("https://github.com./octo/demo", "Only repositories on github.com"),
    ("https:///github.com/octo/demo", "Only repositories on github.com"),
    ("https://github.com:443/octo/demo", "port"),
    ("https://github.com:22/octo/demo", "port"),
    ("https://github.com/octo/demo?ref=main", "query string"),
    ("https://github.com/octo/demo#readme", "fragment"),
    ("https://github.com/octo/demo/tree/main", "exactly the form"),
    ("https://github.com/octo", "exactly the form"),
    ("https://github.com/", "exactly the form"),
    ("https://github.com//demo", "owner"),
    ("https://github.com/octo//demo", "exactly the form"),
    ("https://github.com/octo/demo/../../evil/x", "exactly the form"),
    ("https://github.com/octo/..", "repository name"),
    ("https://github.com/octo/.", "repository name"),
    ("https://github.com/-octo/demo", "owner"),
    ("https://github.com/octo/-demo", "repository name"),
    ("https://github.com/oc%74o/demo", "percent-encoded"),
    ("https://github.com/octo/demo%2F..", "percent-encoded"),
    ("https://github.com/octo/de mo", "spaces"),
    ("https://github.com/octo/de\nmo", "control characters"),
    ("https://github.com/octo/de\x00mo", "control characters"),
    ("https://github.com\\@evil.com/octo/demo", "backslashes"),
    ("https://github.com/octo/dé", "repository name"),
    ("", "Enter a repository URL"),
]


@pytest.mark.parametrize(("url", "expected"), HOSTILE_URLS)
def test_hostile_repository_url_is_refused(url: str, expected: str) -> None:
    with pytest.raises(SourceError, match=expected) as refused:
        normalize_github_url(url, SourceSettings())
    message = str(refused.value)
    assert message.endswith(".") and "\n" not in message


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://github.com/octo/demo", "https://github.com/octo/demo"),
        ("https://github.com/octo/demo.git", "https://github.com/octo/demo"),
        ("https://github.com/octo/demo/", "https://github.com/octo/demo"),
        ("  https://GitHub.com/Octo-Cat/my.repo_1  ", "https://github.com/Octo-Cat/my.repo_1"),
        ("HTTPS://github.com/octo/demo.git/", "https://github.com/octo/demo"),
    ],
)
def test_good_repository_url_is_rebuilt(url: str, canonical: str) -> None:
    assert normalize_github_url(url, SourceSettings()) == canonical


def test_other_hosts_only_by_configuration() -> None:
    settings = load_settings({"VIBE8_GIT_ALLOWED_HOSTS": "github.com, gitlab.example.org"}).sources
    assert normalize_github_url("https://gitlab.example.org/team/tool", settings) == (
        "https://gitlab.example.org/team/tool"
    )
    with pytest.raises(SourceError, match="Only repositories on github.com"):
        normalize_github_url("https://gitlab.example.org/team/tool", SourceSettings())


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("-b", "must not start with '-'"),
        ("--upload-pack=touch", "must not start with '-'"),
        ("main..evil", "not a valid git branch name"),
        ("@{-1}", "not a valid git branch name"),
        ("feature branch", "spaces"),
        ("feat\nure", "control characters"),
        ("x" * 300, "at most 255"),
        ("", "Enter the name of the branch"),
        ("release~1", "not a valid git branch name"),
        ("topic^", "not a valid git branch name"),
        ("a:b", "not a valid git branch name"),
        ("feature.lock", "not a valid git branch name"),
        ("feature/", "not a valid git branch name"),
        ("/feature", "not a valid git branch name"),
        ("what?", "not a valid git branch name"),
        ("star*", "not a valid git branch name"),
        ("open[", "not a valid git branch name"),
        ("back\\slash", "not a valid git branch name"),
        ("HEAD", "not a valid git branch name"),
    ],
)
def test_invalid_branch_is_refused(branch: str, expected: str) -> None:
    with pytest.raises(SourceError, match=expected):
        validate_branch(branch)


@pytest.mark.parametrize("branch", ["main", "feature/x-1", "release-2.0", "user@host", "v1.2.3_rc"])
def test_valid_branch_is_accepted(branch: str) -> None:
    assert validate_branch(branch) == branch


@pytest.mark.parametrize(
    "item",
    [
        "core.sshCommand=touch /tmp/pwned",
        "core.fsmonitor=touch /tmp/pwned",
        "protocol.ext.allow=always",
        "url.ext::sh -c touch.insteadOf=https://github.com/",
        "url.ssh://git@evil.com/.insteadOf=https://github.com/",
        "url.https://mirror.example/.pushInsteadOf=https://github.com/",
        "url..insteadOf=https://github.com/",
        "url.file:///srv/.insteadOf=",
        "url.file:///srv/.insteadOf",
    ],
)
def test_extra_git_config_allows_only_url_rewrites(item: str) -> None:
    with pytest.raises(SourceError, match="git_extra_config"):
        url_rewrites(replace(SourceSettings(), git_extra_config=(item,)))


def test_production_default_allows_only_https(tmp_path: Path) -> None:
    dest = tmp_path / "repo"
    command, protocols = clone_command("https://github.com/octo/demo", "main", dest, SourceSettings())
    assert protocols == ()
    assert isolated_git_env(tmp_path, protocols)["GIT_ALLOW_PROTOCOL"] == "https"
    assert "protocol.file.allow=always" not in command
    assert command[-3:] == ["--end-of-options", "https://github.com/octo/demo", str(dest)]


def test_https_mirror_rewrite_does_not_widen_protocols() -> None:
    settings = replace(
        SourceSettings(), git_extra_config=("url.https://mirror.example/.insteadOf=https://github.com/",)
    )
    assert url_rewrites(settings) == (["url.https://mirror.example/.insteadOf=https://github.com/"], ())


def test_local_rewrite_enables_the_file_protocol() -> None:
    settings = replace(SourceSettings(), git_extra_config=("url./srv/repos/.insteadOf=https://github.com/",))
    options, protocols = url_rewrites(settings)
    assert protocols == ("file",)
    assert options == ["url./srv/repos/.insteadOf=https://github.com/"]
    assert isolated_git_env("/tmp", protocols)["GIT_ALLOW_PROTOCOL"] == "https:file"


def test_git_runs_with_an_environment_built_from_scratch(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GIT_CONFIG_PARAMETERS", "'core.fsmonitor'='touch /tmp/pwned'")
    monkeypatch.setenv("GIT_SSH_COMMAND", "touch /tmp/pwned")
    monkeypatch.setenv("GIT_DIR", "/somewhere/else")
    env = isolated_git_env(tmp_path)
    assert not {"GIT_CONFIG_PARAMETERS", "GIT_SSH_COMMAND", "GIT_DIR"} & set(env)
    assert env["HOME"] == str(tmp_path)
    expected = {
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": "/dev/null",
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_ASKPASS": "/bin/true",
        "GIT_LFS_SKIP_SMUDGE": "1",
        "GIT_ALLOW_PROTOCOL": "https",
    }
    assert {name: env[name] for name in expected} == expected


def test_clone_command_switches_off_everything_that_runs_programs(tmp_path: Path) -> None:
    command, _ = clone_command("https://github.com/octo/demo", "dev", tmp_path / "repo", SourceSettings())
    options = {command[index + 1] for index, word in enumerate(command) if word == "-c"}
    assert options >= {
        "protocol.allow=never",
        "protocol.https.allow=always",
        "core.hooksPath=/dev/null",
        "core.fsmonitor=false",
        "core.symlinks=false",
        "filter.lfs.smudge=",
        "filter.lfs.process=",
        "filter.lfs.required=false",
    }
    clone_args = command[command.index("clone") :]
    assert clone_args[:-3] == [
        "clone",
        "--quiet",
        "--template=",
        "--single-branch",
        "--branch=dev",
        "--no-tags",
        "--no-recurse-submodules",
    ]  # no --depth by default: line attribution needs the whole history
    shallow, _ = clone_command("https://github.com/octo/demo", None, tmp_path / "r", SourceSettings(git_clone_depth=7))
    assert "--depth=7" in shallow
