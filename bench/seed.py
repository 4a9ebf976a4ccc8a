"""Synthetic data for the benchmarks: N cases over 50 gemeenten, ~10 task rows each.

What is seeded (all fictional):

- 50 gemeenten of Zipf-like sizes (the largest holds ~15% of the cases), each guided
  by one of 20 MB organisations; users with memberships: regievoerders and a manager
  per gemeente, begeleiders (one per ~12 cases), coördinatoren and trainers per MB
  organisation. Every bench user has the password ``PASSWORD``.
- One deployed base version per gemeente (the first through ``version_deploy``, the
  others as identical rows).
- **Real cases**, whose engine state is consistent with their task rows, made from
  two templates that run through the real services (``case_start``,
  ``task_complete``, ``timers_run``) up to the voortgang loop:
  *waiting* (the voortgangsgesprek is done, the timer for the next one runs) and
  *open* (a voortgangsgesprek waits for a regievoerder). Each is cloned with fresh
  task UUIDs (replaced consistently in the state and the task rows) and, for
  *waiting*, its own timer moment (replaced in the state and in ``next_timer_at``).
  11% of the cases are *waiting* clones over all gemeenten: 1% with their timer
  just past (``DUE_NOW``) and 10% due within two days (``DUE_SOON``), so the timer
  sweep fires real timers. The ``LOAD_GEMEENTEN`` hold only real cases, most of them
  *open* clones: the HTTP load completes those tasks.
- **Synthetic cases** fill the rest: phases from the koppeling date (spread over three
  years; a share closed), vaste begeleider, PIP dates, next timer spread over the
  coming three years, and ~10 task rows each taken from the version's own user tasks
  (~15% open, about half of those claimed). Their ``CaseState`` holds a stub: no
  engine operation runs on them in the bench, and the queues, counts, case list and
  export never read that table.

Rows go in with executemany (SQLite) or COPY (PostgreSQL) in batches.
"""

import json
import random
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.management.color import no_style
from django.db import connection, models, transaction

PASSWORD = "bench-wachtwoord-2026"
N_GEMEENTEN = 50
N_MB = 20
ZIPF = 0.75
DUE_NOW = 0.01  # share of the cases whose timer is due at the seed moment
DUE_SOON = 0.10  # share due within two days after it
SOON = timedelta(days=2)
# Gemeenten (by size rank, 0 the largest) whose cases are all real: the load works
# their regievoerders' pools.
LOAD_GEMEENTEN = (30, 31, 32, 33)
# Open tasks per load user the load gemeenten hold at least: the HTTP rounds (with
# the sweep and the export beside them, and the steps without think time) complete
# one task a cycle, and a pool that runs dry fails the rounds after it.
TASKS_PER_LOAD_USER = 40
LOAD_USERS_PER_GEMEENTE = 5
LOOP = "voortgangsgesprek"
LOOP_ANSWERS = {"pip_aanpassen": False, "traject_afronden": False}
STUB_STATE = '{"bench": "synthetisch dossier zonder engine-toestand"}'
UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
BATCH = 20_000
HOUR = timedelta(hours=1)


@dataclass
class SeedInfo:
    """What the measurements need to know about the seeded data."""

    now: datetime
    cases: int
    task_rows: int
    open_rows: int
    real_waiting: int
    due_now: int
    due_soon: int
    real_open: int
    gemeente_ids: list[int]  # by size rank
    load_users: list[str]  # usernames of the regievoerders the HTTP load logs in as
    largest_regievoerder: str
    busiest_begeleider: str
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)


# ---- writing rows fast ---------------------------------------------------------------


