"""An aiohttp proxy in front of the emulator's Bot API, so the unmodified product runs against it.

`telegram-test-api` covers the happy path of a few Bot API methods but differs from Telegram in
ways python-telegram-bot notices. The bridge closes those gaps:

* `getMe` lacks `is_bot` (PTB's `User` needs it): added, with the usual capability flags;
* dates of the bot's own messages are in milliseconds: every `date`/`edit_date` is turned into
  seconds in everything returned;
* `getUpdates` returns at once and marks updates read as soon as they are fetched, ignoring
  `offset`: the bridge long-polls (up to the request's `timeout`) and keeps fetched updates
  until the bot confirms them with `offset`, like Telegram, so a cancelled request loses nothing;
* callback queries lack `chat_instance` (PTB needs it): added;
* `editMessageText`, `editMessageReplyMarkup` and `answerCallbackQuery` return `null`: the
  edited message (or `true`) is returned instead; an edit without `reply_markup` removes the
  inline keyboard, as on Telegram;
* `ok: false` answers come with HTTP 200: the HTTP status is set to `error_code`;
* methods the emulator does not know (`sendChatAction`, `setMyCommands`, `getMyCommands`,
  `deleteMyCommands`, `setChatMenuButton`, forum topics, …) are answered by the bridge;
* files the bot sends (`sendDocument`, `sendPhoto`) are kept by the bridge (`Bridge.files_sent`)
  and reach the chat's history as a message with their caption, so users "see" them.
* the emulator has no media: voice notes a user sends are files the bridge hosts (`host_file`,
  served by `getFile` and a download), and the bot's `sendVoice` and `sendVenue` are answered by
  the bridge with the message Telegram would return (tests read them from `calls`).

Every call is recorded (`Bridge.calls`, `GET /_bridge/calls`) and methods can be made to fail
on purpose (`Bridge.fail`, `POST /_bridge/fail`) to prove the product copes with Telegram errors.
PTB sends form-encoded (or multipart) bodies whose non-string values are JSON; JSON bodies and
query strings are accepted too.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

MS_THRESHOLD = 10**11  # a Unix time above this is in milliseconds (in seconds it is the year 5138)
DATE_KEYS = frozenset({"date", "edit_date", "forward_date"})
TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "query",
        "title",
        "description",
        "short_description",
        "name",
        "first_name",
        "last_name",
    }
)
INT_KEYS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "message_thread_id",
        "reply_to_message_id",
        "user_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
    }
)
DEFAULT_BOT = {"id": 666, "is_bot": True, "first_name": "Test First name", "username": "TestNameBot"}
BOT_FLAGS = {"can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}


@dataclass(frozen=True)
class Call:
    """One Bot API request the product made, as the bridge decoded it."""

    method: str
    params: dict[str, Any]
    status: int
    at: float
    token: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Fault:
    """Make the next `times` calls of `method` fail with `status` (429: with `retry_after`)."""

    method: str
    times: int = 1
    status: int = 500
    retry_after: int | None = None
    description: str | None = None

    def body(self) -> dict[str, Any]:
        default = {
            400: "Bad Request: injected by the test bridge",
            403: "Forbidden: bot was blocked by the user",
            429: f"Too Many Requests: retry after {self.retry_after or 1}",
        }.get(self.status, "Internal Server Error: injected by the test bridge")
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description or default,
        }
        if self.status == 429:
            body["parameters"] = {"retry_after": self.retry_after or 1}
        return body


class UpstreamError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


@dataclass(frozen=True)
class SentFile:
    """A file the bot sent (the emulator cannot hold files): who got it, its name and bytes."""

    token: str
    chat_id: int
    method: str
    filename: str
    content: bytes
    caption: str


@dataclass
class _BotState:
    """What the bridge remembers per bot token."""

    me: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_BOT))
    pending: list[dict[str, Any]] = field(default_factory=list)  # fetched, not yet confirmed updates
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    commands: dict[str, list[Any]] = field(default_factory=dict)  # scope + language → commands
    messages: dict[tuple[int, int], dict[str, Any]] = field(default_factory=dict)  # (chat, id) → message


class Bridge:
    """The Bot API for the product at `base_url` (`http://127.0.0.1:PORT/bot`), backed by the emulator."""

    def __init__(
        self,
        upstream: str,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        long_poll_step: float = 0.02,
        max_long_poll: float = 10.0,
    ) -> None:
        self.upstream = upstream.rstrip("/")
        self.host = host
        self.port = port
        self.long_poll_step = long_poll_step
        self.max_long_poll = max_long_poll
        self.unsupported: list[str] = []  # methods neither the emulator nor the bridge knows
        self._calls: list[Call] = []
        self._faults: list[Fault] = []
        self._guard = threading.Lock()  # calls and faults are read and set from other threads too
        self._bots: dict[str, _BotState] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._thread_ids = itertools.count(1000)
        self._media_ids = itertools.count(10**9)  # ids of media messages the bridge answers itself
        self._files: dict[str, bytes] = {}  # file_id → content (the emulator has no files)
        self._sent_files: list[SentFile] = []
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._session: ClientSession | None = None

    # --- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What PTB's `base_url` (the product's TELEGRAM_API_BASE_URL) must be."""
        return f"{self.url}/bot"

    def app(self) -> web.Application:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_get("/_bridge/health", self._health)
        app.router.add_get("/_bridge/calls", self._get_calls)
        app.router.add_get("/_bridge/faults", self._get_faults)
        app.router.add_post("/_bridge/fail", self._post_fail)
        app.router.add_post("/_bridge/reset", self._post_reset)
        app.router.add_route("*", "/bot{token}/{method}", self._bot_api)
        app.router.add_get("/file/bot{token}/documents/{file_id}", self._get_file)
        return app

    async def start(self) -> Bridge:
        self._closing = False
        self._session = ClientSession(timeout=ClientTimeout(total=30))
        self._runner = web.AppRunner(self.app(), access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server  # the bound socket tells which port the OS chose for port 0
        if self.port == 0 and server is not None and server.sockets:  # type: ignore[union-attr]
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        self._closing = True  # ends pending long polls
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    # --- what tests use ---------------------------------------------------------------------

    def calls(self, method: str | None = None, token: str | None = None) -> list[Call]:
        """Recorded calls, oldest first, optionally of one method (case-insensitive) and bot."""
        with self._guard:
            calls = list(self._calls)
        return [
            call
            for call in calls
            if (method is None or call.method.lower() == method.lower())
            and (token is None or call.token == token)
        ]

    def fail(
        self,
        method: str,
        times: int = 1,
        status: int = 500,
        retry_after: int | None = None,
        description: str | None = None,
    ) -> Fault:
        """Make the next `times` calls of `method` ("*": any but getUpdates) fail with `status`."""
        fault = Fault(method, times, status, retry_after, description)
        with self._guard:
            self._faults.append(fault)
        return fault

    def files_sent(self, token: str | None = None) -> list[SentFile]:
        """Files the bot sent (documents, photos), oldest first, optionally of one bot."""
        with self._guard:
            return [sent for sent in self._sent_files if token is None or sent.token == token]

    def clear_faults(self) -> None:
        with self._guard:
            self._faults.clear()

    def reset(self) -> None:
        with self._guard:
            self._calls.clear()
            self._faults.clear()
        self.unsupported.clear()

    def _take_fault(self, method: str) -> Fault | None:
        with self._guard:
            for fault in self._faults:
                matches = fault.method.lower() == method.lower() or (
                    fault.method == "*" and method.lower() != "getupdates"
                )
                if matches and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def _record(self, method: str, params: dict[str, Any], status: int, at: float, token: str) -> None:
        with self._guard:
            self._calls.append(Call(method, params, status, at, token))

    # --- control endpoints ---------------------------------------------------------------------

    async def _health(self, _request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": {"upstream": self.upstream}})

    async def _get_calls(self, request: web.Request) -> web.Response:
        calls = self.calls(request.query.get("method"), request.query.get("token"))
        return web.json_response({"ok": True, "result": [call.as_dict() for call in calls]})

    async def _get_faults(self, _request: web.Request) -> web.Response:
        with self._guard:
            faults = [asdict(fault) for fault in self._faults]
        return web.json_response({"ok": True, "result": faults})

    async def _post_fail(self, request: web.Request) -> web.Response:
        try:
            spec = await request.json()
            fault = self.fail(
                str(spec["method"]),
                int(spec.get("times", 1)),
                int(spec.get("status", 500)),
                int(spec["retry_after"]) if spec.get("retry_after") is not None else None,
                spec.get("description"),
            )
        except (KeyError, TypeError, ValueError) as exc:
            return web.json_response({"ok": False, "error_code": 400, "description": str(exc)}, status=400)
        return web.json_response({"ok": True, "result": asdict(fault)})

    async def _post_reset(self, _request: web.Request) -> web.Response:
        self.reset()
        return web.json_response({"ok": True, "result": True})

    # --- the Bot API -----------------------------------------------------------------------------

    async def _bot_api(self, request: web.Request) -> web.Response:
        token, method = request.match_info["token"], request.match_info["method"]
        started = time.time()
        params, uploads = await read_params(request)
        fault = self._take_fault(method)
        if fault is not None:
            self._record(method, params, fault.status, started, token)
            return web.json_response(fault.body(), status=fault.status)
        try:
            result = await self._dispatch(token, method, params, uploads)
            status, body = 200, {"ok": True, "result": result}
        except UpstreamError as exc:
            status = exc.status
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
        self._record(method, params, status, started, token)
        return web.json_response(body, status=status, dumps=_dumps)

    def host_file(self, content: bytes) -> str:
        """Keep a file a user "uploads"; the bot gets it with getFile and a download, as from Telegram."""
        file_id = f"file-{uuid.uuid4().hex[:12]}"
        with self._guard:
            self._files[file_id] = content
        return file_id

    async def _get_file(self, request: web.Request) -> web.Response:
        content = self._files.get(request.match_info["file_id"])
        if content is None:
            return web.json_response({"ok": False, "error_code": 404, "description": "Not Found"}, status=404)
        return web.Response(body=content)

    def _bot(self, token: str) -> _BotState:
        return self._bots.setdefault(token, _BotState())

    async def _dispatch(
        self, token: str, method: str, params: dict[str, Any], uploads: dict[str, tuple[str, bytes]]
    ) -> Any:
        name = method.lower()
        bot = self._bot(token)
        if name == "getupdates":
            return await self._get_updates(token, bot, params)
        if name in _FILE_METHODS:
            return await self._send_file(token, bot, name, params, uploads)
        local = self._local(bot, name, params)
        if local is not _NOT_LOCAL:
            return local
        forwarded = dict(params)
        if name in {"editmessagetext", "editmessagereplymarkup"} and "reply_markup" not in params:
            forwarded["reply_markup"] = {"inline_keyboard": []}  # Telegram drops the keyboard
        result = await self._forward(token, method, forwarded)
        return self._after(bot, name, params, result)

    def _after(self, bot: _BotState, name: str, params: dict[str, Any], result: Any) -> Any:
        """Make the emulator's result what Telegram would have returned."""
        if name == "getme":
            bot.me = {**DEFAULT_BOT, **(result or {}), "is_bot": True, **BOT_FLAGS}
            return bot.me
        if name == "sendmessage":
            message = self._message(bot, result["chat"]["id"], result["message_id"], params)
            message["date"] = to_seconds(result.get("date", time.time()))
            return message
        if name in {"editmessagetext", "editmessagereplymarkup"}:
            if "inline_message_id" in params:
                return True
            chat_id, message_id = _int(params.get("chat_id")), _int(params.get("message_id"))
            known = bot.messages.get((chat_id, message_id), {})
            update = {"text": params.get("text", known.get("text", ""))}
            update["reply_markup"] = params.get("reply_markup")
            message = self._message(bot, chat_id, message_id, update, date=known.get("date"))
            message["edit_date"] = int(time.time())
            return message
        if name == "deletemessage":
            bot.messages.pop((_int(params.get("chat_id")), _int(params.get("message_id"))), None)
            return True
        if name in {"answercallbackquery", "setwebhook", "deletewebhook"}:
            return True
        return seconds(result)

    def _message(
        self,
        bot: _BotState,
        chat_id: int,
        message_id: int,
        params: dict[str, Any],
        date: int | None = None,
    ) -> dict[str, Any]:
        """A Telegram `Message` sent by the bot, remembered for later edits."""
        chat_id = int(chat_id)
        message: dict[str, Any] = {
            "message_id": int(message_id),
            "date": date or int(time.time()),
            "chat": self._chat(chat_id),
            "from": bot.me,
            "text": params.get("text", ""),
        }
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
        bot.messages[(chat_id, int(message_id))] = message
        return message

    def _media_message(self, bot: _BotState, name: str, params: dict[str, Any]) -> dict[str, Any]:
        """The message a `sendVoice` or `sendVenue` makes on Telegram."""
        message = self._message(bot, _int(params.get("chat_id")), next(self._media_ids), {})
        message.pop("text")
        if name == "sendvoice":
            voice = params.get("voice")
            file_id = voice if isinstance(voice, str) else f"uploaded-{uuid.uuid4().hex[:8]}"
            message["voice"] = {"file_id": file_id, "file_unique_id": file_id, "duration": 1}
            if params.get("caption"):
                message["caption"] = params["caption"]
        else:
            location = {"latitude": float(params["latitude"]), "longitude": float(params["longitude"])}
            message["venue"] = {"location": location, "title": params.get("title", ""),
                                "address": params.get("address", "")}
            message["location"] = location
        return message

    def _chat(self, chat_id: int) -> dict[str, Any]:
        if chat_id in self._chats:
            return self._chats[chat_id]
        if chat_id < 0:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            return {"id": chat_id, "type": kind, "title": "Group"}
        return {"id": chat_id, "type": "private", "first_name": "Delegate"}

    # --- getUpdates: long polling with Telegram's offset semantics -----------------------------

    async def _get_updates(self, token: str, bot: _BotState, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = _int(params.get("offset") or 0)
        limit = min(max(_int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), self.max_long_poll)
        deadline = time.monotonic() + timeout
        while True:
            async with bot.lock:
                fetched = await self._forward(token, "getUpdates", {})
                bot.pending.extend(self._fix_update(bot, update) for update in fetched or [])
                if offset > 0:
                    bot.pending[:] = [u for u in bot.pending if u["update_id"] >= offset]
                elif offset < 0:
                    bot.pending[:] = bot.pending[offset:]
                result = bot.pending[:limit]
            if result or time.monotonic() >= deadline or self._closing:
                return result
            await asyncio.sleep(self.long_poll_step)

    def _fix_update(self, bot: _BotState, update: dict[str, Any]) -> dict[str, Any]:
        update = seconds(update)
        message = update.get("message")
        if isinstance(message, dict):
            message.pop("botToken", None)
            message.setdefault("date", int(time.time()))
            chat = message.get("chat")
            if isinstance(chat, dict) and "id" in chat:
                self._chats[int(chat["id"])] = chat
        query = update.get("callback_query")
        if isinstance(query, dict):
            query.setdefault("chat_instance", "0")
            message = query.get("message")
            if isinstance(message, dict):
                message.pop("botToken", None)
                message.setdefault("from", bot.me)
                message.setdefault("date", int(time.time()))
                if isinstance(message.get("chat"), dict):
                    query["chat_instance"] = str(message["chat"].get("id", 0))
        return update

    # --- methods the emulator lacks ----------------------------------------------------------------

    def _local(self, bot: _BotState, name: str, params: dict[str, Any]) -> Any:
        if name in {
            "sendchataction",
            "setchatmenubutton",
            "setmydescription",
            "setmyshortdescription",
            "setmyname",
            "setmessagereaction",
            "pinchatmessage",
            "unpinchatmessage",
            "unpinallchatmessages",
            "leavechat",
            "editforumtopic",
            "closeforumtopic",
            "reopenforumtopic",
            "deleteforumtopic",
            "logout",
            "close",
        }:
            return True
        if name == "setmycommands":
            bot.commands[_commands_key(params)] = list(params.get("commands") or [])
            return True
        if name == "deletemycommands":
            bot.commands.pop(_commands_key(params), None)
            return True
        if name == "getmycommands":
            return bot.commands.get(_commands_key(params), [])
        if name == "getchatmenubutton":
            return {"type": "commands"}
        if name == "getmydescription":
            return {"description": ""}
        if name == "getmyshortdescription":
            return {"short_description": ""}
        if name == "getmyname":
            return {"name": bot.me.get("first_name", "")}
        if name == "getwebhookinfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": len(bot.pending)}
        if name == "getfile" and params.get("file_id") in self._files:
            file_id = params["file_id"]
            return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(self._files[file_id]),
                    "file_path": f"documents/{file_id}"}
        if name in {"sendvoice", "sendvenue"}:
            return self._media_message(bot, name, params)
        if name == "createforumtopic":
            return {
                "message_thread_id": next(self._thread_ids),
                "name": params.get("name", ""),
                "icon_color": _int(params.get("icon_color") or 7322096),
            }
        return _NOT_LOCAL

    async def _send_file(
        self, token: str, bot: _BotState, name: str, params: dict[str, Any],
        uploads: dict[str, tuple[str, bytes]],
    ) -> dict[str, Any]:
        """A document or photo: kept here, shown in the chat's history as its caption."""
        field_name = _FILE_METHODS[name]
        value = params.get(field_name)
        attached_as = value.removeprefix("attach://") if isinstance(value, str) else field_name
        filename, content = uploads.get(attached_as) or uploads.get(field_name) or (str(value or ""), b"")
        caption = str(params.get("caption") or f"[{filename}]")
        chat_id = _int(params.get("chat_id"))
        with self._guard:
            self._sent_files.append(SentFile(token, chat_id, name, filename, content, caption))
        shown = {"chat_id": chat_id, "text": caption}
        if params.get("reply_markup"):
            shown["reply_markup"] = params["reply_markup"]
        result = await self._forward(token, "sendMessage", shown)
        message = self._message(bot, chat_id, result["message_id"], {})
        file_id = f"sent-{uuid.uuid4().hex[:12]}"
        attached = {"file_id": file_id, "file_unique_id": file_id, "file_name": filename,
                    "file_size": len(content)}
        message.pop("text")
        message["caption"] = caption
        if field_name == "photo":
            message["photo"] = [{**attached, "width": 512, "height": 512}]
        else:
            message["document"] = attached
        return message

    # --- the emulator --------------------------------------------------------------------------

    async def _forward(self, token: str, method: str, params: dict[str, Any]) -> Any:
        assert self._session is not None, "the bridge is not started"
        url = f"{self.upstream}/bot{token}/{method}"
        async with self._session.post(url, data=_dumps(params), headers=_JSON) as response:
            text = await response.text()
        try:
            body = json.loads(text)
        except ValueError:
            body = {"message": text}
        if isinstance(body, dict) and body.get("ok") is True:
            return body.get("result")
        if isinstance(body, dict) and body.get("ok") is False:
            raise UpstreamError(int(body.get("error_code") or 400), str(body.get("description", "")))
        message = str(body.get("message", body)) if isinstance(body, dict) else str(body)
        if "is not supported" in message:
            self.unsupported.append(method)
            raise UpstreamError(
                400, f"Bad Request: method {method} is not emulated (tests/harness/bridge.py)"
            )
        raise UpstreamError(500, f"Internal Server Error: emulator: {message}")


_NOT_LOCAL = object()
_FILE_METHODS = {"senddocument": "document", "sendphoto": "photo"}  # method → the file's field
_JSON = {"Content-Type": "application/json"}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _commands_key(params: dict[str, Any]) -> str:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps([scope, params.get("language_code") or ""], sort_keys=True)


def to_seconds(value: Any) -> Any:
    """A Unix time in seconds, whether given in seconds or milliseconds."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > MS_THRESHOLD:
        return int(value // 1000)
    return value


def seconds(value: Any) -> Any:
    """A copy of a Bot API object with every millisecond date turned into seconds."""
    if isinstance(value, dict):
        return {key: to_seconds(item) if key in DATE_KEYS else seconds(item) for key, item in value.items()}
    if isinstance(value, list):
        return [seconds(item) for item in value]
    return value


def decode(key: str, value: Any) -> Any:
    """A form value as the Bot API means it: JSON objects, arrays, booleans and ids decoded."""
    if not isinstance(value, str) or key in TEXT_KEYS:
        return value
    stripped = value.strip()
    if stripped[:1] in ("{", "[") or stripped in ("true", "false", "null"):
        try:
            return json.loads(stripped)
        except ValueError:
            return value
    if key in INT_KEYS and re.fullmatch(r"-?\d+", stripped):
        return int(stripped)
    return value


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """The call's parameters from the query string and a JSON, form or multipart body, and the
    files uploaded with it (field → file name and content)."""
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, tuple[str, bytes]] = {}
    if request.body_exists:
        if request.content_type == "application/json":
            data = await request.json()
            if isinstance(data, dict):
                params.update(data)
        elif request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    content = value.file.read()
                    uploads[key] = (value.filename, content)
                    params[key] = {"file": value.filename, "size": len(content), "head": content[:8].hex()}
                else:
                    params[key] = value
    return {key: decode(key, value) for key, value in params.items()}, uploads
