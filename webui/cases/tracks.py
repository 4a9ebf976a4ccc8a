"""The two tracks a case runs on side by side, in words a volunteer reads: the MB
organisation's begeleiding and the gemeente's regie. A phase belongs to the track of
the lane its version draws it in (engine.tracks), so every version, however many
phases it has, reads the same way: per track, where the case is now."""

from dataclasses import dataclass

from engine.tracks import phase_lanes
from webui.accounts.models import LANE_SIDE
from webui.definitions.bundles import bundle_of
from webui.definitions.models import DefinitionVersion

from .models import Case

# Track key (the side of the lane) -> its name on the page, in this order.
TRACKS = {"mb": "Begeleiding", "gemeente": "Gemeente"}

_BY_VERSION: dict[str, dict[str, str]] = {}


def phase_tracks(version: DefinitionVersion) -> dict[str, str]:
    """Phase (process id) -> track key, in the version's phase order; a phase no
    lane places is the MB organisation's (the aanmelding before the tracks split)."""
    process = bundle_of(version).process
    found = _BY_VERSION.get(process.content_hash)
    if found is None:
        found = {
            pid: LANE_SIDE.get(lane, "mb") for pid, lane in phase_lanes(process).items()
        }
        _BY_VERSION[process.content_hash] = found
    return found


@dataclass(frozen=True)
class TrackPosition:
    """Where a case stands on one track."""

    label: str
    current: tuple[str, ...]
    done: int
    total: int

    @property
    def now(self) -> str:
        """The current phases in words ("Brede intake en PIP en Financieel
        ontzorgen"), or what the track waits for."""
        if self.current:
            return " en ".join(self.current)
        return "afgerond" if self.done == self.total else "nog niet begonnen"


def track_positions(
    version: DefinitionVersion, statuses: dict[str, str]
) -> list[TrackPosition]:
    """Per track: its current phases and how many of its phases are done, from the
    phase statuses of a case (process id -> "done", "current" or "todo")."""
    names = bundle_of(version).process.phase_names
    tracks = phase_tracks(version)
    positions = []
    for key, label in TRACKS.items():
        mine = [pid for pid in statuses if tracks.get(pid, "mb") == key]
        if not mine:
            continue
        positions.append(
            TrackPosition(
                label=label,
                current=tuple(
                    names.get(p, p) for p in mine if statuses[p] == "current"
                ),
                done=sum(statuses[p] == "done" for p in mine),
                total=len(mine),
            )
        )
    return positions


def open_by_track(case: Case) -> list[tuple[str, str]]:
    """(track name, its current phases in words) for a case list row, from what the
    case stores (no query); one row "Afgerond" for a closed case."""
    return phases_by_track(case.version, case.open_phases, case.is_closed)


def phases_by_track(
    version: DefinitionVersion, open_phases: list[str], is_closed: bool
) -> list[tuple[str, str]]:
    """(track name, the phases open on it in words), from a case's version and
    open phases; one row "Afgerond" when it is closed."""
    if is_closed:
        return [("", "Afgerond")]
    names = bundle_of(version).process.phase_names
    tracks = phase_tracks(version)
    rows = []
    for key, label in TRACKS.items():
        current = [
            names.get(p, p) for p in open_phases or () if tracks.get(p, "mb") == key
        ]
        if current:
            rows.append((label, " en ".join(current)))
    return rows


def track_words(
    version: DefinitionVersion, open_phases: list[str], is_closed: bool
) -> str:
    """The phases per track on one line ("Begeleiding: Voortraject; Gemeente:
    Brede intake en PIP"), for a report's row."""
    return "; ".join(
        f"{track}: {words}" if track else words
        for track, words in phases_by_track(version, open_phases, is_closed)
    )


def with_track_phases(cases: list[Case]) -> list[Case]:
    """The cases, each with ``track_phases``: what open_by_track says of it."""
    for case in cases:
        case.track_phases = open_by_track(case)  # type: ignore[attr-defined]
    return cases


# The key of the closed cases among the phase counts (no process id is this word:
# process ids are the diagram's, in snake_case, and no phase is called so).
CLOSED = "afgerond"


@dataclass(frozen=True)
class PhaseCount:
    """How many cases are in one phase now; ``key`` is the phase's process id, the
    same on every version (what ``?fase=`` carries)."""

    key: str
    label: str
    count: int


@dataclass(frozen=True)
class TrackCounts:
    """The phases of one track with their counts ("" for the closed cases)."""

    label: str
    phases: tuple[PhaseCount, ...]


def phases_across(
    versions: list[DefinitionVersion],
) -> dict[str, tuple[str, str]]:
    """Phase key (process id) -> (track key, name) over several versions, in
    trajectory order: a phase is one key on every version that has it, named and
    placed as the newest of them does (v1's "Uitvoering" is v3's "Begeleiding
    vanuit het PIP")."""
    found: dict[str, tuple[str, str]] = {}
    for version in sorted(versions, key=lambda v: -v.pk):
        names = bundle_of(version).process.phase_names
        for pid, track in phase_tracks(version).items():
            found.setdefault(pid, (track, names.get(pid, pid)))
    for version in sorted(versions, key=lambda v: -v.pk):
        # A process the order does not place (the main process's own tasks).
        for pid, name in bundle_of(version).process.phase_names.items():
            found.setdefault(pid, ("mb", name))
    return found


def phase_label(key: str, versions: list[DefinitionVersion]) -> str:
    """A phase key in words ("Begeleiding: Voortraject"), or the key itself when no
    version knows it."""
    if key == CLOSED:
        return "Afgerond"
    track, name = phases_across(versions).get(key, ("", key))
    return f"{TRACKS[track]}: {name}" if track in TRACKS else name


def counts_per_track(
    rows: list[tuple[int, list[str], bool, int]],
    versions: list[DefinitionVersion],
) -> list[TrackCounts]:
    """Per track, how many cases are in each of its phases now, from (version id,
    open phases, closed, number of cases) rows; a case is counted once in each
    track it runs on (the MB and the regie track run side by side). The closed
    cases last, under "Afgerond"."""
    phases = phases_across(versions)
    counts: dict[str, int] = {}
    closed = 0
    for _version_id, open_phases, is_closed, n in rows:
        if is_closed:
            closed += n
            continue
        for pid in dict.fromkeys(open_phases or ()):
            counts[pid] = counts.get(pid, 0) + n
    groups = []
    for track, label in TRACKS.items():
        mine = tuple(
            PhaseCount(pid, name, counts.pop(pid))
            for pid, (at, name) in phases.items()
            if at == track and pid in counts
        )
        if mine:
            groups.append(TrackCounts(label, mine))
    if counts:  # a phase no version names (a case of a removed process)
        groups.append(
            TrackCounts(
                "Overig", tuple(PhaseCount(p, p, n) for p, n in sorted(counts.items()))
            )
        )
    if closed:
        groups.append(TrackCounts("", (PhaseCount(CLOSED, "Afgerond", closed),)))
    return groups
