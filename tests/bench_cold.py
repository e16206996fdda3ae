"""One start of the bot's core in a fresh process, for the scale part of `make bench`.

`python -m tests.bench_cold FACTOR QUESTIONS [HOST:PORT]` opens the synthetic base FACTOR × today's
size (its index must exist; through a Chroma server at HOST:PORT when given) as the bot does at
start-up, asks every question of QUESTIONS once, and prints
one JSON object: the import of the core (`import_s`), the cold start (`Assistant(...)`: models,
index, lexicon; `cold_start_s`), the first question after it, and the process's memory after the
start and at its peak (`peak_rss_mb`: the bot alone, nothing of the bench in it).

`python -m tests.bench_cold --vectors FOLDER` opens the Chroma collection of the stand-in in
FOLDER (`tests.bench_scale.vector_stand_in`: random vectors, as many as a base's chunks, for a
size whose real index is not built) and answers one query: how long that takes, and the memory
it adds (`vectors_rss_mb`).
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def peak_rss_mb(pid: int | str = "self") -> float:
    """A process's peak memory, this one's by default (`VmHWM`; `ru_maxrss` would include the
    bench's, from the fork)."""
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]) / 1024


def vectors(folder: Path) -> dict[str, float]:
    import chromadb
    import numpy as np

    before = _rss_mb()
    began = time.perf_counter()
    client = chromadb.PersistentClient(path=str(folder))
    collection = client.get_collection("stand-in")
    query = np.random.default_rng(1).standard_normal((1, 384)).astype(np.float32)
    collection.query(query_embeddings=query, n_results=40)
    return {
        "vectors": collection.count(),
        "open_and_first_query_s": round(time.perf_counter() - began, 2),
        "vectors_rss_mb": round(_rss_mb() - before, 1),
    }


def main(argv: list[str]) -> int:
    if argv[0] == "--vectors":
        print(json.dumps(vectors(Path(argv[1]))))
        return 0
    factor, questions = int(argv[0]), Path(argv[1])
    began = time.perf_counter()
    from bot.core import Assistant, Context

    imported = time.perf_counter() - began
    from bot.evaluation import load_items
    from tests.bench_scale import settings_for

    settings, items = settings_for(factor), load_items(questions)
    if len(argv) > 2:  # HOST:PORT of a Chroma server holding the index: the vectors live there
        host, port = argv[2].rsplit(":", 1)
        settings = settings.model_copy(update={"chroma_host": host, "chroma_port": int(port)})
    began = time.perf_counter()
    assistant = Assistant(settings)
    cold = time.perf_counter() - began
    started_rss = _rss_mb()
    began = time.perf_counter()
    assistant.ask(items[0].question, Context(preferred_language=items[0].lang))
    first = (time.perf_counter() - began) * 1000
    for item in items[1:]:
        assistant.ask(item.question, Context(preferred_language=item.lang))
    report = {
        "import_s": round(imported, 2),
        "cold_start_s": round(cold, 2),
        "first_question_ms": round(first, 1),
        "rss_after_start_mb": round(started_rss, 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
    }
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
