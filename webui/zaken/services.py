"""Writes of the zaaksysteem: the beheerder's configuration of their gemeente's
Zaken API (a zgw-consumers ``Service`` with the ZGW JWT credentials, plus the
types the dossiers use)."""

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from zgw_consumers.constants import APITypes, AuthTypes
from zgw_consumers.models import Service

from webui.accounts.models import Gemeente
from webui.logs.services import audit

from .models import Zaaksysteem


@dataclass(frozen=True)
class ZaaksysteemSettings:
    """What the beheerder fills in; an empty ``secret`` keeps the one stored."""

    api_root: str
    client_id: str
    secret: str
    bronorganisatie: str
    zaaktype: str
    statustypen: Mapping[str, str]
    resultaattype_pip: str
    resultaattype_einde: str = ""
    active: bool = True


def zaaksysteem_configure(
    *, gemeente: Gemeente, settings: ZaaksysteemSettings, actor: AbstractBaseUser
) -> Zaaksysteem:
    """Store the gemeente's zaaksysteem. From now on every change of its dossiers
    writes updates for it (a dossier from before gets its zaak at its next change)."""
    api_root = settings.api_root.strip()
    if not api_root.endswith("/"):
        api_root += "/"
    with transaction.atomic():
        system = (
            Zaaksysteem.objects.select_related("service")
            .filter(gemeente=gemeente)
            .first()
        )
        service = system.service if system is not None else Service()
        service.label = f"Zaken API {gemeente.naam}"[:100]
        service.slug = f"zaken-{gemeente.slug}"[:50]
        service.api_type = APITypes.zrc
        service.api_root = api_root
        service.auth_type = AuthTypes.zgw
        service.client_id = settings.client_id.strip()
        if settings.secret:
            service.secret = settings.secret
        service.user_id = "wegwijs"
        service.user_representation = "Wegwijs"
        service.timeout = 10
        service.save()
        fields = {
            "service": service,
            "active": settings.active,
            "bronorganisatie": settings.bronorganisatie.strip(),
            "zaaktype": settings.zaaktype.strip(),
            "statustypen": {k: v.strip() for k, v in settings.statustypen.items() if v},
            "resultaattype_pip": settings.resultaattype_pip.strip(),
            "resultaattype_einde": settings.resultaattype_einde.strip(),
        }
        system, _created = Zaaksysteem.objects.update_or_create(
            gemeente=gemeente, defaults=fields
        )
        audit(
            case=None,
            user=actor,
            event="zaaksysteem_configured",
            at=timezone.now(),
            gemeente=gemeente.slug,
            api_root=api_root,
            active=settings.active,
        )
    return system
