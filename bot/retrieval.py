"""Hybrid retrieval: dense (Chroma) + lexical (BM25, Chinese-aware), fused by a weighted sum.

Results are whole entries, not chunks: a question may match the Chinese, English or
Italian version of an entry (or one of its sample questions) and the entry is what counts.
"""

import logging
import math
import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache

import jieba
import snowballstemmer
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from rank_bm25 import BM25Okapi

from bot.config import Settings
from bot.embeddings import make_embeddings
from bot.index import IndexNotReady, Manifest, chroma_client, read_manifest
from bot.language import FUNCTION_WORDS

jieba.setLogLevel(logging.WARNING)

CANDIDATES = 40
LEXICAL_WEIGHT = 0.05  # the best BM25 match adds this much to a cosine similarity
COVERAGE_WEIGHT = 0.08  # and the share of the question's words found in the entry this much
MIN_DENSE = 0.83  # no answer from an entry less similar than this (see _confidence)
TENTATIVE_BELOW = 0.4  # an entry holding less of the question's words may answer a neighbouring one
# A "not published" entry takes the lead when it covers the question's words clearly better than
# the best answer (the question asks for a detail the sources lack) and is nearly as close in meaning.
GAP_COVERAGE_MARGIN = 0.1
GAP_DENSE_SLACK = 0.05
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ZH_STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 有 吗 呢 吧 啊 哪 哪里 哪儿 什么 怎么 怎样 如何 多少 几 个 家 位 这 那 "
    "这次 本次 会 上 中 谁 请问 请 我 你 们 我们 他 她 它 为 被 把 "
    "从 对 等 也 都 就 还 是否 哪些 哪个 哪家 一个 一下 吗？".split()
)
# Question words that say what kind of fact is wanted (a place, a date, a person, a number),
# folded into one token per kind across the three languages: "哪儿" finds the entry whose
# sample question asks "where", whichever language that sample is written in.
QUESTION_KINDS = {
    word: f"?{kind}"
    for kind, words in {
        "where": "where dove dov 哪里 哪儿 何处 在哪 地方 地点",
        "when": "when quando 何时 哪天 哪一天 几号",
        "who": "who chi 谁",
        "count": "many quanti quante 多少 几 几家 几位 几个",
    }.items()
    for word in words.split()
}
_STOPWORDS = frozenset().union(*FUNCTION_WORDS.values(), _ZH_STOPWORDS) - QUESTION_KINDS.keys()
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")  # e-mail, Wi-Fi, foreign-funded
_STEMMERS = {"en": snowballstemmer.stemmer("english"), "it": snowballstemmer.stemmer("italian")}


@lru_cache(maxsize=16384)
def _stem(word: str, lang: str) -> str:
    """`word`'s Snowball stem in `lang` (tedesca, tedesco → tedesc); Chinese words as they are."""
    stemmer = _STEMMERS.get(lang)
    return stemmer.stemWord(word) if stemmer and word.isascii() else word


@lru_cache(maxsize=4096)
def _cut_chinese(run: str) -> tuple[str, ...]:
    return tuple(jieba.lcut_for_search(run))


def _informative(token: str) -> bool:
    """Not a stopword, nor a lone Latin letter (the "s" of "Guadagno's")."""
    return token not in _STOPWORDS and not (len(token) == 1 and token.isascii() and token.isalpha())


def _words(text: str, characters: bool) -> list[str]:
    """Informative words: jieba words for Chinese (and their characters, with `characters`),
    lower-cased words otherwise, hyphenated ones also joined."""
    text = text.lower()
    joined = [word.replace("-", "") for word in _HYPHENATED.findall(text)]  # "email" as well as "e mail"
    words: list[str] = []
    for word in _WORD.findall(text) + joined:
        words += [part for part in _HAN_RUN.split(word) if part]
        for run in _HAN_RUN.findall(word):
            cuts = _cut_chinese(run)
            words += cuts
            if characters:
                words += [char for cut in cuts if len(cut) > 1 for char in cut]
    return [word for word in words if _informative(word)]


def tokenize(text: str, lang: str | None = None) -> list[str]:
    """A question's lexical tokens: its informative words, stemmed when `lang` is English or
    Italian; question words become their kind."""
    return [QUESTION_KINDS.get(word) or _stem(word, lang or "") for word in _words(text, characters=False)]


