"""The test harness itself: faults of the harness must not show up as failures of the product."""

import asyncio
import json
from urllib.parse import urlsplit

import httpx

from tests.harness.stack import Harness

IDLE_SECONDS = 8.0  # past Node's default keep-alive (5 s, closed by 6 s here) and httpx's expiry (5 s)


async def _history_request(writer: asyncio.StreamWriter, reader: asyncio.StreamReader, host: str) -> bytes:
    body = json.dumps({"token": "1:keep-alive-check"}).encode()
    writer.write(
        b"POST /getUpdatesHistory HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: keep-alive\r\n"
        b"Content-Type: application/json\r\nContent-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
    )
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), timeout=10)
    length = next(
        int(line.split(b":", 1)[1])
        for line in head.split(b"\r\n")
        if line.lower().startswith(b"content-length:")
    )
    return head + await reader.readexactly(length)


async def test_the_emulator_keeps_an_idle_connection_open_longer_than_clients_reuse_it(
    emulator: Harness,
) -> None:
    """CI once failed with httpx.ReadError: Node closed an idle keep-alive connection at 5 s just as
    the client, whose own expiry is also 5 s, sent a request on it."""
    address = urlsplit(emulator.client_url)
    reader, writer = await asyncio.open_connection(address.hostname, address.port)
    try:
        first = await _history_request(writer, reader, address.netloc)
        await asyncio.sleep(IDLE_SECONDS)
        second = await _history_request(writer, reader, address.netloc)
    finally:
        writer.close()
    assert first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200")
    assert httpx.Limits().keepalive_expiry is not None
    assert httpx.Limits().keepalive_expiry < IDLE_SECONDS
