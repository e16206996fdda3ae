"""Staff handoff through real python-telegram-bot objects (fast: recorded Bot API calls)."""

import asyncio

import pytest

from bot.core import Assistant
from bot.handoff import Status
from bot.storage import Store
from bot.telegram.app import build_application
from bot.texts import staff_text, text
from tests.fake_openai import FakeOpenAI
from tests.telegram_fakes import RecordingRequest, buttons, callback_update, message_update, user

STAFF_CHAT = -1001
STAFF = user(user_id=500, lang="en", name="Anna")
ORGANISER = user(user_id=900, lang="en", name="Olga")
GIULIA = user(user_id=7, lang="it", name="Giulia")


def make_bot(settings, assistant, store, request=None, **overrides):
    settings = settings.model_copy(update={
        "telegram_bot_token": "123:TEST", "staff_chat_id": STAFF_CHAT, "staff_ids": [500],
        "admin_ids": [900], **overrides,
    })
    request = request or RecordingRequest()
    app = build_application(
        settings, assistant, store, request=request, get_updates_request=RecordingRequest()
    )
    app.request = request  # type: ignore[attr-defined]
    return app


@pytest.fixture
async def bot(shared_settings, assistant, tmp_path):
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"))
    await app.initialize()
    yield app
    await app.shutdown()


async def settle(app):
    """Wait until the staff chat's outbox has sent what the last update queued."""
    await app.bot_data["staff_outbox"].drained()


async def say(app, words, sender=GIULIA, **kwargs):
    await app.process_update(message_update(app, words, sender=sender, **kwargs))
    await settle(app)


def last_to(app, chat_id):
    return [p for p in app.request.sent() if p.get("chat_id") == chat_id][-1]


async def staff_reply(app, ticket, words, sender=STAFF):
    """A staff message in the ticket's topic."""
    await say(app, words, sender=sender, chat_type="supergroup", chat_id=STAFF_CHAT,
              message_thread_id=ticket.thread_id, is_topic_message=True,
              reply_to_message={"message_id": ticket.thread_id, "date": 0,
                                "chat": {"id": STAFF_CHAT, "type": "supergroup"}})


async def press_staff(app, data, sender=STAFF):
    await app.process_update(callback_update(app, data, sender=sender, chat_id=STAFF_CHAT))
    await settle(app)


async def escalate_after_abstention(app):
    await say(app, "Qual è la password del Wi-Fi?")
    answer = app.request.sent()[-1]
    human = next(data for _, data in buttons(answer) if data.startswith("human:"))
    await app.process_update(callback_update(app, human, sender=GIULIA))
    await settle(app)
    return app.bot_data["tickets"].active_for(7)


async def test_escalation_opens_a_ticket_in_its_own_forum_topic(bot):
    ticket = await escalate_after_abstention(bot)
    assert ticket.status is Status.OPEN and ticket.language == "it"
    assert ticket.question == "Qual è la password del Wi-Fi?" and ticket.bot_answer
    topic = bot.request.named("createForumTopic")[-1].params
    assert topic["chat_id"] == STAFF_CHAT and f"#{ticket.id}" in topic["name"]
    card = last_to(bot, STAFF_CHAT)
    assert card["message_thread_id"] == ticket.thread_id
    assert "Qual è la password del Wi-Fi?" in card["text"] and ticket.pseudonym in card["text"]
    assert staff_text("en", "no_llm") in card["text"]
    actions = ("claim", "resolve", "return")
    assert [data for _, data in buttons(card)] == [f"tk:{a}:{ticket.id}" for a in actions]
    assert last_to(bot, 7)["text"] == text("it", "handoff_opened", number=ticket.id)


