"""A small OpenAI-compatible server on 127.0.0.1 for testing the LLM path over HTTP: chat
completions, and audio transcriptions (multipart uploads, as the `openai` package sends them)."""

import email.parser
import email.policy
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    """What the next completions return: a reply text, an HTTP error status, or a delay."""

    reply: str | Callable[[dict[str, Any]], str] = "OK [1]"  # a text, or made from the request
    status: int = 200
    delay: float = 0.0
    requests: list[dict[str, Any]] = field(default_factory=list)
    transcript: str = "What is on now?"  # what /audio/transcriptions hears


def _form(content_type: str, data: bytes) -> dict[str, Any]:
    """A multipart/form-data body as {name: text, or bytes for a file}."""
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + data
    )
    form: dict[str, Any] = {}
    for part in message.iter_parts():
        content = part.get_payload(decode=True) or b""
        form[part.get_param("name", header="content-disposition")] = (
            content if part.get_filename() else content.decode()
        )
    return form


def _content(behaviour: Behaviour, body: dict[str, Any]) -> str:
    return behaviour.reply(body) if callable(behaviour.reply) else behaviour.reply


class FakeOpenAI:
    def __init__(self) -> None:
        self.behaviour = Behaviour()
        behaviour = self.behaviour

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                content_type = self.headers.get("Content-Type", "")
                multipart = content_type.startswith("multipart/form-data")
                body = _form(content_type, raw) if multipart else json.loads(raw or b"{}")
                behaviour.requests.append({"path": self.path, "body": body})
                if behaviour.delay:
                    time.sleep(behaviour.delay)
                if behaviour.status != 200:
                    self._send(behaviour.status, {"error": {"message": "boom", "type": "server_error"}})
                    return
                if self.path.endswith("/audio/transcriptions"):
                    self._send(200, {"text": behaviour.transcript})
                    return
                self._send(
                    200,
                    {
                        "id": "chatcmpl-test",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": body.get("model", "test"),
                        "choices": [
                            {
                                "index": 0,
                                "finish_reason": "stop",
                                "message": {"role": "assistant", "content": _content(behaviour, body)},
                            }
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    },
                )

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> "FakeOpenAI":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
