"""Knowledge loading and validation: every malformed file is reported as file:line: problem."""

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError, fingerprint, load
from tests.conftest import KNOWLEDGE, write_entry


def test_real_knowledge_base_is_valid_and_complete():
    kb = load(KNOWLEDGE)
    assert len(kb.ids) >= 20
    assert kb.missing_translations() == {}
    assert {"agenda", "enterprises", "invest"} <= set(kb.data)
    assert any(entry.kind == "gap" for entry in kb.entries)


def test_get_falls_back_to_english_when_a_translation_is_missing(tmp_path: Path):
    write_entry(tmp_path, "venue", "en", "The venue is the park.")
    write_entry(tmp_path, "venue", "zh", "会场在园区。")
    kb = load(tmp_path)
    assert kb.get("venue", "it").lang == "en"
    assert kb.get("venue", "zh").body == "会场在园区。"
    assert kb.missing_translations() == {"venue": ["it"]}


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("no front matter at all\n", 1, "must start with"),
        ("---\nid: venue\nlang: en\ntopic: event\ntitle: [unclosed\n---\nBody\n", 5, "not valid YAML"),
        ("---\nid: venue\nlang: en\ntopic: event\ntitle: T\nsource: s\n---\nBody\n", 1, "missing 'updated'"),
        (
            "---\nid: venue\nlang: fr\ntopic: event\ntitle: T\nsource: s\nupdated: 2026-11-25\n---\nB\n",
            3,
            "lang 'fr' must be one of",
        ),
        (
            "---\nid: venue\nlang: en\ntopic: food\ntitle: T\nsource: s\nupdated: 2026-11-25\n---\nB\n",
            4,
            "topic 'food'",
        ),
        (
            "---\nid: venue\nlang: en\ntopic: event\ntitle: T\nsource: s\nupdated: soon\n---\nB\n",
            7,
            "must be a date",
        ),
        (
            "---\nid: venue\nlang: en\ntopic: event\ntitle: T\nsource: s\nupdated: 2026-11-25\n---\n\n",
            9,
            "no text",
        ),
        (
            "---\nid: venue\nlang: en\ntopic: event\ntitle: T\nsource: s\nupdated: 2026-11-25\n"
            "kind: rumour\n---\nB\n",
            8,
            "kind 'rumour'",
        ),
        (
            "---\nid: venue\nlang: en\ntopic: event\ntitle: T\nsource: s\nupdated: 2026-11-25\n"
            "questions: where\n---\nB\n",
            8,
            "questions must be a list",
        ),
    ],
)
def test_malformed_entry_is_reported_with_file_and_line(tmp_path: Path, text, line, message):
    path = tmp_path / "entries" / "venue.en.md"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load(tmp_path)
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in problems), problems


def test_file_name_must_match_id_and_language(tmp_path: Path):
    path = write_entry(tmp_path, "venue", "en", "Body")
    path.rename(tmp_path / "entries" / "place.it.md")
    with pytest.raises(KnowledgeError) as caught:
        load(tmp_path)
    messages = " ".join(p.message for p in caught.value.problems)
    assert "does not match the file name" in messages


def test_every_problem_is_reported_not_just_the_first(tmp_path: Path):
    write_entry(tmp_path, "good", "en", "Fine.")
    (tmp_path / "entries" / "bad.en.md").write_text("oops\n", encoding="utf-8")
    (tmp_path / "entries" / "worse.en.md").write_text("---\nid: worse\n---\nB\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load(tmp_path)
    assert {p.path.name for p in caught.value.problems} == {"bad.en.md", "worse.en.md"}


def test_data_file_needs_every_language_and_valid_yaml(tmp_path: Path):
    write_entry(tmp_path, "good", "en", "Fine.")
    data = tmp_path / "data"
    data.mkdir()
    (data / "agenda.yaml").write_text("items:\n  - title:\n      en: Talks\n      zh: 演讲\n")
    (data / "broken.yaml").write_text("items: [unclosed\n")
    with pytest.raises(KnowledgeError) as caught:
        load(tmp_path)
    problems = sorted(str(p) for p in caught.value.problems)
    assert any("agenda.yaml:3: text is missing language(s): it" in p for p in problems), problems
    assert any("broken.yaml:1: not valid YAML" in p for p in problems), problems


def test_missing_folder_and_empty_folder(tmp_path: Path):
    with pytest.raises(KnowledgeError, match="does not exist"):
        load(tmp_path / "nowhere")
    with pytest.raises(KnowledgeError, match="no entries found"):
        load(tmp_path)


def test_fingerprint_changes_with_content(tmp_path: Path):
    write_entry(tmp_path, "venue", "en", "One.")
    before = fingerprint(tmp_path)
    write_entry(tmp_path, "venue", "en", "Two.")
    assert fingerprint(tmp_path) != before
