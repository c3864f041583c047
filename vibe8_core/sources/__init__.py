"""A submission → a private folder on disk (upload archives, GitHub clones), and its cleanup.

Uploads and repositories come from strangers, so every byte is treated as hostile: archives are
unpacked by hand under counted limits, repository URLs are rebuilt rather than passed on, and git
runs isolated from any configuration but ours. See the module docstrings for each rule.
"""

from vibe8_core.sources.errors import SourceError
from vibe8_core.sources.github import normalize_github_url, validate_branch
from vibe8_core.sources.uploads import validate_upload
from vibe8_core.sources.workspace import PreparedSource, prepared_source

__all__ = [
    "PreparedSource",
    "SourceError",
    "normalize_github_url",
    "prepared_source",
    "validate_branch",
    "validate_upload",
]
