"""The queue pages and the case list at scale, as served (server time in-process).

Each page is requested through Django's test Client (every middleware, the session,
the template, the processing-log write), after ``ANALYZE``: a begeleider's own tasks
(tab *mijn*, the begeleider with the most open tasks), the pool of the largest
gemeente's regievoerders (tab *oppakken*), and that regievoerder's case list. Its
rows also carry the query plan of every query on the task and case tables that the
page ran (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL).
"""

import statistics
import time
from typing import Any

from django.db import connection

from bench.stats import percentile

SECTION = "Werkvoorraad en dossierlijst"
SAMPLES = 120
WARM_UP = 10
# Queries on these tables get their plan printed.
PLANNED = ('"tasks_taskitem"', '"cases_case"')


def _client(username: str) -> Any:
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(get_user_model().objects.get(username=username))
    return client


def _plan(sql: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN {sql}")
            return "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return "\n".join(row[-1] for row in cursor.fetchall())


def _plans(client: Any, url: str) -> list[tuple[str, str, float]]:
    """(sql, plan, ms) of every SELECT on the task and case tables the page runs."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    found = []
    for query in queries.captured_queries:
        sql = query["sql"]
        if sql.startswith("SELECT") and any(t in sql for t in PLANNED):
            found.append((sql, _plan(sql), float(query["time"]) * 1000))
    return found


def measure(username: str, url: str, label: str, note: str) -> list[dict[str, Any]]:
    client = _client(username)
    for _ in range(WARM_UP):
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200
    plans = _plans(client, url)
    rows = [
        {
            "section": SECTION,
            "label": label,
            "p50": statistics.median(samples),
            "p95": percentile(samples, 0.95),
            "n": len(samples),
            "unit": "ms",
            "note": f"{note}; {len(plans)} queries op taken/dossiers",
            "target": "queue" if "werkvoorraad" in label else None,
        }
    ]
    rows += [
        {
            "section": "Queryplannen",
            "label": f"{label}: query {i + 1}",
            "p50": None,
            "p95": None,
            "n": 0,
            "unit": "plan",
            "note": f"{ms:.1f} ms",
            "sql": sql,
            "plan": plan,
        }
        for i, (sql, plan, ms) in enumerate(plans)
    ]
    return rows


def rows(info: Any) -> list[dict[str, Any]]:
    from webui.tasks.models import TaskItem

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    begeleider = info.busiest_begeleider
    mine = TaskItem.objects.filter(state="open", assignee__username=begeleider).count()
    regie = info.largest_regievoerder
    pool = TaskItem.objects.filter(
        state="open",
        role="regievoerder",
        gemeente__memberships__user__username=regie,
        assignee__isnull=True,
    ).count()
    out = measure(
        begeleider,
        "/?lijst=mijn",
        "werkvoorraad begeleider, tab mijn (eerste pagina)",
        f"{mine} eigen open taken",
    )
    out += measure(
        regie,
        "/?lijst=oppakken",
        "werkvoorraad regievoerder grootste gemeente, tab oppakken",
        f"{pool:_} taken in de pool".replace("_", "."),
    )
    out += measure(
        regie,
        "/dossiers/",
        "dossierlijst regievoerder grootste gemeente",
        "eerste pagina (50 dossiers), met tellingen",
    )
    return out
