"""Anonymisation covers every table: what a user typed about a statushouder — their
name, BSN, phone number, a free-text remark — is nowhere in the database afterwards.

The models come from django.apps, so a new model with text in it fails this test
until it is seeded here or named as holding nothing typed about a statushouder."""

import json
from datetime import time, timedelta
from importlib import import_module
from io import StringIO

from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from webui.accounts.models import Role
from webui.cases.models import Case, CaseMigration, CaseState
from webui.casework.services import (
    case_begeleider_reassign,
    case_reopen,
    consent_record,
    consent_request,
    contactmoment_record,
    referral_follow_up,
    referral_record,
)
from webui.definitions.bundles import bundle_of
from webui.demo.seed import sample_answers
from webui.logs.models import ProcessingRecord
from webui.portal.models import Invitation, PortalRequest, SignInCode
from webui.pvt.models import Participant, Session
from webui.tasks.models import TaskDraft, TaskItem
from webui.taskwork.services import task_hand_over

from ..conftest import PASSWORD, World

FIRST, LAST = "Zarifa", "Qaderiyan"
NAME = f"{FIRST} {LAST}"
BSN = "123456782"
PHONE = "0687654321"
MARKER = "VRIJE-TEKST-7731"
TEXT = f"{NAME} (BSN {BSN}, tel. {PHONE}) heeft PTSS-klachten. {MARKER}"
NEEDLES = (LAST, BSN, PHONE, MARKER)

# Where a user types about a statushouder, and anonymisation takes it out.
SEEDED = {
    "admin.LogEntry",  # the admin's history names the case it changed
    "cases.Case",
    "cases.CaseState",  # 'normaal' typed answers enter the engine
    "cases.Submission",
    "logs.AuditEvent",  # hand-over and reassignment notes, reopen reasons
    "cases.CaseMigration",  # a copy of the engine state
    "cases.Consent",
    "cases.ConsentRequest",  # the receiving side's note when it asks for consent
    "cases.Referral",
    "tasks.TaskDraft",
    "pvt.Session",
    "pvt.Participant",
    "portal.Invitation",  # the statushouder's e-mail address and mobile number
    "portal.PortalRequest",  # a correction request in their own words
}
# Where a user types about a statushouder, but the words are never stored.
NEVER_STORED = {
    "logs.ProcessingRecord",  # subjects by reference; searches without words
    "logs.ProcessedSubject",
}
# Tables with text that no user types about a statushouder, and why.
NOT_ABOUT_A_STATUSHOUDER = {
    "auth.Permission": "Django's permissions",
    "auth.Group": "groups of staff",
    "auth.User": "staff accounts",
    "contenttypes.ContentType": "Django's model names",
    "sessions.Session": "signed login sessions; drafts live in TaskDraft",
    "axes.AccessFailureLog": "failed logins of staff",
    "axes.AccessAttempt": "failed logins of staff",
    "axes.AccessLog": "logins of staff",
    "django_tasks_database.DBTaskResult": "background jobs take ids, not text",
    "accounts.Gemeente": "organisations",
    "accounts.MbOrganisation": "organisations",
    "accounts.Membership": "staff roles",
    "accounts.UserProfile": "a begeleider's own languages and days",
    "definitions.Blob": "diagrams and forms",
    "definitions.DefinitionVersion": "diagrams and forms",
    "definitions.Draft": "diagrams and forms",
    "cases.CaseMilestone": "values of date, yes/no, choice and user fields only",
    "cases.MigrationRun": "case ids and Wegwijs's own reasons",
    "tasks.TaskItem": "task names and help from the diagrams",
    "reports.ExportRun": "filters are choices and dates, no free text",
    "otp_totp.TOTPDevice": "a staff member's authenticator app",
    "definitions.Proefrit": "test drives of diagrams with synthetic cases",
    "definitions.Scenario": "scenarios of diagrams: synthetic cases with fixed answers",
    "portal.SignInCode": "a hash of a one-time code and its channel",
    "signin.IdentityProvider": "sign-in settings: issuer, claims, roles",
    "signin.ExternalAccount": "a staff member's subject at their provider",
    "api.ApiClient": "a connected system: name and scopes",
    "api.ApiToken": "hashes of bearer tokens",
    "api.Subscription": "a connected system's receiving address and event types",
    "api.Delivery": "the HTTP status and error of a delivery to a receiver",
    "events.OutboxEvent": "event types, kenmerk, milestone keys",
    "cases.Registration": "sender, its reference, a digest",
    "zaken.Zaaksysteem": "a gemeente's zaaksysteem settings",
    "zaken.ZaakDossier": "the zaak's address for a dossier",
    "zaken.ZaakUpdate": "statuses and results for the zaak, by kenmerk only",
    "zgw_consumers.Service": "addresses and credentials of the zaaksysteem",
    "zgw_consumers.NLXConfig": "zgw-consumers' NLX settings",
    "simple_certmanager.Certificate": "certificates for the zaaksysteem",
    "simple_certmanager.SigningRequest": "certificate requests",
    # A COA file's rows are about people who are not a case yet; they are dropped
    # once the file is registered or cancelled, or after 24 hours (aanmeldingen).
    "aanmeldingen.BulkAanmelding": "a COA file, its rows dropped within 24 hours",
}


