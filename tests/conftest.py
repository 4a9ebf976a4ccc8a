"""Fixtures shared by the database-backed tests: two gemeenten, a user per role,
deployed diagrams."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

import pytest
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from engine import ManualClock
from webui.accountpages.twofactor import second_factor_required
from webui.accounts.models import (
    GEMEENTE_ROLES,
    Gemeente,
    MbOrganisation,
    Membership,
    Role,
)
from webui.cases.models import Case, CaseState
from webui.casework.services import case_start, task_complete, timers_run
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.services import active_version
from webui.demo.seed import HAPPY_ANSWERS, deploy_demo_versions, sample_answers
from webui.tasks.models import TaskItem

PASSWORD = "test-wachtwoord"


# Roles a gemeente holds; the others are the MB organisation's.
GEMEENTE_SIDE = GEMEENTE_ROLES


class World:
    """Two gemeenten, each with its own MB organisation, a user per role
    (`<role>.<gemeente>`, at the gemeente or at its MB organisation); helpers to move
    cases along."""

    def __init__(self) -> None:
        self.clock = ManualClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
        self.polderdam = Gemeente.objects.create(slug="polderdam", naam="Polderdam")
        self.rivierstad = Gemeente.objects.create(slug="rivierstad", naam="Rivierstad")
        self.mb: dict[str, MbOrganisation] = {}
        for gemeente in (self.polderdam, self.rivierstad):
            org = MbOrganisation.objects.create(
                slug=f"mb-{gemeente.slug}", naam=f"MB {gemeente.naam}"
            )
            org.gemeenten.add(gemeente)
            self.mb[gemeente.slug] = org
        self.users: dict[str, Any] = {}
        for gemeente in (self.polderdam, self.rivierstad):
            for role in Role.values:
                self.user(f"{role}.{gemeente.slug}", gemeente, role)
        deploy_demo_versions((self.polderdam, self.rivierstad))
        self.versions = {
            g.slug: active_version(g) for g in (self.polderdam, self.rivierstad)
        }

    def user(self, username: str, gemeente: Gemeente, role: str) -> Any:
        """A user holding ``role`` for ``gemeente``: at the gemeente itself, or at its
        MB organisation for the MB roles."""
        user = self.users.get(username)
        if user is None:
            first, _, last = username.partition(".")
            user = get_user_model().objects.create_user(
                username=username,
                password=PASSWORD,
                first_name=first.title(),
                last_name=last.title(),
            )
            self.users[username] = user
        if role in GEMEENTE_SIDE:
            place = {"gemeente": gemeente}
        else:
            place = {"mb_organisation": self.mb[gemeente.slug]}
        Membership.objects.get_or_create(user=user, role=role, **place)
        return user

    def who(self, role: str, gemeente: Gemeente) -> Any:
        return self.users[f"{role}.{gemeente.slug}"]

    def start(self, gemeente: Gemeente | None = None, **overrides: Any) -> Case:
        gemeente = gemeente or self.polderdam
        definition = bundle_of(active_version(gemeente)).forms.get(START_FORM)
        answers = sample_answers(
            definition,
            today=self.clock.now().date(),
            user_for_role=lambda r: "",
            overrides={
                "voornaam": "Testa",
                "achternaam": "Persoon",
                "bsn": "111222333",
                "koppeling_datum": date(2026, 1, 5),
                "datum_binnenkomst": date(2026, 1, 5),
                **overrides,
            },
        )
        return case_start(
            gemeente=gemeente,
            cleaned_data=answers,
            user=self.who("coordinator", gemeente),
            clock=self.clock,
        )

    def coupled(
        self,
        gemeente: Gemeente | None = None,
        intake: dict[str, Any] | None = None,
        **overrides: Any,
    ) -> Case:
        """A new case whose intake chose individual guidance and whose vaste
        begeleider (`begeleider.<gemeente>`) is coupled. ``intake`` overrides the
        intake's happy-path answers (e.g. ``{"toestemming_delen_gemeente": []}``)."""
        case = self.run_until(self.start(gemeente, **overrides), "intake_gesprek")
        case = self.complete(
            case,
            "intake_gesprek",
            **{"begeleidingsvorm": "individueel", **(intake or {})},
        )
        return self.complete(case, "begeleider_koppelen")

    def open_tasks(self, case: Case) -> list[TaskItem]:
        return list(
            TaskItem.objects.filter(case=case, state=TaskItem.State.OPEN).order_by(
                "ready_at", "id"
            )
        )

    def answers(self, item: TaskItem, **overrides: Any) -> dict[str, Any]:
        """Plausible answers for the task, on the happy path unless overridden."""
        gemeente = item.gemeente
        overrides = {**HAPPY_ANSWERS.get(item.bpmn_id, {}), **overrides}
        return sample_answers(
            bundle_of(item.case.version).forms.get(item.form_key),
            today=self.clock.now().date(),
            user_for_role=lambda role: self.who(role, gemeente).username,
            overrides=overrides,
        )

    def run_until(self, case: Case, bpmn_id: str, max_steps: int = 40) -> Case:
        """Complete the oldest open task (sample answers) until ``bpmn_id`` is open."""
        for _ in range(max_steps):
            items = self.open_tasks(case)
            if any(item.bpmn_id == bpmn_id for item in items):
                return case
            case = self._step(case, items, f"{bpmn_id} never became open")
        raise AssertionError(f"{bpmn_id} never became open")

    def run_to_end(self, case: Case, max_steps: int = 150) -> Case:
        """Complete the oldest open task (happy-path answers unless a test's earlier
        answers chose otherwise), timers firing on the way, until every track has
        ended and the case is closed."""
        for _ in range(max_steps):
            case.refresh_from_db()
            if case.is_closed:
                return case
            case = self._step(case, self.open_tasks(case), "the case waits for nothing")
        raise AssertionError("the case never closed")

    def _step(self, case: Case, items: list[TaskItem], stuck: str) -> Case:
        """Complete the oldest of ``items``; without any, let the next timer fire."""
        if items:
            return self.complete(case, items[0].bpmn_id)
        case.refresh_from_db()
        assert case.next_timer_at, stuck
        self.clock.set(case.next_timer_at + timedelta(minutes=1))
        timers_run(clock=self.clock)
        return case

    def complete(self, case: Case, bpmn_id: str, **overrides: Any) -> Case:
        item = next(t for t in self.open_tasks(case) if t.bpmn_id == bpmn_id)
        user = item.assignee or self.who(item.role, item.gemeente)
        return task_complete(
            task_id=item.task_id,
            user=user,
            cleaned_data=self.answers(item, **overrides),
            clock=self.clock,
        )


