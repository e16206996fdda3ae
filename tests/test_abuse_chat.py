"""Issue 10, the chat side: bad inputs, abuse and faults in the Telegram layer, the staff handoff,
the LLM and the database. Each test reproduced a defect of the adversarial run before its fix.

Fast tests drive real python-telegram-bot objects with recorded Bot API calls; the flood test
runs end to end over real HTTP against the emulator and measures latency, as the issue asks.
"""

import asyncio
import csv
import io
import logging
import random
import re
import statistics
import time
from html.parser import HTMLParser

import pytest
from sqlalchemy.exc import OperationalError
from telegram import Update

from bot import menus
from bot.core import Assistant
from bot.insight import Gap, gaps_csv
from bot.storage import Store
from bot.telegram.limits import MAX_MESSAGE, split_html, utf16_length
from bot.texts import staff_text, text
from tests import test_telegram_handoff as handoff_tests
from tests.fake_openai import FakeOpenAI
from tests.harness.fixtures import start_bot
from tests.telegram_fakes import RecordingRequest, buttons, callback_update, message_update, user
from tests.test_telegram_handoff import (  # the staff chat's fast helpers, shared
    GIULIA,
    ORGANISER,
    STAFF,
    STAFF_CHAT,
    make_bot,
    press_staff,
    say,
    settle,
    staff_reply,
)

ABSTAINS = "Qual è la password del Wi-Fi?"
bot = handoff_tests.bot  # the fixture: a staffed bot on recorded Bot API calls


async def press(app, data, sender=GIULIA, chat_id=None):
    await app.process_update(callback_update(app, data, sender=sender, chat_id=chat_id))
    await settle(app)


def to_chat(app, chat_id):
    return [p for p in app.request.sent() if p.get("chat_id") == chat_id]


def errors_shown(app):
    """Apologies the error handler sent: each means an exception escaped a handler."""
    apologies = {text(lang, "error") for lang in ("zh", "en", "it")}
    return [p for p in app.request.sent() if p.get("text") in apologies]


# --- 1. one delegate must not stall everyone (measured, end to end) -------------------------------

HANS = "Who is Hans Song?"


def p95(latencies):
    return statistics.quantiles(latencies, n=20, method="inclusive")[-1]


async def latencies(delegates, rounds):
    """Each delegate asks `rounds` times in turn (all delegates at once); seconds from sending
    the question to the emulator receiving the answer (its clock: the test's polling of the
    chat history, which grows with the flood, is not counted)."""
    async def one(delegate):
        seen = []
        for _ in range(rounds):
            started = time.time()
            answer = await delegate.ask(HANS, timeout=60)
            seen.append(answer.sent_at - started)
            assert "Messe Stuttgart" in answer.text
        return seen

    return [t for found in await asyncio.gather(*(one(d) for d in delegates)) for t in found]


def ms(seconds):
    return f"{seconds * 1000:.0f} ms"


