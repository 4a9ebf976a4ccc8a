"""The begeleider's queue: my tasks and the tasks to pick up, filtered, ordered,
counted and paged; giving back, handing over, and the next task after a completion."""

import re
from datetime import date, timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from webui.accounts.models import Role
from webui.cases.models import Case
from webui.logs.models import AuditEvent, ProcessingRecord
from webui.tasks.models import TaskItem
from webui.taskwork.selectors import (
    AVAILABLE,
    MINE,
    NEWEST,
    QueueFilters,
    queue_page,
    week_end,
)
from webui.taskwork.services import task_claim

from ..conftest import PASSWORD, World

MONDAY = date(2026, 1, 5)  # the World's clock


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def item(case: Case, bpmn_id: str) -> TaskItem:
    return TaskItem.objects.get(case=case, bpmn_id=bpmn_id, state="open")


def due(case: Case, bpmn_id: str, when: date | None) -> TaskItem:
    TaskItem.objects.filter(case=case, bpmn_id=bpmn_id, state="open").update(
        due_date=when
    )
    return item(case, bpmn_id)


class Pool:
    """Three new statushouders in Polderdam: the voortraject of each waits in the
    begeleiders' pool (huisvesting and financiën), due around ``day``."""

    def __init__(self, world: World, day: date) -> None:
        self.world, self.day = world, day
        self.begeleider = world.who("begeleider", world.polderdam)
        self.amal = world.start(voornaam="Amal", achternaam="Tesfay")
        world.clock.advance(timedelta(hours=1))
        self.rami = world.start(voornaam="Rami", achternaam="Haddad")
        world.clock.advance(timedelta(hours=1))
        self.sara = world.start(voornaam="Sara", achternaam="Yonas")
        sunday = week_end(day)
        self.late = due(self.amal, "huisvesting_inschrijvingen", day - timedelta(2))
        self.undated = due(self.amal, "financien_regelen", None)
        self.sunday = due(self.rami, "huisvesting_inschrijvingen", sunday)
        self.later = due(self.rami, "financien_regelen", sunday + timedelta(20))
        self.today = due(self.sara, "huisvesting_inschrijvingen", day)
        self.next_week = due(self.sara, "financien_regelen", sunday + timedelta(1))

    def page(self, tab: str = AVAILABLE, page: int = 1, per_page=None, **filters):
        return queue_page(
            user=self.begeleider,
            tab=tab,
            filters=QueueFilters(**filters),
            page=page,
            today=self.day,
            per_page=per_page,
        )

    def rows(self, tab: str = AVAILABLE, **filters) -> list[TaskItem]:
        return list(self.page(tab, **filters).page.object_list)


@pytest.fixture
def pool(world: World) -> Pool:
    """Due around the World's clock: for the selector."""
    return Pool(world, MONDAY)


@pytest.fixture
def live_pool(world: World) -> Pool:
    """Due around the real today: for the pages, which judge by it."""
    return Pool(world, timezone.localdate())


def test_overdue_first_then_by_due_date_and_tasks_without_a_date_last(
    pool: Pool,
) -> None:
    assert pool.rows() == [
        pool.late,
        pool.today,
        pool.sunday,
        pool.next_week,
        pool.later,
        pool.undated,
    ]


def test_newest_first_orders_by_when_the_task_came(pool: Pool) -> None:
    rows = pool.rows(order=NEWEST)
    assert [row.case for row in rows] == [pool.sara] * 2 + [pool.rami] * 2 + [
        pool.amal
    ] * 2


def test_only_overdue(pool: Pool) -> None:
    assert pool.rows(overdue=True) == [pool.late]


def test_due_this_week_runs_from_today_to_sunday(pool: Pool) -> None:
    assert pool.rows(this_week=True) == [pool.today, pool.sunday]
    assert pool.sunday.due_date == date(2026, 1, 11)
    # Both ticked: everything that is urgent.
    assert pool.rows(overdue=True, this_week=True) == [
        pool.late,
        pool.today,
        pool.sunday,
    ]


