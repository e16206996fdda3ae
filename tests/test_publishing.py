"""Uploads become knowledge files, are previewed, published as versions and rolled back."""

import io
import time
import zipfile

import pytest

from bot.knowledge import KnowledgeError, load
from bot.publishing import (
    MAX_ARCHIVE_FILES,
    PART_CHARS,
    STAGED_FOR,
    Publisher,
    UploadError,
    upload_files,
)
from tests.conftest import entry_text


def test_an_entry_file_is_named_by_its_front_matter():
    files = upload_files("whatever.md", entry_text("coffee-break", "zh", "茶歇在二楼。").encode(), "Olga")
    assert list(files) == ["entries/coffee-break.zh.md"]


def test_plain_documents_become_entries_in_their_language_split_into_parts():
    long = "\n\n".join(f"Paragraph {n}: " + "the delegation visits the park. " * 20 for n in range(6))
    files = upload_files("Visit plan.txt", long.encode(), "Olga")
    assert len(files) > 1 and all(path.startswith("entries/doc-visit-plan-") for path in files)
    assert all(path.endswith(".en.md") for path in files)
    bodies = [text.split("---\n", 2)[2] for text in files.values()]
    assert all(len(body.strip()) <= PART_CHARS for body in bodies)
    assert " ".join(" ".join(bodies).split()) == " ".join(long.split())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.png", b"...", "send a .md"),
        ("notes.txt", b"\xff\xfe\x00bad", "not UTF-8"),
        ("empty.txt", b"   ", "has no text"),
    ],
)
def test_unusable_uploads_are_refused_with_a_reason(name, content, message):
    with pytest.raises(UploadError, match=message):
        upload_files(name, content, "Olga")


def test_stage_publish_and_roll_back(settings):
    publisher = Publisher(settings)
    first = entry_text("closing-dinner", "en", "At the Lakeside Hall.").encode()
    staged = publisher.stage("dinner.md", first, "Olga")
    assert staged.preview.added == {"en": ["closing-dinner"]} and not staged.preview.removed
    assert load(settings.knowledge_dir).get("closing-dinner", "en") is None  # nothing live yet
    version = publisher.publish(staged.key, "Olga", "upload dinner.md")
    assert version.number == 1 and load(settings.knowledge_dir).get("closing-dinner", "en")
    second = entry_text("closing-dinner", "en", "At the Garden Hall.").encode()
    changed = publisher.stage("dinner.md", second, "Olga")
    assert changed.preview.changed == {"en": ["closing-dinner"]}
    publisher.publish(changed.key, "Olga", "fix")
    assert publisher.rollback("Olga").what == "fix"
    assert load(settings.knowledge_dir).get("closing-dinner", "en").body == "At the Lakeside Hall."
    publisher.rollback("Olga")
    assert load(settings.knowledge_dir).get("closing-dinner", "en") is None


def test_an_invalid_upload_reports_the_uploaded_file_and_changes_nothing(settings):
    publisher = Publisher(settings)
    bad = entry_text("closing-dinner", "en", "x").replace("topic: event", "topic: sports").encode()
    with pytest.raises(KnowledgeError) as error:
        publisher.stage("dinner.md", bad, "Olga")
    assert str(error.value.problems[0]).startswith("dinner.md:4: topic 'sports'")
    assert list(publisher.staging.glob("*")) == []


def test_nothing_to_roll_back_is_a_clear_error(settings):
    with pytest.raises(UploadError, match="no earlier version"):
        Publisher(settings).rollback("Olga")


def test_forgotten_uploads_are_swept(settings):
    publisher = Publisher(settings)
    old = publisher.staging / str(int((time.time() - STAGED_FOR - 60) * 1000))
    old.mkdir(parents=True)
    publisher.stage("tea.md", entry_text("tea", "en", "Tea is served.").encode(), "Olga")
    assert not old.exists() and len(list(publisher.staging.glob("*"))) == 1


