"""The SourceSettings block of load_settings: each limit's variable, unit and default."""

from __future__ import annotations

from pathlib import Path

import pytest

from vibe8_core.config import ConfigError, SourceSettings, load_settings


def test_defaults_match_the_documented_limits() -> None:
    settings = load_settings({}).sources
    assert settings == SourceSettings()
    assert settings.upload_max_bytes == 50 * 1024 * 1024
    assert settings.uncompressed_max_bytes == 500 * 1024 * 1024
    assert (settings.max_entries, settings.max_compression_ratio) == (20_000, 200)
    assert settings.git_allowed_hosts == ("github.com",)
    assert (settings.git_extra_config, settings.workspace_dir) == ((), None)


def test_every_limit_has_its_variable() -> None:
    settings = load_settings(
        {
            "VIBE8_UPLOAD_MAX_MB": "5",
            "VIBE8_UNCOMPRESSED_MAX_MB": "40",
            "VIBE8_ARCHIVE_MAX_ENTRIES": "100",
            "VIBE8_ARCHIVE_MAX_RATIO": "50",
            "VIBE8_GIT_ALLOWED_HOSTS": "github.com,git.example.org",
            "VIBE8_GIT_CLONE_DEPTH": "10",
            "VIBE8_GIT_CLONE_TIMEOUT": "30",
            "VIBE8_GIT_CLONE_MAX_MB": "64",
            "VIBE8_WORKSPACE_DIR": "/var/tmp/vibe8",
        }
    ).sources
    assert settings == SourceSettings(
        upload_max_bytes=5 << 20,
        uncompressed_max_bytes=40 << 20,
        max_entries=100,
        max_compression_ratio=50,
        git_allowed_hosts=("github.com", "git.example.org"),
        git_clone_depth=10,
        git_clone_timeout_s=30.0,
        git_clone_max_bytes=64 << 20,
        workspace_dir=Path("/var/tmp/vibe8"),
    )


@pytest.mark.parametrize("name", ["VIBE8_UPLOAD_MAX_MB", "VIBE8_ARCHIVE_MAX_ENTRIES"])
def test_limits_below_one_are_refused(name: str) -> None:
    with pytest.raises(ConfigError, match=name):
        load_settings({name: "0"})


def test_clone_depth_zero_means_the_whole_history_and_negative_is_refused() -> None:
    assert load_settings({"VIBE8_GIT_CLONE_DEPTH": "0"}).sources.git_clone_depth == 0
    with pytest.raises(ConfigError, match="VIBE8_GIT_CLONE_DEPTH"):
        load_settings({"VIBE8_GIT_CLONE_DEPTH": "-1"})