def index_tokens(text: str) -> list[str]:
    """Knowledge text's lexical tokens: every word in both its English and Italian stems (an entry
    may mix languages, as a staff answer saved with the delegate's own question does), and the
    characters of Chinese words, so a question's lone "办" or "刘" meets "举办" or "刘佳"."""
    tokens: list[str] = []
    for word in _words(text, characters=True):
        kind = QUESTION_KINDS.get(word)
        tokens += [kind] if kind else list(dict.fromkeys(_stem(word, lang) for lang in _STEMMERS))
    return tokens


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

    @property
    def tentative(self) -> bool:
        """The best entry shares few of the question's words: it may answer a neighbouring
        question ("Kaiwu's revenue" finds what the sources say about Kaiwu)."""
        return self.best is not None and self.best.coverage < TENTATIVE_BELOW


def _confidence(dense: float, coverage: float) -> float:
    """Map the best hit's cosine similarity and lexical coverage to a 0..1 confidence.

    A logistic curve fitted by hand on the development questions (tests/data/dev_questions.yaml,
    never on the public set): multilingual-e5 cosines of relevant entries sit around
    0.86-0.96, of unrelated ones around 0.82-0.91; what separates the two is whether the
    question's informative words (IDF-weighted) occur in the entry. 0.5 is the boundary.
    An entry below `MIN_DENSE` is too far in meaning to answer, whatever words it shares
    ("la capitale della Francia" is not Lishui's "capitale estero" from France).
    """
    if dense < MIN_DENSE:
        return 0.0
    z = 50.0 * (dense - 0.85) + 10.0 * (coverage - 0.45)
    return 1.0 / (1.0 + math.exp(-z))


def _idf(entry_tokens: Collection[set[str]]) -> tuple[dict[str, float], float]:
    """Inverse document frequency of every word over entries; and the IDF of an unseen word,
    which weighs as much as the rarest known one."""
    counts: Counter[str] = Counter()
    for tokens in entry_tokens:
        counts.update(tokens)
    entries = len(entry_tokens) + 1
    return {token: math.log(entries / (n + 0.5)) for token, n in counts.items()}, math.log(entries / 1.5)


