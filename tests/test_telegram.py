"""The Telegram layer, fast: real `Update` objects through `Application.process_update`,
with every outgoing Bot API call recorded."""

import html
import time

import pytest

from bot.storage import Store
from bot.telegram.app import build_application, publish_commands
from bot.telegram.delegates import COMMANDS
from bot.telegram.limits import split_html
from bot.texts import text
from tests.conftest import unsure_model
from tests.telegram_fakes import (
    BOT_ID,
    RecordingRequest,
    buttons,
    callback_update,
    message_update,
    user,
)


@pytest.fixture
async def bot(shared_settings, assistant, tmp_path):
    request = RecordingRequest()
    settings = shared_settings.model_copy(
        update={"telegram_bot_token": "123:TEST", "rate_limit_per_minute": 5}
    )
    store = Store(tmp_path / "bot.sqlite3")
    app = build_application(
        settings, assistant, store, request=request, get_updates_request=RecordingRequest()
    )
    await app.initialize()
    app.request = request  # type: ignore[attr-defined]
    yield app
    await app.shutdown()


async def send(app, *args, **kwargs):
    await app.process_update(message_update(app, *args, **kwargs))
    return app.request.sent()[-1]


async def press(app, data, **kwargs):
    await app.process_update(callback_update(app, data, **kwargs))


async def test_start_welcomes_in_the_client_language_with_a_picker(bot):
    sent = await send(bot, "/start", sender=user(lang="it-IT", name="Giulia"))
    assert sent["text"].startswith("Benvenuto/a, Giulia!")  # no gender assumed
    chinese = await send(bot, "/start", sender=user(user_id=2, lang="zh", name="王伟"))
    assert chinese["text"].startswith("欢迎，王伟！")
    assert text("it", "privacy") in sent["text"]
    assert [data for _, data in buttons(sent)] == ["lang:zh", "lang:en", "lang:it"]


async def test_language_choice_is_remembered(bot):
    await send(bot, "/start", sender=user(lang="en"))
    await press(bot, "lang:zh")
    edited = bot.request.named("editMessageText")[-1].params
    assert edited["text"].startswith(text("zh", "language_set"))
    scoped = bot.request.named("setMyCommands")[-1].params
    assert scoped["scope"]["type"] == "chat"
    assert scoped["commands"][0]["description"] == text("zh", "cmd_start")
    sent = await send(bot, "/help")
    assert sent["text"] == text("zh", "help")


async def test_command_menu_is_published_in_three_languages(bot):
    await publish_commands(bot)
    calls = bot.request.named("setMyCommands")
    assert {call.params.get("language_code") for call in calls} == {None, "zh", "en", "it"}
    assert all(len(call.params["commands"]) == len(COMMANDS) for call in calls)


async def test_free_text_gets_an_answer_with_sources_and_votes(bot):
    sent = await send(bot, "Who is Hans Song?")
    assert "Messe Stuttgart" in sent["text"]
    assert sent["parse_mode"] == "HTML" and "📄 Source:" in sent["text"]
    labels = [label for label, _ in buttons(sent)]
    assert labels == ["👍", "👎"]
    assert bot.request.named("sendChatAction") == []  # instant: no typing indicator needed


async def test_a_slow_answer_shows_typing_while_it_works(bot, assistant, monkeypatch):
    answer_now = assistant.ask

    def slow(question, context=None):
        time.sleep(1.5)  # longer than TYPING_AFTER (1 s): the delegate would wonder
        return answer_now(question, context)

    monkeypatch.setattr(assistant, "ask", slow)
    sent = await send(bot, "Who is Hans Song?")
    assert "Messe Stuttgart" in sent["text"]
    assert bot.request.named("sendChatAction")[0].params["action"] == "typing"


async def test_votes_are_stored_and_only_for_the_own_answer(bot):
    sent = await send(bot, "Where is the docking meeting held?")
    up = buttons(sent)[0][1]
    await press(bot, up, sender=user(user_id=2))
    assert bot.request.named("answerCallbackQuery")[-1].params["text"] == text("en", "vote_not_yours")
    await press(bot, up)
    assert bot.request.named("answerCallbackQuery")[-1].params["text"] == text("en", "vote_thanks")
    store = bot.bot_data["store"]
    assert store.query("SELECT value, user_id FROM votes")[0][:] == (1, 1)