class Inserter:
    """Inserts plain tuples into a model's table: executemany on SQLite, COPY on
    PostgreSQL. Values must already be what the column takes (see ``prep``)."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        self.model = model
        self.fields = [model._meta.get_field(f) for f in fields]
        self.columns = [f.column for f in self.fields]
        self.table = model._meta.db_table
        self.pg = connection.vendor == "postgresql"
        self.rows: list[tuple[Any, ...]] = []
        self.count = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        quote = connection.ops.quote_name
        cols = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.pg:
                raw = cursor.cursor  # psycopg's own cursor
                with raw.copy(f"COPY {quote(self.table)} ({cols}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({cols}) VALUES ({marks})",
                    self.rows,
                )
        self.count += len(self.rows)
        self.rows = []


# Whether the run is on PostgreSQL: asked of the connection once (per value it
# would cost more than the rest of the seeding).
_ON_PG = [False]


def prep(value: Any) -> Any:
    """A Python value as the database column takes it in ``Inserter``."""
    if _ON_PG[0]:
        if isinstance(value, list | dict):
            return json.dumps(value)
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, list | dict):
        return json.dumps(value)
    return value


def _next_id(model: type[models.Model]) -> int:
    top = model.objects.aggregate(m=models.Max("pk"))["m"]
    return (top or 0) + 1


def _reset_sequences(*models_: type[models.Model]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


# ---- organisations, users, versions --------------------------------------------------


def _sizes(n_cases: int, n: int) -> list[int]:
    weights = [1 / (rank + 1) ** ZIPF for rank in range(n)]
    total = sum(weights)
    sizes = [max(5, int(n_cases * w / total)) for w in weights]
    sizes[0] = max(5, sizes[0] + n_cases - sum(sizes))
    return sizes


@dataclass
class Org:
    gemeente: Any
    mb: Any
    version: Any
    size: int
    regievoerders: list[Any] = field(default_factory=list)
    begeleiders: list[Any] = field(default_factory=list)
    coordinators: list[Any] = field(default_factory=list)
    trainers: list[Any] = field(default_factory=list)
    teamleiders: list[Any] = field(default_factory=list)

    def pool(self, role: str) -> list[Any]:
        return {
            "regievoerder": self.regievoerders,
            "begeleider": self.begeleiders,
            "coordinator": self.coordinators,
            "trainer": self.trainers,
            "teamleider": self.teamleiders,
        }[role]


def _organisations(sizes: list[int], now: datetime, n_mb: int = N_MB) -> list[Org]:
    from webui.accounts.models import Gemeente, MbOrganisation
    from webui.definitions.models import DefinitionVersion
    from webui.definitions.services import base_register, version_deploy

    base_register()
    gemeenten = Gemeente.objects.bulk_create(
        [
            Gemeente(slug=f"bench-{rank + 1:02d}", naam=f"Benchdam {rank + 1:02d}")
            for rank in range(len(sizes))
        ]
    )
    mbs = MbOrganisation.objects.bulk_create(
        [
            MbOrganisation(slug=f"bench-mb-{i + 1:02d}", naam=f"Bench MB {i + 1:02d}")
            for i in range(n_mb)
        ]
    )
    through = MbOrganisation.gemeenten.through
    through.objects.bulk_create(
        [
            through(mborganisation_id=mbs[rank % n_mb].pk, gemeente_id=g.pk)
            for rank, g in enumerate(gemeenten)
        ]
    )
    first, _ = version_deploy(gemeente=gemeenten[0], note="bench", own_files={})
    copies = DefinitionVersion.objects.bulk_create(
        [
            DefinitionVersion(
                gemeente=g,
                number=1,
                base=first.base,
                files=first.files,
                own_files=first.own_files,
                provenance=first.provenance,
                derived=first.derived,
                setting_values=first.setting_values,
                milestone_rules=first.milestone_rules,
                content_hash=first.content_hash,
                note="bench",
                deployed_at=now,
                is_active=True,
            )
            for g in gemeenten[1:]
        ]
    )
    versions = [first, *copies]
    return [
        Org(g, mbs[rank % n_mb], versions[rank], size)
        for rank, (g, size) in enumerate(zip(gemeenten, sizes, strict=True))
    ]


def load_ranks(sizes: list[int], load_users: int) -> tuple[int, ...]:
    """The ranks of the four load gemeenten: ``LOAD_GEMEENTEN``, or larger ones
    (lower ranks) until they hold ``TASKS_PER_LOAD_USER`` cases per load user."""
    count = len(LOAD_GEMEENTEN)
    start = min(LOAD_GEMEENTEN[0], len(sizes) - count)
    while start > 1 and sum(sizes[start : start + count]) < (
        TASKS_PER_LOAD_USER * load_users
    ):
        start -= 1
    return tuple(range(start, start + count))


def _users(
    orgs: list[Org],
    load_per_gemeente: int = LOAD_USERS_PER_GEMEENTE,
    ranks: tuple[int, ...] = LOAD_GEMEENTEN,
) -> None:
    from webui.accounts.models import Membership

    User = get_user_model()
    # PBKDF2 whatever the settings say: the HTTP load logs in under the production
    # settings (the test settings hash with MD5 only).
    hasher = PBKDF2PasswordHasher()
    password = hasher.encode(PASSWORD, hasher.salt())
    users: list[Any] = []
    plan: list[tuple[Org, str, int]] = []
    for rank, org in enumerate(orgs):
        n_regie = max(3, org.size // 600)
        if rank in ranks:
            n_regie = max(n_regie, load_per_gemeente)
        plan += [
            (org, "regievoerder", n_regie),
            (org, "begeleider", max(2, org.size // 12)),
            (org, "coordinator", max(1, org.size // 1500)),
            (org, "trainer", max(1, org.size // 2500)),
            (org, "teamleider", 1),  # escalations (the version has its tasks)
            (org, "manager", 1),
        ]
    for org, role, count in plan:
        short = {"regievoerder": "regie", "begeleider": "beg"}.get(role, role)
        for i in range(count):
            users.append(
                User(
                    username=f"{org.gemeente.slug}.{short}{i + 1}",
                    first_name=short.title(),
                    last_name=f"{org.gemeente.naam} {i + 1}",
                    password=password,
                )
            )
    users = User.objects.bulk_create(users, batch_size=5000)
    memberships = []
    index = 0
    for org, role, count in plan:
        for user in users[index : index + count]:
            gemeente_side = role in ("regievoerder", "teamleider", "manager")
            memberships.append(
                Membership(
                    user=user,
                    role=role,
                    gemeente=org.gemeente if gemeente_side else None,
                    mb_organisation=None if gemeente_side else org.mb,
                )
            )
            if role != "manager":
                org.pool(role).append(user)
        index += count
    Membership.objects.bulk_create(memberships, batch_size=5000)


# ---- the real templates --------------------------------------------------------------


class Driver:
    """Moves one case along through the real services, as tests/conftest.py's World
    does, with the bench's users."""

    def __init__(self, org: Org, start: datetime) -> None:
        from engine import ManualClock

        self.org = org
        self.clock = ManualClock(start)

    def who(self, role: str) -> Any:
        return self.org.pool(role)[0]

    def answers(self, item: Any, **overrides: Any) -> dict[str, Any]:
        from webui.definitions.bundles import bundle_of
        from webui.demo.seed import HAPPY_ANSWERS, sample_answers

        return sample_answers(
            bundle_of(item.case.version).forms.get(item.form_key),
            today=self.clock.now().date(),
            user_for_role=lambda role: self.who(role).username,
            overrides={**HAPPY_ANSWERS.get(item.bpmn_id, {}), **overrides},
        )

    def open_tasks(self, case: Any) -> list[Any]:
        from webui.tasks.models import TaskItem

        return list(
            TaskItem.objects.filter(case=case, state="open").order_by("ready_at", "id")
        )

    def start(self) -> Any:
        from webui.casework.services import case_start
        from webui.definitions.bundles import START_FORM, bundle_of
        from webui.demo.seed import sample_answers

        today = self.clock.now().date()
        answers = sample_answers(
            bundle_of(self.org.version).forms.get(START_FORM),
            today=today,
            user_for_role=lambda r: "",
            overrides={
                "voornaam": "Bench",
                "achternaam": "Sjabloon",
                "bsn": "111222333",
                "koppeling_datum": today,
                "datum_binnenkomst": today,
            },
        )
        return case_start(
            gemeente=self.org.gemeente,
            cleaned_data=answers,
            user=self.who("coordinator"),
            clock=self.clock,
        )

    def complete(self, item: Any, **overrides: Any) -> Any:
        from webui.casework.services import task_complete

        user = item.assignee or self.who(item.role)
        return task_complete(
            task_id=item.task_id,
            user=user,
            cleaned_data=self.answers(item, **overrides),
            clock=self.clock,
        )

    def fire(self, case: Any) -> None:
        from webui.casework.services import timers_run

        case.refresh_from_db()
        if case.next_timer_at is None:
            raise RuntimeError("the template case waits for nothing")
        self.clock.set(case.next_timer_at + timedelta(minutes=1))
        timers_run(clock=self.clock)

    def to_loop(self) -> Any:
        """A new case, every task but the voortgangsgesprek done (happy path, timers
        firing), until only that one waits."""
        case = self.start()
        for _ in range(300):
            items = [i for i in self.open_tasks(case) if i.bpmn_id != LOOP]
            if items:
                case = self.complete(items[0])
                continue
            case.refresh_from_db()
            if any(i.bpmn_id == LOOP for i in self.open_tasks(case)) and (
                case.next_timer_at is None
            ):
                return case
            self.fire(case)
        raise RuntimeError("the template case did not reach the voortgang loop")


