"""Drafts: a multi-step task form is saved at every step and when the page is left;
it resumes where it was for the same user (another session, another device), is
never shown to anyone else, and goes when the task is done, cancelled or given
back."""

from datetime import date
from types import SimpleNamespace
from typing import Any

from django.test import Client
from django.urls import reverse

import pytest

from webui.cases.models import Submission
from webui.casework.selectors import case_form
from webui.tasks.models import TaskDraft, TaskItem
from webui.taskwork.services import task_claim, tasks_project

from ..conftest import PASSWORD, World


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _post_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [str(v) for v in value]
    return str(value)


class Intake:
    """The four-step intake of a new case, picked up by the begeleider (or left in
    the pool of the organisation's begeleiders)."""

    def __init__(self, world: World, claim: bool = True) -> None:
        self.world = world
        case = world.run_until(
            world.start(voornaam="Yonas", achternaam="Haile"), "intake_gesprek"
        )
        self.case = case
        self.item = TaskItem.objects.get(
            case=case, bpmn_id="intake_gesprek", state="open"
        )
        if claim:
            task_claim(item=self.item, user=world.who("begeleider", world.polderdam))
        self.definition = case_form(case=case, form_key="intake_gesprek")
        self.answers = world.answers(self.item)
        self.url = reverse("tasks:task", args=[self.item.task_id])
        self.draft_url = reverse("tasks:save_draft", args=[self.item.task_id])
        self.management = f"task_{self.item.task_id}-current_step"

    def step(self, number: int, **changes: Any) -> dict:
        data = {
            f"{number}-{field.name}": _post_value(self.answers[field.name])
            for field in self.definition.steps[number].fields
        }
        data.update({f"{number}-{k}": v for k, v in changes.items()})
        return {self.management: str(number), **data}

    def draft(self, username: str = "begeleider.polderdam") -> TaskDraft | None:
        return TaskDraft.objects.filter(item=self.item, user__username=username).first()


@pytest.fixture
def intake(world: World) -> Intake:
    return Intake(world)


def test_opening_a_task_makes_no_draft(intake: Intake) -> None:
    html = client_for("begeleider.polderdam").get(intake.url).content.decode()
    assert "Stap 1 van 4" in html
    assert "als concept bewaard" in html, "the page says that it will keep a draft"
    assert intake.draft() is None


def test_every_step_is_saved_and_resumes_in_a_new_session(intake: Intake) -> None:
    client = client_for("begeleider.polderdam")
    client.get(intake.url)
    response = client.post(
        intake.url, intake.step(0, verwachtingen_statushouder="Zorg")
    )
    assert "Stap 2 van 4" in response.content.decode()
    draft = intake.draft()
    assert draft.current_step == "1"
    assert draft.step_data["0"]["0-verwachtingen_statushouder"] == ["Zorg"]
    assert not any("csrf" in key for key in draft.step_data["0"])

    # Logged out and in again (or on another device): the same step, every answer.
    client.logout()
    client = client_for("begeleider.polderdam")
    html = client.get(intake.url).content.decode()
    assert "Stap 2 van 4" in html and "Concept opgeslagen op" in html
    assert "Dit veld is verplicht" not in html, "a resumed step is not judged yet"
    back = client.post(intake.url, {**intake.step(1), "wizard_goto_step": "0"})
    assert "Stap 1 van 4" in back.content.decode()
    assert "Zorg</textarea>" in back.content.decode()
    for number in range(4):
        response = client.post(intake.url, intake.step(number))
    assert response.status_code == 302
    data = Submission.objects.get(task_id=intake.item.task_id).data
    assert (
        data["verwachtingen_statushouder"]
        == intake.answers["verwachtingen_statushouder"]
    )
    assert intake.draft() is None, "a completed task leaves no draft"


def test_what_is_typed_when_the_page_is_left_is_kept_unjudged(
    intake: Intake,
) -> None:
    client = client_for("begeleider.polderdam")
    client.post(intake.url, intake.step(0))
    # The beacon (task-draft.js) as the user switches to another app on step 2.
    response = client.post(
        intake.draft_url,
        {
            intake.management: "1",
            "csrfmiddlewaretoken": "x",
            "1-aantal_kinderen": "2",
            "1-achtergrond_bijzonderheden": "Nog navragen",
            "1-maanden_in_opvang": "veel",  # not a number: kept as typed
            "0-datum_intake": "1999-01-01",  # another step's field: ignored
            "9-iets": "x",
        },
    )
    assert response.status_code == 204
    draft = intake.draft()
    assert draft.current_step == "1"
    assert draft.step_data["1"] == {
        "1-aantal_kinderen": ["2"],
        "1-achtergrond_bijzonderheden": ["Nog navragen"],
        "1-maanden_in_opvang": ["veel"],
    }
    assert draft.step_data["0"]["0-datum_intake"] != ["1999-01-01"]
    assert not Submission.objects.filter(task_id=intake.item.task_id).exists()

    html = client_for("begeleider.polderdam").get(intake.url).content.decode()
    assert "Stap 2 van 4" in html
    assert 'value="2"' in html and "Nog navragen" in html and 'value="veel"' in html


