"""Issue 11: every role sees its own commands in Telegram's menu, in zh, en and it (fast: the
Bot API calls of the start-up are recorded)."""

import pytest

from bot import LANGUAGES
from bot.storage import Store
from bot.telegram.app import publish_commands
from bot.telegram.delegates import COMMANDS
from bot.texts import staff_text, text
from tests.telegram_fakes import callback_update, message_update, user
from tests.test_telegram_handoff import STAFF_CHAT, make_bot

STAFF_MENU = ["help", "queue", "claim", "resolve", "reply", "note", "editdraft"]
ORGANISER_ONLY = {"reload", "kb", "rollback", "drafts", "editdraft", "stats", "gaps", "announce", "qr",
                  "savereply"}


@pytest.fixture
async def started(shared_settings, assistant, tmp_path):
    """A bot with a staff chat (in Italian) and organiser 900, after its start-up menus."""
    app = make_bot(shared_settings, assistant, Store(tmp_path / "bot.sqlite3"), staff_language="it")
    await app.initialize()
    await publish_commands(app)
    yield app
    await app.shutdown()


def menus(app):
    """(scope type, chat id, language code) → [(command, description)] of every setMyCommands."""
    found = {}
    for call in app.request.named("setMyCommands"):
        scope = call.params["scope"]
        key = (scope["type"], scope.get("chat_id"), call.params.get("language_code"))
        found[key] = [(c["command"], c["description"]) for c in call.params["commands"]]
    return found


async def test_each_scope_gets_its_commands_in_each_language(started):
    published = menus(started)
    codes = [None, *LANGUAGES]
    assert set(published) == {(kind, chat, code) for kind, chat in
                              [("default", None), ("chat", STAFF_CHAT), ("chat", 900)] for code in codes}
    for code in codes:
        lang = code or "en"
        assert published[("default", None, code)] == [(c, text(lang, f"cmd_{c}")) for c in COMMANDS]
        staff_lang = code or "it"  # the staff chat's language for other clients
        assert published[("chat", STAFF_CHAT, code)] == [
            (c, staff_text(staff_lang, f"cmd_staff_{c}")) for c in STAFF_MENU
        ]
        organiser = dict(published[("chat", 900, code)])
        assert ORGANISER_ONLY | set(COMMANDS) == set(organiser)
        assert organiser["reload"] == staff_text(lang, "cmd_reload")
        assert organiser["meetings"] == staff_text(lang, "cmd_meetings")  # the overview, not "my requests"
        assert organiser["agenda"] == text(lang, "cmd_agenda")
    assert published[("chat", STAFF_CHAT, "zh")][1] == ("queue", "未关闭的工单，等待最久的在前")


async def test_an_organiser_choosing_a_language_keeps_their_menu(started):
    before = len(started.request.named("setMyCommands"))
    organiser = user(user_id=900, lang="en", name="Olga")
    await started.process_update(message_update(started, "/lang", sender=organiser))
    await started.process_update(callback_update(started, "lang:zh", sender=organiser))
    assert len(started.request.named("setMyCommands")) == before
    delegate = user(user_id=7, lang="en", name="Giulia")
    await started.process_update(callback_update(started, "lang:it", sender=delegate))
    scoped = started.request.named("setMyCommands")[-1].params
    assert scoped["scope"] == {"type": "chat", "chat_id": 7}
    assert scoped["commands"][0]["description"] == text("it", "cmd_start")


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_delegates_help_lists_meetings(started, lang):
    assert "/meetings" in text(lang, "help") and "/venue" in text(lang, "help")
    await started.process_update(message_update(started, "/help", sender=user(user_id=11, lang=lang)))
    assert started.request.sent()[-1]["text"] == text(lang, "help")
