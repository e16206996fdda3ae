"""How many cores other processes leave idle, so that a long question's embedding can borrow one:
the machine's busy time (Linux `/proc/stat`) less this process's own, since the last look."""

import os
import time
from pathlib import Path
from typing import NamedTuple

_STAT = Path("/proc/stat")
MIN_WINDOW = 0.2  # seconds between looks: /proc/stat counts in ticks of 10 ms


class _Look(NamedTuple):
    wall: float
    machine_busy: float | None  # CPU seconds every process has used, None where unreadable
    own: float  # CPU seconds this process has used (all its threads)


def _machine_busy_seconds() -> float | None:
    """Busy CPU seconds of the whole machine since boot (None off Linux or if unreadable)."""
    try:
        fields = _STAT.read_text(encoding="ascii").split("\n", 1)[0].split()[1:9]
        ticks = [int(field) for field in fields]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle and iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def _look() -> _Look:
    return _Look(time.monotonic(), _machine_busy_seconds(), time.process_time())


class IdleCores:
    """Cores idle beside this process, as last measured (0 until a window of `MIN_WINDOW` has
    passed, and always 0 where the machine's busy time cannot be read)."""

    def __init__(self, cores: int) -> None:
        self._cores = cores
        self._last = _look()
        self._idle = 0.0

    def now(self) -> float:
        """The idle cores over the time since the last measurement, measured again if that is
        long enough to count (else the last measurement)."""
        look = _look()
        window = look.wall - self._last.wall
        if window < MIN_WINDOW:
            return self._idle
        if look.machine_busy is not None and self._last.machine_busy is not None:
            others = max(0.0, (look.machine_busy - self._last.machine_busy) - (look.own - self._last.own))
            self._idle = max(0.0, self._cores - 1 - others / window)  # one core is this process's
        self._last = look
        return self._idle
