"""Need-to-know, tried as an auditor would: every URL for every role — a begeleider of
another case in the same gemeente, a user of another gemeente and of another MB
organisation included — shows what that role needs and answers 404 for the rest."""

import io
import json
import zipfile

from django.test import Client
from django.urls import reverse

import pytest
from openpyxl import load_workbook

from webui.cases.models import Case
from webui.logs.models import ProcessingRecord

from ..conftest import PASSWORD, World

ROLES = (
    "begeleider",  # the vaste begeleider of the case
    "begeleider2",  # another begeleider of the same MB organisation
    "coordinator",
    "coordinator_other",  # the coördinator of another MB organisation
    "regievoerder",
    "regievoerder_other",  # the regievoerder of another gemeente
    "trainer",  # the case has no workshop yet
    "manager",
    "mbmanager",  # the manager of the MB organisation
    "beheerder",
    "privacy",
)
USERNAMES = {
    "begeleider": "begeleider.polderdam",
    "begeleider2": "begeleider2.polderdam",
    "coordinator": "coordinator.polderdam",
    "coordinator_other": "coordinator.rivierstad",
    "regievoerder": "regievoerder.polderdam",
    "regievoerder_other": "regievoerder.rivierstad",
    "trainer": "trainer.polderdam",
    "manager": "manager.polderdam",
    "mbmanager": "mbmanager.polderdam",
    "beheerder": "beheerder.polderdam",
    "privacy": "privacy.polderdam",
}
_ = 404
# Who finds the case in their task queue: the vaste begeleider (their own task) and
# the regievoerder (the brede intake in the pool of their role).
IN_QUEUE = {"begeleider", "regievoerder"}
# url name -> expected status per role, in the order of ROLES.
MATRIX = {
    "case": (200, _, 200, _, 200, _, _, _, _, _, _),
    "contact": (200, _, 200, _, 200, _, _, _, _, _, _),
    "consent": (200, _, 200, _, 200, _, _, _, _, _, _),
    "task": (200, _, 200, _, 200, _, _, _, _, _, _),
    "diagram": (200, _, 200, _, 200, _, _, _, _, _, _),
    "export": (_, _, _, _, _, _, _, 200, 200, _, _),
    "studio": (_, _, _, _, _, _, _, _, _, 200, _),
    "log": (_, _, _, _, _, _, _, _, _, _, 200),
    "inzage": (_, _, _, _, _, _, _, _, _, _, 200),
}


@pytest.fixture
def case(world: World) -> Case:
    world.user("begeleider2.polderdam", world.polderdam, "begeleider")
    membership_mb = world.mb["polderdam"]
    mbmanager = world.user("mbmanager.polderdam", world.polderdam, "begeleider")
    mbmanager.memberships.all().delete()
    mbmanager.memberships.create(role="manager", mb_organisation=membership_mb)
    # The intake is done and the vaste begeleider coupled; the gemeente's brede
    # intake runs alongside.
    return world.coupled()


def client_as(role: str) -> Client:
    client = Client()
    assert client.login(username=USERNAMES[role], password=PASSWORD)
    return client


def urls(case: Case) -> dict[str, str]:
    task = (
        case.tasks.filter(state="open", role="begeleider").order_by("ready_at").first()
    )
    assert (
        task.assignee is not None and task.assignee.username == USERNAMES["begeleider"]
    )
    return {
        "case": reverse("cases:detail", args=[case.reference]),
        "contact": reverse("cases:contact", args=[case.reference]),
        "consent": reverse("cases:consent", args=[case.reference]),
        "task": reverse("tasks:task", args=[task.task_id]),
        "diagram": reverse("studio:diagram", args=["polderdam", "intake_mb.bpmn"])
        + f"?dossier={case.reference}",
        "export": reverse("reports:overview"),
        "studio": reverse("studio:home", args=["polderdam"]),
        "log": reverse("privacy:log"),
        "inzage": reverse("privacy:inzage", args=[case.reference]),
    }


@pytest.mark.parametrize("role", ROLES)
def test_every_url_for_every_role(world: World, case: Case, role: str) -> None:
    client = client_as(role)
    for name, url in urls(case).items():
        expected = MATRIX[name][ROLES.index(role)]
        assert client.get(url).status_code == expected, (role, name)
    listed = case.reference in client.get(reverse("cases:list")).content.decode()
    assert listed is (MATRIX["case"][ROLES.index(role)] == 200), role
    queue = client.get(reverse("tasks:queue")).content.decode()
    assert (case.client_naam in queue) is (role in IN_QUEUE), role


