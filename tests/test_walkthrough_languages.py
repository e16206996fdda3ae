"""Issue 11: an organiser and a staff member who use the bot in Chinese or Italian see no English.

A walkthrough through real python-telegram-bot objects (fast: recorded Bot API calls) of their
commands (/help, /stats, /gaps, /kb, uploads with several problems, a refused .zip, an unsupported
file, /rollback's confirmation, /queue, /reply, /note), then every text they were sent is checked:
after removing what is not language (commands, file names, field names of the knowledge format,
people's names, numbers, emoji), no common English word is left and no piece of the English
catalogue appears that their own catalogue does not have too.
"""

import re

import pytest

from bot import index
from bot.knowledge import KnowledgeError
from bot.publishing import Publisher
from bot.storage import Store
from bot.texts import STAFF_TEXTS, staff_text
from tests.conftest import entry_text
from tests.telegram_fakes import callback_update, document_update, user
from tests.test_organiser_tools import zip_of
from tests.test_staff_tools import staff_command
from tests.test_telegram_handoff import GIULIA, STAFF_CHAT, escalate_after_abstention, make_bot, say

ORGANISER_ID = 900

# Words of the English catalogue that would show a leak (the format's field names are not here:
# they are what the organiser writes in a file, like command names).
ENGLISH = frozenset(
    """the and not are was were has have had with for this that from into than then there their what
    which when where while who will would should could can cannot must been being about after before
    only also just more most some such every each other again still yet none nothing anything file
    files line lines text texts send sent upload uploaded archive inside outside points refused
    larger limit document documents entry entries publish published version versions question answer
    answers ticket tickets open claimed waiting delegate delegates staff reply replies saved usage added
    changed removed unchanged chunks knowledge base roll back undo cancel cancelled problem problems
    valid expected mapping allowed here required date list value front matter missing language
    languages must one nobody yet waiting organiser organisers approve reject help commands command
    unanswered statistics per day asked rate top chart minutes median slowest opened resolved"""
    .split()
)
NAMES = ("Olga", "Anna", "Giulia", "Wi-Fi")
FORMAT_WORDS = ("id", "lang", "topic", "title", "source", "updated", "kind", "questions", "replaces", "YAML",
                "UTF-8", "zip")
NOT_LANGUAGE = [
    re.compile(r"<[^>]+>"),  # HTML tags
    re.compile(r"/[a-z_]+"),  # commands
    re.compile(r"[\w./-]+\.(?:md|yaml|yml|zip|png|txt|pdf|docx|csv|markdown)\b"),  # file names
    re.compile(r"\b(?:" + "|".join(re.escape(w) for w in (*NAMES, *FORMAT_WORDS)) + r")\b"),
    re.compile(r"\d+"),
]


ALSO_ITALIAN = {"zh": frozenset(), "it": frozenset({"per", "staff", "file", "ticket"})}


def leaked_words(said: str, lang: str = "zh", quoted: tuple[str, ...] = ()) -> set[str]:
    """The common English words left in `said` once what is not language is taken out (and the
    `quoted` words of a delegate, shown as they wrote them)."""
    for words in quoted:
        said = said.replace(words, " ")
    for pattern in NOT_LANGUAGE:
        said = pattern.sub(" ", said)
    words = re.findall(r"[A-Za-z]{3,}", said)
    return {word for word in words if word.lower() in ENGLISH - ALSO_ITALIAN[lang]}


def english_pieces(lang: str) -> list[str]:
    """Runs of three or more words of the English staff texts that the `lang` catalogue lacks."""
    own = " ".join(STAFF_TEXTS[lang].values())
    pieces = []
    for english in STAFF_TEXTS["en"].values():
        for piece in re.split(r"\{[^}]*\}|<[^>]+>|[\n•·:;()“”«»]", english):
            piece = piece.strip(" ,.!?…'\"")
            if len(re.findall(r"[A-Za-z]{2,}", piece)) >= 3 and piece not in own:
                pieces.append(piece)
    return pieces


def test_the_checker_finds_english():
    english = staff_text("en", "upload_problems", count=2, problems="dinner.md:3: topic 'sports'")
    assert leaked_words(english) >= {"The", "upload", "nothing", "changed"}
    assert any(piece in english for piece in english_pieces("zh"))
    chinese = staff_text("zh", "upload_problems", count=2, problems="dinner.md:3: topic 'sports'")
    assert not leaked_words(chinese) and not any(piece in chinese for piece in english_pieces("zh"))


