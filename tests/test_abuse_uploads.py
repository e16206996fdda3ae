"""Bad uploads and faults around the organisers' knowledge (issue 10): concurrent publishes, YAML
alias bombs, decompression bombs, malformed menu data, re-uploaded documents, interrupted version
snapshots and folder swaps, start-up recovery, failed draft approvals, full disks and lost outcomes.

Each test reproduces one catalogued defect; the heavy ones run in a child process with a time
and memory limit, so the unfixed code fails the test instead of exhausting the machine.
"""

import asyncio
import errno
import io
import json
import resource
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager, contextmanager
from pathlib import Path

import docx
import pytest

from bot import cli, index, publishing
from bot.core import Assistant
from bot.handoff import Tickets, write_draft
from bot.knowledge import KnowledgeError, load
from bot.publishing import Publisher, UploadError
from bot.storage import Store
from bot.telegram.app import build_application
from bot.texts import staff_text
from tests.conftest import ROOT, entry_text, wait_for_swap
from tests.telegram_fakes import RecordingRequest, buttons
from tests.test_telegram_admin import (
    ORGANISER,
    admin_bot,
    entry_file,
    pdf_file,
    press,
    say,
    settle,
    upload,
)
from tests.test_telegram_handoff import make_bot, press_staff, staff_reply

__all__ = ["admin_bot"]  # the fixture, shared with the organiser tests

CHILD_SECONDS = 30
CHILD_MEMORY = 2_000_000_000


def answers(assistant: Assistant) -> bool:
    """Whether the assistant answers a question of the seed knowledge from its index."""
    return "Siemens" in assistant.ask("Which German company is already established in Lishui?").text


def entry(entry_id: str, body: str, lang: str = "en") -> bytes:
    return entry_text(entry_id, lang, body, title=entry_id.replace("-", " ")).encode()


def in_child(script: str, *args: str) -> subprocess.CompletedProcess:
    """Run `script` in a fresh interpreter limited to `CHILD_SECONDS` and `CHILD_MEMORY`."""

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY, CHILD_MEMORY))

    try:
        return subprocess.run(
            [sys.executable, "-c", textwrap.dedent(script), *args],
            capture_output=True, text=True, timeout=CHILD_SECONDS, preexec_fn=limits, cwd=ROOT,
        )
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"still running after {CHILD_SECONDS} s") from exc


# --- item 2: publishing applies only its own change, under a lock -------------------------------