def test_a_refusal_is_logged(world: World, case: Case) -> None:
    client_as("begeleider2").get(reverse("cases:detail", args=[case.reference]))
    refused = ProcessingRecord.objects.filter(action="geweigerd").get()
    assert refused.username == "begeleider2.polderdam"
    assert refused.detail["reference"] == case.reference


def _export(client: Client) -> list[dict]:
    sheet = load_workbook(io.BytesIO(client.post(reverse("reports:download")).content))
    rows = list(sheet.active.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_the_export_rows_and_columns_follow_the_managers_organisations(
    world: World, case: Case
) -> None:
    other_mb = world.start(world.rivierstad)
    gemeente_rows = _export(client_as("manager"))
    assert [r["Kenmerk"] for r in gemeente_rows] == [case.reference]
    mb_rows = _export(client_as("mbmanager"))
    assert [r["Kenmerk"] for r in mb_rows] == [case.reference]
    assert other_mb.reference not in {r["Kenmerk"] for r in mb_rows}
    for row in gemeente_rows + mb_rows:
        assert "Statushouder" not in row, "a manager reads no names"
    content = client_as("manager").post(reverse("reports:download")).content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "111222333" not in sheet and case.client_naam not in sheet


def test_the_trainer_sees_only_the_name_and_pvt_data_of_the_cases_in_their_sessions(
    world: World,
) -> None:
    case = world.coupled()
    trainer = client_as("trainer")
    before = trainer.get(reverse("cases:detail", args=[case.reference]))
    assert before.status_code == 404, "no workshop of theirs yet"
    case = world.run_until(case, "pvt_workshop", max_steps=60)
    (workshop,) = case.tasks.filter(state="open", bpmn_id="pvt_workshop")
    assert workshop.role == "trainer" and workshop.name == "PVT-workshop 1 van 4"
    page = trainer.get(reverse("cases:detail", args=[case.reference]))
    assert page.status_code == 200
    html = page.content.decode()
    assert case.client_naam in html
    assert "Intakegesprek" not in html and "111222333" not in html
    assert "PIP opstellen" not in html and "PIP vaststellen" not in html
    world.complete(case, "pvt_workshop", aanwezig=True)
    html = trainer.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "PVT-workshop 1 van 4" in html and "PVT-workshop 2 van 4" in html


def test_the_privacy_officer_answers_an_inzageverzoek_with_everything(
    world: World, case: Case
) -> None:
    client_as("begeleider").get(reverse("cases:detail", args=[case.reference]))
    response = client_as("privacy").get(
        reverse("privacy:inzage", args=[case.reference])
    )
    data = json.loads(response.content)
    assert data["dossier"]["kenmerk"] == case.reference
    answers = {a["vraag"] for s in data["antwoorden"] for a in s["antwoorden"]}
    assert "BSN" in answers
    assert any(v["wie"] == "begeleider.polderdam" for v in data["verwerkingen"])
    assert ProcessingRecord.objects.filter(action="inzage").count() == 1


def test_a_page_reads_the_users_memberships_once_and_the_next_sees_a_change(
    world: World,
) -> None:
    """Need-to-know is asked many times while a page is built; the memberships behind
    it are read once per request, and a role given between two requests counts on
    the next one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from webui.accounts.models import Membership, Role

    case = world.coupled()
    client = Client()
    assert client.login(username="begeleider.polderdam", password=PASSWORD)
    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("tasks:queue")).status_code == 200
    membership_reads = [
        q["sql"] for q in page.captured_queries if "accounts_membership" in q["sql"]
    ]
    assert len(membership_reads) == 1, membership_reads

    url = reverse("cases:detail", args=[case.reference])
    other = Client()
    assert other.login(username="regievoerder.rivierstad", password=PASSWORD)
    assert other.get(url).status_code == 404
    Membership.objects.create(
        user=world.who("regievoerder", world.rivierstad),
        gemeente=world.polderdam,
        role=Role.REGIEVOERDER,
    )
    assert other.get(url).status_code == 200
