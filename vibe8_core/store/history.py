"""A user's history as SQL: the WHERE of a RunFilter and the ORDER BY of a RunSort, for both databases.

Filtering, sorting and paging happen in the database so that a history of tens of thousands of runs is
never loaded to show fifty of them. Every value is a bound parameter; the substring search escapes
LIKE's wildcards, so `%` or `_` in a filter match themselves. Numeric keys are read from the stored
summary (`analysis_runs.summary`, JSON) and sort runs without that figure last; every order ends with
newest first and the run id, so that pages are stable.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_
from sqlalchemy.orm import InstrumentedAttribute

from vibe8_core.scoring import score_specs
from vibe8_core.store.models import AnalysisRun
from vibe8_core.store.records import HISTORY_SORTS, RunFilter, RunSort

NEWEST_FIRST = (AnalysisRun.created_at.desc(), AnalysisRun.run_id.desc())


def sort_keys() -> tuple[str, ...]:
    """Every key a RunSort may name: HISTORY_SORTS, then "score_<key>" per score the registry declares."""
    return (*HISTORY_SORTS, *(f"score_{spec.key}" for spec in score_specs()))


def filtered(stmt: Select[Any], user_id: uuid.UUID, filters: RunFilter) -> Select[Any]:
    """`stmt` limited to the user's runs that pass every filter."""
    stmt = stmt.where(AnalysisRun.user_id == user_id)
    if filters.projects:
        stmt = stmt.where(AnalysisRun.project_name.in_(filters.projects))
    if filters.author_type is not None:
        stmt = stmt.where(AnalysisRun.author_type == filters.author_type)
    if filters.author_models:
        stmt = stmt.where(AnalysisRun.author_model.in_(filters.author_models))
    if filters.studies:
        stmt = stmt.where(AnalysisRun.study.in_(filters.studies))
    if filters.created_from is not None:
        stmt = stmt.where(AnalysisRun.created_at >= filters.created_from)
    if filters.created_to is not None:
        stmt = stmt.where(AnalysisRun.created_at <= filters.created_to)
    if filters.search:
        searched = (AnalysisRun.project_name, AnalysisRun.upload_filename, AnalysisRun.git_repo_url)
        stmt = stmt.where(or_(*(column.icontains(filters.search, autoescape=True) for column in searched)))
    return stmt


def _summary_number(key: str) -> ColumnElement[Any]:
    path = ("scores", key.removeprefix("score_")) if key.startswith("score_") else key
    number: ColumnElement[Any] = AnalysisRun.summary[path].as_float()
    return number


def _sort_columns(key: str) -> tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...]:
    if key == "created_at":
        return ()
    if key == "project":
        return (func.lower(AnalysisRun.project_name), AnalysisRun.project_name)
    if key == "author":
        return (AnalysisRun.author_type, func.lower(AnalysisRun.author_model))
    if key == "source":
        source = func.coalesce(AnalysisRun.git_repo_url, AnalysisRun.upload_filename)
        return (func.lower(source), AnalysisRun.git_branch)
    return (_summary_number(key),)


def ordered(stmt: Select[Any], sort: RunSort) -> Select[Any]:
    """`stmt` in the order `sort` names (a key outside `sort_keys()` is a ValueError)."""
    if sort.key not in sort_keys():
        raise ValueError(f"cannot sort a history by {sort.key!r}")
    if sort.key == "created_at" and not sort.descending:
        return stmt.order_by(AnalysisRun.created_at.asc(), AnalysisRun.run_id.asc())
    columns = _sort_columns(sort.key)
    order = [(column.desc() if sort.descending else column.asc()).nulls_last() for column in columns]
    return stmt.order_by(*order, *NEWEST_FIRST)
