"""The coördinator's work: who waits for a vaste begeleider and who would suit them,
each begeleider's caseload, everything overdue, and moving a volunteer's cases to
colleagues when they stop."""

from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.urls import reverse

import pytest

from webui.access import case_access, visible_cases
from webui.accounts.models import Role, UserProfile
from webui.cases.models import Case
from webui.casework.services import CaseError, cases_begeleider_reassign
from webui.coordination.selectors import (
    _area_of,
    _shared_language,
    caseloads,
    overdue_tasks,
    statushouder,
    suggestions,
    tab_counts,
    waiting_for_begeleider,
)
from webui.logs.models import AuditEvent, ProcessingRecord
from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def waiting(world: World, **start: Any) -> Case:
    """A new statushouder whose intake chose individual guidance: the coordinator
    now couples a vaste begeleider."""
    case = world.run_until(world.start(**start), "intake_gesprek")
    case = world.complete(case, "intake_gesprek", begeleidingsvorm="individueel")
    assert any(i.bpmn_id == "begeleider_koppelen" for i in world.open_tasks(case))
    return case


def begeleider(world: World, username: str, **profile: Any) -> Any:
    user = world.user(f"{username}.polderdam", world.polderdam, Role.BEGELEIDER)
    UserProfile.objects.create(user=user, **profile)
    return user


def mine(world: World, case: Case) -> TaskItem:
    """The vaste begeleider's first open task in the case."""
    return next(i for i in world.open_tasks(case) if i.role == Role.BEGELEIDER)


def coupling_task(world: World, case: Case) -> TaskItem:
    return next(i for i in world.open_tasks(case) if i.bpmn_id == "begeleider_koppelen")


# ---- matching --------------------------------------------------------------------


def test_suggestions_put_language_first_then_area_then_room_then_caseload(
    world: World,
) -> None:
    anna = begeleider(world, "anna", languages=["Tigrinya"], areas=["1234"])
    dirk = begeleider(
        world, "dirk", languages=["tigrinya"], areas=["12"], max_statushouders=1
    )
    bob = begeleider(world, "bob", languages=["Arabisch"], areas=["1234"])
    carla = begeleider(world, "carla", languages=["Engels"])
    # Dirk already guides one statushouder (his maximum); Bea, the world's
    # begeleider, one too.
    Case.objects.filter(pk=world.start().pk).update(begeleider=dirk)
    world.coupled()
    bea = world.who("begeleider", world.polderdam)
    case = waiting(world, taal="Tigrinya", postcode="1234 AB")
    access = case_access(user=world.who("coordinator", world.polderdam), case=case)
    wanted = statushouder(case=case, access=access)
    assert (wanted.language, wanted.postcode) == ("Tigrinya", "1234 AB")

    ranked = suggestions(case=case, wanted=wanted, today=world.clock.now().date())

    assert [s.load.user for s in ranked] == [anna, dirk, bob, carla, bea]
    first, second = ranked[0], ranked[1]
    assert first.reasons[:3] == ["spreekt Tigrinya", "werkt in 1234", "0 statushouders"]
    assert second.reasons[:2] == ["spreekt tigrinya", "werkt in 12"]
    assert "zit vol: 1 van 1 statushouder" in second.concerns
    assert ranked[2].concerns == ["spreekt geen Tigrinya"]
    assert ranked[2].reasons == ["werkt in 1234", "0 statushouders"]
    assert ranked[4].reasons == ["1 statushouder"]


def test_a_statushouder_may_name_several_languages() -> None:
    assert _shared_language(["Engels", "Arabisch"], "Tigrinya of Arabisch") == (
        "Arabisch"
    )
    assert _shared_language(["Ara"], "Arabisch") == ""
    assert _area_of(["12", "123"], "1234 AB") == "123"
    assert _area_of(["1234"], "") == ""


