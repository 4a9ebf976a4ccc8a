from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

import vocabulary
from webui.accounts.models import Gemeente, MbOrganisation
from webui.definitions.models import DefinitionVersion


class Case(models.Model):
    """One statushouder's trajectory: what lists, queues and exports read. The
    engine's JSON lives apart, in CaseState, owned by the services."""

    reference = models.CharField(_("kenmerk"), max_length=20, unique=True)
    gemeente = models.ForeignKey(
        Gemeente, on_delete=models.PROTECT, related_name="cases"
    )
    version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="cases"
    )
    # The MB organisation that guides the statushouder for the gemeente.
    mb_organisation = models.ForeignKey(
        MbOrganisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("MB-organisatie"),
    )
    lock_version = models.PositiveIntegerField(default=0)
    client_naam = models.CharField(_("naam statushouder"), max_length=200)
    phase = models.CharField(_("fase"), max_length=100, blank=True)
    phase_label = models.CharField(_("fase"), max_length=200, blank=True)
    # Every phase the case is in now: the MB and the regie track run side by side.
    open_phases = models.JSONField(default=list, blank=True)
    is_closed = models.BooleanField(_("afgesloten"), default=False)
    koppeling_datum = models.DateField(_("koppelingsdatum"))
    pip_deadline = models.DateField(_("PIP-termijn"), null=True, blank=True)
    pip_opgesteld_op = models.DateField(_("PIP opgesteld op"), null=True, blank=True)
    pip_vastgesteld_op = models.DateField(
        _("PIP vastgesteld op"), null=True, blank=True
    )
    begeleider = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vaste begeleider"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="begeleide_cases",
    )
    uitkomst = models.CharField(_("uitkomst"), max_length=30, blank=True)
    next_timer_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    # Piëzo: where the statushouder stands in participation (0-4), from the latest
    # milestone piezo_fase; its history is in the milestones.
    piezo_fase = models.CharField(_("Piëzo-fase"), max_length=2, blank=True)

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["reference"]
        # The case list of a gemeente or an organisation, newest first: its first
        # page straight from the index (read backwards), its count a range of it.
        indexes = [
            models.Index(
                fields=["gemeente", "created_at", "id"], name="case_list_gemeente"
            ),
            models.Index(
                fields=["mb_organisation", "created_at", "id"], name="case_list_mb"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.client_naam}"


class CaseState(models.Model):
    """The engine state of one case: only what is still running (the engine prunes
    what is finished; the history is in the submissions, task rows, milestones and
    audit events). A table of its own, so that no list, queue or export selects it."""

    case = models.OneToOneField(
        Case, primary_key=True, on_delete=models.CASCADE, related_name="engine_state"
    )
    state = models.TextField()

    class Meta:
        verbose_name = _("engine-toestand")
        verbose_name_plural = _("engine-toestanden")

    def __str__(self) -> str:
        return f"{self.case_id}"


class Submission(models.Model):
    """What was submitted for one task: the full form data, sensitive fields
    included."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="submissions")
    task_id = models.CharField(max_length=36)
    bpmn_id = models.CharField(max_length=100)
    task_name = models.CharField(max_length=200)
    form_key = models.CharField(max_length=100)
    # The role it was submitted in: decides whether the gemeente may read its
    # sensitive answers without the statushouder's consent.
    role = models.CharField(max_length=20, blank=True)
    # The version whose form the answers were given on: old answers always render
    # with that form, whatever the case's version is now.
    version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="+"
    )
    data = models.JSONField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            # The last line of defence: a task is submitted once, whatever races above.
            models.UniqueConstraint(
                fields=["case", "task_id"], name="one_submission_per_task"
            )
        ]

    def __str__(self) -> str:
        return f"{self.form_key} {self.task_id}"


class CaseMilestone(models.Model):
    """A milestone a case reached (declared in its version's diagrams or forms): what
    the case record, the deadlines and the export read, whatever a task is called."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="milestones")
    key = models.CharField(max_length=50)
    value = models.JSONField(null=True, blank=True)
    reached_at = models.DateTimeField()
    bpmn_id = models.CharField(max_length=100, blank=True)
    version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("mijlpaal")
        verbose_name_plural = _("mijlpalen")
        ordering = ["reached_at", "id"]
        indexes = [models.Index(fields=["case", "key"], name="milestone_case_key")]

    def __str__(self) -> str:
        return f"{self.key} {self.reached_at:%Y-%m-%d}"


class CaseMigration(models.Model):
    """A case moved from one version to another, with what it was before, so that the
    move can be reverted."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="migrations")
    from_version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="+"
    )
    to_version = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="+"
    )
    previous_state = models.TextField()
    # The case's lock version right after the move: a revert is only safe while the
    # case has not moved on since.
    lock_version_after = models.PositiveIntegerField()
    migrated_at = models.DateTimeField()
    migrated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reverted_at = models.DateTimeField(null=True, blank=True)
    reverted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("migratie van een dossier")
        verbose_name_plural = _("migraties van dossiers")
        ordering = ["-migrated_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_version_id} → {self.to_version_id}"


class MigrationRun(models.Model):
    """One bulk migration a beheerder started: which cases, to which version, and how
    far it got (it runs in the background)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("wacht op de achtergrondverwerking")
        RUNNING = "running", _("bezig")
        DONE = "done", _("klaar")

    gemeente = models.ForeignKey(Gemeente, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(
        DefinitionVersion, on_delete=models.PROTECT, related_name="+"
    )
    case_ids = models.JSONField()
    total = models.PositiveIntegerField()
    done = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    # Per case that stayed: {"reference": ..., "reasons": [...]}.
    refused = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.WAITING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    # The last sign of life of the worker moving the cases: a run that shows none
    # for WEGWIJS_BACKGROUND_TIMEOUT_MINUTES is resumed (migration_runs_resume).
    touched_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("migratieronde")
        verbose_name_plural = _("migratierondes")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.gemeente} → {self.target} ({self.done}/{self.total})"

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100


def _category(code: str) -> tuple[str, Any]:
    """A consent category's code and its words (marked in the vocabulary)."""
    return code, _(vocabulary.CONSENT_CATEGORIES[code])


class Consent(models.Model):
    """The statushouder's consent for one sensitive category to go one way between the
    MB organisation and the gemeente: given or withdrawn on a date, recorded by whom.
    Rows are never changed; the latest per category and direction counts."""

    class Category(models.TextChoices):
        """The sensitive privacy classes of the vocabulary (defined there)."""

        GEZONDHEID = _category(vocabulary.GEZONDHEID)
        PSYCHISCH = _category(vocabulary.PSYCHISCH)
        SCHULDEN = _category(vocabulary.SCHULDEN)
        JURIDISCH = _category(vocabulary.JURIDISCH)
        BEGELEIDING = _category(vocabulary.BEGELEIDING)

    class Direction(models.TextChoices):
        MB_TO_GEMEENTE = "mb_naar_gemeente", _("van de MB-organisatie naar de gemeente")
        GEMEENTE_TO_MB = "gemeente_naar_mb", _("van de gemeente naar de MB-organisatie")

    class Way(models.TextChoices):
        MONDELING = "mondeling", _("mondeling")
        SCHRIFTELIJK = "schriftelijk", _("schriftelijk")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    category = models.CharField(_("categorie"), max_length=20, choices=Category.choices)
    direction = models.CharField(
        _("richting"), max_length=20, choices=Direction.choices
    )
    given = models.BooleanField(_("toestemming"))
    on_date = models.DateField(_("datum"))
    # How the statushouder said it; empty on rows from before it was asked, and on
    # a form's consent question (the form itself is the record).
    way = models.CharField(
        _("hoe gegeven"), max_length=20, choices=Way.choices, blank=True
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("toestemming")
        verbose_name_plural = _("toestemmingen")
        ordering = ["recorded_at", "id"]
        indexes = [models.Index(fields=["case", "category", "direction"])]

    def __str__(self) -> str:
        return f"{self.category} {self.direction}: {'ja' if self.given else 'nee'}"


class ConsentRequest(models.Model):
    """The receiving party asks the party that holds the data to ask the statushouder
    for consent; it stays open on the holder's task list and case page until
    someone of the holder records consent (given or not) for that category and
    direction."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="consent_requests"
    )
    category = models.CharField(
        _("categorie"), max_length=20, choices=Consent.Category.choices
    )
    direction = models.CharField(
        _("richting"), max_length=20, choices=Consent.Direction.choices
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()

    class Meta:
        verbose_name = _("toestemmingsverzoek")
        verbose_name_plural = _("toestemmingsverzoeken")
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["case", "category", "direction"])]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.category} {self.direction}"


class Referral(models.Model):
    """A begeleider refers the statushouder to another organisation about one
    leefgebied, with consent, and follows it up on a date (signaleren en
    doorverwijzen)."""

    class Leefgebied(models.TextChoices):
        WONEN = "wonen", _("wonen")
        FINANCIEN = "financien", _("financiën en schulden")
        ZORG = "zorg", _("gezondheid en zorg")
        PSYCHISCH = "psychisch", _("psychische gezondheid en trauma")
        JURIDISCH = "juridisch", _("juridische zaken")
        WERK = "werk", _("werk en inkomen")
        TAAL = "taal", _("taal en onderwijs")
        GEZIN = "gezin", _("gezin en opvoeding")
        PARTICIPATIE = "participatie", _("meedoen en netwerk")
        OVERIG = "overig", _("overig")

    class Outcome(models.TextChoices):
        HELPED = "geholpen", _("de statushouder is geholpen")
        RUNNING = "loopt", _("loopt nog")
        NOT_STARTED = "niet_gestart", _("is niet gestart")
        FAILED = "niet_gelukt", _("is niet gelukt")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    organisation = models.CharField(_("naar"), max_length=200)
    leefgebied = models.CharField(
        _("leefgebied"), max_length=20, choices=Leefgebied.choices
    )
    reason = models.TextField(_("waarom"), max_length=2000)
    consent = models.BooleanField(_("met toestemming van de statushouder"))
    follow_up_on = models.DateField(_("opvolgen op"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    followed_up_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        _("uitkomst"), max_length=20, choices=Outcome.choices, blank=True
    )
    follow_up_note = models.TextField(_("toelichting"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("verwijzing")
        verbose_name_plural = _("verwijzingen")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["followed_up_at", "follow_up_on"], name="referral_follow_up"
            )
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.organisation}"


class Registration(models.Model):
    """An aanmelding that came from another system (an API client, a COA file): the
    sender's own reference for it, so that sending it again finds the same case
    instead of registering the statushouder twice."""

    sender = models.CharField(_("afzender"), max_length=100)
    reference = models.CharField(_("referentie van de afzender"), max_length=100)
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="registrations"
    )
    # A digest of the answers as sent: the same reference with other answers is a
    # conflict, not a repeat.
    answers_digest = models.CharField(max_length=64)
    registered_at = models.DateTimeField()

    class Meta:
        verbose_name = _("aanmelding van buiten")
        verbose_name_plural = _("aanmeldingen van buiten")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "reference"], name="unique_sender_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender} {self.reference}"