async def organiser_walkthrough(app, organiser):
    async def command(words):
        await say(app, words, sender=organiser)

    async def upload(name, content):
        await app.process_update(document_update(app, app.request, name, content, sender=organiser))

    for words in ("/help", "/stats", "/gaps", "/kb", "/drafts", "/announce", "/qr nowhere", "/meetings"):
        await command(words)
    several = entry_text("dinner", "de", "Body", title="[a, list]").replace("topic: event", "topic: sports")
    await upload("dinner.md", several.replace("updated: 2026-11-25\n", "").encode())
    await upload("agenda.yaml", b"event:\n  name: {en: Only one}\nitems: []\n")
    await upload("menu.yaml", b"items:\n\t- a\n")
    await upload("venue.yaml", b"name: Hall\naddress: [unclosed\n")
    await upload("pack.zip", zip_of({"../escape.md": b"x", "inner.zip": b"PK", "bomb.txt": b"a" * 2_000_000}))
    await upload("photo.png", b"\x89PNG")
    await upload("broken.pdf", b"%PDF-1.4 not really")
    await command("/rollback")
    await app.process_update(callback_update(app, "rb:drop:1", sender=organiser))
    await command("/savereply wifi")


async def knowledge_broken_by_hand(app, organiser):
    """A hand edit breaks a file; the next ingest refuses it and /kb lists the problems."""
    settings = app.bot_data["settings"]
    (settings.knowledge_dir / "entries" / "event-date.en.md").write_text("---\nid: event-date\n---\n")
    with pytest.raises(KnowledgeError):
        index.ingest(settings)
    await say(app, "/kb", sender=organiser)


async def staff_walkthrough(app):
    async def in_staff_chat(words, ticket=None):
        await staff_command(app, words, ticket)

    await in_staff_chat("/help")
    await in_staff_chat("/queue")
    ticket = await escalate_after_abstention(app)
    for words in ("/queue", "/reply", "/reply parking", "/note"):
        await in_staff_chat(words, ticket)
    await in_staff_chat("/note no ticket meant")


@pytest.mark.parametrize("lang", ["zh", "it"])
async def test_organiser_and_staff_screens_have_no_english(ingested_settings, assistant, tmp_path, lang):
    app = make_bot(ingested_settings, assistant, Store(tmp_path / "bot.sqlite3"), staff_language=lang)
    organiser = user(user_id=ORGANISER_ID, lang=lang, name="Olga")
    Publisher(app.bot_data["settings"]).add_files(
        {"entries/lunch.en.md": entry_text("lunch", "en", "Lunch is at noon.")}, "Olga", "lunch.md"
    )  # a publish for /rollback to offer undoing
    await app.initialize()
    try:
        await organiser_walkthrough(app, organiser)
        await staff_walkthrough(app)
        await knowledge_broken_by_hand(app, organiser)
    finally:
        await app.shutdown()
    ours = (ORGANISER_ID, STAFF_CHAT)
    calls = [call.params for call in app.request.calls if call.params.get("chat_id") in ours]
    said = [p.get("text") or p.get("caption") for p in calls if p.get("text") or p.get("caption")]
    alerts = [c.params["text"] for c in app.request.named("answerCallbackQuery") if c.params.get("text")]
    screens = [*said, *alerts]
    assert len(screens) >= 20, screens  # every command answered
    problems = "\n".join(screens)
    for shown in ("dinner.md:1", "dinner.md:3", "dinner.md:4", "dinner.md:5", "agenda.yaml:2",
                  "agenda.yaml:3", "menu.yaml:2", "venue.yaml:2", "../escape.md", "inner.zip", "bomb.txt",
                  "photo.png", "broken.pdf", "entries/event-date.en.md:1"):
        assert shown in problems, shown  # every problem listed at once, with file and line
    delegate = [p["text"] for p in app.request.sent() if p.get("chat_id") == GIULIA["id"]]
    question = "Qual è la password del Wi-Fi?"  # what the delegate wrote, shown as written
    quoted = tuple(line for said in [question, *delegate] for line in said.splitlines())
    leaks = {screen: leaked_words(screen, lang, quoted) for screen in screens}
    assert not any(leaks.values()), leaks
    pieces = english_pieces(lang)
    copied = {screen: [piece for piece in pieces if piece in screen] for screen in screens}
    assert not any(copied.values()), copied
