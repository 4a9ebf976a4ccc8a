"""One bench run against one database, in its own process (the database is chosen
when Django is set up): migrate the empty database named by DATABASE_URL, seed it
when a section needs the seeded cases, run the sections, and write their rows as
JSON. Started by ``python -m bench``; not meant to be run by hand (but it can be:
``python -m bench.worker --sections queues --cases 2000 --out rows.json``).
"""

import argparse
import json
import os
import sys
import time
from typing import Any

# Sections that measure on the seeded cases; "completion" makes its own.
SEEDED = ("queues", "http", "timers", "api")


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _run(section: str, info: Any, args: argparse.Namespace) -> list[dict[str, Any]]:
    if section == "completion":
        from bench import completion

        return completion.rows()
    if section == "queues":
        from bench import queues

        return queues.rows(info)
    if section == "timers":
        from bench import timers

        return timers.rows(info, tuple(f"{s}%" for s in args.sweeps.split(",")))
    if section == "http":
        from bench import http_load

        during = tuple(s for s in args.during.split(",") if s)
        return http_load.rows(
            info, duration=args.duration, users=args.users, during=during
        )
    if section == "api":
        from bench import api

        return api.rows(info)
    if section == "log":
        from bench import processing_log

        return processing_log.rows(args.log_records)
    if section == "export":
        from bench import export_section

        return export_section.rows(args.cases)
    if section == "zaken":
        from bench import zaken_outbox

        return zaken_outbox.rows()
    if section == "coa":
        from bench import coa_bulk

        return coa_bulk.rows()
    raise ValueError(f"unknown section {section}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", required=True)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=60.0)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--gemeenten", type=int, default=50)
    parser.add_argument("--log-records", type=int, default=200_000)
    parser.add_argument(
        "--sweeps", default="1,10", help="timer sweeps: percent of the cases due"
    )
    parser.add_argument("--mb-organisations", type=int, default=20)
    parser.add_argument(
        "--during",
        default="",
        help="timers,export: run these while the HTTP users work (the timers"
        " section then measures nothing more)",
    )
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    sections = [s for s in args.sections.split(",") if s]

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    log(f"  migrate ({connection.vendor}): {time.perf_counter() - started:.1f} s")
    info = None
    if any(s in SEEDED for s in sections):
        from bench.seed import seed

        info = seed(
            args.cases,
            gemeenten=args.gemeenten,
            mb_organisations=args.mb_organisations,
            load_users=args.users,
            log=log,
        )
    rows: list[dict[str, Any]] = []
    if info is not None:
        rows.append(
            {
                "section": "Gegevens",
                "label": f"zaaien: {info.cases:_} dossiers, {info.task_rows:_}"
                f" taakregels ({info.open_rows:_} open)".replace("_", "."),
                "p50": info.seconds,
                "p95": None,
                "n": 1,
                "unit": "s",
                "note": f"{info.real_waiting + info.real_open:_} echte dossiers"
                " (via de services, gekloond)".replace("_", "."),
                "cases": args.cases,
            }
        )
    for section in sections:
        if section == "timers" and "http" in sections and "timers" in args.during:
            continue  # swept during the HTTP load: nothing is due any more
        log(f"  meten: {section}")
        for row in _run(section, info, args):
            row.setdefault("cases", args.cases)
            rows.append(row)
        with open(args.out, "w", encoding="utf-8") as out:
            json.dump(rows, out, default=str)
    with open(args.out, "w", encoding="utf-8") as out:
        json.dump(rows, out, default=str)
    return 0


if __name__ == "__main__":
    sys.exit(main())
