"""The zaaksysteem's outbox catching up after an outage (issue 20, item 4).

A gemeente with a zaaksysteem (the Zaken API stand-in of tests/zgw_standin.py on
loopback) whose zaaksysteem is down while its dossiers change: 50 dossiers start
through ``case_start`` (the zaak and its first status each) and then reach 18 more
milestones each, written through the same outbox writer ``advance_store`` calls:
1,000 updates in all. A sync while the zaaksysteem is unreachable sends nothing and
loses nothing; then the zaaksysteem comes back and one catch-up
(``zaken_enqueue``: a django-tasks task per dossier) sends them. Measured: the
catch-up's wall time; checked: every update arrived once, and per zaak in the order
written.

``rows()`` returns the figures; Django must be set up on a migrated (throwaway)
database.
"""

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

DOSSIERS = 50
UPDATES = 1_000
SECTION = "Zaaksysteem"


def rows() -> list[dict[str, Any]]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from engine import ManualClock, ReachedMilestone
    from tests.zgw_standin import RESULTAATTYPE, ZAAKTYPE, ZakenStandIn, statustype
    from webui.accounts.models import Gemeente, MbOrganisation
    from webui.casework.services import case_start
    from webui.definitions.bundles import START_FORM, bundle_of
    from webui.definitions.services import active_version
    from webui.demo.seed import deploy_demo_versions, sample_answers
    from webui.zaken.models import ZaakUpdate
    from webui.zaken.outbox import zaak_updates_record
    from webui.zaken.services import ZaaksysteemSettings, zaaksysteem_configure
    from webui.zaken.tasks import zaken_enqueue

    standin = ZakenStandIn()
    gemeente = Gemeente.objects.create(slug="bench-zaken", naam="Bench Zaken")
    mb = MbOrganisation.objects.create(slug="bench-zaken-mb", naam="Bench MB")
    mb.gemeenten.add(gemeente)
    deploy_demo_versions((gemeente,))
    user = get_user_model().objects.create_user(username="bench-zaken")
    steps = [f"stap_{n:02d}" for n in range(18)]
    zaaksysteem_configure(
        gemeente=gemeente,
        settings=ZaaksysteemSettings(
            api_root=standin.api_root,
            client_id=standin.client_id,
            secret=standin.secret,
            bronorganisatie="002220647",
            zaaktype=ZAAKTYPE,
            statustypen={"aangemeld": statustype("aangemeld")}
            | {key: statustype(key) for key in steps},
            resultaattype_pip=RESULTAATTYPE,
        ),
        actor=user,
    )
    standin.stop()  # the outage begins
    clock = ManualClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    definition = bundle_of(active_version(gemeente)).forms.get(START_FORM)
    cases = []
    for _n in range(DOSSIERS):
        answers = sample_answers(
            definition,
            today=date(2026, 1, 5),
            user_for_role=lambda r: "",
            overrides={"voornaam": "Bench", "achternaam": "Zaak"},
        )
        cases.append(
            case_start(gemeente=gemeente, cleaned_data=answers, user=user, clock=clock)
        )
    for minute, key in enumerate(steps, start=1):
        at = clock.now() + timedelta(minutes=minute)
        for case in cases:
            zaak_updates_record(
                case=case,
                event="bench",
                reached=[ReachedMilestone(key, "", at, None)],
                now=at,
                closed=False,
            )
    written = ZaakUpdate.objects.count()

    started = time.perf_counter()
    zaken_enqueue()  # unreachable: every dossier fails at its first update
    outage_s = time.perf_counter() - started
    lost = written - ZaakUpdate.objects.filter(sent_at=None).count()

    standin.start()  # back, on the same address
    from webui.zaken.models import ZaakDossier

    ZaakDossier.objects.update(retry_at=timezone.now())  # their retry time has come
    started = time.perf_counter()
    zaken_enqueue()
    catch_up_s = time.perf_counter() - started
    standin.stop()

    waiting = ZaakUpdate.objects.filter(sent_at=None).count()
    posted = [c for c in standin.calls if c[0] == "POST"]
    in_order = all(
        [s["statustoelichting"] for s in standin.statussen_of(zaak["url"])]
        == ["Wegwijs: aangemeld", *(f"Wegwijs: {k.replace('_', ' ')}" for k in steps)]
        for zaak in standin.zaken.values()
    )
    ok = (
        written == UPDATES
        and len(posted) == UPDATES
        and waiting == 0
        and lost == 0
        and in_order
        and len(standin.zaken) == DOSSIERS
    )
    measured = (
        f"{len(posted)} van {written} bijwerkingen in {catch_up_s:.1f} s;"
        f" {'op volgorde' if in_order else 'NIET op volgorde'}, {waiting} wachten nog"
    )
    return [
        {
            "section": SECTION,
            "label": f"storing: {DOSSIERS} dossiers, {written} bijwerkingen klaar",
            "p50": outage_s,
            "p95": None,
            "n": 1,
            "unit": "s",
            "note": f"niets verstuurd, {lost} kwijt",
        },
        {
            "section": SECTION,
            "label": "inhalen na de storing (django-tasks, één taak per dossier)",
            "p50": catch_up_s,
            "p95": None,
            "n": 1,
            "unit": "s",
            "note": measured,
            "verdict": {
                "target": "zaaksysteem: 1.000 bijwerkingen ingehaald na een storing,"
                " op volgorde, niets kwijt of dubbel",
                "measured": measured,
                "ok": ok,
            },
        },
    ]


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webui.settings.test")
    django.setup()
    for row in rows():
        print(row)