def test_someone_away_or_without_hours_has_no_room(world: World) -> None:
    today = world.clock.now().date()
    away = begeleider(world, "anna", away_until=today + timedelta(days=10))
    no_hours = begeleider(world, "bob", hours_per_week=0)
    free = begeleider(world, "carla", hours_per_week=4, days=["ma", "do"])
    case = waiting(world)
    access = case_access(user=world.who("coordinator", world.polderdam), case=case)
    ranked = suggestions(
        case=case, wanted=statushouder(case=case, access=access), today=today
    )
    by_user = {s.load.user: s for s in ranked}
    assert by_user[free].room and "4 uur per week (maandag, donderdag)" in (
        by_user[free].reasons
    )
    assert not by_user[away].room
    assert f"afwezig tot en met {today + timedelta(days=10):%d-%m-%Y}" in (
        by_user[away].concerns
    )
    assert not by_user[no_hours].room
    assert ranked[0].load.user in {free, world.who("begeleider", world.polderdam)}


def test_the_match_page_links_to_the_task_with_the_suggestion_filled_in(
    world: World,
) -> None:
    anna = begeleider(world, "anna", languages=["Tigrinya"])
    case = waiting(world, taal="Tigrinya", postcode="1234 AB")
    item = coupling_task(world, case)
    client = client_for("coordinator.polderdam")

    home = client.get(reverse("coordination:home"))
    assert [c.item for c in home.context["waiting"]] == [item]
    assert home.context["counts"]["koppelen"] == 1
    assert 'Koppelen <span class="count">(1)</span>' in home.content.decode()
    page = client.get(reverse("coordination:match", args=[item.task_id]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "spreekt Tigrinya" in html and "1234 AB" in html
    first, url = page.context["options"][0]
    assert first.load.user == anna
    assert url == f"/taak/{item.task_id}/?begeleider={anna.pk}"
    assert f'href="{url}"' in html
    assert ProcessingRecord.objects.filter(
        action=ProcessingRecord.Action.VIEW, subjects__case_id=case.pk
    ).exists()


def test_another_organisations_begeleiders_are_never_suggested(world: World) -> None:
    case = waiting(world, taal="Tigrinya")
    stranger = world.who("begeleider", world.rivierstad)
    UserProfile.objects.create(user=stranger, languages=["Tigrinya"])
    access = case_access(user=world.who("coordinator", world.polderdam), case=case)
    ranked = suggestions(
        case=case,
        wanted=statushouder(case=case, access=access),
        today=world.clock.now().date(),
    )
    assert stranger not in [s.load.user for s in ranked]
    assert [s.load.user for s in ranked] == [world.who("begeleider", world.polderdam)]
    # Nor does the other organisation's coordinator see the case or its suggestions.
    other = client_for("coordinator.rivierstad")
    item = coupling_task(world, case)
    assert (
        other.get(reverse("coordination:match", args=[item.task_id])).status_code == 404
    )
    assert other.get(reverse("coordination:home")).context["waiting"] == []
    assert (
        other.get(
            reverse(
                "coordination:begeleider",
                args=[world.who("begeleider", world.polderdam).pk],
            )
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "username",
    [
        "begeleider.polderdam",
        "regievoerder.polderdam",
        "manager.polderdam",
        "trainer.polderdam",
    ],
)
def test_only_a_coordinator_opens_the_coordination_pages(
    world: World, username: str
) -> None:
    item = coupling_task(world, waiting(world))
    client = client_for(username)
    for url in (
        reverse("coordination:home"),
        reverse("coordination:begeleiders"),
        reverse("coordination:overdue"),
        reverse("coordination:match", args=[item.task_id]),
        reverse(
            "coordination:begeleider",
            args=[world.who("begeleider", world.polderdam).pk],
        ),
    ):
        assert client.get(url).status_code == 404, url


def test_a_coupled_case_no_longer_waits(world: World) -> None:
    case = waiting(world)
    org = world.mb["polderdam"]
    assert [c.item.case for c in waiting_for_begeleider(org=org)] == [case]
    assert waiting_for_begeleider(org=org)[0].field == "begeleider"
    world.complete(case, "begeleider_koppelen")
    assert waiting_for_begeleider(org=org) == []


# ---- caseload and overdue ------------------------------------------------------------


def test_caseload_counts_open_cases_and_the_tasks_they_hold(world: World) -> None:
    bea = world.who("begeleider", world.polderdam)
    first, second = world.coupled(), world.coupled()
    closed = world.run_to_end(world.coupled())
    assert closed.is_closed and closed.begeleider == bea
    UserProfile.objects.create(user=bea, max_statushouders=2, languages=["Dari"])
    held = TaskItem.objects.filter(state=TaskItem.State.OPEN, assignee=bea)
    assert held.count() >= 2
    today = world.clock.now().date()
    late, soon = held.order_by("id")[:2]
    TaskItem.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=2))
    TaskItem.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=2))
    overdue = held.filter(due_date__lt=today).count()
    assert overdue >= 1

    loads = {
        load.user: load for load in caseloads(org=world.mb["polderdam"], today=today)
    }

    assert loads[bea].cases == 2
    assert loads[bea].full and loads[bea].load_label == "2 van 2 statushouders"
    assert loads[bea].open_tasks == held.count()
    assert loads[bea].overdue == overdue
    assert world.who("begeleider", world.rivierstad) not in loads
    assert {first.begeleider, second.begeleider} == {bea}
    page = client_for("coordinator.polderdam").get(reverse("coordination:begeleiders"))
    assert "2 van 2 statushouders" in page.content.decode()
    assert "Dari" in page.content.decode()


