"""The figures per gemeente, from aggregate queries."""

from datetime import date

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from exports import (
    GemeenteFigures,
    OrganisationTasks,
    Ratio,
    Summary,
)
from webui.accounts.models import Gemeente
from webui.cases.models import Case, CaseMilestone
from webui.tasks.models import TaskItem

from .rows import _organisation
from .versions import _trajectory, _version_ids, _Versions


def _phase_counts(
    cases: QuerySet[Case], index: dict[str, int], width: int
) -> dict[int, tuple[list[int], int, int]]:
    """Per gemeente id: (cases per phase, closed, total)."""
    found: dict[int, tuple[list[int], int, int]] = {}
    for gemeente_id, phases, is_closed, n in (
        cases.order_by()
        .values("gemeente_id", "open_phases", "is_closed")
        .annotate(n=Count("id"))
        .values_list("gemeente_id", "open_phases", "is_closed", "n")
    ):
        counts, closed, total = found.get(gemeente_id, ([0] * width, 0, 0))
        if is_closed:
            closed += n
        else:
            for pid in phases or ():
                if pid in index:
                    counts[index[pid]] += n
        found[gemeente_id] = (counts, closed, total + n)
    return found


def _pip_ratios(cases: QuerySet[Case], today: date) -> dict[int, Ratio]:
    set_on_time = Q(
        pip_vastgesteld_op__isnull=False,
        pip_deadline__isnull=False,
        pip_vastgesteld_op__lte=F("pip_deadline"),
    )
    judged = Q(pip_vastgesteld_op__isnull=False, pip_deadline__isnull=False) | Q(
        pip_vastgesteld_op__isnull=True, pip_deadline__lt=today, is_closed=False
    )
    return {
        gemeente_id: Ratio(on_time, whole)
        for gemeente_id, on_time, whole in cases.order_by()
        .values("gemeente_id")
        .annotate(
            on_time=Count("id", filter=set_on_time), whole=Count("id", filter=judged)
        )
        .values_list("gemeente_id", "on_time", "whole")
    }


def _pvt_ratios(cases: QuerySet[Case], versions: _Versions) -> dict[int, Ratio]:
    """Per gemeente: cases that signed, of those that began the PVT (the case's
    version decides whether a manager may read these milestones)."""
    ids = cases.order_by().values("pk")
    started: dict[int, int] = {}
    signed: dict[int, int] = {}
    for target, query in (
        (started, CaseMilestone.objects.filter(key="pvt_workshop")),
        (
            signed,
            CaseMilestone.objects.filter(key="verklaring_ondertekend", value=True),
        ),
    ):
        key = "pvt_workshop" if target is started else "verklaring_ondertekend"
        for gemeente_id, version_id, n in (
            query.filter(case__in=ids)
            .values("case__gemeente_id", "case__version_id")
            .annotate(n=Count("case_id", distinct=True))
            .values_list("case__gemeente_id", "case__version_id", "n")
        ):
            if key not in versions[version_id].unreadable:
                target[gemeente_id] = target.get(gemeente_id, 0) + n
    return {
        gemeente_id: Ratio(signed.get(gemeente_id, 0), whole)
        for gemeente_id, whole in started.items()
    }


def _local_day_sql(sql: str, tzname: str) -> tuple[str, tuple[str, ...]]:
    """The day of a moment where the reader is, as the database says it: Django's
    own date cast (AT TIME ZONE on PostgreSQL, its registered function on SQLite)."""
    cast, params = connection.ops.datetime_cast_date_sql(sql, (), tzname)
    return cast, tuple(params)


def _median_of(histogram: list[tuple[int, int]]) -> float:
    """The median of the values a histogram holds ((value, how often), in order):
    the middle value, or the mean of the two middle ones, as statistics.median."""
    total = sum(n for _value, n in histogram)
    wanted = (total - 1) // 2, total // 2  # zero-based positions of the middle
    found: list[int] = []
    seen = 0
    for value, n in histogram:
        while len(found) < 2 and wanted[len(found)] < seen + n:
            found.append(value)
        if len(found) == 2:
            break
        seen += n
    return (found[0] + found[1]) / 2


def _whole(value: float) -> float:
    """12.0 as 12: the figure statistics.median gives for an odd count."""
    return int(value) if float(value).is_integer() else float(value)


