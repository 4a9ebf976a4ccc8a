"""Contact moments: rows in a case's history; the workflow stays put."""

import uuid
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from engine import Clock
from forms.field_roles import CONTACT_FORM
from forms.values import stored_data
from webui.access import case_access
from webui.cases.models import Case, Submission
from webui.definitions.bundles import bundle_of
from webui.logs.context import Occasion
from webui.logs.services import audit

from .base import (
    CaseError,
    TaskNotAllowed,
    apply_milestones,
    change_record,
    clock_or_system,
    field_milestones,
    store_milestones,
)

CONTACT_ROLES = {"begeleider", "coordinator"}


def contactmoment_record(
    *,
    case: Case,
    user: AbstractBaseUser,
    cleaned_data: Mapping[str, Any],
    clock: Clock | None = None,
    occasion: Occasion | None = None,
) -> Submission:
    """Record a contact moment on the form of the case's version."""
    access = case_access(user=user, case=case)
    roles = set(access.roles) if access is not None else set()
    if not CONTACT_ROLES & roles:
        raise TaskNotAllowed(
            "Alleen een begeleider of coördinator legt contactmomenten vast."
        )
    if case.is_closed:
        raise CaseError("Dit dossier is afgesloten; er kan niets meer bij.")
    now = clock_or_system(clock).now()
    definition = bundle_of(case.version).forms.get(CONTACT_FORM)
    with transaction.atomic():
        submission = Submission.objects.create(
            case=case,
            task_id=f"contact-{uuid.uuid4().hex[:28]}",  # fits the 36-char column
            bpmn_id=CONTACT_FORM,
            task_name=definition.title,
            form_key=CONTACT_FORM,
            role=min(CONTACT_ROLES & roles),
            version=case.version,
            data=stored_data(definition, cleaned_data),
            submitted_by=user,
            submitted_at=now,
        )
        # A contact moment may record a milestone too (the Piëzo phase).
        reached = field_milestones(definition, submission.data, now, CONTACT_FORM)
        if reached:
            apply_milestones(case, reached)
            Case.objects.filter(pk=case.pk).update(piezo_fase=case.piezo_fase)
            store_milestones(case, reached)
        audit(case=case, user=user, event="contact_recorded", at=now)
        change_record(
            case=case,
            user=user,
            roles=roles,
            categories={f.privacy for f in definition.fields},
            occasion=occasion,
            form=CONTACT_FORM,
        )
    return submission
