"""A statushouder whose case was closed comes back: the coördinator reopens the case
with a reason, and it starts again at a new intake, its history kept."""

from django.test import Client
from django.urls import reverse

from webui.cases.models import Case, CaseMilestone
from webui.logs.models import AuditEvent

from ..conftest import PASSWORD, World

REASON = "Teruggekomen met een nieuwe hulpvraag over werk"


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_a_coordinator_reopens_a_closed_case_at_a_new_intake(world: World) -> None:
    case = world.run_to_end(world.coupled())
    assert case.is_closed and case.uitkomst == "afronden" and case.open_phases == []
    submissions = case.submissions.count()
    detail = reverse("cases:detail", args=[case.reference])
    url = reverse("cases:reopen", args=[case.reference])
    coordinator = client_for("coordinator.polderdam")
    assert f'href="{url}"' in coordinator.get(detail).content.decode()

    # The begeleider does not reopen, and neither does anyone without a reason.
    begeleider = client_for("begeleider.polderdam")
    assert f'href="{url}"' not in begeleider.get(detail).content.decode()
    refused = begeleider.post(url, {"reden": REASON})
    assert "Alleen een coördinator of regievoerder" in refused.content.decode()
    empty = coordinator.post(url, {"reden": ""})
    assert empty.status_code == 200 and "Dit veld is verplicht." in (
        empty.content.decode()
    )
    assert Case.objects.get(pk=case.pk).is_closed

    response = coordinator.post(url, {"reden": REASON}, follow=True)
    assert response.redirect_chain[-1][0] == detail
    html = response.content.decode()
    assert f"{case.reference} is heropend" in html
    case.refresh_from_db()
    assert not case.is_closed and case.closed_at is None and case.uitkomst == ""
    assert case.open_phases == ["intake_mb"]
    [intake] = world.open_tasks(case)
    assert (intake.bpmn_id, intake.role) == ("intake_gesprek", "begeleider")
    assert "Intakegesprek" in html and f'href="{url}"' not in html
    # The reason is in the case's history; what was recorded before stays.
    [event] = AuditEvent.objects.filter(case=case, event="case_reopened")
    assert event.detail["reason"] == REASON
    assert event.user == world.who("coordinator", world.polderdam)
    assert case.submissions.count() == submissions
    assert CaseMilestone.objects.filter(case=case, key="heropend", value=True).exists()

    # A reopened case is reopened once: it is no longer closed.
    again = coordinator.post(url, {"reden": REASON})
    assert "niet afgesloten" in again.content.decode()
    assert AuditEvent.objects.filter(case=case, event="case_reopened").count() == 1
