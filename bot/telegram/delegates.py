"""Delegates' side of the Telegram front end: questions answered by the core, menus, language,
votes and their pace. Staff and organisers have their own modules; `app.py` puts them together.

State lives in `context.bot_data` (the assistant, the store, the settings) and in the
store (languages, history, votes), never in globals.
"""

import datetime as dt
import logging

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatType, ParseMode
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

from bot import LANGUAGES, deeplinks, menus
from bot.answer import Answer, Reason
from bot.config import Settings
from bot.language import normalise
from bot.telegram.answers import (
    answer_keyboard,
    ask_core,
    format_answer,
    record,
    send_long,
    staff_button,
)
from bot.telegram.common import (
    assistant_of,
    parse_id,
    settings_of,
    store_of,
    tickets_of,
    user_language,
    with_retries,
)
from bot.telegram.limits import Pace, Throttle
from bot.telegram.meetings import begin, matchmaker_of, meeting_keyboard, meetings_of, my_meetings
from bot.telegram.reminders import minutes_label, reminder_keyboard, reminders_of
from bot.texts import LANGUAGE_LABELS, text
from bot.venue import Pin

log = logging.getLogger(__name__)

RATE_WINDOW = 60.0
PACE = -2  # handler group of the delegates' pace check: before the staff relay and the answers
COMMANDS = (
    "start", "help", "agenda", "enterprises", "invest", "venue", "meetings", "lang", "human", "end", "forget"
)


# --- helpers ---------------------------------------------------------------------------------


def language_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(LANGUAGE_LABELS[lang], callback_data=f"lang:{lang}") for lang in LANGUAGES]]
    )


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
    """The welcome; a deep link (`?start=it`, `?start=agenda`, `?start=zh-meet_avio`) also sets
    the language and opens a screen."""
    user, chat = update.effective_user, update.effective_chat
    store_of(context).remember_delegate(  # a group's /start never redirects announcements there
        user.id, chat.id, user.full_name, normalise(user.language_code)
    )
    link = deeplinks.parse(context.args[0]) if context.args else deeplinks.Start()
    if link.language:
        store_of(context).set_language(user.id, chat.id, link.language)
        await set_chat_commands(context, chat.id, link.language)
    lang = user_language(update, context)
    name = f"{text(lang, 'name_comma')}{user.first_name}" if user.first_name else ""
    await update.effective_message.reply_text(
        f"{text(lang, 'welcome', name=name)}\n\n{text(lang, 'privacy')}\n\n{text(lang, 'choose_language')}",
        reply_markup=language_keyboard(),
    )
    await open_screen(update, context, link)


async def open_screen(update: Update, context: ContextTypes.DEFAULT_TYPE, link: deeplinks.Start) -> None:
    """The screen a deep link names, after the welcome."""
    screens = {
        "agenda": agenda_command,
        "enterprises": enterprises_command,
        "invest": invest_command,
        "meetings": my_meetings,
    }
    if link.company in matchmaker_of(context).companies:  # a stale link: the welcome only
        await begin(update, context, "co", link.company)
    elif link.screen in screens:
        await screens[link.screen](update, context)


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
    """The programme; "⏰ Remind me" buttons for the timed items still ahead."""
    lang = user_language(update, context)
    data = assistant_of(context).menu_data
    body = menus.agenda(data, lang)
    keyboard = reminder_keyboard(data, lang, dt.datetime.now(dt.UTC))
    if keyboard:
        minutes = minutes_label(settings_of(context).reminder_minutes)
        body += "\n\n" + text(lang, "remind_hint", minutes=minutes)
    await send_long(update.effective_message, body, keyboard)


