"""The bot's database: delegates, their questions, history and votes (other modules keep their
tables in the same database; every table is defined in `schema.py`).

SQLite in the data dir by default; PostgreSQL when `DATABASE_URL` is set, so several replicas
share one state. One code path for both, through SQLAlchemy Core. Everything a front end must
remember across restarts lives here; `forget` removes all of it for one delegate.
"""

import json
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, Row, Table, create_engine, delete, event, inspect, text
from sqlalchemy.pool import StaticPool
from sqlalchemy.schema import CreateColumn

from bot import schema
from bot.config import Settings
from bot.schema import metadata

SCHEMA_LOCK = 7_240_013  # PostgreSQL advisory lock: replicas starting together create tables once


def database_url(target: Path | str) -> str:
    """An SQLAlchemy URL: a path is an SQLite file; `postgresql://…` uses psycopg (version 3)."""
    if isinstance(target, Path):
        return f"sqlite:///{target}"
    for scheme in ("postgresql://", "postgres://"):
        if target.startswith(scheme):
            return "postgresql+psycopg://" + target.removeprefix(scheme)
    return target


def _sqlite_pragmas(connection: Any, _record: object) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # WAL's own safe setting: no fsync per commit (the event loop writes), never corrupt
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(target: Path | str) -> Engine:
    """SQLite: one connection shared by the threads (the store serialises them), in WAL mode.
    PostgreSQL: a pool of connections, checked before use (a restarted server is no error)."""
    url = database_url(target)
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, poolclass=StaticPool, connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@dataclass(frozen=True)
class Asked:
    """One question a delegate asked and what the bot did with it."""

    id: int
    user_id: int
    chat_id: int
    language: str
    question: str
    answer: str
    reason: str
    confidence: float
    sources: str
    asked_at: float


def _add_missing_columns(db: Connection) -> None:
    """Add the columns a database made by an older version lacks (additive changes only, such as
    tickets' `kind`): each with its default, so the rows already there stay valid."""
    inspector = inspect(db)
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name not in present:
                spec = CreateColumn(column).compile(dialect=db.dialect)
                db.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {spec}"))


