"""The use cases the command line and the pages share: one place that knows how a submission, a run or
a job is handled, free of Streamlit and of SQLAlchemy.

Callers build one `Service` per process (the CLI per command, the app once) and call its groups:
`service.users`, `service.submissions`, `service.runs`, `service.jobs`, `service.demo`. Every refusal
leaves as one of the project's own exceptions (`REFUSALS`), whose text is one sentence for a person
(`user_message`); a database that fails mid-operation is `DatabaseFailedError`, never a driver error.
To add a use case, add a method to the group it belongs to, or a new group module and one line here.
"""

from __future__ import annotations

from vibe8_core.config import Settings
from vibe8_core.service.demo import DemoUseCases
from vibe8_core.service.errors import REFUSALS, user_message
from vibe8_core.service.jobs import JobUseCases
from vibe8_core.service.runs import HistoryChoices, HistoryPage, HistoryStamp, RunUseCases, parse_run_id
from vibe8_core.service.submissions import SubmissionUseCases
from vibe8_core.service.users import UserUseCases
from vibe8_core.store import Database
from vibe8_core.store.migrate import require_current_schema

__all__ = ["REFUSALS", "HistoryChoices", "HistoryPage", "HistoryStamp", "Service", "parse_run_id", "user_message"]


class Service:
    """Vibe8's use cases over one database and one set of settings."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.users = UserUseCases(db, settings)
        self.submissions = SubmissionUseCases(db, settings)
        self.runs = RunUseCases(db, settings)
        self.jobs = JobUseCases(db, settings)
        self.demo = DemoUseCases(db, settings)

    @classmethod
    def open(cls, settings: Settings) -> Service:
        """A service on DATABASE_URL, refusing (DatabaseUnavailableError) one that is unreachable or not migrated."""
        db = Database(settings.database)
        try:
            require_current_schema(db)
        except BaseException:
            db.dispose()
            raise
        return cls(db, settings)

    def close(self) -> None:
        """Release the database's connections (the CLI does this at exit; the app never does)."""
        self.db.dispose()