async def test_staff_reply_reaches_the_delegate_and_the_conversation_continues(bot):
    ticket = await escalate_after_abstention(bot)
    await staff_reply(bot, ticket, "The Wi-Fi details will be at the registration desk.")
    relayed = last_to(bot, 7)["text"]
    assert relayed.startswith(text("it", "handoff_staff_says", name="Anna"))
    assert "registration desk" in relayed and text("it", "handoff_untranslated") in relayed
    assert last_to(bot, STAFF_CHAT)["text"].startswith("✓ Delivered")
    tickets = bot.bot_data["tickets"]
    assert tickets.get(ticket.id).status is Status.CLAIMED  # answering claims it
    before = len(bot.request.named("sendChatAction"))
    await say(bot, "Grazie! E dov'è il banco?")
    to_staff = last_to(bot, STAFF_CHAT)
    assert "Grazie! E dov'è il banco?" in to_staff["text"]
    assert to_staff["message_thread_id"] == ticket.thread_id
    assert len(bot.request.named("sendChatAction")) == before  # the bot did not answer over the staff
    assert [m.direction for m in tickets.messages(ticket.id)] == ["staff", "delegate"]


async def test_resolve_asks_first_while_the_delegate_waits_then_the_bot_answers_again(bot):
    ticket = await escalate_after_abstention(bot)
    await press_staff(bot, f"tk:resolve:{ticket.id}", STAFF)
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.OPEN  # not yet: nobody answered
    confirm = last_to(bot, STAFF_CHAT)
    assert confirm["text"] == staff_text("en", "resolve_unanswered", number=ticket.id, last=ticket.question)
    assert [data for _, data in buttons(confirm)] == [f"tk:force:{ticket.id}", f"tk:keep:{ticket.id}"]
    await press_staff(bot, f"tk:force:{ticket.id}", STAFF)
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.RESOLVED
    resolved = last_to(bot, 7)
    rate = text("it", "handoff_rate")
    assert resolved["text"] == text("it", "handoff_resolved", number=ticket.id) + "\n" + rate
    assert [data for _, data in buttons(resolved)] == [f"rate:{ticket.id}:1", f"rate:{ticket.id}:-1"]
    card = bot.request.named("editMessageText")[-1].params
    assert [data for _, data in buttons(card)] == [f"tk:save:{ticket.id}"]
    await say(bot, "Chi è Hans Song?")
    assert "Messe Stuttgart" in last_to(bot, 7)["text"]


async def test_unauthorised_users_cannot_act_on_tickets(bot):
    ticket = await escalate_after_abstention(bot)
    stranger = user(user_id=666, name="Mallory")
    await press_staff(bot, f"tk:claim:{ticket.id}", stranger)
    alert = bot.request.named("answerCallbackQuery")[-1].params
    assert alert["text"] == staff_text("en", "not_staff") and alert["show_alert"] is True
    await say(bot, "/claim 1", sender=stranger)
    assert last_to(bot, 666)["text"] == staff_text("en", "not_staff")
    await staff_reply(bot, ticket, "I am not staff", sender=stranger)
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.OPEN
    assert all("I am not staff" not in p["text"] for p in bot.request.sent() if p.get("chat_id") == 7)


async def test_staff_chat_members_are_recognised_without_staff_ids(shared_settings, assistant, tmp_path):
    request = RecordingRequest(members={501})
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), request, staff_ids=[])
    await app.initialize()
    ticket = await escalate_after_abstention(app)
    member = user(user_id=501, name="Bea")
    await press_staff(app, f"tk:claim:{ticket.id}", member)
    assert app.bot_data["tickets"].get(ticket.id).staff_name == "Bea"
    await app.shutdown()


async def test_delegate_ends_the_conversation(bot):
    ticket = await escalate_after_abstention(bot)
    await say(bot, "/end")
    assert last_to(bot, 7)["text"] == text("it", "handoff_ended", number=ticket.id)
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "ended", number=ticket.id)
    await say(bot, "/end")
    assert last_to(bot, 7)["text"] == text("it", "handoff_none")


