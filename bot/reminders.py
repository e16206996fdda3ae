"""Reminders of timed agenda items, kept in the bot's database (table `reminders` in `schema.py`)
so that they survive restarts (the Telegram layer schedules them again at start-up). Knows
nothing about Telegram."""

from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from bot import schema
from bot.storage import Store


@dataclass(frozen=True)
class Reminder:
    """One delegate's reminder of one agenda item (`item`: its key), due at `remind_at` (Unix time)."""

    id: int
    user_id: int
    chat_id: int
    item: str
    language: str
    title: str
    clock: str
    starts_at: float
    remind_at: float


class Reminders:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self, user_id: int, chat_id: int, item: str, language: str, title: str, clock: str,
        starts_at: float, remind_at: float,
    ) -> Reminder | None:
        """The new reminder; None when the delegate already has one for this item."""
        try:
            new_id = self.store.insert(
                schema.reminders, user_id=user_id, chat_id=chat_id, item=item, language=language,
                title=title, clock=clock, starts_at=starts_at, remind_at=remind_at,
            )
        except IntegrityError:
            return None
        return self.get(new_id)

    def get(self, reminder_id: int) -> Reminder | None:
        rows = self.store.query("SELECT * FROM reminders WHERE id = :id", {"id": reminder_id})
        return Reminder(**rows[0]._mapping) if rows else None

    def pending(self) -> list[Reminder]:
        """Every reminder not sent yet, the soonest first."""
        rows = self.store.query("SELECT * FROM reminders ORDER BY remind_at")
        return [Reminder(**row._mapping) for row in rows]

    def done(self, reminder_id: int) -> None:
        self.store.execute("DELETE FROM reminders WHERE id = :id", {"id": reminder_id})

    def forget(self, user_id: int) -> None:
        """Delete a delegate's reminders (`/forget`)."""
        self.store.execute("DELETE FROM reminders WHERE user_id = :user", {"user": user_id})
