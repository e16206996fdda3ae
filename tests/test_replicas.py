"""Two replicas of the bot in webhook mode on shared services, for real: a PostgreSQL server, a
Chroma server, and the Telegram emulator for the bots' outgoing calls. Updates go alternately to
both (as a load balancer would); one ingests while the other answers. No error, no lost or
duplicated ticket, one winner per claim, and every answer from the newest index after the switch.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from itertools import count
from pathlib import Path

import httpx
import pytest

from bot import index
from bot.config import Settings
from bot.storage import Store
from bot.texts import staff_text, text
from tests.conftest import write_entry
from tests.harness.emulator import free_port
from tests.harness.services import ChromaServer, PostgreSQL, ServiceUnavailable
from tests.harness.stack import Harness

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = ("event-venue", "event-date", "people-hans-song", "faq-which-lishui")  # a small knowledge base
STAFF_CHAT, STAFF, ORGANISER = -1001234567890, (7001, 7002), 7100
SECRET = "replica-test-secret"
MASCOT = "What is the mascot of the meeting?"
_updates = count(1)


@pytest.fixture(scope="module")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[PostgreSQL, ChromaServer]]:
    try:
        postgres = PostgreSQL().start()
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))
    try:
        chroma = ChromaServer(tmp_path_factory.mktemp("chroma")).start()
    except ServiceUnavailable as exc:
        postgres.stop()
        pytest.skip(str(exc))
    yield postgres, chroma
    chroma.stop()
    postgres.stop()


def small_knowledge(folder: Path) -> Path:
    shutil.copytree(ROOT / "knowledge" / "data", folder / "data")
    (folder / "entries").mkdir()
    for path in (ROOT / "knowledge" / "entries").glob("*.md"):
        if path.name.split(".")[0] in ENTRIES:
            shutil.copy(path, folder / "entries")
    return folder


class Replica:
    """`python -m bot` in webhook mode, as in production."""

    def __init__(self, name: str, env: dict[str, str], folder: Path) -> None:
        self.name, self.port = name, free_port()
        self.log = folder / f"{name}.log"
        env = {**env, "DATA_DIR": str(folder / name), "WEBHOOK_PORT": str(self.port),
               "WEBHOOK_URL": f"http://127.0.0.1:{self.port}/hook"}
        with self.log.open("w") as log:
            self.process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=folder, env=env,
                                            stdout=log, stderr=subprocess.STDOUT)

    async def ready(self, http: httpx.AsyncClient, timeout: float = 120.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                await http.get(f"http://127.0.0.1:{self.port}/hook")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.5)
        raise AssertionError(f"{self.name} did not start:\n{self.log.read_text()}")

    async def feed(self, http: httpx.AsyncClient, update: dict) -> None:
        body = {"update_id": next(_updates), **update}
        response = await http.post(f"http://127.0.0.1:{self.port}/hook", json=body,
                                   headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        assert response.status_code == 200, response.text

    def stop(self) -> str:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        return self.log.read_text()


def message(user: int, words: str, chat: int | None = None) -> dict:
    chat_id = chat or user
    command = {"type": "bot_command", "offset": 0, "length": len(words.split()[0])}
    entities = [command] if words[0] == "/" else []
    return {"message": {
        "message_id": next(_updates), "date": int(time.time()), "text": words, "entities": entities,
        "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup", "first_name": f"U{user}"},
        "from": {"id": user, "is_bot": False, "first_name": f"U{user}", "language_code": "en"}}}


def button(user: int, data: str, chat: int, message_id: int) -> dict:
    return {"callback_query": {
        "id": str(next(_updates)), "chat_instance": "replicas", "data": data,
        "from": {"id": user, "is_bot": False, "first_name": f"Staff{user}", "language_code": "en"},
        "message": {"message_id": message_id, "date": int(time.time()),
                    "chat": {"id": chat, "type": "supergroup"}}}}


async def until(condition, timeout: float = 120.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.2)


async def test_two_replicas_share_tickets_and_switch_index_together(
    services, tmp_path: Path, emulator: Harness
):
    postgres, chroma = services
    knowledge = small_knowledge(tmp_path / "knowledge")  # one knowledge folder for both (a shared volume)
    token = f"{next(_updates) + 555_000_000}:replicas-test"
    env = {key: value for key, value in os.environ.items() if not key.startswith(("TELEGRAM", "WEBHOOK"))}
    env.update(
        TELEGRAM_BOT_TOKEN=token, TELEGRAM_API_BASE_URL=emulator.bot_api_url, WEBHOOK_SECRET=SECRET,
        WEBHOOK_LISTEN="127.0.0.1", DATABASE_URL=postgres.url, CHROMA_HOST=chroma.host,
        CHROMA_PORT=str(chroma.port), KNOWLEDGE_DIR=str(knowledge), STAFF_CHAT_ID=str(STAFF_CHAT),
        STAFF_IDS=",".join(map(str, STAFF)), ADMIN_IDS=str(ORGANISER), INDEX_CHECK_SECONDS="0.5",
        OPENAI_API_KEY="", OMP_NUM_THREADS="1", PYTHONPATH=str(ROOT), PUBLISH_DIR=str(tmp_path / "publish"),
    )
    settings = Settings(_env_file=None, knowledge_dir=knowledge, data_dir=tmp_path / "ingest",
                        chroma_host=chroma.host, chroma_port=chroma.port)
    index.ingest(settings)
    replicas = [Replica(name, env, tmp_path) for name in ("a", "b")]
    sent = lambda chat: [c.params for c in emulator.calls("sendMessage", token)  # noqa: E731
                         if int(c.params.get("chat_id", 0)) == chat]
    try:
        async with httpx.AsyncClient(timeout=30) as http:
            await asyncio.gather(*(replica.ready(http) for replica in replicas))
            delegates = list(range(5001, 5009))

            # questions, alternately to both replicas
            for n, user in enumerate(delegates):
                await replicas[n % 2].feed(http, message(user, "Where is the venue?"))
            await until(lambda: all(sent(user) for user in delegates), what="answers")

            # tickets: each delegate asks for a person; two of them press twice, on both replicas at once
            await asyncio.gather(*(replicas[n % 2].feed(http, message(user, f"/human question {user}"))
                                   for n, user in enumerate(delegates)))
            await asyncio.gather(*(replica.feed(http, message(user, f"/human again {user}"))
                                   for user in delegates[:2] for replica in replicas))
            store = Store(postgres.url)
            tickets = lambda: store.query(  # noqa: E731
                "SELECT id, user_id, staff_id, staff_message_id FROM tickets ORDER BY id"
            )
            posted = lambda: len(tickets()) == len(delegates) and all(t.staff_message_id for t in tickets())  # noqa: E731
            await until(posted, what="ticket cards")
            assert sorted(t.user_id for t in tickets()) == delegates  # none lost, none duplicated
            cards = [p for p in sent(STAFF_CHAT) if staff_text("en", "claim") in str(p.get("reply_markup"))]
            assert len(cards) == len(delegates)  # each card posted once

            # two staff members claim every ticket at the same moment, one on each replica
            await asyncio.gather(*(replicas[i].feed(http, button(STAFF[i], f"tk:claim:{t.id}", STAFF_CHAT,
                                                                 t.staff_message_id))
                                   for t in tickets() for i in (0, 1)))
            answered = lambda: [c.params for c in emulator.calls("answerCallbackQuery", token)]  # noqa: E731
            await until(lambda: len(answered()) == 2 * len(delegates), what="claim confirmations")
            refused = [a for a in answered() if a.get("show_alert") in (True, "true")]
            assert len(refused) == len(delegates)  # exactly one winner per ticket
            assert all(t.staff_id in STAFF for t in tickets())

            # the organiser adds a fact and reloads on replica a while replica b keeps answering
            write_entry(knowledge, "parrot-fact", "en",
                        "The official mascot of the docking meeting test is a green parrot named Pico.",
                        questions=(MASCOT,))
            before = index.read_manifest(settings).collection
            await replicas[0].feed(http, message(ORGANISER, "/reload"))
            asked = 0
            while index.read_manifest(settings).collection == before:
                await replicas[1].feed(http, message(6000 + asked, "When is the meeting?"))
                asked += 1
                await asyncio.sleep(0.5)
            await until(lambda: all(sent(6000 + n) for n in range(asked)), what="answers during the ingest")
            # each replica switches at its next question (after INDEX_CHECK_SECONDS) and reports it
            newest, pointer = index.read_manifest(settings).collection, index.Pointer(settings)
            deadline = time.monotonic() + 120
            while pointer.in_use(grace=300) != {newest}:
                assert time.monotonic() < deadline, "a replica never switched to the newest index"
                await asyncio.gather(*(r.feed(http, message(6050, "When is the meeting?")) for r in replicas))
                await asyncio.sleep(1.0)
            for n in range(6):
                await replicas[n % 2].feed(http, message(6100 + n, MASCOT))
            await until(lambda: all(sent(6100 + n) for n in range(6)), what="answers after the switch")
            after = [sent(6100 + n)[-1]["text"] for n in range(6)]
            assert all("Pico" in answer for answer in after), [(n % 2, a[:50]) for n, a in enumerate(after)]
            everything = [call.params.get("text") for call in emulator.calls("sendMessage", token)]
            assert text("en", "error") not in everything
            store.close()
    finally:
        logs = [replica.stop() for replica in replicas]
    for log in logs:
        assert "Traceback" not in log and "error while handling" not in log, log[-3000:]
