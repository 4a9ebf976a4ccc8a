"""The case's timeline: everything that happened to the case, newest first, in words.

One list merges what lives in different tables: the submitted forms (contact moments
among them), referrals and their follow-ups, the deadlines met or missed, the moves
to another process version, consent, hand-overs, the opening, closing and reopening
of the case and the changes of the Piëzo phase. Each entry says when, what, who and
what kind of thing it is, and carries only what the viewer's roles may read (the
need-to-know of webui.access.CaseAccess); a trainer sees the PVT work
only.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from forms.field_roles import CONTACT_FORM
from webui.access import CaseAccess, leefgebied_privacy
from webui.cases.models import Case, CaseMilestone, Consent, Referral
from webui.definitions.bundles import START_FORM, bundle_of

from .selectors import HistoryEntry, case_history, milestone_label

# The kinds of entry, in the order the filter offers them.
KINDS = {
    "taak": "Taak afgerond",
    "contact": "Contactmoment",
    "verwijzing": "Verwijzing",
    "termijn": "Termijn",
    "dossier": "Dossier",
    "toestemming": "Toestemming",
    "overdracht": "Overdracht",
    "piezo": "Piëzo-fase",
    "migratie": "Procesversie",
}
# How many entries a page shows before "meer tonen".
PAGE = 25


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    by: str = ""
    text: str = ""
    # The answers shown (label, value), and how many the role may not read.
    rows: tuple[tuple[str, str], ...] = ()
    hidden: int = 0
    # Privacy classes shown, and those shown only thanks to consent (for the log).
    shown: frozenset[str] = frozenset()
    by_consent: frozenset[str] = frozenset()
    # A deadline is a day, not a moment.
    date_only: bool = False
    missed: bool = False

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]  # the entries of this page, newest first
    total: int  # how many match the filter
    kind: str  # the kind filtered on ("" for all)
    counts: list[tuple[str, str, int]]  # (kind, label, number) of the kinds present
    limit: int

    @property
    def all_total(self) -> int:
        return sum(n for _, _, n in self.counts)

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, "")

    @property
    def more(self) -> bool:
        return self.total > len(self.entries)

    @property
    def next_limit(self) -> int:
        return self.limit + PAGE

    @property
    def shown(self) -> set[str]:
        return set().union(*(entry.shown for entry in self.entries))

    @property
    def by_consent(self) -> set[str]:
        return set().union(*(entry.by_consent for entry in self.entries))


def _name(user: Any) -> str:
    if user is None:
        return ""
    return str(user.get_full_name() or user.get_username())


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def day_of(value: Any) -> date | None:
    """The date of a milestone value (an ISO date or moment), if it is one."""
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


# ---- the sources -----------------------------------------------------------------


def _submissions(history: list[HistoryEntry]) -> list[TimelineEntry]:
    entries = []
    for entry in history:
        submission = entry.submission
        if submission.form_key == START_FORM:
            kind, title = "dossier", f"Dossier geopend: {submission.task_name}"
        elif submission.form_key == CONTACT_FORM:
            kind, title = "contact", submission.task_name
        else:
            kind, title = "taak", submission.task_name
        entries.append(
            TimelineEntry(
                at=submission.submitted_at,
                kind=kind,
                title=title,
                by=_name(submission.submitted_by) or "het systeem",
                rows=tuple(entry.rows),
                hidden=entry.hidden,
                shown=entry.shown,
                by_consent=entry.by_consent,
            )
        )
    return entries


def _referrals(case: Case, access: CaseAccess, events: list) -> list[TimelineEntry]:
    every = list(case.referrals.select_related("created_by").order_by("created_at"))
    # A referral whose leefgebied only the statushouder's consent would show is
    # left out, follow-ups and all: "naar Schuldhulp" tells as much as the debt.
    referrals = [r for r in every if access.shows_leefgebied(r.leefgebied, "mb")]
    withheld = {r.created_at for r in every} - {r.created_at for r in referrals}
    entries = []
    readable = {}
    for referral in referrals:
        privacy = leefgebied_privacy(referral.leefgebied)
        readable[referral.pk] = access.may_read(privacy, "mb")
        consent = readable[referral.pk] and access.needs_consent(privacy, "mb")
        entries.append(
            TimelineEntry(
                at=referral.created_at,
                kind="verwijzing",
                title=f"Doorverwezen naar {referral.organisation}",
                by=_name(referral.created_by),
                text=(
                    f"Leefgebied: {referral.get_leefgebied_display()}. Opvolgen op"
                    f" {referral.follow_up_on:%d-%m-%Y}."
                ),
                rows=(("Waarom", referral.reason),) if readable[referral.pk] else (),
                hidden=0 if readable[referral.pk] else 1,
                shown=frozenset({privacy}) if readable[referral.pk] else frozenset(),
                by_consent=frozenset({privacy}) if consent else frozenset(),
            )
        )
    for event in events:
        if event.event != "referral_followed_up":
            continue
        # The follow-up that closed a referral has its moment; a "loopt nog" in
        # between is the case's only referral made before it, if there is one.
        matching = [r for r in every if r.followed_up_at == event.at] or [
            r for r in every if r.created_at <= event.at
        ]
        referral = matching[0] if len(matching) == 1 else None
        if referral is None and withheld:
            # Which referral it was is unknown, and it may be one left out.
            continue
        if referral is not None and referral.created_at in withheld:
            continue
        outcome = dict(Referral.Outcome.choices).get(
            event.detail.get("outcome", ""), "opgevolgd"
        )
        rows: tuple[tuple[str, str], ...] = ()
        if (
            referral is not None
            and referral.followed_up_at == event.at
            and referral.follow_up_note
            and readable[referral.pk]
        ):
            rows = (("Toelichting", referral.follow_up_note),)
        entries.append(
            TimelineEntry(
                at=event.at,
                kind="verwijzing",
                title=(
                    f"Verwijzing naar {referral.organisation} opgevolgd"
                    if referral is not None
                    else "Verwijzing opgevolgd"
                ),
                by=_name(event.user),
                text=f"Uitkomst: {outcome}.",
                rows=rows,
            )
        )
    return entries


def _pip_deadline(case: Case, today: date, reached: list) -> list[TimelineEntry]:
    """The PIP deadline, judged on the vaststelling (the law's deadline): met on the
    vaststelling, missed on the day after the deadline while not vastgesteld."""
    deadline = case.pip_deadline
    if deadline is None:
        return []
    entries = []
    set_at = next((m for m in reached if m.key == "pip_termijn"), None)
    if set_at is not None:
        entries.append(
            TimelineEntry(
                at=set_at.reached_at,
                kind="termijn",
                title="PIP-termijn gaat lopen",
                text=f"Het PIP moet uiterlijk {deadline:%d-%m-%Y} zijn vastgesteld.",
            )
        )
    done = case.pip_vastgesteld_op
    if done is not None:
        moment = next(
            (m.reached_at for m in reversed(reached) if m.key == "pip_vastgesteld"),
            _midnight(done),
        )
        late = done > deadline
        entries.append(
            TimelineEntry(
                at=moment,
                kind="termijn",
                title=(
                    "PIP vastgesteld na de termijn" if late else "PIP-termijn gehaald"
                ),
                text=(
                    f"Het PIP is vastgesteld op {done:%d-%m-%Y}; de termijn was"
                    f" {deadline:%d-%m-%Y}."
                ),
                missed=late,
            )
        )
    missed_on = deadline + timedelta(days=1)
    closed_before = case.is_closed and (
        case.closed_at is None or timezone.localdate(case.closed_at) < missed_on
    )
    if today >= missed_on and (done is None or done > deadline) and not closed_before:
        entries.append(
            TimelineEntry(
                at=_midnight(missed_on),
                kind="termijn",
                title="PIP-termijn verstreken",
                text=(
                    f"Het PIP was op {deadline:%d-%m-%Y} nog niet vastgesteld."
                    if done is None
                    else f"Het PIP was op {deadline:%d-%m-%Y} nog niet vastgesteld;"
                    f" dat gebeurde op {done:%d-%m-%Y}."
                ),
                date_only=True,
                missed=True,
            )
        )
    return entries


def _term_of_integration(case: Case, today: date, reached: list) -> list[TimelineEntry]:
    """The inburgeringstermijn (a repeating milestone: every extension records the
    new end), and when it ran out while its process still runs."""
    terms = [m for m in reached if m.key == "inburgeringstermijn" and day_of(m.value)]
    reasons = [m for m in reached if m.key == "termijn_verlengd" and m.value]
    entries = []
    for index, milestone in enumerate(terms):
        end = day_of(milestone.value)
        reason = next(
            (r for r in reasons if r.reached_at <= milestone.reached_at), None
        )
        extended = index > 0
        text = f"De inburgeringstermijn loopt tot {end:%d-%m-%Y}."
        if extended and reason is not None:
            label = milestone_label(
                version=reason.version, key="termijn_verlengd", value=reason.value
            )
            text += f" Reden: {label}."
        entries.append(
            TimelineEntry(
                at=milestone.reached_at,
                kind="termijn",
                title=(
                    "Inburgeringstermijn verlengd"
                    if extended
                    else "Inburgeringstermijn gaat lopen"
                ),
                text=text,
            )
        )
    if terms:
        end = day_of(terms[-1].value)
        process = bundle_of(case.version).process
        running = {
            m.process for m in process.milestones if m.key == "inburgeringstermijn"
        } & set(case.open_phases)
        if end is not None and today > end and running and not case.is_closed:
            entries.append(
                TimelineEntry(
                    at=_midnight(end + timedelta(days=1)),
                    kind="termijn",
                    title="Inburgeringstermijn verstreken",
                    text=f"De inburgeringstermijn liep tot {end:%d-%m-%Y}.",
                    date_only=True,
                    missed=True,
                )
            )
    return entries


def _piezo(case: Case, reached: list) -> list[TimelineEntry]:
    """Each change of the Piëzo phase (a contact moment that leaves it empty or
    repeats it changes nothing)."""
    by_moment = {
        (s.bpmn_id, s.submitted_at): _name(s.submitted_by)
        for s in case.submissions.select_related("submitted_by").only(
            "bpmn_id", "submitted_at", "submitted_by"
        )
    }
    entries, previous, before = [], "", ""
    for milestone in reached:
        value = str(milestone.value or "")
        if milestone.key != "piezo_fase" or not value or value == previous:
            continue
        label = milestone_label(
            version=milestone.version, key="piezo_fase", value=value
        )
        entries.append(
            TimelineEntry(
                at=milestone.reached_at,
                kind="piezo",
                title="Piëzo-fase veranderd" if previous else "Piëzo-fase vastgelegd",
                by=by_moment.get((milestone.bpmn_id, milestone.reached_at), ""),
                text=f"Nu: {label}." + (f" Was: {before}." if before else ""),
            )
        )
        previous, before = value, label
    return entries


def _consent_words(consents: list[Consent]) -> tuple[str, str, tuple]:
    """Title, sentence and note of one recording of consent."""
    labels = dict(Consent.Category.choices)
    where = str(Consent.Direction(consents[0].direction).label)
    if len(consents) == 1:
        (consent,) = consents
        text = f"{labels[consent.category]}, {where}"
        if consent.way:
            text += f", {consent.get_way_display()}"
        if consent.on_date != timezone.localdate(consent.recorded_at):
            text += f", per {consent.on_date:%d-%m-%Y}"
        note = (("Toelichting", consent.note),) if consent.note else ()
        word = "gegeven" if consent.given else "ingetrokken"
        return f"Toestemming {word}", f"{text}.", note
    yes = ", ".join(str(labels[c.category]) for c in consents if c.given)
    no = ", ".join(str(labels[c.category]) for c in consents if not c.given)
    text = f"{where[0].upper()}{where[1:]}: gegeven voor {yes or 'niets'}"
    text += f"; niet voor {no or 'niets'}"
    if consents[0].way:
        text += f" ({consents[0].get_way_display()}"
        text += f", per {consents[0].on_date:%d-%m-%Y})"
    return "Toestemming vastgelegd", f"{text}.", ()


def _consents(case: Case) -> list[TimelineEntry]:
    """Consent, one entry per recording: a form records every category at once
    (given or not), the case page one category."""
    groups: dict[tuple, list[Consent]] = {}
    for consent in case.consents.select_related("recorded_by").order_by(
        "recorded_at", "id"
    ):
        key = (consent.recorded_at, consent.direction, consent.recorded_by_id)
        groups.setdefault(key, []).append(consent)
    entries = []
    labels = dict(Consent.Category.choices)
    for asked in case.consent_requests.select_related("requested_by"):
        where = str(Consent.Direction(asked.direction).label)
        entries.append(
            TimelineEntry(
                at=asked.requested_at,
                kind="toestemming",
                title="Toestemming gevraagd",
                by=_name(asked.requested_by),
                text=f"{labels[asked.category]}, {where}.",
                rows=(("Toelichting", asked.note),) if asked.note else (),
            )
        )
    for consents in groups.values():
        title, text, rows = _consent_words(consents)
        entries.append(
            TimelineEntry(
                at=consents[0].recorded_at,
                kind="toestemming",
                title=title,
                by=_name(consents[0].recorded_by),
                text=text,
                rows=rows,
            )
        )
    return entries


def _migrations(case: Case) -> list[TimelineEntry]:
    entries = []
    for move in case.migrations.select_related(
        "from_version", "to_version", "migrated_by", "reverted_by"
    ):
        entries.append(
            TimelineEntry(
                at=move.migrated_at,
                kind="migratie",
                title="Naar een nieuwe procesversie gezet",
                by=_name(move.migrated_by),
                text=(
                    f"Van versie {move.from_version.label} naar versie"
                    f" {move.to_version.label}."
                ),
            )
        )
        if move.reverted_at is not None:
            entries.append(
                TimelineEntry(
                    at=move.reverted_at,
                    kind="migratie",
                    title="Terug naar de vorige procesversie",
                    by=_name(move.reverted_by),
                    text=(
                        f"De overgang naar versie {move.to_version.label} is"
                        f" teruggedraaid; het dossier loopt weer op versie"
                        f" {move.from_version.label}."
                    ),
                )
            )
    return entries


def _people(events: list) -> dict[str, str]:
    """Username -> full name of everyone a hand-over names."""
    usernames = {
        str(event.detail.get(key))
        for event in events
        for key in ("from", "to")
        if event.detail.get(key)
    }
    users = get_user_model().objects.filter(username__in=usernames)
    return {user.get_username(): _name(user) for user in users}


def _day(iso: Any) -> str:
    try:
        moment = datetime.fromisoformat(str(iso))
    except ValueError:
        return str(iso)
    if moment.tzinfo is not None:
        moment = timezone.localtime(moment)
    return moment.strftime("%d-%m-%Y")


def _correction_entry(event: Any, detail: dict) -> TimelineEntry:
    """A corrected date: who, the old and the new date, why, and what moved."""
    rows = [
        ("Oude datum", _day(detail.get("old", ""))),
        ("Nieuwe datum", _day(detail.get("new", ""))),
        ("Reden", str(detail.get("reason") or "")),
    ]
    for moved in detail.get("moved") or []:
        passed = " (al verstreken: volgde direct)" if moved.get("passed") else ""
        rows.append(
            (
                f"‘{moved.get('name')}’ verschoven",
                f"van {_day(moved.get('before'))} naar {_day(moved.get('after'))}"
                f"{passed}",
            )
        )
    for name in detail.get("fired_before") or []:
        rows.append((f"‘{name}’", "al gegeven op de oude datum; blijft staan"))
    return TimelineEntry(
        event.at,
        "dossier",
        f"{detail.get('label') or 'Datum'} gecorrigeerd",
        _name(event.user),
        rows=tuple(rows),
    )


def _events(case: Case, events: list, has_start: bool) -> list[TimelineEntry]:
    """The audit events a reader cares about that no other table tells."""
    people = _people(events)

    def person(value: Any) -> str:
        return people.get(str(value), str(value)) if value else "niemand"

    entries = []
    for event in events:
        detail = event.detail or {}
        note = str(detail.get("note") or "")
        rows = (("Notitie", note),) if note else ()
        if event.event == "case_started" and not has_start:
            entries.append(
                TimelineEntry(event.at, "dossier", "Dossier geopend", _name(event.user))
            )
        elif event.event == "case_reopened":
            reason = str(detail.get("reason") or "")
            entries.append(
                TimelineEntry(
                    event.at,
                    "dossier",
                    "Dossier heropend",
                    _name(event.user),
                    text=f"Reden: {reason}" if reason else "",
                )
            )
        elif event.event == "date_corrected":
            entries.append(_correction_entry(event, detail))
        elif event.event == "task_handed_over":
            task = detail.get("task_name") or detail.get("task") or "een taak"
            entries.append(
                TimelineEntry(
                    event.at,
                    "overdracht",
                    f"Taak ‘{task}’ overgedragen",
                    _name(event.user),
                    text=f"Van {person(detail.get('from'))} aan"
                    f" {person(detail.get('to'))}.",
                    rows=rows,
                )
            )
        elif event.event == "begeleider_reassigned":
            entries.append(
                TimelineEntry(
                    event.at,
                    "overdracht",
                    "Andere vaste begeleider",
                    _name(event.user),
                    text=f"Van {person(detail.get('from'))} naar"
                    f" {person(detail.get('to'))}.",
                    rows=rows,
                )
            )
    return entries


def _closed(case: Case, outcome: str) -> list[TimelineEntry]:
    if not case.is_closed or case.closed_at is None:
        return []
    return [
        TimelineEntry(
            at=case.closed_at,
            kind="dossier",
            title="Dossier afgesloten",
            text=f"Uitkomst: {outcome}." if outcome else "",
        )
    ]


# ---- the timeline ----------------------------------------------------------------


def timeline_entries(
    *,
    case: Case,
    access: CaseAccess,
    today: date,
    history: list[HistoryEntry] | None = None,
    outcome: str = "",
) -> list[TimelineEntry]:
    """Every entry the viewer may see, newest first. ``history`` saves reading the
    submissions twice when the caller has them already."""
    if history is None:
        history = case_history(case=case, access=access)
    entries = _submissions(history)
    if not access.trainer_only:
        reached = list(
            CaseMilestone.objects.filter(case=case)
            .select_related("version")
            .order_by("reached_at", "id")
        )
        events = list(case.audit_events.select_related("user").order_by("at", "id"))
        has_start = any(e.submission.form_key == START_FORM for e in history)
        entries += _referrals(case, access, events)
        entries += _pip_deadline(case, today, reached)
        entries += _term_of_integration(case, today, reached)
        entries += _piezo(case, reached)
        entries += _consents(case)
        entries += _migrations(case)
        entries += _events(case, events, has_start)
        entries += _closed(case, outcome)
    # Newest first; what happened in one moment keeps the order it was written in.
    indexed = sorted(enumerate(entries), key=lambda pair: (pair[1].at, pair[0]))
    return [entry for _, entry in reversed(indexed)]


def case_timeline(
    *,
    case: Case,
    access: CaseAccess,
    today: date,
    kind: str = "",
    limit: int = PAGE,
    history: list[HistoryEntry] | None = None,
    outcome: str = "",
) -> Timeline:
    """One page of the timeline: the newest ``limit`` entries of one kind (all kinds
    when ``kind`` is empty or unknown), with the number per kind for the filter."""
    entries = timeline_entries(
        case=case, access=access, today=today, history=history, outcome=outcome
    )
    kind = kind if kind in KINDS else ""
    numbers: dict[str, int] = {}
    for entry in entries:
        numbers[entry.kind] = numbers.get(entry.kind, 0) + 1
    matching = [e for e in entries if not kind or e.kind == kind]
    limit = max(PAGE, min(limit, 10_000))
    return Timeline(
        entries=matching[:limit],
        total=len(matching),
        kind=kind,
        counts=[(k, label, numbers[k]) for k, label in KINDS.items() if k in numbers],
        limit=limit,
    )
