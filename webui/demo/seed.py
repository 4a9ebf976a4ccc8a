"""Synthetic demo data: two fictional gemeenten, a user per role, ~40 cases in every
phase.

Every name here is invented; the BSNs are made up to pass the elfproef and belong to
nobody.
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from engine import ManualClock
from forms.registry import FieldDefinition, FormDefinition
from webui.accounts.models import (
    Gemeente,
    MbOrganisation,
    Membership,
    Role,
    UserProfile,
)
from webui.accounts.selectors import users_for_role
from webui.cases.models import Case
from webui.casework.services import (
    CONTACT_FORM,
    case_date_correct,
    case_migrate,
    case_reopen,
    case_start,
    contactmoment_record,
    referral_record,
    sleuteloverdracht_date,
    task_complete,
    timers_run,
)
from webui.definitions.bundles import START_FORM, bundle_of
from webui.definitions.files import read_paths
from webui.definitions.services import (
    active_version,
    base_register,
    latest_base,
    version_deploy,
)
from webui.tasks.models import TaskItem

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
    DemoUser(
        "teamleider",
        "Tess",
        "Teamleider",
        (("polderdam", Role.TEAMLEIDER), ("rivierstad", Role.TEAMLEIDER)),
    ),
    DemoUser("privacy", "Pim", "Privacy", (("polderdam", Role.PRIVACY),)),
    DemoUser(
        "beheerder",
        "Bo",
        "Beheer",
        (("polderdam", Role.BEHEERDER), ("rivierstad", Role.BEHEERDER)),
    ),
)
# The functioneel beheerder manages users on the Gebruikers page, not in Django's
# admin: the admin is for superusers made with `manage.py createsuperuser`, and no
# demo account is one.

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
# The statushouders' languages and (fictional) postcode areas, for matching.
_TALEN = ["Arabisch", "Tigrinya", "Dari", "Arabisch", "Somalisch", "Turks"]
_POSTCODES = ["9991 AB", "9992 CD", "9993 EF", "9994 GH"]
# What the demo begeleiders say about themselves on "Mijn instellingen" (invented).
PROFILES: dict[str, dict[str, Any]] = {
    "begeleider": {
        "languages": ["Arabisch", "Engels"],
        "areas": ["9991", "9992"],
        "hours_per_week": 6,
        "days": ["ma", "wo"],
        "max_statushouders": 8,
    },
    "begeleider2": {
        "languages": ["Tigrinya", "Engels"],
        "areas": ["9993"],
        "hours_per_week": 4,
        "days": ["di", "za"],
        "max_statushouders": 4,
    },
    "rivierstad.begeleider": {
        "languages": ["Dari", "Farsi", "Engels"],
        "areas": ["999"],
        "hours_per_week": 8,
        "days": ["do", "vr"],
        "max_statushouders": 10,
    },
}


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


# What a case answers on the happy path, per task (bpmn id): the trajectory's
# defaults would loop (no-shows at the brede intake, "doorgaan" with the begeleiding)
# or skip (no ontzorgen). The demo varies some of these per case; tests override them.
HAPPY_ANSWERS: dict[str, dict[str, Any]] = {
    "voorbereiding_inburgering": {"juridische_hulp_nodig": False},
    "intake_gesprek": {
        "begeleidingsvorm": "individueel",
        "toestemming_delen_gemeente": ["gezondheid"],
        "piezo_fase": "0",
        "verblijfsintentie": "blijven",
    },
    "pip_toelichten": {"bezwaar_gewenst": False},
    "begeleiding_evalueren": {
        "begeleiding_vervolg": "eindgesprek",
        "volgende_evaluatie_datum": None,
        "aanbod_voldoet": "ja",
    },
    "bezwaar_ontvangen": {"bezwaar_ingediend": False},
    "eindgesprek": {"uitkomst": "afronden"},
    "overdracht_regelen": {"overdracht_toestemming": True},
    "brede_intake_uitnodigen": {"brede_intake_verschenen": True},
    "pip_opstellen": {"inburgeringsplicht_besluit": "plichtig", "leerroute": "b1"},
    "ontzorgen_starten": {"ontzorgen_van_toepassing": True},
    "ontzorgen_evalueren": {"ontzorgen_verlenging_maanden": 0},
    "voortgangsgesprek": {"pip_aanpassen": False, "traject_afronden": True},
    "taal_resultaat": {"taal_uitslag": "behaald"},
    "taalschakeltraject_resultaat": {"taalschakeltraject_uitslag": "afgerond"},
    "z_route_voortgang": {"z_route_uitslag": "afgerond"},
    "knm_resultaat": {"knm_uitslag": "behaald"},
    "map_resultaat": {"map_uitslag": "afgerond"},
    "inburgeringstermijn_bewaken": {"termijn_verlengen": False},
    "pvt_workshop": {"aanwezig": True},
    "pvt_inhaalworkshop": {"inhaal_aanwezig": True},
    "pvt_uitzondering": {"pvt_besluit": "ondertekenen"},
    "pvt_ondertekening": {"verklaring_ondertekend": True},
}


# Answers that steer the demo cases down different paths (per bpmn id).
def _routing(index: int) -> dict[str, dict[str, Any]]:
    consent = (["gezondheid", "schulden"], [], ["schulden"], ["gezondheid"])
    return {
        "voorbereiding_inburgering": {"juridische_hulp_nodig": index % 4 == 0},
        "intake_gesprek": {
            "begeleidingsvorm": ("individueel", "individueel", "spreekuur", "groep")[
                index % 4
            ],
            "toestemming_delen_gemeente": consent[index % 4],
            "piezo_fase": str(index % 3),
            "verblijfsintentie": ("blijven", "weet_niet")[index % 7 == 0],
        },
        "brede_intake_uitnodigen": {"brede_intake_verschenen": index % 9 != 4},
        "pip_opstellen": {
            "leerroute": ("b1", "onderwijs", "z")[index % 3],
            "inburgeringsplicht_besluit": "ontheffing"
            if index % 11 == 7
            else "plichtig",
        },
        "pip_toelichten": {"bezwaar_gewenst": index % 7 == 0},
        "bezwaar_ontvangen": {"bezwaar_ingediend": index % 7 == 0},
        "begeleiding_evalueren": {"aanbod_voldoet": ("ja", "ja", "niet")[index % 3]},
        "bezwaar_behandelen": {
            "bezwaar_uitkomst": "gegrond" if index % 2 else "ongegrond"
        },
        "pvt_workshop": {"aanwezig": index % 6 != 1},
        "pvt_ondertekening": {"verklaring_ondertekend": index % 9 != 2},
        "ontzorgen_starten": {"ontzorgen_van_toepassing": index % 5 != 3},
        "eindgesprek": {
            "uitkomst": ("afronden", "overdragen", "voortzetten")[index % 3]
        },
        "overdracht_regelen": {"overdracht_toestemming": index % 2 == 0},
    }


# Answers per task (bpmn id) for one case: one set, or one per visit (the last goes
# on for later visits).
PathAnswers = Mapping[str, Mapping[str, Any] | Sequence[Mapping[str, Any]]]


def _visit_answers(case: Case, bpmn_id: str, path: PathAnswers) -> dict[str, Any]:
    given = path.get(bpmn_id, {})
    if isinstance(given, Mapping):
        return dict(given)
    visit = case.submissions.filter(bpmn_id=bpmn_id).count()
    return dict(given[min(visit, len(given) - 1)])


def _answers_for(
    case: Case,
    item: TaskItem,
    index: int,
    today: date,
    path: PathAnswers | None = None,
) -> dict[str, Any]:
    overrides = {**HAPPY_ANSWERS.get(item.bpmn_id, {})}
    overrides.update(_routing(index).get(item.bpmn_id, {}))
    overrides.update(_visit_answers(case, item.bpmn_id, path or {}))
    if (
        item.bpmn_id == "eindgesprek"
        and case.submissions.filter(bpmn_id="eindgesprek").exists()
    ):
        overrides["uitkomst"] = "afronden"  # after voortzetten, the next time it ends
    if item.form_key == "voortzetting":
        overrides["voortzetting_tot"] = today + timedelta(days=120)
    return sample_answers(
        bundle_of(case.version).forms.get(item.form_key),
        today=today,
        user_for_role=lambda role: _member(case, role, index).username,
        overrides=overrides,
    )


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
    for spec in USERS:
        user, _ = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": f"{spec.username}@example.invalid",
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        for slug, role in spec.roles:
            place = (
                {"gemeente": gemeenten[slug]}
                if slug in gemeenten
                else {"mb_organisation": organisations[slug]}
            )
            Membership.objects.get_or_create(user=user, role=role, **place)
        if spec.username in PROFILES:
            UserProfile.objects.get_or_create(
                user=user, defaults=PROFILES[spec.username]
            )
    return gemeenten


def _member(case: Case, role: str, index: int = 0) -> Any:
    members = list(
        users_for_role(
            role=role, gemeente_id=case.gemeente_id, mb_id=case.mb_organisation_id
        )
    )
    return members[index % len(members)]


# Where the demo cases stop (the task that is open then; None: run to the end) and
# how long ago they came to live in the gemeente (days): every phase and track gets
# cases, and some have missed their PIP deadline.
TARGETS: tuple[tuple[str | None, int], ...] = (
    ("huisvesting_inschrijvingen", 3),
    ("intake_gesprek", 20),
    ("begeleider_koppelen", 30),
    ("brede_intake", 45),
    ("pip_vaststellen", 60),
    ("pip_vaststellen", 95),
    ("pvt_workshop", 200),
    ("eindgesprek", 380),
    (None, 430),
    ("bezwaar_ontvangen", 50),
)
V1_SHARE = 3  # every third case started on v1, every third on v2


def _drive(
    case: Case,
    target: str | None,
    clock: ManualClock,
    stop_at: datetime,
    index: int,
    path: PathAnswers | None = None,
) -> Case:
    """Work the case's tasks, oldest first and two days apart, until ``target`` is
    open (or the case ends, or ``stop_at``); timers fire on the way."""
    for _ in range(200):
        case.refresh_from_db()
        items = list(
            TaskItem.objects.filter(case=case, state=TaskItem.State.OPEN).order_by(
                "ready_at", "id"
            )
        )
        if case.is_closed or (target and any(i.bpmn_id == target for i in items)):
            return case
        if not items:
            if case.next_timer_at is None or case.next_timer_at >= stop_at:
                return case
            clock.set(case.next_timer_at + timedelta(minutes=1))
            timers_run(clock=clock)
            continue
        clock.advance(timedelta(days=2))
        if clock.now() >= stop_at:
            return case
        item = items[0]
        user = item.assignee or _member(case, item.role, index)
        case = task_complete(
            task_id=item.task_id,
            user=user,
            cleaned_data=_answers_for(case, item, index, clock.now().date(), path),
            clock=clock,
        )
    return case


def archived_base_v1() -> dict[str, str]:
    """The first base trajectory, kept in workflows/archief/basis-v1: the demo's
    older cases started on it."""
    folder = settings.WORKFLOWS_DIR / "archief" / "basis-v1"
    return read_paths([str(folder)])


def archived_base_v2() -> dict[str, str]:
    """The second base trajectory (two tracks), kept in workflows/archief/basis-v2
    with its forms: the demo's middle cases started on it."""
    folder = settings.WORKFLOWS_DIR / "archief" / "basis-v2"
    return read_paths([str(folder)])


