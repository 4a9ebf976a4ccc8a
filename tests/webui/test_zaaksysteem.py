"""Each dossier of a gemeente with a zaaksysteem is kept as a zaak in its ZGW Zaken
API, through an outbox: tested against the stand-in on loopback
(tests/zgw_standin.py, Zaken API 1.5.1)."""

from datetime import timedelta

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

import pytest

from engine import ReachedMilestone
from tests.conftest import PASSWORD, World
from tests.zgw_standin import (
    EINDSTATUS,
    RESULTAATTYPE,
    ZAAKTYPE,
    ZakenStandIn,
    statustype,
)
from webui.logs.models import AuditEvent
from webui.zaken.models import ZaakDossier, Zaaksysteem, ZaakUpdate
from webui.zaken.outbox import zaak_updates_record
from webui.zaken.sending import zaak_dossiers_due, zaak_updates_send
from webui.zaken.services import ZaaksysteemSettings, zaaksysteem_configure

RSIN = "002220647"  # a valid RSIN (elfproef), as the test gemeente's


@pytest.fixture
def standin():
    server = ZakenStandIn()
    yield server
    server.stop()


def configure(world: World, standin: ZakenStandIn, **overrides) -> None:
    settings = {
        "api_root": standin.api_root,
        "client_id": standin.client_id,
        "secret": standin.secret,
        "bronorganisatie": RSIN,
        "zaaktype": ZAAKTYPE,
        "statustypen": {
            "aangemeld": statustype("aangemeld"),
            "pip_vastgesteld": statustype("pip_vastgesteld"),
            "afgesloten": EINDSTATUS,
        },
        "resultaattype_pip": RESULTAATTYPE,
        **overrides,
    }
    zaaksysteem_configure(
        gemeente=world.polderdam,
        settings=ZaaksysteemSettings(**settings),
        actor=world.who("beheerder", world.polderdam),
    )


