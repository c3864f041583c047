"""Which of a job's files are kept with its run, read while the job's private folder still exists.

Every analysed Python file and the dependency declarations (requirements*.txt, pyproject.toml,
setup.cfg) are kept: the first for the source view, all of them so that an upload can be analysed
again exactly as before. Bounded, so that a huge project cannot make its run's row unbounded.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from vibe8_core.collectors.declared import declaration_files
from vibe8_core.collectors.files import decode_source

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 2**20  # larger files are analysed but not kept (the source view says so)
MAX_TOTAL_BYTES = 64 * 2**20  # past this, the remaining files are not kept


def kept_sources(root: Path, analysed: Iterable[str]) -> dict[str, str]:
    """path → text for the files worth keeping, within the bounds above."""
    declared = [path.relative_to(root).as_posix() for path in declaration_files(root)]
    kept: dict[str, str] = {}
    total = 0
    for relative in [*declared, *analysed]:
        path = root / relative
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES or not path.is_file() or path.is_symlink():
                continue
            if total + size > MAX_TOTAL_BYTES:
                log.info("kept sources: stopped at %d files (%d bytes)", len(kept), total)
                break
            text, _undecodable = decode_source(path.read_bytes())  # shown with replacement characters
        except OSError:
            continue
        kept[relative] = text
        total += size
    return kept
