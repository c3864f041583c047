"""The history filtered, sorted and paged by the database (store.history), on SQLite and PostgreSQL.

Each expectation is computed in Python from the runs as created, and compared with what the database
returns; the SQL itself is captured to show that the cut (LIMIT/OFFSET) happens there.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, null, update

from vibe8_core.config import load_settings
from vibe8_core.run_summary import summarize_run
from vibe8_core.service import Service
from vibe8_core.store import Database, NewRun, RunFilter, RunSort, utc_day_bounds
from vibe8_core.store.history import sort_keys
from vibe8_core.store.models import AnalysisRun
from vibe8_core.store.storable import BAD_CHAR_MARKER, NUL_MARKER

START = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
HOSTILE_PROJECTS = (
    "50%_off",
    "a_b",
    "axb",
    "o'brien'); DROP TABLE analysis_runs;--",
    "back\\slash",
    "naïve ÉCOLE",
    "nul\x00byte",
    "lone\ud800surrogate",
    "/slash/",
)


@dataclass(frozen=True)
class Made:
    run_id: uuid.UUID
    project: str | None
    author_type: str
    model: str
    study: str | None
    created_at: datetime
    sloc: float
    overall: float | None


def _new(index: int, project: str | None, author_type: str, model: str, study: str | None) -> NewRun:
    sloc = 10 + (index * 37) % 101  # distinct enough, with some ties in the derived scores
    lint = (index * 7) % 13
    return NewRun(
        submission_type="github" if index % 5 == 0 else "upload",
        metrics={"size": {"sloc": sloc, "files": 1 + index % 4}, "lint": {"total": lint}},
        file_tree=None,
        errors=[],
        upload_filename=None if index % 5 == 0 else f"{project or 'anon'}-{index}.zip",
        git_repo_url=f"https://github.com/acme/{project}" if index % 5 == 0 else None,
        git_branch="main" if index % 5 == 0 else None,
        project_name=project,
        author_type=author_type,
        author_model=model,
        study=study,
        created_at=START + timedelta(days=index),
    )


def _seed(db: Database, user_id: uuid.UUID, projects: tuple[str | None, ...]) -> list[Made]:
    made = []
    with db.unit_of_work() as uow:
        for index, project in enumerate(projects):
            author_type = "ai" if index % 2 else "human"
            model = ("claude", "gpt-4", "codex")[index % 3] if author_type == "ai" else "developer"
            study = ("alpha", "beta", None)[index % 3]
            new = _new(index, project, author_type, model, study)
            run = uow.runs.create(user_id, new)
            summary = summarize_run(new.metrics, new.errors)
            made.append(
                Made(
                    run.run_id,
                    project,
                    author_type,
                    model,
                    study,
                    run.created_at,
                    float(summary.sloc or 0),
                    summary.overall,
                )  # fmt: skip
            )
        uow.commit()
    return made


@pytest.fixture
def service(db: Database, database_url: str) -> Service:
    return Service(db, load_settings({"DATABASE_URL": database_url}))


@pytest.fixture
def history(db: Database) -> Iterator[tuple[Database, uuid.UUID, list[Made]]]:
    """ada with 30 runs over five projects (one unnamed), two studies, three models; bob with one run."""
    with db.unit_of_work() as uow:
        ada = uow.users.get_or_create_by_email("ada@example.com")
        bob = uow.users.get_or_create_by_email("bob@example.com")
        uow.commit()
    projects = tuple(("shop", "Lib", "api", "zeta", None)[index % 5] for index in range(30))
    made = _seed(db, ada.id, projects)
    _seed(db, bob.id, ("shop",))
    yield db, ada.id, made


def _ids(rows) -> list[uuid.UUID]:
    return [row.run_id for row in rows]


def _newest_first(made: list[Made]) -> list[Made]:
    return sorted(made, key=lambda run: run.created_at, reverse=True)


def test_pages_cut_by_the_database_cover_the_history_once_newest_first(history) -> None:
    db, ada, made = history
    expected = _ids(_newest_first(made))
    with db.unit_of_work() as uow:
        pages = [uow.runs.summaries_for_user(ada, limit=7, offset=offset) for offset in range(0, 35, 7)]
        assert [len(page) for page in pages] == [7, 7, 7, 7, 2]
        assert [run_id for page in pages for run_id in _ids(page)] == expected
        assert uow.runs.count_for_user(ada) == 30
        assert uow.runs.summaries_for_user(ada, limit=7, offset=30) == []


@pytest.mark.parametrize("key", sort_keys())
@pytest.mark.parametrize("descending", [True, False])
def test_every_sort_key_orders_all_runs_and_pages_agree(history, key: str, descending: bool) -> None:
    db, ada, _ = history
    sort = RunSort(key, descending)
    with db.unit_of_work() as uow:
        everything = uow.runs.summaries_for_user(ada, sort=sort)
        paged = [row for offset in range(0, 30, 8) for row in uow.runs.summaries_for_user(ada, sort=sort, limit=8,
                                                                                         offset=offset)]  # fmt: skip
        ids = uow.runs.run_ids_for_user(ada, sort=sort)
    assert _ids(paged) == _ids(everything) == ids and len(set(ids)) == 30


def _by(rows, value, descending: bool) -> list[uuid.UUID]:
    """Python's order for a key: missing values last, ties newest first (sorted() keeps the order of
    equal keys, with reverse=True too)."""
    present = [row for row in rows if value(row) is not None]
    missing = [row for row in rows if value(row) is None]
    return _ids(sorted(_newest_first(present), key=value, reverse=descending)) + _ids(_newest_first(missing))


@pytest.mark.parametrize("descending", [True, False])
def test_sort_orders_match_the_values(history, descending: bool) -> None:
    db, ada, made = history
    with db.unit_of_work() as uow:

        def order(key: str) -> list[uuid.UUID]:
            return _ids(uow.runs.summaries_for_user(ada, sort=RunSort(key, descending)))

        assert order("created_at") == _ids(_newest_first(made))[:: 1 if descending else -1]
        assert order("sloc") == _by(made, lambda run: run.sloc, descending)
        assert order("overall") == _by(made, lambda run: run.overall, descending)
        assert order("project") == _by(made, lambda run: run.project and run.project.lower(), descending)


def test_runs_without_a_stored_summary_sort_last_both_ways(history) -> None:
    db, ada, made = history
    stale = made[4].run_id
    with db.unit_of_work() as uow:
        uow.session.execute(update(AnalysisRun).where(AnalysisRun.run_id == stale).values(summary=null()))
        uow.commit()
    with db.unit_of_work() as uow:
        for descending in (True, False):
            rows = uow.runs.summaries_for_user(ada, sort=RunSort("sloc", descending))
            assert rows[-1].run_id == stale and rows[-1].summary.sloc == made[4].sloc  # computed when listed


def test_filters_narrow_each_other(history) -> None:
    db, ada, made = history
    first, last = utc_day_bounds(date(2026, 3, 5), date(2026, 3, 20))
    cases = {
        RunFilter(): made,
        RunFilter(projects=("shop", "api")): [r for r in made if r.project in ("shop", "api")],
        RunFilter(projects=("shop", "api"), author_type="ai"): [
            r for r in made if r.project in ("shop", "api") and r.author_type == "ai"
        ],
        RunFilter(author_type="ai", author_models=("claude", "codex")): [
            r for r in made if r.model in ("claude", "codex")
        ],
        RunFilter(studies=("alpha",), author_type="human"): [
            r for r in made if r.study == "alpha" and r.author_type == "human"
        ],
        RunFilter(created_from=first, created_to=last, projects=("Lib",)): [
            r for r in made if date(2026, 3, 5) <= r.created_at.date() <= date(2026, 3, 20) and r.project == "Lib"
        ],
        RunFilter(search="LIB"): [r for r in made if r.project == "Lib"],
        RunFilter(search="github.com/acme", author_type="human"): [
            r for i, r in enumerate(made) if i % 5 == 0 and r.author_type == "human"
        ],
        RunFilter(projects=("shop",), author_models=("developer",), studies=("beta",), search="zzz"): [],
    }
    with db.unit_of_work() as uow:
        for filters, expected in cases.items():
            assert _ids(uow.runs.summaries_for_user(ada, filters)) == _ids(_newest_first(expected)), filters
            assert uow.runs.count_for_user(ada, filters) == len(expected), filters
    assert all(case for case in list(cases.values())[1:-1]), "every case but the last matches some runs"


def test_another_users_runs_never_match(history) -> None:
    db, ada, made = history
    with db.unit_of_work() as uow:
        bob = uow.users.get_or_create_by_email("bob@example.com").id
        assert uow.runs.count_for_user(bob, RunFilter(projects=("shop",))) == 1
        assert uow.runs.count_for_user(ada, RunFilter(projects=("shop",))) == 6


def test_hostile_filter_strings_match_themselves_only(db: Database) -> None:
    with db.unit_of_work() as uow:
        user = uow.users.get_or_create_by_email("eve@example.com").id
        uow.commit()
    made = _seed(db, user, HOSTILE_PROJECTS)
    stored = {run.project: run.run_id for run in made}
    with db.unit_of_work() as uow:

        def search(text: str) -> set[uuid.UUID]:
            return set(_ids(uow.runs.summaries_for_user(user, RunFilter(search=text))))

        def named(*projects: str) -> set[uuid.UUID]:
            return set(_ids(uow.runs.summaries_for_user(user, RunFilter(projects=projects))))

        assert search("%") == {stored["50%_off"]}  # a wildcard in LIKE, a character here
        assert search("_") == {stored["50%_off"], stored["a_b"], stored[HOSTILE_PROJECTS[3]]}  # not "axb"
        assert search("a_b") == {stored["a_b"]}
        assert search("\\") == {stored["back\\slash"]}
        assert search("/slash/") == {stored["/slash/"]}  # "/" is the escape character of the LIKE
        assert search("'); DROP TABLE") == {stored["o'brien'); DROP TABLE analysis_runs;--"]}
        assert search("ÉCOLE") == {stored["naïve ÉCOLE"]}
        assert search("nul\x00b") == search(f"nul{NUL_MARKER}b") == {stored["nul\x00byte"]}
        assert search("\ud800") == {stored["lone\ud800surrogate"]}
        assert uow.runs.count_for_user(user, RunFilter(search="%%")) == 0
        for project in HOSTILE_PROJECTS:
            assert named(project) == {stored[project]}, project
        assert named(f"lone{BAD_CHAR_MARKER}surrogate") == {stored["lone\ud800surrogate"]}
        assert uow.runs.count_for_user(user) == len(HOSTILE_PROJECTS)  # nothing was dropped


def test_an_unknown_sort_key_is_refused(history) -> None:
    db, ada, _ = history
    with db.unit_of_work() as uow, pytest.raises(ValueError, match="cannot sort"):
        uow.runs.summaries_for_user(ada, sort=RunSort("metrics; DROP TABLE users"))


def test_the_service_serves_one_page_cut_in_sql(history, service: Service) -> None:
    db, ada, made = history
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        page = service.runs.history(ada, RunFilter(author_type="ai"), RunSort("project", False), page=2, page_size=4)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    ai = [run for run in made if run.author_type == "ai"]
    assert page.matching == 15 and page.pages == 4 and page.page == 2 and page.first_row == 5
    assert _ids(page.rows) == _by(ai, lambda run: run.project and run.project.lower(), False)[4:8]
    listing = [sql for sql in statements if "analysis_runs.summary" in sql]
    assert len(listing) == 1 and "LIMIT" in listing[0] and "OFFSET" in listing[0] and "ORDER BY" in listing[0]
    assert "author_type" in listing[0].split("WHERE", 1)[1]
    past_the_end = service.runs.history(ada, RunFilter(author_type="ai"), RunSort(), page=99, page_size=4)
    assert past_the_end.page == 4 and len(past_the_end.rows) == 3
    nothing = service.runs.history(ada, RunFilter(search="no such run"), RunSort(), page=1, page_size=4)
    assert (nothing.matching, nothing.pages, nothing.first_row, nothing.rows) == (0, 1, 0, [])


def test_history_choices_list_the_users_values_and_dates(history, service: Service) -> None:
    db, ada, made = history
    choices = service.runs.history_choices(ada)
    assert choices.projects == ("Lib", "api", "shop", "zeta")
    assert choices.models == ("claude", "codex", "developer", "gpt-4")
    assert choices.studies == ("alpha", "beta")
    assert choices.created == (made[0].created_at, made[-1].created_at)


def test_history_choices_narrow_each_other(history, service: Service) -> None:
    """The projects offered are the chosen author type's; the models, those of the chosen projects."""
    db, ada, made = history
    ai_projects = tuple(sorted({run.project for run in made if run.author_type == "ai" and run.project}))
    assert service.runs.history_choices(ada, author_type="ai").projects == ai_projects
    shop_models = tuple(sorted({run.model for run in made if run.project == "shop"}))
    assert service.runs.history_choices(ada, ("shop",)).models == shop_models
    shop_ai = tuple(sorted({run.model for run in made if run.project == "shop" and run.author_type == "ai"}))
    assert service.runs.history_choices(ada, ("shop",), "ai").models == shop_ai
    assert "developer" not in shop_ai and set(shop_ai) < set(service.runs.history_choices(ada).models)