def _text_columns(model: type[models.Model]) -> list[str]:
    return [
        f.attname
        for f in model._meta.concrete_fields
        if isinstance(f, models.CharField | models.TextField | models.JSONField)
    ]


def _models_with_text() -> dict[str, type[models.Model]]:
    return {
        m._meta.label: m
        for m in apps.get_models()
        if not m._meta.proxy and _text_columns(m)
    }


def _found() -> dict[str, set[str]]:
    """Per model, which needles its text and JSON columns hold (every row)."""
    found: dict[str, set[str]] = {}
    for label, model in _models_with_text().items():
        columns = _text_columns(model)
        for row in model._base_manager.values_list(*columns):
            text = json.dumps(row, cls=DjangoJSONEncoder, ensure_ascii=False)
            hits = {needle for needle in NEEDLES if needle in text}
            if hits:
                found.setdefault(label, set()).update(hits)
    return found


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _seed_everywhere(world: World) -> Case:
    """One case with the statushouder's words typed in every place there is."""
    case = world.start(
        voornaam=FIRST,
        achternaam=LAST,
        bsn=BSN,
        telefoon=PHONE,
        adres=f"Dijkstraat 1, {MARKER}",
    )
    case = world.run_until(case, "intake_gesprek")
    case = world.complete(
        case,
        "intake_gesprek",
        begeleidingsvorm="individueel",
        achtergrond_bijzonderheden=TEXT,
    )
    case = world.complete(case, "begeleider_koppelen", koppeling_toelichting=TEXT)
    begeleider = world.who(Role.BEGELEIDER, world.polderdam)
    coordinator = world.who(Role.COORDINATOR, world.polderdam)
    colleague = world.user("tweede.polderdam", world.polderdam, Role.BEGELEIDER)
    now = world.clock.now()

    contact = bundle_of(case.version).forms.get("contactmoment")
    contactmoment_record(
        case=case,
        user=begeleider,
        cleaned_data=sample_answers(
            contact,
            today=now.date(),
            user_for_role=lambda r: "",
            overrides={"contact_verslag": TEXT, "contact_signaal_gezondheid": TEXT},
        ),
        clock=world.clock,
    )
    consent_record(
        case=case,
        user=begeleider,
        category="psychisch",
        direction="mb_naar_gemeente",
        given=True,
        on_date=now.date(),
        way="schriftelijk",
        note=TEXT,
        clock=world.clock,
    )
    consent_request(
        case=case,
        user=world.who(Role.REGIEVOERDER, world.polderdam),
        category="schulden",
        direction="mb_naar_gemeente",
        note=TEXT,
        clock=world.clock,
    )
    referral = referral_record(
        case=case,
        user=begeleider,
        organisation=f"GGZ, t.a.v. {MARKER}",
        leefgebied="psychisch",
        reason=TEXT,
        consent=True,
        follow_up_on=now.date() + timedelta(days=14),
        clock=world.clock,
    )
    referral_follow_up(
        referral=referral,
        user=begeleider,
        outcome="loopt",
        note=TEXT,
        next_follow_up=now.date() + timedelta(days=28),
        clock=world.clock,
    )
    item = TaskItem.objects.filter(
        case=case, state=TaskItem.State.OPEN, role=Role.BEGELEIDER
    ).first()
    assert item is not None
    task_hand_over(
        item=item, user=coordinator, to_username=colleague.username, note=TEXT, now=now
    )
    case_begeleider_reassign(
        case_id=case.pk,
        from_user=begeleider,
        to_user=colleague,
        by=coordinator,
        note=TEXT,
        clock=world.clock,
    )
    session = Session.objects.create(
        kind=Session.Kind.WORKSHOP,
        task_name="PVT-workshop 1 van 4",
        mb_organisation=world.mb["polderdam"],
        date=now.date(),
        start_time=time(10),
        place=f"Buurthuis, ophalen bij {NAME}",
        interpreter=f"Dari, tolk belt {PHONE}",
        note=TEXT,
        created_at=now,
    )
    Participant.objects.create(
        session=session, case=case, task_id="x", failure=f"{NAME}: {MARKER}"
    )
    CaseMigration.objects.create(
        case=case,
        from_version=case.version,
        to_version=case.version,
        previous_state=CaseState.objects.get(pk=case.pk).state,
        lock_version_after=0,
        migrated_at=now,
    )
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Case),
        object_id=str(case.pk),
        object_repr=str(Case.objects.get(pk=case.pk)),
        action_flag=CHANGE,
        change_message="[]",
    )

    # Mijn Wegwijs: an invitation with their contact details, a correction request
    # in their own words.
    invitation = Invitation.objects.create(
        case=case,
        token_hash="t" * 64,
        short_code_hash="s" * 64,
        email=f"{LAST.lower()}@example.invalid",
        phone=PHONE,
        created_by=begeleider,
        created_at=now,
    )
    SignInCode.objects.create(
        invitation=invitation,
        code_hash="c" * 64,
        channel="sms",
        sent_at=now,
        expires_at=now,
    )
    PortalRequest.objects.create(
        case=case,
        kind="correctie",
        role=Role.COORDINATOR,
        text=TEXT,
        created_at=now,
    )

    # Searches by name: in the queue, the case list and the processing log.
    _client(begeleider.username).get(reverse("tasks:queue"), {"zoek": LAST})
    _client(colleague.username).get(reverse("cases:list"), {"zoek": NAME})
    _client("privacy.polderdam").get(
        reverse("privacy:log"), {"dossier": LAST, "gebruiker": PHONE}
    )

    # Closed, reopened with a reason, closed again, long ago.
    long_ago = timezone.now() - timedelta(days=365 * 11)
    Case.objects.filter(pk=case.pk).update(is_closed=True, closed_at=long_ago)
    case = case_reopen(
        case=Case.objects.get(pk=case.pk),
        user=coordinator,
        reason=f"{NAME} is terug, {MARKER}",
        clock=world.clock,
    )
    # What someone typed so far in a task of the reopened case.
    item = TaskItem.objects.filter(case=case, state=TaskItem.State.OPEN).first()
    assert item is not None
    TaskDraft.objects.create(
        item=item,
        user=coordinator,
        current_step="0",
        step_data={"0": {"0-opmerkingen": [TEXT]}},
        updated_at=now,
    )
    Case.objects.filter(pk=case.pk).update(is_closed=True, closed_at=long_ago)
    return case


