"""Job sources and steps, typed: today's source_metadata reads and writes unchanged."""

from __future__ import annotations

import pytest

from vibe8_core.dashboard.progress import STEP_WORDS
from vibe8_core.jobs.job_types import GithubSource, JobStep, UploadSource, source_from_json

WHO = {"project_name": "shop", "author_type": "ai", "author_model": "claude"}
UPLOAD = {"upload_filename": "shop.zip", "file_data": "UEsDBA==", **WHO}
GITHUB = {"git_repo_url": "https://github.com/acme/shop", "git_branch": "main", **WHO}


@pytest.mark.parametrize(
    ("kind", "stored", "expected"), [("upload", UPLOAD, UploadSource), ("github", GITHUB, GithubSource)]
)
def test_stored_source_metadata_reads_into_its_type_and_back_unchanged(kind: str, stored: dict, expected: type) -> None:
    source = source_from_json(kind, stored)
    assert isinstance(source, expected) and source.kind == kind
    assert source.to_json() == stored and list(source.to_json()) == list(stored)  # the seed's keys, in order


def test_a_finished_upload_without_its_bytes_still_reads() -> None:
    kept = {key: value for key, value in UPLOAD.items() if key != "file_data"}
    source = source_from_json("upload", kept)
    assert isinstance(source, UploadSource) and source.file_data is None and source.to_json() == kept


def test_an_unknown_kind_is_refused_and_odd_values_are_not_trusted() -> None:
    with pytest.raises(ValueError, match="unknown source kind"):
        source_from_json("ftp", {})
    assert source_from_json("github", {"git_branch": 7, "project_name": ["x"]}) == GithubSource(None, None)


def test_every_step_has_words_and_steps_compare_as_the_stored_strings() -> None:
    assert set(STEP_WORDS) == set(JobStep)
    assert JobStep.PER_FILE == "per-file metrics" and STEP_WORDS["queued"] == STEP_WORDS[JobStep.QUEUED]
