"""Helpers the studio's views share: the gemeente a beheerder may edit, findings
by file."""

from django.http import Http404, HttpRequest

from webui.accounts.models import Gemeente

from ..selectors import studio_gemeente


def gemeente_or_404(request: HttpRequest, slug: str) -> Gemeente:
    gemeente = studio_gemeente(user=request.user, slug=slug)
    if gemeente is None:
        raise Http404("Deze gemeente bestaat niet of u beheert haar proces niet.")
    return gemeente


def findings_by_file(findings: list) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for finding in findings:
        grouped.setdefault(finding.file, []).append(finding)
    return grouped