def demo_own_files(slug: str, *, archived: bool = False) -> dict[str, str]:
    """A demo gemeente's own files, as its beheerder would have made them in the
    studio (kept in workflows/gemeenten/<slug>/ to seed the demo; the ones made on
    the first base in workflows/archief/<slug>-v1/)."""
    folder = (
        settings.WORKFLOWS_DIR / "archief" / f"{slug}-v1"
        if archived
        else settings.WORKFLOWS_DIR / "gemeenten" / slug
    )
    return read_paths([str(folder)]) if folder.is_dir() else {}


def deploy_demo_versions(gemeenten: "Iterable[Gemeente]") -> None:
    """Register the base and give every demo gemeente its first version."""
    base_register()
    for gemeente in gemeenten:
        version_deploy(
            gemeente=gemeente,
            own_files=demo_own_files(gemeente.slug),
            note="Eerste versie (demo)",
            drive=False,  # the repository's own sets: the test suite drives them
        )


def _register(
    gemeente: Gemeente, index: int, koppeling: date, clock: ManualClock
) -> Case:
    answers = sample_answers(
        bundle_of(active_version(gemeente)).forms.get(START_FORM),
        today=koppeling,
        user_for_role=lambda role: "",
        overrides={
            "voornaam": _FIRST[index % len(_FIRST)],
            "achternaam": f"{_LAST[index % len(_LAST)]} {index + 1}",
            "koppeling_datum": koppeling - timedelta(days=10),
            "datum_binnenkomst": koppeling,
            "geboortedatum": date(1970 + index % 35, 1 + index % 12, 1 + index % 27),
            "soort_aanmelding": "gezinshereniging" if index % 6 == 0 else "asiel",
            "bsn": _bsn(index + 1),
            "taal": _TALEN[index % len(_TALEN)],
            "postcode": _POSTCODES[index % len(_POSTCODES)],
        },
    )
    orgs = list(gemeente.mb_organisations.order_by("slug"))
    mb = orgs[1 if index % 4 == 3 and len(orgs) > 1 else 0]
    coordinator = users_for_role(
        role=Role.COORDINATOR, gemeente_id=gemeente.pk, mb_id=mb.pk
    )[0]
    return case_start(
        gemeente=gemeente,
        mb_organisation=mb,
        cleaned_data=answers,
        user=coordinator,
        clock=clock,
    )


