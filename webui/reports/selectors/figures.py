"""The figures per gemeente, from aggregate queries."""

import math
import os
import statistics
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import Count, F, Max, Min, Q, QuerySet
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
from .versions import _trajectory, _version_ids, _Versions, phase_keys_by_name


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


def _median_days(median: float) -> int:
    """A median in whole days, half a day up (Excel's "0" format shows the same)."""
    return math.floor(median + 0.5)


def _phase_keys(pids: dict[str, int]) -> dict[str, str]:
    """Every name a task row may carry for a phase of the report -> that phase's key
    (the process id). A name no version gives is taken as the key itself."""
    keys = phase_keys_by_name()
    return {
        label: key
        for label in {*keys, *pids}
        if (key := keys.get(label, label)) in pids
    }


def _medians_in_python(
    cases: QuerySet[Case], pids: dict[str, int]
) -> dict[int, list[float | None]]:
    """_medians worked out row by row in Python: the definition the SQL keeps to, and
    what SQLite does when its process clock is not in the user's time zone."""
    keys = _phase_keys(pids)
    tz = timezone.get_current_timezone()
    days: dict[int, list[list[int]]] = {}
    groups = (
        TaskItem.objects.filter(case__in=cases.order_by().values("pk"))
        .values("case__gemeente_id", "case_id", "phase")
        .annotate(
            start=Min("ready_at"),
            end=Max("completed_at"),
            running=Count("id", filter=Q(state=TaskItem.State.OPEN)),
        )
        .order_by()
        .values_list("case__gemeente_id", "case_id", "phase", "start", "end", "running")
    )
    now_in = dict(
        cases.order_by().filter(is_closed=False).values_list("pk", "open_phases")
    )
    # One case's days per phase key: v1's name and v3's for the same phase (a
    # migrated case's tasks) are one stay, first ready to last completed.
    stays: dict[tuple[int, int, str], list[Any]] = {}
    for gemeente_id, case_id, phase, start, end, running in groups.iterator(
        chunk_size=10_000
    ):
        key = keys.get(phase)
        if key is None:
            continue
        stay = stays.setdefault((gemeente_id, case_id, key), [start, end, running])
        stay[0] = min(stay[0], start)
        stay[1] = None if end is None or stay[1] is None else max(stay[1], end)
        stay[2] = stay[2] or running
    for (gemeente_id, case_id, key), (start, end, running) in stays.items():
        if running or end is None:
            continue
        if key in (now_in.get(case_id) or ()):
            continue  # the case is still in it (waiting on a timer, say)
        per_phase = days.setdefault(gemeente_id, [[] for _ in pids])
        per_phase[pids[key]].append(
            (end.astimezone(tz).date() - start.astimezone(tz).date()).days
        )
    return {
        gemeente_id: [
            _median_days(statistics.median(d)) if d else None for d in per_phase
        ]
        for gemeente_id, per_phase in days.items()
    }


# A case's stays, one per phase key: its tasks in a phase the report shows
# ({names}) grouped by the key of the phase name they carry ({key_of}), so that v1's
# "Uitvoering" and v3's "Begeleiding vanuit het PIP" of a migrated case are one stay,
# first ready to last completed. A stay counts once it is over: no open task, each
# of its names with a completed task, and the case no longer in the phase. {days}
# is the number of local days from start to end, {still_in} whether the case is in
# the phase now.
_STAYS = """
WITH stays AS (
    SELECT t.case_id, {key_of} AS key, MIN(t.ready_at) AS started,
        MAX(t.completed_at) AS ended
    FROM {tasks} t
    WHERE t.case_id IN ({cases}) AND t.phase IN ({names})
    GROUP BY 1, 2
    HAVING COUNT(CASE WHEN t.state = %s THEN 1 END) = 0
        AND COUNT(DISTINCT t.phase)
            = COUNT(DISTINCT CASE WHEN t.completed_at IS NOT NULL THEN t.phase END)
)
SELECT c.gemeente_id, st.key, {days} AS days
FROM stays st JOIN {case_table} c ON c.id = st.case_id
WHERE c.is_closed OR NOT {still_in}
"""
# Per database: the local days of a stay, and whether the case is in the phase now.
# SQLite's 'localtime' is the process's zone (Django sets TZ to TIME_ZONE), which
# _medians checks before it trusts it.
_DAYS = {
    "postgresql": (
        "(st.ended AT TIME ZONE %s)::date - (st.started AT TIME ZONE %s)::date",
        "COALESCE(c.open_phases ? st.key, false)",
    ),
    "sqlite": (
        "CAST(julianday(date(st.ended, 'localtime'))"
        " - julianday(date(st.started, 'localtime')) AS INTEGER)",
        "EXISTS (SELECT 1 FROM json_each(c.open_phases) WHERE value = st.key)",
    ),
}


