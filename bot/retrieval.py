"""Hybrid retrieval: dense (Chroma) + lexical (BM25, Chinese-aware), fused by reciprocal rank.

Results are whole entries, not chunks: a question may match the Chinese, English or
Italian version of an entry (or one of its sample questions) and the entry is what counts.
"""

import logging
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from rank_bm25 import BM25Okapi

from bot.config import Settings
from bot.embeddings import make_embeddings
from bot.index import IndexNotReady, Manifest, chroma_client, read_manifest
from bot.language import FUNCTION_WORDS

jieba.setLogLevel(logging.WARNING)

RRF_K = 60
CANDIDATES = 24
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ZH_STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 有 吗 呢 吧 啊 哪 哪里 哪儿 什么 怎么 怎样 如何 多少 几 个 家 位 这 那 这次 本次 会 上 中 谁 请问 请 我 "
    "你 们 我们 他 她 它 为 被 把 从 对 等 也 都 就 还 是否 哪些 哪个 哪家 一个 一下 吗？".split()
)
_STOPWORDS = frozenset().union(*FUNCTION_WORDS.values(), _ZH_STOPWORDS)


@lru_cache(maxsize=4096)
def _cut_chinese(run: str) -> tuple[str, ...]:
    return tuple(jieba.lcut_for_search(run))


def tokenize(text: str) -> list[str]:
    """Lexical tokens: jieba words for Chinese, lower-cased words otherwise, without stopwords."""
    tokens: list[str] = []
    for word in _WORD.findall(text.lower()):
        tokens += [part for part in _HAN_RUN.split(word) if part]
        tokens += [cut for run in _HAN_RUN.findall(word) for cut in _cut_chinese(run)]
    return [token for token in tokens if token not in _STOPWORDS]


@dataclass
class Hit:
    """One retrieved entry: how well it matched, and through which chunk."""

    entry_id: str
    kind: str
    lang: str
    title: str
    text: str
    score: float = 0.0
    dense: float = 0.0
    coverage: float = 0.0


@dataclass
class Retrieval:
    query: str
    hits: list[Hit] = field(default_factory=list)
    confidence: float = 0.0

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


def _confidence(dense: float, coverage: float) -> float:
    """Map the best hit's cosine similarity and lexical coverage to a 0..1 confidence.

    A logistic curve calibrated on the development questions (tests/data/dev_questions.yaml):
    multilingual-e5 cosines of relevant passages sit around 0.85-0.92 and of unrelated ones
    around 0.75-0.82; query words found in the entry add evidence.
    """
    z = 40.0 * (dense - 0.84) + 3.0 * (coverage - 0.3)
    return 1.0 / (1.0 + math.exp(-z))


class Retriever:
    """Searches the active index for the entries that best answer a question."""

    def __init__(self, store: Chroma, embeddings: Embeddings, manifest: Manifest) -> None:
        self.store = store
        self.embeddings = embeddings
        self.manifest = manifest
        got = store.get(include=["documents", "metadatas"])
        self.documents = [
            Document(text, metadata=meta)
            for text, meta in zip(got["documents"], got["metadatas"], strict=True)
        ]
        self._tokens = [tokenize(doc.metadata["embed"]) for doc in self.documents]
        self._bm25 = BM25Okapi(self._tokens) if self.documents else None
        self._entry_tokens: dict[str, set[str]] = {}
        self._bodies: dict[tuple[str, str], str] = {}
        self._titles: dict[tuple[str, str], str] = {}
        for doc, tokens in zip(self.documents, self._tokens, strict=True):
            self._entry_tokens.setdefault(doc.metadata["entry_id"], set()).update(tokens)
            self._titles[(doc.metadata["entry_id"], doc.metadata["lang"])] = doc.metadata["title"]
            if doc.metadata["role"] == "body":
                self._bodies[(doc.metadata["entry_id"], doc.metadata["lang"])] = doc.metadata["entry_body"]

    @classmethod
    def from_settings(cls, settings: Settings) -> "Retriever":
        """Open the active index; refuse one built by a different embedder."""
        manifest = read_manifest(settings)
        if manifest is None:
            raise IndexNotReady("There is no index yet: run `python ingest.py` first.")
        embeddings, embedder_name = make_embeddings(settings)
        if manifest.embedder != embedder_name:
            raise IndexNotReady(
                f"The index was built with {manifest.embedder} but the bot is configured for "
                f"{embedder_name}: run `python ingest.py` to rebuild it."
            )
        store = Chroma(
            client=chroma_client(settings),
            collection_name=manifest.collection,
            embedding_function=embeddings,
            create_collection_if_not_exists=False,
        )
        return cls(store, embeddings, manifest)

    def body(self, entry_id: str, lang: str) -> str:
        """The entry's whole text in `lang` ("" when it has no version in that language)."""
        return self._bodies.get((entry_id, lang), "")

    def title(self, entry_id: str, lang: str) -> str:
        return self._titles.get((entry_id, lang), "")

    def _dense(self, query: str) -> list[tuple[Document, float]]:
        vector = self.embeddings.embed_query(query)
        found = self.store.similarity_search_by_vector_with_relevance_scores(vector, k=CANDIDATES)
        return [(doc, 1.0 - distance) for doc, distance in found]  # cosine distance → similarity

    def _lexical(self, tokens: list[str]) -> list[Document]:
        if not tokens or self._bm25 is None:
            return []
        scores = self._bm25.get_scores(tokens)
        ranked = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        return [self.documents[i] for i in ranked[:CANDIDATES] if scores[i] > 0]

    def search(self, query: str, k: int = 3) -> Retrieval:
        """The top `k` entries for `query`, with the confidence that the first one answers it."""
        tokens = tokenize(query)
        hits: dict[str, Hit] = {}

        def hit_for(doc: Document) -> Hit:
            meta = doc.metadata
            if meta["entry_id"] not in hits:
                hits[meta["entry_id"]] = Hit(
                    entry_id=meta["entry_id"],
                    kind=meta["kind"],
                    lang=meta["lang"],
                    title=meta["title"],
                    text=self.body(meta["entry_id"], meta["lang"]),
                )
            return hits[meta["entry_id"]]

        for ranking in (self._dense(query), [(doc, 0.0) for doc in self._lexical(tokens)]):
            seen: set[str] = set()
            for doc, similarity in ranking:
                hit = hit_for(doc)
                hit.dense = max(hit.dense, similarity)
                if hit.entry_id not in seen:
                    seen.add(hit.entry_id)
                    hit.score += 1.0 / (RRF_K + len(seen))
        ranked = sorted(hits.values(), key=lambda h: h.score, reverse=True)[:k]
        for hit in ranked:
            entry_tokens = self._entry_tokens.get(hit.entry_id, set())
            hit.coverage = sum(t in entry_tokens for t in tokens) / len(tokens) if tokens else 0.0
        confidence = _confidence(ranked[0].dense, ranked[0].coverage) if ranked else 0.0
        return Retrieval(query=query, hits=ranked, confidence=confidence)