def _contacts(case: Case, index: int, clock: ManualClock) -> None:
    """A few contact moments (and a referral) on the cases that have a begeleider."""
    if case.begeleider is None or case.is_closed:
        return
    definition = bundle_of(case.version).forms.get(CONTACT_FORM)
    for n in range(1 + index % 3):
        contactmoment_record(
            case=case,
            user=case.begeleider,
            cleaned_data=sample_answers(
                definition,
                today=clock.now().date(),
                user_for_role=lambda role: "",
                overrides={
                    "contact_soort": ("huisbezoek", "spreekuur", "telefonisch")[n % 3],
                    "contact_leefgebieden": [("wonen", "financien", "zorg")[n % 3]],
                    "contact_verslag": "Fictief contactmoment voor de demo.",
                    "contact_signaal_schulden": "Fictieve aanmaning" if n == 1 else "",
                    "contact_doorverwezen": False,
                    "contact_duur_minuten": 30 + 15 * n,
                    "piezo_fase": str(min(4, index % 3 + n)),
                },
            ),
            clock=clock,
        )
    if index % 4 == 1:
        referral_record(
            case=case,
            user=case.begeleider,
            organisation="Schuldhulp (fictief)",
            leefgebied="financien",
            reason="Fictieve betalingsachterstand voor de demo.",
            consent=True,
            follow_up_on=clock.now().date() + timedelta(days=5 + index % 10),
            clock=clock,
        )