def test_an_entry_without_id_or_with_a_wrong_lang_lists_every_problem_with_its_line(settings):
    bad = "---\nlang: de\ntopic: sports\ntitle: Dinner\nsource: x\nupdated: 2026-11-25\n---\nAt the hall.\n"
    with pytest.raises(KnowledgeError) as error:
        Publisher(settings).stage("dinner.md", bad.encode(), "Olga")
    assert [str(p) for p in error.value.problems] == [
        "dinner.md:1: front matter is missing 'id'",
        "dinner.md:2: lang 'de' must be one of zh, en, it",
        "dinner.md:3: topic 'sports' must be one of event, people, enterprises, lishui, faq",
    ]


def test_a_document_becomes_one_entry_per_heading_titled_from_it():
    text = (
        "This guide is for the delegations.\n\nShuttle\n\n"
        "The shuttle now leaves the hotel at 8:15 every morning.\n\n"
        "# Closing dinner\nThe closing dinner is at the Lakeside Hall on Friday evening.\n"
    )
    files = upload_files("Delegation guide.txt", text.encode(), "Olga")
    titles = {path: body.split("title: ")[1].split("\n")[0] for path, body in files.items()}
    assert titles == {
        "entries/doc-delegation-guide-1.en.md": "Delegation guide",  # the text before any heading
        "entries/doc-delegation-guide-shuttle.en.md": "Shuttle",
        "entries/doc-delegation-guide-closing-dinner.en.md": "Closing dinner",
    }
    assert "8:15" in files["entries/doc-delegation-guide-shuttle.en.md"]
    assert "Lakeside" not in files["entries/doc-delegation-guide-shuttle.en.md"]


