"""The latest release of a distribution, asked of a package index's JSON API (PyPI's `/<name>/json`).

Answers are cached in the process, per index URL: for an hour, failures for a minute. An index that
does not answer in time, or answers nonsense, gives None ("unknown") and the analysis goes on.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

log = logging.getLogger(__name__)
CACHE_TTL_S = 3600.0
FAILURE_TTL_S = 60.0  # an unreachable index is asked again sooner
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_cache: dict[tuple[str, str], tuple[float, str | None]] = {}
_cache_lock = threading.Lock()


def _fetch_latest(index_url: str, name: str, timeout: float) -> str | None:
    url = f"{index_url.rstrip('/')}/{urllib.parse.quote(name)}/json"
    if not url.startswith(("http://", "https://")):
        return None
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - scheme checked above
            data = json.loads(response.read(MAX_RESPONSE_BYTES))
        version = str(data["info"]["version"])
        Version(version)
        return version
    except (OSError, ValueError, KeyError, TypeError, InvalidVersion, urllib.error.URLError) as exc:
        log.info("package index gave no version for %s: %s", name, exc)
        return None


def latest_version(index_url: str, name: str, timeout: float) -> str | None:
    """The newest version the index reports for `name`, or None when unknown."""
    key = (index_url, canonicalize_name(name))
    with _cache_lock:
        cached = _cache.get(key)
    if cached and time.monotonic() - cached[0] < (CACHE_TTL_S if cached[1] else FAILURE_TTL_S):
        return cached[1]
    version = _fetch_latest(index_url, key[1], timeout)
    with _cache_lock:
        _cache[key] = (time.monotonic(), version)
    return version


def latest_versions(index_url: str, names: list[str], timeout: float) -> dict[str, str | None]:
    """latest_version for many names at once, a few requests in parallel."""
    unique = sorted({canonicalize_name(name) for name in names})
    if not unique:
        return {}
    with ThreadPoolExecutor(max_workers=min(8, len(unique))) as pool:
        versions = pool.map(lambda name: latest_version(index_url, name, timeout), unique)
        return dict(zip(unique, versions, strict=True))


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()