def _deploy_all(gemeenten: "Iterable[Gemeente]", *, archived: bool, note: str) -> None:
    for gemeente in gemeenten:
        version_deploy(
            gemeente=gemeente,
            own_files=demo_own_files(gemeente.slug, archived=archived),
            note=note,
            drive=False,  # the repository's own sets: the test suite drives them
        )


def _run_case(
    gemeente: Gemeente,
    index: int,
    target: str | None,
    age: int,
    today: date,
    stop_at: datetime,
) -> Case:
    koppeling = today - timedelta(days=age)
    clock = ManualClock(datetime.combine(koppeling, time(9), UTC))
    case = _register(gemeente, index, koppeling, clock)
    case = _drive(case, target, clock, stop_at, index)
    _contacts(case, index, clock)
    return case


@dataclass(frozen=True)
class DemoPath:
    """A synthetic case on one of the trajectory's newer paths (issue 18): where it
    stops, how long ago it started (days) and the answers that take it there."""

    name: str
    target: str
    age: int
    answers: PathAnswers


# The paths the spread does not reach by itself, each on one case of the base.
NEW_PATHS: tuple[DemoPath, ...] = (
    # the date of binnenkomst was a guess: corrected after the key handover
    # (_correct_binnenkomst)
    DemoPath("binnenkomst_gecorrigeerd", "intake_gesprek", 24, {}),
    # the inburgering ended while the begeleider had chosen to go on: the
    # begeleiding goes to the eindgesprek by itself
    DemoPath(
        "eindgesprek_na_inburgering",
        "eindgesprek",
        300,
        {
            "begeleiding_evalueren": {
                "begeleiding_vervolg": "doorgaan",
                "volgende_evaluatie_datum": date(2099, 1, 1),
            },
            "pvt_ondertekening": {"verklaring_ondertekend": True},
            "pvt_workshop": {"aanwezig": True},
            "pip_opstellen": {"inburgeringsplicht_besluit": "plichtig"},
        },
    ),
    # kinderopvang found needed at the brede intake, for the regievoerder to arrange
    DemoPath(
        "kinderopvang",
        "kinderopvang_regelen",
        90,
        {
            "brede_intake_uitnodigen": {"brede_intake_verschenen": True},
            "brede_intake": {"kinderopvang_nodig": True},
            "pip_opstellen": {"inburgeringsplicht_besluit": "plichtig"},
        },
    ),
    # twice not at the brede intake: a boete, and a bezwaar against it for the
    # teamleider while the brede intake goes on
    DemoPath(
        "bezwaar_boete",
        "bezwaar_behandelen",
        40,
        {
            "brede_intake_uitnodigen": [
                {"brede_intake_verschenen": False},
                {"brede_intake_verschenen": False},
                {"brede_intake_verschenen": True},
            ],
            "bezwaar_ontvangen": {"bezwaar_ingediend": True},
        },
    ),
)


