"""Voice questions in Telegram: a delegate's voice note is transcribed, shown back ("🎤 I heard: …")
and answered like a typed question (or passed to the staff during a conversation with them);
without a transcription service, or when it fails, the delegate is told in their language."""

import logging

from telegram import Update, Voice
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.telegram.answers import show_typing
from bot.telegram.common import settings_of, user_language, with_retries
from bot.telegram.delegates import reply_with_answer
from bot.telegram.staff import handle_for_ticket
from bot.texts import text
from bot.transcription import Transcriber, TranscriptionError

log = logging.getLogger(__name__)


def transcriber_of(context: ContextTypes.DEFAULT_TYPE) -> Transcriber | None:
    return context.bot_data.get("transcriber")


def voice_seconds(voice: Voice) -> int:
    """The note's length, from its Bot API form (PTB's `duration` is changing from int to timedelta)."""
    return int(voice.to_dict().get("duration") or 0)


async def hear(update: Update, context: ContextTypes.DEFAULT_TYPE, transcriber: Transcriber) -> str | None:
    """The words of the voice note; None (the delegate told why) when there are none to answer."""
    message, lang = update.effective_message, user_language(update, context)
    limit = settings_of(context).max_voice_seconds
    seconds = voice_seconds(message.voice)
    if seconds > limit:
        await message.reply_text(text(lang, "voice_too_long", seconds=seconds, limit=limit))
        return None
    await show_typing(context, update.effective_chat.id)
    try:
        voice = await with_retries(message.voice.get_file)
        audio = await with_retries(voice.download_as_bytearray)
        heard = await transcriber.transcribe(bytes(audio))
    except (TranscriptionError, TelegramError) as exc:
        log.warning("voice note not transcribed: %r", exc)
        await message.reply_text(text(lang, "voice_failed"))
        return None
    if not heard:
        await message.reply_text(text(lang, "voice_empty"))
        return None
    return heard


async def answer_voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A voice note in a private chat: transcribed, shown back, then answered like text."""
    message = update.effective_message
    transcriber = transcriber_of(context)
    if transcriber is None:
        await message.reply_text(text(user_language(update, context), "voice_unavailable"))
        return
    heard = await hear(update, context, transcriber)
    if heard is None:
        return
    await message.reply_text(text(user_language(update, context), "voice_heard", text=heard))
    if not await handle_for_ticket(update, context, f"🎤 {heard}"):
        await reply_with_answer(update, context, heard)


async def close_transcriber(application: Application) -> None:
    transcriber = application.bot_data.get("transcriber")
    if transcriber is not None:
        await transcriber.close()


def add_voice_handlers(application: Application) -> None:
    application.bot_data["transcriber"] = Transcriber.from_settings(application.bot_data["settings"])
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & filters.VOICE, answer_voice))
