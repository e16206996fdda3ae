"""Reminders, "now / next" and the venue pin through real python-telegram-bot objects (fast:
recorded Bot API calls), on test knowledge whose agenda has times around the real clock."""

import asyncio
import datetime as dt
import html
import time

import pytest

from bot.core import Assistant
from bot.schedule import find_slot
from bot.storage import Store
from bot.telegram.app import build_application
from bot.telegram.reminders import resume_reminders
from bot.texts import text
from tests.telegram_fakes import RecordingRequest, buttons, callback_update, message_update, user
from tests.timed_data import VENUE, timed_knowledge, times_around

GIULIA = user(user_id=7, lang="it", name="Giulia")


@pytest.fixture(scope="module")
def timed(shared_settings, tmp_path_factory):
    day, times = times_around(dt.datetime.now(dt.UTC))
    settings = timed_knowledge(shared_settings, tmp_path_factory.mktemp("agenda"), day=day, times=times)
    return settings, Assistant(settings), times


async def started(settings, assistant, store, **overrides):
    request = RecordingRequest()
    settings = settings.model_copy(update={"telegram_bot_token": "123:TEST", **overrides})
    app = build_application(
        settings, assistant, store, request=request, get_updates_request=RecordingRequest()
    )
    app.request = request  # type: ignore[attr-defined]
    await app.initialize()
    await app.start()  # the JobQueue runs
    return app


async def stopped(app):
    await app.stop()
    await app.shutdown()


@pytest.fixture
async def bot(timed, tmp_path):
    settings, assistant, _ = timed
    app = await started(settings, assistant, Store(tmp_path / "bot.sqlite3"))
    yield app
    await stopped(app)


async def send(app, words, sender=None):
    await app.process_update(message_update(app, words, sender=sender))
    return app.request.sent()[-1]


async def press(app, data, sender=None):
    await app.process_update(callback_update(app, data, sender=sender))
    return app.request.named("answerCallbackQuery")[-1].params


def reminder_jobs(app):
    return [job for job in app.job_queue.jobs() if job.name.startswith("reminder-")]


async def test_agenda_offers_reminders_for_the_items_still_ahead(bot, timed):
    _, _, times = timed
    agenda = await send(bot, "/agenda", sender=GIULIA)
    assert text("it", "remind_hint", minutes="10") in agenda["text"]
    assert times["speech-liu-jia"] in agenda["text"]
    offered = buttons(agenda)
    assert [data for _, data in offered] == [  # the first item started an hour ago: no button
        "remind:speech-liu-jia", "remind:lishui-promotion", "remind:enterprise-presentations",
        "remind:docking-talks",
    ]
    label = text("it", "remind_button", time=times["speech-liu-jia"], title="Discorso: Liu Jia")
    assert offered[0][0] == label


async def test_a_reminder_is_saved_scheduled_and_set_only_once(bot, timed):
    _, _, times = timed
    said = await press(bot, "remind:lishui-promotion", sender=GIULIA)
    clock = f"{times['lishui-promotion']}–{times['enterprise-presentations']}"
    title = "Presentazione di Lishui"
    assert said["text"] == text("it", "reminder_set", title=title, time=clock, minutes="10")
    [reminder] = bot.bot_data["reminders"].pending()
    assert (reminder.user_id, reminder.item, reminder.language) == (7, "lishui-promotion", "it")
    assert reminder.starts_at - reminder.remind_at == 600
    [job] = reminder_jobs(bot)
    assert abs(job.next_t.timestamp() - reminder.remind_at) < 1
    again = await press(bot, "remind:lishui-promotion", sender=GIULIA)
    assert again["text"] == text("it", "reminder_already", title=title, time=clock)
    assert len(reminder_jobs(bot)) == 1


async def test_started_and_unknown_items_are_refused_politely(bot, timed):
    _, _, times = timed
    started_item = await press(bot, "remind:speech-guadagno")
    clock = f"{times['speech-guadagno']}–{times['speech-liu-jia']}"
    title = "Speech: Francesco Guadagno"
    assert started_item["text"] == text("en", "reminder_started", title=title, time=clock)
    unknown = await press(bot, "remind:no-such-item")
    assert unknown["text"] == text("en", "button_expired")
    assert bot.bot_data["reminders"].pending() == []