@dataclass
class Template:
    case: Any
    state: str
    items: list[Any]
    milestones: list[Any]
    timer: str | None  # the timer moment as the state holds it


def _template(case: Any) -> Template:
    from webui.cases.models import Case, CaseMilestone, CaseState
    from webui.tasks.models import TaskItem

    case = Case.objects.get(pk=case.pk)
    state = CaseState.objects.get(pk=case.pk).state
    timer = None
    if case.next_timer_at is not None:
        timer = case.next_timer_at.isoformat()
        if timer not in state:
            raise RuntimeError(f"the timer moment {timer} is not in the state")
    return Template(
        case=case,
        state=state,
        items=list(TaskItem.objects.filter(case=case).order_by("id")),
        milestones=list(CaseMilestone.objects.filter(case=case)),
        timer=timer,
    )


def _templates(org: Org, now: datetime) -> tuple[Template, Template, datetime]:
    """(waiting, open, the templates' clock at the end): made through the services,
    starting a year before ``now``. The waiting template's own timer is then moved
    a month past ``now``, so that only the clones' timers are due."""
    from webui.cases.models import Case, CaseState

    driver = Driver(org, now - timedelta(days=400))
    open_case = driver.to_loop()
    waiting_case = driver.to_loop()
    [item] = [i for i in driver.open_tasks(waiting_case) if i.bpmn_id == LOOP]
    driver.complete(item, **LOOP_ANSWERS)
    waiting = _template(waiting_case)
    later = now + timedelta(days=30)
    CaseState.objects.filter(pk=waiting_case.pk).update(
        state=waiting.state.replace(waiting.timer, later.isoformat())
    )
    Case.objects.filter(pk=waiting_case.pk).update(next_timer_at=later)
    return waiting, _template(open_case), driver.clock.now()


