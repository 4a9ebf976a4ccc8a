"""Synthetic demo data: two fictional gemeenten, a user per role, ~40 cases in every
phase.

Every name here is invented; the BSNs are made up to pass the elfproef and belong to
nobody.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from engine import ManualClock
from forms.registry import FieldDefinition, FormDefinition
from webui.accounts.models import Gemeente, MbOrganisation, Membership, Role
from webui.accounts.selectors import users_for_role
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.files import read_paths
from webui.definitions.services import active_version, base_register, version_deploy
from webui.tasks.models import TaskItem

from .models import Case
from .services import case_start, task_complete, timers_run

DEMO_PASSWORD = "wegwijs"

GEMEENTEN = (("polderdam", "Polderdam (demo)"), ("rivierstad", "Rivierstad (demo)"))
# MB organisations and the gemeenten they work for: one works for two gemeenten.
MB_ORGANISATIONS = (
    ("samen-verder", "Stichting Samen Verder (demo)", ("polderdam",)),
    (
        "vwn-rivierenland",
        "VluchtelingenWerk Rivierenland (demo)",
        ("rivierstad", "polderdam"),
    ),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    # (organisation slug, role): a gemeente or an MB organisation.
    roles: tuple[tuple[str, str], ...]
    staff: bool = False


USERS = (
    DemoUser("begeleider", "Bea", "Begeleider", (("samen-verder", Role.BEGELEIDER),)),
    DemoUser(
        "begeleider2", "Bas", "Vrijwilliger", (("samen-verder", Role.BEGELEIDER),)
    ),
    DemoUser(
        "coordinator", "Cor", "Coördinator", (("samen-verder", Role.COORDINATOR),)
    ),
    DemoUser("regievoerder", "Rana", "Regie", (("polderdam", Role.REGIEVOERDER),)),
    DemoUser(
        "trainer",
        "Tijn",
        "Trainer",
        (("samen-verder", Role.TRAINER), ("vwn-rivierenland", Role.TRAINER)),
    ),
    DemoUser(
        "manager",
        "Mila",
        "Manager",
        (("polderdam", Role.MANAGER), ("rivierstad", Role.MANAGER)),
    ),
    DemoUser(
        "rivierstad.begeleider",
        "Ruben",
        "Rivier",
        (("vwn-rivierenland", Role.BEGELEIDER),),
    ),
    DemoUser(
        "rivierstad.coordinator",
        "Roos",
        "Coördinator",
        (("vwn-rivierenland", Role.COORDINATOR),),
    ),
    DemoUser(
        "rivierstad.regievoerder", "Ravi", "Regie", (("rivierstad", Role.REGIEVOERDER),)
    ),
    DemoUser("privacy", "Pim", "Privacy", (("polderdam", Role.PRIVACY),)),
    DemoUser(
        "beheerder",
        "Bo",
        "Beheer",
        (("polderdam", Role.BEHEERDER), ("rivierstad", Role.BEHEERDER)),
        staff=True,
    ),
)
# What a functioneel beheerder may do in Django's admin: users and organisations,
# never case data.
BEHEER_PERMISSIONS = (
    ("auth", "user"),
    ("accounts", "gemeente"),
    ("accounts", "mborganisation"),
    ("accounts", "membership"),
)

_FIRST = [
    "Amal",
    "Yonas",
    "Sara",
    "Mohammed",
    "Lina",
    "Dawit",
    "Noor",
    "Rami",
    "Hiba",
    "Tesfay",
]
_LAST = ["Demo", "Voorbeeld", "Testpersoon", "Fictief", "Oefen"]


def _bsn(n: int) -> str:
    """A synthetic 9-digit number that passes the elfproef."""
    for tail in range(10):
        digits = f"9{n:06d}{tail}"
        weights = [9, 8, 7, 6, 5, 4, 3, 2]
        total = sum(int(d) * w for d, w in zip(digits, weights, strict=True))
        last = total % 11
        if last < 10:
            return digits + str(last)
    raise ValueError(n)


# A plausible value per field type, from (field, today, user_for_role); other types
# get "Demo".
_SampleValue = Callable[[FieldDefinition, date, Callable[[str], str]], Any]
_SAMPLE_VALUES: dict[str, _SampleValue] = {
    "date": lambda field, today, user_for_role: today,
    "yesno": lambda field, today, user_for_role: False,
    "choice": lambda field, today, user_for_role: field.choices[0][0],
    "multichoice": lambda field, today, user_for_role: [field.choices[0][0]],
    "number": lambda field, today, user_for_role: (
        int(field.min_value) if field.min_value is not None else 1
    ),
    "bsn": lambda field, today, user_for_role: _bsn(today.toordinal() % 1_000_000),
    "postcode": lambda field, today, user_for_role: "9999 ZZ",
    "phone": lambda field, today, user_for_role: "0612345678",
    "email": lambda field, today, user_for_role: "demo@example.invalid",
    "gebruiker": lambda field, today, user_for_role: user_for_role(field.role or ""),
    "textarea": lambda field, today, user_for_role: "Fictieve notitie voor de demo.",
}


def _sample_default(
    field: FieldDefinition, today: date, user_for_role: Callable[[str], str]
) -> Any:
    return "Demo"


def sample_answers(
    definition: FormDefinition,
    *,
    today: date,
    user_for_role: Callable[[str], str],
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Plausible cleaned data for every field of a form (what a form would hand a
    view)."""
    answers: dict[str, Any] = {}
    for field in definition.fields:
        sample = _SAMPLE_VALUES.get(field.type, _sample_default)
        answers[field.name] = sample(field, today, user_for_role)
    answers.update(overrides or {})
    return answers


