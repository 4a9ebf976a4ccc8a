"""Every error of the API as ``application/problem+json`` (RFC 9457, as the NL API
Design Rules ask), in Dutch: ``type``, ``title``, ``status``, ``detail``,
``instance``, and for bad input ``invalidParams`` naming each field."""

from collections.abc import Mapping
from typing import Any

from django.http import Http404, HttpResponse, JsonResponse

from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

PROBLEM = "application/problem+json"

TITLES = {
    400: "Ongeldige aanvraag",
    401: "Niet geauthenticeerd",
    403: "Niet toegestaan",
    404: "Niet gevonden",
    405: "Methode niet toegestaan",
    406: "Niet aanvaardbaar",
    409: "Conflict",
    415: "Mediatype niet ondersteund",
    429: "Te veel verzoeken",
    500: "Interne fout",
}
CODES = {
    400: "ongeldige-aanvraag",
    401: "niet-geauthenticeerd",
    403: "niet-toegestaan",
    404: "niet-gevonden",
    405: "methode-niet-toegestaan",
    406: "niet-aanvaardbaar",
    409: "conflict",
    415: "mediatype-niet-ondersteund",
    429: "te-veel-verzoeken",
}


def problem_body(
    status_code: int,
    detail: str,
    *,
    instance: str = "",
    invalid: Mapping[str, list[str]] | None = None,
    codes: Mapping[str, str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """The body of a problem; ``invalid`` maps a field name to its messages."""
    body: dict[str, Any] = {
        "type": f"urn:wegwijs:probleem:{CODES.get(status_code, 'fout')}",
        "title": TITLES.get(status_code, "Fout"),
        "status": status_code,
        "detail": detail,
        "instance": instance,
    }
    if invalid:
        body["invalidParams"] = [
            {
                "name": name,
                "code": (codes or {}).get(name, "invalid"),
                "reason": " ".join(messages),
            }
            for name, messages in invalid.items()
        ]
    body.update(extra)
    return body


def problem(
    status_code: int,
    detail: str,
    *,
    instance: str = "",
    invalid: Mapping[str, list[str]] | None = None,
    codes: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> Response:
    """A problem response of a DRF view."""
    body = problem_body(
        status_code, detail, instance=instance, invalid=invalid, codes=codes, **extra
    )
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM)


def plain_problem(status_code: int, detail: str, *, instance: str) -> HttpResponse:
    """The same problem from a plain Django view under /api/v1/ (an address that
    names nothing, a wrong method on the reference page), where no DRF renderer
    runs."""
    return JsonResponse(
        problem_body(status_code, detail, instance=instance),
        status=status_code,
        content_type=PROBLEM,
        json_dumps_params={"ensure_ascii": False},
    )


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as field name -> messages."""
    if isinstance(detail, Mapping):
        found: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            found.update(
                _flatten(
                    value, f"{prefix}.{name}" if prefix and name else name or prefix
                )
            )
        return found
    if (
        isinstance(detail, list)
        and detail
        and not isinstance(detail[0], str | exceptions.ErrorDetail)
    ):
        found = {}
        for index, item in enumerate(detail):
            found.update(_flatten(item, f"{prefix}.{index}"))
        return found
    messages = detail if isinstance(detail, list) else [detail]
    return {prefix or "__all__": [str(m) for m in messages]}


def exception_handler(exc: Exception, context: Mapping[str, Any]) -> Response | None:
    """DRF's exception handler, answering in problem+json."""
    request = context.get("request")
    instance = request.path if request is not None else ""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Dit bestaat niet, of uw client mag het niet zien.")
    if not isinstance(exc, exceptions.APIException):
        return None
    headers: dict[str, str] = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header  # type: ignore[attr-defined]
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))  # type: ignore[attr-defined]
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        return problem(
            status.HTTP_400_BAD_REQUEST,
            "De aanvraag bevat fouten; zie invalidParams.",
            instance=instance,
            invalid=_flatten(exc.detail),
            headers=headers,
        )
    return problem(
        exc.status_code, _dutch(exc, request), instance=instance, headers=headers
    )


def _dutch(exc: exceptions.APIException, request: Any) -> str:
    """The problem's detail in Dutch: DRF's own words are English here (its Dutch
    catalogue is not loaded, see settings), ours are Dutch already."""
    if isinstance(exc, exceptions.Throttled):
        return (
            f"Te veel verzoeken van deze client; probeer het over {int(exc.wait or 1)}"
            " seconden opnieuw."
        )
    if isinstance(exc, exceptions.ParseError):
        return "De inhoud van het verzoek is geen geldige JSON."
    if isinstance(exc, exceptions.NotAuthenticated):
        return (
            "Het toegangstoken ontbreekt. Vraag een token aan bij /api/v1/token en"
            " stuur het mee als 'Authorization: Bearer <token>'."
        )
    if isinstance(exc, exceptions.MethodNotAllowed):
        method = request.method if request is not None else ""
        return f"De methode {method} is hier niet toegestaan."
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return "Dit soort inhoud wordt niet ondersteund; stuur JSON (application/json)."
    if isinstance(exc, exceptions.NotAcceptable):
        return "Deze API antwoordt alleen in JSON (application/json)."
    return str(exc.detail)
