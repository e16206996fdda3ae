"""Staff handoff: tickets a person takes over, the messages relayed on them, and knowledge
drafts made from staff answers. Persisted in the bot's database (tables in `schema.py`); knows
nothing about Telegram (the Telegram layer is `telegram/staff.py`).

A ticket goes open → claimed → resolved, or is returned to the bot / ended by the
delegate. A delegate has at most one active (open or claimed) ticket at a time. Every change
of state is one conditional UPDATE whose row count says whether it happened, so replicas acting
on the same ticket at the same moment cannot both claim it, close it or tell the delegate twice.
"""

import datetime as dt
import hashlib
import re
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import yaml
from sqlalchemy import Row, text
from sqlalchemy.exc import IntegrityError

from bot import LANGUAGES, schema
from bot.guard import small_talk
from bot.knowledge import entry_file
from bot.storage import Store

QUESTION, MEETING = schema.QUESTION, schema.MEETING  # kinds of ticket: a question, or a meeting request


class Status(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    RETURNED = "returned"  # staff gave the conversation back to the bot
    ENDED = "ended"  # the delegate ended it with /end


ACTIVE = (Status.OPEN, Status.CLAIMED)
ACTIVE_SQL = str(schema.ACTIVE_TICKET)


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


def _ticket(row: Row) -> Ticket:
    values = dict(row._mapping)
    values["status"] = Status(values["status"])
    return Ticket(**values)


def _draft(row: Row) -> Draft:
    values = dict(row._mapping)
    values["versions"] = yaml.safe_load(values["versions"])
    return Draft(**values)


class Tickets:
    """Tickets, their relayed messages and knowledge drafts, in the bot's database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # --- reading ---------------------------------------------------------------------------

    def get(self, ticket_id: int) -> Ticket:
        rows = self.store.query("SELECT * FROM tickets WHERE id = :id", {"id": ticket_id})
        if not rows:
            raise TicketError("unknown", number=ticket_id)
        return _ticket(rows[0])

    def active_for(self, user_id: int, kind: str = QUESTION) -> Ticket | None:
        """The delegate's active ticket of `kind` (their messages are relayed on a question's)."""
        rows = self.store.query(
            f"SELECT * FROM tickets WHERE user_id = :user AND {ACTIVE_SQL} AND kind = :kind "
            "ORDER BY id DESC LIMIT 1",
            {"user": user_id, "kind": kind},
        )
        return _ticket(rows[0]) if rows else None

    def active(self) -> list[Ticket]:
        """Open and claimed tickets, oldest first."""
        rows = self.store.query(f"SELECT * FROM tickets WHERE {ACTIVE_SQL} ORDER BY id")
        return [_ticket(row) for row in rows]

    def for_staff_message(self, thread_id: int | None, reply_to: int | None) -> Ticket | None:
        """The ticket a staff message belongs to: its forum topic, or the message it replies to."""
        if thread_id:
            rows = self.store.query(
                "SELECT * FROM tickets WHERE thread_id = :thread ORDER BY id DESC", {"thread": thread_id}
            )
            if rows:
                return _ticket(rows[0])
        if not reply_to:
            return None
        rows = self.store.query(
            "SELECT t.* FROM tickets t WHERE t.staff_message_id = :message UNION "
            "SELECT t.* FROM tickets t JOIN ticket_messages m ON m.ticket_id = t.id "
            "WHERE m.staff_message_id = :message",
            {"message": reply_to},
        )
        return _ticket(rows[0]) if rows else None

    def messages(self, ticket_id: int) -> list[Relay]:
        rows = self.store.query(
            "SELECT * FROM ticket_messages WHERE ticket_id = :id ORDER BY id", {"id": ticket_id}
        )
        return [Relay(**row._mapping) for row in rows]

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
        `TicketError("handoff_already_open")` for another one (meeting requests may be several), also
        when another replica opened it a moment ago: the database keeps one per delegate."""
        try:
            ticket_id = self.store.insert(
                schema.tickets,
                user_id=user_id,
                chat_id=chat_id,
                delegate=delegate,
                language=language,
                question=question,
                bot_answer=bot_answer,
                sources=sources,
                status=Status.OPEN.value,
                created_at=time.time(),
                kind=kind,
            )
        except IntegrityError:
            current = self.active_for(user_id)
            if current is None:
                raise
            raise TicketError("handoff_already_open", number=current.id) from None
        return self.get(ticket_id)

    def posted(self, ticket_id: int, thread_id: int | None, message_id: int, rendering: str = "") -> Ticket:
        """Remember where the ticket lives in the staff chat (and the question as staff read it)."""
        self.store.execute(
            "UPDATE tickets SET thread_id = :thread, staff_message_id = :message, rendering = :rendering "
            "WHERE id = :id",
            {"thread": thread_id, "message": message_id, "rendering": rendering, "id": ticket_id},
        )
        return self.get(ticket_id)

    def claim(self, ticket_id: int, staff_id: int, staff_name: str) -> Ticket:
        """Take an open ticket (or one this staff member holds already). Of two claims at the same
        moment, on any replicas, exactly one wins; the other gets `TicketError("claimed_by")`."""
        won = self.store.execute(
            f"UPDATE tickets SET status = :claimed, staff_id = :staff, staff_name = :name, "
            f"claimed_at = COALESCE(claimed_at, :now) "
            f"WHERE id = :id AND {ACTIVE_SQL} AND (staff_id IS NULL OR staff_id = :staff)",
            {"claimed": Status.CLAIMED.value, "staff": staff_id, "name": staff_name, "now": time.time(),
             "id": ticket_id},
        )
        ticket = self.get(ticket_id)
        if not won:
            if not ticket.active:
                raise TicketError("closed", number=ticket_id, status=ticket.status)
            raise TicketError("claimed_by", number=ticket_id, name=ticket.staff_name)
        return ticket

    def close(self, ticket_id: int, status: Status) -> Ticket:
        """Resolve, return to the bot or end an active ticket (once, whoever tries it at the same time)."""
        closed = self.store.execute(
            f"UPDATE tickets SET status = :status, closed_at = :now WHERE id = :id AND {ACTIVE_SQL}",
            {"status": status.value, "now": time.time(), "id": ticket_id},
        )
        ticket = self.get(ticket_id)
        if not closed:
            raise TicketError("closed", number=ticket_id, status=ticket.status)
        return ticket

    def reopen(self, ticket_id: int, staff_id: int, staff_name: str) -> Ticket:
        """A closed ticket taken up again by a staff member's follow-up (claimed by them); refused
        while the delegate has another active ticket (the database refuses it too when another
        replica opened one a moment ago)."""
        ticket = self.get(ticket_id)
        if ticket.active:
            return ticket
        current = self.active_for(ticket.user_id)
        if current:
            raise TicketError("other_open", number=ticket_id, other=current.id)
        try:
            self.store.execute(
                f"UPDATE tickets SET status = :claimed, staff_id = :staff, staff_name = :name, "
                f"closed_at = NULL WHERE id = :id AND NOT {ACTIVE_SQL}",
                {"claimed": Status.CLAIMED.value, "staff": staff_id, "name": staff_name, "id": ticket_id},
            )
        except IntegrityError:
            current = self.active_for(ticket.user_id)
            if current is None:
                raise
            raise TicketError("other_open", number=ticket_id, other=current.id) from None
        return self.get(ticket_id)

    def require_active(self, ticket_id: int) -> Ticket:
        ticket = self.get(ticket_id)
        if not ticket.active:
            raise TicketError("closed", number=ticket_id, status=ticket.status)
        return ticket

    def busy_notified(self, ticket_id: int) -> bool:
        """Mark a still-open ticket's delegate as told that staff are busy; True only for the one
        caller (of all replicas) that should tell them."""
        return bool(
            self.store.execute(
                "UPDATE tickets SET busy_notified = 1 "
                "WHERE id = :id AND busy_notified = 0 AND status = :open",
                {"id": ticket_id, "open": Status.OPEN.value},
            )
        )

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
        return self.store.insert(
            schema.ticket_messages,
            ticket_id=ticket_id,
            direction=direction,
            author=author,
            text=message,
            translation=translation,
            staff_message_id=staff_message_id,
            at=time.time(),
        )

    def delivered(
        self, message_id: int, staff_message_id: int | None = None, translation: str | None = None
    ) -> None:
        self.store.execute(
            "UPDATE ticket_messages SET delivered = 1, "
            "staff_message_id = COALESCE(:message, staff_message_id), "
            "translation = COALESCE(:translation, translation) WHERE id = :id",
            {"message": staff_message_id, "translation": translation, "id": message_id},
        )

    def failed(self, message_id: int, error: str) -> None:
        """A relay that could not be delivered: kept on the message and on the ticket for staff."""
        values = {"error": error, "id": message_id}
        with self.store.transaction() as db:
            db.execute(text("UPDATE ticket_messages SET error = :error WHERE id = :id"), values)
            db.execute(
                text(
                    "UPDATE tickets SET last_error = :error "
                    "WHERE id = (SELECT ticket_id FROM ticket_messages WHERE id = :id)"
                ),
                values,
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
        return self.store.insert(schema.ticket_notes, ticket_id=ticket_id, author=author, text=note,
                                 at=time.time())

    def notes(self, ticket_id: int) -> list[tuple[str, str]]:
        """(author, note) of a ticket's internal notes, oldest first."""
        rows = self.store.query(
            "SELECT author, text FROM ticket_notes WHERE ticket_id = :id ORDER BY id", {"id": ticket_id}
        )
        return [(row.author, row.text) for row in rows]

    def rate(self, ticket_id: int, user_id: int, rating: int) -> bool:
        """The delegate's 👍 (1) / 👎 (-1) for the help on their closed ticket (a new rating
        replaces the old one); False when the ticket is not theirs, still active or the value odd."""
        rows = self.store.query("SELECT * FROM tickets WHERE id = :id", {"id": ticket_id})
        if not rows or rating not in (-1, 1):
            return False
        ticket = _ticket(rows[0])
        if ticket.user_id != user_id or ticket.active:
            return False
        self.store.execute(
            "INSERT INTO ticket_ratings (ticket_id, rating, at) VALUES (:id, :rating, :now) "
            "ON CONFLICT (ticket_id) DO UPDATE SET rating = excluded.rating, at = excluded.at",
            {"id": ticket_id, "rating": rating, "now": time.time()},
        )
        return True

    def rating(self, ticket_id: int) -> int | None:
        rows = self.store.query("SELECT rating FROM ticket_ratings WHERE ticket_id = :id", {"id": ticket_id})
        return rows[0].rating if rows else None

    def satisfaction(self) -> dict[str, int]:
        """How delegates rated the staff's help: {"up": 👍 count, "down": 👎 count} (for /stats)."""
        rows = self.store.query("SELECT rating, COUNT(*) AS n FROM ticket_ratings GROUP BY rating")
        counts = {row.rating: row.n for row in rows}
        return {"up": counts.get(1, 0), "down": counts.get(-1, 0)}

    def save_reply(self, name: str, versions: dict[str, str], by: str) -> None:
        """Define (or redefine the given languages of) a saved reply organisers prepared."""
        statement = text(
            "INSERT INTO saved_replies (name, language, text, updated_by, updated_at) "
            "VALUES (:name, :lang, :text, :by, :now) ON CONFLICT (name, language) DO UPDATE SET "
            "text = excluded.text, updated_by = excluded.updated_by, updated_at = excluded.updated_at"
        )
        rows = [
            {"name": name.lower(), "lang": lang, "text": words, "by": by, "now": time.time()}
            for lang, words in versions.items()
        ]
        with self.store.transaction() as db:
            for row in rows:
                db.execute(statement, row)

    def saved_replies(self) -> dict[str, dict[str, str]]:
        """name → {language → text}, by name."""
        replies: dict[str, dict[str, str]] = {}
        for row in self.store.query("SELECT * FROM saved_replies ORDER BY name, language"):
            replies.setdefault(row.name, {})[row.language] = row.text
        return replies

    def forget(self, user_id: int) -> None:
        """Delete a delegate's tickets, their messages and the drafts made from them (`/forget`)."""
        with self.store.transaction() as db:
            db.execute(
                text("DELETE FROM drafts WHERE ticket_id IN (SELECT id FROM tickets WHERE user_id = :user)"),
                {"user": user_id},
            )
            db.execute(text("DELETE FROM tickets WHERE user_id = :user"), {"user": user_id})

    # --- knowledge drafts ------------------------------------------------------------------

    def add_draft(
        self, ticket_id: int | None, title: str, versions: dict[str, dict[str, str]], created_by: str
    ) -> Draft:
        entry_id = f"staff-{ticket_id}" if ticket_id else f"staff-{int(time.time())}"
        draft_id = self.store.insert(
            schema.drafts,
            ticket_id=ticket_id,
            entry_id=entry_id,
            title=title,
            versions=yaml.safe_dump(versions, allow_unicode=True),
            created_by=created_by,
            created_at=time.time(),
        )
        return self.draft(draft_id)

    def draft(self, draft_id: int) -> Draft:
        rows = self.store.query("SELECT * FROM drafts WHERE id = :id", {"id": draft_id})
        if not rows:
            raise TicketError("draft_unknown", number=draft_id)
        return _draft(rows[0])

    def drafts(self, status: str = "pending") -> list[Draft]:
        rows = self.store.query("SELECT * FROM drafts WHERE status = :status ORDER BY id", {"status": status})
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
            "UPDATE drafts SET versions = :versions WHERE id = :id",
            {"versions": yaml.safe_dump(versions, allow_unicode=True), "id": draft_id},
        )
        return self.draft(draft_id)

    def decide(self, draft_id: int, status: str, by: str) -> Draft:
        self.pending_draft(draft_id)
        self.store.execute(
            "UPDATE drafts SET status = :status, decided_by = :by, decided_at = :now WHERE id = :id",
            {"status": status, "by": by, "now": time.time(), "id": draft_id},
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
