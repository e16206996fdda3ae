"""Staff handoff: tickets a person takes over, the messages relayed on them, and knowledge
drafts made from staff answers. Persisted in the bot's SQLite database; knows nothing
about Telegram (the Telegram layer is `telegram/staff.py`).

A ticket goes open → claimed → resolved, or is returned to the bot / ended by the
delegate. A delegate has at most one active (open or claimed) ticket at a time.
"""

import datetime as dt
import hashlib
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml

from bot import LANGUAGES
from bot.guard import small_talk
from bot.knowledge import entry_file
from bot.storage import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    delegate TEXT NOT NULL,
    language TEXT NOT NULL,
    question TEXT NOT NULL,
    bot_answer TEXT NOT NULL DEFAULT '',
    sources TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    staff_id INTEGER,
    staff_name TEXT NOT NULL DEFAULT '',
    thread_id INTEGER,
    staff_message_id INTEGER,
    created_at REAL NOT NULL,
    claimed_at REAL,
    closed_at REAL,
    busy_notified INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    rendering TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS tickets_user ON tickets (user_id, status);
CREATE TABLE IF NOT EXISTS ticket_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('delegate', 'staff')),
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    translation TEXT,
    staff_message_id INTEGER,
    delivered INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_messages_staff ON ticket_messages (staff_message_id);
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER,
    entry_id TEXT NOT NULL,
    title TEXT NOT NULL,
    versions TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    created_by TEXT NOT NULL,
    created_at REAL NOT NULL,
    decided_by TEXT NOT NULL DEFAULT '',
    decided_at REAL
);
CREATE TABLE IF NOT EXISTS ticket_notes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author TEXT NOT NULL,
    text TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS ticket_ratings (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL CHECK (rating IN (-1, 1)),
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS saved_replies (
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (name, language)
);
"""


QUESTION, MEETING = "question", "meeting"  # kinds of ticket: a question, or a meeting request
# Added to databases made before meeting requests existed (an additive column).
KIND_COLUMN = "ALTER TABLE tickets ADD COLUMN kind TEXT NOT NULL DEFAULT 'question'"


class Status(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    RETURNED = "returned"  # staff gave the conversation back to the bot
    ENDED = "ended"  # the delegate ended it with /end


ACTIVE = (Status.OPEN, Status.CLAIMED)


class TicketError(Exception):
    """An action that does not fit the ticket's state; `key` names the message in `texts`."""

    def __init__(self, key: str, **values: object) -> None:
        self.key = key
        self.values = values
        super().__init__(key)


@dataclass(frozen=True)
class Ticket:
    id: int
    user_id: int
    chat_id: int
    delegate: str
    language: str
    question: str
    bot_answer: str
    sources: str
    status: Status
    staff_id: int | None
    staff_name: str
    thread_id: int | None
    staff_message_id: int | None
    created_at: float
    claimed_at: float | None
    closed_at: float | None
    busy_notified: int
    last_error: str
    rendering: str  # the question translated for the staff chat ("" when not needed or no LLM)
    kind: str = QUESTION  # QUESTION, or MEETING (a meeting request, see `bot.meetings`)

    @property
    def active(self) -> bool:
        return self.status in ACTIVE

    @property
    def pseudonym(self) -> str:
        """A stable label for staff that does not reveal the delegate's Telegram id."""
        return "D-" + hashlib.sha256(f"delegate:{self.user_id}".encode()).hexdigest()[:6].upper()


@dataclass(frozen=True)
class Relay:
    """One message carried between delegate and staff on a ticket."""

    id: int
    ticket_id: int
    direction: str
    author: str
    text: str
    translation: str | None
    staff_message_id: int | None
    delivered: int
    error: str
    at: float


@dataclass(frozen=True)
class Draft:
    """A knowledge entry proposed from a staff answer, waiting for an organiser."""

    id: int
    ticket_id: int | None
    entry_id: str
    title: str
    versions: dict[str, dict[str, str]]  # lang → {"question": …, "answer": …}
    status: str
    created_by: str
    created_at: float
    decided_by: str
    decided_at: float | None


def _ticket(row: object) -> Ticket:
    values = dict(row)  # type: ignore[call-overload]
    values["status"] = Status(values["status"])
    return Ticket(**values)


def _draft(row: object) -> Draft:
    values = dict(row)  # type: ignore[call-overload]
    values["versions"] = yaml.safe_load(values["versions"])
    return Draft(**values)


class Tickets:
    """Tickets, their relayed messages and knowledge drafts, in the bot's database."""

    def __init__(self, store: Store) -> None:
        self.store = store
        store.executescript(SCHEMA)
        columns = {row["name"] for row in store.query("PRAGMA table_info(tickets)")}
        if "kind" not in columns:
            store.executescript(KIND_COLUMN)

    # --- reading ---------------------------------------------------------------------------

    def get(self, ticket_id: int) -> Ticket:
        rows = self.store.query("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        if not rows:
            raise TicketError("unknown", number=ticket_id)
        return _ticket(rows[0])

    def active_for(self, user_id: int, kind: str = QUESTION) -> Ticket | None:
        """The delegate's active ticket of `kind` (their messages are relayed on a question's)."""
        rows = self.store.query(
            "SELECT * FROM tickets WHERE user_id = ? AND status IN (?, ?) AND kind = ? "
            "ORDER BY id DESC LIMIT 1",
            (user_id, *ACTIVE, kind),
        )
        return _ticket(rows[0]) if rows else None

    def active(self) -> list[Ticket]:
        """Open and claimed tickets, oldest first."""
        rows = self.store.query("SELECT * FROM tickets WHERE status IN (?, ?) ORDER BY id", ACTIVE)
        return [_ticket(row) for row in rows]

    def for_staff_message(self, thread_id: int | None, reply_to: int | None) -> Ticket | None:
        """The ticket a staff message belongs to: its forum topic, or the message it replies to."""
        if thread_id:
            rows = self.store.query(
                "SELECT * FROM tickets WHERE thread_id = ? ORDER BY id DESC", (thread_id,)
            )
            if rows:
                return _ticket(rows[0])
        if not reply_to:
            return None
        rows = self.store.query(
            "SELECT t.* FROM tickets t WHERE t.staff_message_id = ? UNION "
            "SELECT t.* FROM tickets t JOIN ticket_messages m ON m.ticket_id = t.id "
            "WHERE m.staff_message_id = ?",
            (reply_to, reply_to),
        )
        return _ticket(rows[0]) if rows else None

    def messages(self, ticket_id: int) -> list[Relay]:
        rows = self.store.query("SELECT * FROM ticket_messages WHERE ticket_id = ? ORDER BY id", (ticket_id,))
        return [Relay(**dict(row)) for row in rows]

    # --- lifecycle -------------------------------------------------------------------------

    def open(
        self,
        *,
        user_id: int,
        chat_id: int,
        delegate: str,
        language: str,
        question: str,
        bot_answer: str = "",
        sources: str = "",
        kind: str = QUESTION,
    ) -> Ticket:
        """A new ticket; a delegate with an active question ticket gets
        `TicketError("handoff_already_open")` for another one (meeting requests may be several)."""
        current = self.active_for(user_id) if kind == QUESTION else None
        if current:
            raise TicketError("handoff_already_open", number=current.id)
        ticket_id = self.store.execute(
            "INSERT INTO tickets (user_id, chat_id, delegate, language, question, bot_answer, sources, "
            "status, created_at, kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, chat_id, delegate, language, question, bot_answer, sources, Status.OPEN, time.time(),
             kind),
        )
        return self.get(ticket_id)

    def posted(self, ticket_id: int, thread_id: int | None, message_id: int, rendering: str = "") -> Ticket:
        """Remember where the ticket lives in the staff chat (and the question as staff read it)."""
        self.store.execute(
            "UPDATE tickets SET thread_id = ?, staff_message_id = ?, rendering = ? WHERE id = ?",
            (thread_id, message_id, rendering, ticket_id),
        )
        return self.get(ticket_id)

    def claim(self, ticket_id: int, staff_id: int, staff_name: str) -> Ticket:
        ticket = self.require_active(ticket_id)
        if ticket.status is Status.CLAIMED and ticket.staff_id != staff_id:
            raise TicketError("claimed_by", number=ticket_id, name=ticket.staff_name)
        self.store.execute(
            "UPDATE tickets SET status = ?, staff_id = ?, staff_name = ?, "
            "claimed_at = COALESCE(claimed_at, ?) WHERE id = ?",
            (Status.CLAIMED, staff_id, staff_name, time.time(), ticket_id),
        )
        return self.get(ticket_id)

    def close(self, ticket_id: int, status: Status) -> Ticket:
        """Resolve, return to the bot or end an active ticket."""
        self.require_active(ticket_id)
        self.store.execute(
            "UPDATE tickets SET status = ?, closed_at = ? WHERE id = ?", (status, time.time(), ticket_id)
        )
        return self.get(ticket_id)

    def reopen(self, ticket_id: int, staff_id: int, staff_name: str) -> Ticket:
        """A closed ticket taken up again by a staff member's follow-up (claimed by them); refused
        while the delegate has another active ticket."""
        ticket = self.get(ticket_id)
        if ticket.active:
            return ticket
        current = self.active_for(ticket.user_id)
        if current:
            raise TicketError("other_open", number=ticket_id, other=current.id)
        self.store.execute(
            "UPDATE tickets SET status = ?, staff_id = ?, staff_name = ?, closed_at = NULL WHERE id = ?",
            (Status.CLAIMED, staff_id, staff_name, ticket_id),
        )
        return self.get(ticket_id)

    def busy_notified(self, ticket_id: int) -> None:
        self.store.execute("UPDATE tickets SET busy_notified = 1 WHERE id = ?", (ticket_id,))

    def require_active(self, ticket_id: int) -> Ticket:
        ticket = self.get(ticket_id)
        if not ticket.active:
            raise TicketError("closed", number=ticket_id, status=ticket.status)
        return ticket

    # --- relayed messages ------------------------------------------------------------------

    def add_message(
        self,
        ticket_id: int,
        direction: str,
        author: str,
        message: str,
        translation: str | None = None,
        staff_message_id: int | None = None,
    ) -> int:
        return self.store.execute(
            "INSERT INTO ticket_messages (ticket_id, direction, author, text, translation, "
            "staff_message_id, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ticket_id, direction, author, message, translation, staff_message_id, time.time()),
        )

    def delivered(
        self, message_id: int, staff_message_id: int | None = None, translation: str | None = None
    ) -> None:
        self.store.execute(
            "UPDATE ticket_messages SET delivered = 1, staff_message_id = COALESCE(?, staff_message_id), "
            "translation = COALESCE(?, translation) WHERE id = ?",
            (staff_message_id, translation, message_id),
        )

    def failed(self, message_id: int, error: str) -> None:
        """A relay that could not be delivered: kept on the message and on the ticket for staff."""
        with self.store.transaction() as db:
            db.execute("UPDATE ticket_messages SET error = ? WHERE id = ?", (error, message_id))
            db.execute(
                "UPDATE tickets SET last_error = ? WHERE id = (SELECT ticket_id FROM ticket_messages "
                "WHERE id = ?)",
                (error, message_id),
            )

    def staff_answer(self, ticket_id: int) -> Relay | None:
        """The last message staff sent on the ticket."""
        found = [m for m in self.messages(ticket_id) if m.direction == "staff"]
        return found[-1] if found else None

    def waiting(self, ticket: Ticket, tried: bool = True) -> list[tuple[str, float]]:
        """What the delegate wrote since staff last wrote and still needs an answer (not thanks or
        greetings), with when: (words, time) oldest first.
        The question counts while staff have not written yet (unless `tried` is False and the
        bot already tried to answer it)."""
        counted = tried or not ticket.bot_answer
        waiting = [(ticket.question, ticket.created_at)] if counted else []
        for relay in self.messages(ticket.id):
            if relay.direction == "staff":
                waiting = []
            elif small_talk(relay.text) is None:  # "thanks!", "ok" need no answer
                waiting.append((relay.text, relay.at))
        return waiting

    # --- notes, ratings and saved replies ----------------------------------------------------

    def add_note(self, ticket_id: int, author: str, note: str) -> int:
        """An internal note on a ticket: for staff only, never sent to the delegate."""
        self.get(ticket_id)
        return self.store.execute(
            "INSERT INTO ticket_notes (ticket_id, author, text, at) VALUES (?, ?, ?, ?)",
            (ticket_id, author, note, time.time()),
        )

    def notes(self, ticket_id: int) -> list[tuple[str, str]]:
        """(author, note) of a ticket's internal notes, oldest first."""
        rows = self.store.query("SELECT author, text FROM ticket_notes WHERE ticket_id = ? ORDER BY id",
                                (ticket_id,))
        return [(row["author"], row["text"]) for row in rows]

    def rate(self, ticket_id: int, user_id: int, rating: int) -> bool:
        """The delegate's 👍 (1) / 👎 (-1) for the help on their closed ticket (a new rating
        replaces the old one); False when the ticket is not theirs, still active or the value odd."""
        rows = self.store.query("SELECT * FROM tickets WHERE id = ?", (ticket_id,))
        if not rows or rating not in (-1, 1):
            return False
        ticket = _ticket(rows[0])
        if ticket.user_id != user_id or ticket.active:
            return False
        self.store.execute(
            "INSERT INTO ticket_ratings (ticket_id, rating, at) VALUES (?, ?, ?) "
            "ON CONFLICT (ticket_id) DO UPDATE SET rating = excluded.rating, at = excluded.at",
            (ticket_id, rating, time.time()),
        )
        return True

    def rating(self, ticket_id: int) -> int | None:
        rows = self.store.query("SELECT rating FROM ticket_ratings WHERE ticket_id = ?", (ticket_id,))
        return rows[0]["rating"] if rows else None

    def satisfaction(self) -> dict[str, int]:
        """How delegates rated the staff's help: {"up": 👍 count, "down": 👎 count} (for /stats)."""
        rows = self.store.query("SELECT rating, COUNT(*) AS n FROM ticket_ratings GROUP BY rating")
        counts = {row["rating"]: row["n"] for row in rows}
        return {"up": counts.get(1, 0), "down": counts.get(-1, 0)}

    def save_reply(self, name: str, versions: dict[str, str], by: str) -> None:
        """Define (or redefine the given languages of) a saved reply organisers prepared."""
        with self.store.transaction() as db:
            for lang, words in versions.items():
                db.execute(
                    "INSERT INTO saved_replies (name, language, text, updated_by, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, language) DO UPDATE SET text = excluded.text, "
                    "updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                    (name.lower(), lang, words, by, time.time()),
                )

    def saved_replies(self) -> dict[str, dict[str, str]]:
        """name → {language → text}, by name."""
        replies: dict[str, dict[str, str]] = {}
        for row in self.store.query("SELECT * FROM saved_replies ORDER BY name, language"):
            replies.setdefault(row["name"], {})[row["language"]] = row["text"]
        return replies

    def forget(self, user_id: int) -> None:
        """Delete a delegate's tickets, their messages and the drafts made from them (`/forget`)."""
        with self.store.transaction() as db:
            db.execute("DELETE FROM drafts WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = ?)",
                       (user_id,))
            db.execute("DELETE FROM tickets WHERE user_id = ?", (user_id,))

    # --- knowledge drafts ------------------------------------------------------------------

    def add_draft(
        self, ticket_id: int | None, title: str, versions: dict[str, dict[str, str]], created_by: str
    ) -> Draft:
        entry_id = f"staff-{ticket_id}" if ticket_id else f"staff-{int(time.time())}"
        draft_id = self.store.execute(
            "INSERT INTO drafts (ticket_id, entry_id, title, versions, created_by, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (ticket_id, entry_id, title, yaml.safe_dump(versions, allow_unicode=True), created_by,
             time.time()),
        )
        return self.draft(draft_id)

    def draft(self, draft_id: int) -> Draft:
        rows = self.store.query("SELECT * FROM drafts WHERE id = ?", (draft_id,))
        if not rows:
            raise TicketError("draft_unknown", number=draft_id)
        return _draft(rows[0])

    def drafts(self, status: str = "pending") -> list[Draft]:
        rows = self.store.query("SELECT * FROM drafts WHERE status = ? ORDER BY id", (status,))
        return [_draft(row) for row in rows]

    def edit_draft(self, draft_id: int, changes: dict[str, dict[str, str]]) -> Draft:
        """Replace (or add) the question and/or answer of some languages of a pending draft
        (`changes`: language → {"question": …, "answer": …}, either may be left out)."""
        draft = self.pending_draft(draft_id)
        versions = {lang: dict(version) for lang, version in draft.versions.items()}
        for lang, fields in changes.items():
            version = versions.setdefault(lang, {"question": "", "answer": ""})
            version.update({name: value for name, value in fields.items() if value})
        self.store.execute(
            "UPDATE drafts SET versions = ? WHERE id = ?",
            (yaml.safe_dump(versions, allow_unicode=True), draft_id),
        )
        return self.draft(draft_id)

    def decide(self, draft_id: int, status: str, by: str) -> Draft:
        self.pending_draft(draft_id)
        self.store.execute(
            "UPDATE drafts SET status = ?, decided_by = ?, decided_at = ? WHERE id = ?",
            (status, by, time.time(), draft_id),
        )
        return self.draft(draft_id)

    def pending_draft(self, draft_id: int) -> Draft:
        draft = self.draft(draft_id)
        if draft.status != "pending":
            raise TicketError("draft_decided", number=draft_id, status=draft.status)
        return draft