def test_anonymising_leaves_no_typed_word_about_the_statushouder_anywhere(
    world: World,
) -> None:
    tables = set(_models_with_text())
    decided = SEEDED | NEVER_STORED | set(NOT_ABOUT_A_STATUSHOUDER)
    assert tables - decided == set(), (
        "A new table holds text: seed it in this test, or name it in"
        " NOT_ABOUT_A_STATUSHOUDER with the reason no user types about a statushouder"
        " there."
    )

    case = _seed_everywhere(world)
    seeded = _found()
    assert set(seeded) - SEEDED == set(), "typed words where nobody expected them"
    assert {label for label in SEEDED if label not in seeded} == set(), (
        "the test did not reach every place"
    )
    assert NEVER_STORED.isdisjoint(seeded)
    assert ProcessingRecord.objects.filter(action="lijst").exists()

    call_command("anonymise_cases", stdout=StringIO(), stderr=StringIO())

    case.refresh_from_db()
    assert case.anonymised_at is not None
    assert _found() == {}
    # The figures stay: phase, dates, structured answers, the case's history.
    start = case.submissions.get(form_key="aanmelding").data
    assert start["koppeling_datum"] == "2026-01-05"
    assert case.audit_events.filter(event="begeleider_reassigned").exists()
    referral = case.referrals.get()
    assert (referral.leefgebied, referral.outcome) == ("psychisch", "loopt")
    # The case still opens, with its history, and without the words.
    page = _client("coordinator.polderdam").get(
        reverse("cases:detail", args=[case.reference])
    )
    assert page.status_code == 200
    assert not [n for n in NEEDLES if n in page.content.decode()]


