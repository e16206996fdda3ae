"""Hybrid retrieval: dense (Chroma) + lexical (BM25, Chinese-aware) + names, decided by a fitted model.

Results are whole entries, not chunks: a question may match the Chinese, English or
Italian version of an entry (or one of its sample questions) and the entry is what counts.
Questions and knowledge are folded alike (accents, width, invisible characters), words a
delegate mistyped are read as the nearest word the knowledge uses, and names are recognised in
any script (`bot.names`). Fact entries compete to answer (`bot.ranking`); "not published"
entries only stand in when none is likely enough.
"""

import hashlib
import logging
import math
import os
import pickle
import re
import sys
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jieba
import numpy as np
import snowballstemmer
from langchain_chroma import Chroma
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from rapidfuzz import fuzz, process
from rapidfuzz.distance import DamerauLevenshtein

from bot.bm25 import BM25
from bot.config import Settings
from bot.embeddings import make_embeddings
from bot.index import IndexNotReady, Manifest, chroma_client, read_all, read_manifest
from bot.language import FUNCTION_WORDS, words_of
from bot.names import Names
from bot.nearest import ExactSearch
from bot.normalise import clean, fold, strip_accents
from bot.pinyin import Reader, is_pinyin, syllabify
from bot.questions import asking_sentences, without_the_story
from bot.ranking import (
    FIRM_KINDS,
    NAMED_KINDS,
    NAMES_FIGURE,
    SOMEONE,
    SPEAKER_FIGURE,
    Model,
    Signals,
    asks_time,
    figure_words,
    figures_asked,
    figures_given,
    has_time,
    load_model,
)
from bot.spelling import EVERYDAY, EverydayWords, is_word, load_word_lists, with_italian_c

jieba.setLogLevel(logging.WARNING)

