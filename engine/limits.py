"""Bounds on the work one engine operation may do.

Diagrams come from beheerders, who are trusted with their gemeente's process but not
with the server. A script with an endless loop, a gateway loop that never waits for a
person, or a computation that eats the memory must not hang a request or starve other
users. Every engine operation therefore runs under a Budget:

- engine steps: the number of tasks SpiffWorkflow completes without a person in
  between (scripts, gateways, events);
- time: wall-clock seconds for the whole operation;
- script lines: the lines of diagram code executed (counted by a trace function that is
  active only inside diagram code, so ordinary code pays nothing);
- memory: growth of the process's resident memory while diagram code runs.

Running out raises BudgetExceeded; the runtime turns it into WorkflowFailed with a
message for the beheerder, and the case stays as it was. Single operations that are
large in C (``'a' * 10**10``) are refused by the guards in ``scripting``.
"""

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from types import FrameType
from typing import Any

DIAGRAM_FILENAME = "<diagram>"
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


class BudgetExceeded(Exception):
    """An engine operation did more work than its budget allows."""


@dataclass(frozen=True)
class Budget:
    """How much one engine operation (start, complete, fire timers) may do."""

    max_steps: int = 2_000
    max_seconds: float = 3.0
    max_lines: int = 2_000_000
    max_memory_mb: int = 256
    # Where max_seconds is read: a monotonic reading in seconds. A test passes its
    # own, so a time budget runs out after a known amount of work, not of waiting.
    stopwatch: Callable[[], float] = field(
        default=time.monotonic, compare=False, repr=False
    )


DEFAULT_BUDGET = Budget()


def _resident_bytes() -> int:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


class Meter:
    """Counts the work of one operation against its budget."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.deadline = budget.stopwatch() + budget.max_seconds
        self.steps = 0
        self.lines = 0
        self.exceeded: str | None = None
        self._memory_start = 0

    def _exceed(self, reason: str) -> None:
        self.exceeded = reason
        raise BudgetExceeded(reason)

    def step(self, *_args: Any) -> None:
        """One engine task completed (SpiffWorkflow's did_complete_task callback)."""
        self.steps += 1
        if self.steps > self.budget.max_steps:
            self._exceed(
                f"het proces deed meer dan {self.budget.max_steps} stappen zonder op"
                " iemand te wachten (een lus die nooit stopt?)"
            )
        self.check_time()

    def check_time(self) -> None:
        if self.budget.stopwatch() > self.deadline:
            self._exceed(
                f"het proces rekende langer dan {self.budget.max_seconds:g} seconden"
            )

    def _check_memory(self) -> None:
        grown = _resident_bytes() - self._memory_start
        if grown > self.budget.max_memory_mb * 1024 * 1024:
            self._exceed(
                f"een script gebruikte meer dan {self.budget.max_memory_mb} MB geheugen"
            )

    def _line(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.lines += 1
            # Often enough that one line building megabytes (a list per round of a
            # comprehension) is caught within a few hundred MB; reading the
            # process's memory costs microseconds, the clock nanoseconds.
            if self.lines % 16 == 0:
                if self.lines > self.budget.max_lines:
                    self._exceed(
                        "een script voerde meer dan"
                        f" {self.budget.max_lines:,} regels uit".replace(",", ".")
                    )
                self.check_time()
                if self.lines % 64 == 0:
                    self._check_memory()
        return self._line

    def _call(self, frame: FrameType, event: str, arg: Any) -> Any:
        # Only diagram code is traced line by line; library code runs untraced.
        if frame.f_code.co_filename == DIAGRAM_FILENAME:
            return self._line
        return None

    @contextmanager
    def tracing(self) -> Iterator[None]:
        """Trace diagram code run inside the block (one script or expression)."""
        if self._memory_start == 0:
            self._memory_start = _resident_bytes()
        self.check_time()
        previous = sys.gettrace()
        sys.settrace(self._call)
        try:
            yield
        finally:
            sys.settrace(previous)


_current: ContextVar[Meter | None] = ContextVar("wegwijs_meter", default=None)


@contextmanager
def metered(budget: Budget) -> Iterator[Meter]:
    """Run an engine operation under ``budget``; diagram code reads it from here."""
    meter = Meter(budget)
    token = _current.set(meter)
    try:
        yield meter
    finally:
        _current.reset(token)


@contextmanager
def tracing_diagram_code() -> Iterator[None]:
    """Trace the diagram code run in the block against the current operation's
    budget; outside an operation (validation, tests) a default budget applies."""
    meter = _current.get()
    if meter is None:
        meter = Meter(DEFAULT_BUDGET)
    with meter.tracing():
        yield
