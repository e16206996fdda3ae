"""Reminders in Telegram: "⏰ Remind me" buttons under /agenda for the timed items still ahead,
the reminder sent in the delegate's language `REMINDER_MINUTES` before the item, and the saved
reminders scheduled again (PTB's JobQueue) when the bot starts."""

import datetime as dt
import logging
import time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.reminders import Reminder, Reminders
from bot.schedule import find_slot, slots
from bot.telegram.common import assistant_of, settings_of, store_of, user_language, with_retries
from bot.texts import text

log = logging.getLogger(__name__)

CALLBACK = "remind:"
MAX_CALLBACK_BYTES = 64  # Telegram's limit on a button's data
MAX_LABEL = 48  # characters of a button's text before it is cut with "…"


def reminders_of(context: ContextTypes.DEFAULT_TYPE) -> Reminders:
    return context.bot_data["reminders"]


def minutes_label(minutes: float) -> str:
    return f"{minutes:g}"


def reminder_keyboard(data: dict, lang: str, now: dt.datetime) -> InlineKeyboardMarkup | None:
    """One "⏰ Remind me" button per timed item that has not started; None when there is none."""
    rows = []
    for slot in slots(data):
        callback = f"{CALLBACK}{slot.key}"
        if slot.start <= now or len(callback.encode()) > MAX_CALLBACK_BYTES:
            continue
        label = text(lang, "remind_button", time=slot.start.strftime("%H:%M"), title=slot.title(lang))
        label = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        rows.append([InlineKeyboardButton(label, callback_data=callback)])
    return InlineKeyboardMarkup(rows) if rows else None


async def remind_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A "⏰ Remind me" button: save the reminder and schedule it (once per item and delegate)."""
    query = update.callback_query
    lang = user_language(update, context)
    slot = find_slot(assistant_of(context).menu_data, query.data.removeprefix(CALLBACK))
    if slot is None:  # the agenda changed since the button was sent
        await query.answer(text(lang, "button_expired"), show_alert=True)
        return
    title, starts_at = slot.title(lang), slot.start.timestamp()
    now = time.time()
    if starts_at <= now:
        await query.answer(text(lang, "reminder_started", title=title, time=slot.clock), show_alert=True)
        return
    minutes = settings_of(context).reminder_minutes
    reminder = reminders_of(context).add(
        update.effective_user.id, update.effective_chat.id, slot.key, lang, title,
        slot.start.strftime("%H:%M"), starts_at, max(now, starts_at - minutes * 60),
    )
    if reminder is None:
        await query.answer(text(lang, "reminder_already", title=title, time=slot.clock), show_alert=True)
        return
    schedule_reminder(context.application, reminder)
    said = text(lang, "reminder_set", title=title, time=slot.clock, minutes=minutes_label(minutes))
    await query.answer(said, show_alert=True)


def schedule_reminder(application: Application, reminder: Reminder) -> None:
    delay = max(0.0, reminder.remind_at - time.time())
    application.job_queue.run_once(  # sent however late the bot gets to it (not skipped as a "misfire")
        send_reminder, delay, data=reminder.id, name=f"reminder-{reminder.id}",
        job_kwargs={"misfire_grace_time": None},
    )


async def send_reminder(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The reminder, in the language the delegate had when setting it; kept for the next start
    when Telegram cannot take it now."""
    reminders = reminders_of(context)
    reminder = reminders.get(context.job.data)
    if reminder is None:  # the delegate used /forget meanwhile
        return
    minutes = max(1, round((reminder.starts_at - time.time()) / 60))
    said = text(reminder.language, "reminder", title=reminder.title, time=reminder.clock, minutes=minutes)
    try:
        await with_retries(lambda: context.bot.send_message(reminder.chat_id, said))
    except Forbidden:
        store_of(context).mark_blocked(reminder.user_id)
    except TelegramError as exc:
        log.warning("could not send reminder %s (kept for the next start): %s", reminder.id, exc)
        return
    reminders.done(reminder.id)


async def resume_reminders(application: Application) -> None:
    """After a restart: every saved reminder of an item still ahead is scheduled again (at once
    when its moment passed while the bot was down); those of items already started are dropped."""
    reminders: Reminders = application.bot_data["reminders"]
    now = time.time()
    for reminder in reminders.pending():
        if reminder.starts_at <= now:
            log.info("reminder %s missed while the bot was down: dropped", reminder.id)
            reminders.done(reminder.id)
        else:
            schedule_reminder(application, reminder)


def add_reminder_handlers(application: Application) -> None:
    application.bot_data["reminders"] = Reminders(application.bot_data["store"])
    application.add_handler(CallbackQueryHandler(remind_me, pattern=rf"^{CALLBACK}"))
