"""BM25 (Okapi) as a sparse matrix: one question scored against every chunk in a few NumPy calls.

The scores are those of `rank_bm25.BM25Okapi` (k1 1.5, b 0.75, negative IDFs floored at a quarter
of the average IDF), computed with the same floating-point operations in the same order, so
answers do not change; but the weight of every word in every chunk is computed once, when the
index is built, and a question only adds up the columns of its own words (`scipy.sparse`).
`bm25s` was the other candidate: it keeps float32 scores and has no IDF floor, so its scores
differ from the ones the ranking model was fitted on.
"""

import math
from collections.abc import Sequence

import numpy as np
from scipy import sparse

K1 = 1.5
B = 0.75
EPSILON = 0.25


def _document_frequencies(corpus: Sequence[Sequence[str]]) -> tuple[dict[str, int], list[dict[str, int]]]:
    """Word → how many documents have it (in order of first use), and each document's word counts."""
    counts: list[dict[str, int]] = []
    having: dict[str, int] = {}
    for document in corpus:
        frequencies: dict[str, int] = {}
        for word in document:
            frequencies[word] = frequencies.get(word, 0) + 1
        counts.append(frequencies)
        for word in frequencies:
            having[word] = having.get(word, 0) + 1
    return having, counts


def _idf(having: dict[str, int], size: int) -> dict[str, float]:
    idf: dict[str, float] = {}
    negative = []
    total = 0.0
    for word, freq in having.items():
        idf[word] = math.log(size - freq + 0.5) - math.log(freq + 0.5)
        total += idf[word]
        if idf[word] < 0:
            negative.append(word)
    floor = EPSILON * (total / len(idf))
    for word in negative:
        idf[word] = floor
    return idf


class BM25:
    """BM25 Okapi scores of a query against every document of a tokenised corpus."""

    def __init__(self, corpus: Sequence[Sequence[str]], order: Sequence[int] | None = None) -> None:
        """`order`: the documents' order as rows of the matrix (and of `scores`), when not the
        corpus's own (the IDFs are those of the corpus in its own order either way)."""
        having, counts = _document_frequencies(corpus)
        idf = _idf(having, len(corpus)) if having else {}
        self.columns = {word: column for column, word in enumerate(having)}
        lengths = np.array([len(document) for document in corpus], dtype=np.int64)
        average = float(lengths.sum()) / len(corpus) if len(corpus) else 1.0
        rows = np.repeat(np.arange(len(corpus)), [len(frequencies) for frequencies in counts])
        columns = np.fromiter(
            (self.columns[word] for frequencies in counts for word in frequencies),
            dtype=np.int64,
            count=len(rows),
        )
        tf = np.fromiter(
            (freq for frequencies in counts for freq in frequencies.values()), dtype=np.int64, count=len(rows)
        )
        word_idf = np.array(list(idf.values()), dtype=np.float64)[columns] if len(rows) else np.zeros(0)
        # the same expression, operation for operation, as rank_bm25's get_scores
        weights = word_idf * (tf * (K1 + 1) / (tf + K1 * (1 - B + B * lengths[rows] / average)))
        self.size = len(corpus)
        if order is not None:
            rows = np.argsort(np.asarray(order, dtype=np.int64))[rows]
        self.matrix = sparse.csc_matrix(
            (weights, (rows, columns)), shape=(len(corpus), len(self.columns)), dtype=np.float64
        )

    def scores(self, query: Sequence[str]) -> np.ndarray:
        """Every document's score for `query` (its words added in order, repeats included)."""
        total = np.zeros(self.size)
        matrix = self.matrix
        for word in query:
            column = self.columns.get(word)
            if column is None:
                continue
            start, end = matrix.indptr[column], matrix.indptr[column + 1]
            total[matrix.indices[start:end]] += matrix.data[start:end]
        return total
