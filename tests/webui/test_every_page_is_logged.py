"""Every page and file that shows a statushouder's data writes a processing-log record
naming each dossier it shows (issue 15, item 9). The walk enumerates the project's URL
resolver, so a new page is caught: it must be visited below, or be named in
NO_PERSONAL_DATA with the reason it shows nobody's data."""

from datetime import time, timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.http import urlencode

import pytest

from webui.aanmeldingen.models import BulkAanmelding
from webui.accounts.models import Role
from webui.cases.models import MigrationRun
from webui.casework.services import referral_record
from webui.definitions.services import active_version
from webui.logs.models import ProcessingRecord
from webui.pvt.services import session_plan
from webui.reports.filters import ReportFilter
from webui.reports.services import export_run_execute
from webui.reports.tasks import export_run_start
from webui.tasks.models import TaskItem

from ..conftest import PASSWORD, World

# URL names (or, for a pattern without a name, "<unnamed> namespace:route") that show
# no statushouder's data, each with the reason.
NO_PERSONAL_DATA = {
    # Signing in and out.
    "login": "the login form",
    "logout": "signs out, redirects",
    "admin:login": "the admin's login form",
    "admin:logout": "signs out",
    "admin:password_change": "the user's own password",
    "admin:password_change_done": "a confirmation",
    "admin:jsi18n": "the admin's translations (JavaScript)",
    "admin:index": "the list of admin sections",
    "admin:app_list": "the models of one app",
    "admin:autocomplete": "no model of a case has autocomplete fields",
    "admin:view_on_site": "redirects to the object's own page (logged there)",
    "<unnamed> admin:(?P<url>.*)$": "the admin's catch-all: a redirect or a 404",
    "<unnamed> admin:<path:object_id>/": "an old admin address: redirects to change",
    # Actions that only redirect or answer 204/JSON without anyone's data; what they
    # change is logged as a change where it touches a case.
    "tasks:claim": "POST, redirects to the task page (logged there)",
    "tasks:release": "POST, redirects to the queue",
    "tasks:save_draft": "POST, stores the user's own typing, answers 204",
    "tasks:discard_draft": "POST, redirects to the task page",
    "cases:new": "the empty registration form; a registration is logged as a change",
    "<unnamed> cases:export.xlsx": "an old address: redirects to the overview",
    "pvt:home": "workshops with counts of waiting statushouders, sessions by date",
    "pvt:cancel": "POST, redirects to the trainer's start page",
    "reports:run": "a background export's progress and filters, no rows",
    "reports:run_status": "the same progress as JSON",
    "coordination:begeleiders": "the begeleiders (staff) with counts, no statushouder",
    # The API (webui/api): no session, a client's bearer token. Every read of a
    # dossier is walked in tests/webui/api/test_api.py
    # (test_every_read_writes_a_processing_record_naming_the_client).
    "api:dossiers": "an API read, walked with a client's token in tests/webui/api",
    "api:dossier": "an API read, walked with a client's token in tests/webui/api",
    "api:mijlpalen": "an API read, walked with a client's token in tests/webui/api",
    "api:gebeurtenissen": "an API read, walked with a token in tests/webui/api",
    "api:aanmeldingen": "POST, a registration is logged as a change (tests/webui/api)",
    "api:token": "issues a token to a client, nobody's data",
    "api:abonnementen": "a client's subscriptions: addresses and event types",
    "api:abonnement": "ends a subscription, answers 204",
    "api:schema": "the OpenAPI document",
    "api:schema-yaml": "the OpenAPI document",
    "api:docs": "the API's reference page",
    "api:unknown": "any other address under /api/v1/: a 404 problem, reads nothing",
    "api_root": "/api/v1 without its slash: the same 404 problem",
    # A beheerder's API clients: systems, scopes, deliveries by event id (no case).
    "koppelingen:list": "the organisation's API clients",
    "koppelingen:new": "registers an API client (a system), logged as user management",
    "koppelingen:detail": "a client, its subscriptions, deliveries by event id",
    "koppelingen:revoke": "POST, redirects to the client's page",
    # Staff data and settings, not a statushouder's.
    "accounts:profile": "the user's own settings",
    "users:continuity": "POST, an organisation's setting; redirects to the users page",
    "studio:list": "the processes (diagrams) in use",
    "studio:home": "a gemeente's draft diagrams and forms",
    "studio:check": "the findings of a draft",
    "studio:diff": "differences between versions of diagrams",
    "studio:base_change": "a change of the base diagrams",
    "studio:deploy": "deploys a version",
    "studio:rebase": "rebases a draft",
    "studio:remove": "removes a file from a draft",
    "studio:upload": "uploads diagrams",
    "studio:new_diagram": "a new diagram",
    "studio:new_form": "a new form",
    "studio:new_table": "a new decision table",
    "studio:download": "the draft's files",
    "studio:version_download": "a version's files",
    "studio:settings": "the gemeente's settings",
    "studio:modeler": "the diagram editor",
    "studio:form_editor": "the form editor",
    "studio:dmn_editor": "the decision table (DMN) editor",
    "studio:form_preview": "an empty form",
    "studio:activate": "a confirm page with counts only, then activates a version",
    "studio:migration_revert": "POST, redirects to the migration pages (logged)",
    "studio:proefrit": "a test drive of the draft with synthetic cases",
    "studio:proefrit_start": "POST, starts a test drive with synthetic cases",
    "studio:scenarios": "a draft's scenarios: synthetic cases with fixed answers",
    "studio:version_scenarios": "a version's scenarios: synthetic cases",
    "studio:scenarios_run": "POST, replays the draft's scenarios, redirects",
    "studio:scenario_save": "POST, keeps a synthetic case as a scenario",
    "studio:scenario_upload": "POST, adds a scenario written as JSON",
    "studio:scenario_download": "a scenario as JSON: synthetic answers",
    "studio:scenario_delete": "a confirm page, then removes a scenario",
    # Gebruikers: staff accounts of the beheerder's own organisation; every change
    # is a processing-log record of its own (gebruikersbeheer).
    "users:list": "the staff of the beheerder's organisation",
    "users:detail": "one staff member's roles",
    "users:invite": "the invitation form",
    "users:active": "POST, (de)activates a staff account (logged)",
    "users:password_link": "POST, mails a staff member their reset link (logged)",
    "users:password_set": "the invitee's own password form",
    "users:password_done": "a confirmation",
    # Sign-in with the organisation's own account: the way to its identity provider
    # and back (a sign-in is logged as such), and the beheerder's settings for it.
    "signin:start": "redirects to the organisation's identity provider",
    "signin:callback": "signs in (logged as a sign-in), redirects",
    "signin:provider": "an organisation's identity provider settings",
    # Mijn Wegwijs: the statushouder's own pages are opened with a portal session,
    # not a staff login; tests/webui/test_portal.py walks every one of them and
    # shows each writes its self-access record. The rest sign in or out, or post.
    "portal:start": "the sign-in form (the short code of the printed sheet)",
    "portal:code": "the one-time code form",
    "portal:invitation": "the invitation link: a language choice, then a code",
    "portal:language": "POST, the portal's language, redirects",
    "portal:sign_out": "POST, ends the portal session",
    "portal:home": "the statushouder's own plan (self-access, test_portal.py)",
    "portal:consents": "the statushouder's own consents (self-access, test_portal.py)",
    "portal:inzage": "the statushouder's own inzage (self-access, test_portal.py)",
    "portal:inzage_download": "the same as a file (self-access, test_portal.py)",
    "portal:contact": "POST, the statushouder asks for contact (a logged change)",
    "portal:revoke": "POST, revokes an invitation (a logged change), redirects",
    "portal:request_done": "POST, a request handled (a logged change), redirects",
    "aanmeldingen:upload": "the upload form, the column table, the files' names",
    "aanmeldingen:confirm": "POST, redirects; each registration is logged as a change",
    "aanmeldingen:cancel": "POST, drops an unregistered file; redirects",
    "zaken:home": "the beheerder's gemeenten and whether each keeps a zaaksysteem",
    "zaken:configure": "a zaaksysteem's settings and counts; dossiers by kenmerk only",
}
# Admin sections of staff data, settings or machinery: every view of each of them.
_ADMIN_VIEWS = ("add", "change", "changelist", "delete", "history")
for _model, _why in {
    "accounts_gemeente": "gemeenten",
    "accounts_mborganisation": "MB organisations",
    "accounts_membership": "who holds which role (staff)",
    "accounts_userprofile": "a begeleider's own profile (staff)",
    "auth_group": "groups",
    "auth_user": "user accounts (staff)",
    "axes_accessattempt": "login attempts (staff accounts, IP addresses)",
    "axes_accessfailurelog": "failed logins (staff accounts, IP addresses)",
    "axes_accesslog": "logins (staff accounts)",
    "definitions_definitionversion": "deployed versions of diagrams and forms",
    "definitions_draft": "draft diagrams and forms",
    "django_tasks_database_dbtaskresult": "background jobs: their ids and status",
    "reminders_digestsent": "which user got a daily e-mail with how many tasks",
    # zgw-consumers and its certificates: the connections to a gemeente's ZGW APIs.
    "zaken_zaaksysteem": "a gemeente's zaaksysteem settings",
    "zgw_consumers_service": "API connections (root, client id, secret)",
    "zgw_consumers_nlxconfig": "the NLX settings of zgw-consumers",
    "simple_certmanager_certificate": "TLS certificates for API connections",
    "simple_certmanager_signingrequest": "certificate signing requests",
    # The log itself, for superusers only: who looked, and a kenmerk.
    "logs_processingrecord": "the processing log (superusers only)",
    "otp_totp_totpdevice": "staff members' authenticator apps (superusers only)",
}.items():
    for _view in _ADMIN_VIEWS:
        NO_PERSONAL_DATA[f"admin:{_model}_{_view}"] = _why
