"""Emulator + bridge together: the Node emulator as a subprocess, the bridge on its own thread.

The bridge runs its own event loop in a background thread, so it serves requests whatever loop
(or none) the caller runs: pytest's per-test loops, a benchmark, or `python -m tests.harness`.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from tests.harness.bridge import Bridge, Call, Fault
from tests.harness.emulator import Emulator, Service

DEFAULT_TOKEN = "123456789:HARNESS-test-token"


class Harness(Service):
    """Start with `with Harness() as harness:`; the product's Bot API is `harness.bot_api_url`."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        bridge_port: int = 0,
        emulator_port: int | None = None,
        max_long_poll: float = 10.0,
    ) -> None:
        self.emulator = Emulator(emulator_port, host=host)
        self._host = host
        self._bridge_port = bridge_port
        self._max_long_poll = max_long_poll
        self.bridge: Bridge | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    # --- addresses ------------------------------------------------------------------------------

    @property
    def bot_api_url(self) -> str:
        """TELEGRAM_API_BASE_URL for the product (PTB's `base_url`): `http://127.0.0.1:PORT/bot`."""
        return self._bridge().base_url

    @property
    def bridge_url(self) -> str:
        return self._bridge().url

    @property
    def client_url(self) -> str:
        """The emulator's client API, where `Delegate`s send messages and read the bot's."""
        return self.emulator.url

    # --- bridge shortcuts -------------------------------------------------------------------------

    def calls(self, method: str | None = None, token: str | None = None) -> list[Call]:
        return self._bridge().calls(method, token)

    def fail(self, method: str, times: int = 1, status: int = 500, retry_after: int | None = None) -> Fault:
        return self._bridge().fail(method, times, status, retry_after)

    def _bridge(self) -> Bridge:
        if self.bridge is None:
            raise RuntimeError("the harness is not started")
        return self.bridge

    # --- lifecycle --------------------------------------------------------------------------------

    def start(self) -> Harness:
        if self.bridge is not None:
            return self
        self.emulator.start()
        try:
            self.bridge = Bridge(
                self.emulator.url, host=self._host, port=self._bridge_port, max_long_poll=self._max_long_poll
            )
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(target=self._loop.run_forever, name="harness-bridge", daemon=True)
            self._thread.start()
            self._run(self.bridge.start())
        except BaseException:
            self.stop()
            raise
        return self

    def _run(self, coroutine: object) -> object:
        assert self._loop is not None
        future: Future[object] = asyncio.run_coroutine_threadsafe(coroutine, self._loop)  # type: ignore[arg-type]
        return future.result(timeout=30)

    def stop(self) -> None:
        if self._loop is not None:
            if self.bridge is not None:
                try:
                    self._run(self.bridge.stop())
                    self._run(_cancel_pending())
                finally:
                    self._loop.call_soon_threadsafe(self._loop.stop)
            else:
                self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            self._loop.close()
        self._loop, self._thread, self.bridge = None, None, None
        self.emulator.stop()



async def _cancel_pending() -> None:
    """Cancel what is left on the bridge's loop (e.g. a request handler) before closing it."""
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
