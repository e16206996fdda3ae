"""Exact nearest chunks of a question's vector, from the index's vectors held in memory (NumPy).

For an index of a few thousand chunks one matrix product is faster than Chroma's HNSW graph query
(a few tenths of a millisecond against several), and exact. Chroma stays the store: the vectors are read
from the active collection when it opens, and a larger index is searched by Chroma's graph.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from langchain_core.documents import Document

from bot.index import read_all


class ExactSearch:
    """Every chunk's unit vector and its document, searched by cosine similarity."""

    def __init__(self, vectors: np.ndarray, documents: list[Document]) -> None:
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        self._vectors = vectors / np.where(norms == 0, 1.0, norms)
        self._documents = documents

    @classmethod
    def read(cls, get: Callable[..., Any], count: int, up_to: int) -> ExactSearch | None:
        """The collection's chunks, read with its `get`; None when it holds more than `up_to` (or
        none): its graph then searches it."""
        if not 0 < count <= up_to:
            return None
        got = read_all(get, ["embeddings", "documents", "metadatas"])
        documents = [
            Document(page_content=text or "", metadata=meta or {})
            for text, meta in zip(got["documents"], got["metadatas"], strict=True)
        ]
        return cls(np.asarray(got["embeddings"], dtype=np.float32), documents)

    def nearest(self, vector: list[float], k: int) -> list[tuple[Document, float]]:
        """The `k` chunks nearest `vector`, nearest first, with their cosine similarity."""
        query = np.asarray(vector, dtype=np.float32)
        query /= float(np.linalg.norm(query)) or 1.0
        # einsum's own loop, not BLAS: BLAS's threads spin after a product, on the core the engine
        # needs when another process holds the other (questions then took twice as long)
        similarity = np.einsum("ij,j->i", self._vectors, query)
        k = min(k, len(similarity))
        top = np.sort(np.argpartition(-similarity, k - 1)[:k])  # equally near: in the index's order
        ranked = top[np.argsort(-similarity[top], kind="stable")]
        return [(self._documents[row], float(similarity[row])) for row in ranked]
