"""Voice questions through real python-telegram-bot objects (fast: recorded Bot API calls),
transcribed by the local OpenAI-compatible test server: shown back and answered like text;
failures, timeouts, long or silent notes and a missing service each get a clear message in the
delegate's language. Staff voice replies in a ticket reach the delegate as voice."""

import pytest

from bot.storage import Store
from bot.telegram.app import build_application
from bot.texts import text
from tests.fake_openai import FakeOpenAI
from tests.telegram_fakes import RecordingRequest, buttons, message_update, user, voice_update
from tests.test_telegram_handoff import STAFF, STAFF_CHAT, escalate_after_abstention, make_bot, settle

GIULIA = user(user_id=7, lang="it", name="Giulia")


@pytest.fixture
def fake():
    with FakeOpenAI() as server:
        yield server


async def started(settings, assistant, tmp_path, request=None, **overrides):
    request = request or RecordingRequest()
    settings = settings.model_copy(update={"telegram_bot_token": "123:TEST", **overrides})
    app = build_application(
        settings, assistant, Store(tmp_path / "bot.sqlite3"), request=request,
        get_updates_request=RecordingRequest(),
    )
    app.request = request  # type: ignore[attr-defined]
    await app.initialize()
    return app


@pytest.fixture
async def bot(shared_settings, assistant, tmp_path, fake):
    app = await started(
        shared_settings, assistant, tmp_path, openai_api_key="test-key", openai_base_url=fake.base_url,
        transcription_timeout=1.0,
    )
    yield app
    await app.shutdown()


async def speak(app, content=b"OggS voice", **kwargs):
    await app.process_update(voice_update(app, app.request, content, **kwargs))
    return [params["text"] for params in app.request.sent()]


async def test_a_voice_note_is_shown_back_and_answered_like_text(bot, fake):
    fake.behaviour.transcript = "Who is Hans Song?"
    said = await speak(bot, b"OggS the spoken question")
    assert said[0] == text("en", "voice_heard", text="Who is Hans Song?")
    assert "Messe Stuttgart" in said[1]
    assert [label for label, _ in buttons(bot.request.sent()[-1])] == ["👍", "👎"]
    upload = fake.behaviour.requests[-1]
    assert upload["path"] == "/v1/audio/transcriptions"
    assert upload["body"] == {"model": "gpt-4o-mini-transcribe", "file": b"OggS the spoken question"}
    asked = bot.bot_data["store"].last_question(1)
    assert asked.question == "Who is Hans Song?" and asked.reason == "answered"


async def test_the_answer_is_in_the_language_spoken(bot, fake):
    fake.behaviour.transcript = "会场在哪里？"
    said = await speak(bot, sender=GIULIA)
    assert said[0] == text("it", "voice_heard", text="会场在哪里？")  # shown back in her language
    assert "星庄" in said[1]  # answered in the language she spoke


@pytest.mark.parametrize("failure", ["status", "timeout"])
async def test_a_failing_or_hanging_service_gets_a_clear_message_and_nothing_is_lost(bot, fake, failure):
    if failure == "status":
        fake.behaviour.status = 500
    else:
        fake.behaviour.delay = 2.0  # TRANSCRIPTION_TIMEOUT is 1 s here
    said = await speak(bot, sender=GIULIA)
    assert said == [text("it", "voice_failed")]
    fake.behaviour.status, fake.behaviour.delay = 200, 0.0
    fake.behaviour.transcript = "Chi è Hans Song?"
    said = await speak(bot, sender=GIULIA)  # the same delegate, sending it again, is answered
    assert said[1] == text("it", "voice_heard", text="Chi è Hans Song?")
    assert "Messe Stuttgart" in said[2]


async def test_a_failing_download_gets_the_same_clear_message(bot, fake):
    bot.request.fail["getFile"] = 3
    bot.request.fail_status = 502
    assert await speak(bot, sender=GIULIA) == [text("it", "voice_failed")]
    assert fake.behaviour.requests == []


async def test_silence_and_long_notes_are_told_apart(bot, fake):
    fake.behaviour.transcript = "   "
    assert await speak(bot) == [text("en", "voice_empty")]
    said = await speak(bot, duration=600)
    assert said[-1] == text("en", "voice_too_long", seconds=600, limit=120)
    assert len(fake.behaviour.requests) == 1  # the long note was not uploaded


@pytest.mark.parametrize("lang", ["zh", "en", "it"])
async def test_without_a_transcription_service_the_delegate_is_told_to_type(
    shared_settings, assistant, tmp_path, lang
):
    app = await started(shared_settings, assistant, tmp_path)
    try:
        said = await speak(app, sender=user(lang=lang))
    finally:
        await app.shutdown()
    assert said == [text(lang, "voice_unavailable")]
    assert app.request.named("getFile") == []


async def test_staff_voice_replies_reach_the_delegate_as_voice(shared_settings, assistant, tmp_path):
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"))
    await app.initialize()
    try:
        ticket = await escalate_after_abstention(app)
        voice = {"file_id": "staff-voice-1", "file_unique_id": "u1", "duration": 4}
        await app.process_update(message_update(
            app, None, sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT, voice=voice,
            message_thread_id=ticket.thread_id, is_topic_message=True,
            reply_to_message={"message_id": ticket.thread_id, "date": 0,
                              "chat": {"id": STAFF_CHAT, "type": "supergroup"}},
        ))
        await settle(app)
    finally:
        await app.shutdown()
    sent = app.request.named("sendVoice")
    assert [(call.params["chat_id"], call.params["voice"]) for call in sent] == [(7, "staff-voice-1")]
    assert sent[0].params["caption"].startswith(text("it", "handoff_staff_says", name="Anna"))
    assert app.request.sent()[-1]["text"].startswith("✓ Delivered")
    assert [m.direction for m in app.bot_data["tickets"].messages(ticket.id)] == ["staff"]


async def test_a_voice_note_during_a_staff_conversation_goes_to_the_staff(
    shared_settings, assistant, tmp_path, fake
):
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"),
                   openai_api_key="test-key", openai_base_url=fake.base_url)
    await app.initialize()
    try:
        ticket = await escalate_after_abstention(app)
        fake.behaviour.transcript = "Il mio volo arriva alle nove."
        await app.process_update(voice_update(app, app.request, sender=GIULIA))
        await settle(app)
    finally:
        await app.shutdown()
    to_staff = [p for p in app.request.sent() if p.get("chat_id") == STAFF_CHAT][-1]
    assert "🎤 Il mio volo arriva alle nove." in to_staff["text"]
    delegate = [p["text"] for p in app.request.sent() if p.get("chat_id") == 7]
    assert delegate[-2:] == [  # shown back, then told it went to the open ticket (the bot does not know it)
        text("it", "voice_heard", text="Il mio volo arriva alle nove."),
        text("it", "handoff_added", number=ticket.id),
    ]
    assert [m.direction for m in app.bot_data["tickets"].messages(ticket.id)] == ["delegate"]
