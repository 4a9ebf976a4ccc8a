import re
from datetime import UTC, date, datetime, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from forms.registry import default_registry
from webui.cases.models import Case, Submission
from webui.casework.services import timers_run
from webui.logs.models import ProcessingRecord
from webui.tasks.models import TaskItem
from webui.taskwork.services import task_claim

from ..conftest import PASSWORD, World, state_of


def client_for(world: World, username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_queue_needs_login(client: Client) -> None:
    response = client.get(reverse("tasks:queue"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_queue_shows_my_tasks_then_the_pool_of_my_roles_overdue_first(
    world: World, web_today: date
) -> None:
    today = world.clock.now().date()
    fresh = world.start()  # came today: the PIP deadline lies ten weeks ahead
    world.clock.advance(timedelta(days=1))
    # Registered later, but came to live in the gemeente twelve weeks ago.
    late = world.start(datum_binnenkomst=today - timedelta(weeks=12))
    client = client_for(world, "regievoerder.polderdam")

    def tab(name: str) -> list[TaskItem]:
        return client.get(reverse("tasks:queue"), {"lijst": name}).context["rows"]

    response = client.get(reverse("tasks:queue"), {"lijst": "oppakken"})
    available = response.context["rows"]
    assert tab("mijn") == []
    # Its PIP deadline passed before it was registered: warned and escalated at once.
    assert [(i.case, i.bpmn_id) for i in available] == [
        (late, "brede_intake_uitnodigen"),  # overdue: first
        (late, "pip_termijn_waarschuwing"),
        (fresh, "brede_intake_uitnodigen"),
        (fresh, "ontzorgen_starten"),  # no due date: last, oldest first
        (late, "ontzorgen_starten"),
    ]
    assert "te laat" in response.content.decode()

    client.post(reverse("tasks:claim", args=[available[2].task_id]))
    assert [(i.case, i.bpmn_id) for i in tab("mijn")] == [
        (fresh, "brede_intake_uitnodigen")
    ]
    assert [(i.case, i.bpmn_id) for i in tab("oppakken")] == [
        (late, "brede_intake_uitnodigen"),
        (late, "pip_termijn_waarschuwing"),
        (fresh, "ontzorgen_starten"),
        (late, "ontzorgen_starten"),
    ]


def test_a_user_never_sees_a_task_or_case_of_another_gemeente(world: World) -> None:
    case = world.start(world.polderdam)
    items = world.open_tasks(case)
    assert {i.role for i in items} == {"begeleider", "regievoerder"}
    for role in ("coordinator", "begeleider", "regievoerder"):
        other = client_for(world, f"{role}.rivierstad")
        shown = [
            row
            for name in ("mijn", "oppakken")
            for row in other.get(reverse("tasks:queue"), {"lijst": name}).context[
                "rows"
            ]
        ]
        for item in items:
            assert item not in shown
            url = reverse("tasks:task", args=[item.task_id])
            assert other.get(url).status_code == 404
            claim = reverse("tasks:claim", args=[item.task_id])
            assert other.post(claim).status_code == 404
        detail = reverse("cases:detail", args=[case.reference])
        assert other.get(detail).status_code == 404
        assert case.reference not in other.get(reverse("cases:list")).content.decode()
    assert all(i.assignee is None for i in world.open_tasks(case)), "nothing claimed"


def test_an_invalid_submission_keeps_what_was_typed_and_moves_nothing(
    world: World,
) -> None:
    case = world.run_until(world.start(), "intake_gesprek")
    case = world.complete(case, "intake_gesprek", begeleidingsvorm="individueel")
    item = next(i for i in world.open_tasks(case) if i.bpmn_id == "begeleider_koppelen")
    state, lock = state_of(case), case.lock_version
    client = client_for(world, "coordinator.polderdam")
    prefix = f"task_{item.task_id}"
    response = client.post(
        reverse("tasks:task", args=[item.task_id]),
        {
            f"{prefix}-current_step": "0",
            "0-koppeling_toelichting": "Spreekt Dari en wat Engels",
            "0-tolk_nodig": "ja",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Spreekt Dari en wat Engels" in html
    assert "Dit veld is verplicht." in html  # the begeleider was not chosen
    assert re.search(
        r'<input type="radio" name="0-tolk_nodig" value="ja"[^>]* checked>', html
    )
    case.refresh_from_db()
    assert (state_of(case), case.lock_version) == (state, lock)
    assert case.begeleider is None
    assert not Submission.objects.filter(task_id=item.task_id).exists()


def test_submitting_the_task_form_moves_the_case_on(world: World) -> None:
    case = world.run_until(world.start(), "intake_gesprek")
    case = world.complete(case, "intake_gesprek", begeleidingsvorm="individueel")
    item = next(i for i in world.open_tasks(case) if i.bpmn_id == "begeleider_koppelen")
    client = client_for(world, "coordinator.polderdam")
    response = client.post(
        reverse("tasks:task", args=[item.task_id]),
        {
            f"task_{item.task_id}-current_step": "0",
            "0-begeleider": "begeleider.polderdam",
            "0-tolk_nodig": "nee",
        },
        follow=True,
    )
    # The coördinator has no other task of their own: back to the queue.
    assert response.redirect_chain[-1][0] == reverse("tasks:queue")
    assert "is afgerond" in response.content.decode()
    # The case moved on: the next task of the intake is open, for the begeleider.
    html = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    open_tasks = html.split('id="open-tasks"')[1].split("</table>")[0]
    assert "Begeleiding afspreken" in open_tasks
    assert "Vaste begeleider koppelen" not in open_tasks
    case.refresh_from_db()
    assert case.begeleider == world.who("begeleider", world.polderdam)
    assert "begeleidingsafspraken" in {i.bpmn_id for i in world.open_tasks(case)}


def test_the_case_page_hides_sensitive_answers_from_roles_that_do_not_need_them(
    world: World,
) -> None:
    # Coupled: the begeleider reads the case as its vaste begeleider.
    case = world.coupled()
    begeleider = client_for(world, "begeleider.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    coordinator = client_for(world, "coordinator.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    assert "afgeschermde gegevens" not in begeleider.content.decode()
    assert "afgeschermde gegevens" in coordinator.content.decode()
    assert "111222333" in coordinator.content.decode(), "a coördinator reads the BSN"
    views = ProcessingRecord.objects.filter(
        action="inzien", subjects__case_reference=case.reference
    ).order_by("id")
    assert [r.username for r in views] == [
        "begeleider.polderdam",
        "coordinator.polderdam",
    ]
    assert "gezondheid" in views[0].categories
    assert "gezondheid" not in views[1].categories


def test_a_coordinator_registers_a_statushouder(world: World) -> None:
    client = client_for(world, "coordinator.polderdam")
    arrived = timezone.localdate() - timedelta(days=3)
    data = {
        "gemeente": "polderdam",
        "voornaam": "Yara",
        "achternaam": "Voorbeeld",
        "geboortedatum": "1990-04-01",
        "herkomstland": "Eritrea",
        "gezinsgrootte": "1",
        "soort_aanmelding": "asiel",
        "aangemeld_door": "coa",
        "koppeling_datum": "2026-01-05",
        "datum_binnenkomst": arrived.isoformat(),
        "bsn": "123456782",
        "postcode": "1234ab",
    }
    response = client.post(reverse("cases:new"), data, follow=True)
    case = Case.objects.get(client_naam="Yara Voorbeeld")
    assert response.redirect_chain[-1][0] == reverse(
        "cases:detail", args=[case.reference]
    )
    assert case.submissions.get().data["postcode"] == "1234 AB"
    # Ten weeks from the arrival in the gemeente (the base's setting).
    assert case.pip_deadline == arrived + timedelta(weeks=10)
    assert {i.bpmn_id for i in world.open_tasks(case)} == {
        "huisvesting_inschrijvingen",
        "financien_regelen",
        "brede_intake_uitnodigen",
        "ontzorgen_starten",
    }


def test_a_wrong_bsn_on_registration_is_explained_and_nothing_is_created(
    world: World,
) -> None:
    client = client_for(world, "coordinator.polderdam")
    response = client.post(
        reverse("cases:new"), {"voornaam": "Yara", "bsn": "123456789"}
    )
    html = response.content.decode()
    assert "elfproef" in html and 'value="Yara"' in html
    assert not Case.objects.exists()


def test_a_birth_date_in_the_future_is_refused_and_what_was_typed_stays(
    world: World,
) -> None:
    """The aanmelding's plausibility rule (data in its form definition) refuses
    01-01-2030 on the server with its Dutch message at the field; nothing is
    registered and every answer is still in the form."""
    client = client_for(world, "coordinator.polderdam")
    data = {
        "gemeente": "polderdam",
        "voornaam": "Yara",
        "achternaam": "Voorbeeld",
        "geboortedatum": "2030-01-01",
        "herkomstland": "Eritrea",
        "gezinsgrootte": "1",
        "soort_aanmelding": "asiel",
        "aangemeld_door": "coa",
        "koppeling_datum": "2026-01-05",
        "datum_binnenkomst": "2026-01-05",
    }
    response = client.post(reverse("cases:new"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "De geboortedatum ligt in de toekomst" in html
    assert 'value="2030-01-01"' in html and 'value="Yara"' in html
    assert not Case.objects.filter(client_naam="Yara Voorbeeld").exists()


def test_only_coordinators_register(world: World) -> None:
    for username in ("begeleider.polderdam", "regievoerder.polderdam"):
        response = client_for(world, username).get(reverse("cases:new"))
        assert response.status_code == 404


def test_run_timers_warns_and_escalates_a_missed_pip_deadline(world: World) -> None:
    case = world.start()  # PIP deadline 2026-03-16
    case = world.run_until(case, "brede_intake")
    assert "brede_intake_pip" in case.open_phases
    assert timers_run(clock=world.clock) == 0

    # Two weeks before the deadline the regievoerder is warned.
    world.clock.set(datetime(2026, 3, 3, 9, 0, tzinfo=UTC))
    assert timers_run(clock=world.clock) == 1
    warning = TaskItem.objects.get(case=case, bpmn_id="pip_termijn_waarschuwing")
    assert warning.state == "open" and warning.role == "regievoerder"
    assert not TaskItem.objects.filter(
        case=case, bpmn_id="pip_termijn_verstreken"
    ).exists()

    # Past the deadline with the PIP not vastgesteld: escalated to the teamleider.
    world.clock.set(datetime(2026, 3, 17, 9, 0, tzinfo=UTC))
    assert timers_run(clock=world.clock) == 1
    escalation = TaskItem.objects.get(case=case, bpmn_id="pip_termijn_verstreken")
    assert escalation.state == "open" and escalation.role == "teamleider"
    # Both belong to the phase the deadline is on, not to the main process's name.
    assert {warning.phase, escalation.phase} == {"Brede intake en PIP"}
    assert TaskItem.objects.get(case=case, bpmn_id="brede_intake").state == "open"
    assert timers_run(clock=world.clock) == 0, "a fired timer fires once"


def test_a_rejected_diagram_leaves_the_deployed_version_in_place(
    world: World, settings
) -> None:
    from webui.definitions.services import DeployRefused, version_deploy

    active = world.versions["polderdam"]
    xml = (settings.WORKFLOWS_DIR / "base" / "intake_mb.bpmn").read_text()
    broken = xml.replace('value="intake_gesprek"', 'value="onbekend"')
    with pytest.raises(DeployRefused) as caught:
        version_deploy(gemeente=world.polderdam, own_files={"intake_mb.bpmn": broken})
    assert any("‘onbekend’" in f.message for f in caught.value.findings)
    active.refresh_from_db()
    assert active.is_active
    assert world.polderdam.definition_versions.filter(is_active=True).get() == active


def test_the_begeleider_records_contact_moments_without_moving_the_case(
    world: World,
) -> None:
    case = world.coupled()
    assert case.begeleider == world.who("begeleider", world.polderdam)
    lock, state, phases = case.lock_version, state_of(case), case.open_phases
    client = client_for(world, "begeleider.polderdam")
    url = reverse("cases:contact", args=[case.reference])
    form = {
        "contact_datum": "2026-01-06",
        "contact_soort": "huisbezoek",
        "contact_leefgebieden": ["wonen", "post"],
        "contact_verslag": "Post doorgenomen, afspraak met woningcorporatie gemaakt.",
        "contact_signaal_schulden": "Achterstand energierekening",
        "contact_doorverwezen": "nee",
    }
    for _ in range(3):
        assert client.post(url, form).status_code == 302
    contacts = case.submissions.filter(form_key="contactmoment")
    assert contacts.count() == 3
    case.refresh_from_db()
    assert (case.lock_version, state_of(case)) == (lock, state)
    assert case.open_phases == phases

    coordinator_view = client_for(world, "coordinator.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    html = coordinator_view.content.decode()
    assert "afspraak met woningcorporatie" in html
    assert "Achterstand energierekening" not in html, "schulden: not for a coördinator"


def test_a_trainer_cannot_record_contact_moments(world: World) -> None:
    case = world.start()
    client = client_for(world, "trainer.polderdam")
    response = client.post(
        reverse("cases:contact", args=[case.reference]),
        {
            "contact_datum": "2026-01-06",
            "contact_soort": "spreekuur",
            "contact_leefgebieden": ["werk"],
            "contact_verslag": "x",
            "contact_doorverwezen": "nee",
        },
    )
    assert response.status_code == 404, "a trainer has no business with this case"
    regie = client_for(world, "regievoerder.polderdam").post(
        reverse("cases:contact", args=[case.reference]),
        {
            "contact_datum": "2026-01-06",
            "contact_soort": "spreekuur",
            "contact_leefgebieden": ["werk"],
            "contact_verslag": "x",
            "contact_doorverwezen": "nee",
        },
    )
    assert "Alleen een begeleider of coördinator" in regie.content.decode()
    assert not case.submissions.filter(form_key="contactmoment").exists()


def test_the_case_page_shows_where_the_case_stands_in_its_trajectory(
    world: World,
) -> None:
    from webui.casework.selectors import case_phases

    case = world.start()
    # The MB track, the PIP and the ontzorgen start side by side: all current.
    assert [(s.label, s.status) for s in case_phases(case)] == [
        ("Aanmelding en koppeling", "done"),
        ("Voortraject", "current"),
        ("Intake maatschappelijke begeleiding", "todo"),
        ("Brede intake en PIP", "current"),
        ("Financieel ontzorgen", "current"),
        ("Inburgering", "todo"),
        ("Voortgang en PIP bijstellen", "todo"),
        ("Begeleiding vanuit het PIP", "todo"),
        ("Vervolgtraject", "todo"),
        ("Bezwaar", "todo"),
    ]
    case = world.run_until(case, "intake_gesprek")
    # The begeleider who picks up the intake reads the case while they hold it.
    intake = next(i for i in world.open_tasks(case) if i.bpmn_id == "intake_gesprek")
    task_claim(item=intake, user=world.who("begeleider", world.polderdam))
    assert [s.status for s in case_phases(case)] == [
        "done",
        "done",
        "current",
        "current",
        "current",
        "todo",
        "todo",
        "todo",
        "todo",
        "todo",
    ]
    html = (
        client_for(world, "begeleider.polderdam")
        .get(reverse("cases:detail", args=[case.reference]))
        .content.decode()
    )
    stepper = html.split('aria-label="Traject"')[1].split("</ol>")[0]
    assert stepper.count('aria-current="step"') == 3
    assert stepper.count('class="done"') == 2


def test_someone_without_the_role_sees_the_task_but_not_its_form(world: World) -> None:
    case = world.start()
    item = next(
        i for i in world.open_tasks(case) if i.bpmn_id == "huisvesting_inschrijvingen"
    )
    # The regievoerder sees the cases of the gemeente, but this is the begeleider's.
    client = client_for(world, "regievoerder.polderdam")
    url = reverse("tasks:task", args=[item.task_id])
    html = client.get(url).content.decode()
    assert "die heeft u niet" in html and '<form method="post" novalidate' not in html
    response = client.post(url, {f"task_{item.task_id}-current_step": "0"})
    assert "die heeft u niet" in response.content.decode()
    assert not Submission.objects.filter(task_id=item.task_id).exists()


def test_going_back_in_a_wizard_keeps_what_was_typed_on_the_current_step(
    world: World,
) -> None:
    case = world.start()
    case = world.run_until(case, "intake_gesprek")
    item = next(i for i in world.open_tasks(case) if i.bpmn_id == "intake_gesprek")
    assert item.form_key == "intake_gesprek"
    client = client_for(world, "begeleider.polderdam")
    url = reverse("tasks:task", args=[item.task_id])
    step = f"task_{item.task_id}-current_step"
    first = client.get(url).context["wizard"]["form"]
    answers = {
        f"0-{name}": value
        for name, value in world.answers(item).items()
        if name in first.fields
    }
    answers = {
        k: ("ja" if v is True else "nee" if v is False else v)
        for k, v in answers.items()
    }
    response = client.post(url, {step: "0", **answers})
    assert "Stap 2 van 4" in response.content.decode()
    second_step = default_registry().get("intake_gesprek").steps[1]
    typed_name = next(
        f.name for f in second_step.fields if f.type in {"text", "textarea"}
    )
    client.post(
        url, {step: "1", f"1-{typed_name}": "Nog niet af", "wizard_goto_step": "0"}
    )
    response = client.post(url, {step: "0", **answers})
    assert "Nog niet af" in response.content.decode()


def test_the_regievoerder_sees_counts_per_phase_and_filters_overdue_cases(
    world: World,
) -> None:
    late = world.start(
        koppeling_datum=date(2025, 9, 1), datum_binnenkomst=date(2025, 9, 1)
    )
    today = timezone.localdate()  # deadline ten weeks ahead
    world.start(koppeling_datum=today, datum_binnenkomst=today)
    regie = client_for(world, "regievoerder.polderdam")
    response = regie.get(reverse("cases:list"))
    overview = response.context["overview"]
    assert overview.total == 2 and overview.overdue == 1
    # Per track, each phase once (not the tracks' phases joined into one label).
    assert [
        (t.label, [(p.key, p.label, p.count) for p in t.phases])
        for t in overview.tracks
    ] == [
        ("Begeleiding", [("voortraject", "Voortraject", 2)]),
        (
            "Gemeente",
            [
                ("brede_intake_pip", "Brede intake en PIP", 2),
                ("ontzorgen", "Financieel ontzorgen", 2),
            ],
        ),
    ]
    assert "met verlopen PIP-termijn" in response.content.decode()
    rows = regie.get(reverse("cases:list"), {"verlopen": "1"}).context["rows"]
    assert [(case, overdue) for case, overdue in rows] == [(late, True)]

    # A manager sees figures on the overview, not dossiers: "Mijn taken" leads there.
    manager = client_for(world, "manager.polderdam")
    assert manager.get(reverse("cases:list")).context["rows"] == []
    start = manager.get(reverse("tasks:queue"))
    assert start.status_code == 302 and start.url == reverse("reports:overview")


def test_one_failing_case_does_not_stop_the_timers_of_the_others(
    world: World, monkeypatch, caplog
) -> None:
    import engine
    from webui.casework.services import timers as services

    broken = world.run_until(world.start(), "brede_intake")
    fine = world.run_until(world.start(), "brede_intake")
    world.clock.advance(timedelta(weeks=11))  # past the PIP deadline
    real = engine.fire_timers

    def fire(version, state, *, clock):
        if state == state_of(broken):  # the stored text, as the services hand it
            raise RuntimeError("iets onverwachts")
        return real(version, state, clock=clock)

    monkeypatch.setattr(services.engine, "fire_timers", fire)
    assert timers_run(clock=world.clock) == 1
    assert "could not fire" in caplog.text
    for bpmn_id in ("pip_termijn_waarschuwing", "pip_termijn_verstreken"):
        assert TaskItem.objects.filter(case=fine, bpmn_id=bpmn_id).exists()
        assert not TaskItem.objects.filter(case=broken, bpmn_id=bpmn_id).exists()


def test_run_timers_command_reports_how_many_cases_moved(
    world: World, monkeypatch
) -> None:
    from io import StringIO

    from django.core.management import call_command

    from webui.casepages.management.commands import run_timers

    case = world.run_until(world.start(), "brede_intake")
    assert case.next_timer_at is not None
    # The command fires what is due on its clock: here past the deadline (2026-03-16).
    world.clock.set(datetime(2026, 3, 17, 9, 0, tzinfo=UTC))
    monkeypatch.setattr(run_timers, "timers_run", lambda: timers_run(clock=world.clock))
    out = StringIO()
    call_command("run_timers", stdout=out)
    assert out.getvalue().startswith("1 dossier(s) verder gezet")
    assert TaskItem.objects.filter(case=case, bpmn_id="pip_termijn_verstreken").exists()


@pytest.mark.parametrize("consent", [True, False])
def test_the_gemeente_reads_mb_signals_only_with_the_statushouders_consent(
    world: World, consent: bool
) -> None:
    categories = ["schulden", "gezondheid"] if consent else []
    case = world.coupled(intake={"toestemming_delen_gemeente": categories})
    given = case.consents.filter(direction="mb_naar_gemeente", given=True)
    assert sorted(given.values_list("category", flat=True)) == sorted(categories)
    begeleider = client_for(world, "begeleider.polderdam")
    begeleider.post(
        reverse("cases:contact", args=[case.reference]),
        {
            "contact_datum": "2026-01-07",
            "contact_soort": "huisbezoek",
            "contact_leefgebieden": ["financien"],
            "contact_verslag": "Post doorgenomen.",
            "contact_signaal_schulden": "Aanmaning zorgverzekeraar",
            "contact_doorverwezen": "nee",
        },
    )
    page = client_for(world, "regievoerder.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    html = page.content.decode()
    assert ("Aanmaning zorgverzekeraar" in html) is consent
    if not consent:
        # Not even a hint that there is a signal: "1 afgeschermde gegevens ... geen
        # toestemming" would tell the gemeente there is something (issue 15).
        assert "afgeschermde gegevens" not in html
        assert "Financiën en toeslagen" not in html
    # The begeleider, who works for the statushouder, always reads it.
    own = begeleider.get(reverse("cases:detail", args=[case.reference]))
    assert "Aanmaning zorgverzekeraar" in own.content.decode()