def _new_paths(
    gemeente: Gemeente, first_index: int, today: date, stop_at: datetime
) -> list[Case]:
    """One synthetic case per path of NEW_PATHS, on the gemeente's current version.
    Only in a demo with the whole spread (a one-case demo stays quick)."""
    made: list[Case] = []
    for offset, path in enumerate(NEW_PATHS):
        index = first_index + offset
        koppeling = today - timedelta(days=path.age)
        clock = ManualClock(datetime.combine(koppeling, time(9), UTC))
        case = _register(gemeente, index, koppeling, clock)
        case = _drive(case, path.target, clock, stop_at, index, path.answers)
        if path.name == "binnenkomst_gecorrigeerd":
            clock.advance(timedelta(days=1))
            case = _correct_binnenkomst(case, index, clock)
        _contacts(case, index, clock)
        made.append(case)
    return made


def _correct_binnenkomst(case: Case, index: int, clock: ManualClock) -> Case:
    """The regievoerder corrects the guessed binnenkomst to the key handover the MB
    recorded, through the same service as the case page."""
    handover = sleuteloverdracht_date(case)
    assert handover is not None, "the demo case recorded the sleuteloverdracht"
    return case_date_correct(
        case=case,
        user=_member(case, Role.REGIEVOERDER, index),
        field="datum_binnenkomst",
        value=handover,
        reason="Bij de aanmelding geschat; de sleuteloverdracht was later (demo).",
        clock=clock,
    ).case


