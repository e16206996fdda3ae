"""Simulated Telegram users ("delegates") talking to the bot through the emulator's client API.

The emulator's client API (not Telegram's) is plain HTTP: `POST /sendMessage`, `/sendCommand`,
`/sendCallback` put a user's update in the bot's queue; `POST /getUpdatesHistory {token}` lists
what the bot sent, with edits applied. An `Inbox` reads that history for one bot and is shared
by many delegates (one poll serves them all); a `Delegate` plays one user in one chat.
"""

from __future__ import annotations

import asyncio
import html
import itertools
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from tests.harness.bridge import DEFAULT_BOT

_TAG = re.compile(r"<[^>]+>")
_user_ids = itertools.count(700_000_001)


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class BotMessage:
    """One message the bot sent to a chat, in its latest (possibly edited) state."""

    message_id: int
    chat_id: int
    raw: str  # as sent, e.g. with HTML tags
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    sent_at: float = 0.0  # Unix seconds, the emulator's clock
    version: int = 0  # how many times the bot edited it (as seen by the inbox)

    @property
    def text(self) -> str:
        """What the user reads: HTML tags removed and entities decoded."""
        if (self.parse_mode or "").upper() == "HTML":
            return html.unescape(_TAG.sub("", self.raw))
        return self.raw

    @property
    def buttons(self) -> list[Button]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [
            Button(str(b.get("text", "")), b.get("callback_data"), b.get("url")) for row in rows for b in row
        ]

    def button(self, label: str) -> Button:
        """The inline button whose text or callback data is `label` (else whose text contains it)."""
        for button in self.buttons:
            if label in (button.text, button.callback_data):
                return button
        for button in self.buttons:
            if label.lower() in button.text.lower():
                return button
        raise LookupError(f"no button {label!r} on message {self.message_id}: {self.buttons}")

    def __str__(self) -> str:
        labels = " ".join(f"[{b.text}]" for b in self.buttons)
        return f"#{self.message_id}: {self.text}" + (f"  {labels}" if labels else "")


class Inbox:
    """Everything one bot sent, per chat, refreshed from the emulator at most every `poll_interval`."""

    def __init__(
        self, client_url: str, token: str, http: httpx.AsyncClient, poll_interval: float = 0.05
    ) -> None:
        self.client_url = client_url.rstrip("/")
        self.token = token
        self.http = http
        self.poll_interval = poll_interval
        self._messages: dict[int, BotMessage] = {}
        self._lock = asyncio.Lock()
        self._fetched_at = float("-inf")

    async def refresh(self, max_age: float = 0.0) -> None:
        """Read the emulator's history unless it was read less than `max_age` seconds ago."""
        async with self._lock:
            if time.monotonic() - self._fetched_at < max_age:
                return
            response = await self.http.post(
                f"{self.client_url}/getUpdatesHistory", json={"token": self.token}
            )
            response.raise_for_status()
            self._fetched_at = time.monotonic()
            for item in response.json().get("result") or []:
                self._take(item)

    def _take(self, item: dict[str, Any]) -> None:
        message = item.get("message")
        if not isinstance(message, dict) or "chat_id" not in message:
            return  # a user's update, not something the bot sent
        markup = message.get("reply_markup")
        seen = BotMessage(
            message_id=int(item["messageId"]),
            chat_id=int(message["chat_id"]),
            raw=str(message.get("text", "")),
            parse_mode=message.get("parse_mode"),
            reply_markup=markup if isinstance(markup, dict) else None,
            sent_at=float(item.get("time", 0)) / 1000,
        )
        known = self._messages.get(seen.message_id)
        if known is None:
            self._messages[seen.message_id] = seen
        elif (known.raw, known.reply_markup, known.parse_mode) != (
            seen.raw,
            seen.reply_markup,
            seen.parse_mode,
        ):
            self._messages[seen.message_id] = BotMessage(
                seen.message_id,
                seen.chat_id,
                seen.raw,
                seen.parse_mode,
                seen.reply_markup,
                known.sent_at,
                known.version + 1,
            )

    def messages(self, chat_id: int) -> list[BotMessage]:
        return sorted(
            (m for m in self._messages.values() if m.chat_id == chat_id), key=lambda m: m.message_id
        )

    def get(self, message_id: int) -> BotMessage | None:
        return self._messages.get(message_id)


