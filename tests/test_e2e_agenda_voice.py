"""End to end over real HTTP (emulator + bridge, tests/harness) for issue 12's voice questions,
reminders, "now / next" and the venue pin: delegates in zh, en and it, the unmodified bot, the
local OpenAI-compatible test server for transcription, and test knowledge whose agenda has clock
times around the real clock (the seed publishes none) and whose venue has (made-up) coordinates."""

import asyncio
import datetime as dt
import time

import pytest

from bot.core import Assistant
from bot.schedule import find_slot
from bot.texts import text
from tests.fake_openai import FakeOpenAI
from tests.harness.fixtures import new_token, start_bot
from tests.test_e2e_staff import STAFF_CHAT, STAFF_ID, open_ticket, staff_member
from tests.timed_data import VENUE, timed_knowledge, times_around


@pytest.fixture(scope="module")
def timed(shared_settings, tmp_path_factory):
    day, times = times_around(dt.datetime.now(dt.UTC))
    settings = timed_knowledge(shared_settings, tmp_path_factory.mktemp("e2e-agenda"), day=day, times=times)
    return settings, Assistant(settings), times


@pytest.fixture
async def seed_bot(emulator, ingested_settings, assistant):
    """The bot on the seed knowledge, already ingested (no catch-up ingest competing with the test)."""
    async with start_bot(emulator, ingested_settings, assistant) as bot:
        yield bot


@pytest.fixture
def fake():
    with FakeOpenAI() as server:
        yield server


async def bridge_calls(bot, method, chat_id, count=1, timeout=10.0):
    """The bot's `method` calls to `chat_id` once there are `count` of them."""
    deadline = time.monotonic() + timeout
    while True:
        calls = [c for c in bot.calls(method) if c.params.get("chat_id") == chat_id and c.status == 200]
        if len(calls) >= count or time.monotonic() > deadline:
            return calls
        await asyncio.sleep(0.05)


# --- voice --------------------------------------------------------------------------------------


async def test_a_voice_note_is_transcribed_shown_back_and_answered(
    emulator, ingested_settings, assistant, fake
):
    voiced = ingested_settings.model_copy(
        update={"openai_api_key": "test-key", "openai_base_url": fake.base_url, "transcription_timeout": 2.0}
    )
    async with start_bot(emulator, voiced, assistant) as bot:
        giulia = bot.delegate(language_code="it", first_name="Giulia")
        fake.behaviour.transcript = "Chi è Hans Song?"
        await giulia.send_voice(bot.harness.bridge.host_file(b"OggS spoken"), duration=2)
        heard = await giulia.reply()
        assert heard.text == text("it", "voice_heard", text="Chi è Hans Song?")
        answer = await giulia.wait_for(lambda m: "Messe Stuttgart" in m.text)
        assert [b.text for b in answer.buttons] == ["👍", "👎"]
        assert fake.behaviour.requests[-1]["body"]["file"] == b"OggS spoken"

        fake.behaviour.delay = 3.0  # longer than TRANSCRIPTION_TIMEOUT
        await giulia.send_voice(bot.harness.bridge.host_file(b"OggS again"), duration=2)
        assert (await giulia.reply()).text == text("it", "voice_failed")
        fake.behaviour.delay, fake.behaviour.status = 0.0, 500
        await giulia.send_voice(bot.harness.bridge.host_file(b"OggS again"), duration=2)
        assert (await giulia.reply()).text == text("it", "voice_failed")
        assert bot.harness.bridge.unsupported == []


async def test_without_transcription_the_delegate_is_told_to_type(seed_bot):
    li = seed_bot.delegate(language_code="zh")
    await li.send_voice(seed_bot.harness.bridge.host_file(b"OggS"), duration=2)
    assert (await li.reply()).text == text("zh", "voice_unavailable")