def test_a_begeleider_who_left_still_shows_while_they_hold_cases(world: World) -> None:
    case = world.coupled()
    bea = world.who("begeleider", world.polderdam)
    anna = begeleider(world, "anna")
    carl = begeleider(world, "carl")
    Case.objects.filter(pk=world.start().pk).update(begeleider=carl)
    for gone in (bea, carl):
        gone.memberships.filter(role=Role.BEGELEIDER).delete()

    loads = caseloads(org=world.mb["polderdam"], today=world.clock.now().date())

    by_user = {load.user: load for load in loads}
    assert set(by_user) == {bea, anna, carl}
    assert not by_user[bea].active and by_user[bea].cases == 1
    assert by_user[anna].active and by_user[anna].cases == 0
    assert case.begeleider == bea
    client = client_for("coordinator.polderdam")
    page = client.get(reverse("coordination:begeleiders"))
    assert page.context["counts"]["begeleiders"] == 3
    assert "geen begeleider meer" in page.content.decode()
    # Her cases can go to an active colleague only.
    form = client.get(reverse("coordination:begeleider", args=[bea.pk])).context["form"]
    assert list(dict(form.fields["to_all"].choices)) == ["", str(anna.pk)]


def test_the_overdue_list_holds_every_late_mb_task_oldest_first(world: World) -> None:
    older = waiting(world)  # the coupling is due within five days
    world.clock.advance(timedelta(days=3))
    newer = waiting(world)
    # A begeleider's task past its date, too.
    held = mine(world, world.coupled())
    TaskItem.objects.filter(pk=held.pk).update(due_date=older.koppeling_datum)
    later = world.clock.now().date() + timedelta(days=30)

    items = overdue_tasks(org=world.mb["polderdam"], today=later)

    assert [i.pk for i in items][0] == held.pk
    assert [(i.case, i.bpmn_id) for i in items[1:]] == [
        (older, "begeleider_koppelen"),
        (newer, "begeleider_koppelen"),
    ]
    regie = TaskItem.objects.filter(
        case__in=[older, newer], role="regievoerder", state="open"
    ).exclude(due_date=None)
    assert regie.exists() and not set(regie) & set(items)
    assert overdue_tasks(org=world.mb["rivierstad"], today=later) == []
    assert tab_counts(org=world.mb["polderdam"], today=later)["te_laat"] == len(items)
    # Nothing is late while its date has not passed.
    assert overdue_tasks(org=world.mb["polderdam"], today=newer.koppeling_datum) == [
        i for i in items if i.due_date < newer.koppeling_datum
    ]


def test_the_overdue_page_names_holder_and_case(world: World, web_today: date) -> None:
    case = world.coupled()
    held = mine(world, case)
    TaskItem.objects.filter(pk=held.pk).update(due_date=case.koppeling_datum)
    page = client_for("coordinator.polderdam").get(reverse("coordination:overdue"))
    # The pages' today (web_today) is after the World's clock: the task is late.
    html = page.content.decode()
    assert held in page.context["items"]
    assert case.reference in html and held.name in html
    assert "Begeleider Polderdam" in html and "te laat" in html
    assert ProcessingRecord.objects.filter(
        action=ProcessingRecord.Action.LIST, subjects__case_id=case.pk
    ).exists()


# ---- reassigning ---------------------------------------------------------------------