@pytest.mark.parametrize("replicas", [False, True], ids=["one-data-folder", "two-replicas-one-publish-dir"])
def test_two_organisers_publishing_at_the_same_moment_both_keep_their_change(settings, tmp_path, replicas):
    # on two replicas: each its own DATA_DIR, one PUBLISH_DIR; Olga previews on one, Marco on the other
    def on(replica: str) -> Publisher:
        update = {"data_dir": tmp_path / replica, "publish_dir_setting": tmp_path / "publish"}
        return Publisher(settings.model_copy(update=update) if replicas else settings)

    dinner = on("one").stage("dinner.md", entry("closing-dinner", "At the Lakeside Hall."), "Olga")
    parking = on("two").stage("parking.md", entry("parking", "Park behind the hall."), "Marco")
    start, outcomes = threading.Barrier(2), {}

    def press_publish(staged, who):
        start.wait()
        try:  # each presses Publish on the replica that did not make the preview
            outcomes[who] = on("two" if who == "Olga" else "one").publish(staged.key, who, who).number
        except UploadError as exc:  # the only acceptable failure: a clear "try again"
            outcomes[who] = str(exc)

    pairs = ((dinner, "Olga"), (parking, "Marco"))
    threads = [threading.Thread(target=press_publish, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == [1, 2], outcomes
    live = load(settings.knowledge_dir)
    assert live.get("closing-dinner", "en") and live.get("parking", "en")
    assert [v.number for v in on("one").versions()] == [1, 2]


def test_a_draft_approved_between_upload_and_publish_is_not_deleted(settings, tmp_path):
    publisher = Publisher(settings)
    staged = publisher.stage("dinner.md", entry("closing-dinner", "At the Lakeside Hall."), "Olga")
    tickets = Tickets(Store(tmp_path / "bot.sqlite3"))
    ticket = tickets.open(user_id=7, chat_id=7, delegate="Ada", language="en", question="A cloakroom?")
    versions = {"en": {"question": "Is there a cloakroom?", "answer": "Next to the entrance."}}
    draft = tickets.add_draft(ticket.id, "Is there a cloakroom?", versions, created_by="Anna")
    write_draft(draft, settings.knowledge_dir, approved_by="Olga")  # approved meanwhile
    publisher.publish(staged.key, "Olga", "upload dinner.md")
    live = load(settings.knowledge_dir)
    assert live.get(draft.entry_id, "en") and live.get("closing-dinner", "en")


def test_an_upload_previewed_before_someone_else_changed_the_same_file_is_refused(settings):
    first = Publisher(settings).stage("dinner.md", entry("closing-dinner", "At the Lakeside Hall."), "Olga")
    second = Publisher(settings).stage("dinner.md", entry("closing-dinner", "At the Garden Hall."), "Marco")
    Publisher(settings).publish(first.key, "Olga", "first")
    with pytest.raises(UploadError, match=r"changed since this upload was previewed.*send dinner\.md again"):
        Publisher(settings).publish(second.key, "Marco", "second")
    assert load(settings.knowledge_dir).get("closing-dinner", "en").body == "At the Lakeside Hall."


@contextmanager
def held(lock: Path) -> Iterator[None]:
    """`lock` held by another process while the block runs."""
    script = (
        "import sys, time; from filelock import FileLock; "
        "lock = FileLock(sys.argv[1]); lock.acquire(); print('held', flush=True); time.sleep(120)"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(lock)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        yield
    finally:
        holder.kill()
        holder.wait()


def test_a_publish_while_another_process_holds_the_lock_says_try_again(settings, monkeypatch):
    staged = Publisher(settings).stage("dinner.md", entry("closing-dinner", "At the Lakeside Hall."), "Olga")
    monkeypatch.setattr(publishing, "LOCK_WAIT", 0.5)
    with held(settings.data_dir / "knowledge.lock"), pytest.raises(UploadError, match="try again"):
        Publisher(settings).publish(staged.key, "Olga", "busy")
    Publisher(settings).publish(staged.key, "Olga", "again")  # still waiting, and now it goes through
    assert load(settings.knowledge_dir).get("closing-dinner", "en")


@asynccontextmanager
async def organiser_bot(settings, database: Path, admins=(900,)) -> AsyncIterator:
    """The bot started as in production (its start-up job included), with recorded Bot API calls."""
    settings = settings.model_copy(update={"telegram_bot_token": "123:TEST", "admin_ids": list(admins)})
    request = RecordingRequest()
    app = build_application(settings, Assistant(settings), Store(database), request=request,
                            get_updates_request=RecordingRequest())
    app.request = request
    await app.initialize()
    await app.start()
    try:
        yield app
    finally:
        await app.stop()
        await app.shutdown()


async def test_two_organisers_press_publish_at_once_in_telegram(ingested_settings, tmp_path):
    marco = {**ORGANISER, "id": 901, "first_name": "Marco"}
    async with organiser_bot(ingested_settings, tmp_path / "bot.sqlite3", admins=(900, 901)) as bot:
        first = await upload(bot, "dinner.md", entry_file())
        second = await upload(bot, "parking.md", entry("parking", "Park behind the hall."), sender=marco)
        publish_first, publish_second = buttons(first)[0][1], buttons(second)[0][1]
        await asyncio.gather(press(bot, publish_first), press(bot, publish_second, sender=marco))
        await settle(bot, "✅ Published dinner.md")
        await settle(bot, "✅ Published parking.md")
        assert not any("no longer waiting" in p.get("text", "") for p in bot.request.sent())
    live = load(ingested_settings.knowledge_dir)
    assert live.get("closing-dinner", "en") and live.get("parking", "en")


# --- item 3: YAML alias bombs -------------------------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    names = "abcdefghijklmnop"
    lines = [f"{names[0]}: &{names[0]} [x, x, x, x, x, x, x, x, x]"]
    for level in range(1, levels):
        alias = ", ".join([f"*{names[level - 1]}"] * 9)
        lines.append(f"{names[level]}: &{names[level]} [{alias}]")
    return "\n".join(lines) + "\n"


BOMB_SCRIPT = """
    import json, sys
    from pathlib import Path
    from bot.config import Settings
    from bot.knowledge import KnowledgeError, load
    from bot.publishing import Publisher
    base = Path(sys.argv[1])
    settings = Settings(_env_file=None, knowledge_dir=base / "knowledge", data_dir=base / "data")
    found = {}
    for name in sys.argv[2:]:
        try:
            Publisher(settings).stage(name, (base / name).read_bytes(), "Olga")
        except KnowledgeError as exc:
            found[name] = [str(p) for p in exc.problems]
    (base / "knowledge" / "data" / "bomb.yaml").write_bytes((base / "bomb.yaml").read_bytes())
    try:
        load(base / "knowledge")  # what a restart's ingest reads first
    except KnowledgeError as exc:
        found["restart"] = [str(p) for p in exc.problems]
    print(json.dumps(found))
"""


def test_yaml_alias_bombs_are_refused_at_once_in_uploads_and_at_restart(settings, tmp_path):
    assert settings.knowledge_dir == tmp_path / "knowledge"
    bomb = alias_bomb()
    (tmp_path / "bomb.yaml").write_text(bomb)
    front = "id: bomb\nlang: en\ntopic: event\nsource: s\nupdated: 2026-11-25\n" + bomb + "title: *i\n"
    (tmp_path / "bomb.md").write_text(f"---\n{front}---\nBody.\n")
    assert len(bomb) < 400 and len((tmp_path / "bomb.md").read_bytes()) < 520
    before = sorted(p.name for p in (tmp_path / "knowledge").rglob("*"))
    started = time.perf_counter()
    child = in_child(BOMB_SCRIPT, str(tmp_path), "bomb.yaml", "bomb.md")
    assert child.returncode == 0, child.stderr[-2000:]
    assert time.perf_counter() - started < CHILD_SECONDS
    found = json.loads(child.stdout)
    refused = "anchors and aliases (&name, *name) are not allowed"
    assert found["bomb.yaml"] == [f"bomb.yaml:1: not valid YAML: {refused}"]
    assert found["bomb.md"] == [
        f"bomb.md:7: front matter is not valid YAML: {refused}"
    ]
    assert any("data/bomb.yaml:1: not valid YAML: anchors and aliases" in p for p in found["restart"])
    assert sorted(p.name for p in (tmp_path / "knowledge").rglob("*") if p.name != "bomb.yaml") == before


def test_oversized_knowledge_files_are_refused(settings):
    with pytest.raises(KnowledgeError, match=r"huge\.yaml:1: the file is \d+ bytes; the limit is"):
        Publisher(settings).stage("huge.yaml", b"items:\n" + b"  - a few words of text\n" * 40_000, "Olga")


# --- item 4: decompression bombs ------------------------------------------------------------------


def docx_with(member: str, size: int) -> bytes:
    """A small valid .docx with one more part that unpacks to `size` bytes of zeros."""
    document = docx.Document()
    document.add_paragraph("Il pranzo è servito nella sala Tiglio.")
    plain = io.BytesIO()
    document.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item))
        info = zipfile.ZipInfo(member)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w", force_zip64=True) as part:
            chunk = bytes(1_000_000)
            for _ in range(size // len(chunk)):
                part.write(chunk)
    return out.getvalue()


def test_a_docx_that_unpacks_to_too_much_is_refused_before_reading():
    bomb = docx_with("word/media/image1.png", 200_000_000)
    assert len(bomb) < 1_000_000
    started = time.perf_counter()
    with pytest.raises(UploadError, match="unpacks to 200 MB; the limit is 30 MB"):
        publishing.upload_files("Pranzo.docx", bomb, "Olga")
    assert time.perf_counter() - started < 2.0


def many_page_pdf(pages: int) -> bytes:
    stream = b"BT /F1 12 Tf 72 720 Td (Shuttle at noon.) Tj ET"
    kids = " ".join(f"{5 + n} 0 R" for n in range(pages)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        *[b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R "
          b"/Resources << /Font << /F1 4 0 R >> >> >>"] * pages,
    ]
    return pdf_file(objects)


def test_documents_with_too_many_pages_or_too_much_text_are_refused():
    with pytest.raises(UploadError, match="has 500 pages; the limit is 200"):
        publishing.upload_files("Shuttle.pdf", many_page_pdf(500), "Olga")
    assert publishing.upload_files("Shuttle.pdf", many_page_pdf(3), "Olga")  # a normal one still works
    with pytest.raises(UploadError, match="more than 100000 characters of text; split it"):
        publishing.upload_files("notes.txt", ("The shuttle leaves at noon. " * 5000).encode(), "Olga")


# --- item 5: menu data schema and its preview -------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"- speech\n- lunch\n", "agenda.yaml:1: agenda.yaml must be 'key: value' lines (event, items)"),
        (b"{}\n", "agenda.yaml:1: event: field required"),
        (
            b"event:\n  name: {zh: a, en: b, it: c}\nitems:\n  - title: [1, 2]\n",
            "agenda.yaml:4: items[0].title: expected a text or a {zh, en, it} mapping of texts",
        ),
    ],
)
def test_menu_data_that_would_break_the_menus_is_refused_with_file_and_line(settings, content, problem):
    with pytest.raises(KnowledgeError) as caught:
        Publisher(settings).stage("agenda.yaml", content, "Olga")
    assert problem in [str(p) for p in caught.value.problems]


