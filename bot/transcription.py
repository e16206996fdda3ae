"""Voice questions: speech to text with OpenAI transcription (any OpenAI-compatible server at
`OPENAI_BASE_URL`), on when `OPENAI_API_KEY` is set. Knows nothing about Telegram."""

import logging

import openai

from bot.config import Settings

log = logging.getLogger(__name__)


class TranscriptionError(RuntimeError):
    """The service failed, timed out or answered with something unusable."""


class Transcriber:
    """One client for the bot's lifetime; each call is given up after `TRANSCRIPTION_TIMEOUT`."""

    def __init__(self, settings: Settings) -> None:
        self.model = settings.openai_transcription_model
        self._client = openai.AsyncOpenAI(
            api_key=settings.openai_api_key,
            base_url=settings.openai_base_url,
            timeout=settings.transcription_timeout,
            max_retries=0,  # the deadline is TRANSCRIPTION_TIMEOUT; the delegate can send it again
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> "Transcriber | None":
        """A transcriber, or None when no transcription service is configured."""
        return cls(settings) if settings.transcription_enabled else None

    async def transcribe(self, audio: bytes, filename: str = "voice.ogg") -> str:
        """The words spoken in `audio` (Telegram voice notes are OGG/Opus), stripped."""
        try:
            result = await self._client.audio.transcriptions.create(
                model=self.model, file=(filename, audio, "audio/ogg")
            )
        except openai.OpenAIError as exc:
            log.warning("transcription failed: %r", exc)
            raise TranscriptionError(str(exc)) from exc
        words = getattr(result, "text", None)
        if not isinstance(words, str):
            raise TranscriptionError(f"no text in the transcription: {result!r}")
        return words.strip()

    async def close(self) -> None:
        await self._client.close()