def test_bulk_reassign_moves_cases_and_tasks_one_refusal_stops_nothing(
    world: World,
) -> None:
    bea = world.who("begeleider", world.polderdam)
    anna = begeleider(world, "anna")
    cases = [world.coupled() for _ in range(3)]
    # Meanwhile someone else took the third case over.
    bob = begeleider(world, "bob")
    Case.objects.filter(pk=cases[2].pk).update(begeleider=bob)
    coordinator = world.who("coordinator", world.polderdam)

    results = cases_begeleider_reassign(
        moves=[(c.pk, anna) for c in cases],
        from_user=bea,
        by=coordinator,
        note="Bea stopt als vrijwilliger",
        clock=world.clock,
    )

    assert [r.moved for r in results] == [True, True, False]
    assert "intussen een andere vaste begeleider (Bob Polderdam)" in results[2].error
    for case in cases[:2]:
        case.refresh_from_db()
        assert case.begeleider == anna
        open_mine = TaskItem.objects.filter(
            case=case, state="open", role=Role.BEGELEIDER
        )
        assert open_mine.exists() and {i.assignee for i in open_mine} == {anna}
        event = AuditEvent.objects.get(case=case, event="begeleider_reassigned")
        assert event.user == coordinator
        assert (event.detail["from"], event.detail["to"]) == (
            bea.username,
            anna.username,
        )
        assert event.detail["note"] == "Bea stopt als vrijwilliger"
        assert visible_cases(user=anna).filter(pk=case.pk).exists()
    assert (
        results[0].tasks
        == TaskItem.objects.filter(
            case=cases[0], state="open", role=Role.BEGELEIDER
        ).count()
    )
    assert not TaskItem.objects.filter(
        case__in=cases[:2], state="open", assignee=bea
    ).exists()
    cases[2].refresh_from_db()
    assert cases[2].begeleider == bob
    assert not AuditEvent.objects.filter(
        case=cases[2], event="begeleider_reassigned"
    ).exists()
    # The new begeleider's next tasks in these cases come to them as well.
    case = world.complete(cases[0], "begeleidingsafspraken")
    assert {i.assignee for i in world.open_tasks(case) if i.role == "begeleider"} <= {
        anna
    }


def test_a_failure_halfway_one_case_leaves_that_case_as_it_was(
    world: World, monkeypatch
) -> None:
    from webui.casework.services import assignment

    bea = world.who("begeleider", world.polderdam)
    anna = begeleider(world, "anna")
    cases = [world.coupled() for _ in range(3)]
    real_audit = assignment.audit

    def failing_audit(*, case, **kwargs):  # type: ignore[no-untyped-def]
        if case.pk == cases[1].pk:
            raise RuntimeError("disk full")
        real_audit(case=case, **kwargs)

    monkeypatch.setattr(assignment, "audit", failing_audit)
    results = cases_begeleider_reassign(
        moves=[(c.pk, anna) for c in cases],
        from_user=bea,
        by=world.who("coordinator", world.polderdam),
        note="stopt",
    )
    assert [r.moved for r in results] == [True, False, True]
    assert "niets overgedragen" in results[1].error
    cases[1].refresh_from_db()
    assert cases[1].begeleider == bea  # the half-done change was rolled back
    assert {
        i.assignee
        for i in TaskItem.objects.filter(case=cases[1], state="open", role="begeleider")
    } == {bea}


def test_only_a_coordinator_of_the_case_reassigns_and_only_to_a_colleague(
    world: World,
) -> None:
    bea = world.who("begeleider", world.polderdam)
    case = world.coupled()
    stranger = world.who("begeleider", world.rivierstad)
    for by, to, words in (
        (
            world.who("coordinator", world.rivierstad),
            stranger,
            "Alleen een coördinator",
        ),
        (
            world.who("regievoerder", world.polderdam),
            stranger,
            "Alleen een coördinator",
        ),
        (
            world.who("coordinator", world.polderdam),
            stranger,
            "geen (actieve) begeleider",
        ),
        (world.who("coordinator", world.polderdam), bea, "is al de vaste begeleider"),
    ):
        results = cases_begeleider_reassign(
            moves=[(case.pk, to)], from_user=bea, by=by, note="x"
        )
        assert words in results[0].error
    with pytest.raises(CaseError, match="Schrijf kort waarom"):
        cases_begeleider_reassign(
            moves=[(case.pk, stranger)],
            from_user=bea,
            by=world.who("coordinator", world.polderdam),
            note="  ",
        )
    case.refresh_from_db()
    assert case.begeleider == bea