def test_unknown_data_files_are_still_accepted(settings):
    staged = Publisher(settings).stage("names.yaml", b"speakers: [Hans Song, Liu Jia]\n", "Olga")
    assert staged.preview.data == ["names"]


async def test_the_upload_preview_shows_what_changes_in_the_menu_data(admin_bot):
    path = admin_bot.bot_data["settings"].knowledge_dir / "data" / "agenda.yaml"
    revised = path.read_text(encoding="utf-8").replace('"Speech: Liu Jia"', '"Welcome speech: Liu Jia"')
    preview = await upload(admin_bot, "agenda.yaml", revised.encode())
    assert "~ items.speech-liu-jia.title.en: Speech: Liu Jia → Welcome speech: Liu Jia" in preview["text"]


# --- item 6: a re-uploaded document replaces all its parts ----------------------------------------


def test_a_revised_document_replaces_all_its_old_parts(settings):
    publisher = Publisher(settings)
    old = "\n\n".join(f"Shuttle {n}: the shuttle leaves the hotel at 8:00. " * 25 for n in range(4))
    publisher.publish(publisher.stage("shuttle.txt", old.encode(), "Olga").key, "Olga", "v1")
    assert load(settings.knowledge_dir).get("doc-shuttle-3", "en")
    revised = publisher.stage("shuttle.txt", b"The shuttle leaves the hotel at 9:30.", "Olga")
    assert revised.preview.added == {"en": ["doc-shuttle"]}
    assert revised.preview.removed == {"en": [f"doc-shuttle-{n}" for n in range(1, 5)]}
    publisher.publish(revised.key, "Olga", "v2")
    docs = [e for e in load(settings.knowledge_dir).entries if e.id.startswith("doc-shuttle")]
    assert [(e.id, e.body) for e in docs] == [("doc-shuttle", "The shuttle leaves the hotel at 9:30.")]


