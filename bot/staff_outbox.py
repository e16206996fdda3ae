"""The staff chat's outbox: what the bot posts in the staff group (ticket cards, delegates'
messages, notices) is queued here and sent by one background task at the pace Telegram allows
a group (20 messages a minute), so no update handler waits for it and delegates' answers never
queue behind staff traffic. A delegate's consecutive messages on one ticket go out as one
staff message.
"""

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

BATCH_CHARS = 3000  # a batch of delegate messages stays well inside one Telegram message


@dataclass(frozen=True)
class Line:
    """One delegate message waiting for the staff chat."""

    relay_id: int
    body: str


@dataclass(frozen=True)
class _Job:
    ticket_id: int | None
    work: Callable[[], Awaitable[object]] | None = None  # a card, a notice…
    line: Line | None = None  # a delegate's message (batched)


SendLines = Callable[[int, list[Line]], Awaitable[None]]


class StaffOutbox:
    """A queue of staff-chat work and the task that sends it, oldest first."""

    def __init__(self, send_lines: SendLines, batch_chars: int = BATCH_CHARS) -> None:
        self._send_lines = send_lines
        self._batch_chars = batch_chars
        self._jobs: deque[_Job] = deque()
        self._task: asyncio.Task[None] | None = None

    def post(self, work: Callable[[], Awaitable[object]], ticket_id: int | None = None) -> None:
        """Run `work` (something that speaks in the staff chat) in turn."""
        self._put(_Job(ticket_id, work=work))

    def relay(self, ticket_id: int, relay_id: int, body: str) -> None:
        """A delegate's message for their ticket's staff conversation."""
        self._put(_Job(ticket_id, line=Line(relay_id, body)))

    @property
    def pending(self) -> int:
        return len(self._jobs)

    async def drained(self) -> None:
        """Wait until everything queued so far has been sent (or has failed)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def close(self) -> None:
        """Stop sending (at shutdown); what is still queued is dropped."""
        self._jobs.clear()
        if self._task is not None and not self._task.done():
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    def _put(self, job: _Job) -> None:
        self._jobs.append(job)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(), name="staff-outbox")

    async def _run(self) -> None:
        while self._jobs:
            job = self._jobs.popleft()
            try:
                if job.work is not None:
                    await job.work()
                elif job.line is not None and job.ticket_id is not None:
                    await self._send_lines(job.ticket_id, [job.line, *self._more_lines(job)])
            except Exception:  # one failed send must not stop the staff chat's queue
                log.exception("could not send to the staff chat (ticket %s)", job.ticket_id)

    def _more_lines(self, first: _Job) -> list[Line]:
        """The same ticket's next queued messages, in order, up to a batch's size."""
        taken: list[Line] = []
        size = len(first.line.body) if first.line else 0
        kept: deque[_Job] = deque()
        full = False
        for job in self._jobs:
            same = job.ticket_id == first.ticket_id
            if same and not full and job.line and size + len(job.line.body) <= self._batch_chars:
                taken.append(job.line)
                size += len(job.line.body)
                continue
            full = full or same  # keep the ticket's order: nothing jumps over what stays behind
            kept.append(job)
        self._jobs = kept
        return taken