async def test_human_command_with_a_question_and_staff_commands(bot):
    await say(bot, "/human 会场有翻译吗？", sender=user(user_id=8, lang="zh"))
    ticket = bot.bot_data["tickets"].active_for(8)
    assert ticket.question == "会场有翻译吗？" and ticket.language == "zh"
    await say(bot, "/human", sender=user(user_id=8, lang="zh"))
    assert last_to(bot, 8)["text"] == text("zh", "handoff_already_open", number=ticket.id)
    await say(bot, "/tickets", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT)
    assert f"#{ticket.id} · open" in last_to(bot, STAFF_CHAT)["text"]
    await say(bot, "/claim", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT)
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "usage_number", command="claim")
    await say(bot, f"/claim {ticket.id}", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT)
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "claimed", number=ticket.id, name="Anna")
    assert last_to(bot, 8)["text"] == text("zh", "handoff_claimed", number=ticket.id, name="Anna")
    await staff_reply(bot, ticket, "有的，现场提供中意同传。")
    await say(bot, f"/resolve {ticket.id}", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT)
    assert last_to(bot, 8)["text"].startswith(text("zh", "handoff_resolved", number=ticket.id))
    await say(bot, f"/resolve {ticket.id}", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT)
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "closed", number=ticket.id, status="resolved")


async def test_without_topics_tickets_are_messages_found_by_replies(shared_settings, assistant, tmp_path):
    request = RecordingRequest(forum=False)
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), request)
    await app.initialize()
    ticket = await escalate_after_abstention(app)
    assert ticket.thread_id is None and ticket.staff_message_id
    chat = {"id": STAFF_CHAT, "type": "supergroup"}
    card = {"message_id": ticket.staff_message_id, "date": 0, "chat": chat}
    await say(app, "Ask at the desk, please.", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT,
              reply_to_message=card)
    assert "Ask at the desk" in last_to(app, 7)["text"]
    await say(app, "Just chatting among staff", sender=STAFF, chat_type="supergroup", chat_id=STAFF_CHAT)
    assert "Just chatting" not in last_to(app, 7)["text"]
    await app.shutdown()


async def test_a_failed_relay_is_shown_to_staff_and_kept(shared_settings, assistant, tmp_path):
    request = RecordingRequest()
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), request)
    await app.initialize()
    ticket = await escalate_after_abstention(app)
    request.blocked.add(7)
    await staff_reply(app, ticket, "Here is your answer")
    notice = last_to(app, STAFF_CHAT)["text"]
    assert notice == staff_text("en", "relay_failed", pseudonym=ticket.pseudonym,
                                error="the delegate blocked the bot", number=ticket.id)
    (relay,) = app.bot_data["tickets"].messages(ticket.id)
    assert relay.error == "the delegate blocked the bot" and not relay.delivered
    await app.shutdown()


async def test_open_tickets_survive_a_restart(shared_settings, assistant, tmp_path):
    first = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"))
    await first.initialize()
    ticket = await escalate_after_abstention(first)
    await first.shutdown()
    second = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"))
    await second.initialize()
    await staff_reply(second, ticket, "Sorry for the wait: ask at the desk.")
    assert "ask at the desk" in last_to(second, 7)["text"]
    await second.shutdown()


async def test_unclaimed_tickets_tell_the_delegate_staff_are_busy(shared_settings, assistant, tmp_path):
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), handoff_timeout_minutes=0.005)
    await app.initialize()
    await app.start()
    ticket = await escalate_after_abstention(app)
    for _ in range(50):
        if app.bot_data["tickets"].get(ticket.id).busy_notified:
            break
        await asyncio.sleep(0.1)
    assert last_to(app, 7)["text"] == text("it", "handoff_busy", number=ticket.id)
    assert "Nobody claimed" in last_to(app, STAFF_CHAT)["text"]
    await app.stop()
    await app.shutdown()


async def test_with_an_llm_relays_are_translated_and_the_original_kept(shared_settings, assistant, tmp_path):
    def translate(body):
        system, message = body["messages"][0]["content"], body["messages"][-1]["content"]
        target = "Italian" if "into Italian" in system else "English"
        return f"[{target}] {message}"

    with FakeOpenAI() as llm:
        llm.behaviour.reply = translate
        app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"),
                       openai_api_key="sk-test", openai_base_url=llm.base_url, llm_timeout=2.0)
        await app.initialize()
        ticket = await escalate_after_abstention(app)
        assert "[English] Qual è la password del Wi-Fi?" in bot_card(app)
        await staff_reply(app, ticket, "The password is at the desk.")
        relayed = last_to(app, 7)["text"]
        assert "[Italian] The password is at the desk." in relayed
        assert relayed.endswith(f"{text('it', 'handoff_original')}: The password is at the desk.")
        assert "(translated into Italian)" in last_to(app, STAFF_CHAT)["text"]
        refreshed = app.request.named("editMessageText")[-1].params["text"]  # the card after the claim
        assert "claimed by Anna" in refreshed and "[English] Qual è la password del Wi-Fi?" in refreshed
        await app.shutdown()


