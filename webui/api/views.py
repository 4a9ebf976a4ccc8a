"""The REST API under /api/v1/: HTTP glue around the services and selectors. Each
view asks need-to-know (webui.access) through the selectors and answers errors as
problem+json (problems.py)."""

import base64
import binascii
import dataclasses
from datetime import date
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import status
from rest_framework.parsers import FormParser, JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

import vocabulary
from webui.access import (
    CaseAccess,
    client_case_access,
    client_readable,
    client_side,
)
from webui.accounts.models import Gemeente, MbOrganisation
from webui.cases.models import Case
from webui.casework.services import register
from webui.logs.context import Occasion, occasion_of
from webui.logs.services import refusal_record

from . import selectors
from .auth import (
    BearerTokenAuthentication,
    ClientRateThrottle,
    HasScope,
    TokenRateThrottle,
)
from .models import ApiClient, Subscription
from .problems import PROBLEM, plain_problem, problem
from .serializers import (
    AanmeldingResultaatSerializer,
    AanmeldingSerializer,
    AbonnementSerializer,
    DossierDetailSerializer,
    DossierPaginaSerializer,
    GebeurtenisSerializer,
    MijlpaalSerializer,
    NieuwAbonnementSerializer,
    ProblemSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from .services import ApiRefused, subscription_create, subscription_end, token_issue

API_VERSION = "1.0.0"
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200

PROBLEMS = {
    400: OpenApiResponse(ProblemSerializer, description="Ongeldige aanvraag"),
    401: OpenApiResponse(ProblemSerializer, description="Token ontbreekt of verlopen"),
    403: OpenApiResponse(ProblemSerializer, description="Recht (scope) te klein"),
    404: OpenApiResponse(ProblemSerializer, description="Niet gevonden"),
    429: OpenApiResponse(ProblemSerializer, description="Te veel verzoeken"),
}


def _problems(*codes: int) -> dict[tuple[int, str], OpenApiResponse]:
    """The errors of an operation, as problem+json (RFC 9457)."""
    return {(code, PROBLEM): PROBLEMS[code] for code in codes}


class ApiView(APIView):
    """Bearer token, scopes, a rate per client, the API-Version header."""

    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [ClientRateThrottle]
    parser_classes = [JSONParser]
    required_scope = ""

    def finalize_response(
        self, request: Any, response: Any, *args: Any, **kwargs: Any
    ) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        response["API-Version"] = API_VERSION
        return response

    @property
    def client(self) -> ApiClient:
        client = self.request.auth
        assert isinstance(client, ApiClient)
        return client

    def occasion(self) -> Occasion:
        return dataclasses.replace(
            occasion_of(self.request._request), actor=self.client.log_name
        )

    def absolute(self, name: str, *args: Any) -> str:
        return self.request.build_absolute_uri(reverse(name, args=args))

    def case_and_access(self, kenmerk: str) -> tuple[Case, CaseAccess]:
        """The case the client may see, or a 404 (and a refusal in the log)."""
        case = (
            Case.objects.select_related("gemeente", "mb_organisation", "version")
            .filter(reference=kenmerk)
            .first()
        )
        access = client_case_access(client=self.client, case=case) if case else None
        if case is None or access is None:
            refusal_record(
                user=None,
                occasion=self.occasion(),
                api_client=self.client.client_id,
                reference=kenmerk[:20],
            )
            raise Http404
        return case, access


class TokenView(APIView):
    """OAuth2 client credentials (RFC 6749 § 4.4): a short-lived bearer token."""

    authentication_classes: list[Any] = []
    permission_classes: list[Any] = []
    throttle_classes = [TokenRateThrottle]
    parser_classes = [FormParser, JSONParser]

    @extend_schema(
        operation_id="token_aanvragen",
        summary="Een toegangstoken aanvragen (client credentials)",
        description=(
            "OAuth2 client credentials (RFC 6749, 4.4): client-id en geheim in het"
            " formulier of als HTTP Basic; het token is kort geldig (standaard een"
            " uur) en gaat mee als 'Authorization: Bearer <token>'."
        ),
        request={"application/x-www-form-urlencoded": TokenRequestSerializer},
        responses={200: TokenSerializer, **_problems(400, 401, 429)},
        auth=[],
        tags=["toegang"],
    )
    def post(self, request: Request) -> Response:
        data = request.data
        client_id, secret = data.get("client_id", ""), data.get("client_secret", "")
        basic = request.META.get("HTTP_AUTHORIZATION", "")
        if basic.lower().startswith("basic "):
            try:
                decoded = base64.b64decode(basic[6:]).decode()
            except (binascii.Error, UnicodeDecodeError):
                decoded = ""
            client_id, _sep, secret = decoded.partition(":")
        if data.get("grant_type") != "client_credentials":
            return problem(
                400,
                "Alleen grant_type=client_credentials wordt ondersteund.",
                instance=request.path,
                invalid={"grant_type": ["Gebruik client_credentials."]},
                error="unsupported_grant_type",
            )
        try:
            client, token, seconds = token_issue(
                client_id=str(client_id), client_secret=str(secret)
            )
        except ApiRefused as exc:
            return problem(
                401,
                str(exc),
                instance=request.path,
                error="invalid_client",
                headers={"WWW-Authenticate": 'Basic realm="wegwijs"'},
            )
        response = Response(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": seconds,
                "scope": " ".join(client.scopes),
            }
        )
        response["Cache-Control"] = "no-store"
        response["API-Version"] = API_VERSION
        return response


