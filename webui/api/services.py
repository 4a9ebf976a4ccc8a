"""Writes of the API: registering and revoking clients, issuing tokens, subscribing
to events. (The deliveries of events: ``delivery.py``.)"""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

import vocabulary
from webui.accounts.models import Gemeente
from webui.logs.context import Occasion
from webui.logs.models import ProcessingRecord
from webui.logs.services import processing_record
from webui.outbound import address_refusal

from .models import ApiClient, ApiToken, Subscription

TOKEN_LIFETIME = timedelta(hours=1)


class ApiRefused(Exception):
    """A request the API refuses, with a Dutch message and the field it is about."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def token_lifetime() -> timedelta:
    seconds = getattr(settings, "WEGWIJS_API_TOKEN_SECONDS", None)
    return timedelta(seconds=seconds) if seconds else TOKEN_LIFETIME


def client_register(
    *,
    organisation: Any,
    name: str,
    scopes: Iterable[str],
    expires_at: datetime,
    user: AbstractBaseUser,
    occasion: Occasion | None = None,
) -> tuple[ApiClient, str]:
    """Register a client for ``organisation`` (a gemeente or MB organisation the
    beheerder manages); returns the client and its secret, shown this once."""
    scopes = sorted(set(scopes))
    unknown = [s for s in scopes if s not in vocabulary.API_SCOPES]
    if unknown:
        raise ApiRefused(f"Onbekende rechten: {', '.join(unknown)}.", "scopes")
    if expires_at <= timezone.now():
        raise ApiRefused("De einddatum moet in de toekomst liggen.", "expires_at")
    secret = secrets.token_urlsafe(32)
    place = (
        {"gemeente": organisation}
        if isinstance(organisation, Gemeente)
        else {"mb_organisation": organisation}
    )
    with transaction.atomic():
        client = ApiClient.objects.create(
            name=name.strip()[:100],
            client_id=f"ww-{secrets.token_hex(8)}",
            secret_hash=secret_hash(secret),
            scopes=scopes,
            expires_at=expires_at,
            created_by=user,
            **place,
        )
        _record(user, occasion, "api_client_registered", client)
    return client, secret


def client_revoke(
    *, client: ApiClient, user: AbstractBaseUser, occasion: Occasion | None = None
) -> None:
    """Revoke a client: its tokens stop working at once, its subscriptions end."""
    now = timezone.now()
    with transaction.atomic():
        ApiClient.objects.filter(pk=client.pk, revoked_at__isnull=True).update(
            revoked_at=now
        )
        ApiToken.objects.filter(client=client).delete()
        Subscription.objects.filter(client=client, ended_at__isnull=True).update(
            ended_at=now
        )
        _record(user, occasion, "api_client_revoked", client)
    client.refresh_from_db()


def _record(
    user: AbstractBaseUser, occasion: Occasion | None, what: str, client: ApiClient
) -> None:
    """Who may reach personal data through the API is a matter of access, logged
    as user management is."""
    processing_record(
        user=user,
        action=str(ProcessingRecord.Action.USERS),
        detail={
            "what": what,
            "api_client": client.client_id,
            "name": client.name,
            "scopes": list(client.scopes),
        },
        occasion=occasion,
    )


def token_issue(
    *, client_id: str, client_secret: str, now: datetime | None = None
) -> tuple[ApiClient, str, int]:
    """OAuth2 client credentials: a bearer token for a client whose secret matches
    and that is neither revoked nor expired; (client, token, seconds valid)."""
    now = now or timezone.now()
    client = ApiClient.objects.filter(client_id=client_id).first()
    if (
        client is None
        or not secrets.compare_digest(client.secret_hash, secret_hash(client_secret))
        or not client.usable(now)
    ):
        raise ApiRefused(
            "Onbekende client, verkeerd geheim, of de client is ingetrokken of"
            " verlopen.",
            "client_secret",
        )
    token = secrets.token_urlsafe(32)
    lifetime = token_lifetime()
    expires_at = min(now + lifetime, client.expires_at)
    ApiToken.objects.filter(client=client, expires_at__lt=now).delete()
    ApiToken.objects.create(
        client=client,
        token_hash=secret_hash(token),
        issued_at=now,
        expires_at=expires_at,
    )
    return client, token, int((expires_at - now).total_seconds())


def client_for_token(*, token: str, now: datetime | None = None) -> ApiClient | None:
    """The client a bearer token belongs to, while the token and the client last."""
    now = now or timezone.now()
    found = (
        ApiToken.objects.select_related("client")
        .filter(token_hash=secret_hash(token), expires_at__gt=now)
        .first()
    )
    if found is None or not found.client.usable(now):
        return None
    return found.client


def subscription_create(
    *, client: ApiClient, url: str, types: Iterable[str]
) -> tuple[Subscription, str]:
    """Subscribe ``client`` to event ``types`` at ``url``; returns the subscription
    and its signing key (shown this once: the receiver checks each event's HMAC
    with it)."""
    types = sorted(set(types))
    unknown = [t for t in types if t not in vocabulary.EVENT_TYPES]
    if unknown:
        raise ApiRefused(
            f"Onbekende soorten gebeurtenis: {', '.join(unknown)}.", "typen"
        )
    if not types:
        raise ApiRefused("Kies ten minste één soort gebeurtenis.", "typen")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise ApiRefused("Dit is geen geldig adres.", "url") from exc
    allow_http = getattr(settings, "WEGWIJS_EVENTS_ALLOW_HTTP", False)
    if not url.startswith("https://") and not (
        allow_http and url.startswith("http://")
    ):
        raise ApiRefused("Het adres moet met https:// beginnen.", "url")
    refusal = address_refusal(url, what="Het adres (url) van de ontvanger")
    if refusal:
        raise ApiRefused(refusal, "url")
    key = secrets.token_urlsafe(32)
    subscription = Subscription.objects.create(
        client=client, url=url, types=types, signing_key=key
    )
    return subscription, key


def subscription_end(*, subscription: Subscription) -> None:
    """End a subscription: nothing more is sent to it (what waits is dropped)."""
    Subscription.objects.filter(pk=subscription.pk, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )
