"""Meeting requests, deep links and QR codes through real python-telegram-bot objects (fast:
recorded Bot API calls)."""

import csv
import html
import io

import pytest

from bot.handoff import MEETING, Status
from bot.meetings import MeetingStatus
from bot.storage import Store
from bot.texts import staff_text, text
from tests import test_telegram_handoff as handoff_tests
from tests.conftest import decode_qr
from tests.telegram_fakes import BOT_USER, buttons, callback_update, message_update, user
from tests.test_telegram_handoff import GIULIA, ORGANISER, STAFF, STAFF_CHAT, last_to, make_bot, say, settle

LI = user(user_id=8, lang="zh", name="小李")


bot = handoff_tests.bot  # the same bot, with a staff chat, staff and an organiser


async def press(app, data, sender=GIULIA, **kwargs):
    await app.process_update(callback_update(app, data, sender=sender, **kwargs))
    await settle(app)


def last_edit(app, chat_id):
    return [c.params for c in app.request.named("editMessageText") if c.params.get("chat_id") == chat_id][-1]


def data_of(params, label):
    return next(data for text_, data in buttons(params) if text_ == label)


async def fill_in(app, sender, lang, company="Rossi Meccanica S.r.l."):
    """Answer the three questions of a draft (company typed, the rest by buttons) and send it."""
    await say(app, company, sender=sender)
    looking = last_to(app, sender["id"])
    assert looking["text"] == text(lang, "meet_ask_looking")
    await press(app, data_of(looking, text(lang, "meet_look_partners")), sender=sender)
    slot = last_to(app, sender["id"])
    assert slot["text"] == text(lang, "meet_ask_slot")
    await press(app, data_of(slot, text(lang, "meet_slot_morning")), sender=sender)
    summary = last_to(app, sender["id"])
    assert company in summary["text"] and text(lang, "meet_look_partners") in summary["text"]
    await press(app, data_of(summary, text(lang, "meet_send")), sender=sender)
    return app.bot_data["meetings"].of(sender["id"])[0]


async def request_avio(app):
    """Giulia asks in Italian to meet Avio, presses the button and fills in the request."""
    await say(app, "Vorrei incontrare Avio")
    answer = last_to(app, 7)
    assert "Avio" in answer["text"]
    await press(app, data_of(answer, text("it", "meet_button")))
    asked = last_to(app, 7)
    assert asked["text"] == text("it", "meet_ask_company", target="Avio")
    return await fill_in(app, GIULIA, "it")


async def test_an_enterprise_card_offers_a_meeting_request(bot):
    await press(bot, "ent:co:avio")
    card = bot.request.named("editMessageText")[-1].params
    assert (text("it", "meet_button"), "meet:co:avio") in buttons(card)


async def test_asked_how_to_contact_an_enterprise_the_delegate_gets_the_gap_a_meeting_and_a_person(bot):
    await say(bot, "come faccio a contattare Avio?")
    answer = last_to(bot, 7)
    assert answer["text"].startswith("Le informazioni pubblicate non riportano numeri di telefono")
    assert text("it", "contact_company", names="Avio") in html.unescape(answer["text"])
    labels = [label for label, _ in buttons(answer)]
    assert text("it", "meet_button") in labels and text("it", "ask_staff") in labels
    assert labels.index(text("it", "meet_button")) < labels.index(text("it", "ask_staff"))


async def test_a_request_reaches_the_staff_as_a_meeting_ticket_and_is_confirmed(bot):
    meeting = await request_avio(bot)
    assert meeting.status is MeetingStatus.REQUESTED and meeting.enterprise == "avio"
    assert last_to(bot, 7)["text"] == text("it", "meet_sent", number=meeting.id)
    ticket = bot.bot_data["tickets"].get(meeting.ticket_id)
    assert ticket.kind == MEETING and ticket.language == "it"
    card = last_to(bot, STAFF_CHAT)
    assert card["message_thread_id"] == ticket.thread_id
    for shown in ("Avio", "European enterprises", "Rossi Meccanica S.r.l.", "Business partners", "Morning",
                  "language: Italian"):
        assert shown in card["text"]
    assert [d for _, d in buttons(card)] == [
        f"{action}:{ticket.id}" for action in ("mt:confirm", "mt:propose", "mt:decline", "tk:claim")
    ]
    await press(bot, f"mt:confirm:{ticket.id}", sender=STAFF, chat_id=STAFF_CHAT)
    told = last_to(bot, 7)
    assert told["text"] == text("it", "meet_confirmed", number=meeting.id, target="Avio", time="Mattina")
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.RESOLVED
    assert "confirmed by Anna" in last_to(bot, STAFF_CHAT)["text"]
    await say(bot, "/meetings")
    listed = last_to(bot, 7)
    assert f"#{meeting.id} Avio — confermato: Mattina" in listed["text"]