CANDIDATES = 40
ANSWER_LINE = 0.5  # the fitted confidence at which an entry answers (the default MIN_CONFIDENCE)
GAP_MIN_DENSE = 0.82  # a "not published" entry less similar than this does not explain a question
GAP_COVERAGE_WEIGHT = 0.1  # among gaps, the one sharing most of the question's words leads
# A question this near a "not published" entry (one of its sample questions, nearly word for word),
# and this much nearer to it than to the likeliest fact, is that known unanswerable question asked
# again (a fact nearer in meaning but less likely to answer does not stop it).
REPEAT_DENSE, REPEAT_LEAD = 0.92, 0.04
# An entry lacking the detail asked gives way to one this near in meaning that gives it: "丽水世界智能制造
# 大会那个欧企专场是哪天" names the congress, but the meeting's date is in the date entry.
DETAIL_NEAR = 0.03
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ZH_STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 有 吗 呢 吧 啊 哪 哪里 哪儿 什么 怎么 怎样 如何 多少 几 个 家 位 这 那 "
    "这次 本次 会 上 中 谁 请问 请 我 你 们 我们 他 她 它 为 被 把 "
    "从 对 等 也 都 就 还 是否 哪些 哪个 哪家 一个 一下 吗？ "
    # a statement's check ("…来的 没错吧"), which asks nothing of the knowledge
    "没错 对不对".split()
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
_STOPWORDS = frozenset(fold(w) for w in frozenset().union(*FUNCTION_WORDS.values(), _ZH_STOPWORDS)) - (
    QUESTION_KINDS.keys()
)
_HYPHENATED = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)+")  # e-mail, Wi-Fi, foreign-funded
_STEMMERS = {"en": snowballstemmer.stemmer("english"), "it": snowballstemmer.stemmer("italian")}
TYPO_FROM = 4  # words at least this long may be a slip for a word of the knowledge
_FUNCTION_ASCII = sorted(word for word in _STOPWORDS | QUESTION_KINDS.keys() if word.isascii())
_FUNCTION_ASCII_SET = frozenset(_FUNCTION_ASCII)
_LATIN = re.compile(r"[a-z]+")
_LETTERS = re.compile(r"[^\W\d_]+")
# A guess added to a question ("which company gave a presentation, was it BYD?"): not what it asks about
_GUESS = re.compile(r"[,，]\s*(was it|is it|maybe|o [eè]|forse|是不是|还是)\b.*$", re.IGNORECASE)
# A name guessed for the one who spoke ("the Chinese carmaker that spoke was BYD?", "l'azienda europea
# che ha fatto il discorso era Airbus?", "发言的欧洲企业是空客吗"): who spoke is what is asked.
_SPEAKER_GUESSED = re.compile(
    r"^(.*\b(?:spoke|speech|speach|presented|parlato|discorso|intervenut[oa]|presentat[oa])\b.*?)\s+"
    r"(?:was|is|era|è)\s+\w+(?:\s\w+)?\s*[?？]*\s*$"
    r"|^(.*(?:发言|讲话|致辞|介绍).*?[企业司表宾])是[^，,。？?]{1,10}?[吗吧]?[?？]*$",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
LEXICON_DIR = "lexicon"
_LEXICON_MODULES = ("bot.bm25", "bot.names", "bot.normalise", "bot.pinyin", "bot.language", "bot.ranking")


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
    """Informative words of folded `text`: jieba words for Chinese (and their characters, with
    `characters`), lower-cased words otherwise, hyphenated ones also joined."""
    text = fold(text)
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


def tokenize(text: str, lang: str | None = None, correct: Callable[[str], str] | None = None) -> list[str]:
    """A question's lexical tokens: its informative words (each read by `correct`, which mends
    slips), stemmed when `lang` is English or Italian; question words become their kind."""
    tokens = []
    for word in _words(text, characters=False):
        word = correct(word) if correct else word
        if _informative(word):
            tokens.append(QUESTION_KINDS.get(word) or _stem(word, lang or ""))
    return tokens


def index_tokens(text: str) -> list[str]:
    """Knowledge text's lexical tokens: every word in both its English and Italian stems (an entry
    may mix languages, as a staff answer saved with the delegate's own question does), and the
    characters of Chinese words, so a question's lone "办" or "刘" meets "举办" or "刘佳"."""
    tokens: list[str] = []
    for word in _words(text, characters=True):
        kind = QUESTION_KINDS.get(word)
        tokens += [kind] if kind else list(dict.fromkeys(_stem(word, lang) for lang in _STEMMERS))
    return tokens


def _name_tokens(entity_ids: Collection[str]) -> list[str]:
    return [f"@{entity_id}" for entity_id in entity_ids]


@dataclass
class Hit:
    """One retrieved entry: how likely it answers, and the signals that said so."""

    entry_id: str
    kind: str
    lang: str
    title: str
    text: str
    score: float = 0.0  # the model's confidence that this entry answers the question
    dense: float = 0.0
    coverage: float = 0.0
    signals: Signals = field(default_factory=Signals)


@dataclass
class Retrieval:
    query: str
    hits: list[Hit] = field(default_factory=list)  # fact entries, the likeliest answer first
    confidence: float = 0.0  # that the first hit answers the question
    gap: Hit | None = None  # the "not published" entry nearest the question, if any is near
    names: list[str] = field(default_factory=list)  # the entities the question names
    tentative_below: float = 0.0

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None

    @property
    def nearest(self) -> Hit | None:
        """The entry the question is about: the best fact when it is likely to answer, else the
        "not published" entry near it, else the best fact."""
        if self.best is not None and self.confidence >= ANSWER_LINE:
            return self.best
        return self.gap or self.best

    @property
    def tentative(self) -> bool:
        """The best entry is likely enough to quote, not likely enough to be sure it is what was
        asked ("Kaiwu's revenue" finds what the sources say about Kaiwu); or it lacks the kind of
        figure or the clock time the question asks for ("How much did Brembo invest?")."""
        best = self.best
        if best is None:
            return False
        return lacks(best) or self.confidence < self.tentative_below


@dataclass
class Candidates:
    """Every entry near a question, and what the question names and asks for."""

    names: list[str]  # the entities the question names
    wanted: frozenset[str]  # the kinds of figure it asks for
    hits: list[Hit]


def lacks(hit: Hit) -> bool:
    """The entry lacks the kind of figure or the clock time the question asks for."""
    return hit.signals.figure_missing > 0 or hit.signals.time_missing > 0


def _idf(entry_tokens: Collection[set[str]]) -> dict[str, float]:
    """Inverse document frequency of every word over entries."""
    counts: Counter[str] = Counter()
    for tokens in entry_tokens:
        counts.update(tokens)
    entries = len(entry_tokens) + 1
    return {token: math.log(entries / (n + 0.5)) for token, n in counts.items()}


@dataclass
class Lexicon:
    """What the retriever derives from the index's chunks: their words (BM25), each entry's words,
    texts and names, the Latin vocabulary (to mend typos), the pinyin reader. Built once per
    index and kept beside it (`cache_path`), so a start-up or a reload does not re-read and
    re-tokenise every chunk."""

    bm25: BM25
    chunk_entries: np.ndarray  # chunk (BM25 row) → index into `entry_ids`
    entry_ids: list[str]
    entry_rows: dict[str, tuple[int, int]]  # entry → its chunks' rows (start, end), contiguous
    entry_tokens: dict[str, set[str]]
    bodies: dict[tuple[str, str], str]
    titles: dict[tuple[str, str], str]
    kinds: dict[str, str]
    topics: dict[str, str]
    idf: dict[str, float]
    vocabulary: list[str]
    pinyin: Reader
    english_italian: set[str]  # Latin words of the English and Italian texts
    neutral_words: frozenset[str]  # Latin-script words of the Chinese texts (Brembo, Avio)
    spelt: dict[str, frozenset[str]]  # "en", "it" → the words only that language's texts use
    fact_words: frozenset[str]  # the words of every entry that is not a "not published" one
    entry_names: dict[str, frozenset[str]]  # entry → the entities it mentions
    mentioned: frozenset[str]  # the entities some entry's text mentions
    timed: frozenset[str]  # entries whose text gives a clock time
    figures: dict[str, frozenset[str]]  # entry → the kinds of figure its text gives (`FIGURES`)
    gap_figures: dict[str, frozenset[str]]  # "not published" entry → the figures its questions ask

    @classmethod
    def build(cls, chunks: Sequence[tuple[str, dict[str, Any]]], names: Names) -> "Lexicon":
        """From the index's chunks, (text, metadata) in the index's order."""
        order = sorted(range(len(chunks)), key=lambda number: chunks[number][1]["entry_id"])
        tokens = [index_tokens(meta["embed"]) + _name_tokens(names.find(meta["embed"])) for _, meta in chunks]
        entry_tokens: dict[str, set[str]] = {}
        bodies: dict[tuple[str, str], str] = {}
        titles: dict[tuple[str, str], str] = {}
        kinds: dict[str, str] = {}
        topics: dict[str, str] = {}
        for (_, meta), words in zip(chunks, tokens, strict=True):
            entry_tokens.setdefault(meta["entry_id"], set()).update(words)
            titles[(meta["entry_id"], meta["lang"])] = meta["title"]
            kinds[meta["entry_id"]] = meta["kind"]
            topics[meta["entry_id"]] = meta.get("topic", "")
            if meta["role"] == "body":
                bodies[(meta["entry_id"], meta["lang"])] = meta["entry_body"]
        named_in = {key: names.find(body) for key, body in bodies.items()}
        entry_ids = sorted(entry_tokens)
        position = {entry_id: number for number, entry_id in enumerate(entry_ids)}
        chunk_entries = np.array([position[chunks[n][1]["entry_id"]] for n in order], dtype=np.int32)
        starts = np.searchsorted(chunk_entries, np.arange(len(entry_ids) + 1))
        rows = {entry_id: (int(starts[n]), int(starts[n + 1])) for n, entry_id in enumerate(entry_ids)}
        return cls(
            bm25=BM25(tokens, order),
            chunk_entries=chunk_entries,
            entry_ids=entry_ids,
            entry_rows=rows,
            entry_tokens=entry_tokens,
            bodies=bodies,
            titles=titles,
            kinds=kinds,
            topics=topics,
            idf=_idf(entry_tokens.values()),
            vocabulary=_vocabulary(chunks),
            pinyin=Reader(
                (word for _, meta in chunks if meta["lang"] == "zh" for word in _cut_chinese(meta["embed"])),
                (
                    word
                    for _, meta in chunks
                    if meta["lang"] == "zh" and meta["role"] == "body"
                    for word in _cut_chinese(meta["embed"])
                ),
            ),
            english_italian={
                word
                for _, meta in chunks
                if meta["lang"] != "zh" and meta["role"] == "body"
                for word in _LATIN.findall(fold(meta["embed"]))
            },  # from the texts only: sample questions may be pinyin themselves
            neutral_words=frozenset(  # from the texts only: sample questions may mix in English
                word.lower()
                for text, meta in chunks
                if meta["lang"] == "zh" and meta["role"] == "body"
                for word in _NAME_WORD.findall(text)
            ),
            spelt=_spelt(chunks),
            mentioned=frozenset(found for named in named_in.values() for found in named),
            fact_words=frozenset().union(*(t for e, t in entry_tokens.items() if kinds[e] != "gap")),
            entry_names={
                entry_id: frozenset(token[1:] for token in words if token.startswith("@"))
                for entry_id, words in entry_tokens.items()
            },
            timed=frozenset(entry_id for (entry_id, _), body in bodies.items() if has_time(body)),
            figures=_figures(bodies, titles, named_in, names, chunks),
            gap_figures=_gap_figures(chunks),
        )


def _vocabulary(chunks: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    """The Latin words slips are mended to: those of the texts and titles, and those the sample
    questions use more than once (a sample typed on a phone may hold a slip: "incontor")."""
    in_texts: set[str] = set()
    in_questions: Counter[str] = Counter()
    for _, meta in chunks:
        words = _LATIN.findall(fold(meta["embed"]))
        if meta["role"] == "question":
            in_questions.update(words)
        else:
            in_texts.update(words)
    again = {word for word, count in in_questions.items() if count > 1}
    return sorted(in_texts | again | {word for word in QUESTION_KINDS if word.isascii()})


def _spelt(chunks: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, frozenset[str]]:
    """"en", "it" → the words of that language's texts that the other language's texts do not use
    ("principali", "industrie": Italian)."""
    words: dict[str, set[str]] = {"en": set(), "it": set()}
    for text, meta in chunks:
        if meta["lang"] in words and meta["role"] == "body":
            words[meta["lang"]].update(words_of(text))
    return {"en": frozenset(words["en"] - words["it"]), "it": frozenset(words["it"] - words["en"])}


def _names_someone(found: Sequence[str], names: Names) -> bool:
    """Whether the entities `found` in a text include a person or a company."""
    return any(names.entities[entity_id].kind in NAMED_KINDS for entity_id in found)


def _figures(
    bodies: dict[tuple[str, str], str],
    titles: dict[tuple[str, str], str],
    named_in: dict[tuple[str, str], list[str]],
    names: Names,
    chunks: Sequence[tuple[str, dict[str, Any]]],
) -> dict[str, frozenset[str]]:
    """Entry id → the kinds of figure any of its language versions gives, in its title or text
    ("Closing dinner": "Lakeside." gives where the dinner is); "names" when it names a person or a
    company ("Which exactly are the 20-plus firms?" wants names, not a count), and "speaker" when it
    names a person ("who spoke for Kaiwu?"). A fact that fills a "not published" entry gives what
    that entry's questions asked, however its text says it ("Delegates can park behind the hall"
    answers "Is there a car park?"). `named_in`: the entities each text names."""
    kinds: dict[str, frozenset[str]] = {}
    for (entry_id, lang), body in bodies.items():
        titled = f"{titles.get((entry_id, lang), '')}\n{body}"
        found = named_in[(entry_id, lang)]
        given = set(figures_given(titled))
        if _names_someone(found, names):
            given.add(NAMES_FIGURE)
        if any(names.entities[entity_id].kind == "person" for entity_id in found):
            given.add(SPEAKER_FIGURE)
        kinds[entry_id] = kinds.get(entry_id, frozenset()) | given
    for entry_id, asked in _figures_asked_by(chunks, lambda meta: bool(meta.get("inherited"))).items():
        kinds[entry_id] = kinds.get(entry_id, frozenset()) | asked
    return kinds


def _gap_figures(chunks: Sequence[tuple[str, dict[str, Any]]]) -> dict[str, frozenset[str]]:
    """"Not published" entry id → the kinds of figure its sample questions ask ("Where can we eat?":
    food), which it explains the absence of."""
    return _figures_asked_by(chunks, lambda meta: meta["kind"] == "gap" and meta["role"] == "question")


def _figures_asked_by(
    chunks: Sequence[tuple[str, dict[str, Any]]], chosen: Callable[[dict[str, Any]], bool]
) -> dict[str, frozenset[str]]:
    """Entry id → the kinds of figure its `chosen` chunks ask for."""
    kinds: dict[str, frozenset[str]] = {}
    for _, meta in chunks:
        if chosen(meta):
            kinds[meta["entry_id"]] = kinds.get(meta["entry_id"], frozenset()) | figures_asked(meta["embed"])
    return kinds


def _code_version() -> str:
    """Changes when the code that derives a lexicon does: a cache from other code is not used."""
    digest = hashlib.sha256()
    for module in (__file__, *(sys.modules[name].__file__ or "" for name in _LEXICON_MODULES)):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:16]


def cache_path(settings: Settings, collection: str) -> Path:
    return settings.data_dir / LEXICON_DIR / f"{collection}.pickle"


def save_lexicon(settings: Settings, collection: str, names_data: Any, lexicon: Lexicon) -> None:
    """Keep the lexicon of `collection` beside the index (written whole, then renamed into place);
    the caches of collections other than the two newest are removed."""
    path = cache_path(settings, collection)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    with tmp.open("wb") as file:
        pickle.dump((_code_version(), names_data), file, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(lexicon, file, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, path)
    kept = sorted(path.parent.glob("*.pickle"), key=lambda other: other.stat().st_mtime_ns)[-2:]
    for other in path.parent.glob("*.pickle"):
        if other not in kept and other != path:
            other.unlink(missing_ok=True)


def load_lexicon(settings: Settings, collection: str, names_data: Any, header_only: bool = False) -> Any:
    """The cached lexicon of `collection` if it was derived by this code from these names, else
    None (with `header_only`, True instead of the lexicon: it is there, and valid)."""
    try:
        with cache_path(settings, collection).open("rb") as file:
            version, cached_names = pickle.load(file)  # our own file, in DATA_DIR
            if version != _code_version() or cached_names != names_data:
                return None
            lexicon = True if header_only else pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return lexicon if lexicon is True or isinstance(lexicon, Lexicon) else None


def lexicon_of(settings: Settings, store: Chroma, manifest: Manifest) -> Lexicon:
    """The active index's lexicon: from the cache, else derived from its chunks (and cached)."""
    names_data = manifest.data.get("names")
    lexicon = load_lexicon(settings, manifest.collection, names_data)
    if lexicon is None:
        got = read_all(store.get, ["documents", "metadatas"])
        chunks = list(zip(got["documents"], got["metadatas"], strict=True))
        lexicon = Lexicon.build(chunks, Names.from_data(names_data))
        save_lexicon(settings, manifest.collection, names_data, lexicon)
    return lexicon


def prepare(settings: Settings) -> None:
    """After an ingest: derive and cache the active index's lexicon now, unless it is cached
    already, so that the bot's start-up does not."""
    manifest = read_manifest(settings)
    if manifest and not load_lexicon(settings, manifest.collection, manifest.data.get("names"), True):
        Retriever.from_settings(settings)


class Retriever:
    """Searches the active index for the entries that best answer a question."""

    def __init__(
        self,
        store: Chroma,
        embeddings: Embeddings,
        manifest: Manifest,
        model: Model,
        lexicon: Lexicon,
        exact: ExactSearch | None = None,
    ) -> None:
        self.store = store
        # the collection's vectors in memory, searched exactly (None: Chroma's graph searches). With
        # them, and the texts also in memory, a generation an ingest deletes still answers until the
        # next look at the pointer.
        self._exact = exact
        self.embeddings = embeddings
        self.manifest = manifest
        self.model = model
        self.names = Names.from_data(manifest.data.get("names"))
        self.lexicon = lexicon
        self.neutral_words = lexicon.neutral_words
        self.spelt = lexicon.spelt
        self._entry_tokens = lexicon.entry_tokens
        self._bodies = lexicon.bodies
        self._titles = lexicon.titles
        self._kinds = lexicon.kinds
        self._topics = lexicon.topics
        self._idf = lexicon.idf
        self._fact_words = lexicon.fact_words
        self._unknown_idf = math.log((len(self._entry_tokens) + 1) / 1.5)  # as rare as the rarest word
        self._entry_names = lexicon.entry_names
        self._mentioned = lexicon.mentioned
        self._timed = lexicon.timed
        self._figures = lexicon.figures
        self._gap_figures = lexicon.gap_figures
        self._vocabulary = lexicon.vocabulary
        self._known_words = frozenset(self._vocabulary)
        self._figure_words = figure_words()
        self._figure_vocabulary = tuple(sorted(self._figure_words))
        load_word_lists()
        self._pinyin = lexicon.pinyin
        self._function_words = frozenset().union(*FUNCTION_WORDS.values())
        # a name's "di" ("Comune di Colleferro") is a function word, not a name
        self._name_words = self.names.latin_words() - self._function_words
        self._name_tokens = frozenset(
            token
            for text in (*self._name_words, *self.names.han_forms())
            for token in [*index_tokens(text), *_cut_chinese(text)]
        ) | frozenset(f"@{entity_id}" for entity_id in self.names.entities)
        known = (self._function_words | lexicon.english_italian) - self._name_words
        self._english_italian = EverydayWords(known, self._pinyin.syllables)

    def with_italian_c(self, question: str) -> str:
        """`question` with Italian chat's "k" for the hard c spelt out ("kuante", "ki", "anke")."""
        return with_italian_c(question, self._pinyin.syllables)

    def is_pinyin(self, question: str, named: frozenset[str] | None = None) -> bool:
        """Chinese typed in pinyin ("duijiehui zai nali"), names aside (`named`: its name words, when
        already found)."""
        named = self._named_words(question) if named is None else named
        known = self._pinyin.syllables
        return is_pinyin(question, named, self._english_italian, self._function_words, known)

    def readable(self, question: str, lang: str | None = None) -> str:
        """The question as searched: `clean`, names in the Chinese the knowledge writes them in; pinyin
        read as the Chinese it spells (names kept), unless the message it comes from is in English or
        Italian (`lang`: "… vero? e dai cinesi chi" is no 带呢吃); homophone slips in Chinese mended."""
        question = self.names.as_written(clean(question))
        named = self._named_words(question)
        if lang in ("en", "it") or not self.is_pinyin(question, named):
            return self._pinyin_terms_read(self._pinyin.mend(question), named)
        names = [word for word in _LATIN.findall(fold(question)) if word in named]
        return f"{self._pinyin.chinese(question)} {' '.join(names)}".strip()

    def _named_words(self, question: str) -> frozenset[str]:
        """The words that name someone in `question` (`Names.named_words`: "lishui", "xinzhuang"
        typed with a slip, which is no pinyin), not function words."""
        return self.names.named_words(question) - self._function_words

    def _pinyin_terms_read(self, question: str, named: frozenset[str]) -> str:
        """`question` with the pinyin terms inside it, English or Italian, read as the Chinese they
        spell in their place ("is it at Xingzhuang keji chanye yuan?" → 科技产业园, "who was the
        quzhang" → 区长): runs of words spelt wholly in pinyin syllables that are no English,
        Italian or name word (nor one of the `named` words), two words or one of two syllables or
        more, every syllable read as a word of the knowledge ("Mona Lisa" is no 哪里)."""
        out, at, run = [], 0, []  # run: (match, pinyin word) of the words read together
        for match in [*_LETTERS.finditer(question), None]:
            word = strip_accents(match.group()).lower() if match else ""  # "qūzhǎng": quzhang
            if match and _LATIN.fullmatch(word) and word not in named and self._spelt_in_pinyin(word):
                run.append((match, word))
                continue
            spelt = [word for _, word in run]
            chinese = self._pinyin.chinese(" ".join(spelt), whole=True) if run else ""
            if len(chinese) > 1 and (len(run) > 1 or len(syllabify(spelt[0], self._pinyin.syllables)) > 1):
                out += [question[at : run[0][0].start()], chinese]
                at = run[-1][0].end()
            run = []
        return "".join([*out, question[at:]])

    def _spelt_in_pinyin(self, word: str) -> bool:
        # "guadagno age": a short everyday word too ("age" is no 啊个)
        if word in self._english_italian or word in self._name_words or is_word(word, EVERYDAY):
            return False
        spelt = syllabify(word, self._pinyin.syllables)
        return spelt is not None and "".join(spelt) == word  # not "car" read as ca + 儿

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
        client = chroma_client(settings)
        store = Chroma(
            client=client,
            collection_name=manifest.collection,
            embedding_function=embeddings,
            create_collection_if_not_exists=False,
        )
        collection = client.get_collection(manifest.collection)
        exact = ExactSearch.read(collection.get, collection.count(), settings.exact_search_up_to)
        lexicon = lexicon_of(settings, store, manifest)
        return cls(store, embeddings, manifest, load_model(), lexicon, exact)

    def body(self, entry_id: str, lang: str) -> str:
        """The entry's whole text in `lang` ("" when it has no version in that language)."""
        return self._bodies.get((entry_id, lang), "")

    def title(self, entry_id: str, lang: str) -> str:
        return self._titles.get((entry_id, lang), "")

    def kind(self, entry_id: str) -> str:
        return self._kinds.get(entry_id, "")

    def topic(self, entry_id: str) -> str:
        return self._topics.get(entry_id, "")

    def entry_names(self, entry_id: str) -> frozenset[str]:
        """The entities an entry mentions, in any of its languages."""
        return self._entry_names.get(entry_id, frozenset())

    @lru_cache(maxsize=4096)  # noqa: B019 - one retriever per index, kept while it is active
    def correct(self, word: str, vocabulary: tuple[str, ...] | None = None) -> str:
        """A mistyped Latin word ("wher", "venu", "incontor") as the knowledge's word (or one of
        `vocabulary`) one slip away; a short one ("teh", "hwo") only as a function word."""
        vocabulary = self._vocabulary if vocabulary is None else vocabulary
        if not word.isascii() or not word.isalpha() or word in self._known_words or len(word) < 3:
            return word
        short = len(word) < TYPO_FROM
        slips = 1 if len(word) < 8 else 2
        choices = _FUNCTION_ASCII if short else vocabulary
        near = process.extract(word, choices, scorer=DamerauLevenshtein.distance, score_cutoff=slips, limit=8)
        # of equally near words, the one sharing most letters in order: "wher" is "where", not "when"
        fix = max(near, key=lambda found: (-found[1], fuzz.ratio(word, found[0])))[0] if near else word
        # a slip seldom hits the first letter: "iscrive" is another form of the knowledge's "iscrivo"
        # (the same stem), not "scrive"
        return word if fix[0] != word[0] and self._stem_known(word) else fix

    def _stem_known(self, word: str) -> bool:
        return any(_stem(word, lang) in self._idf for lang in _STEMMERS)

    def spelt_right(self, question: str) -> str:
        """`question` with its mistyped Latin words as the knowledge spells them ("secnd day" →
        "second day"), for the patterns that read what it asks; names and short words as typed."""

        def mended(match: re.Match[str]) -> str:
            word = match.group().lower()
            if len(word) <= TYPO_FROM or word in self._name_words or word in self._figure_words:
                return match.group()
            if is_word(word):  # "pezzo" is no slip for "prezzo"
                return match.group()
            # the knowledge's word, or a nearer one the figures are asked with ("booht", "visiters")
            fixes = (self.correct(word), self.correct(word, self._figure_vocabulary))
            found = [fix for fix in fixes if fix != word]
            fix = min(found, key=lambda fix: DamerauLevenshtein.distance(word, fix), default=word)
            return match.group() if fix in _FUNCTION_ASCII_SET else fix

        return _LETTERS.sub(mended, question)

    def embed(self, question: str, lang: str | None = None) -> list[float]:
        """The question's embedding (read in `lang`), with the usual forms of the names it mentions
        added where it lacks them ("阿维奥是哪国的" + "Avio"), so the embedder knows them however they
        were typed."""
        question = self.readable(question, lang)
        names = self.names.find(question)
        added = " ".join(filter(None, [self.names.forms_text(names, question), *self._mended(question)]))
        expanded = f"{question} ({added})" if added else question
        return self.embeddings.embed_query(expanded)

    def _mended(self, question: str) -> list[str]:
        """The knowledge's words for the question's mistyped ones ("feilds", "compnay" → fields,
        company): the embedder reads a slip as another word."""
        words = [word for word in _LATIN.findall(fold(question)) if len(word) > TYPO_FROM]
        fixes = {word: self.correct(word) for word in words if word not in self._name_words}
        mended = (fix for word, fix in fixes.items() if fix != word and fix not in _FUNCTION_ASCII_SET)
        return list(dict.fromkeys(mended))

    def coverage(self, tokens: list[str], entry_id: str) -> float:
        """The IDF-weighted share of the question's words that occur in the entry (any language)."""
        weights = [self._idf.get(token, self._unknown_idf) for token in tokens]
        total = sum(weights)
        if not total:
            return 0.0
        have = self._entry_tokens.get(entry_id, set())
        return sum(w for token, w in zip(tokens, weights, strict=True) if token in have) / total

    def _unseen(self, tokens: list[str]) -> float:
        """The IDF-weighted share of the question's words that no fact entry uses (weather, parking…:
        at most a "not published" entry knows them)."""
        known = self._fact_words
        # a number is no sign of an unknown subject: "32 European companies?" asks a known figure wrongly
        tokens = [token for token in tokens if not token.isdigit()]
        weights = [(self._idf.get(token, self._unknown_idf), token not in known) for token in tokens]
        total = sum(w for w, _ in weights)
        return sum(w for w, unseen in weights if unseen) / total if total else 0.0

    def _dense(self, vector: list[float]) -> list[tuple[Document, float]]:
        if self._exact is not None:
            return self._exact.nearest(vector, CANDIDATES)
        found = self.store.similarity_search_by_vector_with_relevance_scores(vector, k=CANDIDATES)
        return [(doc, 1.0 - distance) for doc, distance in found]  # cosine distance → similarity

    def _lexical(self, tokens: list[str], entry_ids: Collection[str]) -> dict[str, float]:
        """Entry id → its best chunk's BM25 score, scaled so the best entry of all has 1 (for
        `entry_ids`, the entries the question is near in meaning)."""
        scores = self.lexicon.bm25.scores(tokens) if tokens else None
        top = float(scores.max(initial=0.0)) if scores is not None else 0.0
        if scores is None or top <= 0:
            return {}
        best = {}
        for entry_id in entry_ids:
            start, end = self.lexicon.entry_rows.get(entry_id, (0, 0))
            best[entry_id] = max(0.0, float(scores[start:end].max(initial=0.0))) / top
        return best

    def candidates(
        self, query: str, vector: list[float] | None, lang: str | None, intent: str | None = None
    ) -> Candidates:
        """The names `query` mentions, and every entry near it in meaning with its signals and
        the model's confidence that it answers. A follow-up's `intent` (the new question of two read
        together) says which figure is asked, when it asks one ("… 有没有出席，还有会是哪天开的？": a
        date, not whether someone attended)."""
        query = self.readable(query, lang)
        names = self.names.find(query)
        tokens = tokenize(query, lang, self.correct) + _name_tokens(names)
        if vector is None:
            vector = self.embed(query, lang)
        hits: dict[str, Hit] = {}
        by_role: dict[str, dict[str, float]] = {}
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
            role = "question" if meta["role"] == "question" else "body"
            best_by_role = by_role.setdefault(meta["entry_id"], {"question": 0.0, "body": 0.0})
            best_by_role[role] = max(best_by_role[role], similarity)
        lexical = self._lexical(tokens, hits.keys())
        top_dense = max((hit.dense for hit in hits.values()), default=0.0)
        intended = self._wanted(self.readable(intent, lang), names) if intent is not None else frozenset()
        wants_figures = intended or self._wanted(query, names)
        spelt = self.spelt_right(query)
        unseen, wants_time = self._unseen(tokens), asks_time(query) or asks_time(spelt)
        asked_tokens = [token for token in tokens if token not in self._name_tokens]
        asked = {  # a question that only names someone asks nothing the entry could lack
            hit.entry_id: self.coverage(asked_tokens, hit.entry_id) if asked_tokens else 1.0
            for hit in hits.values()
        }
        for hit in hits.values():
            hit.coverage = self.coverage(tokens, hit.entry_id)
        gaps = [hit for hit in hits.values() if hit.kind == "gap"]
        gap_dense = max((hit.dense for hit in gaps), default=0.0)
        gap_coverage = max((hit.coverage for hit in gaps), default=0.0)
        gap_asked = max((asked[hit.entry_id] for hit in gaps), default=0.0)
        lacking = {
            hit.entry_id
            for hit in hits.values()
            if (wants_time and hit.entry_id not in self._timed)
            or not wants_figures <= self._figures.get(hit.entry_id, frozenset())
        }
        giving = any(
            hit.kind != "gap" and hit.entry_id not in lacking and hit.dense >= top_dense - DETAIL_NEAR
            for hit in hits.values()
        )
        for hit in hits.values():
            named = set(names) & self.entry_names(hit.entry_id)
            hit.signals = Signals(
                dense=hit.dense,
                dense_question=by_role[hit.entry_id]["question"],
                dense_body=by_role[hit.entry_id]["body"],
                dense_gap=hit.dense - top_dense,
                lexical=lexical.get(hit.entry_id, 0.0),
                coverage=hit.coverage,
                asked_coverage=asked[hit.entry_id],
                unseen=unseen,
                names_hit=len(named) / len(names) if names else 0.0,
                names_miss=float(bool(names) and not named),
                time_missing=float(wants_time and hit.entry_id not in self._timed),
                figure_missing=float(not wants_figures <= self._figures.get(hit.entry_id, frozenset())),
                detail_elsewhere=float(giving and hit.entry_id in lacking),
                gap_dense=max(0.0, gap_dense - hit.dense),
                gap_coverage=max(0.0, gap_coverage - hit.coverage),
                gap_asked=max(0.0, gap_asked - asked[hit.entry_id]),
            )
        scores = self.model.confidences([hit.signals for hit in hits.values()])
        for hit, score in zip(hits.values(), scores, strict=True):
            hit.score = score
        return Candidates(names, wants_figures, list(hits.values()))

    def _decide(self, query: str, found: Candidates, k: int) -> Retrieval:
        """Fact entries ranked by the model; the nearest "not published" entry kept as the fallback."""
        hits = found.hits
        facts = sorted((hit for hit in hits if hit.kind != "gap"), key=lambda hit: hit.score, reverse=True)
        # an entry lacking the detail asked yields to a likely one giving it ("哪天": the date entry)
        giving = next((hit for hit in facts[1:k] if not lacks(hit) and hit.score >= ANSWER_LINE), None)
        if facts and lacks(facts[0]) and giving is not None:
            facts.remove(giving)
            facts.insert(0, giving)
        gaps = [hit for hit in hits if hit.kind == "gap" and hit.dense >= GAP_MIN_DENSE]
        # a company or country no entry mentions: which ones took part is what is not published
        unknown = self._about_the_unknown(query, found.names)
        wanted = found.wanted | ({NAMES_FIGURE} if unknown else frozenset())
        gap = max(  # a gap that explains the figure asked leads ("eat": food)
            gaps,
            key=lambda hit: (
                bool(wanted & self._gap_figures.get(hit.entry_id, frozenset())),
                hit.dense + GAP_COVERAGE_WEIGHT * hit.coverage,
            ),
            default=None,
        )
        nearest_gap = max(gaps, key=lambda hit: hit.dense, default=None)
        repeated = bool(
            facts
            and nearest_gap is not None
            and nearest_gap.dense >= REPEAT_DENSE
            and nearest_gap.dense - facts[0].dense >= REPEAT_LEAD
        )
        if repeated:  # "Qual è la capitale della Francia?" is off-topic, whatever "capitale estero" says
            gap = nearest_gap
        # "Which exactly are the 20-plus firms?": a fact that lacks the detail asked does not answer
        # when a "not published" entry can say what is missing
        lacking = bool(facts and gap is not None and lacks(facts[0]))
        # "What did Miao Xiumei say?": Liu Jia's speech is about someone else, and a likelier "not
        # published" entry that names her says what is missing
        elsewhere = bool(
            facts
            and gap is not None
            and facts[0].signals.names_miss > 0
            and gap.signals.names_hit > 0
            and gap.score > facts[0].score
        )
        return Retrieval(
            query=query,
            hits=facts[:k],
            confidence=facts[0].score if facts and not (repeated or lacking or elsewhere or unknown) else 0.0,
            gap=gap,
            names=found.names,
            tentative_below=self.model.tentative,
        )

    def _about_the_unknown(self, query: str, names: Sequence[str]) -> bool:
        """The question asks about a place or a company no entry mentions, and names no person or
        company that one does: "有没有西班牙企业参加", "did Bosch attend?" ask what the sources do not
        cover ("Is Valeo Spanish?" is about Valeo; "… from a pack assembler in Poland. How many …?"
        is not about Poland)."""
        known = [name for name in names if name in self._mentioned]
        if len(known) == len(names) or _names_someone(known, self.names):
            return False
        asking = [
            _SPEAKER_GUESSED.sub(lambda said: said.group(1) or said.group(2), _GUESS.sub("", sentence))
            for sentence in asking_sentences(query)
        ]
        asked = {name for sentence in asking for name in self.names.find(sentence)}
        return any(name not in self._mentioned for name in asked)

    def _wanted(self, query: str, names: Sequence[str]) -> frozenset[str]:
        """The figures `query` asks for (`figures_asked`) outside the names and roles of the people and
        companies it names ("the German trade fair organiser" asks for no organiser), as the
        entities it names make them mean."""
        kinds = {self.names.entities[found].kind for found in names}
        named = [found for found in names if self.names.entities[found].kind in NAMED_KINDS]
        # asked in the sentences that ask, not in a story told around them ("… skipped breakfast …
        # was it in the morning or the afternoon?" asks no lunch)
        without = self.names.without(without_the_story(query), named, instead=SOMEONE)
        wanted = figures_asked(without) | figures_asked(self.spelt_right(without))  # "secnd day"
        if "person" in kinds:
            # "Guadagno è il sindaco di Roma, giusto?": whether someone named is a mayor, which their
            # profile says
            wanted -= {"mayor"}
        if not kinds & FIRM_KINDS:
            # "哪些产品已经卖到欧洲": whose products, which the sources name, not a company's range
            return wanted - {"products", "business"}
        if "company" in kinds and "person" not in kinds:
            if "business" in wanted:  # "di cosa si occupa Kaiwu?": its business, not a career
                wanted -= {"career"}
            if "nationality" in wanted:  # "Valeo è tedesca o francese?": a company's is its country
                return wanted - {"nationality"} | {"country"}
        return wanted

    def search(
        self, query: str, k: int = 3, vector: list[float] | None = None, lang: str | None = None
    ) -> Retrieval:
        """The top `k` fact entries for `query`, with the confidence that the first one answers it.
        `vector` is the query's embedding (`embed`) when the caller has it already; `lang` the
        query's language (its words are stemmed like the entries in that language)."""
        return self._decide(query, self.candidates(query, vector, lang), k)

    def search_follow_up(
        self,
        question: str,
        previous: str,
        k: int = 3,
        lang: str | None = None,
        vector: list[float] | None = None,
        same_message: bool = False,
        previous_vector: list[float] | None = None,
    ) -> Retrieval:
        """A follow-up ("and what did he say?"): the entries that fit both the question and the
        two questions read together, so the new question's intent meets the earlier one's subject.
        `vector` is the question's embedding when the caller has it already; for a question of
        the `same_message` it also stands for the question with the names carried over (one
        embedding less; the names are still searched by their words). `previous_vector`, the
        earlier text's embedding, stands for the two read together when the earlier text already
        holds the question (a story around what it asks)."""
        own = self.names.find(question)
        if own:  # "and Kaiwu?" after "What is Avio?": the new subject replaces the earlier one
            previous = self.names.without(previous, set(self.names.find(previous)) - set(own))
        together = f"{previous} {question}"
        both = self.candidates(together, previous_vector, lang, intent=question)
        # "he", "她", "lui" read as whom the earlier question named: "… does he work for? (Hans Song)"
        resolved = f"{question} ({', '.join(both.names)})" if both.names else question
        alone = self.candidates(resolved, vector if resolved == question or same_message else None, lang)
        alone_scores = {hit.entry_id: hit.score for hit in alone.hits}
        for hit in both.hits:
            hit.score = (hit.score + alone_scores.get(hit.entry_id, 0.0)) / 2
        return self._decide(together, both, k)
