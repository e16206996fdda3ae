"""End to end over real HTTP for staff and organisers: a ticket from an Italian delegate handled
in the staff group, saved as knowledge and approved; restarts, strangers, timeouts, /end;
and an announcement to many delegates. Same emulator and bridge as tests/test_e2e.py."""

import asyncio
import io
import zipfile

import pytest

from bot.core import Assistant
from bot.texts import staff_text, text
from tests.conftest import entry_text
from tests.harness.fixtures import new_token, start_bot

STAFF_CHAT = -100_500
STAFF_ID, ORGANISER_ID = 500, 900
QUESTION = "C'è un guardaroba dove lasciare il cappotto?"
STAFF_ANSWER = "Yes: the cloakroom is next to the entrance of the hall."  # test content
STAFF_ANSWER_IT = "Sì: il guardaroba è accanto all'ingresso della sala."


@pytest.fixture
def staff_settings(ingested_settings):
    return ingested_settings.model_copy(update={
        "staff_chat_id": STAFF_CHAT, "staff_ids": [STAFF_ID], "admin_ids": [ORGANISER_ID],
    })


@pytest.fixture
async def staffed_bot(emulator, staff_settings):
    async with start_bot(emulator, staff_settings, Assistant(staff_settings)) as bot:
        yield bot


def staff_member(bot, user_id=STAFF_ID, name="Anna"):
    return bot.delegate(user_id=user_id, first_name=name, language_code="en",
                        chat_id=STAFF_CHAT, chat_type="supergroup", chat_title="Staff")


async def open_ticket(bot, delegate, staff):
    """The delegate asks what the bot cannot answer and presses "Ask a staff member"."""
    answer = await delegate.ask(QUESTION)
    assert "staff" in answer.text.lower()  # an abstention ("not published" or "I don't know") with staff
    mark = (await staff.replies())[-1].message_id if await staff.replies() else 0
    await delegate.press(text("it", "ask_staff"), answer)
    opened = await delegate.reply()
    card = await staff.wait_for(lambda m: "Ticket #" in m.text, since=mark)
    return opened, card


async def test_a_ticket_from_question_to_knowledge(staffed_bot):
    giulia = staffed_bot.delegate(language_code="it", first_name="Giulia")
    anna = staff_member(staffed_bot)
    opened, card = await open_ticket(staffed_bot, giulia, anna)
    number = int(card.text.split("#")[1].split()[0])
    assert opened.text == text("it", "handoff_opened", number=number)
    assert QUESTION in card.text and "Giulia" in card.text and "language: Italian" in card.text

    await anna.press(staff_text("en", "claim"), card)
    claimed = await anna.wait_for_edit(card, lambda m: "claimed by Anna" in m.text)

    await anna.send(STAFF_ANSWER, reply_to=claimed)
    relayed = await giulia.wait_for(lambda m: STAFF_ANSWER in m.text)
    assert relayed.text.startswith(text("it", "handoff_staff_says", name="Anna"))
    assert text("it", "handoff_untranslated") in relayed.text  # no LLM here: said plainly
    assert (await anna.wait_for(lambda m: m.text.startswith("✓ Delivered"))).text

    await giulia.send("Grazie mille!")
    assert "Grazie mille!" in (await anna.wait_for(lambda m: "Grazie mille!" in m.text)).text

    await anna.press(staff_text("en", "resolve"), claimed)
    resolved_note = await giulia.wait_for(lambda m: "#" in m.text and "risolta" in m.text)
    assert resolved_note.text.startswith(text("it", "handoff_resolved", number=number))
    resolved = await anna.wait_for_edit(claimed, lambda m: "resolved" in m.text)
    await anna.press(staff_text("en", "save"), resolved)
    draft = await anna.wait_for(lambda m: "Knowledge draft" in m.text)
    assert STAFF_ANSWER in draft.text

    await anna.press(staff_text("en", "approve"), draft)  # staff may not approve: organisers do
    await asyncio.sleep(0.3)
    refusals = [c for c in staffed_bot.calls("answerCallbackQuery") if c.params.get("show_alert")]
    assert refusals and refusals[-1].params["text"] == staff_text("en", "not_admin")
    # an English answer to an Italian question: each language needs its own question and answer
    assert "Not ready in: Chinese (question, answer); English (question); Italian (answer)" in draft.text
    await anna.command(f"/editdraft {draft.text.split('#')[1].split()[0]}\n"
                       "en?: Is there a cloakroom where I can leave my coat?\n"
                       f"it: {STAFF_ANSWER_IT}")
    completed = await anna.wait_for(lambda m: "Knowledge draft" in m.text and STAFF_ANSWER_IT in m.text)
    assert "Not ready in: Chinese (question, answer)." in completed.text
    olga = staff_member(staffed_bot, ORGANISER_ID, "Olga")
    await olga.press(staff_text("en", "approve"), completed)
    await olga.wait_for_edit(completed, lambda m: "approved by Olga and published" in m.text, timeout=120)

    again = await giulia.ask(QUESTION)
    assert STAFF_ANSWER_IT in again.text
    assert [b.text for b in again.buttons] == ["👍", "👎"]
    english = staffed_bot.delegate(language_code="en", first_name="Ed")
    assert STAFF_ANSWER in (await english.ask("Is there a cloakroom where I can leave my coat?")).text


