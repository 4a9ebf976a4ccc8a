"""Time for the engine, injectable so that deadlines can be tested without waiting.

SpiffWorkflow reads the time with ``datetime.now(timezone.utc)`` inside its timer module
and takes no clock parameter. We replace that module's ``datetime`` name once with a
subclass whose ``now()`` asks the clock of the current engine call (a context variable,
so two threads with different clocks do not see each other's time). Outside an engine
call it is the real time.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""
        ...


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; for tests and simulations."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs a timezone-aware start")
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, moment: datetime) -> None:
        self._now = moment


_current_clock: ContextVar[Clock | None] = ContextVar("wegwijs_clock", default=None)


class _ClockAwareDatetime(datetime):
    # A plain datetime, not this subclass (typeshed says Self): SpiffWorkflow's timers
    # only compare it and add to it.
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
        clock = _current_clock.get()
        if clock is None:
            return datetime.now(tz)
        moment = clock.now()
        return moment.astimezone(tz) if tz is not None else moment


_spiff_timer.datetime = _ClockAwareDatetime


@contextmanager
def running_on(clock: Clock) -> Iterator[None]:
    """Let SpiffWorkflow's timers read ``clock`` for the duration of the block."""
    token = _current_clock.set(clock)
    try:
        yield
    finally:
        _current_clock.reset(token)