# ---- cases ---------------------------------------------------------------------------

CASE_FIELDS = (
    "id",
    "reference",
    "gemeente",
    "version",
    "mb_organisation",
    "lock_version",
    "client_naam",
    "phase",
    "phase_label",
    "open_phases",
    "is_closed",
    "koppeling_datum",
    "pip_deadline",
    "pip_opgesteld_op",
    "pip_vastgesteld_op",
    "begeleider",
    "uitkomst",
    "next_timer_at",
    "created_at",
    "updated_at",
    "closed_at",
    "piezo_fase",
)
TASK_FIELDS = (
    "task_id",
    "case",
    "gemeente",
    "mb_organisation",
    "bpmn_id",
    "name",
    "role",
    "form_key",
    "phase",
    "documentation",
    "state",
    "assignee",
    "ready_at",
    "due_date",
    "completed_at",
    "completed_by",
)
FIRST = ("Amir", "Sara", "Yonas", "Lina", "Omar", "Nour", "Dawit", "Hana", "Rami")
LAST = ("Haddad", "Tesfaye", "Ahmadi", "Mansour", "Kidane", "Nasser", "Osman")


@dataclass
class Writers:
    cases: Inserter
    states: Inserter
    tasks: Inserter
    milestones: Inserter
    open_rows: int = 0

    def flush(self) -> None:
        for writer in (self.cases, self.states, self.tasks, self.milestones):
            writer.flush()