NO_PERSONAL_DATA["admin:auth_user_password_change"] = "a user's password"
NO_PERSONAL_DATA["admin:download_csr"] = "a certificate signing request (file)"
NO_PERSONAL_DATA["admin:simple_certmanager_certificate_public_certificate"] = (
    "a certificate's public part"
)
for _view in ("certificate", "certificate_key"):
    NO_PERSONAL_DATA[f"admin:zgw_consumers_nlxconfig_{_view}"] = "NLX's certificate"
NO_PERSONAL_DATA["admin:otp_totp_totpdevice_config"] = "an app's set-up (staff)"
NO_PERSONAL_DATA["admin:otp_totp_totpdevice_qrcode"] = "an app's QR code (staff)"
# Two-factor sign-in: the user's own authenticator app.
NO_PERSONAL_DATA["accounts:second_factor_code"] = "the code after the password"
NO_PERSONAL_DATA["accounts:second_factor_setup"] = "setting up one's own app"
NO_PERSONAL_DATA["accounts:second_factor_off"] = "turning one's own app off"
# A case and its events cannot be added or deleted in the admin (403).
for _model in ("cases_case", "logs_auditevent"):
    for _view in ("add", "delete"):
        NO_PERSONAL_DATA[f"admin:{_model}_{_view}"] = "refused: a 403"