async def test_handoff_answers_every_message_once_and_keeps_the_delegate_informed(staffed_bot):
    """Issue 11, points 1-2: while the ticket waits the bot answers what it knows and relays the
    rest, /human adds to the ticket, the delegate learns who took it, what was left waiting is
    answered after Return to bot, the help is rated, and a follow-up reopens a resolved ticket."""
    giulia = staffed_bot.delegate(language_code="it", first_name="Giulia")
    anna = staff_member(staffed_bot)
    _, card = await open_ticket(staffed_bot, giulia, anna)
    number = int(card.text.split("#")[1].split()[0])

    known = await giulia.ask("Chi è Hans Song?")  # waiting for staff: the bot answers what it knows
    assert "Messe Stuttgart" in known.text
    assert known.text.endswith(text("it", "handoff_still_open", number=number))
    await giulia.command("/human Ho anche una domanda sul parcheggio")
    assert (await giulia.reply()).text == text("it", "handoff_relayed", number=number)
    await anna.wait_for(lambda m: "domanda sul parcheggio" in m.text)
    staff_saw = [m.text for m in await anna.replies()]
    assert not any("Chi è Hans Song?" in words for words in staff_saw)  # answered once, by the bot

    await anna.press(staff_text("en", "claim"), card)
    told = text("it", "handoff_claimed", number=number, name="Anna")
    assert await giulia.wait_for(lambda m: m.text == told)
    claimed = await anna.wait_for_edit(card, lambda m: "claimed by Anna" in m.text)
    await giulia.send("Nel frattempo: chi è Hans Song?")  # a person has it now: relayed to Anna
    await anna.wait_for(lambda m: "Nel frattempo" in m.text)
    await anna.press(staff_text("en", "return"), claimed)
    assert (await giulia.reply()).text == text("it", "handoff_returned")
    pending = text("it", "handoff_pending", question="Nel frattempo: chi è Hans Song?")
    waited = await giulia.wait_for(lambda m: m.text.startswith(pending), timeout=30)
    assert "Messe Stuttgart" in waited.text

    await giulia.command("/human Dove posso lasciare la valigia?")
    second = await anna.wait_for(lambda m: "Ticket #" in m.text and "valigia" in m.text)
    await anna.send("Al guardaroba accanto all'ingresso.", reply_to=second)
    await giulia.wait_for(lambda m: "guardaroba accanto" in m.text)
    await anna.command(f"/resolve {number + 1}")
    resolved = await giulia.wait_for(lambda m: text("it", "handoff_rate") in m.text)
    await giulia.press("👍", resolved)
    await anna.wait_for(lambda m: m.text == staff_text("en", "rated", number=number + 1, rating="👍"))
    assert staffed_bot.application.bot_data["tickets"].satisfaction() == {"up": 1, "down": 0}

    await anna.send("Aggiornamento: il guardaroba chiude alle 18.", reply_to=second)
    reopened = await giulia.wait_for(lambda m: m.text == text("it", "handoff_reopened", number=number + 1))
    assert reopened
    await giulia.wait_for(lambda m: "chiude alle 18" in m.text)