async def test_staff_propose_a_time_the_delegate_accepts(bot):
    meeting = await request_avio(bot)
    ticket_id = meeting.ticket_id
    await press(bot, f"mt:propose:{ticket_id}", sender=STAFF, chat_id=STAFF_CHAT)
    times = last_to(bot, STAFF_CHAT)
    assert times["text"] == staff_text("en", "meeting_pick_time", number=meeting.id)
    await press(bot, data_of(times, "10:30"), sender=STAFF, chat_id=STAFF_CHAT)
    offer = last_to(bot, 7)
    assert offer["text"] == text("it", "meet_proposed", number=meeting.id, target="Avio", time="10:30")
    await press(bot, data_of(offer, text("it", "meet_accept")))
    accepted = last_edit(bot, 7)
    assert accepted["text"] == text("it", "meet_confirmed", number=meeting.id, target="Avio", time="10:30")
    assert bot.bot_data["meetings"].get(meeting.id).status is MeetingStatus.CONFIRMED
    accepted_notice = staff_text("en", "meeting_accepted", number=meeting.id, time="10:30")
    assert accepted_notice in last_to(bot, STAFF_CHAT)["text"]
    await press(bot, data_of(offer, text("it", "meet_accept")))  # twice: said, not done again
    alert = bot.request.named("answerCallbackQuery")[-1].params
    assert alert["show_alert"] and str(meeting.id) in alert["text"]


async def test_the_delegate_cancels_and_the_staff_are_told(bot):
    meeting = await request_avio(bot)
    sent = last_to(bot, 7)
    await press(bot, data_of(sent, text("it", "meet_cancel")))
    assert last_edit(bot, 7)["text"] == text("it", "meet_cancelled", number=meeting.id)
    assert bot.bot_data["tickets"].get(meeting.ticket_id).status is Status.ENDED
    assert staff_text("en", "meeting_cancelled", number=meeting.id) in last_to(bot, STAFF_CHAT)["text"]
    await press(bot, f"mt:confirm:{meeting.ticket_id}", sender=STAFF, chat_id=STAFF_CHAT)
    assert bot.request.named("answerCallbackQuery")[-1].params["show_alert"]  # too late: refused


async def test_a_sector_request_in_chinese_and_questions_still_answered_while_it_waits(bot):
    await say(bot, "我想见一家新能源汽车企业", sender=LI)
    answer = last_to(bot, 8)
    assert "开沃新能源汽车集团" in answer["text"]
    assert ("🤝 开沃新能源汽车集团（Kaiwu）", "meet:co:kaiwu") in buttons(answer)
    await press(bot, data_of(answer, text("zh", "meet_button")), sender=LI)
    assert last_to(bot, 8)["text"].startswith("🤝 会面申请：“新能源汽车”领域的企业")
    meeting = await fill_in(bot, LI, "zh", company="南京某某科技")
    assert meeting.sector == "new-energy-vehicles" and meeting.enterprise == ""
    await say(bot, "Hans Song 是谁？", sender=LI)
    answered = last_to(bot, 8)
    assert "Messe Stuttgart" in answered["text"] or "斯图加特" in answered["text"]  # not relayed to staff


