"""The core: (question, delegate context) → `Answer`. Knows nothing about Telegram or consoles."""

import asyncio
import logging
import re
import threading
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from chromadb.errors import NotFoundError
from langchain_core.runnables import Runnable

from bot import index
from bot.answer import Answer, Reason, abstention, answer_chain
from bot.config import Settings
from bot.guard import has_text, is_injection, small_talk
from bot.language import detect, is_foreign, refers_back
from bot.normalise import clean
from bot.retrieval import Retrieval, Retriever
from bot.texts import text

log = logging.getLogger(__name__)

_NAME_WORD = re.compile(r"[A-Za-z][A-Za-z'-]+")
# The other Lishui: 丽水 (a city in Zhejiang), often typed for 溧水 (the district of Nanjing) too.
_OTHER_LISHUI = re.compile(r"丽水|浙江|zhejiang", re.IGNORECASE)
WHICH_LISHUI_ENTRY = "faq-which-lishui"
REPORT_EVERY = 60.0  # seconds between a replica's reports of the index it answers from


@dataclass
class Context:
    """What the front end knows about the delegate asking."""

    preferred_language: str | None = None  # chosen in the bot, or the client's language code
    history: Sequence[str] = field(default_factory=tuple)  # earlier questions, oldest first


class Assistant:
    """Answers delegates' questions from the active index; reloads when an ingest (in this process
    or another replica) moves the index pointer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.replica = uuid.uuid4().hex[:12]
        self._lock = threading.Lock()
        self._checking = threading.Lock()
        self._pointer = index.Pointer(settings)
        self._loaded_collection = ""
        self._checked_at = self._reported_at = 0.0
        self.retriever: Retriever
        self.chain: Runnable
        self._neutral: frozenset[str] = frozenset()
        self.reload()
        self._warm_up()

    def _warm_up(self) -> None:
        """Load the tokenizer dictionary and language models now, not on a delegate's first question."""
        self.retriever.search("预热 warm-up riscaldamento", 1)
        self.language("warm-up riscaldamento", Context())

    def reload(self) -> None:
        """Open the active index (after an ingest) and rebuild the answer chain on it."""
        retriever = Retriever.from_settings(self.settings)
        chain = answer_chain(self.settings, retriever)
        with self._lock:
            self.retriever, self.chain = retriever, chain
            self._neutral = _neutral_words(retriever)
            self._loaded_collection = retriever.manifest.collection
        self._checked_at = time.monotonic()  # as good as a check of the pointer
        self._report()

    def _report(self) -> None:
        """Tell the other replicas' ingests which generation this one answers from (kept meanwhile)."""
        self._reported_at = time.monotonic()
        try:
            self._pointer.report(self.replica, self._loaded_collection)
        except Exception as exc:  # an unreachable Chroma server: answering goes on, the next report retries
            log.warning("could not report the index in use: %s", exc)

    @property
    def menu_data(self) -> dict:
        """The structured knowledge (agenda, enterprises, investment) of the active index."""
        self._reload_if_reingested()
        return self.retriever.manifest.data

    def _reload_if_reingested(self) -> None:
        """At most once per `INDEX_CHECK_SECONDS` (and one thread at a time; the others answer on):
        one small read of the pointer, and a reload only when an ingest moved it."""
        now = time.monotonic()
        if now - self._checked_at < self.settings.index_check_seconds or not self._checking.acquire(False):
            return
        try:
            self._checked_at = now
            active = self._pointer.active()
            if active and active != self._loaded_collection:
                log.info("the index was rebuilt (%s); reloading", active)
                self.reload()
            elif now - self._reported_at >= REPORT_EVERY:
                self._report()
        finally:
            self._checking.release()

    def language(self, question: str, context: Context) -> str:
        if self.retriever.is_pinyin(question):
            return "zh"
        return detect(question, context.preferred_language, self._neutral)

    def ask(self, question: str, context: Context | None = None) -> Answer:
        context = context or Context()
        question = clean(question).strip()
        lang = self.language(question, context)
        early = self._check_input(question, lang)
        if early:
            return early
        self._reload_if_reingested()
        try:
            retrieval = self._retrieve(retrieval_text(question), lang, context)
        except NotFoundError:  # the generation was deleted under a replica that fell far behind
            log.warning("the index %s is gone; reloading the active one", self._loaded_collection)
            self.reload()
            retrieval = self._retrieve(retrieval_text(question), lang, context)
        answer = self._answer(question, lang, retrieval)
        explained = any(source.entry_id == WHICH_LISHUI_ENTRY for source in answer.sources)
        if _OTHER_LISHUI.search(question) and not explained:
            answer.text = f"{text(lang, 'which_lishui')}\n\n{answer.text}"
        return answer

    def _answer(self, question: str, lang: str, retrieval: Retrieval) -> Answer:
        """The likeliest fact entry when it is likely enough; else the "not published" entry that
        explains the gap; else "I don't know" (both with what the sources say about a name asked)."""
        if retrieval.best is not None and retrieval.confidence >= self.settings.min_confidence:
            return self.chain.invoke({"question": question, "lang": lang, "retrieval": retrieval})
        if is_foreign(question):  # a language the bot does not speak: say which ones it does
            return abstention(retrieval, lang, Reason.NO_MATCH, self.retriever, "dont_know_language")
        if retrieval.gap is not None:
            return abstention(retrieval, lang, Reason.GAP, self.retriever)
        return abstention(retrieval, lang, Reason.NO_MATCH, self.retriever)

    async def ask_async(self, question: str, context: Context | None = None) -> Answer:
        """`ask` off the event loop: embedding and the LLM call block."""
        return await asyncio.to_thread(self.ask, question, context)

    def _check_input(self, question: str, lang: str) -> Answer | None:
        limit = self.settings.max_question_chars
        if not question:
            return Answer(text(lang, "empty"), lang, Reason.EMPTY)
        if len(question) > limit:
            return Answer(text(lang, "too_long", length=len(question), limit=limit), lang, Reason.TOO_LONG)
        if not has_text(question):
            return Answer(text(lang, "no_text"), lang, Reason.NO_TEXT)
        if is_injection(question):
            return Answer(text(lang, "refuse"), lang, Reason.REFUSED)
        kind = small_talk(question)
        if kind:
            return Answer(text(lang, kind), lang, Reason.SMALL_TALK)
        return None

    def _retrieve(self, question: str, lang: str, context: Context) -> Retrieval:
        """Search for the question alone; one that leans on the previous question ("he", "and …?",
        他) is also read with it, and the better reading wins."""
        k, enough = self.settings.top_k, self.settings.min_confidence
        vector = self.retriever.embed(question)  # embedded once, for both searches
        alone = self.retriever.search(question, k, vector, lang)
        if not context.history or not refers_back(question):
            return alone
        follow_up = self.retriever.search_follow_up(question, context.history[-1], k, lang, vector)
        better = follow_up.confidence > alone.confidence or follow_up.confidence >= enough
        return follow_up if better else alone


def retrieval_text(question: str) -> str:
    """What is searched for: the question with 丽水 read as 溧水 (the Lishui of this meeting; the
    answer notes the difference)."""
    return clean(question).strip().replace("丽水", "溧水")


def _neutral_words(retriever: Retriever) -> frozenset[str]:
    """Latin-script words found in the Chinese entries too: names such as "Brembo" or "Avio",
    which say nothing about the language of a question."""
    words = (
        _NAME_WORD.findall(doc.page_content) for doc in retriever.documents if doc.metadata["lang"] == "zh"
    )
    return frozenset(word.lower() for found in words for word in found)