# --- item 7: interrupted version snapshots ------------------------------------------------------------


def test_an_incomplete_version_snapshot_does_not_block_later_publishes(settings):
    leftover = settings.data_dir / "versions" / "1" / "knowledge" / "entries"  # killed during the copy
    leftover.mkdir(parents=True)
    (leftover / "event-date.en.md").write_text("---\nid: event-da", encoding="utf-8")
    publisher = Publisher(settings)
    staged = publisher.stage("dinner.md", entry("closing-dinner", "Lakeside."), "Olga")
    version = publisher.publish(staged.key, "Olga", "dinner")
    assert version.number == 1 and [v.number for v in publisher.versions()] == [1]
    snapshot = settings.data_dir / "versions" / "1" / "knowledge"
    live = knowledge_bytes(settings.knowledge_dir)
    assert live.pop("entries/closing-dinner.en.md") and knowledge_bytes(snapshot) == live  # complete


def fill_disk_after(files: int, under: str):
    """A `shutil.copytree` whose copies into `under` fail with ENOSPC after `files` files."""
    real = shutil.copytree

    def copytree(src, dst, *args, **kwargs):
        if under not in str(dst) or args or "copy_function" in kwargs:  # not ours, or a recursion
            return real(src, dst, *args, **kwargs)
        count = [0]

        def copy(source, target):
            count[0] += 1
            if count[0] > files:
                raise OSError(errno.ENOSPC, "No space left on device", target)
            return shutil.copy2(source, target)

        return real(src, dst, *args, copy_function=copy, **kwargs)

    return copytree


