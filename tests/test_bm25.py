"""The sparse BM25 gives rank_bm25's Okapi scores exactly (bit for bit), so answers do not change,
and the lexicon cached with the index is the one the retriever would derive."""

import numpy as np
from rank_bm25 import BM25Okapi

from bot import knowledge
from bot.bm25 import BM25
from bot.evaluation import load_items
from bot.index import build_documents
from bot.names import Names
from bot.retrieval import Lexicon, Retriever, index_tokens, load_lexicon, tokenize
from tests.conftest import KNOWLEDGE, ROOT


def _corpus() -> tuple[list[list[str]], Names]:
    kb = knowledge.load(KNOWLEDGE)
    names = Names.from_data(kb.data.get("names"))
    documents = build_documents(kb, KNOWLEDGE).values()
    return [index_tokens(doc.metadata["embed"]) for doc in documents], names


def test_scores_equal_rank_bm25_bit_for_bit_on_the_knowledge_and_the_eval_questions():
    corpus, _ = _corpus()
    reference, sparse = BM25Okapi(corpus), BM25(corpus)
    questions = [
        item
        for path in ("phone_dev.yaml", "dev_questions.yaml")
        for item in load_items(ROOT / "tests" / "data" / path)
    ]
    assert len(questions) > 400
    for item in questions:
        query = [*tokenize(item.question, item.lang), "?where", "unknownword"]  # a repeat, an unseen word
        assert np.array_equal(reference.get_scores(query), sparse.scores(query)), item.question


def test_rows_in_another_order_keep_each_documents_score():
    corpus, _ = _corpus()
    order = list(range(len(corpus)))[::-1]
    query = tokenize("Where is the venue of the docking meeting?", "en")
    assert np.array_equal(BM25(corpus).scores(query)[order], BM25(corpus, order).scores(query))


def test_a_start_up_uses_the_cached_lexicon_and_it_matches_a_fresh_one(ingested_settings):
    first = Retriever.from_settings(ingested_settings)
    names = first.manifest.data.get("names")
    cached = load_lexicon(ingested_settings, first.manifest.collection, names)
    assert cached is not None
    got = first.store.get(include=["documents", "metadatas"])
    fresh = Lexicon.build(list(zip(got["documents"], got["metadatas"], strict=True)), Names.from_data(names))
    assert cached.entry_tokens == fresh.entry_tokens and cached.vocabulary == fresh.vocabulary
    assert (cached.bm25.matrix != fresh.bm25.matrix).nnz == 0
    assert load_lexicon(ingested_settings, first.manifest.collection, {"entities": []}) is None  # other names
