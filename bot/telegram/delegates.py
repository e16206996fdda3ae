"""Delegates' side of the Telegram front end: questions answered by the core, menus, language,
votes and their pace. Staff and organisers have their own modules; `app.py` puts them together.

State lives in `context.bot_data` (the assistant, the store, the settings) and in the
store (languages, history, votes), never in globals.
"""

import asyncio
import html
import logging
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.exc import SQLAlchemyError
from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatAction, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import LANGUAGES, menus
from bot.answer import Answer, Reason
from bot.config import Settings
from bot.core import Context
from bot.language import normalise
from bot.telegram.common import (
    assistant_of,
    parse_id,
    settings_of,
    store_of,
    tickets_of,
    user_language,
    with_retries,
)
from bot.telegram.limits import Pace, Throttle, split_html
from bot.texts import LANGUAGE_LABELS, text

log = logging.getLogger(__name__)

RATE_WINDOW = 60.0
PACE = -2  # handler group of the delegates' pace check: before the staff relay and the answers
COMMANDS = ("start", "help", "agenda", "enterprises", "invest", "lang", "human", "end", "forget")


# --- helpers ---------------------------------------------------------------------------------


def format_answer(answer: Answer) -> str:
    """The answer as Telegram HTML: escaped text and a short sources footer."""
    body = html.escape(answer.text)
    if answer.sources:
        label = text(answer.language, "source" if len(answer.sources) == 1 else "sources")
        titles = html.escape(", ".join(source.title for source in answer.sources))
        body += f"\n\n<i>📄 {label}: {titles}</i>"
    return body


def answer_keyboard(answer: Answer, question_id: int | None) -> InlineKeyboardMarkup:
    """Votes and "ask a staff member" (which need the saved question), and the agenda."""
    lang = answer.language
    agenda = [InlineKeyboardButton(text(lang, "browse_agenda"), callback_data="menu:agenda")]
    if answer.reason is Reason.SMALL_TALK or question_id is None:
        return InlineKeyboardMarkup([agenda])
    staff = [InlineKeyboardButton(text(lang, "ask_staff"), callback_data=f"human:{question_id}")]
    if answer.abstained:
        return InlineKeyboardMarkup([staff, agenda])
    votes = [
        InlineKeyboardButton("👍", callback_data=f"vote:{question_id}:1"),
        InlineKeyboardButton("👎", callback_data=f"vote:{question_id}:-1"),
    ]
    return InlineKeyboardMarkup([votes, staff] if answer.tentative else [votes])


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(LANGUAGE_LABELS[lang], callback_data=f"lang:{lang}") for lang in LANGUAGES]]
    )


async def send_long(message: Message, body: str, markup: InlineKeyboardMarkup | None) -> None:
    """Reply with `body` (HTML), split into messages within Telegram's limit; buttons on the last."""
    parts = split_html(body)
    for number, part in enumerate(parts, start=1):
        await with_retries(
            lambda part=part, number=number: message.reply_html(
                part, reply_markup=markup if number == len(parts) else None, disable_web_page_preview=True
            )
        )


