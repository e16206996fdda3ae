"""Issue 11's staff side through real python-telegram-bot objects (fast: recorded Bot API calls):
every delegate message gets one outcome while a ticket is open, delegates are told who took their
question and rate the help, follow-ups, confirmations, 👎, notes, saved replies, the queue, help,
and staff answers that become knowledge in every language."""


from bot.handoff import Status
from bot.storage import Store
from bot.texts import staff_text, text
from tests import test_telegram_handoff as handoff_tests
from tests.conftest import eventually
from tests.fake_openai import FakeOpenAI
from tests.telegram_fakes import buttons, callback_update, user
from tests.test_telegram_handoff import (  # the staff chat's fast helpers, shared
    GIULIA,
    ORGANISER,
    STAFF,
    STAFF_CHAT,
    bot_with_own_knowledge,
    escalate_after_abstention,
    human,
    last_to,
    make_bot,
    press_staff,
    say,
    settle,
    staff_reply,
)

bot = handoff_tests.bot  # the fixture: a staffed bot on recorded Bot API calls
UNKNOWN = "C'è un guardaroba per i cappotti?"  # the knowledge base does not say
WEI = user(user_id=8, lang="zh", name="Wei")


def to_chat(app, chat_id):
    return [p for p in app.request.sent() if p.get("chat_id") == chat_id]


async def staff_command(app, words, ticket=None, sender=STAFF):
    """A command in the staff chat: in the ticket's topic when one is given."""
    topic = {}
    if ticket is not None:
        topic = {"message_thread_id": ticket.thread_id, "is_topic_message": True,
                 "reply_to_message": {"message_id": ticket.thread_id, "date": 0,
                                      "chat": {"id": STAFF_CHAT, "type": "supergroup"}}}
    await say(app, words, sender=sender, chat_type="supergroup", chat_id=STAFF_CHAT, **topic)


async def press(app, data, sender=GIULIA):
    await app.process_update(callback_update(app, data, sender=sender))
    await settle(app)


# --- 1. nothing dropped ------------------------------------------------------------------------


async def test_while_a_ticket_waits_the_bot_answers_what_it_knows_and_relays_the_rest(bot):
    ticket = await escalate_after_abstention(bot)
    tickets = bot.bot_data["tickets"]
    staff_before = len(to_chat(bot, STAFF_CHAT))
    await say(bot, "Chi è Hans Song?")
    answered = last_to(bot, 7)["text"]
    assert "Messe Stuttgart" in answered
    assert answered.endswith(text("it", "handoff_still_open", number=ticket.id))
    assert tickets.messages(ticket.id) == []  # answered by the bot: not also sent to staff
    assert len(to_chat(bot, STAFF_CHAT)) == staff_before
    await say(bot, UNKNOWN)
    assert last_to(bot, 7)["text"] == text("it", "handoff_added", number=ticket.id)
    assert [m.text for m in tickets.messages(ticket.id)] == [UNKNOWN]
    assert UNKNOWN in last_to(bot, STAFF_CHAT)["text"]  # staff see it in the ticket's topic
    assert last_to(bot, STAFF_CHAT)["message_thread_id"] == ticket.thread_id


async def test_human_with_words_while_a_ticket_is_open_reaches_the_staff(bot):
    ticket = await escalate_after_abstention(bot)
    await say(bot, "/human Ho anche una domanda sul parcheggio")
    assert last_to(bot, 7)["text"] == text("it", "handoff_relayed", number=ticket.id)
    assert "Ho anche una domanda sul parcheggio" in last_to(bot, STAFF_CHAT)["text"]
    assert [m.text for m in bot.bot_data["tickets"].messages(ticket.id)] == [
        "Ho anche una domanda sul parcheggio"
    ]


async def test_after_return_to_bot_the_waiting_question_is_answered(bot):
    ticket = await escalate_after_abstention(bot)
    await press_staff(bot, f"tk:claim:{ticket.id}")
    assert last_to(bot, 7)["text"] == text("it", "handoff_claimed", number=ticket.id, name="Anna")
    await say(bot, "Nel frattempo: chi è Hans Song?")  # claimed: this goes to Anna
    assert "chi è Hans Song?" in last_to(bot, STAFF_CHAT)["text"]
    assert "Messe Stuttgart" not in last_to(bot, 7)["text"]
    await press_staff(bot, f"tk:return:{ticket.id}")
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.RETURNED
    pending = text("it", "handoff_pending", question="Nel frattempo: chi è Hans Song?")
    assert await eventually(lambda: last_to(bot, 7)["text"].startswith(pending))
    assert "Messe Stuttgart" in last_to(bot, 7)["text"]
    returned = [p["text"] for p in to_chat(bot, 7)][-2]
    assert returned == text("it", "handoff_returned")
    assert all(ticket.question not in p["text"] for p in to_chat(bot, 7)[-2:])  # tried already


