"""Voice questions in Telegram: a delegate's voice note is transcribed, shown back ("🎤 I heard: …")
and then handled as `app.py` wires it (answered like a typed question, or passed to the staff
during a conversation with them); without a transcription service, or when it fails, the
delegate is told in their language."""

import logging
from collections.abc import Awaitable, Callable

from telegram import Update, Voice
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.telegram.answers import show_typing
from bot.telegram.common import settings_of, user_language, with_retries
from bot.texts import text
from bot.transcription import Transcriber, TranscriptionError

log = logging.getLogger(__name__)

Heard = Callable[[Update, ContextTypes.DEFAULT_TYPE, str], Awaitable[None]]  # what to do with the words


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


def voice_answerer(answer_heard: Heard) -> Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]:
    """The handler of a voice note in a private chat: transcribed, shown back, then `answer_heard`."""

    async def answer_voice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        transcriber = transcriber_of(context)
        if transcriber is None:
            await message.reply_text(text(user_language(update, context), "voice_unavailable"))
            return
        heard = await hear(update, context, transcriber)
        if heard is None:
            return
        await message.reply_text(text(user_language(update, context), "voice_heard", text=heard))
        await answer_heard(update, context, heard)

    return answer_voice


async def close_transcriber(application: Application) -> None:
    transcriber = application.bot_data.get("transcriber")
    if transcriber is not None:
        await transcriber.close()


def add_voice_handlers(application: Application, answer_heard: Heard) -> None:
    application.bot_data["transcriber"] = Transcriber.from_settings(application.bot_data["settings"])
    voice = filters.ChatType.PRIVATE & filters.VOICE
    application.add_handler(MessageHandler(voice, voice_answerer(answer_heard)))
