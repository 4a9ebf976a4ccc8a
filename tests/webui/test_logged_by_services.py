"""A change is logged by the service that makes it, inside its own transaction: the
record carries the page's request id, and a change that rolls back takes its record
along (issue 17, item 2)."""

import pytest

from webui.cases.models import Submission
from webui.casework.services import advancing, task_complete
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord

from ..conftest import World

PAGE = Occasion(request_id="a" * 32, path="/taken/x/", full_path="/taken/x/")


def _open(world: World, bpmn_id: str):  # type: ignore[no-untyped-def]
    case = world.start()
    item = next(t for t in world.open_tasks(case) if t.bpmn_id == bpmn_id)
    user = item.assignee or world.who(item.role, item.gemeente)
    return case, item, user


def test_a_completion_logs_its_change_with_the_pages_request(world: World) -> None:
    case, item, user = _open(world, "brede_intake_uitnodigen")

    task_complete(
        task_id=item.task_id,
        user=user,
        cleaned_data=world.answers(item),
        clock=world.clock,
        occasion=PAGE,
    )

    record = ProcessingRecord.objects.get(request_id=PAGE.request_id)
    assert record.action == ProcessingRecord.Action.CHANGE
    assert record.username == user.get_username()
    assert record.detail == {"task": item.bpmn_id, "form": item.form_key}
    assert [s.case_reference for s in record.subjects.all()] == [case.reference]


def test_a_change_that_rolls_back_takes_its_record_along(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    case, item, user = _open(world, "brede_intake_uitnodigen")

    written = []

    def fails(**kwargs: object) -> None:
        # The audit event is the store's last write: the log's record is in already.
        written.extend(ProcessingRecord.objects.filter(request_id=PAGE.request_id))
        raise RuntimeError("de schijf is vol")

    monkeypatch.setattr(advancing, "audit_event", fails)
    with pytest.raises(RuntimeError):
        task_complete(
            task_id=item.task_id,
            user=user,
            cleaned_data=world.answers(item),
            clock=world.clock,
            occasion=PAGE,
        )

    assert len(written) == 1
    assert not Submission.objects.filter(case=case, bpmn_id=item.bpmn_id).exists()
    assert not ProcessingRecord.objects.filter(request_id=PAGE.request_id).exists()