async def test_the_reminder_arrives_in_the_delegates_language(timed, tmp_path):
    settings, assistant, times = timed
    # REMINDER_MINUTES such that the reminder of the item 20 minutes ahead is due in a second
    start = find_slot(assistant.menu_data, "speech-liu-jia").start.timestamp()
    app = await started(settings, assistant, Store(tmp_path / "bot.sqlite3"),
                        reminder_minutes=(start - time.time() - 1.0) / 60)
    try:
        await press(app, "remind:speech-liu-jia", sender=GIULIA)
        await wait_for(lambda: any("⏰" in p["text"] for p in app.request.sent() if p.get("chat_id") == 7))
    finally:
        await stopped(app)
    reminder = [p["text"] for p in app.request.sent() if p.get("chat_id") == 7][-1]
    minutes = round((start - time.time()) / 60)
    assert reminder in {
        text("it", "reminder", title="Discorso: Liu Jia", time=times["speech-liu-jia"], minutes=m)
        for m in (minutes - 1, minutes, minutes + 1)
    }
    assert app.bot_data["reminders"].pending() == []  # sent once


async def test_reminders_survive_a_restart(timed, tmp_path):
    settings, assistant, _ = timed
    store = Store(tmp_path / "bot.sqlite3")
    first = await started(settings, assistant, store)
    await press(first, "remind:docking-talks", sender=GIULIA)
    await stopped(first)
    reminders = first.bot_data["reminders"]
    missed = reminders.add(8, 8, "old", "en", "Gone", "08:00", time.time() - 60, time.time() - 660)
    second = await started(settings, assistant, store)
    try:
        await resume_reminders(second)  # what the start-up hook does
        jobs = reminder_jobs(second)
    finally:
        await stopped(second)
    [kept] = reminders.pending()
    assert kept.item == "docking-talks" and kept.id != missed.id  # the missed one was dropped
    assert [job.data for job in jobs] == [kept.id]
    assert abs(jobs[0].next_t.timestamp() - kept.remind_at) < 1


async def test_forget_deletes_reminders(bot):
    await press(bot, "remind:docking-talks")
    await send(bot, "/forget")
    await press(bot, "forget:yes")  # /forget asks first
    assert bot.bot_data["reminders"].pending() == []


NOW_TITLES = {
    "en": ("Speech: Francesco Guadagno", "Speech: Liu Jia"),
    "zh": ("致辞：弗朗切斯科·瓜达尼奥（Francesco Guadagno）", "致辞：刘佳（Liu Jia）"),
    "it": ("Discorso: Francesco Guadagno", "Discorso: Liu Jia"),
}


@pytest.mark.parametrize(("question", "lang"), [
    ("what's on now?", "en"), ("现在在进行什么", "zh"), ("cosa c'è adesso?", "it"),
])
async def test_what_is_on_now_from_the_clock(bot, timed, question, lang):
    _, _, times = timed
    answer = await send(bot, question, sender=user(lang=lang))
    now, then = NOW_TITLES[lang]
    first, second, third = times["speech-guadagno"], times["speech-liu-jia"], times["lishui-promotion"]
    assert answer["text"].split("\n\n")[0].splitlines() == [
        text(lang, "schedule_now", time=f"{first}–{second}", title=now),
        text(lang, "schedule_next", time=f"{second}–{third}", title=then),
    ]
    assert [label for label, _ in buttons(answer)] == ["👍", "👎"]


# --- the venue ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en", "it"])
async def test_venue_command_sends_a_pin_with_the_address_in_the_delegates_language(bot, lang):
    await bot.process_update(message_update(bot, "/venue", sender=user(lang=lang)))
    assert bot.request.sent() == []  # the pin alone
    [pin] = bot.request.named("sendVenue")
    assert (pin.params["latitude"], pin.params["longitude"]) == (31.5, 119.25)
    assert (pin.params["title"], pin.params["address"]) == (VENUE["name"][lang], VENUE["address"][lang])


async def test_where_is_the_venue_gets_the_answer_and_the_pin(bot):
    answer = await send(bot, "Where is the venue?")
    assert "Xingzhuang" in answer["text"] and "📄" in answer["text"]
    assert bot.request.named("sendVenue")[-1].params["address"] == VENUE["address"]["en"]
    await send(bot, "Who is Hans Song?")
    assert len(bot.request.named("sendVenue")) == 1


async def test_without_coordinates_venue_is_the_text_answer(shared_settings, assistant, tmp_path):
    app = await started(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"))
    try:
        answer = await send(app, "/venue", sender=GIULIA)
        await send(app, "Where is the venue?")
    finally:
        await stopped(app)
    assert html.escape(assistant.retriever.body("event-venue", "it")) in answer["text"]
    assert app.request.named("sendVenue") == []


async def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)