class AanmeldingenView(ApiView):
    required_scope = vocabulary.SCOPE_AANMELDEN
    ALLOWED = {"referentie", "gemeente", "mbOrganisatie", "gegevens"}

    @extend_schema(
        operation_id="aanmelding_doen",
        summary="Een statushouder aanmelden",
        description=(
            "Registreert een statushouder met dezelfde controles als het"
            " aanmeldformulier (verplichte velden, datums, BSN-elfproef). Idempotent op"
            " de referentie: 201 bij een nieuw dossier, 200 als deze referentie met"
            " dezelfde gegevens al een dossier maakte, 409 als zij met andere gegevens"
            " is gebruikt."
        ),
        request=AanmeldingSerializer,
        responses={
            201: AanmeldingResultaatSerializer,
            200: AanmeldingResultaatSerializer,
            (409, PROBLEM): OpenApiResponse(
                ProblemSerializer, description="Referentie al gebruikt"
            ),
            **_problems(400, 401, 403, 429),
        },
        examples=[
            OpenApiExample(
                "Aanmelding",
                request_only=True,
                value={
                    "referentie": "ZS-2026-0042",
                    "gegevens": {
                        "voornaam": "Amina",
                        "achternaam": "Voorbeeld",
                        "geboortedatum": "1990-04-01",
                        "bsn": "111222333",
                        "herkomstland": "Eritrea",
                        "taal": "Tigrinya",
                        "gezinsgrootte": 3,
                        "soort_aanmelding": "asiel",
                        "aangemeld_door": "gemeente",
                        "koppeling_datum": "2026-01-05",
                        "datum_binnenkomst": "2026-01-20",
                    },
                },
            ),
            OpenApiExample(
                "Dossier",
                response_only=True,
                status_codes=["201", "200"],
                value={
                    "kenmerk": "WW-2026-00042",
                    "url": "https://wegwijs.gemeente.nl/api/v1/dossiers/WW-2026-00042",
                    "status": "aangemeld",
                },
            ),
        ],
        tags=["aanmeldingen"],
    )
    def post(self, request: Request) -> Response:
        data = request.data
        if not isinstance(data, dict):
            return problem(400, "Stuur een JSON-object.", instance=request.path)
        unknown = {k: [f"Onbekend veld '{k}'."] for k in data if k not in self.ALLOWED}
        answers = data.get("gegevens")
        if not isinstance(answers, dict):
            unknown["gegevens"] = ["Geef de gegevens van de aanmelding als object."]
        if unknown:
            return problem(
                400,
                "De aanvraag bevat fouten; zie invalidParams.",
                instance=request.path,
                invalid=unknown,
            )
        gemeente = None
        slug = data.get("gemeente")
        if slug:
            gemeente = Gemeente.objects.filter(slug=str(slug)).first()
            if gemeente is None:
                return problem(
                    400,
                    "Onbekende gemeente.",
                    instance=request.path,
                    invalid={"gemeente": [f"Geen gemeente met code '{slug}'."]},
                )
        guide = None
        if slug := data.get("mbOrganisatie"):
            guide = MbOrganisation.objects.filter(slug=str(slug)).first()
            if guide is None:
                return problem(
                    400,
                    "Onbekende MB-organisatie.",
                    instance=request.path,
                    invalid={"mbOrganisatie": [f"Geen MB-organisatie '{slug}'."]},
                )
        outcome = register(
            organisation=self.client.organisation,
            gemeente=gemeente,
            mb_organisation=guide,
            answers=answers,
            sender=self.client.sender,
            reference=str(data.get("referentie") or ""),
            actor=None,
            occasion=self.occasion(),
            log_roles=(f"api_{client_side(self.client)}",),
        )
        if outcome.refused:
            code = 409 if outcome.conflict else 400
            return problem(
                code,
                "De aanmelding is niet geregistreerd; zie invalidParams.",
                instance=request.path,
                invalid=outcome.errors,
            )
        assert outcome.case is not None
        url = self.absolute("api:dossier", outcome.case.reference)
        created = outcome.status == "created"
        return Response(
            {
                "kenmerk": outcome.case.reference,
                "url": url,
                "status": "aangemeld" if created else "al_bekend",
            },
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
            headers={"Location": url},
        )


