"""The one `Application`: built here from the three roles' handlers (delegates, staff,
organisers), with the error handler, start-up and shutdown hooks, and polling or webhook.
"""

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from telegram import BotCommand, BotCommandScope, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, ApplicationBuilder, ContextTypes

from bot import DEFAULT_LANGUAGE, LANGUAGES
from bot.config import Settings
from bot.core import Assistant
from bot.storage import Store
from bot.telegram.common import store_of, user_language
from bot.telegram.delegates import (
    RATE_WINDOW,
    add_delegate_handlers,
    add_pace_check,
    bot_commands,
    reply_with_answer,
)
from bot.telegram.limits import ChatRateLimiter, Throttle
from bot.telegram.meetings import add_meeting_handlers
from bot.telegram.organisers import add_organiser_handlers, organiser_commands
from bot.telegram.reminders import add_reminder_handlers, resume_reminders
from bot.telegram.staff import add_staff_handlers, handle_for_ticket, resume_tickets, staff_commands
from bot.telegram.voice import add_voice_handlers, close_transcriber
from bot.texts import text

log = logging.getLogger(__name__)


async def handle_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log every failure with its update; tell the delegate, in their language, without a trace."""
    log.error("error while handling %r", update, exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden) and update.effective_user:
        store_of(context).mark_blocked(update.effective_user.id)
        return
    try:
        await context.bot.send_message(
            update.effective_chat.id, text(user_language(update, context), "error")
        )
    except TelegramError:
        log.exception("could not tell the delegate about the error")


async def answer_heard(update: Update, context: ContextTypes.DEFAULT_TYPE, heard: str) -> None:
    """A delegate's transcribed voice note: to the staff while their ticket takes it (as for typed
    words), else answered like a typed question."""
    if not await handle_for_ticket(update, context, f"🎤 {heard}"):
        await reply_with_answer(update, context, heard)


Menu = Callable[[str], list[BotCommand]]  # a role's commands, described in a language


def organiser_menu(lang: str) -> list[BotCommand]:
    """An organiser's own chat: the delegates' commands (theirs where both have one), then theirs."""
    own = {command.command: command for command in organiser_commands(lang)}
    shared = [own.pop(command.command, command) for command in bot_commands(lang)]
    return [*shared, *own.values()]


def command_menus(application: Application) -> list[tuple[BotCommandScope, Menu, str]]:
    """(scope, menu, language for clients in other languages) of every role: delegates everywhere,
    the staff in the staff chat, each organiser in their own chat with the bot."""
    settings: Settings = application.bot_data["settings"]
    menus: list[tuple[BotCommandScope, Menu, str]] = [
        (BotCommandScopeDefault(), bot_commands, DEFAULT_LANGUAGE)
    ]
    if settings.staff_chat_id is not None:
        menus.append((BotCommandScopeChat(settings.staff_chat_id), staff_commands, settings.staff_language))
    for admin_id in settings.admin_ids:
        lang = application.bot_data["store"].language(admin_id) or DEFAULT_LANGUAGE
        menus.append((BotCommandScopeChat(admin_id), organiser_menu, lang))
    return menus


async def publish_commands(application: Application) -> None:
    """Each role's command menu in zh, en and it (Telegram picks by the client's language), and in
    the role's own language for other clients. Best effort: Telegram refuses an organiser's chat
    until they have started the bot."""
    for scope, menu, default in command_menus(application):
        for code in (None, *LANGUAGES):
            try:
                await application.bot.set_my_commands(menu(code or default), scope=scope, language_code=code)
            except TelegramError as exc:
                log.warning("could not publish the %s command menu (%s): %s", scope.type, code, exc)


async def on_startup(application: Application) -> None:
    await publish_commands(application)
    await resume_tickets(application)
    await resume_reminders(application)


async def on_stop(application: Application) -> None:
    await application.bot_data["staff_outbox"].close()
    await close_transcriber(application)
    application.bot_data["workers"].shutdown(wait=False, cancel_futures=True)



def add_handlers(application: Application) -> None:
    add_pace_check(application)
    add_meeting_handlers(application)  # first: typed answers of a request before the staff relay
    add_staff_handlers(application)
    add_organiser_handlers(application)
    add_reminder_handlers(application)
    add_voice_handlers(application, answer_heard)
    add_delegate_handlers(application)
    application.add_error_handler(handle_error)

def build_application(
    settings: Settings, assistant: Assistant, store: Store | None = None, **builder_options: Any
) -> Application:
    """The one place the `Application` is built. `builder_options` name builder methods
    (e.g. `request=...`) for tests."""
    builder = ApplicationBuilder().token(settings.telegram_bot_token or "")
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(base.removesuffix("/bot") + "/file/bot")
    builder = (
        builder.rate_limiter(ChatRateLimiter(max_retries=3))
        .concurrent_updates(settings.concurrent_updates)
        .post_init(on_startup)
        .post_stop(on_stop)
    )
    for option, value in builder_options.items():
        builder = getattr(builder, option)(value)
    application = builder.build()
    store = store or Store.from_settings(settings)
    application.bot_data.update(
        settings=settings,
        assistant=assistant,
        store=store,
        throttle=Throttle(settings.rate_limit_per_minute, RATE_WINDOW, store),
        workers=ThreadPoolExecutor(settings.concurrent_updates, thread_name_prefix="answer"),
    )
    add_handlers(application)
    return application


def run_bot(settings: Settings, assistant: Assistant) -> None:
    """Run until interrupted: a webhook when `WEBHOOK_URL` is set, else long polling."""
    application = build_application(settings, assistant)
    if settings.webhook_url:
        application.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=settings.webhook_url.rsplit("/", 1)[-1],
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