def _writers() -> Writers:
    from webui.cases.models import Case, CaseMilestone, CaseState
    from webui.tasks.models import TaskItem

    return Writers(
        cases=Inserter(Case, CASE_FIELDS),
        states=Inserter(CaseState, ("case", "state")),
        tasks=Inserter(TaskItem, TASK_FIELDS),
        milestones=Inserter(
            CaseMilestone,
            ("case", "key", "value", "reached_at", "bpmn_id", "version"),
        ),
    )


class Phases:
    """The version's phases and user tasks, to give synthetic cases real names."""

    def __init__(self, derived: dict[str, Any]) -> None:
        self.order = list(derived["phase_order"])
        self.names = dict(derived["phase_names"])
        self.tasks: dict[str, list[dict[str, Any]]] = {}
        for task in derived["tasks"]:
            self.tasks.setdefault(task["process"], []).append(task)
        self.order = [p for p in self.order if p in self.tasks] or list(self.tasks)

    def at(self, months: float) -> list[str]:
        """The phases a case is in ``months`` after its koppeling: the tracks run
        side by side, so often two."""
        n = len(self.order)
        position = min(n - 1, int(months / 36 * n))
        second = min(n - 1, position + 1)
        return [self.order[position]] + (
            [self.order[second]] if second != position and months % 2 < 1 else []
        )

    def label(self, phases: list[str]) -> str:
        return " · ".join(self.names.get(p, p) for p in phases)[:200]


def _synthetic_case(
    rnd: random.Random,
    w: Writers,
    case_id: int,
    org: Org,
    phases: Phases,
    now: datetime,
) -> None:
    today = now.date()
    koppeling = today - timedelta(days=rnd.randint(0, 3 * 365))
    months = (today - koppeling).days / 30.4
    closed = months > 24 and rnd.random() < 0.45
    current = [] if closed else phases.at(months)
    begeleider = (
        rnd.choice(org.begeleiders) if months > 2 and rnd.random() < 0.7 else None
    )
    pip_deadline = koppeling + timedelta(weeks=10)
    opgesteld = (
        pip_deadline - timedelta(days=rnd.randint(-10, 20)) if months > 3 else None
    )
    vastgesteld = opgesteld + timedelta(days=rnd.randint(3, 20)) if opgesteld else None
    created = datetime.combine(koppeling, datetime.min.time(), tzinfo=UTC)
    closed_at = (
        created + timedelta(days=rnd.randint(700, max(701, (today - koppeling).days)))
        if closed
        else None
    )
    timer = None if closed else now + timedelta(days=3 + rnd.random() * 3 * 365)
    w.cases.add(
        tuple(
            prep(v)
            for v in (
                case_id,
                f"WW-{koppeling.year}-{case_id:06d}",
                org.gemeente.pk,
                org.version.pk,
                org.mb.pk,
                rnd.randint(5, 40),
                f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {case_id}",
                current[0] if current else "",
                "Afgerond" if closed else phases.label(current),
                current,
                closed,
                koppeling,
                pip_deadline,
                opgesteld,
                vastgesteld,
                begeleider.pk if begeleider else None,
                rnd.choice(("afronden", "overdragen")) if closed else "",
                timer,
                created,
                now,
                closed_at,
                str(min(4, int(months / 8))) if months > 2 else "",
            )
        )
    )
    w.states.add((case_id, STUB_STATE))
    n_open = 0 if closed else rnd.choices((1, 2, 3), (30, 40, 30))[0]
    n_done = 10 if closed else max(1, min(8, int(1 + months / 5)))
    span = max(1, ((closed_at or now) - created).days)
    reached = phases.order.index(current[-1]) + 1 if current else len(phases.order)
    past = phases.order[:reached]
    for k in range(n_done + n_open):
        is_open = k >= n_done
        pool = phases.tasks[rnd.choice(current if is_open else past)]
        task = rnd.choice(pool)
        role = task["role"]
        if is_open:
            ready = now - timedelta(
                days=rnd.randint(0, 60), minutes=rnd.randint(0, 600)
            )
        else:
            ready = created + timedelta(days=k * span / (n_done + 1))
        due = (
            (ready + timedelta(days=rnd.randint(7, 70))).date()
            if rnd.random() < 0.8
            else None
        )
        assignee = None
        if is_open:
            if role == "begeleider" and begeleider is not None:
                assignee = begeleider
            elif role != "begeleider" and rnd.random() < 0.45:
                assignee = rnd.choice(org.pool(role))
            w.open_rows += 1
        done_by = None if is_open else rnd.choice(org.pool(role))
        w.tasks.add(
            tuple(
                prep(v)
                for v in (
                    str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                    case_id,
                    org.gemeente.pk,
                    org.mb.pk,
                    task["id"],
                    task["name"][:200],
                    role,
                    task["form_key"],
                    phases.names.get(task["process"], task["process"]),
                    "",
                    "open" if is_open else "done",
                    assignee.pk if assignee else None,
                    ready,
                    due,
                    None
                    if is_open
                    else min(ready + timedelta(days=rnd.randint(1, 20)), now - HOUR),
                    done_by.pk if done_by else None,
                )
            )
        )