# Answers that steer the demo cases down different paths.
def _routing(index: int) -> dict[str, dict[str, Any]]:
    return {
        "voorbereiding_inburgering": {"juridische_hulp_nodig": index % 4 == 0},
        "intake_gesprek": {
            "begeleidingsvorm": ("individueel", "spreekuur", "groep")[index % 3],
            "toestemming_delen_gemeente": (
                ["gezondheid", "schulden"] if index % 5 != 0 else []
            ),
        },
        "pip_toelichten": {"bezwaar_gewenst": index % 7 == 0},
        "bezwaar_behandelen": {
            "bezwaar_uitkomst": "gegrond" if index % 2 else "ongegrond"
        },
        "pvt_workshop": {"aanwezig": index % 6 != 0},
        "pvt_ondertekening": {"verklaring_ondertekend": index % 9 != 0},
        "voortgangsgesprek": {"pip_aanpassen": False, "traject_afronden": True},
        "eindgesprek": {
            "uitkomst": ("afronden", "overdragen", "voortzetten")[index % 3]
        },
    }


def _organisations() -> tuple[dict[str, Gemeente], dict[str, MbOrganisation]]:
    gemeenten = {
        slug: Gemeente.objects.get_or_create(slug=slug, defaults={"naam": naam})[0]
        for slug, naam in GEMEENTEN
    }
    organisations = {}
    for slug, naam, served in MB_ORGANISATIONS:
        org, _ = MbOrganisation.objects.get_or_create(
            slug=slug, defaults={"naam": naam}
        )
        org.gemeenten.add(*(gemeenten[s] for s in served))
        organisations[slug] = org
    return gemeenten, organisations


def _users() -> dict[str, Gemeente]:
    gemeenten, organisations = _organisations()
    User = get_user_model()
    beheer = Permission.objects.filter(
        content_type__app_label__in={app for app, _ in BEHEER_PERMISSIONS},
        content_type__model__in={model for _, model in BEHEER_PERMISSIONS},
    )
    for spec in USERS:
        user, _ = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "is_staff": spec.staff,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        if spec.staff:
            user.user_permissions.set(beheer)
        for slug, role in spec.roles:
            place = (
                {"gemeente": gemeenten[slug]}
                if slug in gemeenten
                else {"mb_organisation": organisations[slug]}
            )
            Membership.objects.get_or_create(user=user, role=role, **place)
    return gemeenten


def _member(case: Case, role: str, index: int = 0) -> Any:
    members = list(
        users_for_role(
            role=role, gemeente_id=case.gemeente_id, mb_id=case.mb_organisation_id
        )
    )
    return members[index % len(members)]


