"""What every Telegram handler module shares: the objects in `bot_data`, the delegate's
language, and sending that survives a transient Bot API failure."""

import asyncio
import html
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from telegram import Update
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.ext import ContextTypes

from bot import index
from bot.config import Settings
from bot.core import Assistant
from bot.handoff import Tickets
from bot.knowledge import KnowledgeError
from bot.language import normalise
from bot.llm import LLMGate
from bot.publishing import Publisher, UploadError
from bot.storage import Store

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 3
PROBLEMS_SHOWN = 20  # problems of an upload listed in one message
MAX_ID = 2**63 - 1  # the largest id SQLite (and Telegram) can hold
T = TypeVar("T")


def escape(words: str) -> str:
    """Text safe inside Telegram HTML (quotes stay readable)."""
    return html.escape(words, quote=False)


def problems_told(exc: KnowledgeError | UploadError, lang: str, shown: int = PROBLEMS_SHOWN) -> str:
    """Why an upload or a knowledge change was refused, every problem on its line (`file:line: …`),
    in the organiser's language and safe inside Telegram HTML."""
    problems = exc.problems if isinstance(exc, KnowledgeError) else exc.reasons
    return escape("\n".join(str(problem.told(lang)) for problem in problems[:shown]))


def store_of(context: ContextTypes.DEFAULT_TYPE) -> Store:
    return context.bot_data["store"]


def assistant_of(context: ContextTypes.DEFAULT_TYPE) -> Assistant:
    return context.bot_data["assistant"]


def settings_of(context: ContextTypes.DEFAULT_TYPE) -> Settings:
    return context.bot_data["settings"]


def llm_gate_of(context: ContextTypes.DEFAULT_TYPE) -> LLMGate:
    """The bot's bound on LLM translations (made on first use)."""
    gate = context.bot_data.get("llm_gate")
    if gate is None:
        gate = context.bot_data["llm_gate"] = LLMGate.from_settings(settings_of(context))
    return gate


def parse_id(value: str) -> int | None:
    """A positive id from a button or a command argument, else None (never an exception)."""
    value = value.strip()
    if not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def tickets_of(context: ContextTypes.DEFAULT_TYPE) -> Tickets:
    return context.bot_data["tickets"]


def publisher_of(context: ContextTypes.DEFAULT_TYPE) -> Publisher:
    return context.bot_data.setdefault("publisher", Publisher(settings_of(context)))


def is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """An organiser (`ADMIN_IDS`)."""
    user = update.effective_user
    return user is not None and user.id in settings_of(context).admin_ids


def user_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The delegate's chosen language, else their Telegram client's, else English."""
    user = update.effective_user
    if user is None:
        return "en"
    return store_of(context).language(user.id) or normalise(user.language_code) or "en"


async def with_retries(send: Callable[[], Awaitable[T]], attempts: int = SEND_ATTEMPTS) -> T:
    """Run a Bot API call again after a network error or a 5xx, so an answer is not lost.

    A 400 (`BadRequest`, which PTB counts as a `NetworkError`) is permanent: never retried.
    (The rate limiter already retries flood-control `RetryAfter` errors.)
    """
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except (RetryAfter, BadRequest):
            raise
        except NetworkError as exc:  # includes TimedOut and Telegram's 5xx answers
            if attempt == attempts:
                raise
            log.warning("Bot API call failed (%s), retrying (%d/%d)", exc, attempt, attempts)
            await asyncio.sleep(0.5 * attempt)
    raise AssertionError("unreachable")


async def reingest(
    context: ContextTypes.DEFAULT_TYPE, progress: Callable[[int, int], None] | None = None
) -> index.IngestReport:
    """Re-ingest `knowledge/` off the event loop, one at a time, then answer from the new index.

    The bot keeps answering from the old index meanwhile; the switch is one manifest write.
    Raises `KnowledgeError` (nothing changed) when a file is invalid.
    """
    lock: asyncio.Lock = context.bot_data.setdefault("ingest_lock", asyncio.Lock())
    async with lock:
        report = await asyncio.to_thread(index.ingest, settings_of(context), progress)
        await asyncio.to_thread(assistant_of(context).reload)
    return report