@dataclass
class Delegate:
    """One Telegram user in one chat (private by default; a group with `chat_type="group"`).

    Each action (`send`, `command`, `press`) returns a mark; `reply()` / `wait_for()` look at the
    bot's messages sent after the last action unless given another `since`.
    """

    client_url: str
    token: str
    user_id: int = field(default_factory=lambda: next(_user_ids))
    first_name: str = "Ada"
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"
    chat_id: int | None = None
    chat_type: str = "private"
    chat_title: str = "Delegates"
    inbox: Inbox | None = None
    http: httpx.AsyncClient | None = None
    poll_interval: float = 0.05
    bot: dict[str, Any] = field(default_factory=lambda: dict(DEFAULT_BOT))
    _mark: int = field(default=0, init=False, repr=False)
    _own_http: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.client_url = self.client_url.rstrip("/")
        if self.chat_id is None:
            self.chat_id = self.user_id if self.chat_type == "private" else -self.user_id
        if self.http is None:
            self.http = httpx.AsyncClient(timeout=30)
            self._own_http = True
        if self.inbox is None:
            self.inbox = Inbox(self.client_url, self.token, self.http, self.poll_interval)

    async def close(self) -> None:
        if self._own_http and self.http is not None:
            await self.http.aclose()

    async def __aenter__(self) -> Delegate:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    # --- who and where ------------------------------------------------------------------------

    @property
    def user(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.user_id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        if self.username:
            user["username"] = self.username
        if self.language_code:
            user["language_code"] = self.language_code
        return user

    @property
    def chat(self) -> dict[str, Any]:
        if self.chat_type == "private":
            chat: dict[str, Any] = {"id": self.chat_id, "type": "private", "first_name": self.first_name}
            if self.username:
                chat["username"] = self.username
            return chat
        return {"id": self.chat_id, "type": self.chat_type, "title": self.chat_title}

    def _box(self) -> Inbox:
        assert self.inbox is not None
        return self.inbox

    def _client(self) -> httpx.AsyncClient:
        assert self.http is not None
        return self.http

    # --- actions ------------------------------------------------------------------------------

    async def _post(self, route: str, payload: dict[str, Any]) -> int:
        await self._box().refresh(max_age=self.poll_interval)
        known = self._box().messages(self._chat_id)
        self._mark = known[-1].message_id if known else 0
        response = await self._client().post(
            f"{self.client_url}/{route}", json={"botToken": self.token, **payload}
        )
        response.raise_for_status()
        return self._mark

    @property
    def _chat_id(self) -> int:
        assert self.chat_id is not None
        return self.chat_id

    def _message(self, text: str, **extra: Any) -> dict[str, Any]:
        return {"from": self.user, "chat": self.chat, "date": int(time.time()), "text": text, **extra}

    async def send(self, text: str, *, reply_to: BotMessage | None = None) -> int:
        """Type `text` in the chat (as a reply to one of the bot's messages if given)."""
        extra: dict[str, Any] = {}
        if reply_to is not None:
            extra["reply_to_message"] = self._as_update_message(reply_to)
        return await self._post("sendMessage", self._message(text, **extra))

    async def send_document(self, file_id: str, name: str, size: int, album: str | None = None) -> int:
        """Send a file (hosted by the bridge, see `Bridge.host_file`) to the chat; files sent with
        the same `album` form one media group, as when sent together from a phone."""
        document = {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": size}
        message = {"from": self.user, "chat": self.chat, "date": int(time.time()), "document": document}
        if album is not None:
            message["media_group_id"] = album
        return await self._post("sendMessage", message)

    async def send_voice(self, file_id: str, duration: int, *, reply_to: BotMessage | None = None) -> int:
        """Send a voice note (its OGG hosted by the bridge, see `Bridge.host_file`) to the chat."""
        voice = {"file_id": file_id, "file_unique_id": file_id, "duration": duration,
                 "mime_type": "audio/ogg"}
        message = {"from": self.user, "chat": self.chat, "date": int(time.time()), "voice": voice}
        if reply_to is not None:
            message["reply_to_message"] = self._as_update_message(reply_to)
        return await self._post("sendMessage", message)

    async def command(self, command: str) -> int:
        """Send a command such as "/start" (with its `bot_command` entity)."""
        name = command.split()[0]
        entities = [{"offset": 0, "length": len(name), "type": "bot_command"}]
        return await self._post("sendCommand", self._message(command, entities=entities))

    async def press(self, label: str, message: BotMessage | None = None) -> int:
        """Press an inline button (by text or callback data) on `message`, by default the latest
        message in this chat that has an inline keyboard."""
        if message is None:
            await self._box().refresh()
            with_keyboard = [m for m in self._box().messages(self._chat_id) if m.buttons]
            if not with_keyboard:
                raise LookupError(f"no message with inline buttons in chat {self.chat_id}")
            message = with_keyboard[-1]
        button = message.button(label)
        if button.callback_data is None:
            raise LookupError(f"button {button.text!r} has no callback data")
        return await self._post(
            "sendCallback",
            {"from": self.user, "message": self._as_update_message(message), "data": button.callback_data},
        )

    def _as_update_message(self, message: BotMessage) -> dict[str, Any]:
        data: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(message.sent_at) or int(time.time()),
            "chat": self.chat,
            "from": self.bot,
            "text": message.text,
        }
        if message.reply_markup:
            data["reply_markup"] = message.reply_markup
        return data

    # --- what the bot said --------------------------------------------------------------------

    async def replies(self, wait: float = 0.0, since: int | None = None) -> list[BotMessage]:
        """The bot's messages in this chat (after `since`, a mark), after waiting `wait` seconds."""
        if wait > 0:
            await asyncio.sleep(wait)
        await self._box().refresh()
        return [m for m in self._box().messages(self._chat_id) if m.message_id > (since or 0)]

    async def wait_for(
        self,
        predicate: Callable[[BotMessage], bool] = lambda _m: True,
        timeout: float = 20.0,
        since: int | None = None,
    ) -> BotMessage:
        """The first message after `since` (default: the last action) that satisfies `predicate`."""
        since = self._mark if since is None else since
        deadline = time.monotonic() + timeout
        while True:
            await self._box().refresh(max_age=self.poll_interval * 0.8)
            for message in self._box().messages(self._chat_id):
                if message.message_id > since and predicate(message):
                    return message
            if time.monotonic() >= deadline:
                transcript = "\n".join(str(m) for m in self._box().messages(self._chat_id)) or "(nothing)"
                raise TimeoutError(
                    f"no matching reply in chat {self.chat_id} after {timeout}s; the bot said:\n{transcript}"
                )
            await asyncio.sleep(self.poll_interval)

    async def reply(self, timeout: float = 20.0) -> BotMessage:
        """The bot's first message after the last action."""
        return await self.wait_for(timeout=timeout)

    async def wait_for_edit(
        self,
        message: BotMessage,
        predicate: Callable[[BotMessage], bool] = lambda _m: True,
        timeout: float = 20.0,
    ) -> BotMessage:
        """`message` once the bot has edited it (and the edit satisfies `predicate`)."""
        deadline = time.monotonic() + timeout
        while True:
            await self._box().refresh(max_age=self.poll_interval * 0.8)
            current = self._box().get(message.message_id)
            if current is not None and current.version > message.version and predicate(current):
                return current
            if time.monotonic() >= deadline:
                raise TimeoutError(f"message {message.message_id} was not edited as expected: now {current}")
            await asyncio.sleep(self.poll_interval)

    async def ask(self, text: str, timeout: float = 30.0) -> BotMessage:
        """Send `text` and return the bot's first message after it."""
        await self.send(text)
        return await self.reply(timeout)
