"""How many statements one task completion costs: a regression guard.

A completion is the most frequent write of Wegwijs, and on PostgreSQL every
statement is a round trip (issue 22: 14 statements cost ~5 ms more than on SQLite).
These tests fail when the count grows back. Ten on SQLite, six on PostgreSQL
(eighteen, then twelve, then ten before): the task row with its case and engine
state in one read, the user's memberships, then in one transaction (BEGIN, COMMIT)
the lock that reads the task row again with the case's open task rows, and the
writes: the case and its state, the task marked done (new tasks in one insert), the
submission and the audit event, on PostgreSQL in one statement. No savepoint of its
own, no second read of the gemeente or the open rows, no delete of drafts nobody
typed.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from webui.cases.models import Case
from webui.casework.services import task_complete
from webui.tasks.models import TaskItem

from ..conftest import World

LOOP = "voortgangsgesprek"


def _complete_captured(
    world: World, bpmn_id: str, case: Case | None = None, **answers: object
) -> list[str]:
    if case is None:
        case = next(
            t.case for t in TaskItem.objects.filter(state="open", bpmn_id=bpmn_id)
        )
    item = next(t for t in world.open_tasks(case) if t.bpmn_id == bpmn_id)
    user = item.assignee or world.who(item.role, item.gemeente)
    cleaned = world.answers(item, **answers)
    with CaptureQueriesContext(connection) as captured:
        task_complete(
            task_id=item.task_id, user=user, cleaned_data=cleaned, clock=world.clock
        )
    return [q["sql"] for q in captured.captured_queries]


def test_a_loop_round_of_the_voortgangsgesprek_takes_at_most_ten_statements(
    world: World,
) -> None:
    """Six on PostgreSQL, where each statement is a round trip."""
    case = world.start()
    world.run_until(case, LOOP, max_steps=80)

    statements = _complete_captured(
        world, LOOP, pip_aanpassen=False, traject_afronden=False
    )

    most = 6 if connection.vendor == "postgresql" else 10
    assert len(statements) <= most, "\n".join(s[:120] for s in statements)
    # One round trip locks the case and reads the task row as it is now, and the
    # open rows the projection starts from: no other read of task rows in the
    # transaction.
    locks = [s for s in statements if "tasks_taskitem" in s and "cases_case" in s]
    assert any(s.startswith("SELECT") for s in locks)
    begin = next(i for i, s in enumerate(statements) if s.startswith("SAVEPOINT"))
    task_reads = [
        s
        for s in statements[begin:]
        if s.startswith("SELECT") and '"tasks_taskitem"' in s
    ]
    assert len(task_reads) == 1, task_reads
    # The version's files and what was derived from them (tens of KB of JSON) stay
    # in the database: the completion needs the version's key and content hash.
    assert not any('."derived"' in s for s in statements)
    # The case row gets what the round changed (its stamp, its next timer), not
    # every column of the case record again.
    [case_update] = [s for s in statements if 'UPDATE "cases_case"' in s]
    case_set = case_update[case_update.index('UPDATE "cases_case"') :]
    assert '"piezo_fase"' not in case_set.split(" WHERE ")[0]
    # Nobody typed a draft of the task: nothing to delete.
    assert not any(s.startswith('DELETE FROM "tasks_taskdraft"') for s in statements)
    # The only savepoint is the test's own transaction around the service's.
    assert sum(s.startswith("SAVEPOINT") for s in statements) == 1
    # The task the completion made done, in one write.
    assert sum(s.count('UPDATE "tasks_taskitem"') for s in statements) == 1


def test_new_tasks_are_inserted_in_one_statement(world: World) -> None:
    """Along the first completions of a case, however many tasks each opens."""
    case = world.start()
    most = 0
    for _ in range(12):
        items = world.open_tasks(case)
        before = TaskItem.objects.filter(case=case).count()
        statements = _complete_captured(world, items[0].bpmn_id, case=case)
        made = TaskItem.objects.filter(case=case).count() - before
        inserts = [
            s for s in statements if s.startswith('INSERT INTO "tasks_taskitem"')
        ]
        assert len(inserts) == (1 if made else 0), (items[0].bpmn_id, made)
        most = max(most, made)
    assert most >= 2, "some completion opened several tasks at once"
