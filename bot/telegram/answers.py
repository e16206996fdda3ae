"""Answering a delegate with the core and sending the answer: shared by delegates.py (every
question) and staff.py (questions asked while a ticket waits for staff, and those still waiting
when staff hand a conversation back to the bot)."""

import asyncio
import html
import logging
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.exc import SQLAlchemyError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.answer import Answer, Reason
from bot.core import Context
from bot.telegram.common import assistant_of, settings_of, store_of, with_retries
from bot.telegram.limits import ChatRateLimiter, split_html
from bot.texts import text

log = logging.getLogger(__name__)


def format_answer(answer: Answer) -> str:
    """The answer as Telegram HTML: escaped text and a short sources footer."""
    body = html.escape(answer.text)
    if answer.sources:
        label = text(answer.language, "source" if len(answer.sources) == 1 else "sources")
        titles = html.escape(", ".join(source.title for source in answer.sources))
        body += f"\n\n<i>📄 {label}: {titles}</i>"
    return body


def staff_button(lang: str, question_id: int) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(text(lang, "ask_staff"), callback_data=f"human:{question_id}")]


def answer_keyboard(
    answer: Answer, question_id: int | None, menu: str | None = "agenda"
) -> InlineKeyboardMarkup:
    """Votes and "ask a staff member" (which need the saved question), and the menu that fits the
    question (`menu`: for a "not published" answer the one of its topic, or none)."""
    lang = answer.language
    browse = []
    if menu:
        browse = [InlineKeyboardButton(text(lang, f"browse_{menu}"), callback_data=f"menu:{menu}")]
    if answer.reason in (Reason.SMALL_TALK, Reason.MEETING) or question_id is None:
        return InlineKeyboardMarkup([browse] if browse else [])
    staff = staff_button(lang, question_id)
    if answer.abstained:
        return InlineKeyboardMarkup([staff, browse] if browse else [staff])
    votes = [
        InlineKeyboardButton("👍", callback_data=f"vote:{question_id}:1"),
        InlineKeyboardButton("👎", callback_data=f"vote:{question_id}:-1"),
    ]
    return InlineKeyboardMarkup([votes, staff] if answer.tentative else [votes])


async def send_long(message: Message, body: str, markup: InlineKeyboardMarkup | None) -> None:
    """Reply with `body` (HTML), split into messages within Telegram's limit; buttons on the last."""
    parts = split_html(body)
    for number, part in enumerate(parts, start=1):
        await with_retries(
            lambda part=part, number=number: message.reply_html(
                part, reply_markup=markup if number == len(parts) else None, disable_web_page_preview=True
            )
        )


async def send_long_to(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, body: str, markup: InlineKeyboardMarkup | None
) -> None:
    """`send_long` as a new message in a chat (no message to reply to)."""
    parts = split_html(body)
    for number, part in enumerate(parts, start=1):
        await with_retries(
            lambda part=part, number=number: context.bot.send_message(
                chat_id,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if number == len(parts) else None,
                disable_web_page_preview=True,
            )
        )


async def ask_core(context: ContextTypes.DEFAULT_TYPE, chat_id: int, lang: str, question: str) -> Answer:
    """The core's answer (with the chat's recent history); a typing indicator shows if it takes
    noticeably long (an LLM, a busy bot). Instant answers skip it: every Bot API call counts
    against Telegram's rate limit."""
    settings = settings_of(context)
    history = store_of(context).history(chat_id, settings.history_turns)
    ask = Context(preferred_language=lang, history=history)
    workers: ThreadPoolExecutor = context.bot_data["workers"]
    work = asyncio.get_running_loop().run_in_executor(workers, assistant_of(context).ask, question, ask)
    done, _ = await asyncio.wait([work], timeout=settings.typing_after)
    if not done:
        await show_typing(context, chat_id)
    return await work


async def show_typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """A typing indicator, when the rate limiter has room for it (answers first); a failure here
    must never cost the delegate the answer."""
    limiter = context.bot.rate_limiter
    if isinstance(limiter, ChatRateLimiter) and not limiter.has_room():
        return
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:
        log.debug("typing indicator failed: %s", exc)


def record(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, chat_id: int, question: str, answer: Answer
) -> int | None:
    """Save the question and its answer; None when the database fails (e.g. the disk is full):
    the delegate still gets the answer, only without the buttons that need the saved question."""
    try:
        return store_of(context).record_question(
            user_id,
            chat_id,
            answer.language,
            question.strip(),
            answer.text,
            str(answer.reason),
            answer.confidence,
            ",".join(source.entry_id for source in answer.sources),
        )
    except SQLAlchemyError:
        log.exception("could not save a question (the answer is sent anyway)")
        return None
