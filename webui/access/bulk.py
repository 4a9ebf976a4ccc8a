"""Where a user may register statushouders from a COA file (aanmelding in bulk),
and which uploaded files they may see: only for their own gemeente. A coördinator
registers for the gemeenten their MB organisation works for, a regievoerder for
their own gemeente; a file of another place is a 404."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from webui.accounts.models import Gemeente, MbOrganisation, Role

from .organisations import registering_organisations
from .roles import organisations_of


@dataclass(frozen=True)
class RegistrationPlace:
    """A gemeente a user registers for, through their MB organisation (coördinator)
    or the gemeente itself (regievoerder), with the role that allows it."""

    gemeente: Gemeente
    mb_organisation: MbOrganisation | None
    role: str

    @property
    def key(self) -> str:
        if self.mb_organisation is None:
            return f"gemeente-{self.gemeente.pk}"
        return f"mb-{self.mb_organisation.pk}-{self.gemeente.pk}"

    @property
    def organisation(self) -> Gemeente | MbOrganisation:
        return self.mb_organisation or self.gemeente

    def __str__(self) -> str:
        if self.mb_organisation is None:
            return f"{self.gemeente} (regievoerder)"
        return f"{self.gemeente}, via {self.mb_organisation} (coördinator)"


def registration_places(*, user: AbstractBaseUser) -> list[RegistrationPlace]:
    """Every place the user may upload a COA file for."""
    places = [
        RegistrationPlace(gemeente, org, Role.COORDINATOR)
        for org, gemeenten in registering_organisations(user=user)
        for gemeente in gemeenten
    ]
    gemeenten, _mbs = organisations_of(user=user, role=Role.REGIEVOERDER)
    places += [
        RegistrationPlace(gemeente, None, Role.REGIEVOERDER)
        for gemeente in Gemeente.objects.filter(pk__in=gemeenten).order_by("naam")
    ]
    return places


def registration_place(
    *, user: AbstractBaseUser, gemeente_id: int, mb_organisation_id: int | None
) -> RegistrationPlace | None:
    """The place of an uploaded file if the user may register there; None (a 404)
    otherwise."""
    for place in registration_places(user=user):
        mb_id = place.mb_organisation.pk if place.mb_organisation else None
        if place.gemeente.pk == gemeente_id and mb_id == mb_organisation_id:
            return place
    return None