async def test_a_flooding_delegate_and_a_rush_of_tickets_do_not_slow_the_others(emulator, ingested_settings):
    settings = ingested_settings.model_copy(update={
        "staff_chat_id": -100_500, "staff_ids": [500], "rate_limit_per_minute": 1000,
    })
    async with start_bot(emulator, settings, Assistant(settings)) as bot:
        others = [bot.delegate(language_code="en") for _ in range(4)]
        await latencies(others, 1)  # warm up
        quiet = await latencies(others, 8)

        flooder = bot.delegate(language_code="en", first_name="Flo")
        await flooder.command("/human Where can I park?")
        await flooder.reply()
        anna = bot.delegate(user_id=500, first_name="Anna", language_code="en", chat_id=-100_500,
                            chat_type="supergroup", chat_title="Staff")
        card = await anna.wait_for(lambda m: "Ticket #" in m.text, since=0)
        await anna.press(staff_text("en", "claim"), card)  # a person has it: every message is relayed
        await flooder.wait_for(lambda m: "from the staff is looking" in m.text)

        async def flood():
            for n in range(60):
                await flooder.send(f"message {n} from the flood")

        flooding = asyncio.ensure_future(flood())
        during_flood = await latencies(others, 8)
        await flooding

        openers = [bot.delegate(language_code="en") for _ in range(36)]
        rush = asyncio.gather(*(d.command(f"/human Question {i} for staff") for i, d in enumerate(openers)))
        during_rush = await latencies(others, 4)
        await rush

        print(f"\nothers' answer latency p95 (median): {ms(p95(quiet))} ({ms(statistics.median(quiet))}) "
              f"without a flood, {ms(p95(during_flood))} ({ms(statistics.median(during_flood))}) while one "
              f"delegate sends 60 messages to the staff, {ms(p95(during_rush))} "
              f"({ms(statistics.median(during_rush))}) while 36 delegates open tickets at once")
        # a stalled queue shows in the typical answer, and as seconds at the tail; one or two slow
        # answers of 32 on a loaded machine are noise, not a stall (the fresh-clone CI of 05d164a saw
        # p95 529 ms against 177 ms quiet, medians 168 and 108 ms)
        assert statistics.median(during_flood) <= 2 * statistics.median(quiet)
        assert p95(during_flood) < 1.0
        assert p95(during_rush) < 2.0  # 36 tickets' replies share Telegram's 30 messages a second

        tickets = bot.application.bot_data["tickets"]
        assert len(tickets.active()) == 37  # every ticket opened
        (ticket,) = [t for t in tickets.active() if t.user_id == flooder.user_id]
        relayed = [m.text for m in tickets.messages(ticket.id)]
        assert relayed == [f"message {n} from the flood" for n in range(60)]  # nothing lost, in order
        assert bot.application.bot_data["staff_outbox"].pending > 0  # staff traffic still queued


async def test_a_delegates_messages_wait_for_the_staff_chat_together_not_in_the_handlers(
    shared_settings, assistant, tmp_path
):
    request = RecordingRequest(slow={STAFF_CHAT: 0.3})  # the staff group's pace
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), request)
    await app.initialize()
    await say(app, f"/human {ABSTAINS}")
    ticket = app.bot_data["tickets"].active_for(7)
    await press_staff(app, f"tk:claim:{ticket.id}")  # a person has it: every message is relayed
    started = time.monotonic()
    for n in range(10):
        await app.process_update(message_update(app, f"line {n}", sender=GIULIA))
    handled = time.monotonic() - started
    await settle(app)
    assert handled < 0.3 * 2  # the handlers did not wait for the staff chat's sends
    relays = [p["text"] for p in to_chat(app, STAFF_CHAT) if "line " in p.get("text", "")]
    assert len(relays) <= 2  # sent together as the staff chat's pace allows, not one by one
    assert re.findall(r"line \d", "\n".join(relays)) == [f"line {n}" for n in range(10)]
    assert all(m.delivered for m in app.bot_data["tickets"].messages(ticket.id))
    await app.shutdown()


# --- 9. a hanging LLM -----------------------------------------------------------------------------


async def test_a_hanging_llm_never_holds_up_small_talk_and_answers_fall_back_at_the_deadline(
    shared_settings, tmp_path
):
    with FakeOpenAI() as llm:
        llm.behaviour.delay = 30.0  # never answers in time
        settings = shared_settings.model_copy(update={
            "openai_api_key": "sk-test", "openai_base_url": llm.base_url, "llm_timeout": 2.0,
            "llm_concurrency": 3,
        })
        app = make_bot(settings, Assistant(settings), Store(tmp_path / "bot.sqlite3"))
        await app.initialize()

        async def ask(user_id, words, lang="en"):
            started = time.monotonic()
            await app.process_update(message_update(app, words, sender=user(user_id=user_id, lang=lang)))
            return time.monotonic() - started

        questions = [asyncio.ensure_future(ask(100 + n, HANS)) for n in range(12)]
        await asyncio.sleep(0.3)
        hello = await ask(99, "hello")
        ticket = await ask(98, "/human Dov'è il guardaroba?")  # translated for staff: in the outbox
        waited = await asyncio.gather(*questions)
        assert hello < 1.0 and ticket < 1.0  # small talk and a ticket never wait for the LLM
        assert max(waited) < settings.llm_timeout + 1.5  # the offline answer at the deadline
        answers = [p["text"] for p in app.request.sent() if 100 <= p.get("chat_id", 0) < 112]
        assert len(answers) == 12 and all("Messe Stuttgart" in a for a in answers)
        answering = [r for r in llm.behaviour.requests if "delegates" in r["body"]["messages"][0]["content"]]
        assert len(answering) <= 3  # at most LLM_CONCURRENCY calls at once
        assert to_chat(app, 99)[-1]["text"] == text("en", "greeting")
        await app.shutdown()


