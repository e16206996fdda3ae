"""Fast Telegram tests: a Bot API request class that records calls, and real `Update` builders."""

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

BOT_ID = 999
BOT_USER = {"id": BOT_ID, "is_bot": True, "first_name": "Delegate Assistant", "username": "delegate_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class RecordingRequest(BaseRequest):
    """Answers every Bot API call locally, like Telegram would, and records it."""

    calls: list[Call] = field(default_factory=list)
    fail: dict[str, int] = field(default_factory=dict)  # method → times to fail
    fail_status: int = 400
    forum: bool = True  # whether createForumTopic works (a supergroup with topics)
    members: set[int] = field(default_factory=set)  # users getChatMember reports as members
    blocked: set[int] = field(default_factory=set)  # chats that blocked the bot (403)
    files: dict[str, bytes] = field(default_factory=dict)  # file_id → content, for downloads
    files_sent: list[bytes] = field(default_factory=list)  # contents of files the bot sent
    slow: dict[int, float] = field(default_factory=dict)  # chat id → seconds each send there takes
    flood: dict[int, int] = field(default_factory=dict)  # chat id → a 429 "retry after N s", once
    _ids: Any = field(default_factory=lambda: itertools.count(1000))

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    @property
    def read_timeout(self) -> float:
        return 1.0

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         **_: Any) -> tuple[int, bytes]:
        name = url.rsplit("/", 1)[-1]
        if "/file/" in url:
            return 200, self.files[name]
        raw = request_data.parameters if request_data else {}
        params = {key: _decode(value) for key, value in raw.items()}
        self.calls.append(Call(name, params))
        for upload in (request_data.multipart_data or {}).values() if request_data else ():
            self.files_sent.append(upload[1])
        chat_id = params.get("chat_id")
        if name == "sendMessage" and chat_id in self.flood:
            retry = self.flood.pop(chat_id)
            return 429, json.dumps({"ok": False, "error_code": 429, "parameters": {"retry_after": retry},
                                    "description": f"Too Many Requests: retry after {retry}"}).encode()
        if chat_id in self.slow:
            await asyncio.sleep(self.slow[chat_id])
        if self.fail.get(name):
            self.fail[name] -= 1
            return _error(self.fail_status, "Internal error" if self.fail_status >= 500 else "Bad Request")
        if name == "sendMessage" and params.get("chat_id") in self.blocked:
            return _error(403, "Forbidden: bot was blocked by the user")
        if name == "createForumTopic" and not self.forum:
            return _error(400, "Bad Request: the chat is not a forum")
        return 200, json.dumps({"ok": True, "result": self._result(name, params)}).encode()

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        sent = {"sendMessage", "sendDocument", "sendPhoto", "sendVoice", "sendVenue"}
        if name in sent | {"editMessageText", "editMessageReplyMarkup"}:
            message = {
                "message_id": params.get("message_id") or next(self._ids), "date": int(time.time()),
                "chat": {"id": params.get("chat_id", 1), "type": "private"}, "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if params.get("reply_markup"):
                message["reply_markup"] = params["reply_markup"]
            if params.get("message_thread_id"):
                message.update(message_thread_id=params["message_thread_id"], is_topic_message=True)
            return message
        if name == "getUpdates":
            return []
        if name == "createForumTopic":
            return {"message_thread_id": next(self._ids), "name": params["name"], "icon_color": 7322096}
        if name == "getFile":
            return {"file_id": params["file_id"], "file_unique_id": params["file_id"],
                    "file_path": f"documents/{params['file_id']}"}
        if name == "getChatMember":
            status = "member" if params["user_id"] in self.members else "left"
            return {"status": status, "user": {"id": params["user_id"], "is_bot": False, "first_name": "X"}}
        return True

    def named(self, method: str) -> list[Call]:
        return [call for call in self.calls if call.method == method]

    def sent(self) -> list[dict[str, Any]]:
        """Parameters of every message sent or edited, in order."""
        return [c.params for c in self.calls if c.method in {"sendMessage", "editMessageText"}]


def _error(status: int, description: str) -> tuple[int, bytes]:
    return status, json.dumps({"ok": False, "error_code": status, "description": description}).encode()


def _decode(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


_update_ids = itertools.count(1)
_message_ids = itertools.count(1)


def user(user_id: int = 1, lang: str | None = "en", name: str = "Ada") -> dict[str, Any]:
    data = {"id": user_id, "is_bot": False, "first_name": name}
    if lang:
        data["language_code"] = lang
    return data


def message_update(app: Application, text: str | None = None, *, sender: dict | None = None,
                   chat_type: str = "private", chat_id: int | None = None, **extra: Any) -> Update:
    sender = sender or user()
    chat = {"id": chat_id or sender["id"], "type": chat_type}
    if chat_type != "private":
        chat["title"] = "Delegates"
    message: dict[str, Any] = {"message_id": next(_message_ids), "date": int(time.time()),
                               "chat": chat, "from": sender, **extra}
    if text is not None:
        message["text"] = text
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    return Update.de_json({"update_id": next(_update_ids), "message": message}, app.bot)


def callback_update(app: Application, data: str, *, sender: dict | None = None,
                    message_text: str = "…", chat_id: int | None = None,
                    message_id: int | None = None) -> Update:
    sender = sender or user()
    chat = {"id": chat_id or sender["id"], "type": "private" if not chat_id or chat_id > 0 else "supergroup"}
    message = {"message_id": message_id or next(_message_ids), "date": int(time.time()),
               "chat": chat, "from": BOT_USER, "text": message_text}
    query = {"id": str(next(_update_ids)), "from": sender, "chat_instance": "1", "data": data,
             "message": message}
    return Update.de_json({"update_id": next(_update_ids), "callback_query": query}, app.bot)


def document_update(app: Application, request: RecordingRequest, name: str, content: bytes, *,
                    sender: dict | None = None, **extra: Any) -> Update:
    """A private message carrying a file (`media_group_id=` for an album's files); its content is
    served by `request` on download."""
    file_id = f"file{next(_message_ids)}"
    request.files[file_id] = content
    document = {"file_id": file_id, "file_unique_id": file_id, "file_name": name, "file_size": len(content)}
    return message_update(app, None, sender=sender, document=document, **extra)


def voice_update(app: Application, request: RecordingRequest, content: bytes = b"OggS voice", *,
                 duration: int = 3, sender: dict | None = None, **extra: Any) -> Update:
    """A voice note (OGG); its content is served by `request` on download."""
    file_id = f"voice{next(_message_ids)}"
    request.files[file_id] = content
    voice = {"file_id": file_id, "file_unique_id": file_id, "duration": duration, "mime_type": "audio/ogg",
             "file_size": len(content)}
    return message_update(app, None, sender=sender, voice=voice, **extra)


def buttons(params: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, callback_data) of every inline button in a sent message."""
    markup = params.get("reply_markup") or {}
    return [(b["text"], b.get("callback_data", "")) for row in markup.get("inline_keyboard", []) for b in row]
