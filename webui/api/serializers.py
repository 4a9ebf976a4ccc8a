"""The shapes of the API's requests and answers, for validation and for the OpenAPI
document (docs/api/openapi.yaml). Field names in camelCase, words in Dutch, as the
NL API Design Rules and the ZGW APIs write them."""

from rest_framework import serializers

import vocabulary


class TokenRequestSerializer(serializers.Serializer):
    grant_type = serializers.ChoiceField(choices=["client_credentials"])
    client_id = serializers.CharField(required=False)
    client_secret = serializers.CharField(required=False)


class TokenSerializer(serializers.Serializer):
    access_token = serializers.CharField()
    token_type = serializers.CharField(help_text="Altijd 'Bearer'.")
    expires_in = serializers.IntegerField(help_text="Geldigheid in seconden.")
    scope = serializers.CharField(
        help_text="De rechten van de client, gescheiden door spaties."
    )


class AanmeldingSerializer(serializers.Serializer):
    referentie = serializers.CharField(
        max_length=100,
        help_text=(
            "Uw eigen kenmerk van deze aanmelding. Dezelfde aanmelding nog eens"
            " sturen met dezelfde referentie geeft het dossier dat zij maakte (200);"
            " dezelfde referentie met andere gegevens is een conflict (409)."
        ),
    )
    gemeente = serializers.SlugField(
        required=False,
        help_text=(
            "Code van de gemeente; nodig voor een MB-organisatie die voor meer dan één"
            " gemeente werkt."
        ),
    )
    gegevens = serializers.DictField(
        help_text=(
            "De velden van het aanmeldformulier van de gemeente (docs/api/README.md):"
            " voornaam, achternaam, geboortedatum (JJJJ-MM-DD), bsn (elfproef),"
            " herkomstland, gezinsgrootte, soort_aanmelding, aangemeld_door,"
            " koppeling_datum, datum_binnenkomst, … Een onbekend veld wordt geweigerd."
        )
    )


class AanmeldingResultaatSerializer(serializers.Serializer):
    kenmerk = serializers.CharField(help_text="Het kenmerk van het dossier in Wegwijs.")
    url = serializers.URLField(help_text="Het dossier in deze API.")
    status = serializers.ChoiceField(
        choices=[("aangemeld", "aangemeld"), ("al_bekend", "al bekend")]
    )


class FaseSerializer(serializers.Serializer):
    spoor = serializers.CharField(allow_null=True)
    fase = serializers.CharField()


class DossierSerializer(serializers.Serializer):
    kenmerk = serializers.CharField()
    url = serializers.URLField()
    naam = serializers.CharField(
        allow_null=True,
        help_text="Alleen met het recht persoonsgegevens.lezen; anders null.",
    )
    gemeente = serializers.CharField()
    mbOrganisatie = serializers.CharField(allow_null=True)
    afgesloten = serializers.BooleanField()
    koppelingsdatum = serializers.DateField()
    pipTermijn = serializers.DateField(allow_null=True)
    pipVastgesteldOp = serializers.DateField(allow_null=True)
    fasen = FaseSerializer(many=True)
    aangemaaktOp = serializers.DateTimeField()


class DossierPaginaSerializer(serializers.Serializer):
    aantal = serializers.IntegerField()
    volgende = serializers.URLField(allow_null=True)
    vorige = serializers.URLField(allow_null=True)
    resultaten = DossierSerializer(many=True)


class SpoorSerializer(serializers.Serializer):
    spoor = serializers.CharField()
    nu = serializers.CharField()
    afgerond = serializers.IntegerField()
    totaal = serializers.IntegerField()


class MijlpaalSerializer(serializers.Serializer):
    sleutel = serializers.CharField()
    label = serializers.CharField()
    bereiktOp = serializers.DateTimeField()
    waarde = serializers.JSONField(
        allow_null=True,
        help_text="Alleen waar de klasse van het veld leesbaar is en niet bijzonder.",
    )


class TermijnSerializer(serializers.Serializer):
    naam = serializers.CharField()
    datum = serializers.DateField()
    gehaald = serializers.BooleanField(allow_null=True)
    verstreken = serializers.BooleanField()


class TaakSerializer(serializers.Serializer):
    naam = serializers.CharField()
    rol = serializers.CharField()
    rolLabel = serializers.CharField()
    fase = serializers.CharField()
    klaarSinds = serializers.DateTimeField()
    uiterlijk = serializers.DateField(allow_null=True)
    teLaat = serializers.BooleanField()


class DossierDetailSerializer(DossierSerializer):
    sporen = SpoorSerializer(many=True)
    mijlpalen = MijlpaalSerializer(many=True)
    termijnen = TermijnSerializer(many=True)
    openTaken = TaakSerializer(many=True)


class GegevenSerializer(serializers.Serializer):
    label = serializers.CharField()
    waarde = serializers.CharField()


class GebeurtenisSerializer(serializers.Serializer):
    tijdstip = serializers.DateTimeField()
    soort = serializers.CharField()
    soortLabel = serializers.CharField()
    titel = serializers.CharField()
    door = serializers.CharField(allow_null=True)
    tekst = serializers.CharField(allow_null=True)
    gegevens = GegevenSerializer(many=True)


class AbonnementSerializer(serializers.Serializer):
    id = serializers.UUIDField(read_only=True)
    url = serializers.URLField(
        max_length=500, help_text="Waar de gebeurtenissen heen gaan (https)."
    )
    typen = serializers.ListField(
        child=serializers.ChoiceField(choices=list(vocabulary.EVENT_TYPES)),
        help_text="Soorten gebeurtenis (CloudEvents 'type').",
    )
    aangemaaktOp = serializers.DateTimeField(read_only=True)


class NieuwAbonnementSerializer(AbonnementSerializer):
    ondertekeningssleutel = serializers.CharField(
        read_only=True,
        help_text=(
            "De sleutel voor de HMAC-SHA256-handtekening (kop Wegwijs-Signature)."
            " Alleen nu getoond: bewaar hem."
        ),
    )


class ProblemSerializer(serializers.Serializer):
    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField()
    instance = serializers.CharField()
    invalidParams = serializers.ListField(child=serializers.DictField(), required=False)