def _medians(cases: QuerySet[Case], labels: list[str]) -> dict[int, list[float | None]]:
    """Per gemeente, per phase: the median days a case spent in a phase it has left
    (first task of the phase ready to its last task completed, in local days).

    The database does the work: one row per (case, phase) span is aggregated there,
    and only the medians (PostgreSQL, percentile_cont) or a histogram of days per
    gemeente and phase (SQLite, which has no percentile) come back."""
    index = {label: i for i, label in enumerate(labels)}
    tzname = timezone.get_current_timezone_name()
    ids_sql, ids_params = cases.order_by().values("pk").query.sql_with_params()
    start_sql, start_params = _local_day_sql("MIN(t.ready_at)", tzname)
    end_sql, end_params = _local_day_sql("MAX(t.completed_at)", tzname)
    if connection.vendor == "postgresql":
        days = f"({end_sql}) - ({start_sql})"
    else:
        days = f"CAST(julianday({end_sql}) - julianday({start_sql}) AS INTEGER)"
    task_table = TaskItem._meta.db_table
    case_table = Case._meta.db_table
    # A span counts once the phase is left: no open task in it, one completed, and
    # the case no longer in it (its phase label does not name it: waiting on a
    # timer, say).
    spans = f"""
        SELECT c.gemeente_id AS gemeente_id, t.phase AS phase, {days} AS days
        FROM {task_table} t JOIN {case_table} c ON c.id = t.case_id
        WHERE t.case_id IN ({ids_sql})
        GROUP BY c.gemeente_id, t.case_id, t.phase, c.phase_label
        HAVING SUM(CASE WHEN t.state = %s THEN 1 ELSE 0 END) = 0
           AND MAX(t.completed_at) IS NOT NULL
           AND {
        _position(
            "' · ' || COALESCE(c.phase_label, '') || ' · '", "' · ' || t.phase || ' · '"
        )
    } = 0
    """
    params = (
        *end_params,
        *start_params,
        *ids_params,
        TaskItem.State.OPEN,
    )
    found: dict[int, list[float | None]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"SELECT gemeente_id, phase, percentile_cont(0.5) WITHIN GROUP"
                f" (ORDER BY days) FROM ({spans}) spans GROUP BY gemeente_id, phase",
                params,
            )
            medians = [(g, phase, float(m)) for g, phase, m in cursor.fetchall()]
        else:
            cursor.execute(
                f"SELECT gemeente_id, phase, days, COUNT(*) FROM ({spans}) spans"
                " GROUP BY gemeente_id, phase, days ORDER BY gemeente_id, phase, days",
                params,
            )
            histograms: dict[tuple[int, str], list[tuple[int, int]]] = {}
            for gemeente_id, phase, day_count, n in cursor.fetchall():
                histograms.setdefault((gemeente_id, phase), []).append((day_count, n))
            medians = [
                (gemeente_id, phase, _median_of(histogram))
                for (gemeente_id, phase), histogram in histograms.items()
            ]
    for gemeente_id, phase, median in medians:
        position = index.get(phase)
        if position is None:
            continue
        per_phase = found.setdefault(gemeente_id, [None] * len(labels))
        per_phase[position] = _whole(median)
    return found


def _position(haystack: str, needle: str) -> str:
    """SQL for where ``needle`` starts in ``haystack`` (0: nowhere), both SQL."""
    if connection.vendor == "postgresql":
        return f"strpos({haystack}, {needle})"
    return f"instr({haystack}, {needle})"


def _tasks_per_organisation(
    cases: QuerySet[Case], today: date
) -> dict[int, list[OrganisationTasks]]:
    totals: dict[int, dict[str, list[int]]] = {}
    for gemeente_id, role, gemeente, mb, n, late in (
        TaskItem.objects.filter(
            state=TaskItem.State.OPEN, case__in=cases.order_by().values("pk")
        )
        .values(
            "case__gemeente_id", "role", "case__gemeente__naam", "mb_organisation__naam"
        )
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_date__lt=today)))
        .order_by()
        .values_list(
            "case__gemeente_id",
            "role",
            "case__gemeente__naam",
            "mb_organisation__naam",
            "n",
            "late",
        )
    ):
        name = _organisation(role, gemeente, mb) or "(geen MB-organisatie)"
        counts = totals.setdefault(gemeente_id, {}).setdefault(name, [0, 0])
        counts[0] += n
        counts[1] += late
    return {
        gemeente_id: [
            OrganisationTasks(name, n, late)
            for name, (n, late) in sorted(per_org.items())
        ]
        for gemeente_id, per_org in totals.items()
    }


def report_summary(*, cases: QuerySet[Case], today: date) -> Summary:
    """The figures per gemeente, by aggregate queries: cases per phase (trajectory
    order), PIP on time, PVT completed, median days per phase, open and overdue
    tasks per organisation."""
    versions = _Versions()
    phases = _trajectory(versions.load(_version_ids(cases)))
    pids = {pid: i for i, (pid, _label) in enumerate(phases)}
    labels = [label for _pid, label in phases]
    gemeenten = list(
        Gemeente.objects.filter(pk__in=cases.order_by().values("gemeente_id"))
        .order_by("naam")
        .values_list("pk", "slug", "naam")
    )
    counts = _phase_counts(cases, pids, len(phases))
    pip = _pip_ratios(cases, today)
    pvt = _pvt_ratios(cases, versions)
    medians = _medians(cases, labels)
    tasks = _tasks_per_organisation(cases, today)
    figures = []
    for pk, slug, naam in gemeenten:
        per_phase, closed, total = counts.get(pk, ([0] * len(phases), 0, 0))
        middle = medians.get(pk, [None] * len(phases))
        figures.append(
            GemeenteFigures(
                naam=naam,
                phases=tuple(zip(per_phase, middle, strict=True)),
                closed=closed,
                total=total,
                pip_on_time=pip.get(pk, Ratio(0, 0)),
                pvt_signed=pvt.get(pk, Ratio(0, 0)),
                tasks=tuple(tasks.get(pk, ())),
                key=slug,
            )
        )
    return Summary(today=today, phase_labels=tuple(labels), gemeenten=tuple(figures))