def test_search_finds_a_name_or_a_kenmerk_in_any_case(pool: Pool) -> None:
    assert {row.case for row in pool.rows(search="hADDad")} == {pool.rami}
    assert {row.case for row in pool.rows(search=pool.sara.reference)} == {pool.sara}
    assert pool.rows(search="Niemand") == []


def test_the_phase_filter(pool: Pool, world: World) -> None:
    intake = world.run_until(
        world.start(voornaam="Yonas", achternaam="Haile"), "intake_gesprek"
    )
    rows = pool.rows(phase="Intake maatschappelijke begeleiding")
    assert [(row.case, row.bpmn_id) for row in rows] == [(intake, "intake_gesprek")]
    assert pool.late in pool.rows(phase="Voortraject")


def test_the_gemeente_filter(world: World) -> None:
    # A regievoerder who works for both gemeenten.
    regie = world.user("regievoerder.polderdam", world.rivierstad, Role.REGIEVOERDER)
    polder, rivier = world.start(world.polderdam), world.start(world.rivierstad)

    def cases(gemeente: str) -> set[Case]:
        page = queue_page(
            user=regie,
            tab=AVAILABLE,
            filters=QueueFilters(gemeente=gemeente),
            page=1,
            today=MONDAY,
        )
        return {row.case for row in page.page.object_list}

    assert cases("") == {polder, rivier}
    assert cases("rivierstad") == {rivier}
    assert cases("polderdam") == {polder}


def test_the_counts_of_both_tabs_follow_the_filters(pool: Pool) -> None:
    task_claim(item=pool.sunday, user=pool.begeleider)
    task_claim(item=pool.later, user=pool.begeleider)
    assert pool.page().counts == {MINE: 2, AVAILABLE: 4}
    assert pool.page(MINE).counts == {MINE: 2, AVAILABLE: 4}
    assert pool.rows(MINE) == [pool.sunday, pool.later]
    assert pool.page(this_week=True).counts == {MINE: 1, AVAILABLE: 1}
    assert pool.page(search="Amal").counts == {MINE: 0, AVAILABLE: 2}
    # A colleague's claimed task is in neither of my tabs.
    other = pool.world.user("begeleider2.polderdam", pool.world.polderdam, "begeleider")
    task_claim(item=pool.today, user=other)
    assert pool.page().counts == {MINE: 2, AVAILABLE: 3}


def test_pages_of_the_queue(pool: Pool) -> None:
    first = pool.page(per_page=4)
    assert list(first.page.object_list) == pool.rows()[:4]
    assert (first.page.number, first.page.paginator.num_pages) == (1, 2)
    second = pool.page(page=2, per_page=4)
    assert list(second.page.object_list) == [pool.later, pool.undated]
    assert pool.page(page=99, per_page=4).page.number == 2, "past the end: the last"
    assert pool.page(page="x", per_page=4).page.number == 1


def test_a_user_without_a_task_role_has_an_empty_queue(world: World) -> None:
    world.start()
    page = queue_page(
        user=world.who("privacy", world.polderdam),
        tab=MINE,
        filters=QueueFilters(),
        page=1,
        today=MONDAY,
    )
    assert page.counts == {MINE: 0, AVAILABLE: 0}
    assert list(page.page.object_list) == []


# ---- the page ----------------------------------------------------------------------