def test_a_search_is_logged_with_what_it_showed_not_with_what_was_typed(
    world: World,
) -> None:
    case = world.coupled(voornaam=FIRST, achternaam=LAST)
    begeleider = world.who(Role.BEGELEIDER, world.polderdam)
    _client(begeleider.username).get(
        reverse("cases:list"), {"zoek": LAST, "pagina": "1"}
    )
    record = ProcessingRecord.objects.get(action="lijst")
    assert record.detail == {
        "path": reverse("cases:list"),
        "path_parameters": ["pagina", "zoek"],
    }
    assert list(record.subjects.values_list("case_reference", flat=True)) == [
        case.reference
    ]

    _client("privacy.polderdam").get(
        reverse("privacy:log"), {"dossier": case.reference, "gebruiker": LAST}
    )
    search = ProcessingRecord.objects.get(action="log_doorzocht")
    assert search.detail == {"velden": ["dossier", "gebruiker"]}
    assert list(search.subjects.values_list("case_reference", flat=True)) == [
        case.reference
    ]


def _apps_before(app: str, migration: str):  # type: ignore[no-untyped-def]
    """The models as they were just before ``migration`` ran (the log has moved
    apps since; its table has not)."""
    state = MigrationLoader(connection).project_state((app, migration), at_end=False)
    return state.apps


def test_records_from_before_keep_no_typed_words(world: World) -> None:
    """The one-time migration of the log: old records lose their search words."""
    forwards = import_module(
        "webui.privacy.migrations.0003_processing_detail_without_typed_words"
    ).forwards
    now = timezone.now()
    old_list = ProcessingRecord.objects.create(
        at=now, action="lijst", detail={"path": f"/taken/?zoek={LAST}&tab=mijn"}
    )
    old_search = ProcessingRecord.objects.create(
        at=now, action="log_doorzocht", detail={"dossier": LAST, "van": "2026-01-01"}
    )
    view = ProcessingRecord.objects.create(
        at=now, action="inzien", detail={"path": "/dossiers/D-1/"}
    )
    forwards(
        _apps_before("privacy", "0003_processing_detail_without_typed_words"), None
    )
    assert ProcessingRecord.objects.get(pk=old_list.pk).detail == {
        "path": "/taken/",
        "path_parameters": ["tab", "zoek"],
    }
    assert ProcessingRecord.objects.get(pk=old_search.pk).detail == {
        "velden": ["dossier", "van"]
    }
    assert ProcessingRecord.objects.get(pk=view.pk).detail == {"path": "/dossiers/D-1/"}