async def test_tickets_survive_a_restart_and_strangers_cannot_touch_them(emulator, staff_settings):
    token = new_token()
    assistant = Assistant(staff_settings)
    async with start_bot(emulator, staff_settings, assistant, token=token) as bot:
        giulia = bot.delegate(language_code="it", first_name="Giulia")
        anna = staff_member(bot)
        _, card = await open_ticket(bot, giulia, anna)
    async with start_bot(emulator, staff_settings, assistant, token=token) as bot:
        giulia = bot.delegate(user_id=giulia.user_id, language_code="it", first_name="Giulia")
        anna = staff_member(bot)
        mallory = staff_member(bot, user_id=666, name="Mallory")
        await mallory.press(staff_text("en", "claim"), card)
        await asyncio.sleep(0.5)
        alert = bot.calls("answerCallbackQuery")[-1].params
        assert alert["text"] == staff_text("en", "not_staff")
        await anna.send("Sorry for the wait, the cloakroom is by the entrance.", reply_to=card)
        relayed = await giulia.wait_for(lambda m: "Sorry for the wait" in m.text)
        assert relayed.text.startswith(text("it", "handoff_staff_says", name="Anna"))


async def test_unclaimed_ticket_tells_the_delegate_and_end_closes_it(emulator, staff_settings):
    quick = staff_settings.model_copy(update={"handoff_timeout_minutes": 0.01})
    async with start_bot(emulator, quick, Assistant(quick)) as bot:
        giulia = bot.delegate(language_code="it", first_name="Giulia")
        anna = staff_member(bot)
        _, card = await open_ticket(bot, giulia, anna)
        number = int(card.text.split("#")[1].split()[0])
        busy = await giulia.wait_for(lambda m: m.text == text("it", "handoff_busy", number=number))
        assert busy
        await anna.wait_for(lambda m: "Nobody claimed" in m.text)
        await giulia.command("/end")
        assert (await giulia.reply()).text == text("it", "handoff_ended", number=number)
        await anna.wait_for(lambda m: m.text == staff_text("en", "ended", number=number))
        answer = await giulia.ask("Chi è Hans Song?")  # the bot answers again
        assert "Messe Stuttgart" in answer.text


async def test_an_announcement_reaches_many_delegates_in_their_languages(staffed_bot):
    delegates = [staffed_bot.delegate(language_code=lang) for lang in ("zh", "en", "it") * 4]
    for delegate in delegates:
        await delegate.command("/start")
        await delegate.reply()
    olga = staffed_bot.delegate(user_id=ORGANISER_ID, first_name="Olga", language_code="en")
    versions = "zh: 议程有变化。\nen: The agenda has changed.\nit: Il programma è cambiato."
    await olga.command(f"/announce {versions}")
    preview = await olga.wait_for(lambda m: "Announcement to" in m.text)
    assert "12 delegate(s)" in preview.text  # those who started the bot
    await olga.press(staff_text("en", "send"), preview)
    done = await olga.wait_for(lambda m: "Announcement sent" in m.text, timeout=60)
    assert done.text == staff_text("en", "announce_done", delivered=12, blocked=0, failed=0)
    expected = {
        "zh": "📢 议程有变化。", "en": "📢 The agenda has changed.", "it": "📢 Il programma è cambiato."
    }
    for delegate in delegates:
        got = await delegate.wait_for(lambda m, lang=delegate.language_code: m.text == expected[lang])
        assert got


NEW_FACT = entry_text(
    "closing-dinner", "en", "The closing dinner of the delegation is at the Lakeside Hall.",  # test content
    questions=("Where is the closing dinner?",), title="Closing dinner",
).encode()


async def test_an_organiser_publishes_a_file_and_rolls_it_back(staffed_bot):
    olga = staffed_bot.delegate(user_id=ORGANISER_ID, first_name="Olga", language_code="en")
    ada = staffed_bot.delegate(language_code="en")
    assert "staff member can help" in (await ada.ask("Where is the closing dinner?")).text

    file_id = staffed_bot.harness.bridge.host_file(NEW_FACT)
    await olga.send_document(file_id, "dinner.md", len(NEW_FACT))
    preview = await olga.wait_for(lambda m: "would change the knowledge base" in m.text)
    assert "added: English 1 (Closing dinner)" in preview.text
    await olga.press(staff_text("en", "publish"), preview)
    await olga.wait_for_edit(preview, lambda m: m.text.startswith("✅ Published dinner.md"), timeout=120)
    assert "Lakeside Hall" in (await ada.ask("Where is the closing dinner?")).text

    await olga.command("/rollback")
    confirm = await olga.wait_for(lambda m: m.text.startswith("↩️ Roll back publish"))
    await olga.press(staff_text("en", "rollback_yes"), confirm)
    await olga.wait_for_edit(confirm, lambda m: m.text.startswith("✅ Rolled back"), timeout=120)
    assert "staff member can help" in (await ada.ask("Where is the closing dinner?")).text