def _clone(
    rnd: random.Random,
    w: Writers,
    case_id: int,
    org: Org,
    template: Template,
    timer: datetime | None,
    shift: timedelta,
    now: datetime,
) -> None:
    """A copy of a real template case with fresh task ids (and its own timer)."""
    fresh: dict[str, str] = {}

    def renamed(match: re.Match[str]) -> str:
        old = match.group(0)
        if old not in fresh:
            fresh[old] = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        return fresh[old]

    state = UUID_RE.sub(renamed, template.state)
    if template.timer is not None and timer is not None:
        state = state.replace(template.timer, timer.isoformat())
    t = template.case
    begeleider = rnd.choice(org.begeleiders) if t.begeleider_id else None

    def moved(value: Any) -> Any:
        return value + shift if value is not None else None

    w.cases.add(
        tuple(
            prep(v)
            for v in (
                case_id,
                f"WW-R-{case_id:06d}",
                org.gemeente.pk,
                org.version.pk,
                org.mb.pk,
                t.lock_version,
                f"{rnd.choice(FIRST)} {rnd.choice(LAST)} {case_id}",
                t.phase,
                t.phase_label,
                t.open_phases,
                False,
                moved(t.koppeling_datum),
                moved(t.pip_deadline),
                moved(t.pip_opgesteld_op),
                moved(t.pip_vastgesteld_op),
                begeleider.pk if begeleider else None,
                t.uitkomst,
                timer,
                datetime.combine(moved(t.koppeling_datum), datetime.min.time(), UTC),
                now,
                None,
                t.piezo_fase,
            )
        )
    )
    w.states.add((case_id, state))
    for item in template.items:
        task_id = fresh.get(item.task_id) or str(
            uuid.UUID(int=rnd.getrandbits(128), version=4)
        )
        assignee = None
        if item.assignee_id is not None:
            assignee = begeleider if item.role == "begeleider" else None
        done_by = rnd.choice(org.pool(item.role)) if item.completed_by_id else None
        if item.state == "open":
            w.open_rows += 1
        w.tasks.add(
            tuple(
                prep(v)
                for v in (
                    task_id,
                    case_id,
                    org.gemeente.pk,
                    org.mb.pk,
                    item.bpmn_id,
                    item.name,
                    item.role,
                    item.form_key,
                    item.phase,
                    item.documentation,
                    item.state,
                    assignee.pk if assignee else None,
                    item.ready_at + shift,
                    moved(item.due_date),
                    moved(item.completed_at),
                    done_by.pk if done_by else None,
                )
            )
        )
    for m in template.milestones:
        w.milestones.add(
            tuple(
                prep(v)
                for v in (
                    case_id,
                    m.key,
                    json.dumps(m.value),
                    m.reached_at + shift,
                    m.bpmn_id,
                    org.version.pk,
                )
            )
        )


def _spread(
    rnd: random.Random, n: int, start: datetime, end: datetime
) -> list[datetime]:
    span = (end - start).total_seconds()
    return sorted(
        (start + timedelta(seconds=rnd.random() * span)).replace(microsecond=0)
        for _ in range(n)
    )