# --- 10. escalation from a group ------------------------------------------------------------------


async def test_escalation_from_a_group_is_answered_privately(bot):
    group = {"chat_type": "supergroup", "chat_id": -100}
    await say(bot, f"@delegate_bot {ABSTAINS}", **group)
    answer = to_chat(bot, -100)[-1]
    human = next(data for _, data in buttons(answer) if data.startswith("human:"))
    await press(bot, human, chat_id=-100)
    ticket = bot.bot_data["tickets"].active_for(7)
    assert ticket.chat_id == 7  # the delegate's private chat, not the group
    told = to_chat(bot, -100)[-1]["text"]
    assert told == text("it", "handoff_opened_private", number=ticket.id, bot="delegate_bot")

    group_before = len(to_chat(bot, -100))
    await staff_reply(bot, ticket, "The Wi-Fi password is on your badge.")
    assert "on your badge" in to_chat(bot, 7)[-1]["text"]
    assert len(to_chat(bot, -100)) == group_before  # nothing leaked to the group

    await say(bot, "Grazie, e per gli ospiti?")  # a follow-up in the private chat
    assert "e per gli ospiti?" in to_chat(bot, STAFF_CHAT)[-1]["text"]


# --- 11. /start in a group ------------------------------------------------------------------------


async def test_start_in_a_group_does_not_redirect_announcements(shared_settings, assistant, tmp_path):
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"))
    await app.initialize()
    await app.start()  # announcements are delivered in the background, as in production
    ada, bob = user(user_id=21, name="Ada"), user(user_id=22, name="Bob")
    await say(app, "/start", sender=ada)
    await say(app, "/start", sender=ada, chat_type="group", chat_id=-300)
    await say(app, "/start", sender=bob, chat_type="group", chat_id=-300)  # never started privately
    await say(app, "/announce The agenda has changed.", sender=ORGANISER)
    preview = app.request.sent()[-1]
    assert "1 delegate(s)" in preview["text"]
    send = next(data for _, data in buttons(preview) if data.startswith("ann:send:"))
    await press(app, send, sender=ORGANISER)
    for _ in range(100):
        if any("Announcement sent" in p.get("text", "") for p in app.request.sent()):
            break
        await asyncio.sleep(0.05)
    announced = [p["chat_id"] for p in app.request.sent() if p.get("text") == "📢 The agenda has changed."]
    assert announced == [21]  # Ada's private chat, once; never the group
    await app.stop()
    await app.shutdown()


# --- 13. LLM output checks ------------------------------------------------------------------------


@pytest.mark.parametrize("reply", [
    "Hans Song ist der Geschäftsführer der Messe Stuttgart in China [1].",  # German
    "",
    "[1]",
])
def test_an_llm_answer_in_a_fourth_language_or_empty_falls_back_offline(shared_settings, reply, caplog):
    with FakeOpenAI() as llm:
        llm.behaviour.reply = reply
        settings = shared_settings.model_copy(update={
            "openai_api_key": "sk-test", "openai_base_url": llm.base_url, "llm_timeout": 5.0,
        })
        with caplog.at_level(logging.WARNING):
            answer = Assistant(settings).ask(HANS)
    assert llm.behaviour.requests  # the LLM was asked
    assert answer.generated_by == "extractive" and "Messe Stuttgart" in answer.text
    assert "LLM answer failed" in caplog.text


# --- 14. /forget ----------------------------------------------------------------------------------