def test_the_page_has_tabs_with_counts_and_says_late_and_this_week_in_words(
    live_pool: Pool, world: World, settings
) -> None:
    task_claim(item=live_pool.sunday, user=live_pool.begeleider)
    client = client_for("begeleider.polderdam")
    html = client.get(reverse("tasks:queue")).content.decode()
    # My own task comes first; the tab says so.
    assert 'id="tab-mine" href="?lijst=mijn" aria-current="page"' in html
    assert "Mijn taken <span" in html and "(1)" in html
    assert "Op te pakken <span" in html and "(5)" in html
    mine = html.split('id="my-tasks"')[1].split("</table>")[0]
    assert "Rami Haddad" in mine and "deze week" in mine and "Teruggeven" in mine

    html = client.get(reverse("tasks:queue"), {"lijst": "oppakken"}).content.decode()
    pool_rows = html.split('id="available-tasks"')[1].split("</table>")[0]
    assert pool_rows.index("Amal Tesfay") < pool_rows.index("Sara Yonas")
    assert "te laat" in pool_rows and "deze week" in pool_rows
    assert "geen termijn" in pool_rows
    assert "Oppakken" in pool_rows
    for label in ("Zoek op naam of kenmerk", "Fase", "Alleen te laat", "Volgorde"):
        assert label in html


def test_with_nothing_of_my_own_the_page_opens_on_the_tasks_to_pick_up(
    live_pool: Pool,
) -> None:
    client = client_for("begeleider.polderdam")
    response = client.get(reverse("tasks:queue"))
    assert response.context["queue"].tab == AVAILABLE
    assert 'id="available-tasks"' in response.content.decode()
    # Asked for explicitly, my empty list says where the work is.
    html = client.get(reverse("tasks:queue"), {"lijst": "mijn"}).content.decode()
    assert "U heeft geen openstaande taken" in html
    assert "Bekijk de 6 taken die klaarliggen om op te pakken" in html


def test_filters_in_the_address_narrow_the_list_and_a_wrong_value_is_explained(
    live_pool: Pool,
) -> None:
    client = client_for("begeleider.polderdam")
    response = client.get(
        reverse("tasks:queue"),
        {"lijst": "oppakken", "te_laat": "on", "gemeente": "atlantis"},
    )
    html = response.content.decode()
    assert response.context["rows"] == [live_pool.late]
    assert "Deze gemeente staat niet in de lijst" in html
    assert "1 taak die aan de filters voldoen" in html
    empty = client.get(reverse("tasks:queue"), {"lijst": "oppakken", "zoek": "Xyz"})
    assert "Geen taken die aan deze filters voldoen" in empty.content.decode()
    assert 'value="Xyz"' in empty.content.decode(), "the search stays in the box"


def test_the_page_says_which_page_of_how_many(live_pool: Pool, monkeypatch) -> None:
    monkeypatch.setattr("webui.taskwork.selectors.PER_PAGE", 4)
    client = client_for("begeleider.polderdam")
    html = client.get(
        reverse("tasks:queue"), {"lijst": "oppakken", "pagina": "2"}
    ).content.decode()
    assert "Pagina 2 van 2" in html
    assert "Rami Haddad" in html and "Amal Tesfay" in html  # later, undated
    assert "‹ Vorige pagina" in html and "Volgende pagina" not in html


def test_the_queue_page_is_in_the_processing_log(live_pool: Pool) -> None:
    client_for("begeleider.polderdam").get(reverse("tasks:queue"))
    record = ProcessingRecord.objects.get(action="lijst")
    assert record.username == "begeleider.polderdam"
    assert {s.case_reference for s in record.subjects.all()} == {
        live_pool.amal.reference,
        live_pool.rami.reference,
        live_pool.sara.reference,
    }


def test_a_manager_without_tasks_lands_on_the_overview(world: World) -> None:
    response = client_for("manager.polderdam").get(reverse("tasks:queue"))
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:overview")
    # Someone who is also a regievoerder keeps their queue.
    world.user("manager.polderdam", world.polderdam, Role.REGIEVOERDER)
    assert (
        client_for("manager.polderdam").get(reverse("tasks:queue")).status_code == 200
    )


def test_a_trainer_is_pointed_from_the_queue_to_the_group_sessions(
    world: World,
) -> None:
    world.run_until(world.coupled(), "pvt_workshop", 60)
    trainer = client_for("trainer.polderdam").get(reverse("tasks:queue"))
    html = trainer.content.decode()
    assert "PVT-workshop 1 van 4" in html, "the workshop waits in the queue"
    hint = re.search(r'<p class="notice" id="pvt-hint">(.*?)</p>', html, re.S)
    assert hint and f'href="{reverse("pvt:home")}"' in hint.group(1)
    assert "hele groep" in hint.group(1)
    begeleider = client_for("begeleider.polderdam").get(reverse("tasks:queue"))
    assert 'id="pvt-hint"' not in begeleider.content.decode()


