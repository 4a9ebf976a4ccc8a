"""The daily digest: once a day, per user, what is overdue, due this week and new,
of the tasks they hold or may pick up; no e-mail when there is nothing, none for who
switched it off, and no statushouder's name in it."""

from datetime import timedelta

from django.core import mail
from django.core.mail import EmailMessage
from django.core.management import call_command

import pytest

from webui.accounts.models import Role, UserProfile
from webui.cases.models import Case
from webui.reminders.models import DigestSent
from webui.reminders.services import digest_send, digests_queue
from webui.tasks.models import TaskItem

from ..conftest import World


def with_email(user, address: str | None = None):  # type: ignore[no-untyped-def]
    user.email = address or f"{user.username}@example.invalid"
    user.save()
    return user


def send_all(now) -> list[int]:  # type: ignore[no-untyped-def]
    return [digest_send(digest_id=row.pk, now=now) for row in digests_queue(now=now)]


def begeleider_tasks(case: Case) -> list[TaskItem]:
    return list(
        TaskItem.objects.filter(case=case, state="open", role=Role.BEGELEIDER).order_by(
            "id"
        )
    )


def test_the_digest_lists_overdue_this_week_and_new_without_names(
    world: World,
) -> None:
    bea = with_email(world.who("begeleider", world.polderdam))
    now = world.clock.now()  # Monday 5 January 2026
    today = now.date()
    case = world.coupled(voornaam="Yonas", achternaam="Fictief", bsn="111222333")
    (late,) = begeleider_tasks(case)  # hers, as the vaste begeleider
    TaskItem.objects.filter(pk=late.pk).update(due_date=today - timedelta(days=2))
    # Another statushouder without a vaste begeleider: tasks anyone may pick up.
    pool = world.start(voornaam="Sara", achternaam="Demo")
    soon, *fresh = begeleider_tasks(pool)
    assert soon.assignee is None and fresh
    TaskItem.objects.filter(pk=soon.pk).update(due_date=today + timedelta(days=4))
    other_gemeente = world.start(world.rivierstad)

    send_all(now)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [bea.email]
    assert message.subject == (
        f"Wegwijs: uw taken — 1 te laat, 1 deze week, {len(fresh)} nieuw"
    )
    body = message.body
    assert "Te laat (1)" in body
    assert f"- {late.name}, dossier {case.reference}, uiterlijk 03-01-2026" in body
    assert "Deze week af (tot en met zondag 11-01-2026) (1)" in body
    assert (
        f"{soon.name}, dossier {pool.reference}, uiterlijk 09-01-2026"
        " (nog niet opgepakt)" in body
    )
    assert f"http://127.0.0.1:8000/taak/{late.task_id}/" in body
    assert "Nieuw sinds de vorige e-mail" in body
    assert f"Nieuw sinds de vorige e-mail ({len(fresh)})" in body
    assert f"- {fresh[0].name}, dossier {pool.reference}, uiterlijk" in body
    assert other_gemeente.reference not in body
    # The e-mail leaves the system: no names, no BSN.
    for secret in ("Yonas", "Fictief", "Sara", "111222333"):
        assert secret not in body and secret not in message.subject
    assert "http://127.0.0.1:8000/account/" in body


def test_a_digest_goes_once_a_day_and_the_next_day_lists_only_what_is_new(
    world: World,
) -> None:
    with_email(world.who("begeleider", world.polderdam))
    first = world.coupled()
    now = world.clock.now()

    send_all(now)
    send_all(now + timedelta(hours=3))
    assert len(mail.outbox) == 1
    assert first.reference in mail.outbox[0].body

    world.clock.advance(timedelta(days=1))
    second = world.coupled()
    send_all(world.clock.now())

    assert len(mail.outbox) == 2
    body = mail.outbox[1].body
    assert second.reference in body
    assert first.reference not in body, "yesterday's tasks are no longer new"
    assert DigestSent.objects.count() == 2


def test_no_e_mail_for_who_switched_it_off_or_has_nothing(world: World) -> None:
    bea = with_email(world.who("begeleider", world.polderdam))
    idle = with_email(world.who("trainer", world.polderdam))
    UserProfile.objects.create(user=bea, daily_digest=False)
    world.coupled()

    send_all(world.clock.now())

    assert mail.outbox == []
    assert not DigestSent.objects.filter(user=bea).exists()
    # The trainer had nothing to report: checked today, no e-mail.
    checked = DigestSent.objects.get(user=idle)
    assert checked.sent_at is not None and checked.tasks == 0


def test_switching_off_after_queueing_still_sends_nothing(world: World) -> None:
    bea = with_email(world.who("begeleider", world.polderdam))
    world.coupled()
    now = world.clock.now()
    rows = digests_queue(now=now)
    UserProfile.objects.create(user=bea, daily_digest=False)
    assert [digest_send(digest_id=row.pk, now=now) for row in rows] == [0]
    assert mail.outbox == []


def test_the_command_sends_through_the_worker_once_a_day(world: World) -> None:
    bea = with_email(world.who("begeleider", world.polderdam))
    with_email(world.who("regievoerder", world.polderdam))
    (mine,) = begeleider_tasks(world.coupled())
    # The command runs on today's date, long after the World's clock: dated tasks
    # are overdue by now.
    TaskItem.objects.filter(pk=mine.pk).update(due_date=world.clock.now().date())

    call_command("send_digests")  # tests run the tasks at once
    call_command("send_digests", "--now")

    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [bea.email, "regievoerder.polderdam@example.invalid"]
    )
    regie = next(m for m in mail.outbox if m.to[0] != bea.email).body
    assert "Brede intake" in regie or "brede intake" in regie.lower()


def test_a_failed_send_is_tried_again_on_the_next_run(
    world: World, monkeypatch
) -> None:
    with_email(world.who("begeleider", world.polderdam))
    world.coupled()
    now = world.clock.now()
    real_send = EmailMessage.send

    def broken(self, fail_silently=False):  # type: ignore[no-untyped-def]
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(EmailMessage, "send", broken)
    with pytest.raises(ConnectionRefusedError):
        send_all(now)
    assert not DigestSent.objects.exists()

    monkeypatch.setattr(EmailMessage, "send", real_send)
    send_all(now + timedelta(hours=1))
    assert len(mail.outbox) == 1


def test_the_command_leaves_the_sending_to_the_task_worker(
    world: World, settings
) -> None:
    """`send_digests` (what `make run` and a scheduler call) sends nothing itself: it
    puts one task per user on Django's task framework, once a day, and the worker
    (`db_worker`) sends them."""
    dummy = "django_tasks.backends.dummy.DummyBackend"
    settings.TASKS = {"default": {"BACKEND": dummy}}
    from django_tasks import default_task_backend

    from webui.reminders.tasks import send_digest

    bea = with_email(world.who("begeleider", world.polderdam))
    with_email(world.who("regievoerder", world.polderdam))
    (mine,) = begeleider_tasks(world.coupled())
    # The command runs on today's date, long after the World's clock.
    TaskItem.objects.filter(pk=mine.pk).update(due_date=world.clock.now().date())

    call_command("send_digests")
    call_command("send_digests")  # an hour later: nothing new queued today

    assert mail.outbox == [], "nothing is sent outside the worker"
    queued = default_task_backend.results
    assert [r.task.module_path for r in queued] == [send_digest.module_path] * 2
    for result in queued:  # what the worker does with each
        result.task.call(*result.args, **result.kwargs)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [bea.email, "regievoerder.polderdam@example.invalid"]
    )
