"""Analyses of a run: which one's findings a query reads, the newest by default or one chosen.

A run's findings come from its analyses: the crawl's own, and each re-analysis of its archived
pages (``govsocial reanalyse``). The view ``current_analyses`` names the newest per run; the
history views, exports and ``diff`` read that one unless the user chooses another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, and_, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import TypeEngine

from db.models import Analysis

# The views live in their own MetaData so Alembic never tries to create them as tables.
VIEWS_METADATA = MetaData()


def view_table(name: str, description: str, *columns: Column[Any]) -> Table:
    """A view described as a table; ``description`` and column comments feed docs/schema.md."""
    return Table(name, VIEWS_METADATA, *columns, comment=description)


def view_column(
    name: str, type_: TypeEngine[Any] | type[TypeEngine[Any]], comment: str
) -> Column[Any]:
    """A described column of a view."""
    return Column(name, type_, comment=comment)


current_analyses = view_table(
    "current_analyses",
    "Per run, the analysis whose findings the views read: the newest one, the crawl's own or a "
    "completed re-analysis (govsocial reanalyse). Earlier analyses stay in their tables.",
    view_column("run_id", Integer, "The run."),
    view_column("analysis_id", Integer, "Its newest analysis (analyses.id)."),
)


class AnalysisNotFound(LookupError):
    """The analysis a user named does not exist, or two were named for one run."""


@dataclass(frozen=True)
class AnalysisChoice:
    """Which analysis to read per run: the chosen ones, else the run's current analysis."""

    chosen: Mapping[int, int] = field(default_factory=dict)  # run id -> analysis id

    def of(self, model: Any) -> ColumnElement[bool]:
        """Rows of a findings ``model`` (with run_id and analysis_id) from the chosen analyses."""
        current = model.analysis_id.in_(select(current_analyses.c.analysis_id))
        if not self.chosen:
            return current
        return or_(
            model.analysis_id.in_(list(self.chosen.values())),
            and_(model.run_id.not_in(list(self.chosen)), current),
        )

    def analysis_of(self, session: Session, run_id: int) -> Analysis | None:
        """The analysis read for ``run_id``: the chosen one, else its current one."""
        if run_id in self.chosen:
            return session.get(Analysis, self.chosen[run_id])
        current = select(current_analyses.c.analysis_id).where(
            current_analyses.c.run_id == run_id
        )
        return session.scalars(select(Analysis).where(Analysis.id.in_(current))).first()


def choose_analyses(session: Session, analysis_ids: Iterable[int]) -> AnalysisChoice:
    """The choice of the analyses named by id, at most one per run."""
    chosen: dict[int, int] = {}
    for analysis_id in analysis_ids:
        analysis = session.get(Analysis, analysis_id)
        if analysis is None:
            raise AnalysisNotFound(f"no analysis with id {analysis_id}")
        if chosen.get(analysis.run_id, analysis_id) != analysis_id:
            raise AnalysisNotFound(
                f"analyses {chosen[analysis.run_id]} and {analysis_id} are both of run "
                f"{analysis.run_id}; choose one"
            )
        chosen[analysis.run_id] = analysis_id
    return AnalysisChoice(chosen)


def run_analyses(session: Session, run_id: int) -> list[Analysis]:
    """Every analysis of ``run_id``, oldest first."""
    return list(
        session.scalars(select(Analysis).where(Analysis.run_id == run_id).order_by(Analysis.id))
    )