def test_a_step_that_did_not_pass_is_kept_as_typed(intake: Intake) -> None:
    client = client_for("begeleider.polderdam")
    response = client.post(
        intake.url, intake.step(0, datum_intake="2026-02-30", tolk_aanwezig="")
    )
    assert "Voer een geldige datum in." in response.content.decode()
    assert intake.draft().step_data["0"]["0-datum_intake"] == ["2026-02-30"]


def test_a_nul_character_never_breaks_the_draft(intake: Intake) -> None:
    """A pasted NUL (PostgreSQL cannot keep one in JSON) is dropped from the draft,
    on a step and from the beacon; the form itself still refuses it on completion."""
    client = client_for("begeleider.polderdam")
    response = client.post(
        intake.url, intake.step(0, verwachtingen_statushouder="Zo\x00rg")
    )
    assert response.status_code == 200
    assert "Null-tekens zijn niet toegestaan" in response.content.decode()
    assert intake.draft().step_data["0"]["0-verwachtingen_statushouder"] == ["Zorg"]

    response = client.post(
        intake.draft_url, {intake.management: "1", "1-aantal_kinderen": "\x002"}
    )
    assert response.status_code == 204
    assert intake.draft().step_data["1"] == {"1-aantal_kinderen": ["2"]}


def test_a_draft_is_never_shown_to_another_user(world: World) -> None:
    # Before the koppeling the intake is in the pool of every begeleider of the
    # organisation: two of them open it.
    world.user("begeleider2.polderdam", world.polderdam, "begeleider")
    intake = Intake(world, claim=False)
    first = client_for("begeleider.polderdam")
    first.post(intake.url, intake.step(0, verwachtingen_statushouder="Geheim"))
    assert intake.draft().current_step == "1"

    other = client_for("begeleider2.polderdam")
    html = other.get(intake.url).content.decode()
    assert "Stap 1 van 4" in html and "Geheim" not in html
    assert "Concept opgeslagen" not in html
    # Their own steps make their own draft; the first one's stays as it was.
    other.post(intake.url, intake.step(0, verwachtingen_statushouder="Eigen"))
    assert intake.draft("begeleider2.polderdam").step_data["0"][
        "0-verwachtingen_statushouder"
    ] == ["Eigen"]
    assert intake.draft().step_data["0"]["0-verwachtingen_statushouder"] == ["Geheim"]
    # Whoever completes the task, every draft of it goes.
    for number in (1, 2, 3):
        other.post(intake.url, intake.step(number))
    assert not TaskDraft.objects.filter(item=intake.item).exists()


def test_a_refused_completion_keeps_the_draft(intake: Intake, monkeypatch) -> None:
    from webui.casework.services import CaseError

    def refuse(**kwargs):
        raise CaseError("Het dossier werd tegelijk bijgewerkt. Er is niets opgeslagen.")

    monkeypatch.setattr("webui.taskpages.views.task_complete", refuse)
    client = client_for("begeleider.polderdam")
    for number in range(4):
        response = client.post(intake.url, intake.step(number))
    assert "Er is niets opgeslagen" in response.content.decode()
    assert intake.draft().current_step == "3"
    assert set(intake.draft().step_data) == {"0", "1", "2", "3"}


def test_a_draft_can_be_thrown_away(intake: Intake) -> None:
    client = client_for("begeleider.polderdam")
    client.post(intake.url, intake.step(0))
    response = client.post(
        reverse("tasks:discard_draft", args=[intake.item.task_id]), follow=True
    )
    html = response.content.decode()
    assert "Uw concept is weggegooid" in html and "Stap 1 van 4" in html
    assert intake.draft() is None


def test_giving_the_task_back_throws_the_draft_away(intake: Intake) -> None:
    client = client_for("begeleider.polderdam")
    client.post(intake.url, intake.step(0))
    response = client.post(
        reverse("tasks:release", args=[intake.item.task_id]), follow=True
    )
    assert "Uw concept is weggegooid" in response.content.decode()
    assert intake.draft() is None


def test_a_cancelled_task_takes_its_drafts_along(intake: Intake) -> None:
    client_for("begeleider.polderdam").post(intake.url, intake.step(0))
    # The process went another way: the task is no longer among the ready ones.
    tasks_project(
        case=intake.case,
        snapshot=SimpleNamespace(ready_tasks=()),
        phase_names={},
        now=intake.world.clock.now(),
    )
    intake.item.refresh_from_db()
    assert intake.item.state == TaskItem.State.CANCELLED
    assert intake.draft() is None


def test_the_draft_endpoint_refuses_who_may_not_work_on_the_task(
    intake: Intake,
) -> None:
    data = {intake.management: "0", "0-verwachtingen_statushouder": "x"}
    for username in (
        "begeleider.rivierstad",  # another gemeente
        "regievoerder.polderdam",  # sees the case, but it is not their task
        "coordinator.polderdam",  # idem
    ):
        assert client_for(username).post(intake.draft_url, data).status_code == 404
    assert not TaskDraft.objects.exists()
    # A step that does not exist is refused; nothing stored.
    client = client_for("begeleider.polderdam")
    bad = {**data, intake.management: "7"}
    assert client.post(intake.draft_url, bad).status_code == 400
    assert client.get(intake.draft_url).status_code == 405
    assert not TaskDraft.objects.exists()
    # Once the task is done, nothing is stored for it any more.
    intake.world.complete(intake.case, "intake_gesprek")
    assert client.post(intake.draft_url, data).status_code == 404
    assert not TaskDraft.objects.exists()