_SENTENCE_END = re.compile(r"[.?!。？！]+$")


def draft_title(question: str, limit: int = 60) -> str:
    """A short heading from the delegate's question."""
    title = _SENTENCE_END.sub("", " ".join(question.split()))
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def complete(draft: Draft) -> dict[str, dict[str, str]]:
    """The languages of a draft that have both a question and an answer (those get published)."""
    return {
        lang: version
        for lang, version in draft.versions.items()
        if lang in LANGUAGES and version.get("question", "").strip() and version.get("answer", "").strip()
    }


def missing(draft: Draft) -> dict[str, list[str]]:
    """What each language still lacks before it can be published: language → ["question", "answer"]
    (or one of them); languages that are complete are left out."""
    lacking = {}
    for lang in LANGUAGES:
        version = draft.versions.get(lang, {})
        fields = [name for name in ("question", "answer") if not version.get(name, "").strip()]
        if fields:
            lacking[lang] = fields
    return lacking


def draft_files(draft: Draft, approved_by: str) -> dict[str, str]:
    """An approved draft as knowledge entries (path in `knowledge/` → text), one per language that
    has its own question and answer: the title and sample question are in that language."""
    versions = complete(draft)
    if not versions:
        raise TicketError("draft_incomplete", draft=draft.id)
    files = {}
    for lang, version in versions.items():
        meta = {
            "id": draft.entry_id,
            "lang": lang,
            "topic": "faq",
            "title": draft_title(version["question"]),
            "source": f"staff answer (ticket {draft.ticket_id}), approved by {approved_by}",
            "updated": dt.date.today(),
            "questions": [version["question"]],
        }
        files[f"entries/{draft.entry_id}.{lang}.md"] = entry_file(meta, version["answer"])
    return files


def write_draft(draft: Draft, knowledge_dir: Path, approved_by: str) -> list[Path]:
    """Write an approved draft as knowledge entries (one file per language it has)."""
    written = []
    for relative, content in draft_files(draft, approved_by).items():
        path = knowledge_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        written.append(path)
    return written
