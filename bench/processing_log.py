"""The processing log after a simulated year: its size, and the privacy officer's
search on it.

Wegwijs writes one processing record per read of personal data (a case opened, a
list shown, an export), with a subject row per statushouder it touched. After a year
at national scale that is the largest table by far. This section fills the log of a
year with ``records`` records (PostgreSQL, in SQL: ``generate_series``, no Python per
row): spread evenly over 365 days, 5,000 users, nine in ten records a single case
(a case opened, a task), one in ten a list of 25 cases; subjects over 150,000 cases
in 342 gemeenten (Zipf-like, as bench/seed.py). Then it measures what the privacy
officer of the largest gemeente (and, over a month, of a middle one) does with it
as the page does (``log_search_page``: the first page of 100, newest first, and the
count up to ``LOG_COUNT_CAP``): by kenmerk, by user, one week, one month (the page
searches only with a criterion). And the size of both tables with their indexes.

PostgreSQL only: that is where a national log lives (see docs/performance.md,
*National scale*, for partitioning and archiving).
"""

import statistics
import time
from datetime import timedelta
from typing import Any

from django.db import connection

from bench.stats import percentile

SECTION = "Verwerkingenlog"
GEMEENTEN = 342
CASES = 150_000
USERS = 5_000
SAMPLES = 20
AIM_P95_MS = 500


def _fill(records: int) -> dict[str, Any]:
    """A year of records, in SQL; returns the privacy officer and the gemeente."""
    from django.contrib.auth import get_user_model

    from webui.accounts.models import Gemeente, Membership, Role
    from webui.logs.models import ProcessedSubject, ProcessingRecord

    gemeenten = Gemeente.objects.bulk_create(
        Gemeente(slug=f"log-{g:03d}", naam=f"Loggemeente {g:03d}")
        for g in range(GEMEENTEN)
    )
    largest = gemeenten[0]
    User = get_user_model()
    officer = User.objects.create(username="log.privacy", first_name="Privacy")
    Membership.objects.create(user=officer, role=Role.PRIVACY, gemeente=largest)
    # And the officer of a gemeente in the middle (rank 172 of 342): a search over
    # a period reads every record of it to find the few that are theirs.
    small = User.objects.create(username="log.privacy.klein", first_name="Privacy")
    Membership.objects.create(
        user=small, role=Role.PRIVACY, gemeente=gemeenten[GEMEENTEN // 2]
    )
    # Users the log names: 5,000, the first 40 work in the largest gemeente.
    staff = User.objects.bulk_create(
        User(username=f"log.user.{u}", first_name="Log", last_name=str(u))
        for u in range(USERS)
    )
    Membership.objects.bulk_create(
        Membership(user=u, role=Role.REGIEVOERDER, gemeente=largest) for u in staff[:40]
    )
    first_user = staff[0].pk
    gemeente_ids = [g.pk for g in gemeenten]
    records_table = ProcessingRecord._meta.db_table
    subjects_table = ProcessedSubject._meta.db_table
    started = time.perf_counter()
    with connection.cursor() as cursor:
        # A case's gemeente: Zipf-like, the largest ~15% (case c is in rank
        # floor(342 * (c/150000)^2.2): many cases in the first ranks).
        cursor.execute(
            "CREATE TEMP TABLE log_cases AS SELECT c AS case_id,"
            " (%s::bigint[])[1 + floor(%s * power(c::float / %s, 2.2))::int]"
            " AS gemeente_id FROM generate_series(0, %s - 1) c",
            [gemeente_ids, GEMEENTEN - 1, CASES, CASES],
        )
        cursor.execute(
            f"INSERT INTO {records_table} (at, request_id, user_id, username,"
            " roles, action, categories, ground, detail)"
            " SELECT now() - (g %% 365) * interval '1 day'"
            " - (g * 7 %% 36000) * interval '1 second', '',"
            " %s + g %% %s, 'log.user.' || (g %% %s), 'regievoerder',"
            " CASE WHEN g %% 10 = 0 THEN 'lijst' ELSE 'inzien' END,"
            " '[\"normaal\"]', 'Wet inburgering 2021: regie op de inburgering',"
            " jsonb_build_object('path', '/dossier/' || g)"
            " FROM generate_series(1, %s) g",
            [first_user, USERS, USERS, records],
        )
        cursor.execute(
            f"INSERT INTO {subjects_table} (record_id, case_id, case_reference,"
            " gemeente_id, mb_organisation_id)"
            " SELECT r.id, c.case_id, 'WW-L-' || lpad(c.case_id::text, 7, '0'),"
            " c.gemeente_id, NULL"
            f" FROM {records_table} r"
            " CROSS JOIN LATERAL generate_series(1,"
            " CASE WHEN r.action = 'lijst' THEN 25 ELSE 1 END) k"
            " JOIN log_cases c ON c.case_id = (r.id * 7919 + k * 104729) %% %s",
            [CASES],
        )
        # What autovacuum does to an insert-only table (PostgreSQL 13+) before
        # long: statistics, and the visibility map that lets the officer's check
        # per record read the subjects' index without the table.
        cursor.execute(f"VACUUM ANALYZE {records_table}")
        cursor.execute(f"VACUUM ANALYZE {subjects_table}")
        cursor.execute("ANALYZE")
        cursor.execute(
            "SELECT pg_total_relation_size(%s), pg_total_relation_size(%s),"
            " (SELECT count(*) FROM " + subjects_table + ")",
            [records_table, subjects_table],
        )
        record_bytes, subject_bytes, subjects = cursor.fetchone()
    return {
        "officer": officer,
        "small_officer": small,
        "seconds": time.perf_counter() - started,
        "record_bytes": record_bytes,
        "subject_bytes": subject_bytes,
        "subjects": subjects,
        "reference": "WW-L-0000042",  # case 42: in the largest gemeente
        "username": "log.user.7",
    }


def _timed(run: Any) -> list[float]:
    run()  # warm
    samples = []
    for _ in range(SAMPLES):
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def rows(records: int) -> list[dict[str, Any]]:
    if connection.vendor != "postgresql":
        return [
            {
                "section": SECTION,
                "label": "verwerkingenlog na een jaar",
                "p50": None,
                "p95": None,
                "n": 0,
                "unit": "",
                "note": "alleen tegen PostgreSQL gemeten",
            }
        ]
    from django.utils import timezone

    from webui.privacy.selectors import (
        LOG_COUNT_CAP,
        LOG_PAGE_SIZE,
        log_search_page,
    )

    filled = _fill(records)
    officer = filled["officer"]
    today = timezone.localdate()
    week = {"date_from": today - timedelta(days=7), "date_to": today}
    month = {"date_from": today - timedelta(days=30), "date_to": today}
    largest, middle = "grootste gemeente", f"gemeente van rang {GEMEENTEN // 2 + 1}"
    searches = {
        "op kenmerk": (officer, largest, {"reference": filled["reference"]}),
        "op gebruiker": (officer, largest, {"username": filled["username"]}),
        "één week": (officer, largest, week),
        "één maand": (officer, largest, month),
        "één maand, middelgrote gemeente": (filled["small_officer"], middle, month),
    }
    mb = 1024 * 1024
    total_mb = (filled["record_bytes"] + filled["subject_bytes"]) / mb
    out: list[dict[str, Any]] = [
        {
            "section": SECTION,
            "label": f"een jaar: {records:_} verwerkingen,"
            f" {filled['subjects']:_} betrokkenen".replace("_", "."),
            "p50": total_mb,
            "p95": None,
            "n": 1,
            "unit": "MB",
            "note": f"tabellen met indexen: verwerkingen"
            f" {filled['record_bytes'] / mb:.0f} MB, betrokkenen"
            f" {filled['subject_bytes'] / mb:.0f} MB;"
            f" {(filled['record_bytes'] + filled['subject_bytes']) / records:.0f}"
            f" bytes per verwerking; gevuld in {filled['seconds']:.0f} s",
            "log_mb": total_mb,
            "log_records": records,
        }
    ]
    for label, (who, where, criteria) in searches.items():
        counted: list[tuple[int, bool]] = []

        def search(
            who: Any = who,
            criteria: dict[str, Any] = criteria,
            counted: list[tuple[int, bool]] = counted,
        ) -> None:
            # As the page does: the first page, newest first, and the count up
            # to the cap.
            page = log_search_page(user=who, **criteria)
            counted.append((page.paginator.count, page.paginator.capped))

        samples = _timed(search)
        count, capped = counted[-1]
        found = (f"meer dan {LOG_COUNT_CAP:_}" if capped else f"{count:_}").replace(
            "_", "."
        )
        out.append(
            {
                "section": SECTION,
                "label": f"privacyfunctionaris zoekt {label}",
                "p50": statistics.median(samples),
                "p95": percentile(samples, 0.95),
                "n": len(samples),
                "unit": "ms",
                "note": f"eerste pagina ({LOG_PAGE_SIZE}) en telling tot"
                f" {LOG_COUNT_CAP:_}: {found} gevonden; {where}".replace("_", "."),
                "target": "log_search",
            }
        )
    return out