def bot_card(app):
    return next(p for p in app.request.sent() if p.get("chat_id") == STAFF_CHAT)["text"]


async def bot_with_own_knowledge(settings, tmp_path):
    """A staffed bot and its assistant on an index of their own (approving drafts writes to it)."""
    assistant = Assistant(settings)
    app = make_bot(settings, assistant, Store(tmp_path / "bot.sqlite3"))
    await app.initialize()
    return app, assistant


async def human(app, question, sender=GIULIA):
    """`/human <question>`: the delegate's new ticket."""
    await say(app, f"/human {question}", sender=sender)
    return app.bot_data["tickets"].active_for(sender["id"])


async def test_saved_answer_becomes_knowledge_after_approval(ingested_settings, tmp_path):
    settings = ingested_settings
    app, assistant = await bot_with_own_knowledge(settings, tmp_path)
    question = "C'è un guardaroba per i cappotti?"
    assert assistant.ask(question).abstained
    ticket = await human(app, question)
    await staff_reply(app, ticket, "Sì, il guardaroba per i cappotti è accanto all'ingresso del parco.")
    await press_staff(app, f"tk:resolve:{ticket.id}", STAFF)
    await press_staff(app, f"tk:save:{ticket.id}", STAFF)
    draft_card = last_to(app, STAFF_CHAT)
    assert "guardaroba" in draft_card["text"]
    approve, reject = [data for _, data in buttons(draft_card)]
    await press_staff(app, approve, STAFF)
    assert bot_alert(app) == staff_text("en", "not_admin")
    await press_staff(app, approve, ORGANISER)
    published = app.request.named("editMessageText")[-1].params["text"]
    assert "approved by Olga and published" in published
    assert (settings.knowledge_dir / "entries" / f"staff-{ticket.id}.it.md").exists()
    answer = assistant.ask(question)
    assert not answer.abstained and "accanto all'ingresso" in answer.text
    await press_staff(app, reject, ORGANISER)
    assert bot_alert(app).startswith("Draft #1 is already approved")
    await app.shutdown()


def bot_alert(app):
    return app.request.named("answerCallbackQuery")[-1].params.get("text")


async def test_without_a_staff_chat_escalation_explains_how_to_reach_the_organisers(
    shared_settings, assistant, tmp_path
):
    contact = "Organisers' desk: +00 000 (example)"
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"),
                   staff_chat_id=None, organiser_contact=contact)
    await app.initialize()
    await say(app, "/human Dov'è il guardaroba?")
    assert last_to(app, 7)["text"] == text("it", "contact_organisers", contact=f"\n{contact}")
    assert app.bot_data["tickets"].active_for(7) is None
    await app.shutdown()


async def test_a_chinese_staff_chat_gets_its_texts_and_translations_in_chinese(
    shared_settings, assistant, tmp_path
):
    def translate(body):
        target = "Chinese" if "into Simplified Chinese" in body["messages"][0]["content"] else "other"
        return f"[{target}] {body['messages'][-1]['content']}"

    with FakeOpenAI() as llm:
        llm.behaviour.reply = translate
        app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), staff_language="zh",
                       openai_api_key="sk-test", openai_base_url=llm.base_url, llm_timeout=2.0)
        await app.initialize()
        ticket = await escalate_after_abstention(app)
        card = bot_card(app)
        assert card.startswith(f"🎫 <b>工单 #{ticket.id}</b>") and "意大利文" in card
        assert staff_text("zh", "rendering", text="[Chinese] Qual è la password del Wi-Fi?") in card
        assert buttons(last_to(app, STAFF_CHAT))[0][0] == staff_text("zh", "claim")
        await press_staff(app, f"tk:claim:{ticket.id}")
        assert bot_alert(app) == staff_text("zh", "claimed", number=ticket.id, name="Anna")
        await app.shutdown()