async def test_a_gap_answer_offers_staff_and_the_menu_that_fits_it(bot):
    wifi = await send(bot, "Qual è la password del Wi-Fi?", sender=user(lang="it"))
    assert "staff" in wifi["text"].lower()
    assert [data.split(":")[0] for _, data in buttons(wifi)] == ["human"]  # no menu says more
    room = await send(bot, "Which room is the meeting in?")
    assert [data for _, data in buttons(room)][1:] == ["menu:agenda"]
    money = await send(bot, "How much money have European companies invested in Lishui?")
    assert [label for label, _ in buttons(money)][1:] == [text("en", "browse_invest")]
    await press(bot, "menu:invest")
    assert text("en", "invest_title") in bot.request.sent()[-1]["text"]
    unknown = await send(bot, "Who painted the Mona Lisa?")
    assert [data.split(":")[0] for _, data in buttons(unknown)] == ["human", "menu"]


async def test_a_tentative_answer_also_offers_a_staff_member(bot, assistant, monkeypatch):
    sure = await send(bot, "开沃是哪里的企业？", sender=user(lang="zh"))
    assert [data.split(":")[0] for _, data in buttons(sure)] == ["vote", "vote"]
    monkeypatch.setattr(assistant.retriever, "model", unsure_model())
    sent = await send(bot, "开沃是哪里的企业？", sender=user(lang="zh"))
    assert [data.split(":")[0] for _, data in buttons(sent)] == ["vote", "vote", "human"]


async def test_a_greeting_is_returned_with_the_agenda_at_hand(bot):
    sent = await send(bot, "Buongiorno!", sender=user(lang="en"))
    assert sent["text"] == html.escape(text("it", "greeting"))
    assert [data for _, data in buttons(sent)] == ["menu:agenda"]


async def test_answer_html_is_escaped(bot, assistant, monkeypatch):
    from bot.answer import Answer, Reason

    def fake_ask(question, context=None):
        return Answer("a < b & <b>not bold</b>", "en", Reason.ANSWERED)

    monkeypatch.setattr(assistant, "ask", fake_ask)
    sent = await send(bot, "anything")
    assert sent["text"] == "a &lt; b &amp; &lt;b&gt;not bold&lt;/b&gt;"