async def venue_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The venue as a map pin when the data has its coordinates, else where it is in words."""
    lang = user_language(update, context)
    answer = assistant_of(context).venue(lang)
    if answer is None:  # no venue entry in the knowledge
        await update.effective_message.reply_text(text(lang, "dont_know"))
    elif answer.venue is not None:
        await send_pin(update.effective_message, answer.venue)
    else:
        await send_long(update.effective_message, format_answer(answer), None)


async def send_pin(message: Message, pin: Pin) -> None:
    """A Telegram venue message: the pin on a map, with its name and address."""
    await with_retries(
        lambda: message.reply_venue(
            latitude=pin.latitude, longitude=pin.longitude, title=pin.name, address=pin.address
        )
    )


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
    menu = update.callback_query.data.partition(":")[2]
    shown = {"enterprises": enterprises_command, "invest": invest_command}.get(menu, agenda_command)
    await shown(update, context)


async def forget_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/forget`: asks first (deleting cannot be undone)."""
    lang = user_language(update, context)
    keyboard = InlineKeyboardMarkup(
        [[
            InlineKeyboardButton(text(lang, "forget_yes"), callback_data="forget:yes"),
            InlineKeyboardButton(text(lang, "forget_no"), callback_data="forget:no"),
        ]]
    )
    await update.effective_message.reply_text(text(lang, "forget_confirm"), reply_markup=keyboard)


async def confirm_forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """ "Delete my data" or "Keep it" under the /forget question."""
    query = update.callback_query
    lang = user_language(update, context)
    await query.answer()
    if query.data != "forget:yes":
        await query.edit_message_text(text(lang, "forget_kept"))
        return
    tickets_of(context).forget(update.effective_user.id)
    meetings_of(context).forget(update.effective_user.id)
    reminders_of(context).forget(update.effective_user.id)
    store_of(context).forget(update.effective_user.id)
    throttle_of(context).forget(update.effective_user.id)
    await query.edit_message_text(text(lang, "forget_done"))


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
    message, chat_id = update.effective_message, update.effective_chat.id
    answer = await ask_core(context, chat_id, user_language(update, context), question)
    question_id = record(context, update.effective_user.id, chat_id, question, answer)
    markup = answer_keyboard(answer, question_id, fitting_menu(context, answer))
    if answer.meeting is not None:  # "🤝 Request a meeting" (per enterprise) above the usual buttons
        rows = meeting_keyboard(answer, matchmaker_of(context))
        markup = InlineKeyboardMarkup([*rows, *markup.inline_keyboard])
    await send_long(message, format_answer(answer), markup)
    if answer.venue is not None:
        await send_pin(message, answer.venue)


def fitting_menu(context: ContextTypes.DEFAULT_TYPE, answer: Answer) -> str | None:
    """The menu to offer under an answer: for a "not published" entry, the one of its topic (a
    missing time → the agenda, a hotel → none: staff help there); else the agenda."""
    if answer.reason is not Reason.GAP or not answer.sources:
        return "agenda"
    return menus.related_menu(assistant_of(context).retriever.topic(answer.sources[0].entry_id))


async def vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    _, number, value = query.data.split(":")
    lang = user_language(update, context)
    question_id = parse_id(number)
    if question_id is None or not store_of(context).vote(question_id, update.effective_user.id, int(value)):
        await query.answer(text(lang, "vote_not_yours"))
        return
    await query.answer(text(lang, "vote_thanks"))
    if int(value) > 0:
        await query.edit_message_reply_markup(reply_markup=None)
        return
    # 👎: the "ask a staff member" button stays, and is offered in words
    staff = InlineKeyboardMarkup([staff_button(lang, question_id)])
    await query.edit_message_reply_markup(reply_markup=staff)
    await query.message.reply_text(text(lang, "vote_sorry"), reply_markup=staff)


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
    """Show the command menu in the language the delegate chose (best effort); an organiser's chat
    keeps its own menu (published at start in every language, with their commands)."""
    if chat_id in settings_of(context).admin_ids:
        return
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
    application.add_handler(CommandHandler("venue", venue_command))
    application.add_handler(CommandHandler("forget", forget_command))
    application.add_handler(CallbackQueryHandler(choose_language, pattern=r"^lang:"))
    application.add_handler(CallbackQueryHandler(browse_enterprises, pattern=r"^ent:"))
    application.add_handler(CallbackQueryHandler(vote, pattern=r"^vote:\d+:-?1$"))
    application.add_handler(CallbackQueryHandler(show_menu, pattern=r"^menu:"))
    application.add_handler(CallbackQueryHandler(confirm_forget, pattern=r"^forget:(yes|no)$"))
    application.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, answer_question))
    application.add_handler(
        MessageHandler(filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND, answer_in_group)
    )
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, unsupported_message))
    application.add_handler(CallbackQueryHandler(expired_button))
