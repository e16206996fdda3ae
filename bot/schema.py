"""Every table of the bot's database in one place (SQLAlchemy Core), for SQLite and PostgreSQL alike.

`Store` creates what is missing at start. On SQLite, tables with an `id` never reuse the id of
a deleted row (AUTOINCREMENT), as PostgreSQL's sequences do not. Telegram ids are 64-bit
(`BigInteger`); times are Unix seconds (`Double`); flags are 0/1 integers.
A new column or table is added here.
"""

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()

# --- delegates, questions, votes, organisers' actions (storage.py) -------------------------------

delegates = Table(
    "delegates",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("name", Text, nullable=False, server_default=""),
    Column("language", Text),
    Column("client_language", Text),
    Column("started_at", Double, nullable=False),
    Column("blocked", Integer, nullable=False, server_default="0"),
)

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", BigInteger, nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("language", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False, server_default=""),
    Column("reason", Text, nullable=False),
    Column("confidence", Double, nullable=False, server_default="0"),
    Column("sources", Text, nullable=False, server_default=""),
    Column("asked_at", Double, nullable=False),
    Index("questions_chat", "chat_id", "asked_at"),
    sqlite_autoincrement=True,
)

admin_log = Table(
    "admin_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", BigInteger, nullable=False),
    Column("name", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("detail", Text, nullable=False, server_default=""),
    Column("at", Double, nullable=False),
    sqlite_autoincrement=True,
)

votes = Table(
    "votes",
    metadata,
    Column("question_id", Integer, ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("user_id", BigInteger, nullable=False),
    Column("value", Integer, CheckConstraint("value IN (-1, 1)"), nullable=False),
    Column("voted_at", Double, nullable=False),
)

# --- staff handoff (handoff.py) ------------------------------------------------------------------

ACTIVE_TICKET = text("status IN ('open', 'claimed')")
QUESTION, MEETING = "question", "meeting"  # kinds of ticket: a question, or a meeting request
ACTIVE_QUESTION = text("status IN ('open', 'claimed') AND kind = 'question'")

tickets = Table(
    "tickets",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", BigInteger, nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("delegate", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("bot_answer", Text, nullable=False, server_default=""),
    Column("sources", Text, nullable=False, server_default=""),
    Column("status", Text, nullable=False),
    Column("staff_id", BigInteger),
    Column("staff_name", Text, nullable=False, server_default=""),
    Column("thread_id", BigInteger),
    Column("staff_message_id", BigInteger),
    Column("created_at", Double, nullable=False),
    Column("claimed_at", Double),
    Column("closed_at", Double),
    Column("busy_notified", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=False, server_default=""),
    Column("rendering", Text, nullable=False, server_default=""),
    Column("kind", Text, nullable=False, server_default=QUESTION),  # QUESTION or MEETING
    Index("tickets_user", "user_id", "status"),
    # one active question ticket per delegate, even when two replicas open one at the same moment
    # (meeting requests may be several)
    Index("tickets_one_active", "user_id", unique=True, sqlite_where=ACTIVE_QUESTION,
          postgresql_where=ACTIVE_QUESTION),
    sqlite_autoincrement=True,
)

ticket_messages = Table(
    "ticket_messages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("direction", Text, nullable=False),
    Column("author", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("translation", Text),
    Column("staff_message_id", BigInteger),
    Column("delivered", Integer, nullable=False, server_default="0"),
    Column("error", Text, nullable=False, server_default=""),
    Column("at", Double, nullable=False),
    Index("ticket_messages_staff", "staff_message_id"),
    sqlite_autoincrement=True,
)

drafts = Table(
    "drafts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer),
    Column("entry_id", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("versions", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("created_by", Text, nullable=False),
    Column("created_at", Double, nullable=False),
    Column("decided_by", Text, nullable=False, server_default=""),
    Column("decided_at", Double),
    sqlite_autoincrement=True,
)

ticket_notes = Table(
    "ticket_notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), nullable=False),
    Column("author", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("at", Double, nullable=False),
    sqlite_autoincrement=True,
)

ticket_ratings = Table(
    "ticket_ratings",
    metadata,
    Column("ticket_id", Integer, ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True,
           autoincrement=False),
    Column("rating", Integer, CheckConstraint("rating IN (-1, 1)"), nullable=False),
    Column("at", Double, nullable=False),
)

saved_replies = Table(
    "saved_replies",
    metadata,
    Column("name", Text, primary_key=True),
    Column("language", Text, primary_key=True),
    Column("text", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("updated_at", Double, nullable=False),
)

# --- meeting requests (meetings.py) ------------------------------------------------------------

meetings = Table(
    "meetings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", BigInteger, nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("delegate", Text, nullable=False, server_default=""),
    Column("language", Text, nullable=False),
    Column("enterprise", Text, nullable=False, server_default=""),
    Column("sector", Text, nullable=False, server_default=""),
    Column("side", Text, nullable=False, server_default=""),
    Column("company", Text, nullable=False, server_default=""),
    Column("looking_for", Text, nullable=False, server_default=""),
    Column("slot", Text, nullable=False, server_default=""),
    Column("step", Text, nullable=False, server_default="company"),
    Column("status", Text, nullable=False, server_default="draft"),
    Column("time", Text, nullable=False, server_default=""),
    Column("ticket_id", Integer),
    Column("created_at", Double, nullable=False),
    Column("updated_at", Double, nullable=False),
    Index("meetings_user", "user_id", "status"),
    Index("meetings_ticket", "ticket_id"),
    sqlite_autoincrement=True,
)

# --- agenda reminders (reminders.py) -----------------------------------------------------------

reminders = Table(
    "reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", BigInteger, nullable=False),
    Column("chat_id", BigInteger, nullable=False),
    Column("item", Text, nullable=False),
    Column("language", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("clock", Text, nullable=False),
    Column("starts_at", Double, nullable=False),
    Column("remind_at", Double, nullable=False),
    UniqueConstraint("user_id", "item"),
    sqlite_autoincrement=True,
)

# --- what replicas must agree on (telegram/limits.py, telegram/organisers.py) -------------------

paces = Table(
    "paces",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("times", Text, nullable=False),  # JSON list of the Unix times of messages in the window
    Column("told", Integer, nullable=False, server_default="0"),
)

announcements = Table(
    "announcements",
    metadata,
    Column("key", Text, primary_key=True),
    Column("versions", Text, nullable=False),  # JSON: language → text
    Column("missing", Text, nullable=False),  # JSON: languages that get the fallback version
    Column("replaces", Text, nullable=False, server_default="[]"),  # JSON: entries it corrects if saved
    Column("created_at", Double, nullable=False),
)