def url_names(patterns=None, namespace: str = "") -> set[str]:
    """Every URL pattern of the project: its full name, or its route if unnamed."""
    names = set()
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            names |= url_names(pattern.url_patterns, inner)
        else:
            assert isinstance(pattern, URLPattern)
            names.add(
                f"{namespace}{pattern.name}"
                if pattern.name
                else f"<unnamed> {namespace}{pattern.pattern}"
            )
    return names


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def visits(world: World, settings, tmp_path) -> dict[str, tuple]:
    """Per URL name that shows personal data: (user, method, url, the dossier it
    shows)."""
    settings.WEGWIJS_EXPORT_DIR = tmp_path / "exports"
    today = timezone.localdate()
    begeleider = world.who(Role.BEGELEIDER, world.polderdam)
    coordinator = world.who(Role.COORDINATOR, world.polderdam)
    get_user_model().objects.filter(pk=coordinator.pk).update(
        is_staff=True, is_superuser=True
    )
    case = world.coupled()
    ref = case.reference
    item = TaskItem.objects.filter(case=case, state="open", assignee=begeleider)[0]
    TaskItem.objects.filter(pk=item.pk).update(due_date=today - timedelta(days=3))
    referral = referral_record(
        case=case,
        user=begeleider,
        organisation="Schuldhulpmaatje",
        leefgebied="financien",
        reason="Aanmaningen",
        consent=True,
        follow_up_on=today,
    )
    waiting = world.run_until(world.start(), "begeleider_koppelen")
    koppelen = TaskItem.objects.get(
        case=waiting, state="open", bpmn_id="begeleider_koppelen"
    )
    at_pvt = world.run_until(world.coupled(), "pvt_workshop", 60)
    trainer = world.who(Role.TRAINER, world.polderdam)
    workshop = TaskItem.objects.get(case=at_pvt, state="open", bpmn_id="pvt_workshop")
    session = session_plan(
        user=trainer,
        organisation=world.mb["polderdam"],
        task_name=workshop.name,
        task_ids=[workshop.task_id],
        on_date=today,
        start_time=time(14, 0),
        place="Buurthuis",
        clock=world.clock,
    )
    manager = world.who(Role.MANAGER, world.polderdam)
    run = export_run_start(user=manager, report_filter=ReportFilter())
    export_run_execute(run_id=run.pk)
    beheerder = world.who(Role.BEHEERDER, world.polderdam)
    version = active_version(world.polderdam)
    migration = MigrationRun.objects.create(
        gemeente=world.polderdam,
        target=version,
        case_ids=[case.pk],
        total=1,
        done=1,
        refused=[{"reference": ref, "reasons": ["staat al op deze versie"]}],
        status=MigrationRun.Status.DONE,
        requested_by=beheerder,
        requested_at=timezone.now(),
    )
    event = case.audit_events.order_by("id").first()
    privacy = world.who(Role.PRIVACY, world.polderdam)
    bulk = BulkAanmelding.objects.create(
        gemeente=world.polderdam,
        mb_organisation=world.mb["polderdam"],
        role=Role.COORDINATOR,
        uploaded_by=coordinator,
        uploaded_at=timezone.now(),
        file_name="coa.csv",
        status=BulkAanmelding.Status.DONE,
        total=1,
        outcomes=[{"row": 2, "reference": "TVS-1", "status": "known", "case": ref}],
    )
    get = "get"
    return {
        "tasks:queue": (begeleider, get, reverse("tasks:queue"), ref),
        "tasks:task": (
            begeleider,
            get,
            reverse("tasks:task", args=[item.task_id]),
            ref,
        ),
        "tasks:hand_over": (
            begeleider,
            get,
            reverse("tasks:hand_over", args=[item.task_id]),
            ref,
        ),
        "cases:list": (begeleider, get, reverse("cases:list"), ref),
        "aanmeldingen:detail": (
            coordinator,
            get,
            reverse("aanmeldingen:detail", args=[bulk.pk]),
            ref,
        ),
        "cases:detail": (begeleider, get, reverse("cases:detail", args=[ref]), ref),
        "portal:invite": (begeleider, get, reverse("portal:invite", args=[ref]), ref),
        "cases:contact": (begeleider, get, reverse("cases:contact", args=[ref]), ref),
        "cases:consent": (begeleider, get, reverse("cases:consent", args=[ref]), ref),
        "cases:consent_request": (
            world.who(Role.REGIEVOERDER, world.polderdam),
            get,
            reverse("cases:consent_request", args=[ref]),
            ref,
        ),
        "cases:referral": (begeleider, get, reverse("cases:referral", args=[ref]), ref),
        "cases:follow_up": (
            begeleider,
            get,
            reverse("cases:follow_up", args=[ref, referral.pk]),
            ref,
        ),
        "cases:report": (begeleider, get, reverse("cases:report", args=[ref]), ref),
        "cases:pip": (begeleider, get, reverse("cases:pip", args=[ref]), ref),
        "cases:reopen": (begeleider, get, reverse("cases:reopen", args=[ref]), ref),
        "cases:date_correct": (
            world.who(Role.REGIEVOERDER, world.polderdam),
            get,
            reverse("cases:date_correct", args=[ref]),
            ref,
        ),
        "coordination:home": (
            coordinator,
            get,
            reverse("coordination:home"),
            waiting.reference,
        ),
        "coordination:match": (
            coordinator,
            get,
            reverse("coordination:match", args=[koppelen.task_id]),
            waiting.reference,
        ),
        "coordination:overdue": (
            coordinator,
            get,
            reverse("coordination:overdue"),
            ref,
        ),
        "coordination:begeleider": (
            coordinator,
            get,
            reverse("coordination:begeleider", args=[begeleider.pk]),
            ref,
        ),
        "pvt:new": (
            trainer,
            get,
            reverse("pvt:new")
            + "?"
            + urlencode({"organisatie": "mb-polderdam", "taak": workshop.name}),
            at_pvt.reference,
        ),
        "pvt:detail": (
            trainer,
            get,
            reverse("pvt:detail", args=[session.pk]),
            at_pvt.reference,
        ),
        "pvt:record": (
            trainer,
            get,
            reverse("pvt:record", args=[session.pk]),
            at_pvt.reference,
        ),
        "reports:overview": (manager, get, reverse("reports:overview"), ref),
        "reports:download": (manager, "post", reverse("reports:download"), ref),
        "reports:run_download": (
            manager,
            get,
            reverse("reports:run_download", args=[run.pk]),
            ref,
        ),
        "studio:diagram": (
            begeleider,
            get,
            reverse("studio:diagram", args=["polderdam", "intake_mb.bpmn"])
            + f"?dossier={ref}",
            ref,
        ),
        "studio:migration": (
            beheerder,
            get,
            reverse("studio:migration", args=["polderdam"])
            + "?"
            + urlencode({"doel": version.number, "dossiers": ref}),
            ref,
        ),
        "studio:migration_run": (
            beheerder,
            get,
            reverse("studio:migration_run", args=["polderdam", migration.pk]),
            ref,
        ),
        "privacy:log": (privacy, get, reverse("privacy:log") + f"?dossier={ref}", ref),
        "privacy:inzage": (privacy, get, reverse("privacy:inzage", args=[ref]), ref),
        "admin:cases_case_changelist": (
            coordinator,
            get,
            reverse("admin:cases_case_changelist"),
            ref,
        ),
        "admin:cases_case_change": (
            coordinator,
            get,
            reverse("admin:cases_case_change", args=[case.pk]),
            ref,
        ),
        "admin:cases_case_history": (
            coordinator,
            get,
            reverse("admin:cases_case_history", args=[case.pk]),
            ref,
        ),
        "admin:logs_auditevent_changelist": (
            coordinator,
            get,
            reverse("admin:logs_auditevent_changelist"),
            ref,
        ),
        "admin:logs_auditevent_change": (
            coordinator,
            get,
            reverse("admin:logs_auditevent_change", args=[event.pk]),
            ref,
        ),
        "admin:logs_auditevent_history": (
            coordinator,
            get,
            reverse("admin:logs_auditevent_history", args=[event.pk]),
            ref,
        ),
    }