# ---- giving back and handing over ----------------------------------------------------


def test_giving_a_task_back_from_the_queue_puts_it_in_the_pool(live_pool: Pool) -> None:
    task_claim(item=live_pool.today, user=live_pool.begeleider)
    client = client_for("begeleider.polderdam")
    response = client.post(
        reverse("tasks:release", args=[live_pool.today.task_id]), follow=True
    )
    html = response.content.decode()
    assert "weer open voor uw collega" in html
    assert item(live_pool.sara, "huisvesting_inschrijvingen").assignee is None
    # Someone else cannot give back what I hold.
    task_claim(item=live_pool.today, user=live_pool.begeleider)
    other = live_pool.world.user(
        "begeleider2.polderdam", live_pool.world.polderdam, "begeleider"
    )
    client_for(other.username).post(
        reverse("tasks:release", args=[live_pool.today.task_id])
    )
    assert (
        item(live_pool.sara, "huisvesting_inschrijvingen").assignee
        == live_pool.begeleider
    )


@pytest.fixture
def held(world: World) -> TaskItem:
    """The begeleider's own task (they are the vaste begeleider), a colleague at the
    same organisation."""
    world.user("begeleider2.polderdam", world.polderdam, Role.BEGELEIDER)
    case = world.coupled(voornaam="Amal", achternaam="Tesfay")
    return item(case, "begeleidingsafspraken")


def user_id(username: str) -> str:
    """What the hand-over form's option carries for a user: their id."""
    from django.contrib.auth import get_user_model

    return str(get_user_model().objects.get(username=username).pk)