async def test_forget_deletes_the_question_everywhere_including_drafts_and_the_wal(
    shared_settings, assistant, tmp_path
):
    path = tmp_path / "bot.sqlite3"
    app = make_bot(shared_settings, assistant, Store(path))
    await app.initialize()
    secret = "Zebracorn cloakroom near gate 77?"
    await say(app, secret)
    await say(app, f"/human {secret}")
    ticket = app.bot_data["tickets"].active_for(7)
    await staff_reply(app, ticket, "Zebracorn cloakroom: ask the desk.")
    await press(app, f"tk:resolve:{ticket.id}", sender=STAFF, chat_id=STAFF_CHAT)
    await press(app, f"tk:save:{ticket.id}", sender=STAFF, chat_id=STAFF_CHAT)
    assert app.bot_data["tickets"].drafts()  # a draft holds the question

    await say(app, "/forget")
    assert to_chat(app, 7)[-1]["text"] == text("it", "forget_confirm")
    await press(app, "forget:yes")
    assert to_chat(app, 7)[-1]["text"] == text("it", "forget_done")
    assert app.bot_data["tickets"].drafts() == []
    for file in (path, path.with_name(path.name + "-wal")):
        if file.exists():
            assert b"Zebracorn" not in file.read_bytes(), file.name
    await app.shutdown()


# --- 15. Telegram's limits ------------------------------------------------------------------------

TELEGRAM_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "tg-spoiler", "span", "blockquote"}