def load_demo(*, cases: int = 40, today: date | None = None) -> int:
    """Create the demo world once; returns the number of cases created (0 if it
    existed). On a fresh database the demo tells the story from the first base
    trajectory (v1): every third case started on it; then the second base (v2)
    came, the gemeenten deployed it, the v1 cases that could move were migrated and
    the others finish on v1; every third case started on v2; then the repository's
    base (v3) came and the same happened to the cases on v2. Where a base is
    registered already, it starts on that."""
    if Case.objects.exists():
        return 0
    today = today or date.today()
    stop_at = datetime.combine(today, time(6), UTC)
    with_history = latest_base() is None
    with transaction.atomic():
        gemeenten = _users()
        if with_history:
            base_register(files=archived_base_v1())
            _deploy_all(
                gemeenten.values(), archived=True, note="Eerste versie (demo, basis v1)"
            )
    plan = [
        (
            index,
            gemeenten["polderdam" if index % 5 < 3 else "rivierstad"],
            *TARGETS[index % len(TARGETS)],
        )
        for index in range(cases)
    ]
    early = [p for p in plan if with_history and p[0] % V1_SHARE == 1]
    middle = [p for p in plan if with_history and p[0] % V1_SHARE == 2]
    now = ManualClock(stop_at)
    older = [
        _run_case(g, i, target, age + i % 5, today, stop_at)
        for i, g, target, age in early
    ]
    if with_history:
        base_register(files=archived_base_v2())
        _deploy_all(
            gemeenten.values(),
            archived=False,
            note="Op de tweede basis: twee sporen naast elkaar (demo, basis v2)",
        )
        _migrate_open(older, now)
        older += [
            _run_case(g, i, target, age + i % 5, today, stop_at)
            for i, g, target, age in middle
        ]
    base_register()
    _deploy_all(
        gemeenten.values(),
        archived=False,
        note="Op de nieuwe basis: uitkomsten, termijnen en bezwaar (demo)",
    )
    _migrate_open(older, now)
    for i, g, target, age in plan:
        if (i, g, target, age) not in early + middle:
            _run_case(g, i, target, age + i % 5, today, stop_at)
    # indexes past the spread and the PVT group's (a BSN is made from the index)
    new_paths = (
        _new_paths(gemeenten["polderdam"], cases + 100, today, stop_at)
        if cases >= len(TARGETS)
        else []
    )
    group = _pvt_group(gemeenten["polderdam"], cases, today, stop_at)
    timers_run(clock=now)
    _reopen_one(now)
    return cases + len(new_paths) + len(group)


def _migrate_open(cases: list[Case], clock: ManualClock) -> None:
    """Move the cases that can move to their gemeente's new version; the others
    finish on theirs."""
    for case in cases:
        case.refresh_from_db()
        if case.is_closed:
            continue
        target = active_version(case.gemeente)
        case_migrate(case_id=case.pk, target=target, user=None, clock=clock)


PVT_GROUP = 5


def _pvt_group(
    gemeente: Gemeente, cases: int, today: date, stop_at: datetime
) -> list[Case]:
    """A group waiting on the same PVT workshop at one MB organisation, for the
    trainer's group sessions (webui/pvt): the spread leaves one or two per workshop.
    Only in a full demo; a small one (the tests') is the spread alone."""
    if cases < 2 * len(TARGETS):
        return []
    # The same index % 4 (the same MB organisation), on the way to the workshops
    # (_routing: the brede intake attended, no ontheffing).
    indexes = [
        i for i in range(cases, cases + 60) if i % 4 == 0 and i % 9 != 4 and i % 11 != 7
    ]
    return [
        _run_case(gemeente, index, "pvt_workshop", 200, today, stop_at)
        for index in indexes[:PVT_GROUP]
    ]


def _reopen_one(clock: ManualClock) -> None:
    """One statushouder came back: a closed case is reopened."""
    closed = Case.objects.filter(is_closed=True, version__base__number__gte=2).first()
    if closed is None:
        return
    coordinator = users_for_role(
        role=Role.COORDINATOR,
        gemeente_id=closed.gemeente_id,
        mb_id=closed.mb_organisation_id,
    )[0]
    case_reopen(
        case=closed,
        user=coordinator,
        reason="De statushouder is teruggekomen met een nieuwe hulpvraag (demo).",
        clock=clock,
    )
