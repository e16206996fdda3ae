"""Reminders of timed agenda items, kept in the bot's database so that they survive restarts
(the Telegram layer schedules them again at start-up). Knows nothing about Telegram."""

import sqlite3
from dataclasses import dataclass

from bot.storage import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    item TEXT NOT NULL,
    language TEXT NOT NULL,
    title TEXT NOT NULL,
    clock TEXT NOT NULL,
    starts_at REAL NOT NULL,
    remind_at REAL NOT NULL,
    UNIQUE (user_id, item)
);
"""


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
        store.executescript(SCHEMA)

    def add(
        self, user_id: int, chat_id: int, item: str, language: str, title: str, clock: str,
        starts_at: float, remind_at: float,
    ) -> Reminder | None:
        """The new reminder; None when the delegate already has one for this item."""
        try:
            new_id = self.store.execute(
                "INSERT INTO reminders (user_id, chat_id, item, language, title, clock, starts_at, "
                "remind_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (user_id, chat_id, item, language, title, clock, starts_at, remind_at),
            )
        except sqlite3.IntegrityError:
            return None
        return self.get(new_id)

    def get(self, reminder_id: int) -> Reminder | None:
        rows = self.store.query("SELECT * FROM reminders WHERE id = ?", (reminder_id,))
        return Reminder(**dict(rows[0])) if rows else None

    def pending(self) -> list[Reminder]:
        """Every reminder not sent yet, the soonest first."""
        rows = self.store.query("SELECT * FROM reminders ORDER BY remind_at")
        return [Reminder(**dict(row)) for row in rows]

    def done(self, reminder_id: int) -> None:
        self.store.execute("DELETE FROM reminders WHERE id = ?", (reminder_id,))

    def forget(self, user_id: int) -> None:
        """Delete a delegate's reminders (`/forget`)."""
        self.store.execute("DELETE FROM reminders WHERE user_id = ?", (user_id,))