class Store:
    """A thread-safe handle on the database (SQLite file, or PostgreSQL for replicas)."""

    def __init__(self, target: Path | str) -> None:
        self.engine = make_engine(target)
        self.sqlite = self.engine.dialect.name == "sqlite"
        self._lock = threading.Lock() if self.sqlite else nullcontext()
        self._create_schema()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Store":
        """PostgreSQL when `DATABASE_URL` is set, else SQLite in the data dir."""
        return cls(settings.database_url or settings.database_path)

    def _create_schema(self) -> None:
        """Create the tables and indexes that are missing (replicas starting at once do it in turn)."""
        with self.transaction() as db:
            if not self.sqlite:
                db.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
            metadata.create_all(db)
            _add_missing_columns(db)
            for table in metadata.sorted_tables:
                for index in table.indexes:
                    index.create(db, checkfirst=True)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A connection in a transaction: committed at the end, rolled back on an error."""
        with self._lock, self.engine.begin() as db:
            yield db

    def query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        with self.transaction() as db:
            result = db.execute(text(sql), dict(params or {}))
            return list(result) if result.returns_rows else []

    def execute(self, sql: str, params: Mapping[str, Any] | None = None) -> int:
        """Run one statement in a transaction; the number of rows it changed (0: none matched, so a
        conditional update such as a claim tells whether this replica won)."""
        with self.transaction() as db:
            return db.execute(text(sql), dict(params or {})).rowcount

    def insert(self, table: Table, **values: Any) -> int:
        """Add one row; its new id."""
        with self.transaction() as db:
            return db.execute(table.insert().values(**values).returning(table.c.id)).scalar_one()

    def insert_row(self, table: Table, **values: Any) -> None:
        """Add one row to a table without an `id` column."""
        with self.transaction() as db:
            db.execute(table.insert().values(**values))

    def close(self) -> None:
        self.engine.dispose()

    # --- delegates -------------------------------------------------------------------------

    def remember_delegate(
        self, user_id: int, chat_id: int, name: str, client_language: str | None = None
    ) -> None:
        """A delegate who started the bot (and the language their Telegram app uses). Only a
        private chat (whose id is the user's) replaces the chat kept for announcements."""
        self.execute(
            "INSERT INTO delegates (user_id, chat_id, name, client_language, started_at) "
            "VALUES (:user, :chat, :name, :client, :now) "
            "ON CONFLICT (user_id) DO UPDATE SET chat_id = CASE WHEN excluded.chat_id = delegates.user_id "
            "THEN excluded.chat_id ELSE delegates.chat_id END, name = excluded.name, "
            "client_language = excluded.client_language, blocked = 0",
            {"user": user_id, "chat": chat_id, "name": name, "client": client_language, "now": time.time()},
        )

    def language(self, user_id: int) -> str | None:
        rows = self.query("SELECT language FROM delegates WHERE user_id = :user", {"user": user_id})
        return rows[0].language if rows else None

    def set_language(self, user_id: int, chat_id: int, language: str) -> None:
        self.execute(
            "INSERT INTO delegates (user_id, chat_id, language, started_at) "
            "VALUES (:user, :chat, :lang, :now) "
            "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language",
            {"user": user_id, "chat": chat_id, "lang": language, "now": time.time()},
        )

    def mark_blocked(self, user_id: int) -> None:
        self.execute("UPDATE delegates SET blocked = 1 WHERE user_id = :user", {"user": user_id})

    def delegates(self) -> list[Mapping[str, Any]]:
        """Everyone who started the bot in a private chat (announcements go there, never to a
        group); `language` is their choice, else their app's language."""
        rows = self.query(
            "SELECT user_id, chat_id, name, COALESCE(language, client_language) AS language, blocked "
            "FROM delegates WHERE chat_id = user_id ORDER BY started_at"
        )
        return [row._mapping for row in rows]

    # --- questions, history, votes ---------------------------------------------------------

    def record_question(
        self,
        user_id: int,
        chat_id: int,
        language: str,
        question: str,
        answer: str,
        reason: str,
        confidence: float,
        sources: str,
    ) -> int:
        return self.insert(
            schema.questions,
            user_id=user_id,
            chat_id=chat_id,
            language=language,
            question=question,
            answer=answer,
            reason=reason,
            confidence=confidence,
            sources=sources,
            asked_at=time.time(),
        )

    def question(self, question_id: int) -> Asked | None:
        rows = self.query("SELECT * FROM questions WHERE id = :id", {"id": question_id})
        return Asked(**rows[0]._mapping) if rows else None

    def last_question(self, user_id: int) -> Asked | None:
        rows = self.query(
            "SELECT * FROM questions WHERE user_id = :user ORDER BY id DESC LIMIT 1", {"user": user_id}
        )
        return Asked(**rows[0]._mapping) if rows else None

    def history(self, chat_id: int, turns: int) -> list[str]:
        """The chat's last `turns` answered questions, oldest first (for follow-ups)."""
        if turns <= 0:
            return []
        rows = self.query(
            "SELECT question FROM questions WHERE chat_id = :chat AND reason IN ('answered', 'partly') "
            "ORDER BY id DESC LIMIT :turns",
            {"chat": chat_id, "turns": turns},
        )
        return [row.question for row in reversed(rows)]

    def vote(self, question_id: int, user_id: int, value: int) -> bool:
        """Record (or change) a delegate's 👍/👎 on one of their answers; False if not theirs."""
        asked = self.question(question_id)
        if asked is None or asked.user_id != user_id:
            return False
        self.execute(
            "INSERT INTO votes (question_id, user_id, value, voted_at) VALUES (:id, :user, :value, :now) "
            "ON CONFLICT (question_id) DO UPDATE SET value = excluded.value, "
            "voted_at = excluded.voted_at",
            {"id": question_id, "user": user_id, "value": value, "now": time.time()},
        )
        return True

    def audit(self, user_id: int, name: str, action: str, detail: str = "") -> None:
        """Record an organiser's action: who, what and when."""
        self.insert(
            schema.admin_log, user_id=user_id, name=name, action=action, detail=detail, at=time.time()
        )

    # --- announcements waiting for "Send" (on whichever replica it is pressed) ---------------

    def keep_announcement(
        self, key: str, versions: dict[str, str], missing: list[str], replaces: list[str]
    ) -> None:
        self.insert_row(
            schema.announcements, key=key, versions=json.dumps(versions), missing=json.dumps(missing),
            replaces=json.dumps(replaces), created_at=time.time(),
        )

    def take_announcement(self, key: str) -> tuple[dict[str, str], list[str], list[str]] | None:
        """The announcement waiting under `key` (versions, missing languages, entries it replaces),
        removed in the same statement: of two presses of "Send" (on any replicas) only one gets it."""
        table = schema.announcements
        with self.transaction() as db:
            found = db.execute(
                delete(table)
                .where(table.c.key == key)
                .returning(table.c.versions, table.c.missing, table.c.replaces)
            ).first()
        if found is None:
            return None
        return json.loads(found.versions), json.loads(found.missing), json.loads(found.replaces)

    def forget(self, user_id: int) -> None:
        """Delete everything stored about one delegate (other modules delete their tables first);
        with SQLite, then move the write-ahead log into the database and empty it, so no copy
        stays behind."""
        with self.transaction() as db:
            for table in ("votes", "questions", "delegates"):
                db.execute(text(f"DELETE FROM {table} WHERE user_id = :user"), {"user": user_id})
        if self.sqlite:
            with self._lock, self.engine.connect() as db:
                db.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
