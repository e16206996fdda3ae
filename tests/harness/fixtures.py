"""pytest fixtures for end-to-end tests over real HTTP (registered in tests/conftest.py).

* `emulator` (session): the Node emulator and the bridge, shared by all tests;
* `running_bot`: the product's `Application`, built by `build_application` exactly as in
  production but pointed at the bridge, polling inside the test's event loop; a fresh bot token
  per test keeps tests apart. `running_bot.delegate(language_code="it")` makes a user.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.ext import Application

from bot.config import Settings
from bot.core import Assistant
from bot.telegram.app import build_application
from tests.harness.bridge import Call, Fault, SentFile
from tests.harness.client import Delegate, Inbox
from tests.harness.stack import Harness

_bot_numbers = itertools.count(100_000_001)


def new_token() -> str:
    """A token the emulator has never seen: its own update queue and message history."""
    return f"{next(_bot_numbers)}:e2e-{uuid.uuid4().hex[:16]}"


@dataclass
class RunningBot:
    """The product bot, polling the emulator through the bridge."""

    application: Application
    harness: Harness
    token: str
    settings: Settings
    http: httpx.AsyncClient
    inbox: Inbox

    def delegate(self, **options: Any) -> Delegate:
        """A Telegram user talking to this bot (see `Delegate` for the options)."""
        me = self.application.bot.bot.to_dict()
        return Delegate(
            self.harness.client_url, self.token, inbox=self.inbox, http=self.http, bot=me, **options
        )

    def calls(self, method: str | None = None) -> list[Call]:
        """Bot API calls this bot made, oldest first."""
        return self.harness.calls(method, self.token)

    def files_sent(self) -> list[SentFile]:
        """Documents and photos this bot sent, oldest first (kept by the bridge)."""
        assert self.harness.bridge is not None
        return self.harness.bridge.files_sent(self.token)

    def fail(self, method: str, times: int = 1, status: int = 500, retry_after: int | None = None) -> Fault:
        return self.harness.fail(method, times, status, retry_after)


@asynccontextmanager
async def start_bot(
    harness: Harness,
    settings: Settings,
    assistant: Assistant,
    *,
    token: str | None = None,
    poll_interval: float = 0.0,
    poll_timeout: float = 5.0,
    **builder_options: Any,
) -> AsyncIterator[RunningBot]:
    """Run the product bot like `Application.run_polling` does, but inside the caller's loop."""
    token = token or new_token()
    bot_settings = settings.model_copy(
        update={"telegram_bot_token": token, "telegram_api_base_url": harness.bot_api_url}
    )
    application = build_application(bot_settings, assistant, **builder_options)
    async with httpx.AsyncClient(timeout=30) as http:
        await application.initialize()
        try:
            if application.post_init is not None:
                await application.post_init(application)
            assert application.updater is not None
            await application.updater.start_polling(
                poll_interval=poll_interval, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES
            )
            await application.start()
            try:
                yield RunningBot(
                    application, harness, token, bot_settings, http, Inbox(harness.client_url, token, http)
                )
            finally:
                if application.updater.running:
                    await application.updater.stop()
                if application.running:
                    await application.stop()
                if application.post_stop is not None:
                    await application.post_stop(application)
        finally:
            await application.shutdown()


@pytest.fixture(scope="session")
def emulator() -> Iterator[Harness]:
    """The emulator (Node subprocess) and the bridge (own thread) on free 127.0.0.1 ports."""
    with Harness() as harness:
        yield harness


@pytest.fixture
async def running_bot(
    emulator: Harness, settings: Settings, assistant: Assistant
) -> AsyncIterator[RunningBot]:
    """The product bot with a fresh token and database, answering from the shared index."""
    async with start_bot(emulator, settings, assistant) as bot:
        yield bot
