"""A submission → a private folder on disk (upload archives, GitHub clones), and its cleanup.

Uploads and repositories come from strangers, so every byte is treated as hostile: archives are
unpacked by hand under counted limits (archives.py), repository URLs are rebuilt rather than passed
on (github.py), and git runs isolated from any configuration but ours (gitconfig.py, clone.py).

Limits, all in `SourceSettings` (vibe8_core/config.py), with their environment variables:
  VIBE8_UPLOAD_MAX_MB        50      size of the uploaded file (.py, .zip, .tar.gz/.tgz)
  VIBE8_UNCOMPRESSED_MAX_MB  500     bytes unpacked from an archive, counted while decompressing
  VIBE8_ARCHIVE_MAX_ENTRIES  20000   entries in an archive (files, folders, links alike)
  VIBE8_ARCHIVE_MAX_RATIO    200     unpacked / compressed size, checked once 1 MiB is unpacked
  VIBE8_GIT_ALLOWED_HOSTS    github.com   comma-separated hosts accepted in repository URLs
  VIBE8_GIT_CLONE_DEPTH      0       commits fetched (0: all of them, as line attribution needs)
  VIBE8_GIT_CLONE_TIMEOUT    300     seconds before the clone's whole process group is killed
  VIBE8_GIT_CLONE_MAX_MB     1024    size of the clone on disk, watched while cloning
  VIBE8_WORKSPACE_DIR        (system temporary folder)   where the private per-job folders go
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