# --- 2. told who helps, rating, follow-up ------------------------------------------------------


async def test_the_delegate_rates_the_help_and_staff_see_it(bot):
    ticket = await escalate_after_abstention(bot)
    await staff_reply(bot, ticket, "La password è al banco della registrazione.")
    await say(bot, "Grazie mille!")  # thanks need no answer
    await press_staff(bot, f"tk:resolve:{ticket.id}")  # answered: no confirmation needed
    tickets = bot.bot_data["tickets"]
    assert tickets.get(ticket.id).status is Status.RESOLVED
    resolved = last_to(bot, 7)
    assert text("it", "handoff_rate") in resolved["text"]
    assert [mark for mark, _ in buttons(resolved)] == ["👍", "👎"]
    await press(bot, f"rate:{ticket.id}:1", sender=user(user_id=66, name="Mallory"))
    assert tickets.rating(ticket.id) is None
    await press(bot, f"rate:{ticket.id}:1")
    assert tickets.rating(ticket.id) == 1 and tickets.satisfaction() == {"up": 1, "down": 0}
    assert bot.request.named("answerCallbackQuery")[-1].params["text"] == text("it", "handoff_rated")
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "rated", number=ticket.id, rating="👍")


async def test_a_staff_follow_up_after_resolve_reopens_the_ticket(bot):
    ticket = await escalate_after_abstention(bot)
    await staff_reply(bot, ticket, "La password è al banco.")
    await press_staff(bot, f"tk:resolve:{ticket.id}")
    await staff_reply(bot, ticket, "Aggiornamento: ora è anche sul badge.")
    tickets = bot.bot_data["tickets"]
    assert tickets.get(ticket.id).status is Status.CLAIMED
    reopened, follow_up = [p["text"] for p in to_chat(bot, 7)][-2:]
    assert reopened == text("it", "handoff_reopened", number=ticket.id)
    assert "ora è anche sul badge" in follow_up
    assert staff_text("en", "reopened", number=ticket.id, name="Anna") in [
        p["text"] for p in to_chat(bot, STAFF_CHAT)
    ]
    await say(bot, "Grazie mille!")
    assert "Grazie mille!" in last_to(bot, STAFF_CHAT)["text"]


async def test_a_follow_up_waits_while_the_delegate_has_another_ticket(bot):
    ticket = await escalate_after_abstention(bot)
    await staff_reply(bot, ticket, "La password è al banco.")
    await press_staff(bot, f"tk:resolve:{ticket.id}")
    await say(bot, "/human Dove lascio la valigia?")
    other = bot.bot_data["tickets"].active_for(7)
    await staff_reply(bot, ticket, "Un'ultima cosa")
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "other_open", number=ticket.id,
                                                           other=other.id)
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.RESOLVED


# --- 3. confirmations and /end ----------------------------------------------------------------


async def test_keep_open_leaves_the_ticket_and_removes_the_question(bot):
    ticket = await escalate_after_abstention(bot)
    await press_staff(bot, f"tk:resolve:{ticket.id}")
    await press_staff(bot, f"tk:keep:{ticket.id}")
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.OPEN
    assert bot.request.named("answerCallbackQuery")[-1].params["text"] == staff_text(
        "en", "kept_open", number=ticket.id)
    assert bot.request.named("editMessageReplyMarkup")[-1].params.get("reply_markup") is None


async def test_end_by_the_delegate_leaves_save_as_knowledge_on_the_card(bot):
    ticket = await escalate_after_abstention(bot)
    await staff_reply(bot, ticket, "La password è al banco della registrazione.")
    await say(bot, "/end")
    ended = last_to(bot, 7)
    assert ended["text"].startswith(text("it", "handoff_ended", number=ticket.id))
    assert [data for _, data in buttons(ended)] == [f"rate:{ticket.id}:1", f"rate:{ticket.id}:-1"]
    card = [c.params for c in bot.request.named("editMessageText")
            if c.params.get("message_id") == ticket.staff_message_id][-1]
    assert [data for _, data in buttons(card)] == [f"tk:save:{ticket.id}"]
    await press_staff(bot, f"tk:save:{ticket.id}")
    assert "password è al banco" in last_to(bot, STAFF_CHAT)["text"]