def _sqlite_local_time_is(tz_name: str) -> bool:
    """Whether SQLite's 'localtime' is ``tz_name``: the process's TZ, set by Django
    from TIME_ZONE, while the user's zone may be another (timezone.activate)."""
    return os.environ.get("TZ") == tz_name


def _median_of_histogram(counts: Sequence[tuple[int, int]]) -> float:
    """The median of values given as (value, how often), in ascending order."""
    total = sum(n for _days, n in counts)
    low, high = (total - 1) // 2, total // 2  # the middle one, or the middle two
    found: list[int] = []
    seen = 0
    for days, n in counts:
        while len(found) < 2 and seen + n > (low, high)[len(found)]:
            found.append(days)
        seen += n
    return (found[0] + found[1]) / 2


def _medians(
    cases: QuerySet[Case], pids: dict[str, int]
) -> dict[int, list[float | None]]:
    """Per gemeente, per phase: the median days a case spent in a phase it has left
    (first task of the phase ready to its last task completed, in the user's local
    days), in whole days. A phase is matched by its key, whatever version the case
    did it on; a migrated case's stay counts once. In SQL: percentile_cont on
    PostgreSQL, a histogram of days per gemeente and phase on SQLite."""
    vendor = connection.vendor
    tz_name = timezone.get_current_timezone_name()
    if vendor not in _DAYS or (
        vendor == "sqlite" and not _sqlite_local_time_is(tz_name)
    ):
        return _medians_in_python(cases, pids)
    names = _phase_keys(pids)
    if not names:
        return {}
    days, still_in = _DAYS[vendor]
    case_sql, case_params = cases.order_by().values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    key_of = "CASE t.phase " + "WHEN %s THEN %s " * len(names) + "END"
    stays = _STAYS.format(
        key_of=key_of,
        names=", ".join(["%s"] * len(names)),
        tasks=quote(TaskItem._meta.db_table),
        cases=case_sql,
        days=days,
        case_table=quote(Case._meta.db_table),
        still_in=still_in,
    )
    params: list[Any] = [value for pair in names.items() for value in pair]
    params += [*case_params, *names, str(TaskItem.State.OPEN)]
    if vendor == "postgresql":
        params += [tz_name, tz_name]
        sql = (
            "SELECT gemeente_id, key, percentile_cont(0.5) WITHIN GROUP"
            f" (ORDER BY days) FROM ({stays}) d GROUP BY gemeente_id, key"
        )
    else:
        sql = (
            f"SELECT gemeente_id, key, days, COUNT(*) FROM ({stays}) d"
            " GROUP BY gemeente_id, key, days ORDER BY gemeente_id, key, days"
        )
    found: dict[int, list[float | None]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if vendor == "postgresql":
            for gemeente_id, key, median in cursor.fetchall():
                per_phase = found.setdefault(gemeente_id, [None] * len(pids))
                per_phase[pids[key]] = _median_days(median)
        else:
            histograms: dict[tuple[int, str], list[tuple[int, int]]] = {}
            for gemeente_id, key, count_days, n in cursor.fetchall():
                histograms.setdefault((gemeente_id, key), []).append((count_days, n))
            for (gemeente_id, key), counts in histograms.items():
                per_phase = found.setdefault(gemeente_id, [None] * len(pids))
                per_phase[pids[key]] = _median_days(_median_of_histogram(counts))
    return found


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
    medians = _medians(cases, pids)
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
