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
    if case.is_closed:
        return [("", "Afgerond")]
    names = bundle_of(case.version).process.phase_names
    tracks = phase_tracks(case.version)
    rows = []
    for key, label in TRACKS.items():
        current = [
            names.get(p, p) for p in case.open_phases if tracks.get(p, "mb") == key
        ]
        if current:
            rows.append((label, " en ".join(current)))
    return rows


def with_track_phases(cases: list[Case]) -> list[Case]:
    """The cases, each with ``track_phases``: what open_by_track says of it."""
    for case in cases:
        case.track_phases = open_by_track(case)  # type: ignore[attr-defined]
    return cases