def test_the_holder_hands_a_task_over_with_a_note_the_colleague_sees(
    world: World, held: TaskItem
) -> None:
    holder = client_for("begeleider.polderdam")
    url = reverse("tasks:hand_over", args=[held.task_id])
    page = holder.get(url).content.decode()
    assert "Begeleider2 Polderdam" in page and "Trainer" not in page
    # The options carry the user id; the server maps it back.
    assert f'value="{user_id("begeleider2.polderdam")}"' in page
    assert 'value="begeleider2.polderdam"' not in page
    response = holder.post(
        url,
        {"aan": user_id("begeleider2.polderdam"), "notitie": "Ik ben drie weken weg."},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("tasks:queue")
    assert "is overgedragen aan Begeleider2 Polderdam" in response.content.decode()
    held.refresh_from_db()
    assert held.assignee.username == "begeleider2.polderdam"

    event = AuditEvent.objects.get(event="task_handed_over")
    assert (
        event.case_id == held.case_id and event.user.username == "begeleider.polderdam"
    )
    assert event.detail == {
        "task_id": held.task_id,
        "task": "begeleidingsafspraken",
        "task_name": held.name,
        "from": "begeleider.polderdam",
        "from_name": "Begeleider Polderdam",
        "to": "begeleider2.polderdam",
        "to_name": "Begeleider2 Polderdam",
        "note": "Ik ben drie weken weg.",
    }
    task_url = reverse("tasks:task", args=[held.task_id])
    colleague = client_for("begeleider2.polderdam").get(task_url).content.decode()
    assert "Ik ben drie weken weg." in colleague
    assert "Begeleider Polderdam heeft deze taak op" in colleague
    # The note is for the new holder, not for whoever else looks at the task.
    coordinator = client_for("coordinator.polderdam").get(task_url).content.decode()
    assert "Ik ben drie weken weg." not in coordinator


def test_handing_over_needs_a_note_and_a_colleague_who_may_do_the_task(
    world: World, held: TaskItem
) -> None:
    holder = client_for("begeleider.polderdam")
    url = reverse("tasks:hand_over", args=[held.task_id])
    html = holder.post(
        url, {"aan": user_id("begeleider2.polderdam"), "notitie": " "}
    ).content
    assert "Schrijf een korte notitie voor uw collega." in html.decode()
    # Another gemeente's begeleider, or a trainer, is no choice.
    # A username (what the options carried before) is no choice either.
    html = holder.post(url, {"aan": "begeleider2.polderdam", "notitie": "Graag"})
    assert "Kies een collega uit de lijst." in html.content.decode()
    for username in ("begeleider.rivierstad", "trainer.polderdam"):
        html = holder.post(url, {"aan": user_id(username), "notitie": "Graag"}).content
        assert "Kies een collega uit de lijst." in html.decode()
        assert 'name="notitie"' in html.decode() and "Graag" in html.decode()
    held.refresh_from_db()
    assert held.assignee.username == "begeleider.polderdam"
    assert not AuditEvent.objects.filter(event="task_handed_over").exists()


def test_only_the_holder_or_a_coordinator_of_the_organisation_hands_over(
    world: World, held: TaskItem
) -> None:
    url = reverse("tasks:hand_over", args=[held.task_id])
    data = {"aan": user_id("begeleider2.polderdam"), "notitie": "Overname"}
    # A colleague who does not hold it does not even see it.
    colleague = client_for("begeleider2.polderdam")
    assert colleague.post(url, data).status_code == 404, "not their case"
    # Another organisation's coördinator never sees the task.
    assert client_for("coordinator.rivierstad").post(url, data).status_code == 404
    # The regievoerder sees the case but does not lead the begeleiders.
    regie = client_for("regievoerder.polderdam").post(url, data, follow=True)
    assert "kan hem overdragen" in regie.content.decode()
    held.refresh_from_db()
    assert held.assignee.username == "begeleider.polderdam"

    # The coördinator reassigns it, and is sent back to the case.
    response = client_for("coordinator.polderdam").post(url, data)
    assert response["Location"] == reverse("cases:detail", args=[held.case.reference])
    held.refresh_from_db()
    assert held.assignee.username == "begeleider2.polderdam"
    event = AuditEvent.objects.get(event="task_handed_over")
    assert event.user.username == "coordinator.polderdam"
    assert (event.detail["from"], event.detail["to"]) == (
        "begeleider.polderdam",
        "begeleider2.polderdam",
    )


def test_a_coordinator_assigns_a_task_nobody_has_picked_up(world: World) -> None:
    world.user("begeleider2.polderdam", world.polderdam, Role.BEGELEIDER)
    case = world.start()
    pooled = item(case, "huisvesting_inschrijvingen")
    assert pooled.assignee is None
    response = client_for("coordinator.polderdam").post(
        reverse("tasks:hand_over", args=[pooled.task_id]),
        {"aan": user_id("begeleider2.polderdam"), "notitie": "Spreekt Tigrinya"},
    )
    assert response.status_code == 302
    pooled.refresh_from_db()
    assert pooled.assignee.username == "begeleider2.polderdam"
    assert AuditEvent.objects.get(event="task_handed_over").detail["from"] == ""


# ---- after a completion: the next task ---------------------------------------------


def _post_form(client: Client, task: TaskItem, answers: dict, **kwargs):
    data = {f"task_{task.task_id}-current_step": "0"}
    for name, value in answers.items():
        if isinstance(value, bool):
            value = "ja" if value else "nee"
        elif isinstance(value, list):
            value = [str(v) for v in value]
        elif value is None:
            value = ""
        data[f"0-{name}"] = value if isinstance(value, list) else str(value)
    return client.post(reverse("tasks:task", args=[task.task_id]), data, **kwargs)


def test_after_a_task_the_next_own_task_opens_and_after_the_last_the_queue(
    live_pool: Pool,
) -> None:
    for task in (live_pool.today, live_pool.sunday):
        task_claim(item=task, user=live_pool.begeleider)
    client = client_for("begeleider.polderdam")
    answers = live_pool.world.answers(live_pool.today)
    response = _post_form(client, live_pool.today, answers, follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "tasks:task", args=[live_pool.sunday.task_id]
    )
    html = response.content.decode()
    assert f"‘{live_pool.today.name}’ is afgerond." in html
    # Where the case stands, per track in words (not the tracks' phases joined).
    done = html.split("is afgerond.", 1)[1].split("</", 1)[0]
    assert "staat nu in: Begeleiding: " in done and " · " not in done
    assert "Dit is uw volgende taak." in html

    response = _post_form(
        client, live_pool.sunday, live_pool.world.answers(live_pool.sunday), follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("tasks:queue")
    assert "U heeft geen open taken meer." in response.content.decode()


# ---- a suggestion in the address -----------------------------------------------------


def test_a_suggested_begeleider_in_the_address_is_filled_in_only_if_a_choice(
    world: World,
) -> None:
    case = world.run_until(world.start(), "intake_gesprek")
    case = world.complete(case, "intake_gesprek", begeleidingsvorm="individueel")
    task = item(case, "begeleider_koppelen")
    client = client_for("coordinator.polderdam")
    url = reverse("tasks:task", args=[task.task_id])
    # The address names the colleague by id, never by username; the form (and what
    # the engine stores) still chooses by username.
    chosen = '<option value="begeleider.polderdam" selected>'
    suggested = world.who("begeleider", world.polderdam).pk
    html = client.get(url, {"begeleider": suggested}).content.decode()
    assert chosen in html
    for wrong in (
        world.who("begeleider", world.rivierstad).pk,
        world.who("regievoerder", world.polderdam).pk,
        "begeleider.polderdam",
        "niemand",
    ):
        html = client.get(url, {"begeleider": wrong}).content.decode()
        select = html.split('name="0-begeleider"')[1].split("</select>")[0]
        assert re.findall(r'<option value="([^"]*)" selected>', select) == [""]
    # A field that is not a choice of users is never filled in from the address.
    html = client.get(url, {"koppeling_toelichting": "x<b>y"}).content.decode()
    assert "x&lt;b&gt;y" not in html and "x<b>y" not in html


# ---- beside the form ----------------------------------------------------------------


def test_beside_the_form_what_the_task_needs_within_need_to_know(
    world: World,
) -> None:
    case = world.coupled(
        voornaam="Amal",
        achternaam="Tesfay",
        taal="Tigrinya",
        telefoon="0612345678",
        intake={"achtergrond_bijzonderheden": "Slaapt slecht sinds de reis"},
    )
    task = item(case, "begeleidingsafspraken")
    html = (
        client_for("begeleider.polderdam")
        .get(reverse("tasks:task", args=[task.task_id]))
        .content.decode()
    )
    needs = html.split('aria-label="Wat u nodig heeft"')[1].split("</aside>")[0]
    assert "Amal Tesfay" in needs and case.reference in needs
    assert "Tigrinya" in needs and "0612345678" in needs
    assert "Begeleider Polderdam" in needs  # the vaste begeleider
    assert "Eerder vastgelegd" in needs and "Vaste begeleider koppelen" in needs
    record = ProcessingRecord.objects.filter(action="taak").latest("id")
    assert "persoonsgegevens" in record.categories


def test_a_task_of_the_pool_shows_no_case_data_until_picked_up(world: World) -> None:
    case = world.start(voornaam="Amal", achternaam="Tesfay", telefoon="0612345678")
    task = item(case, "huisvesting_inschrijvingen")
    client = client_for("begeleider.polderdam")
    html = client.get(reverse("tasks:task", args=[task.task_id])).content.decode()
    assert "0612345678" not in html
    assert "Pak de taak op om het dossier" in html
    assert reverse("cases:detail", args=[case.reference]) not in html
    client.post(reverse("tasks:claim", args=[task.task_id]))
    html = client.get(reverse("tasks:task", args=[task.task_id])).content.decode()
    assert "0612345678" in html