def state_of(case: Case) -> str:
    """The engine state of the case as stored (its own table)."""
    return CaseState.objects.get(pk=case.pk).state


@pytest.fixture
def world(db) -> World:
    return World()


# The pages' today in tests that judge "te laat": after the World's clock (2026-01-05)
# and every deadline it sets (the PIP's is 2026-03-16), whatever the machine's date.
WEB_NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def web_today(monkeypatch) -> date:
    """Pin Django's clock (timezone.now, and so localdate) to WEB_NOW."""
    monkeypatch.setattr(timezone, "now", lambda: WEB_NOW)
    return WEB_NOW.date()


@pytest.fixture(autouse=True)
def second_factor_on_test_logins(request, monkeypatch) -> None:
    """``Client.login()`` and ``force_login()`` are a test's own set-up, as for
    django-axes (webui/settings/axes_testclient.py): for a role that must sign in
    with a code (beheerder, privacy, manager) they also give the user an
    authenticator app and the session its code, as the code page would. Tests of
    the second step itself use ``@pytest.mark.real_second_factor`` (or the login
    page); the browser tests type the code (tests/e2e/conftest.py)."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    original = Client._login

    def login_with_code(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        if second_factor_required(user=user):
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, confirmed=True, defaults={"name": "test"}
            )
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    monkeypatch.setattr(Client, "_login", login_with_code)