async def test_a_staff_voice_reply_reaches_the_delegate_as_voice(emulator, ingested_settings):
    staffed = ingested_settings.model_copy(update={"staff_chat_id": STAFF_CHAT, "staff_ids": [STAFF_ID]})
    async with start_bot(emulator, staffed, Assistant(staffed)) as bot:
        giulia = bot.delegate(language_code="it", first_name="Giulia")
        anna = staff_member(bot)
        _, card = await open_ticket(bot, giulia, anna)
        await anna.send_voice("staff-voice-note", duration=5, reply_to=card)
        [voice] = await bridge_calls(bot, "sendVoice", giulia.chat_id)
        assert voice.params["voice"] == "staff-voice-note"
        assert voice.params["caption"].startswith(text("it", "handoff_staff_says", name="Anna"))
        assert await anna.wait_for(lambda m: m.text.startswith("✓ Delivered"))


# --- agenda times: now, reminders across a restart ------------------------------------------------


async def test_what_is_on_now_answers_from_the_agenda_times(emulator, timed):
    settings, assistant, times = timed
    async with start_bot(emulator, settings, assistant) as bot:
        li = bot.delegate(language_code="zh")
        answer = await li.ask("现在在进行什么")
        first, second = times["speech-guadagno"], times["speech-liu-jia"]
        now = text("zh", "schedule_now", time=f"{first}–{second}",
                   title="致辞：弗朗切斯科·瓜达尼奥（Francesco Guadagno）")
        assert answer.text.startswith(now)


async def test_a_reminder_set_before_a_restart_arrives_after_it(emulator, timed):
    settings, assistant, times = timed
    token = new_token()
    start = find_slot(assistant.menu_data, "speech-liu-jia").start.timestamp()
    # REMINDER_MINUTES such that the reminder is due a few seconds from now, after the restart
    soon = settings.model_copy(update={"reminder_minutes": (start - time.time() - 6.0) / 60})
    async with start_bot(emulator, soon, assistant, token=token) as bot:
        giulia = bot.delegate(language_code="it", first_name="Giulia")
        await giulia.command("/agenda")
        agenda = await giulia.reply()
        assert agenda.buttons[0].callback_data == "remind:speech-liu-jia"
        await giulia.press("remind:speech-liu-jia", agenda)
        await asyncio.sleep(0.5)
        confirmed = bot.calls("answerCallbackQuery")[-1].params["text"]
        assert confirmed.startswith("⏰ Le ricorderò “Discorso: Liu Jia”")
    async with start_bot(emulator, soon, assistant, token=token) as bot:
        giulia = bot.delegate(user_id=giulia.user_id, language_code="it", first_name="Giulia")
        reminder = await giulia.wait_for(lambda m: m.text.startswith("⏰ Promemoria"), timeout=20)
        assert f"“Discorso: Liu Jia” inizia alle {times['speech-liu-jia']}" in reminder.text


# --- the venue -----------------------------------------------------------------------------------


async def test_the_venue_is_sent_as_a_pin_in_the_delegates_language(emulator, timed):
    settings, assistant, _ = timed
    async with start_bot(emulator, settings, assistant) as bot:
        giulia = bot.delegate(language_code="it")
        await giulia.command("/venue")
        [pin] = await bridge_calls(bot, "sendVenue", giulia.chat_id)
        assert (pin.params["title"], pin.params["address"]) == (VENUE["name"]["it"], VENUE["address"]["it"])
        assert (float(pin.params["latitude"]), float(pin.params["longitude"])) == (31.5, 119.25)
        ada = bot.delegate(language_code="en")
        answer = await ada.ask("Where is the venue?")
        assert "Xingzhuang" in answer.text
        [pin] = await bridge_calls(bot, "sendVenue", ada.chat_id)
        assert pin.params["address"] == VENUE["address"]["en"]


async def test_without_coordinates_venue_is_told_in_text(seed_bot):
    ada = seed_bot.delegate(language_code="en")
    await ada.command("/venue")
    assert "Xingzhuang" in (await ada.reply()).text
    assert seed_bot.calls("sendVenue") == []