async def answer_with_typing(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> Answer:
    """The core's answer; a typing indicator shows if it takes noticeably long (an LLM, a busy bot).

    Instant answers skip it: every Bot API call counts against Telegram's rate limit.
    """
    store = store_of(context)
    history = store.history(update.effective_chat.id, settings_of(context).history_turns)
    ask = Context(preferred_language=user_language(update, context), history=history)
    workers: ThreadPoolExecutor = context.bot_data["workers"]
    work = asyncio.get_running_loop().run_in_executor(workers, assistant_of(context).ask, question, ask)
    done, _ = await asyncio.wait([work], timeout=settings_of(context).typing_after)
    if not done:
        await show_typing(update, context)
    return await work


async def show_typing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A typing indicator; a failure here must never cost the delegate the answer."""
    try:
        await context.bot.send_chat_action(update.effective_chat.id, ChatAction.TYPING)
    except TelegramError as exc:
        log.debug("typing indicator failed: %s", exc)


def throttle_of(context: ContextTypes.DEFAULT_TYPE) -> Throttle:
    return context.bot_data["throttle"]


async def keep_pace(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every delegate message (question, command, message for the staff) counts against
    `RATE_LIMIT_PER_MINUTE`; the first one over is told to slow down, the rest are ignored
    until the minute frees up."""
    if update.effective_user is None:  # a channel post: nobody to pace
        return
    pace = throttle_of(context).check(update.effective_user.id)
    if pace is Pace.OK:
        return
    if pace is Pace.TELL:
        await update.effective_message.reply_text(text(user_language(update, context), "rate_limited"))
    raise ApplicationHandlerStop


# --- commands ----------------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    user = update.effective_user
    store_of(context).remember_delegate(  # a group's /start never redirects announcements there
        user.id, update.effective_chat.id, user.full_name, normalise(user.language_code)
    )
    lang = user_language(update, context)
    name = f", {user.first_name}" if user.first_name else ""
    await update.effective_message.reply_text(
        f"{text(lang, 'welcome', name=name)}\n\n{text(lang, 'privacy')}\n\n{text(lang, 'choose_language')}",
        reply_markup=language_keyboard(),
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await update.effective_message.reply_text(text(user_language(update, context), "help"))


async def lang_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_language(update, context)
    await update.effective_message.reply_text(text(lang, "choose_language"), reply_markup=language_keyboard())


async def choose_language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    lang = query.data.split(":", 1)[1]
    if lang not in LANGUAGES:
        await query.answer()
        return
    store_of(context).set_language(update.effective_user.id, update.effective_chat.id, lang)
    await query.answer(text(lang, "language_set"))
    await query.edit_message_text(text(lang, "language_set") + "\n\n" + text(lang, "help"))
    await set_chat_commands(context, update.effective_chat.id, lang)


async def agenda_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_language(update, context)
    body = menus.agenda(assistant_of(context).menu_data, lang)
    await send_long(update.effective_message, body, None)


async def invest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_language(update, context)
    body = menus.invest(assistant_of(context).menu_data, lang)
    await send_long(update.effective_message, body, None)


async def enterprises_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_language(update, context)
    body, keyboard = menus.enterprises(assistant_of(context).menu_data, lang, "root")
    await update.effective_message.reply_html(body, reply_markup=keyboard)


async def browse_enterprises(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Inline navigation: edit the same message instead of sending new ones."""
    query = update.callback_query
    await query.answer()
    lang = user_language(update, context)
    body, keyboard = menus.enterprises(assistant_of(context).menu_data, lang, query.data[4:])
    await query.edit_message_text(body, parse_mode=ParseMode.HTML, reply_markup=keyboard)


async def show_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A menu button under an answer (e.g. "Browse the agenda")."""
    await update.callback_query.answer()
    await agenda_command(update, context)


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = user_language(update, context)
    tickets_of(context).forget(update.effective_user.id)
    store_of(context).forget(update.effective_user.id)
    throttle_of(context).forget(update.effective_user.id)
    await update.effective_message.reply_text(text(lang, "forget_done"))


# --- questions ---------------------------------------------------------------------------------


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text in a private chat: the core's answer, with sources and feedback buttons."""
    await reply_with_answer(update, context, update.effective_message.text)


async def answer_in_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In groups, answer only when the bot is mentioned or replied to."""
    message = update.effective_message
    mention = f"@{context.bot.username}"
    replied_to = message.reply_to_message.from_user if message.reply_to_message else None
    replied = replied_to is not None and replied_to.id == context.bot.id  # a channel post has no sender
    if mention.lower() not in message.text.lower() and not replied:
        return
    await keep_pace(update, context)
    question = message.text.replace(mention, " ").replace(mention.lower(), " ")
    await reply_with_answer(update, context, question)


async def reply_with_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    message = update.effective_message
    answer = await answer_with_typing(update, context, question)
    question_id = record(update, context, question, answer)
    await send_long(message, format_answer(answer), answer_keyboard(answer, question_id))


def record(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str, answer: Answer) -> int | None:
    """Save the question and its answer; None when the database fails (e.g. the disk is full):
    the delegate still gets the answer, only without the buttons that need the saved question."""
    try:
        return store_of(context).record_question(
            update.effective_user.id,
            update.effective_chat.id,
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


async def vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _, number, value = query.data.split(":")
    lang = user_language(update, context)
    question_id = parse_id(number)
    if question_id is None or not store_of(context).vote(question_id, update.effective_user.id, int(value)):
        await query.answer(text(lang, "vote_not_yours"))
        return
    await query.answer(text(lang, "vote_thanks"))
    await query.edit_message_reply_markup(reply_markup=None)


async def expired_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button nothing handles any more (an old message, a changed menu): say so, don't spin."""
    notice = text(user_language(update, context), "button_expired")
    await update.callback_query.answer(notice, show_alert=True)


async def unsupported_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, stickers, voice notes…: say what the bot can do."""
    if update.effective_chat.type != ChatType.PRIVATE:
        return
    await update.effective_message.reply_text(text(user_language(update, context), "unsupported"))


def bot_commands(lang: str) -> list[BotCommand]:
    return [BotCommand(command, text(lang, f"cmd_{command}")) for command in COMMANDS]


async def set_chat_commands(context: ContextTypes.DEFAULT_TYPE, chat_id: int, lang: str) -> None:
    """Show the command menu in the language the delegate chose (best effort)."""
    try:
        await context.bot.set_my_commands(bot_commands(lang), scope=BotCommandScopeChat(chat_id))
    except TelegramError as exc:
        log.warning("could not set the chat's command menu: %s", exc)


def add_pace_check(application: Application) -> None:
    """Delegates' private messages and commands anywhere count against their pace; the staff
    chat, staff and organisers are not limited."""
    settings: Settings = application.bot_data["settings"]
    trusted = filters.User(user_id=[*settings.staff_ids, *settings.admin_ids])
    counted = filters.ChatType.PRIVATE | filters.COMMAND
    if settings.staff_chat_id is not None:
        counted = counted & ~filters.Chat(settings.staff_chat_id)
    application.add_handler(MessageHandler(counted & ~trusted, keep_pace), group=PACE)


def add_delegate_handlers(application: Application) -> None:
    """Delegates' commands, buttons and questions; registered after staff and organisers so that
    their handlers see their messages first, with the catch-alls last."""
    private = filters.ChatType.PRIVATE
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
    application.add_handler(CommandHandler("lang", lang_command))
    application.add_handler(CommandHandler("agenda", agenda_command))
    application.add_handler(CommandHandler("enterprises", enterprises_command))
    application.add_handler(CommandHandler("invest", invest_command))
    application.add_handler(CommandHandler("forget", forget_command))
    application.add_handler(CallbackQueryHandler(choose_language, pattern=r"^lang:"))
    application.add_handler(CallbackQueryHandler(browse_enterprises, pattern=r"^ent:"))
    application.add_handler(CallbackQueryHandler(vote, pattern=r"^vote:\d+:-?1$"))
    application.add_handler(CallbackQueryHandler(show_menu, pattern=r"^menu:"))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, answer_question))
    application.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, answer_in_group)
    )
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, unsupported_message))
    application.add_handler(CallbackQueryHandler(expired_button))
