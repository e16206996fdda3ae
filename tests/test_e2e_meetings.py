"""End to end over real HTTP: meeting requests from delegates (it, zh) handled in the staff
group, deep links that start the bot in a language or on a screen, and organisers' QR codes.
Same emulator and bridge as tests/test_e2e.py (the bridge keeps the files the bot sends)."""

import pytest

from bot.core import Assistant
from bot.texts import staff_text, text
from tests.conftest import decode_qr
from tests.harness.fixtures import start_bot

STAFF_CHAT = -100_700
STAFF_ID, ORGANISER_ID = 510, 910


@pytest.fixture
async def staffed_bot(emulator, ingested_settings):
    settings = ingested_settings.model_copy(update={
        "staff_chat_id": STAFF_CHAT, "staff_ids": [STAFF_ID], "admin_ids": [ORGANISER_ID],
    })
    async with start_bot(emulator, settings, Assistant(settings)) as bot:
        yield bot


def staff_member(bot):
    return bot.delegate(user_id=STAFF_ID, first_name="Anna", language_code="en",
                        chat_id=STAFF_CHAT, chat_type="supergroup", chat_title="Staff")


async def fill_in(delegate, lang, company):
    """Type the company, press what they look for and the time; the summary, then "Send"."""
    await delegate.send(company)
    looking = await delegate.wait_for(lambda m: m.text == text(lang, "meet_ask_looking"))
    await delegate.press(text(lang, "meet_look_technology"), looking)
    slot = await delegate.wait_for(lambda m: m.text == text(lang, "meet_ask_slot"))
    await delegate.press(text(lang, "meet_slot_afternoon"), slot)
    summary = await delegate.wait_for(lambda m: company in m.text)
    await delegate.press(text(lang, "meet_send"), summary)
    return await delegate.wait_for(lambda m: m.text.startswith("✅") and "#" in m.text)


async def test_an_italian_request_is_confirmed_by_staff_then_cancelled(staffed_bot):
    giulia = staffed_bot.delegate(language_code="it", first_name="Giulia")
    anna = staff_member(staffed_bot)
    answer = await giulia.ask("Vorrei incontrare Avio")
    assert answer.text.startswith("🤝") and "Avio" in answer.text
    await giulia.press(text("it", "meet_button"), answer)
    asked = await giulia.reply()
    assert asked.text == text("it", "meet_ask_company", target="Avio")
    sent = await fill_in(giulia, "it", "Rossi Meccanica")
    number = int(sent.text.split("#")[1].split()[0])
    assert sent.text == text("it", "meet_sent", number=number)

    card = await anna.wait_for(lambda m: "Meeting request with: Avio" in m.text)
    for shown in ("Rossi Meccanica", "Technology cooperation", "Afternoon", "language: Italian"):
        assert shown in card.text
    await anna.press(staff_text("en", "meeting_confirm"), card)
    confirmed = await giulia.wait_for(lambda m: m.text.startswith("✅ Il Suo incontro"))
    assert confirmed.text == text("it", "meet_confirmed", number=number, target="Avio", time="Pomeriggio")
    await anna.wait_for_edit(card, lambda m: "resolved" in m.text)

    await giulia.command("/meetings")
    listed = await giulia.reply()
    assert f"#{number} Avio — confermato: Pomeriggio" in listed.text
    await giulia.press(f"{text('it', 'meet_cancel')} #{number}", listed)
    cancelled = await giulia.wait_for_edit(listed)
    assert cancelled.text == text("it", "meet_cancelled", number=number)
    notice = staff_text("en", "meeting_cancelled", number=number)
    assert await anna.wait_for(lambda m: m.text == notice, since=0)


async def test_from_an_enterprise_card_staff_propose_a_time_and_the_delegate_accepts(staffed_bot):
    li = staffed_bot.delegate(language_code="zh", first_name="小李")
    anna = staff_member(staffed_bot)
    await li.command("/enterprises")
    menu = await li.reply()
    lishui = next(b for b in menu.buttons if b.text.startswith("溧水企业"))
    await li.press(lishui.text, menu)
    side = await li.wait_for_edit(menu)
    await li.press("开沃新能源汽车集团（Kaiwu）", side)
    company = await li.wait_for_edit(side)
    await li.press(text("zh", "meet_button"), company)
    assert (await li.reply()).text.startswith("🤝 会面申请：开沃新能源汽车集团")
    sent = await fill_in(li, "zh", "南京某某科技")
    number = int(sent.text.split("#")[1].split()[0])

    card = await anna.wait_for(lambda m: "Meeting request with: Kaiwu" in m.text, since=0)
    assert "language: Chinese" in card.text and "Lishui enterprises" in card.text
    await anna.press(staff_text("en", "meeting_propose"), card)
    times = await anna.wait_for(lambda m: m.text == staff_text("en", "meeting_pick_time", number=number),
                                since=0)
    await anna.press("14:00", times)
    offer = await li.wait_for(lambda m: "14:00" in m.text)
    assert offer.text == text("zh", "meet_proposed", number=number, target="开沃新能源汽车集团（Kaiwu）",
                              time="14:00")
    await li.press(text("zh", "meet_accept"), offer)
    accepted = await li.wait_for_edit(offer)
    assert accepted.text.startswith("✅ 您与开沃新能源汽车集团（Kaiwu）的会面")
    notice = staff_text("en", "meeting_accepted", number=number, time="14:00")
    assert await anna.wait_for(lambda m: m.text == notice, since=0)

    answer = await li.ask("Hans Song 是谁？")  # questions are answered, not relayed to the staff
    assert "Messe Stuttgart" in answer.text or "斯图加特" in answer.text


@pytest.mark.parametrize(("payload", "lang", "screen"), [
    ("it", "it", None), ("zh-agenda", "zh", "agenda_title"), ("en-invest", "en", "invest_title"),
])
async def test_deep_links_start_in_a_language_and_on_a_screen(running_bot, payload, lang, screen):
    delegate = running_bot.delegate(language_code="en", first_name="Ada")
    await delegate.command(f"/start {payload}")
    welcome = await delegate.reply()
    assert welcome.text.startswith(text(lang, "welcome", name=text(lang, "name_comma") + "Ada"))
    if screen:
        shown = await delegate.wait_for(lambda m: m.message_id > welcome.message_id)
        assert text(lang, screen) in shown.text
    await delegate.command("/help")
    assert (await delegate.reply()).text == text(lang, "help")


async def test_qr_codes_for_posters_open_the_bot_in_each_language(staffed_bot):
    olga = staffed_bot.delegate(user_id=ORGANISER_ID, first_name="Olga", language_code="en")
    await olga.command("/qr")
    await olga.wait_for(lambda m: m.text.startswith("Italian: "))
    username = staffed_bot.application.bot.username
    files = staffed_bot.files_sent()
    assert [f.filename for f in files] == ["qr-zh.png", "qr-en.png", "qr-it.png"]
    assert [decode_qr(f.content) for f in files] == [
        f"https://t.me/{username}?start={lang}" for lang in ("zh", "en", "it")
    ]
    assert staffed_bot.calls("getMe")
    await olga.command("/qr agenda")
    await olga.wait_for(lambda m: m.text.startswith("Italian: ") and "agenda" in m.text)
    assert decode_qr(staffed_bot.files_sent()[-1].content) == f"https://t.me/{username}?start=it-agenda"