def test_every_page_that_shows_a_statushouder_logs_each_dossier_it_shows(
    world: World, visits: dict[str, tuple]
) -> None:
    names = url_names()
    unclassified = names - set(NO_PERSONAL_DATA) - set(visits)
    assert not unclassified, (
        "New pages: visit them in this test, or say in NO_PERSONAL_DATA why they"
        f" show nobody's data: {sorted(unclassified)}"
    )
    assert not set(NO_PERSONAL_DATA) & set(visits)
    assert not (set(NO_PERSONAL_DATA) | set(visits)) - names, "stale names"
    unlogged = []
    for name, (user, method, url, reference) in visits.items():
        client = Client()
        assert client.login(username=user.username, password=PASSWORD)
        before = ProcessingRecord.objects.order_by("-id").values_list("id", flat=True)
        last = before.first() or 0
        response = getattr(client, method)(url)
        assert response.status_code == 200, (name, response.status_code)
        logged = (
            ProcessingRecord.objects.filter(
                pk__gt=last, user_id=user.pk, subjects__case_reference=reference
            )
            .exclude(action=ProcessingRecord.Action.REFUSED)
            .exists()
        )
        if not logged:
            unlogged.append(name)
    assert unlogged == [], "pages that show personal data without a record"


def test_a_refused_export_and_a_failed_login_are_found_by_the_privacy_officer(
    world: World,
) -> None:
    """Found by who tried: the records are about an account of their organisation."""
    regievoerder = _client("regievoerder.polderdam")
    assert regievoerder.post(reverse("reports:download")).status_code == 404
    manager = _client("manager.polderdam")
    manager.post(reverse("reports:download") + "?met_namen=1")
    Client().post(
        reverse("login"), {"username": "regievoerder.polderdam", "password": "fout"}
    )
    officer = _client("privacy.polderdam")
    since = {"van": timezone.localdate().isoformat()}
    found = [
        (r.username, r.action)
        for r in officer.get(reverse("privacy:log"), since).context["page"]
    ]
    assert ("regievoerder.polderdam", "geweigerd") in found
    assert ("manager.polderdam", "geweigerd") in found
    assert ("regievoerder.polderdam", "inloggen_mislukt") in found
    # Another gemeente's officer finds none of it.
    theirs = _client("privacy.rivierstad").get(reverse("privacy:log"), since)
    assert {r.username for r in theirs.context["page"]} <= {"privacy.rivierstad"}


def test_the_queue_logs_the_statushouders_of_its_follow_up_block(world: World) -> None:
    begeleider = world.who(Role.BEGELEIDER, world.polderdam)
    followed = world.coupled(voornaam="Amal", achternaam="Haddad")
    searched = world.coupled(voornaam="Yonas", achternaam="Tesfaye")
    referral_record(
        case=followed,
        user=begeleider,
        organisation="Schuldhulpmaatje",
        leefgebied="financien",
        reason="Aanmaningen",
        consent=True,
        follow_up_on=timezone.localdate(),
    )
    page = _client(begeleider.username).get(
        reverse("tasks:queue"), {"zoek": searched.reference}
    )
    html = page.content.decode()
    assert "Amal" in html and "Yonas" in html, "a row and a follow-up"
    record = ProcessingRecord.objects.get(action="lijst", user_id=begeleider.pk)
    named = set(record.subjects.values_list("case_reference", flat=True))
    assert named == {followed.reference, searched.reference}
    assert "schulden" in record.categories, "the leefgebied of the referral shows"