def test_a_snapshot_on_a_full_disk_changes_nothing_and_leaves_nothing(settings, monkeypatch):
    publisher = Publisher(settings)
    staged = publisher.stage("dinner.md", entry("closing-dinner", "Lakeside."), "Olga")
    before = knowledge_bytes(settings.knowledge_dir)
    monkeypatch.setattr(publishing.shutil, "copytree", fill_disk_after(20, "versions"))
    with pytest.raises(UploadError, match=r"could not write the files \(No space left on device\)") as caught:
        publisher.publish(staged.key, "Olga", "dinner")
    assert str(settings.data_dir) not in str(caught.value)
    assert knowledge_bytes(settings.knowledge_dir) == before
    assert list((settings.data_dir / "versions").iterdir()) == []
    monkeypatch.undo()
    assert publisher.publish(staged.key, "Olga", "dinner").number == 1


def knowledge_bytes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# --- item 20: an upload on a full disk ------------------------------------------------------------------


def test_an_upload_on_a_full_disk_leaves_no_partial_staging_folder(settings, monkeypatch):
    monkeypatch.setattr(publishing.shutil, "copytree", fill_disk_after(30, "staging"))
    with pytest.raises(UploadError, match=r"could not write the files \(No space left on device\); nothing"):
        Publisher(settings).stage("dinner.md", entry("closing-dinner", "Lakeside."), "Olga")
    staging = settings.data_dir / "staging"
    assert not staging.exists() or list(staging.iterdir()) == []


# --- item 8: start-up recovery ------------------------------------------------------------------------------


def test_an_invalid_hand_edit_does_not_stop_the_start_on_the_last_good_index(ingested_settings):
    settings = ingested_settings
    (settings.knowledge_dir / "entries" / "event-date.en.md").write_text("---\nid: event-date\n---\n")
    assert cli._ensure_index(settings)
    assert any(p.startswith("entries/event-date.en.md:1: front matter is missing") for p in
               index.recorded_problems(settings))
    assert answers(Assistant(settings))


def test_a_missing_chroma_collection_is_rebuilt_at_start(ingested_settings):
    settings = ingested_settings
    index.chroma_client(settings).delete_collection(index.read_manifest(settings).collection)
    assert cli._ensure_index(settings)
    assert answers(Assistant(settings))