def sync() -> None:
    call_command("sync_zaken", "--now", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_new_dossier_becomes_a_zaak_of_the_gemeentes_zaaktype(
    world: World, standin: ZakenStandIn
) -> None:
    configure(world, standin)
    case = world.start()
    assert ZaakUpdate.objects.filter(dossier__case=case, sent_at=None).count() == 2

    sync()

    zaak = standin.zaak_by_identificatie(case.reference)
    assert zaak is not None
    assert zaak["zaaktype"] == ZAAKTYPE
    assert zaak["bronorganisatie"] == RSIN
    assert zaak["startdatum"] == "2026-01-05"
    assert zaak["vertrouwelijkheidaanduiding"] == "vertrouwelijk"
    [status] = standin.statussen_of(zaak["url"])
    assert status["statustype"] == statustype("aangemeld")
    assert ZaakDossier.objects.get(case=case).zaak_url == zaak["url"]
    assert not ZaakUpdate.objects.filter(sent_at=None).exists()
    # The zaak points to the dossier; it copies no personal data.
    sent = repr(standin.calls)
    assert "Testa" not in sent and "Persoon" not in sent and "111222333" not in sent


def test_the_pip_vaststelling_is_the_zaaks_resultaat_and_status(
    world: World, standin: ZakenStandIn
) -> None:
    configure(world, standin)
    case = world.run_until(world.start(), "pip_vaststellen")
    case = world.complete(case, "pip_vaststellen")
    assert case.pip_vastgesteld_op is not None

    sync()

    zaak = standin.zaak_by_identificatie(case.reference)
    assert [r["resultaattype"] for r in standin.resultaten] == [RESULTAATTYPE]
    assert zaak["resultaat"] == standin.resultaten[0]["url"]
    types = [s["statustype"] for s in standin.statussen_of(zaak["url"])]
    assert types == [statustype("aangemeld"), statustype("pip_vastgesteld")]


def test_a_gemeente_without_a_zaaksysteem_sends_nothing(
    world: World, standin: ZakenStandIn
) -> None:
    configure(world, standin)
    world.start(world.rivierstad)
    assert not ZaakDossier.objects.filter(case__gemeente=world.rivierstad).exists()
    sync()
    assert standin.zaken == {}


def test_an_unreachable_zaaksysteem_loses_nothing_and_catches_up_in_order(
    world: World, standin: ZakenStandIn
) -> None:
    configure(world, standin)
    standin.stop()
    case = world.run_until(world.start(), "pip_vaststellen")
    case = world.complete(case, "pip_vaststellen")

    sync()

    dossier = ZaakDossier.objects.get(case=case)
    assert dossier.last_error == "Het zaaksysteem is niet bereikbaar."
    assert dossier.failures == 1 and dossier.retry_at > timezone.now()
    assert ZaakUpdate.objects.filter(dossier=dossier, sent_at=None).count() == 4
    # Not due before its retry time; then sent, in the order written.
    standin.start()
    assert zaak_dossiers_due() == []
    later = timezone.now() + timedelta(minutes=2)
    assert zaak_dossiers_due(now=later) == [case.pk]
    result = zaak_updates_send(case_id=case.pk, now=later)
    assert (result.sent, result.failed) == (4, False)
    # (The zaak had been tried once: first asked for, by its identificatie.)
    posted = [p.rsplit("/", 1)[-1] for m, p, _b in standin.calls if m == "POST"]
    assert posted == ["zaken", "statussen", "resultaten", "statussen"]
    dossier.refresh_from_db()
    assert (dossier.failures, dossier.retry_at, dossier.last_error) == (0, None, "")


def test_an_update_whose_answer_was_lost_is_not_made_twice(
    world: World, standin: ZakenStandIn
) -> None:
    configure(world, standin)
    case = world.start()
    sync()
    # The zaaksysteem made the zaak and the status, but Wegwijs never heard so.
    ZaakUpdate.objects.filter(dossier__case=case).update(sent_at=None, attempts=1)
    ZaakDossier.objects.filter(case=case).update(zaak_url="")

    sync()

    assert len(standin.zaken) == 1
    assert len(standin.statussen) == 1
    assert not ZaakUpdate.objects.filter(sent_at=None).exists()


def test_a_refusal_stops_the_dossier_with_the_reason_and_keeps_the_order(
    world: World, standin: ZakenStandIn
) -> None:
    configure(world, standin, secret="een-ander-geheim-dat-de-zaken-api-niet-kent")
    case = world.start()
    sync()
    dossier = ZaakDossier.objects.get(case=case)
    assert "403" in dossier.last_error
    assert standin.zaken == {}
    assert ZaakUpdate.objects.filter(dossier=dossier, sent_at=None).count() == 2


def test_the_updates_roll_back_with_a_change_that_fails(
    world: World, standin: ZakenStandIn, monkeypatch
) -> None:
    configure(world, standin)

    def broken(**kwargs):
        raise RuntimeError("stroomstoring")

    monkeypatch.setattr("webui.casework.services.advancing.audit_event", broken)
    with pytest.raises(RuntimeError):
        world.start()
    assert not ZaakUpdate.objects.exists()
    assert not ZaakDossier.objects.exists()


def test_configuring_the_zaaksysteem_is_in_the_history(
    world: World, standin: ZakenStandIn
) -> None:
    configure(world, standin)
    configure(world, standin, secret="")  # an empty secret keeps the stored one
    event = AuditEvent.objects.filter(event="zaaksysteem_configured").last()
    assert event.detail["gemeente"] == "polderdam"
    case = world.start()
    sync()
    assert standin.zaak_by_identificatie(case.reference) is not None


# ---- the beheerder's page --------------------------------------------------------


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def form_data(standin: ZakenStandIn, **overrides) -> dict[str, str]:
    return {
        "active": "on",
        "api_root": standin.api_root,
        "client_id": standin.client_id,
        "secret": standin.secret,
        "bronorganisatie": RSIN,
        "zaaktype": ZAAKTYPE,
        "resultaattype_pip": RESULTAATTYPE,
        "resultaattype_einde": "",
        "status_aangemeld": statustype("aangemeld"),
        "status_pip_vastgesteld": statustype("pip_vastgesteld"),
        "status_afgesloten": EINDSTATUS,
        **overrides,
    }


def test_the_beheerder_connects_the_zaaksysteem_and_new_dossiers_become_zaken(
    world: World, standin: ZakenStandIn
) -> None:
    client = client_for("beheerder.polderdam")
    page = client.get("/zaaksysteem/", follow=True)
    assert page.status_code == 200
    assert "Statustypen per mijlpaal" in page.text
    assert "Mijlpaal: PIP vastgesteld (beschikking)" in page.text

    answer = client.post("/zaaksysteem/polderdam/", form_data(standin), follow=True)
    assert "Het zaaksysteem van Polderdam is opgeslagen." in answer.text
    assert standin.secret not in answer.text  # the secret is never shown again

    case = world.start()
    sync()
    assert standin.zaak_by_identificatie(case.reference) is not None
    page = client.get("/zaaksysteem/polderdam/")
    assert "1 dossier(s) als zaak; 0 bijwerking(en) wachten" in page.text


def test_bad_settings_get_a_dutch_error_and_nothing_is_stored(
    world: World, standin: ZakenStandIn
) -> None:
    client = client_for("beheerder.polderdam")
    answer = client.post(
        "/zaaksysteem/polderdam/",
        form_data(standin, bronorganisatie="123456789", resultaattype_pip=""),
    )
    assert answer.status_code == 200
    assert "Dit is geen geldig RSIN: de elfproef klopt niet." in answer.text
    assert "Een zaak sluit alleen met een resultaat" in answer.text
    assert not Zaaksysteem.objects.exists()


def test_an_address_into_wegwijs_own_network_is_refused_naming_the_field(
    world: World, standin: ZakenStandIn, settings
) -> None:
    client = client_for("beheerder.polderdam")
    for api_root in ("http://169.254.169.254/zaken/api/v1/", "https://192.168.10.4/"):
        answer = client.post(
            "/zaaksysteem/polderdam/", form_data(standin, api_root=api_root)
        )
        assert answer.status_code == 200
        assert "Adres van de Zaken API: " in answer.text
        assert "alleen verbinding met adressen op het internet" in answer.text
    # The stand-in on loopback passes only by the tests' own setting.
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False
    answer = client.post("/zaaksysteem/polderdam/", form_data(standin))
    assert "van deze server zelf (loopback)" in answer.text
    assert not Zaaksysteem.objects.exists()


def test_a_zaaksysteem_that_turns_inward_later_gets_no_call(
    world: World, standin: ZakenStandIn, settings
) -> None:
    configure(world, standin)
    case = world.start()
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = False  # as if its name moved inward
    sync()
    assert standin.zaak_by_identificatie(case.reference) is None
    dossier = ZaakDossier.objects.get(case=case)
    assert "Wegwijs maakt geen verbinding met dit zaaksysteem" in dossier.last_error
    assert ZaakUpdate.objects.filter(dossier=dossier, sent_at=None).count() == 2
    # Once allowed again (here: the setting), it catches up.
    settings.WEGWIJS_OUTBOUND_ALLOW_LOOPBACK = True
    ZaakDossier.objects.filter(pk=dossier.pk).update(retry_at=None)
    sync()
    assert standin.zaak_by_identificatie(case.reference) is not None


@pytest.mark.parametrize(
    "username", ["beheerder.rivierstad", "coordinator.polderdam", "manager.polderdam"]
)
def test_only_the_gemeentes_own_beheerder_sees_its_zaaksysteem(
    world: World, standin: ZakenStandIn, username: str
) -> None:
    client = client_for(username)
    assert client.get("/zaaksysteem/polderdam/").status_code == 404
    answer = client.post("/zaaksysteem/polderdam/", form_data(standin))
    assert answer.status_code == 404
    assert not Zaaksysteem.objects.exists()


def test_a_dossier_closed_without_a_pip_gets_a_resultaat_before_its_eindstatus(
    world: World, standin: ZakenStandIn
) -> None:
    einde = RESULTAATTYPE.replace("8f7e", "0e1d")
    configure(
        world,
        standin,
        resultaattype_einde=einde,
        statustypen={"afgesloten": EINDSTATUS, "heropend": statustype("heropend")},
    )
    case = world.start()
    now = world.clock.now()
    # What advance_store writes when a change closes the dossier, then reopens it
    # (a reopened dossier reaches the milestone heropend; every start reaches it
    # with "no", which is no status).
    zaak_updates_record(
        case=case, event="task_completed", reached=[], now=now, closed=True
    )
    reopened = ReachedMilestone("heropend", "", now, True)
    zaak_updates_record(
        case=case, event="case_reopened", reached=[reopened], now=now, closed=False
    )
    sync()

    zaak = standin.zaak_by_identificatie(case.reference)
    assert [r["resultaattype"] for r in standin.resultaten] == [einde]
    assert zaak["einddatum"] == now.date().isoformat()
    types = [s["statustype"] for s in standin.statussen_of(zaak["url"])]
    assert types == [EINDSTATUS, statustype("heropend")]


def test_a_whole_trajectory_closes_the_zaak_and_a_reopen_sets_its_status(
    world: World, standin: ZakenStandIn
) -> None:
    from webui.casework.services import case_reopen

    configure(
        world,
        standin,
        statustypen={
            "aangemeld": statustype("aangemeld"),
            "pip_vastgesteld": statustype("pip_vastgesteld"),
            "heropend": statustype("heropend"),
            "afgesloten": EINDSTATUS,
        },
    )
    case = world.run_to_end(world.coupled())
    sync()
    zaak = standin.zaak_by_identificatie(case.reference)
    assert zaak["einddatum"] is not None  # the eindstatus closed it
    assert zaak["resultaat"] == standin.resultaten[0]["url"]
    case_reopen(
        case=case,
        user=world.who("coordinator", world.polderdam),
        reason="Komt terug",
        clock=world.clock,
    )
    sync()
    types = [s["statustype"] for s in standin.statussen_of(zaak["url"])]
    assert types == [
        statustype("aangemeld"),
        statustype("pip_vastgesteld"),
        EINDSTATUS,
        statustype("heropend"),
    ]