def _prefer_gap(ranked: list[Hit], gap_words: set[str]) -> list[Hit]:
    """Move a "not published" entry first when the question asks for what it says is missing
    (the hall of the venue, a speaker's e-mail) rather than for what the best entry says.
    `gap_words`: the question's words that only "not published" entries contain."""
    if not ranked or ranked[0].kind == "gap" or not gap_words:
        return ranked
    best = ranked[0]
    gaps = [
        hit
        for hit in ranked
        if hit.kind == "gap"
        and hit.coverage > best.coverage + GAP_COVERAGE_MARGIN
        and hit.dense >= best.dense - GAP_DENSE_SLACK
    ]
    if not gaps:
        return ranked
    lead = max(gaps, key=lambda hit: hit.coverage)
    return [lead] + [hit for hit in ranked if hit is not lead]


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
        self._tokens = [index_tokens(doc.metadata["embed"]) for doc in self.documents]
        self._bm25 = BM25Okapi(self._tokens) if self.documents else None
        self._entry_tokens: dict[str, set[str]] = {}
        self._bodies: dict[tuple[str, str], str] = {}
        self._titles: dict[tuple[str, str], str] = {}
        for doc, tokens in zip(self.documents, self._tokens, strict=True):
            self._entry_tokens.setdefault(doc.metadata["entry_id"], set()).update(tokens)
            self._titles[(doc.metadata["entry_id"], doc.metadata["lang"])] = doc.metadata["title"]
            if doc.metadata["role"] == "body":
                self._bodies[(doc.metadata["entry_id"], doc.metadata["lang"])] = doc.metadata["entry_body"]
        self._idf, self._unknown_idf = _idf(self._entry_tokens.values())
        kinds = {doc.metadata["entry_id"]: doc.metadata["kind"] for doc in self.documents}
        answered = [tokens for entry_id, tokens in self._entry_tokens.items() if kinds[entry_id] != "gap"]
        self._gap_only = set().union(*self._entry_tokens.values()) - set().union(*answered)

    def coverage(self, tokens: list[str], entry_id: str) -> float:
        """The IDF-weighted share of the question's words that occur in the entry (any language)."""
        weights = [self._idf.get(token, self._unknown_idf) for token in tokens]
        total = sum(weights)
        if not total:
            return 0.0
        have = self._entry_tokens.get(entry_id, set())
        return sum(w for token, w in zip(tokens, weights, strict=True) if token in have) / total

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

    def _dense(self, vector: list[float]) -> list[tuple[Document, float]]:
        found = self.store.similarity_search_by_vector_with_relevance_scores(vector, k=CANDIDATES)
        return [(doc, 1.0 - distance) for doc, distance in found]  # cosine distance → similarity

    def _lexical(self, tokens: list[str]) -> dict[str, float]:
        """Entry id → its best chunk's BM25 score, scaled so the best entry has 1."""
        if not tokens or self._bm25 is None:
            return {}
        best: dict[str, float] = {}
        for doc, score in zip(self.documents, self._bm25.get_scores(tokens), strict=True):
            entry_id = doc.metadata["entry_id"]
            best[entry_id] = max(best.get(entry_id, 0.0), float(score))
        top = max(best.values())
        return {entry_id: score / top for entry_id, score in best.items()} if top > 0 else {}

    def _candidates(
        self, query: str, vector: list[float] | None, lang: str | None
    ) -> tuple[list[str], dict[str, Hit]]:
        """`query`'s tokens, and every entry near it in meaning, scored by meaning, BM25 and coverage
        of its words."""
        tokens = tokenize(query, lang)
        if vector is None:
            vector = self.embeddings.embed_query(query)
        hits: dict[str, Hit] = {}
        for doc, similarity in self._dense(vector):
            meta = doc.metadata
            hit = hits.get(meta["entry_id"])
            if hit is None:
                hit = hits[meta["entry_id"]] = Hit(
                    entry_id=meta["entry_id"],
                    kind=meta["kind"],
                    lang=meta["lang"],
                    title=meta["title"],
                    text=self.body(meta["entry_id"], meta["lang"]),
                )
            hit.dense = max(hit.dense, similarity)
        lexical = self._lexical(tokens)
        for hit in hits.values():
            hit.coverage = self.coverage(tokens, hit.entry_id)
            lexical_score = LEXICAL_WEIGHT * lexical.get(hit.entry_id, 0.0)
            hit.score = hit.dense + lexical_score + COVERAGE_WEIGHT * hit.coverage
        return tokens, hits

    def _ranked(self, query: str, tokens: list[str], hits: list[Hit], k: int) -> Retrieval:
        ranked = sorted(hits, key=lambda h: h.score, reverse=True)
        ranked = _prefer_gap(ranked, self._gap_only.intersection(tokens))[:k]
        confidence = _confidence(ranked[0].dense, ranked[0].coverage) if ranked else 0.0
        return Retrieval(query=query, hits=ranked, confidence=confidence)

    def search(
        self, query: str, k: int = 3, vector: list[float] | None = None, lang: str | None = None
    ) -> Retrieval:
        """The top `k` entries for `query`, with the confidence that the first one answers it.
        `vector` is the query's embedding when the caller has it already; `lang` the query's
        language (its words are stemmed like the entries in that language)."""
        tokens, hits = self._candidates(query, vector, lang)
        return self._ranked(query, tokens, list(hits.values()), k)

    def search_follow_up(
        self,
        question: str,
        previous: str,
        k: int = 3,
        lang: str | None = None,
        vector: list[float] | None = None,
    ) -> Retrieval:
        """A follow-up ("and what did he say?"): the entries that fit both the question and the
        two questions read together, so the new question's intent meets the earlier one's subject.
        `vector` is the question's embedding when the caller has it already."""
        together = f"{previous} {question}"
        _, alone = self._candidates(question, vector, lang)
        tokens, both = self._candidates(together, None, lang)
        floor = min((hit.score for hit in alone.values()), default=0.0)
        for entry_id, hit in both.items():
            hit.score += alone[entry_id].score if entry_id in alone else floor
        return self._ranked(together, tokens, list(both.values()), k)