# Where the demo cases stop, and how long ago their koppeling was (days): every phase
# gets cases, and the brede-intake cases older than ten weeks have missed their PIP
# deadline.
TARGETS: tuple[tuple[str, int], ...] = (
    ("aanmelding", 3),
    ("voortraject", 20),
    ("intake_mb", 45),
    ("brede_intake_pip", 60),
    ("brede_intake_pip", 95),
    ("uitvoering", 200),
    ("vervolgtraject", 380),
    ("afgerond", 430),
)


def _drive(
    case: Case, target: str, clock: ManualClock, stop_at: datetime, index: int
) -> None:
    """Complete tasks, two days apart, until the case reaches ``target`` (or
    ``stop_at``)."""
    registry = bundle_of(case.version).forms
    routing = _routing(index)
    for _ in range(80):
        case.refresh_from_db()
        if case.phase == target or case.is_closed:
            return
        item = (
            TaskItem.objects.filter(case=case, state=TaskItem.State.OPEN)
            .order_by("ready_at", "id")
            .first()
        )
        if item is None:
            if case.next_timer_at is None or case.next_timer_at >= stop_at:
                return
            clock.set(case.next_timer_at + timedelta(minutes=1))
            timers_run(clock=clock)
            continue
        clock.advance(timedelta(days=2))
        if clock.now() >= stop_at:
            return
        user = item.assignee or _member(case, item.role, index)
        answers = sample_answers(
            registry.get(item.form_key),
            today=clock.now().date(),
            user_for_role=lambda role: _member(case, role, index).username,
            overrides=routing.get(item.form_key, {}),
        )
        task_complete(
            task_id=item.task_id, user=user, cleaned_data=answers, clock=clock
        )


def demo_own_files(slug: str) -> dict[str, str]:
    """A demo gemeente's own files, as its beheerder would have made them in the
    studio (kept in workflows/gemeenten/<slug>/ to seed the demo)."""
    folder = settings.WORKFLOWS_DIR / "gemeenten" / slug
    return read_paths([str(folder)]) if folder.is_dir() else {}


def deploy_demo_versions(gemeenten: "Iterable[Gemeente]") -> None:
    """Register the base and give every demo gemeente its first version."""
    base_register()
    for gemeente in gemeenten:
        version_deploy(
            gemeente=gemeente,
            own_files=demo_own_files(gemeente.slug),
            note="Eerste versie (demo)",
        )


def load_demo(*, cases: int = 40, today: date | None = None) -> int:
    """Create the demo world once; returns the number of cases created (0 if it
    existed)."""
    if Case.objects.exists():
        return 0
    today = today or date.today()
    with transaction.atomic():
        gemeenten = _users()
        deploy_demo_versions(gemeenten.values())
    stop_at = datetime.combine(today, time(6), UTC)
    created = 0
    for index in range(cases):
        gemeente = gemeenten["polderdam" if index % 5 < 3 else "rivierstad"]
        target, age_days = TARGETS[index % len(TARGETS)]
        age_days += index % 5
        koppeling = today - timedelta(days=age_days)
        clock = ManualClock(datetime.combine(koppeling, time(9), UTC))
        answers = sample_answers(
            bundle_of(active_version(gemeente)).forms.get(START_FORM),
            today=koppeling,
            user_for_role=lambda role: "",
            overrides={
                "voornaam": _FIRST[index % len(_FIRST)],
                "achternaam": f"{_LAST[index % len(_LAST)]} {index + 1}",
                "koppeling_datum": koppeling,
                "geboortedatum": date(
                    1970 + index % 35, 1 + index % 12, 1 + index % 27
                ),
                "soort_aanmelding": "gezinshereniging" if index % 6 == 0 else "asiel",
                "bsn": _bsn(index + 1),
            },
        )
        orgs = list(gemeente.mb_organisations.order_by("slug"))
        mb = orgs[1 if index % 4 == 3 and len(orgs) > 1 else 0]
        coordinator = users_for_role(
            role=Role.COORDINATOR, gemeente_id=gemeente.pk, mb_id=mb.pk
        )[0]
        case = case_start(
            gemeente=gemeente,
            mb_organisation=mb,
            cleaned_data=answers,
            user=coordinator,
            clock=clock,
        )
        _drive(case, target, clock, stop_at, index)
        created += 1
    timers_run(clock=ManualClock(stop_at))
    return created