def test_the_reassign_page_moves_all_cases_and_says_what_moved(world: World) -> None:
    bea = world.who("begeleider", world.polderdam)
    anna = begeleider(world, "anna")
    cases = [world.coupled(), world.coupled()]
    client = client_for("coordinator.polderdam")
    url = reverse("coordination:begeleider", args=[bea.pk])
    page = client.get(url)
    assert [c for c, _, _ in page.context["rows"]] == cases
    # Each case's phase per track, not the tracks' phases run together.
    phase_cell = page.content.decode().split('data-label="Fase">', 1)[1]
    phase_cell = phase_cell.split("</td>", 1)[0]
    assert "Begeleiding:</span>" in phase_cell and "Gemeente:</span>" in phase_cell
    assert " · " not in phase_cell

    # Handing over a whole caseload asks for "Ik weet het zeker" first; without
    # the tick nothing moves and what was typed stays.
    unsure = client.post(
        url, {"note": "Bea stopt", "to_all": str(anna.pk), "alle": "1"}
    )
    html = unsure.content.decode()
    assert "Vink ‘Ik weet het zeker’ aan: u draagt 2 dossiers over" in html
    assert "Bea stopt" in html
    assert "Alle 2 dossiers overdragen" in html
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list(
            "begeleider", flat=True
        )
    ) == {bea.pk}

    done = client.post(
        url, {"note": "Bea stopt", "to_all": str(anna.pk), "alle": "1", "zeker": "on"}
    )

    assert done.status_code == 200
    html = done.content.decode()
    assert "Overgedragen (2)" in html
    assert all(c.reference in html for c in cases)
    assert set(
        Case.objects.filter(pk__in=[c.pk for c in cases]).values_list(
            "begeleider", flat=True
        )
    ) == {anna.pk}
    assert ProcessingRecord.objects.filter(
        action=ProcessingRecord.Action.CHANGE, subjects__case_id=cases[0].pk
    ).exists()


def test_one_case_moves_on_its_own_button_to_its_own_choice(world: World) -> None:
    bea = world.who("begeleider", world.polderdam)
    anna = begeleider(world, "anna")
    bob = begeleider(world, "bob")
    first, second = world.coupled(), world.coupled()
    client = client_for("coordinator.polderdam")
    url = reverse("coordination:begeleider", args=[bea.pk])

    client.post(
        url,
        {
            "note": "tijdelijk afwezig",
            "to_all": str(anna.pk),
            f"to_{second.pk}": str(bob.pk),
            "alleen": str(second.pk),
        },
    )

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.begeleider, second.begeleider) == (bea, bob)


def test_a_rejected_reassignment_keeps_what_was_typed_and_moves_nothing(
    world: World,
) -> None:
    bea = world.who("begeleider", world.polderdam)
    anna = begeleider(world, "anna")
    first, second = world.coupled(), world.coupled()
    client = client_for("coordinator.polderdam")
    url = reverse("coordination:begeleider", args=[bea.pk])

    no_note = client.post(
        url, {"note": "", "to_all": str(anna.pk), "chosen": [str(first.pk)]}
    )
    html = no_note.content.decode()
    assert "Schrijf kort waarom de begeleider wisselt" in html
    assert f'<option value="{anna.pk}" selected>' in html
    assert anna.username not in html, "no username in the page's options"
    assert f'value="{first.pk}" checked' in html

    # A username (what the options carried before) is no choice any more.
    by_name = client.post(
        url, {"note": "stopt", "to_all": anna.username, "chosen": [str(first.pk)]}
    )
    assert by_name.status_code == 200
    assert "Selecteer een geldige keuze" in by_name.content.decode()

    nothing_chosen = client.post(url, {"note": "stopt", "to_all": str(anna.pk)})
    assert "Kies ten minste één dossier" in nothing_chosen.content.decode()

    nobody = client.post(url, {"note": "stopt", "chosen": [str(second.pk)]})
    assert (
        f"Kies een nieuwe begeleider voor {second.reference}" in nobody.content.decode()
    )
    assert set(
        Case.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "begeleider", flat=True
        )
    ) == {bea.pk}
    assert not AuditEvent.objects.filter(event="begeleider_reassigned").exists()
