"""The store: SQLAlchemy models, the engine and unit of work, and the repositories.

Owner checks live here: every read or delete of a run or job takes the user id.
"""

from vibe8_core.store.db import Database, UnitOfWork, describe_url, parse_database_url
from vibe8_core.store.errors import (
    AccessError,
    DatabaseFailedError,
    DatabaseUnavailableError,
    ForbiddenError,
    NotFoundError,
    RetryError,
    StoreError,
)
from vibe8_core.store.records import (
    HISTORY_SORTS,
    ClaimedJob,
    JobRecord,
    NewRun,
    RunFilter,
    RunHeader,
    RunRecord,
    RunSort,
    RunSummaryRecord,
    SignInRecord,
    UserRecord,
    utc_day_bounds,
)

__all__ = [
    "HISTORY_SORTS",
    "AccessError",
    "ClaimedJob",
    "Database",
    "DatabaseFailedError",
    "DatabaseUnavailableError",
    "ForbiddenError",
    "JobRecord",
    "NewRun",
    "NotFoundError",
    "RetryError",
    "RunFilter",
    "RunHeader",
    "RunRecord",
    "RunSort",
    "RunSummaryRecord",
    "SignInRecord",
    "StoreError",
    "UnitOfWork",
    "UserRecord",
    "describe_url",
    "parse_database_url",
    "utc_day_bounds",
]