class TelegramHTML(HTMLParser):
    """Telegram's HTML rules: known tags only, each closed in order; the text as Telegram counts it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.text = [], []

    def handle_starttag(self, tag, attrs):
        assert tag in TELEGRAM_TAGS, f"unsupported tag <{tag}>"
        self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open}"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def telegram_accepts(body, parse_mode="HTML"):
    """What Telegram checks: balanced, known tags; at most 4096 UTF-16 units of text."""
    if parse_mode == "HTML":
        checker = TelegramHTML()
        checker.feed(body)
        checker.close()
        assert checker.open == [], f"unclosed {checker.open}"
        body = "".join(checker.text)
    assert 0 < utf16_length(body) <= MAX_MESSAGE, utf16_length(body)
    return body


def long_agenda(seed):
    rng = random.Random(seed)
    words = ["会议", "Lishui", "😀", "industrial", "docking", "Nanjing", "🇪🇺", "incontro", "2023"]
    items = [
        {"title": " ".join(rng.choice(words) for _ in range(rng.randint(5, 400))),
         "time": "09:00", "details": " ".join(rng.choice(words) for _ in range(rng.randint(0, 300)))}
        for _ in range(rng.randint(5, 30))
    ]
    return {"agenda": {"event": {"name": "Docking meeting"}, "items": items}}


def test_fifty_long_agendas_split_into_messages_telegram_accepts():
    for seed in range(50):
        body = menus.agenda(long_agenda(seed), "en")
        parts = split_html(body)
        texts = [telegram_accepts(part) for part in parts]
        whole = TelegramHTML()
        whole.feed(body)
        assert len(parts) > 1 and " ".join(texts).split() == "".join(whole.text).split()  # nothing lost


async def test_ticket_cards_and_the_ticket_list_stay_within_telegrams_limits(bot):
    long_question = "Where " + "😀 can I find the 会议 room " * 400
    await say(bot, f"/human {long_question[:4000]}")
    tickets = bot.bot_data["tickets"]
    for n in range(60):  # opened directly: 60 cards would take minutes at the staff group's pace
        tickets.open(user_id=1000 + n, chat_id=1000 + n, delegate=f"D{n}", language="en",
                     question=f"Question number {n} " + "x" * 150)
    await say(bot, "/tickets", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT)
    for sent in to_chat(bot, STAFF_CHAT):
        telegram_accepts(sent["text"], sent.get("parse_mode"))
    listed = "\n".join(p["text"] for p in to_chat(bot, STAFF_CHAT) if "· open" in p["text"])
    assert all(f"#{t.id} · open" in listed for t in bot.bot_data["tickets"].active())


# --- 17. unhandled input --------------------------------------------------------------------------


async def test_huge_numbers_and_replies_to_channel_posts_are_handled(bot):
    huge = "99999999999999999999"
    await say(bot, "Who is Hans Song?")
    await press(bot, f"vote:{huge}:1")
    assert bot.request.named("answerCallbackQuery")[-1].params["text"] == text("it", "vote_not_yours")
    await press(bot, f"human:{huge}")
    await press(bot, f"tk:claim:{huge}", sender=STAFF, chat_id=STAFF_CHAT)
    alert = bot.request.named("answerCallbackQuery")[-1].params["text"]
    assert alert == staff_text("en", "unknown", number=huge)
    await press(bot, f"draft:approve:{huge}", sender=ORGANISER, chat_id=STAFF_CHAT)
    await say(bot, f"/claim {huge}", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT)
    assert to_chat(bot, STAFF_CHAT)[-1]["text"] == staff_text("en", "unknown", number=huge)
    channel_post = {"message_id": 3, "date": 0, "chat": {"id": -200, "type": "channel", "title": "News"},
                    "sender_chat": {"id": -200, "type": "channel", "title": "News"}, "text": "Agenda out"}
    await say(bot, "what time?", chat_type="supergroup", chat_id=-100, reply_to_message=channel_post)
    entity = {"type": "bot_command", "offset": 0, "length": 6}
    command = {**channel_post, "text": "/start", "entities": [entity]}
    post = Update.de_json({"update_id": 10**6, "channel_post": command}, bot.bot)
    await bot.process_update(post)  # a command posted in a channel: no user to pace or answer
    assert errors_shown(bot) == []


# --- 20. full disk --------------------------------------------------------------------------------


async def test_an_answer_is_sent_even_when_saving_it_fails(bot, caplog):
    store = bot.bot_data["store"]
    store.query("PRAGMA max_page_count = 1")  # no page can be added: SQLite's "database or disk is full"
    with pytest.raises(OperationalError, match="full"):
        for n in range(1000):
            store.record_question(1, 1, "en", f"filler {n} " * 10, "", "answered", 0.0, "")
    with caplog.at_level(logging.ERROR):
        await say(bot, "Who is Hans Song?")
    answer = to_chat(bot, 7)[-1]
    assert "Messe Stuttgart" in answer["text"] and errors_shown(bot) == []
    assert "could not save a question" in caplog.text


# --- 22. CSV injection ----------------------------------------------------------------------------


def test_gap_csv_cells_never_start_a_formula():
    asked = ['=HYPERLINK("http://x.test","click")', "+39 333", "-1+1", "@SUM(A1)", " =1+1", "Where is it?"]
    found = [Gap(count=1, examples={"en": question}, questions=[question]) for question in asked]
    rows = list(csv.reader(io.StringIO(gaps_csv(found))))[1:]
    cells = [cell for row in rows for cell in row]
    assert not any(cell.lstrip(" ").startswith(("=", "+", "-", "@")) for cell in cells)
    assert rows[0][4] == "'" + asked[0] and rows[-1][4] == "Where is it?"  # kept readable


# --- 23. throttling -------------------------------------------------------------------------------


async def test_a_flood_is_told_once_and_commands_count_too(shared_settings, assistant, tmp_path):
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), rate_limit_per_minute=5)
    await app.initialize()
    for _ in range(40):
        await say(app, "/agenda")
    for _ in range(40):
        await say(app, "Who is Hans Song?")
    sent = to_chat(app, 7)
    assert [p["text"] for p in sent].count(text("it", "rate_limited")) == 1
    assert len(sent) == 5 + 1  # five agendas, one "slow down", then silence
    await app.shutdown()


async def test_a_permanent_400_is_not_retried(shared_settings, assistant, tmp_path):
    request = RecordingRequest(fail={"sendMessage": 1}, fail_status=400)
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), request)
    await app.initialize()
    await say(app, "Chi è Hans Song?")
    attempts = [c for c in request.named("sendMessage") if "Messe Stuttgart" in c.params["text"]]
    assert len(attempts) == 1
    await app.shutdown()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own retry_after use
async def test_one_chats_flood_control_does_not_pause_the_others(shared_settings, assistant, tmp_path):
    request = RecordingRequest(flood={7: 2})  # Telegram: "retry after 2 s", for Giulia's chat only
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), request)
    await app.initialize()

    async def timed(sender, words):
        started = time.monotonic()
        await app.process_update(message_update(app, words, sender=sender))
        return time.monotonic() - started

    giulia = asyncio.ensure_future(timed(GIULIA, "Chi è Hans Song?"))
    await asyncio.sleep(0.5)
    other = await timed(user(user_id=8), "Who is Hans Song?")
    assert other < 1.0  # not held by Giulia's pause
    assert await giulia >= 2.0  # Giulia's answer waited as Telegram asked, then arrived
    assert "Messe Stuttgart" in to_chat(app, 7)[-1]["text"]
    await app.shutdown()