def zip_of(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_a_zip_is_published_as_one_version_with_a_preview_per_language(settings):
    publisher = Publisher(settings)
    archive = zip_of({
        "pack/dinner.en.md": entry_text("closing-dinner", "en", "At the Lakeside Hall.").encode(),
        "pack/dinner.it.md": entry_text("closing-dinner", "it", "Alla Lakeside Hall.").encode(),
        "__MACOSX/._dinner.en.md": b"junk",
        "pack/tea.txt": "茶歇在二楼。".encode(),
    })
    staged = publisher.stage("pack.zip", archive, "Olga")
    assert staged.preview.added == {"en": ["closing-dinner"], "it": ["closing-dinner"], "zh": ["doc-tea"]}
    assert staged.preview.missing == {"closing-dinner": ["zh"], "doc-tea": ["en", "it"]}
    assert staged.preview.titles["closing-dinner"] == "closing-dinner"
    version = publisher.publish(staged.key, "Olga", "upload pack.zip")
    assert [v.number for v in publisher.versions()] == [version.number] == [1]
    live = load(settings.knowledge_dir)
    assert live.get("closing-dinner", "it").body == "Alla Lakeside Hall." and live.get("doc-tea", "zh")


def test_several_files_stage_as_one_change_and_every_unusable_one_is_named(settings):
    publisher = Publisher(settings)
    staged = publisher.stage_many(
        [("a.md", entry_text("parking", "en", "Behind the hall.").encode()), ("b.txt", b"Tea on floor two.")],
        "Olga",
    )
    assert staged.preview.added == {"en": ["doc-b", "parking"]}
    with pytest.raises(UploadError) as error:
        publisher.stage_many([("a.png", b"x"), ("b.txt", b"  "), ("c.md", b"---\nid: c\n")], "Olga")
    assert str(error.value).splitlines()[:2] == [
        "a.png: send a .md, .markdown, .txt, .yaml, .yml, .pdf, .docx, .zip file",
        "b.txt: the document has no text",
    ]


@pytest.mark.parametrize(
    ("members", "message"),
    [
        ({"../../etc/evil.md": b"x"}, "points outside the archive"),
        ({"/abs.md": b"x"}, "points outside the archive"),
        ({"inner.zip": b"PK"}, "archive inside the archive"),
        ({"bomb.txt": b"a" * 2_000_000}, "zip bomb"),
        ({f"f{n}.txt": b"x" for n in range(MAX_ARCHIVE_FILES + 1)}, "the limit is"),
    ],
)
def test_unsafe_archives_are_refused(settings, members, message):
    with pytest.raises(UploadError, match=message):
        Publisher(settings).stage("pack.zip", zip_of(members), "Olga")
    with pytest.raises(UploadError, match=r"not a readable \.zip"):
        Publisher(settings).stage("pack.zip", b"PK\x03\x04 broken", "Olga")


def test_a_rollback_can_be_redone_until_something_new_is_published(settings):
    publisher = Publisher(settings)
    for body, what in (("Lakeside.", "v1"), ("Garden.", "v2")):
        staged = publisher.stage("d.md", entry_text("dinner", "en", body).encode(), "O")
        publisher.publish(staged.key, "O", what)
    assert publisher.redoable() is None
    publisher.rollback("O")
    publisher.rollback("O")
    assert load(settings.knowledge_dir).get("dinner", "en") is None
    assert publisher.redo("O").what == "v1"
    assert load(settings.knowledge_dir).get("dinner", "en").body == "Lakeside."
    assert publisher.redoable().what == "v2"
    assert publisher.redo("O").number == 2
    assert load(settings.knowledge_dir).get("dinner", "en").body == "Garden."
    publisher.rollback("O")
    publisher.publish(publisher.stage("t.md", entry_text("tea", "en", "Tea.").encode(), "O").key, "O", "tea")
    with pytest.raises(UploadError, match="no rollback to redo"):
        publisher.redo("O")


def test_every_problem_of_every_file_in_a_zip_is_listed_with_its_line(settings):
    bad_topic = entry_text("a", "en", "x").replace("topic: event", "topic: sports")
    no_id = entry_text("b", "it", "y").replace("id: b\n", "")
    archive = zip_of({"a.md": bad_topic.encode(), "b.md": no_id.encode(),
                      "menu.yaml": b"event:\n  name: {en: Only English}\n"})
    with pytest.raises(KnowledgeError) as error:
        Publisher(settings).stage("pack.zip", archive, "Olga")
    assert sorted(str(p) for p in error.value.problems) == [
        "pack.zip/a.md:4: topic 'sports' must be one of event, people, enterprises, lishui, faq",
        "pack.zip/b.md:1: front matter is missing 'id'",
        "pack.zip/menu.yaml:2: text is missing language(s): zh, it",
    ]


def test_replicas_sharing_a_publish_folder_publish_each_others_previews_one_at_a_time(settings, tmp_path):
    """Two replicas (their own DATA_DIR, one knowledge folder and PUBLISH_DIR on a shared volume):
    "Publish" may reach the replica that did not make the preview, and their publishes queue."""
    shared = tmp_path / "shared-publish"
    one = Publisher(settings.model_copy(update={"data_dir": tmp_path / "one", "publish_dir_setting": shared}))
    two = Publisher(settings.model_copy(update={"data_dir": tmp_path / "two", "publish_dir_setting": shared}))
    dinner = entry_text("closing-dinner", "en", "At the Lakeside Hall.").encode()
    staged = one.stage("dinner.md", dinner, "Olga")
    assert two.is_staged(staged.key)
    later = two.stage("lunch.md", entry_text("lunch", "en", "Lunch is in the canteen.").encode(), "Piero")
    assert two.publish(staged.key, "Olga", "dinner").number == 1
    assert one.publish(later.key, "Piero", "lunch").number == 2  # one numbering, nothing lost
    kb = load(settings.knowledge_dir)
    assert kb.get("closing-dinner", "en") and kb.get("lunch", "en")
    assert one.rollback("Olga").what == "lunch" and two.rollback("Olga").what == "dinner"
    assert not (tmp_path / "one" / "staging").exists() and not (tmp_path / "two" / "versions").exists()
    assert (shared / "knowledge.lock").exists()  # one lock for both: their publishes cannot interleave