# --- 4. 👎 ------------------------------------------------------------------------------------


async def test_thumbs_down_keeps_the_staff_button_and_offers_it_in_words(bot):
    await say(bot, "Chi è Hans Song?")
    answer = last_to(bot, 7)
    down = next(data for mark, data in buttons(answer) if mark == "👎")
    question_id = int(down.split(":")[1])
    await press(bot, down)
    kept = bot.request.named("editMessageReplyMarkup")[-1].params["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for row in kept for b in row] == [f"human:{question_id}"]
    offer = last_to(bot, 7)
    assert offer["text"] == text("it", "vote_sorry")
    assert [data for _, data in buttons(offer)] == [f"human:{question_id}"]
    await press(bot, f"human:{question_id}")
    assert bot.bot_data["tickets"].active_for(7).question == "Chi è Hans Song?"


# --- 5. staff tools ---------------------------------------------------------------------------


async def test_an_internal_note_stays_with_the_staff(bot):
    ticket = await escalate_after_abstention(bot)
    seen = len(to_chat(bot, 7))
    await staff_command(bot, "/note She asked at the desk already", ticket)
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "note_saved", number=ticket.id)
    assert bot.bot_data["tickets"].notes(ticket.id) == [("Anna", "She asked at the desk already")]
    assert len(to_chat(bot, 7)) == seen  # the delegate got nothing
    await staff_command(bot, "/note no ticket meant")
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "not_on_ticket", command="note")
    await staff_command(bot, "/note", ticket)
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "note_usage")


async def test_saved_replies_reach_the_delegate_in_their_language(bot):
    ticket = await escalate_after_abstention(bot)
    await say(bot, "/savereply wifi\nen: The Wi-Fi password is on your badge.", sender=STAFF)
    assert last_to(bot, 500)["text"] == staff_text("en", "not_admin")
    await say(bot, "/savereply wifi\nzh: Wi-Fi 密码印在您的胸牌上。\nen: The Wi-Fi password is on "
                   "your badge.\nit: La password del Wi-Fi è sul Suo badge.", sender=ORGANISER)
    assert last_to(bot, 900)["text"] == staff_text("en", "reply_saved", name="wifi",
                                                   languages="Chinese, English, Italian")
    await staff_command(bot, "/reply", ticket)
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "reply_usage", names="wifi")
    await staff_command(bot, "/reply parking", ticket)
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "reply_unknown", name="parking",
                                                          names="wifi")
    await staff_command(bot, "/reply wifi", ticket)
    relayed = last_to(bot, 7)["text"]
    assert relayed.startswith(text("it", "handoff_staff_says", name="Anna"))
    assert "La password del Wi-Fi è sul Suo badge." in relayed and "badge." in relayed
    assert text("it", "handoff_untranslated") not in relayed
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.CLAIMED
    assert bot.bot_data["tickets"].staff_answer(ticket.id).text == "La password del Wi-Fi è sul Suo badge."


async def test_the_queue_shows_who_waits_longest(bot):
    first = await escalate_after_abstention(bot)
    second = await human(bot, "会场有翻译吗？", sender=WEI)
    await staff_reply(bot, second, "有的。")
    await staff_command(bot, "/queue")
    queue = last_to(bot, STAFF_CHAT)["text"]
    lines = queue.splitlines()
    assert lines[0] == staff_text("en", "queue_title")
    assert lines[1].startswith(f"#{first.id} · open") and staff_text("en", "waiting", minutes=0) in lines[1]
    assert lines[2].startswith(f"#{second.id} · claimed by Anna")
    assert staff_text("en", "answered_last") in lines[2]


async def test_help_differs_for_delegates_staff_and_organisers(bot):
    await say(bot, "/help")
    assert last_to(bot, 7)["text"] == text("it", "help")
    await staff_command(bot, "/help")
    assert last_to(bot, STAFF_CHAT)["text"] == staff_text("en", "staff_help")
    await say(bot, "/help", sender=ORGANISER)
    organiser = last_to(bot, 900)["text"]
    assert organiser == f"{staff_text('en', 'organiser_help')}\n\n{staff_text('en', 'staff_help')}"


# --- 6. staff answers → knowledge in every language -------------------------------------------


