"""Meeting requests (matchmaking): what a delegate asks for, step by step, and what becomes of
it. Persisted in the bot's database (table `meetings` in `schema.py`), so a request half filled
in survives a restart; knows nothing about Telegram (`telegram/meetings.py` speaks it).

A request is a *draft* while the delegate answers (their company, what they look for, the time
they prefer); sent, it is *requested* and has a ticket of kind "meeting" in the staff chat; staff
*confirm* it, *propose* another time (the delegate accepts) or *decline* it; the delegate may
*cancel* it at any time.
"""

import csv
import io
import time
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import Row, text

from bot import schema
from bot.insight import safe_cell
from bot.storage import Store

LOOKING_FOR = ("partners", "suppliers", "customers", "investment", "technology")
SLOTS = ("morning", "afternoon", "any")
MAX_TYPED = 200  # characters kept of a company name or a need typed by the delegate


class Step(StrEnum):
    COMPANY = "company"
    LOOKING_FOR = "looking_for"
    TYPE_LOOKING_FOR = "type_looking_for"  # "something else": the delegate types it
    SLOT = "slot"
    CONFIRM = "confirm"


TYPED = (Step.COMPANY, Step.TYPE_LOOKING_FOR)  # steps answered by typing


class MeetingStatus(StrEnum):
    DRAFT = "draft"
    REQUESTED = "requested"
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    DECLINED = "declined"


OPEN = (MeetingStatus.REQUESTED, MeetingStatus.PROPOSED)  # waiting for staff or for the delegate
CANCELLABLE = (MeetingStatus.DRAFT, *OPEN, MeetingStatus.CONFIRMED)