@pytest.mark.parametrize("left", [("old", "new"), ("old",)])
def test_a_crash_between_the_two_renames_of_the_swap_is_recovered_at_start(ingested_settings, left):
    settings = ingested_settings
    live = settings.knowledge_dir
    for suffix in left:
        shutil.copytree(live, live.with_name(f"{live.name}.{suffix}"))
    if "new" in left:
        write_new_fact(live.with_name(f"{live.name}.new"))
    shutil.rmtree(live)  # `knowledge` → `knowledge.old` happened, `knowledge.new` → `knowledge` did not
    assert cli._ensure_index(settings)
    assert live.is_dir() and not live.with_name(f"{live.name}.old").exists()
    assert bool(load(live).get("closing-dinner", "en")) == ("new" in left)
    assert answers(Assistant(settings))


def write_new_fact(root: Path) -> None:
    (root / "entries" / "closing-dinner.en.md").write_bytes(entry("closing-dinner", "Lakeside."))


async def test_organisers_see_the_knowledge_problems_in_kb(admin_bot):
    knowledge_dir = admin_bot.bot_data["settings"].knowledge_dir
    (knowledge_dir / "entries" / "event-date.en.md").write_text("---\nid: event-date\n---\n")
    await say(admin_bot, "/reload")
    await settle(admin_bot, "the knowledge base has problems")
    status = await say(admin_bot, "/kb")
    assert "⚠️ The knowledge folder has 6 problem(s)" in status["text"]
    assert "entries/event-date.en.md:1: front matter is missing" in status["text"]
    assert str(knowledge_dir) not in status["text"]


# --- item 16: a draft that cannot be published stays pending ---------------------------------------------


async def test_a_draft_too_long_to_publish_stays_pending_with_a_clear_message(ingested_settings, tmp_path):
    from tests.test_telegram_handoff import ORGANISER as ADMIN
    from tests.test_telegram_handoff import STAFF, STAFF_CHAT, last_to
    from tests.test_telegram_handoff import say as delegate_says

    settings = ingested_settings
    app = make_bot(settings, Assistant(settings), Store(tmp_path / "bot.sqlite3"))
    await app.initialize()
    before = knowledge_bytes(settings.knowledge_dir)
    await delegate_says(app, "/human Is there a cloakroom for coats?")
    ticket = app.bot_data["tickets"].active_for(7)
    await staff_reply(app, ticket, "The cloakroom is next to the entrance. " * 60)
    await press_staff(app, f"tk:resolve:{ticket.id}", STAFF)
    await press_staff(app, f"tk:save:{ticket.id}", STAFF)
    approve, _ = [data for _, data in buttons(last_to(app, STAFF_CHAT))]
    await press_staff(app, approve, ADMIN)
    shown = app.request.named("editMessageText")[-1].params["text"]
    assert "was not published and is still waiting" in shown and "split it into entries" in shown
    assert str(settings.knowledge_dir) not in shown and str(settings.data_dir) not in shown
    assert app.bot_data["tickets"].draft(1).status == "pending"
    assert knowledge_bytes(settings.knowledge_dir) == before
    await delegate_says(app, "/editdraft 1\nen: The cloakroom is next to the entrance.", sender=ADMIN)
    await press_staff(app, approve, ADMIN)
    assert "approved by Olga and published" in app.request.named("editMessageText")[-1].params["text"]
    assert app.bot_data["tickets"].draft(1).status == "approved"
    await app.shutdown()


# --- item 18: every problem of an uploaded file at once, readable ------------------------------------------


def test_a_utf8_bom_is_accepted():
    bom = b"\xef\xbb\xbf"
    files = publishing.upload_files("dinner.md", bom + entry("closing-dinner", "Lakeside."), "Olga")
    assert list(files) == ["entries/closing-dinner.en.md"]
    assert publishing.upload_files("notes.txt", "\ufeff茶歇在二楼。".encode(), "Olga")