async def test_a_chinese_question_answered_in_english_becomes_knowledge_in_every_language(
    ingested_settings, tmp_path
):
    settings = ingested_settings
    app, assistant = await bot_with_own_knowledge(settings, tmp_path)
    question = "会场有寄存大衣的衣帽间吗？"
    assert assistant.ask(question).abstained
    ticket = await human(app, question, sender=WEI)
    await staff_reply(app, ticket, "Yes, the cloakroom for coats is next to the park entrance.")
    await press_staff(app, f"tk:resolve:{ticket.id}")
    await press_staff(app, f"tk:save:{ticket.id}")
    draft = app.bot_data["tickets"].drafts()[-1]
    assert draft.versions["en"] == {"question": "",
                                    "answer": "Yes, the cloakroom for coats is next to the park entrance."}
    assert draft.versions["zh"] == {"question": question, "answer": ""}  # the answer is not Chinese
    card = last_to(app, STAFF_CHAT)["text"]
    assert "Not ready in: Chinese (answer); English (question); Italian (question, answer)" in card
    await press_staff(app, f"draft:approve:{draft.id}", ORGANISER)  # nothing complete yet
    assert app.request.named("answerCallbackQuery")[-1].params["text"] == staff_text(
        "en", "draft_incomplete", draft=draft.id)
    await staff_command(app, f"/editdraft {draft.id}\n"
                             "en?: Is there a cloakroom for coats at the venue?\n"
                             "zh: 有的，存放大衣的衣帽间在园区入口旁边。\n"
                             "it?: C'è un guardaroba per i cappotti?\n"
                             "it: Sì, il guardaroba per i cappotti è accanto all'ingresso del parco.")
    edited = last_to(app, STAFF_CHAT)["text"]
    assert "Not ready in" not in edited and "Is there a cloakroom" in edited
    await press_staff(app, f"draft:approve:{draft.id}", ORGANISER)
    assert "approved by Olga and published" in app.request.named("editMessageText")[-1].params["text"]
    entries = settings.knowledge_dir / "entries"
    zh_entry = (entries / f"staff-{ticket.id}.zh.md").read_text(encoding="utf-8")
    en_entry = (entries / f"staff-{ticket.id}.en.md").read_text(encoding="utf-8")
    assert "lang: en" in en_entry and "title: Is there a cloakroom for coats at the venue" in en_entry
    assert question not in en_entry and "衣帽间" in zh_entry
    for asked, expected in [
        (question, "园区入口旁边"),
        ("Is there a cloakroom for coats at the venue?", "next to the park entrance"),
        ("C'è un guardaroba per i cappotti?", "accanto all'ingresso del parco"),
    ]:
        answer = assistant.ask(asked)
        assert not answer.abstained and expected in answer.text, (asked, answer)
    await app.shutdown()


ANSWER = "Yes, Chinese–Italian interpretation is provided."


async def test_with_an_llm_a_draft_gets_a_question_and_answer_in_every_language(
    shared_settings, assistant, tmp_path
):
    known = {  # what the fake LLM translates (anything else comes back as it is)
        ("English", "会场有翻译吗？"): "Is there interpretation at the venue?",
        ("Italian", "会场有翻译吗？"): "C'è l'interpretariato in sede?",
        ("Simplified Chinese", ANSWER): "有的，现场提供中意同传。",
        ("Italian", ANSWER): "Sì, c'è l'interpretariato cinese–italiano.",
    }

    def translate(body):
        system, words = body["messages"][0]["content"], body["messages"][-1]["content"]
        for (language, source), target in known.items():
            if f"into {language}" in system and source in words:
                return target
        return words

    with FakeOpenAI() as llm:
        llm.behaviour.reply = translate
        app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"),
                       openai_api_key="sk-test", openai_base_url=llm.base_url, llm_timeout=2.0)
        await app.initialize()
        ticket = await human(app, "会场有翻译吗？", sender=WEI)
        await staff_reply(app, ticket, ANSWER)
        await press_staff(app, f"tk:resolve:{ticket.id}")
        await press_staff(app, f"tk:save:{ticket.id}")
        draft = app.bot_data["tickets"].drafts()[-1]
        assert draft.versions == {
            "zh": {"question": "会场有翻译吗？", "answer": "有的，现场提供中意同传。"},
            "en": {"question": "Is there interpretation at the venue?", "answer": ANSWER},
            "it": {"question": "C'è l'interpretariato in sede?",
                   "answer": "Sì, c'è l'interpretariato cinese–italiano."},
        }
        assert "Not ready in" not in last_to(app, STAFF_CHAT)["text"]
        await app.shutdown()
