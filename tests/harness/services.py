"""Shared services for the replica tests, started for real on 127.0.0.1: a PostgreSQL server
(Debian's `postgresql` package: `initdb` into a temporary folder, `pg_ctl start` on a free port)
and a Chroma server (`chroma run`, chromadb's own CLI)."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.harness.emulator import free_port

PG_BINARIES = "/usr/lib/postgresql/*/bin"


class ServiceUnavailable(RuntimeError):
    """A service cannot be installed or started on this machine (the tests say which and skip)."""


def _pg_bin() -> Path:
    found = sorted(glob.glob(f"{PG_BINARIES}/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise ServiceUnavailable(
            "PostgreSQL is not installed (apt-get install -y postgresql; .ci/run does it)"
        )
    return Path(found[-1]).parent


def _as_postgres(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the package's `postgres` user."""
    if os.geteuid() != 0:
        return command
    if shutil.which("runuser") is None:
        raise ServiceUnavailable("running as root without runuser: cannot start PostgreSQL")
    return ["runuser", "-u", "postgres", "--", *command]


class PostgreSQL:
    """A throw-away PostgreSQL server in a folder of its own (the `postgres` user cannot reach
    pytest's private temporary folders); `url` is a DATABASE_URL for it."""

    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.folder = Path(tempfile.mkdtemp(prefix="replicas-pg-"))
        self.port = free_port()

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def start(self) -> PostgreSQL:
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        run = {"check": True, "capture_output": True, "text": True}
        subprocess.run(_as_postgres([str(self.bin / "initdb"), "-D", str(data), "-U", "postgres",
                                     "--auth=trust", "--no-sync", "-E", "UTF8"]), **run)
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} -c fsync=off"
        subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(data), "-o", options,
                                     "-l", str(self.folder / "log"), "-w", "start"]), **run)
        return self

    def stop(self) -> None:
        subprocess.run(_as_postgres([str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"),
                                     "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


class ChromaServer:
    """`chroma run` on a free port; `host`, `port` for CHROMA_HOST / CHROMA_PORT."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.host, self.port = "127.0.0.1", free_port()
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60.0) -> ChromaServer:
        chroma = Path(sys.executable).with_name("chroma")
        if not chroma.exists():
            raise ServiceUnavailable("the chroma CLI is missing (pip install chromadb)")
        self.process = subprocess.Popen(
            [str(chroma), "run", "--path", str(self.folder), "--host", self.host, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://{self.host}:{self.port}/api/v2/heartbeat", timeout=2).is_success:
                    return self
            except httpx.HTTPError:
                time.sleep(0.3)
        self.stop()
        raise ServiceUnavailable("the Chroma server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None
