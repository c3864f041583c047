"""What every group of use cases holds: the database and the settings."""

from __future__ import annotations

from vibe8_core.config import Settings
from vibe8_core.store import Database


class UseCases:
    """A group of use cases over one database and one set of settings (cheap: holds references only)."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