class MeetingError(Exception):
    """An action that does not fit the request's state; `key` names the message in `texts`."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(key)


@dataclass(frozen=True)
class Meeting:
    id: int
    user_id: int
    chat_id: int
    delegate: str
    language: str
    enterprise: str  # company id in the knowledge, "" for "any enterprise" (of a sector or side)
    sector: str  # sector key ("new-energy-vehicles"), ""
    side: str  # "europe" / "lishui", ""
    company: str  # the delegate's company ("" when they would rather not say)
    looking_for: str  # a key of LOOKING_FOR, or the delegate's words
    slot: str  # a key of SLOTS
    step: str
    status: MeetingStatus
    time: str  # the time confirmed or proposed
    ticket_id: int | None
    created_at: float
    updated_at: float


def _meeting(row: Row) -> Meeting:
    values = dict(row._mapping)
    values["status"] = MeetingStatus(values["status"])
    return Meeting(**values)


class Meetings:
    """Meeting requests in the bot's database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- reading ---------------------------------------------------------------------------

    def get(self, meeting_id: int) -> Meeting:
        rows = self.store.query("SELECT * FROM meetings WHERE id = :id", {"id": meeting_id})
        if not rows:
            raise MeetingError("meeting_unknown", number=meeting_id)
        return _meeting(rows[0])

    def draft_of(self, user_id: int) -> Meeting | None:
        """The request the delegate is filling in, if any."""
        rows = self.store.query(
            "SELECT * FROM meetings WHERE user_id = :user AND status = :draft ORDER BY id DESC LIMIT 1",
            {"user": user_id, "draft": MeetingStatus.DRAFT.value},
        )
        return _meeting(rows[0]) if rows else None

    def of(self, user_id: int) -> list[Meeting]:
        """A delegate's sent requests, newest first."""
        rows = self.store.query(
            "SELECT * FROM meetings WHERE user_id = :user AND status != :draft ORDER BY id DESC",
            {"user": user_id, "draft": MeetingStatus.DRAFT.value},
        )
        return [_meeting(row) for row in rows]

    def for_ticket(self, ticket_id: int) -> Meeting | None:
        rows = self.store.query("SELECT * FROM meetings WHERE ticket_id = :ticket", {"ticket": ticket_id})
        return _meeting(rows[0]) if rows else None

    def sent(self) -> list[Meeting]:
        """Every request sent (not drafts), oldest first: what organisers count."""
        rows = self.store.query(
            "SELECT * FROM meetings WHERE status != :draft ORDER BY id", {"draft": MeetingStatus.DRAFT.value}
        )
        return [_meeting(row) for row in rows]

    def last_company(self, user_id: int) -> str:
        """The company the delegate gave last time (offered as a button)."""
        rows = self.store.query(
            "SELECT company FROM meetings WHERE user_id = :user AND company != '' ORDER BY id DESC LIMIT 1",
            {"user": user_id},
        )
        return rows[0].company if rows else ""

    # --- the delegate's steps ----------------------------------------------------------------

    def start(
        self, *, user_id: int, chat_id: int, delegate: str, language: str,
        enterprise: str = "", sector: str = "", side: str = "",
    ) -> Meeting:
        """A new draft (a draft left unfinished before is dropped: one at a time)."""
        now = time.time()
        with self.store.transaction() as db:
            db.execute(
                text("DELETE FROM meetings WHERE user_id = :user AND status = :draft"),
                {"user": user_id, "draft": MeetingStatus.DRAFT.value},
            )
            table = schema.meetings
            meeting_id = db.execute(
                table.insert()
                .values(user_id=user_id, chat_id=chat_id, delegate=delegate, language=language,
                        enterprise=enterprise, sector=sector, side=side, created_at=now, updated_at=now)
                .returning(table.c.id)
            ).scalar_one()
        return self.get(meeting_id)

    def answer(self, meeting_id: int, step: Step, value: str) -> Meeting:
        """Record the answer to `step` (it must be the draft's current step) and move on."""
        meeting = self._draft(meeting_id)
        if meeting.step != step and not (step is Step.LOOKING_FOR and meeting.step == Step.TYPE_LOOKING_FOR):
            raise MeetingError("button_expired")
        value = value.strip()[:MAX_TYPED]
        column, following = {
            Step.COMPANY: ("company", Step.LOOKING_FOR),
            Step.LOOKING_FOR: ("looking_for", Step.SLOT),
            Step.TYPE_LOOKING_FOR: ("looking_for", Step.SLOT),
            Step.SLOT: ("slot", Step.CONFIRM),
        }[step]
        if step is Step.LOOKING_FOR and value == "other":
            column, value, following = "looking_for", "", Step.TYPE_LOOKING_FOR
        self.store.execute(
            f"UPDATE meetings SET {column} = :value, step = :step, updated_at = :now WHERE id = :id",
            {"value": value, "step": following.value, "now": time.time(), "id": meeting_id},
        )
        return self.get(meeting_id)

    def sent_as(self, meeting_id: int, ticket_id: int) -> Meeting:
        """The draft is complete and sent: it has a ticket in the staff chat now."""
        meeting = self._draft(meeting_id)
        if meeting.step != Step.CONFIRM:
            raise MeetingError("button_expired")
        return self._set(meeting_id, status=MeetingStatus.REQUESTED, ticket_id=ticket_id)

    def _draft(self, meeting_id: int) -> Meeting:
        meeting = self.get(meeting_id)
        if meeting.status is not MeetingStatus.DRAFT:
            raise MeetingError("button_expired")
        return meeting

    # --- what becomes of it ------------------------------------------------------------------

    def confirm(self, meeting_id: int, when: str) -> Meeting:
        self._expect(meeting_id, OPEN)
        return self._set(meeting_id, status=MeetingStatus.CONFIRMED, time=when)

    def propose(self, meeting_id: int, when: str) -> Meeting:
        self._expect(meeting_id, OPEN)
        return self._set(meeting_id, status=MeetingStatus.PROPOSED, time=when)

    def accept(self, meeting_id: int, user_id: int) -> Meeting:
        meeting = self._expect(meeting_id, (MeetingStatus.PROPOSED,), user_id)
        return self._set(meeting_id, status=MeetingStatus.CONFIRMED, time=meeting.time)

    def decline(self, meeting_id: int) -> Meeting:
        self._expect(meeting_id, OPEN)
        return self._set(meeting_id, status=MeetingStatus.DECLINED)

    def cancel(self, meeting_id: int, user_id: int) -> Meeting:
        self._expect(meeting_id, CANCELLABLE, user_id)
        return self._set(meeting_id, status=MeetingStatus.CANCELLED)

    def _expect(
        self, meeting_id: int, statuses: tuple[MeetingStatus, ...], user_id: int | None = None
    ) -> Meeting:
        meeting = self.get(meeting_id)
        if user_id is not None and meeting.user_id != user_id:
            raise MeetingError("meeting_unknown", number=meeting_id)
        if meeting.status not in statuses:
            raise MeetingError("meeting_closed", number=meeting_id, status=meeting.status)
        return meeting

    def _set(self, meeting_id: int, **values: object) -> Meeting:
        columns = ", ".join(f"{column} = :{column}" for column in values)
        plain = {column: str(v) if isinstance(v, StrEnum) else v for column, v in values.items()}
        self.store.execute(
            f"UPDATE meetings SET {columns}, updated_at = :now WHERE id = :id",
            {**plain, "now": time.time(), "id": meeting_id},
        )
        return self.get(meeting_id)

    def forget(self, user_id: int) -> None:
        """Delete a delegate's meeting requests (`/forget`)."""
        self.store.execute("DELETE FROM meetings WHERE user_id = :user", {"user": user_id})


# --- for organisers ---------------------------------------------------------------------------


def counts(meetings: list[Meeting]) -> tuple[Counter, Counter, Counter]:
    """Requests per status, per enterprise ("" = any) and per sector ("" = not said)."""
    return (
        Counter(m.status.value for m in meetings),
        Counter(m.enterprise for m in meetings),
        Counter(m.sector for m in meetings),
    )


CSV_COLUMNS = (
    "id", "status", "enterprise", "sector", "side", "language", "delegate", "company", "looking_for",
    "slot", "time", "ticket", "created",
)


def meetings_csv(meetings: list[Meeting]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for m in meetings:
        created = time.strftime("%Y-%m-%d %H:%M", time.gmtime(m.created_at))
        row = (
            m.id, m.status.value, m.enterprise, m.sector, m.side, m.language, m.delegate, m.company,
            m.looking_for, m.slot, m.time, m.ticket_id or "", created,
        )
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