def test_all_problems_of_a_file_are_reported_at_once_without_yaml_internals(settings):
    bad = (
        b"---\nid: 123\nlang: en\ntopic: event\ntitle: [a, list]\nsource: s\nupdated: 2026-11-25\n---\n"
        b"The dinner \x01 is at the hall.\n"
    )
    with pytest.raises(KnowledgeError) as caught:
        Publisher(settings).stage("dinner.md", bad, "Olga")
    assert [str(p) for p in caught.value.problems] == [
        "dinner.md:9: control character 0x01 is not allowed in text",
        "dinner.md:2: id '123' must be a text of lowercase letters, digits and dashes",
        "dinner.md:5: title must be a text, not a list or a mapping",
    ]
    with pytest.raises(KnowledgeError) as caught:
        Publisher(settings).stage("dinner.md", b"---\nid: x\nlang: en\n title: oops\n---\nBody\n", "Olga")
    assert [str(p) for p in caught.value.problems] == [
        "dinner.md:4: front matter is not valid YAML: mapping values are not allowed here"
    ]


# --- item 21: the organiser always learns the outcome; a restart answers at once ----------------------


async def test_the_outcome_is_sent_when_the_progress_message_cannot_be_edited(admin_bot):
    admin_bot.request.fail["editMessageText"] = 100
    await say(admin_bot, "/reload")
    await settle(admin_bot, "✅ Reloaded")  # the attempted edit, recorded although it failed
    for _ in range(100):
        sent = [c.params for c in admin_bot.request.named("sendMessage") if "✅ Reloaded" in c.params["text"]]
        if sent:
            break
        await asyncio.sleep(0.1)
    assert sent and sent[0]["chat_id"] == ORGANISER["id"]


async def test_an_outcome_owed_when_the_bot_restarts_is_sent_by_the_new_process(admin_bot, tmp_path):
    settings = admin_bot.bot_data["settings"]
    async with AsyncExitStack() as stack:
        with held(settings.data_dir / "ingest.lock"):  # another process is ingesting: /reload waits
            await say(admin_bot, "/reload")
            await asyncio.sleep(0.5)
            assert not any("✅" in p.get("text", "") for p in admin_bot.request.sent())
            # the bot starts again while the organiser is still waiting for the outcome
            restarted = await stack.enter_async_context(organiser_bot(settings, tmp_path / "restart.sqlite3"))
            await asyncio.sleep(0.5)
        told = await settle(restarted, staff_text("en", "reloaded"))
        assert told["chat_id"] == ORGANISER["id"] and told["text"].startswith("✅")


def test_a_restart_answers_from_the_last_good_index_at_once(ingested_settings):
    settings = ingested_settings
    write_new_fact(settings.knowledge_dir)
    built = index.read_manifest(settings).built_at
    assert cli._ensure_index(settings, background=True)
    assert index.read_manifest(settings).built_at == built  # nothing re-ingested before answering
    assert answers(Assistant(settings))


async def test_after_a_restart_changed_knowledge_is_ingested_in_the_background(ingested_settings, tmp_path):
    settings = ingested_settings.model_copy(update={"index_check_seconds": 0.0})  # asked as the pointer moves
    write_new_fact(settings.knowledge_dir)
    assert cli._ensure_index(settings, background=True)
    assert Assistant(settings).ask("Where is the closing dinner?").abstained  # the last good index
    async with organiser_bot(settings, tmp_path / "bot.sqlite3") as bot:
        for _ in range(1200):
            if not index.is_stale(settings):
                break
            await asyncio.sleep(0.1)
        assistant = bot.bot_data["assistant"]
        old = assistant.retriever
        assistant.ask("Where is the closing dinner?")  # sees the pointer moved: reloads in the background
        await asyncio.to_thread(wait_for_swap, assistant, old)
        answer = assistant.ask("Where is the closing dinner?")
    assert not answer.abstained and "Lakeside" in answer.text
