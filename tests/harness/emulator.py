"""The Node Telegram emulator (npm `telegram-test-api`) as a subprocess on a free 127.0.0.1 port."""

from __future__ import annotations

import collections
import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Self

EMULATOR_DIR = Path(__file__).resolve().parent.parent / "emulator"
READY = "EMULATOR READY"


class EmulatorError(RuntimeError):
    """The emulator could not be installed or started."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def ensure_installed(directory: Path = EMULATOR_DIR, npm: str = "npm") -> None:
    """`npm ci` in tests/emulator when its node_modules are missing (`make` normally does this)."""
    if (directory / "node_modules" / "telegram-test-api" / "package.json").exists():
        return
    if shutil.which(npm) is None:
        raise EmulatorError(f"{npm} not found: install Node.js 18+ and run `npm ci` in {directory}")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=directory,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise EmulatorError(f"`npm ci` failed in {directory}:\n{result.stdout}\n{result.stderr}")


class Service:
    """Something started and stopped around a `with` block (the emulator, the whole harness)."""

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class Emulator(Service):
    """`node tests/emulator/server.js PORT`, started and stopped from Python.

    The client API (user side) is at `url`; the Bot API at `url/bot<token>/<method>`, which the
    bridge (`tests.harness.bridge`) puts in front of it for the product.
    """

    def __init__(
        self,
        port: int | None = None,
        *,
        host: str = "127.0.0.1",
        node: str = "node",
        directory: Path = EMULATOR_DIR,
        startup_timeout: float = 20.0,
    ) -> None:
        self.host = host
        self.port = port
        self.node = node
        self.directory = directory
        self.startup_timeout = startup_timeout
        self.process: subprocess.Popen[str] | None = None
        self._output: collections.deque[str] = collections.deque(maxlen=200)
        self._ready = threading.Event()
        self._reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self.port is None:
            raise EmulatorError("the emulator is not started")
        return f"http://{self.host}:{self.port}"

    @property
    def output(self) -> str:
        """The last lines the emulator printed (for error messages)."""
        return "\n".join(self._output)

    def start(self) -> Emulator:
        if self.process is not None:
            return self
        if shutil.which(self.node) is None:
            raise EmulatorError(f"{self.node} not found: the end-to-end tests need Node.js 18+")
        ensure_installed(self.directory)
        fixed_port = self.port is not None
        for _attempt in range(1 if fixed_port else 3):
            port = self.port if fixed_port else free_port(self.host)
            if self._launch(port):
                return self
        raise EmulatorError(f"the emulator did not start:\n{self.output}")

    def _launch(self, port: int | None) -> bool:
        self.port = port
        self._ready.clear()
        self.process = subprocess.Popen(
            [self.node, str(self.directory / "server.js"), str(port)],
            cwd=self.directory,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**_node_env(), "EMULATOR_HOST": self.host},
        )
        self._reader = threading.Thread(target=self._read, args=(self.process,), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self._ready.wait(0.05):
                return True
            if self.process.poll() is not None:
                break
        self.stop()
        return False

    def _read(self, process: subprocess.Popen[str]) -> None:
        assert process.stdout is not None
        for line in process.stdout:
            self._output.append(line.rstrip())
            if line.startswith(READY):
                self._ready.set()

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        if self._reader is not None:
            self._reader.join(timeout=2)



def _node_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DEBUG", None)  # the emulator logs every request under DEBUG=TelegramServer:*
    return env
