"""Uploads become knowledge files, are previewed, published as versions and rolled back."""

import time

import pytest

from bot.knowledge import KnowledgeError, load
from bot.publishing import PART_CHARS, STAGED_FOR, Publisher, UploadError, upload_files
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
        ("entry.md", b"---\nid: x\n---\nbody\n", "needs an 'id' and a 'lang'"),
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
