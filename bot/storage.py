"""The bot's database (SQLite in the data dir): delegates, their questions, history and votes.

Everything a front end must remember across restarts lives here; `forget` removes all of
it for one delegate.
"""

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS delegates (
    user_id INTEGER PRIMARY KEY,
    chat_id INTEGER NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    language TEXT,
    client_language TEXT,
    started_at REAL NOT NULL,
    blocked INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS questions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    language TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    confidence REAL NOT NULL DEFAULT 0,
    sources TEXT NOT NULL DEFAULT '',
    asked_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS questions_chat ON questions (chat_id, asked_at);
CREATE TABLE IF NOT EXISTS admin_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    question_id INTEGER PRIMARY KEY REFERENCES questions (id) ON DELETE CASCADE,
    user_id INTEGER NOT NULL,
    value INTEGER NOT NULL CHECK (value IN (-1, 1)),
    voted_at REAL NOT NULL
);
"""


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


class Store:
    """A thread-safe handle on the SQLite database."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._lock = threading.Lock()
        self._db.execute("PRAGMA journal_mode=WAL")
        # WAL's own safe setting: no fsync per commit (the event loop writes), never corrupt
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                yield self._db
            except BaseException:
                if self._db.in_transaction:  # SQLite ends it by itself on some errors (a full disk)
                    self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def executescript(self, script: str) -> None:
        """Create tables (idempotent `CREATE … IF NOT EXISTS` scripts of other modules)."""
        with self._lock:
            self._db.executescript(script)

    def query(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, params).fetchall()

    def execute(self, sql: str, params: tuple = ()) -> int:
        """Run one statement in a transaction; the new row id (for an insert)."""
        with self.transaction() as db:
            return db.execute(sql, params).lastrowid or 0

    # --- delegates -------------------------------------------------------------------------

    def remember_delegate(
        self, user_id: int, chat_id: int, name: str, client_language: str | None = None
    ) -> None:
        """A delegate who started the bot (and the language their Telegram app uses). Only a
        private chat (whose id is the user's) replaces the chat kept for announcements."""
        self.execute(
            "INSERT INTO delegates (user_id, chat_id, name, client_language, started_at) "
            "VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET chat_id = CASE WHEN excluded.chat_id = delegates.user_id "
            "THEN excluded.chat_id ELSE delegates.chat_id END, name = excluded.name, "
            "client_language = excluded.client_language, blocked = 0",
            (user_id, chat_id, name, client_language, time.time()),
        )

    def language(self, user_id: int) -> str | None:
        rows = self.query("SELECT language FROM delegates WHERE user_id = ?", (user_id,))
        return rows[0]["language"] if rows else None

    def set_language(self, user_id: int, chat_id: int, language: str) -> None:
        self.execute(
            "INSERT INTO delegates (user_id, chat_id, language, started_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language",
            (user_id, chat_id, language, time.time()),
        )

    def mark_blocked(self, user_id: int) -> None:
        self.execute("UPDATE delegates SET blocked = 1 WHERE user_id = ?", (user_id,))

    def delegates(self) -> list[sqlite3.Row]:
        """Everyone who started the bot in a private chat (announcements go there, never to a
        group); `language` is their choice, else their app's language."""
        return self.query(
            "SELECT user_id, chat_id, name, COALESCE(language, client_language) AS language, blocked "
            "FROM delegates WHERE chat_id = user_id ORDER BY started_at"
        )

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
        return self.execute(
            "INSERT INTO questions (user_id, chat_id, language, question, answer, reason, "
            "confidence, sources, asked_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (user_id, chat_id, language, question, answer, reason, confidence, sources, time.time()),
        )

    def question(self, question_id: int) -> Asked | None:
        rows = self.query("SELECT * FROM questions WHERE id = ?", (question_id,))
        return Asked(**dict(rows[0])) if rows else None

    def last_question(self, user_id: int) -> Asked | None:
        rows = self.query("SELECT * FROM questions WHERE user_id = ? ORDER BY id DESC LIMIT 1", (user_id,))
        return Asked(**dict(rows[0])) if rows else None

    def history(self, chat_id: int, turns: int) -> list[str]:
        """The chat's last `turns` answered questions, oldest first (for follow-ups)."""
        if turns <= 0:
            return []
        rows = self.query(
            "SELECT question FROM questions WHERE chat_id = ? AND reason = 'answered' "
            "ORDER BY id DESC LIMIT ?",
            (chat_id, turns),
        )
        return [row["question"] for row in reversed(rows)]

    def vote(self, question_id: int, user_id: int, value: int) -> bool:
        """Record (or change) a delegate's 👍/👎 on one of their answers; False if not theirs."""
        asked = self.question(question_id)
        if asked is None or asked.user_id != user_id:
            return False
        self.execute(
            "INSERT INTO votes (question_id, user_id, value, voted_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (question_id) DO UPDATE SET value = excluded.value, "
            "voted_at = excluded.voted_at",
            (question_id, user_id, value, time.time()),
        )
        return True

    def audit(self, user_id: int, name: str, action: str, detail: str = "") -> None:
        """Record an organiser's action: who, what and when."""
        self.execute(
            "INSERT INTO admin_log (user_id, name, action, detail, at) VALUES (?, ?, ?, ?, ?)",
            (user_id, name, action, detail, time.time()),
        )

    def forget(self, user_id: int) -> None:
        """Delete everything stored about one delegate (other modules delete their tables first),
        then move the write-ahead log into the database and empty it, so no copy stays behind."""
        with self.transaction() as db:
            for table in ("votes", "questions", "delegates"):
                db.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))
        with self._lock:
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