async def test_a_half_filled_request_survives_a_restart(shared_settings, assistant, tmp_path):
    store_path = tmp_path / "bot.sqlite3"
    first = make_bot(shared_settings, assistant, Store(store_path))
    await first.initialize()
    await first.process_update(callback_update(first, "meet:co:siemens", sender=LI))
    await first.shutdown()
    second = make_bot(shared_settings, assistant, Store(store_path))
    await second.initialize()
    try:
        await second.process_update(message_update(second, "上海某某电气", sender=LI))
        assert last_to(second, 8)["text"] == text("zh", "meet_ask_looking")
        assert second.bot_data["meetings"].draft_of(8).company == "上海某某电气"
    finally:
        await second.shutdown()


async def test_cancel_while_filling_in_sends_nothing(bot):
    await press(bot, "meet:co:avio")
    asked = last_to(bot, 7)
    await press(bot, data_of(asked, text("it", "meet_cancel")))
    assert last_edit(bot, 7)["text"] == text("it", "meet_draft_cancelled")
    assert bot.bot_data["tickets"].active() == []
    await say(bot, "Chi è Hans Song?")
    reply = last_to(bot, 7)
    assert "Messe Stuttgart" in reply["text"]  # typed words are questions again


async def test_without_a_staff_chat_the_delegate_is_told_whom_to_contact(shared_settings, assistant,
                                                                         tmp_path):
    app = make_bot(shared_settings, assistant, Store(tmp_path / "db.sqlite3"), staff_chat_id=None,
                   organiser_contact="info@example.org")
    await app.initialize()
    try:
        await app.process_update(callback_update(app, "meet:co:avio", sender=GIULIA))
        assert last_to(app, 7)["text"] == text("it", "meet_no_staff", contact="\ninfo@example.org")
    finally:
        await app.shutdown()


async def test_organisers_see_requests_per_enterprise_and_sector_and_a_safe_csv(bot):
    await request_avio(bot)
    await say(bot, "我想见一家新能源汽车企业", sender=LI)
    await press(bot, "meet:sec:new-energy-vehicles", sender=LI)
    await fill_in(bot, LI, "zh", company="=HYPERLINK(\"http://x\")")
    await say(bot, "/meetings", sender=ORGANISER)
    overview = last_to(bot, 900)["text"]
    assert "<b>Meeting requests</b>: 2 (requested 2)" in overview
    assert "• Avio: 1" in overview and "• (any enterprise): 1" in overview
    assert "• New energy vehicles: 1" in overview
    await say(bot, "/meetings csv", sender=ORGANISER)
    rows = list(csv.reader(io.StringIO(bot.request.files_sent[-1].decode())))
    assert rows[0][:4] == ["id", "status", "enterprise", "sector"]
    companies = [row[7] for row in rows[1:]]
    assert companies == ["Rossi Meccanica S.r.l.", "'=HYPERLINK(\"http://x\")"]


async def test_stats_show_the_meeting_requests_in_the_organisers_language(bot):
    italian = user(user_id=900, lang="it", name="Olga")
    await say(bot, "/stats", sender=italian)
    before = last_to(bot, 900)["text"]
    assert before.startswith("📊 <b>Domande</b>") and before.endswith(staff_text("it", "meetings_empty"))
    await request_avio(bot)
    await say(bot, "我想见一家新能源汽车企业", sender=LI)
    await press(bot, "meet:sec:new-energy-vehicles", sender=LI)
    await fill_in(bot, LI, "zh")
    await say(bot, "/stats", sender=italian)
    stats = [p["text"] for p in bot.request.sent() if p.get("chat_id") == 900][-1]
    assert stats.startswith("📊 <b>Domande</b>")
    section = stats[stats.index("🤝"):]
    assert section.startswith("🤝 <b>Richieste d'incontro</b>: 2 (richiesta 2)"), section
    assert "<b>Per impresa</b>\n• Avio: 1\n• (qualsiasi impresa): 1" in section
    assert "<b>Per settore</b>\n" in section and "• Veicoli a nuova energia: 1" in section
    assert bot.request.named("sendPhoto")  # the chart still follows


# --- deep links and QR codes ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en", "it"])
async def test_a_language_deep_link_starts_the_bot_in_that_language(bot, lang):
    sender = user(user_id=40, lang="en", name="Ada")
    await say(bot, f"/start {lang}", sender=sender)
    assert last_to(bot, 40)["text"].startswith(text(lang, "welcome", name=text(lang, "name_comma") + "Ada"))
    assert bot.bot_data["store"].language(40) == lang
    await say(bot, "/help", sender=sender)
    assert last_to(bot, 40)["text"] == text(lang, "help")