def test_long_answers_are_split_cleanly():
    long = "\n\n".join(f"Paragraph {n} " + "word " * 300 for n in range(6))
    parts = split_html(long)
    assert len(parts) > 1 and all(len(part) <= 4096 for part in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(long.split())


async def test_agenda_and_invest_and_enterprise_browser(bot):
    agenda = await send(bot, "/agenda", sender=user(lang="zh"))
    assert "议程" in agenda["text"] and text("zh", "time_unknown") in agenda["text"]
    invest = await send(bot, "/invest", sender=user(lang="it"))
    assert "Brembo" in invest["text"]
    root = await send(bot, "/enterprises")
    sides = [data for _, data in buttons(root)]
    assert "ent:side:europe" in sides and "ent:side:lishui" in sides
    await press(bot, "ent:side:europe")
    europe = bot.request.named("editMessageText")[-1].params
    assert "22" in europe["text"] and ("ent:root") in [d for _, d in buttons(europe)]
    assert "ent:co:avio@side:europe" in [d for _, d in buttons(europe)]
    await press(bot, "ent:co:avio@side:europe")
    avio = bot.request.named("editMessageText")[-1].params
    assert "Avio" in avio["text"]
    assert [d for _, d in buttons(avio)] == ["meet:co:avio", "ent:side:europe"]  # « Back: to its list
    await press(bot, "ent:co:avio@group:presented")
    shown = bot.request.named("editMessageText")[-1].params
    assert [d for _, d in buttons(shown)] == ["meet:co:avio", "ent:group:presented"]


async def test_non_text_messages_get_an_explanation(bot):
    sticker = {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1, "height": 1,
               "is_animated": False, "is_video": False}
    sent = await send(bot, None, sender=user(lang="zh"), sticker=sticker)
    assert sent["text"] == text("zh", "unsupported")


async def test_groups_answer_only_when_mentioned_or_replied_to(bot):
    group = {"chat_type": "supergroup", "chat_id": -100}
    await bot.process_update(message_update(bot, "Who is Hans Song?", **group))
    assert bot.request.sent() == []
    sent = await send(bot, "@delegate_bot who is Hans Song?", **group)
    assert "Messe Stuttgart" in sent["text"]
    reply = {"message_id": 5, "date": 0, "chat": {"id": -100, "type": "supergroup"},
             "from": {"id": BOT_ID, "is_bot": True, "first_name": "Bot"}, "text": "…"}
    sent = await send(bot, "and Liu Jia?", reply_to_message=reply, **group)
    assert "Liu Jia" in sent["text"]


async def test_rate_limit_answers_politely(bot):
    for _ in range(5):
        await send(bot, "Who is Hans Song?")
    sent = await send(bot, "Who is Hans Song?")
    assert sent["text"] == text("en", "rate_limited")


async def test_forget_deletes_everything(bot):
    await send(bot, "/start")
    await press(bot, "lang:it")
    await send(bot, "Chi è Hans Song?")
    store = bot.bot_data["store"]
    assert store.language(1) == "it" and store.history(1, 5)
    sent = await send(bot, "/forget")
    assert sent["text"] == text("it", "forget_confirm")
    assert [data for _, data in buttons(sent)] == ["forget:yes", "forget:no"]
    await press(bot, "forget:no")
    assert bot.request.sent()[-1]["text"] == text("it", "forget_kept") and store.language(1) == "it"
    await press(bot, "forget:yes")
    assert bot.request.sent()[-1]["text"] == text("it", "forget_done")
    assert store.language(1) is None and store.history(1, 5) == []
    assert store.query("SELECT COUNT(*) FROM votes")[0][0] == 0


async def test_follow_up_uses_the_chat_history(bot):
    await send(bot, "Who is Francesco Guadagno?")
    sent = await send(bot, "and what did he say in his speech?")
    assert "cooperation" in sent["text"].lower()


async def test_a_failing_typing_indicator_does_not_lose_the_answer(bot):
    bot.bot_data["settings"] = bot.bot_data["settings"].model_copy(update={"typing_after": 0.0})
    bot.request.fail["sendChatAction"] = 1
    sent = await send(bot, "Who is Hans Song?")
    assert "Messe Stuttgart" in sent["text"]


async def test_typing_shows_only_when_the_rate_limit_has_room_answers_first(bot):
    bot.bot_data["settings"] = bot.bot_data["settings"].model_copy(update={"typing_after": 0.0})
    await send(bot, "Who is Hans Song?")
    assert len(bot.request.named("sendChatAction")) == 1  # a slow answer (here: any) shows typing…
    await bot.bot.rate_limiter._base_limiter.acquire(30)  # a burst: this second's 30 calls are taken
    sent = await send(bot, "Who is Hans Song?")
    assert "Messe Stuttgart" in sent["text"]
    assert len(bot.request.named("sendChatAction")) == 1  # no typing… competed with the answers


async def test_errors_are_reported_to_the_delegate_in_their_language(bot, assistant, monkeypatch):
    def broken(question, context=None):
        raise RuntimeError("index exploded")

    monkeypatch.setattr(assistant, "ask", broken)
    sent = await send(bot, "Chi è Hans Song?", sender=user(lang="it"))
    assert sent["text"] == text("it", "error")
    assert "exploded" not in sent["text"]


async def test_an_old_or_unknown_button_gets_a_notice_instead_of_a_spinner(bot):
    await press(bot, "something:from:an:old:version", sender=user(lang="zh"))
    answered = bot.request.named("answerCallbackQuery")[-1].params
    assert answered["text"] == text("zh", "button_expired") and answered["show_alert"] is True


@pytest.mark.parametrize("webhook", [None, "https://bot.example.org/hook-secret-path"])
def test_run_bot_polls_or_listens_for_webhooks(shared_settings, assistant, monkeypatch, webhook):
    from telegram.ext import Application

    from bot.telegram.app import run_bot

    started = {}
    monkeypatch.setattr(Application, "run_polling", lambda self, **kw: started.update(mode="polling", **kw))
    monkeypatch.setattr(Application, "run_webhook", lambda self, **kw: started.update(mode="webhook", **kw))
    settings = shared_settings.model_copy(
        update={"telegram_bot_token": "123:TEST", "webhook_url": webhook, "webhook_secret": "s3cret"}
    )
    run_bot(settings, assistant)
    if webhook:
        assert started["mode"] == "webhook" and started["webhook_url"] == webhook
        assert started["url_path"] == "hook-secret-path" and started["secret_token"] == "s3cret"
        assert started["port"] == settings.webhook_port
    else:
        assert started["mode"] == "polling"
