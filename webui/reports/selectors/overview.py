"""The overview page: the figures per gemeente and its first cases."""

from dataclasses import dataclass
from datetime import date

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from exports import (
    DossierRow,
    GemeenteFigures,
    Summary,
)
from webui.cases.models import Case
from webui.logs.context import Occasion
from webui.logs.services import list_record

from .figures import report_summary
from .rows import dossier_rows
from .versions import REPORT_ROLE

FIRST_ROWS = 10


@dataclass(frozen=True)
class GemeenteOverview:
    figures: GemeenteFigures
    phases: list[tuple[str, int, float | None]]  # label, cases, median days
    rows: list[DossierRow]  # the first ones, in trajectory order
    more: int  # cases beyond these rows

    @property
    def chart(self) -> list[tuple[str, int, int]]:
        """The chart's bars: (label, cases, length in % of the longest), the
        phases in trajectory order, then the closed cases."""
        bars = [(label, n) for label, n, _median in self.phases]
        bars.append(("Afgesloten", self.figures.closed))
        longest = max((n for _label, n in bars), default=0) or 1
        return [(label, n, round(n * 100 / longest)) for label, n in bars]


@dataclass(frozen=True)
class Overview:
    summary: Summary
    gemeenten: list[GemeenteOverview]
    count: int


def report_overview(
    *,
    cases: QuerySet[Case],
    today: date,
    user: AbstractBaseUser,
    occasion: Occasion,
    first_rows: int = FIRST_ROWS,
) -> Overview:
    """The figures per gemeente and its first cases: what the overview page shows,
    from the same reads as the workbook. The dossiers of its rows are logged as a
    list seen by ``user``."""
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
    shown = [row.reference for g in gemeenten for row in g.rows]
    if shown:
        list_record(
            user=user,
            cases=Case.objects.filter(reference__in=shown).only(
                "pk", "reference", "gemeente_id", "mb_organisation_id"
            ),
            categories=["normaal"],
            roles=[REPORT_ROLE],
            occasion=occasion,
        )
    return Overview(
        summary=summary,
        gemeenten=gemeenten,
        count=sum(g.figures.total for g in gemeenten),
    )
