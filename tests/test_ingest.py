"""Ingest: incremental by content hash, atomic on errors, embedder recorded and checked."""

import pytest

from bot import index
from bot.config import Settings
from bot.core import Assistant
from bot.index import IndexNotReady, ingest, is_stale, read_manifest
from bot.knowledge import KnowledgeError, load
from bot.retrieval import Retriever
from tests.conftest import wait_for_swap, write_entry


class CountingEmbeddings:
    """Wraps the real embedder and counts the texts it embeds."""

    def __init__(self, settings: Settings) -> None:
        self.inner, _ = index.make_embeddings(settings)
        self.embedded: list[str] = []

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.embedded += texts
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        return self.inner.embed_query(text)


def test_first_ingest_adds_everything_then_nothing_is_re_embedded(settings: Settings):
    first = ingest(settings)
    assert first.added > 50 and first.updated == first.removed == first.unchanged == 0
    assert not is_stale(settings)
    counting = CountingEmbeddings(settings)
    second = ingest(settings, embeddings=counting)  # type: ignore[arg-type]
    assert (second.added, second.updated, second.removed) == (0, 0, 0)
    assert second.unchanged == first.added
    assert counting.embedded == []


def test_new_graph_settings_rebuild_the_index_without_re_embedding(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    """An index built with older graph settings (a narrower search) is rebuilt with the new ones at
    the next ingest, from the vectors it holds."""
    ingest(settings)
    before = read_manifest(settings)
    monkeypatch.setattr(index, "HNSW", {**index.HNSW, "hnsw:search_ef": 1200})
    monkeypatch.setattr(index, "code_version", lambda: "new settings")  # index.py was edited
    counting = CountingEmbeddings(settings)
    ingest(settings, embeddings=counting)  # type: ignore[arg-type]
    after = read_manifest(settings)
    assert counting.embedded == [] and after.collection != before.collection
    collection = index.chroma_client(settings).get_collection(after.collection)
    assert collection.configuration["hnsw"]["ef_search"] == 1200


def test_edit_add_and_remove_are_incremental(settings: Settings):
    ingest(settings)
    entries = settings.knowledge_dir / "entries"
    edited = next(entries.glob("*.en.md"))
    edited.write_text(edited.read_text(encoding="utf-8").rstrip() + " Extra sentence.\n", encoding="utf-8")
    removed = next(entries.glob("*.it.md"))
    removed_entry = next(e for e in load(settings.knowledge_dir).entries if e.path == removed)
    removed_chunks = len(index.entry_documents(removed_entry, settings.knowledge_dir))
    removed.unlink()
    write_entry(settings.knowledge_dir, "new-fact", "en", "A brand new fact.", questions=("New?",))
    assert is_stale(settings)
    counting = CountingEmbeddings(settings)
    report = ingest(settings, embeddings=counting)  # type: ignore[arg-type]
    assert report.updated == 1
    assert report.added == 2  # the new entry's text and its sample question
    assert report.removed == removed_chunks
    assert len(counting.embedded) == 3
    assert any("Extra sentence." in text for text in counting.embedded)
    assert "new-fact" in report.missing_translations


def test_invalid_file_leaves_the_live_index_untouched(settings: Settings):
    ingest(settings)
    before = read_manifest(settings)
    bad = settings.knowledge_dir / "entries" / "broken.en.md"
    bad.write_text("---\nid: broken\nlang: en\n---\nNo topic.\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        ingest(settings)
    assert str(bad) in str(caught.value)
    assert read_manifest(settings) == before
    assert Retriever.from_settings(settings).manifest.collection == before.collection


def test_querying_with_another_embedder_asks_for_a_re_ingest(settings: Settings):
    ingest(settings)
    other = settings.model_copy(update={"embedder": "openai", "openai_api_key": "sk-test"})
    with pytest.raises(IndexNotReady, match=r"re-?ingest|ingest\.py"):
        Retriever.from_settings(other)
    assert is_stale(other)


def test_no_index_yet_is_a_clear_error(settings: Settings):
    with pytest.raises(IndexNotReady, match=r"ingest\.py"):
        Retriever.from_settings(settings)


def test_running_assistant_picks_up_a_re_ingest(settings: Settings):
    settings = settings.model_copy(update={"index_check_seconds": 0.0})  # look at every question
    ingest(settings)
    assistant = Assistant(settings)
    write_entry(settings.knowledge_dir, "parrot-fact", "en",
                "The official mascot of the docking meeting test is a green parrot named Pico.",
                questions=("What is the mascot of the meeting?",))
    ingest(settings)
    old = assistant.retriever
    assistant.ask("What is the mascot of the meeting?")  # starts the reload in the background
    wait_for_swap(assistant, old)
    answer = assistant.ask("What is the mascot of the meeting?")
    assert "Pico" in answer.text