async def test_a_screen_deep_link_opens_it_after_the_welcome(bot):
    await say(bot, "/start it-agenda")
    agenda = last_to(bot, 7)
    assert text("it", "agenda_title") in agenda["text"]
    await say(bot, "/start enterprises", sender=LI)
    assert text("zh", "enterprises_title") in last_to(bot, 8)["text"]
    await say(bot, "/start zh-meet_avio", sender=user(user_id=41, lang="it"))
    assert last_to(bot, 41)["text"] == text("zh", "meet_ask_company", target="Avio")


@pytest.mark.parametrize("payload", ["nonsense", "meet_nobody", "xx-agenda", "a" * 80])
async def test_a_stale_or_mistyped_deep_link_still_starts_the_bot(bot, payload):
    await say(bot, f"/start {payload}")
    assert last_to(bot, 7)["text"].startswith(text("it", "welcome", name=text("it", "name_comma") + "Giulia"))
    assert bot.bot_data["store"].language(7) is None


async def test_qr_gives_organisers_a_png_per_language_with_the_bots_username(bot):
    await say(bot, "/qr", sender=ORGANISER)
    documents = bot.request.named("sendDocument")
    assert len(documents) == 3 and bot.request.named("getMe")
    links = [decode_qr(content) for content in bot.request.files_sent[-3:]]
    username = BOT_USER["username"]
    assert links == [f"https://t.me/{username}?start={lang}" for lang in ("zh", "en", "it")]
    assert [d.params["caption"] for d in documents] == [
        staff_text("en", "qr_caption", language=name, link=link)
        for name, link in zip(("Chinese", "English", "Italian"), links, strict=True)
    ]
    await say(bot, "/qr meet_avio", sender=ORGANISER)
    assert decode_qr(bot.request.files_sent[-1]) == f"https://t.me/{username}?start=it-meet_avio"


async def test_qr_explains_its_screens_and_refuses_delegates(bot):
    await say(bot, "/qr posters", sender=ORGANISER)
    usage = last_to(bot, 900)["text"]
    assert usage.startswith("Send /qr") and "agenda" in usage and "meet_avio" in usage
    await say(bot, "/qr")
    assert last_to(bot, 7)["text"] == text("it", "admin_only")
    assert not bot.request.named("sendDocument")


async def test_a_request_started_in_a_group_continues_in_the_private_chat(bot):
    await say(bot, "@delegate_bot vorrei incontrare Avio", chat_type="group", chat_id=-55)
    answer = last_to(bot, -55)
    await press(bot, data_of(answer, text("it", "meet_button")), chat_id=-55)
    assert last_to(bot, 7)["text"] == text("it", "meet_ask_company", target="Avio")
    meeting = await fill_in(bot, GIULIA, "it")
    assert meeting.status is MeetingStatus.REQUESTED and meeting.chat_id == 7


async def test_staff_reply_in_the_requests_topic_reaches_the_delegate(bot):
    meeting = await request_avio(bot)
    ticket = bot.bot_data["tickets"].get(meeting.ticket_id)
    await handoff_tests.staff_reply(bot, ticket, "Avio will be at stand 12 all morning.")
    relayed = last_to(bot, 7)
    assert relayed["text"].startswith(text("it", "handoff_staff_says", name="Anna"))
    assert "Avio will be at stand 12 all morning." in relayed["text"]
    assert bot.bot_data["tickets"].get(ticket.id).status is Status.CLAIMED  # replying claims it


async def test_a_meeting_asked_with_an_unknown_question_offers_both_the_request_and_the_staff(bot):
    """"Come posso incontrare Avio e quanto costa?": the meeting can be requested, the fee (not
    published) can go to a staff member, and both answers are in the one reply."""
    await say(bot, "Come posso incontrare Avio e quanto costa la partecipazione?")
    answer = last_to(bot, 7)
    assert "Avio" in answer["text"] and "/human" in answer["text"]
    data = [data for _, data in buttons(answer)]
    assert "meet:co:avio" in data
    assert any(item.startswith("human:") for item in data), data
