"""The overview page: the figures per gemeente and its first cases."""

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from exports import (
    DossierRow,
    GemeenteFigures,
    Summary,
)
from webui.cases.models import Case

from .figures import report_summary
from .rows import dossier_rows

FIRST_ROWS = 10


@dataclass(frozen=True)
class GemeenteOverview:
    figures: GemeenteFigures
    phases: list[tuple[str, int, float | None]]  # label, cases, median days
    rows: list[DossierRow]  # the first ones, in trajectory order
    more: int  # cases beyond these rows


@dataclass(frozen=True)
class Overview:
    summary: Summary
    gemeenten: list[GemeenteOverview]
    count: int


def report_overview(
    *, cases: QuerySet[Case], today: date, first_rows: int = FIRST_ROWS
) -> Overview:
    """The figures per gemeente and its first cases: what the overview page shows,
    from the same reads as the workbook."""
    summary = report_summary(cases=cases, today=today)
    gemeenten = []
    for figures in summary.gemeenten:
        mine = cases.filter(gemeente__slug=figures.key)
        rows = list(dossier_rows(cases=mine, today=today, limit=first_rows))
        gemeenten.append(
            GemeenteOverview(
                figures=figures,
                phases=figures.phase_rows(summary.phase_labels),
                rows=rows,
                more=max(figures.total - len(rows), 0),
            )
        )
    return Overview(
        summary=summary,
        gemeenten=gemeenten,
        count=sum(g.figures.total for g in gemeenten),
    )