def _bool(value: str | None, name: str) -> bool | None:
    if value in (None, ""):
        return None
    if value in ("true", "false"):
        return value == "true"
    raise ApiRefused("Gebruik true of false.", name)


def _date(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ApiRefused("Geen geldige datum (JJJJ-MM-DD).", name) from exc


def _number(value: str | None, name: str, default: int, top: int) -> int:
    if value in (None, ""):
        return default
    if not value.isdigit() or not 1 <= int(value) <= top:
        raise ApiRefused(f"Een getal van 1 tot en met {top}.", name)
    return int(value)


class DossiersView(ApiView):
    required_scope = vocabulary.SCOPE_DOSSIERS
    FILTERS = {
        "afgesloten",
        "gemeente",
        "koppelingsdatumVanaf",
        "koppelingsdatumTot",
        "fase",
        "pagina",
        "paginagrootte",
    }

    @extend_schema(
        operation_id="dossiers_lijst",
        summary="De dossiers die uw organisatie mag zien",
        description=(
            "Nieuwste eerst, per pagina. Een client van een gemeente ziet de dossiers"
            " van die gemeente, een client van een MB-organisatie de dossiers die zij"
            " begeleidt. Een BSN is nooit een filter (geen BSN in adressen)."
        ),
        parameters=[
            OpenApiParameter(
                "afgesloten",
                OpenApiTypes.BOOL,
                description="Alleen afgesloten (true) of lopende (false) dossiers.",
            ),
            OpenApiParameter(
                "gemeente", OpenApiTypes.STR, description="Code van de gemeente."
            ),
            OpenApiParameter("koppelingsdatumVanaf", OpenApiTypes.DATE),
            OpenApiParameter("koppelingsdatumTot", OpenApiTypes.DATE),
            OpenApiParameter(
                "fase",
                OpenApiTypes.STR,
                description="Deel van de naam van een huidige fase.",
            ),
            OpenApiParameter("pagina", OpenApiTypes.INT),
            OpenApiParameter(
                "paginagrootte",
                OpenApiTypes.INT,
                description=f"Ten hoogste {MAX_PAGE_SIZE}; standaard {PAGE_SIZE}.",
            ),
        ],
        responses={200: DossierPaginaSerializer, **_problems(400, 401, 403, 429)},
        tags=["dossiers"],
    )
    def get(self, request: Request) -> Response:
        query = request.query_params
        unknown = {
            k: [f"Onbekende parameter '{k}'."] for k in query if k not in self.FILTERS
        }
        if unknown:
            return problem(
                400, "Onbekende parameters.", instance=request.path, invalid=unknown
            )
        try:
            filters = selectors.CaseFilters(
                afgesloten=_bool(query.get("afgesloten"), "afgesloten"),
                gemeente=query.get("gemeente", ""),
                aangemeld_vanaf=_date(
                    query.get("koppelingsdatumVanaf"), "koppelingsdatumVanaf"
                ),
                aangemeld_tot=_date(
                    query.get("koppelingsdatumTot"), "koppelingsdatumTot"
                ),
                fase=query.get("fase", "")[:100],
            )
            page = _number(query.get("pagina"), "pagina", 1, 100_000)
            size = _number(
                query.get("paginagrootte"), "paginagrootte", PAGE_SIZE, MAX_PAGE_SIZE
            )
        except ApiRefused as exc:
            return problem(
                400, str(exc), instance=request.path, invalid={exc.field: [str(exc)]}
            )
        total, rows = selectors.dossiers_page(
            client=self.client,
            filters=filters,
            offset=(page - 1) * size,
            limit=size,
            readable=client_readable(self.client),
            occasion=self.occasion(),
        )
        for row in rows:
            row["url"] = self.absolute("api:dossier", row["kenmerk"])

        def link(number: int) -> str:
            params = query.copy()
            params["pagina"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

        return Response(
            {
                "aantal": total,
                "volgende": link(page + 1) if page * size < total else None,
                "vorige": link(page - 1) if page > 1 else None,
                "resultaten": rows,
            }
        )


class DossierView(ApiView):
    required_scope = vocabulary.SCOPE_DOSSIERS

    @extend_schema(
        operation_id="dossier_lezen",
        summary="Eén dossier: fase per spoor, mijlpalen, termijnen, open taken",
        description="Een dossier buiten uw organisatie is 404.",
        responses={200: DossierDetailSerializer, **_problems(401, 403, 404, 429)},
        tags=["dossiers"],
    )
    def get(self, request: Request, kenmerk: str) -> Response:
        case, access = self.case_and_access(kenmerk)
        detail = selectors.dossier_detail(
            client=self.client, case=case, access=access, occasion=self.occasion()
        )
        detail["url"] = self.absolute("api:dossier", case.reference)
        return Response(detail)


class MijlpalenView(ApiView):
    required_scope = vocabulary.SCOPE_DOSSIERS

    @extend_schema(
        operation_id="dossier_mijlpalen",
        summary="De mijlpalen die een dossier bereikte",
        description=(
            "Oudste eerst; een waarde alleen waar de rechten van de client de klasse"
            " van het veld openen en die niet bijzonder is."
        ),
        responses={200: MijlpaalSerializer(many=True), **_problems(401, 403, 404, 429)},
        tags=["dossiers"],
    )
    def get(self, request: Request, kenmerk: str) -> Response:
        case, access = self.case_and_access(kenmerk)
        return Response(
            selectors.dossier_milestones(
                client=self.client, case=case, access=access, occasion=self.occasion()
            )
        )


class GebeurtenissenView(ApiView):
    required_scope = vocabulary.SCOPE_DOSSIERS

    @extend_schema(
        operation_id="dossier_gebeurtenissen",
        summary="De tijdlijn van een dossier, nieuwste eerst",
        description=(
            "Met de gegevens die de rechten van de client openen; gevoelige gegevens"
            " van de andere partij alleen met toestemming van de statushouder."
        ),
        responses={
            200: GebeurtenisSerializer(many=True),
            **_problems(401, 403, 404, 429),
        },
        tags=["dossiers"],
    )
    def get(self, request: Request, kenmerk: str) -> Response:
        case, access = self.case_and_access(kenmerk)
        return Response(
            selectors.dossier_events(
                client=self.client, case=case, access=access, occasion=self.occasion()
            )
        )


def _subscription_row(subscription: Subscription) -> dict[str, Any]:
    return {
        "id": subscription.id,
        "url": subscription.url,
        "typen": subscription.types,
        "aangemaaktOp": subscription.created_at,
    }


class AbonnementenView(ApiView):
    required_scope = vocabulary.SCOPE_ABONNEREN

    @extend_schema(
        operation_id="abonnementen_lijst",
        summary="De lopende abonnementen van deze client",
        description="Zonder sleutel: die is alleen bij het aanmaken getoond.",
        responses={200: AbonnementSerializer(many=True), **_problems(401, 403, 429)},
        tags=["gebeurtenissen"],
    )
    def get(self, request: Request) -> Response:
        rows = Subscription.objects.filter(client=self.client, ended_at__isnull=True)
        return Response([_subscription_row(s) for s in rows])

    @extend_schema(
        operation_id="abonnement_nemen",
        summary="Abonneren op gebeurtenissen",
        description=(
            "Gebeurtenissen komen als CloudEvents 1.0 (JSON) met een HMAC-SHA256-"
            "handtekening in de kop Wegwijs-Signature; zie docs/api/README.md."
        ),
        request=AbonnementSerializer,
        responses={201: NieuwAbonnementSerializer, **_problems(400, 401, 403, 429)},
        tags=["gebeurtenissen"],
    )
    def post(self, request: Request) -> Response:
        data = request.data if isinstance(request.data, dict) else {}
        unknown = {
            k: [f"Onbekend veld '{k}'."] for k in data if k not in {"url", "typen"}
        }
        if unknown:
            return problem(
                400,
                "De aanvraag bevat fouten; zie invalidParams.",
                instance=request.path,
                invalid=unknown,
            )
        url, types = data.get("url"), data.get("typen")
        if not isinstance(url, str) or not url:
            return problem(
                400,
                "Geef het adres waar de gebeurtenissen heen gaan.",
                instance=request.path,
                invalid={"url": ["Geef een adres (https://…)."]},
            )
        if not isinstance(types, list) or not all(isinstance(t, str) for t in types):
            return problem(
                400,
                "Geef de soorten gebeurtenis als lijst.",
                instance=request.path,
                invalid={"typen": ["Een lijst van soorten, bijv. nl.wegwijs.…"]},
            )
        try:
            subscription, key = subscription_create(
                client=self.client, url=url[:500], types=types
            )
        except ApiRefused as exc:
            return problem(
                400, str(exc), instance=request.path, invalid={exc.field: [str(exc)]}
            )
        return Response(
            {**_subscription_row(subscription), "ondertekeningssleutel": key},
            status=status.HTTP_201_CREATED,
        )


class AbonnementView(ApiView):
    required_scope = vocabulary.SCOPE_ABONNEREN

    @extend_schema(
        operation_id="abonnement_beeindigen",
        summary="Een abonnement beëindigen",
        description="Wat nog wacht op verzending, gaat niet meer weg.",
        responses={204: None, **_problems(401, 403, 404, 429)},
        tags=["gebeurtenissen"],
    )
    def delete(self, request: Request, pk: str) -> Response:
        subscription = Subscription.objects.filter(
            client=self.client, pk=pk, ended_at__isnull=True
        ).first()
        if subscription is None:
            raise Http404
        subscription_end(subscription=subscription)
        return Response(status=status.HTTP_204_NO_CONTENT)


@csrf_exempt
def unknown(request: HttpRequest, rest: str = "") -> HttpResponse:
    """An address under /api/v1/ that names no resource, by any method: a 404 in
    problem+json, as every other error of the API, not the site's HTML page. It
    reads nothing and logs nothing."""
    response = plain_problem(
        status.HTTP_404_NOT_FOUND,
        "Dit adres bestaat niet in de Wegwijs API (versie 1). De adressen die er"
        " zijn staan in /api/v1/openapi.json en op /api/v1/docs.",
        instance=request.path,
    )
    response["API-Version"] = API_VERSION
    return response