def _share(total: int, sizes: list[int]) -> list[int]:
    whole = sum(sizes)
    parts = [total * s // whole for s in sizes]
    parts[0] += total - sum(parts)
    return parts


def seed(
    n_cases: int,
    *,
    gemeenten: int = N_GEMEENTEN,
    mb_organisations: int = N_MB,
    load_users: int = 20,
    log: Callable[[str], None] = print,
    seed_value: int = 2026,
) -> SeedInfo:
    """Seed ``n_cases`` cases (real and synthetic, see the module's docstring) into
    the migrated, empty database Django is connected to."""
    import time

    from django.utils import timezone

    from webui.cases.models import Case, CaseMilestone
    from webui.tasks.models import TaskItem

    started = time.perf_counter()
    _ON_PG[0] = connection.vendor == "postgresql"
    rnd = random.Random(seed_value)
    now = timezone.now().replace(microsecond=0)
    sizes = _sizes(n_cases, gemeenten)
    orgs = _organisations(sizes, now, mb_organisations)
    ranks = load_ranks(sizes, load_users)
    per_gemeente = max(LOAD_USERS_PER_GEMEENTE, -(-load_users // len(ranks)))
    _users(orgs, per_gemeente, ranks)
    log(
        f"  organisaties en gebruikers: {time.perf_counter() - started:.1f} s;"
        f" belasting in de gemeenten van rang {ranks[0]}-{ranks[-1]}"
    )
    waiting, open_, template_now = _templates(orgs[ranks[0]], now)
    shift = now - template_now
    log(f"  sjablonen via de services: {time.perf_counter() - started:.1f} s")

    due_now = max(1, round(n_cases * DUE_NOW))
    due_soon = max(1, round(n_cases * DUE_SOON))
    timers = _spread(rnd, due_now, now - timedelta(days=10), now - timedelta(hours=1))
    timers += _spread(rnd, due_soon, now + timedelta(hours=1), now + SOON)
    rnd.shuffle(timers)
    waiting_per = _share(len(timers), sizes)
    phases = Phases(orgs[0].version.derived)
    w = _writers()
    next_id = _next_id(Case)
    real_open = 0
    with transaction.atomic():
        for rank, org in enumerate(orgs):
            for _ in range(waiting_per[rank]):
                _clone(rnd, w, next_id, org, waiting, timers.pop(), shift, now)
                next_id += 1
            rest = org.size - waiting_per[rank]
            for _ in range(max(0, rest)):
                if rank in ranks:
                    _clone(rnd, w, next_id, org, open_, None, shift, now)
                    real_open += 1
                else:
                    _synthetic_case(rnd, w, next_id, org, phases, now)
                next_id += 1
            if rank % 10 == 9:
                log(f"  {rank + 1} gemeenten: {time.perf_counter() - started:.1f} s")
        w.flush()
        _reset_sequences(Case, TaskItem, CaseMilestone)
    _analyze()
    info = SeedInfo(
        now=now,
        cases=Case.objects.count(),
        task_rows=TaskItem.objects.count(),
        open_rows=TaskItem.objects.filter(state="open").count(),
        real_waiting=sum(waiting_per) + 1,
        due_now=due_now,
        due_soon=due_soon,
        real_open=real_open + 1,
        gemeente_ids=[o.gemeente.pk for o in orgs],
        load_users=[
            u.username
            for rank in ranks
            for u in orgs[rank].regievoerders[:per_gemeente]
        ],
        largest_regievoerder=orgs[0].regievoerders[0].username,
        busiest_begeleider=_busiest_begeleider(),
    )
    info.seconds = time.perf_counter() - started
    log(
        f"  {info.cases:,} dossiers, {info.task_rows:,} taakregels"
        f" ({info.open_rows:,} open) in {info.seconds:.0f} s"
    )
    return info


def _busiest_begeleider() -> str:
    from django.db.models import Count

    from webui.tasks.models import TaskItem

    top = (
        TaskItem.objects.filter(state="open", assignee__isnull=False, role="begeleider")
        .values("assignee__username")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    return top["assignee__username"] if top else ""


def _analyze() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