async def test_gaps_group_the_same_question_across_languages(staffed_bot):
    asked = [("zh", "会场附近有停车场吗？"), ("en", "Is there a car park at the venue?"),
             ("it", "C'è un parcheggio vicino alla sede?"), ("en", "Is there a dress code?")]
    for lang, question in asked:
        await staffed_bot.delegate(language_code=lang).ask(question)
    olga = staffed_bot.delegate(user_id=ORGANISER_ID, first_name="Olga", language_code="en")
    await olga.command("/gaps")
    gaps = await olga.wait_for(lambda m: "Knowledge gaps" in m.text)
    lines = gaps.text.splitlines()
    assert lines[1] == "3× Parking (not published)" and lines[5].startswith("1× Dress code (not published)")
    assert sorted(line.split(":")[0].strip() for line in lines[2:5]) == ["en", "it", "zh"]


def shuttle(lang: str, body: str) -> bytes:
    return entry_text("shuttle", lang, body, questions=("When does the shuttle bus leave the hotel?",),
                      title="Shuttle").encode()


async def test_an_album_and_a_zip_each_publish_as_one_version_and_stats_come_as_a_png(staffed_bot):
    olga = staffed_bot.delegate(user_id=ORGANISER_ID, first_name="Olga", language_code="en")
    ada = staffed_bot.delegate(language_code="en")
    bridge = staffed_bot.harness.bridge
    album = {"shuttle.en.md": shuttle("en", "The shuttle bus leaves the hotel at 8:15."),  # test content
             "shuttle.it.md": shuttle("it", "La navetta parte dall'hotel alle 8:15.")}
    for name, content in album.items():
        await olga.send_document(bridge.host_file(content), name, len(content), album="shuttle-album")
    preview = await olga.wait_for(lambda m: "would change the knowledge base" in m.text)
    assert preview.text.startswith("📥 2 files")
    assert "added: English 1 (Shuttle); Italian 1 (Shuttle)" in preview.text
    await olga.press(staff_text("en", "publish"), preview)
    published = await olga.wait_for_edit(preview, lambda m: m.text.startswith("✅ Published"), timeout=120)
    assert "version 1" in published.text and published.buttons[0].text == staff_text("en", "announce_news")
    assert "8:15" in (await ada.ask("When does the shuttle bus leave the hotel?")).text

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as packed:
        packed.writestr("guide/Parking.txt", "Parking\n\nDelegates park for free behind the Xingzhuang hall.")
        packed.writestr("guide/dinner.md", NEW_FACT)
    content = archive.getvalue()
    await olga.send_document(bridge.host_file(content), "guide.zip", len(content))
    preview = await olga.wait_for(lambda m: "guide.zip" in m.text and "would change" in m.text)
    assert "added: English 2 (Closing dinner, Parking)" in preview.text
    await olga.press(staff_text("en", "publish"), preview)
    done = await olga.wait_for_edit(preview, lambda m: "✅ Published guide.zip" in m.text, timeout=120)
    assert "version 2" in done.text  # one version per publish
    assert "Lakeside Hall" in (await ada.ask("Where is the closing dinner?")).text

    await olga.command("/stats")
    stats = await olga.wait_for(lambda m: "answer rate" in m.text)
    assert "Questions: 2 · answer rate 100%" in stats.text
    for _ in range(100):
        photos = staffed_bot.calls("sendPhoto")
        if photos:
            break
        await asyncio.sleep(0.1)
    assert photos[-1].params["photo"]["head"] == b"\x89PNG\r\n\x1a\n".hex()
    assert photos[-1].params["caption"] == staff_text("en", "stats_chart")
