"""Telegram's limits, kept by the bot: message length (4096 UTF-16 code units of text after the
HTML is parsed, tags balanced in every message), flood control per chat (one 429 pauses that
chat only), and each delegate's pace (a flood is told once per window, then ignored; counted in
the database, so replicas share it).
"""

import asyncio
import datetime as dt
import html
import json
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from enum import Enum
from html.parser import HTMLParser
from typing import Any

from sqlalchemy import select, text
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

from bot.schema import paces
from bot.storage import Store

MAX_MESSAGE = 4096  # UTF-16 code units of a message's text, after entity parsing
PRIVATE_RESERVE = 10  # of Telegram's 30 messages a second, kept free for private chats
SPARE_FOR_EXTRAS = 10  # free calls of the 30 a second an optional call (typing…) needs: answers first
SEPARATORS = ("\n\n", "\n", " ")

Tag = tuple[str, str]  # (name, the start tag as written, attributes included)


def utf16_length(words: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(words.encode("utf-16-le")) // 2


class _Runs(HTMLParser):
    """Telegram HTML as runs of plain text, each with the tags open around it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[tuple[str, tuple[Tag, ...]]] = []
        self._open: list[Tag] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open.append((tag, self.get_starttag_text() or f"<{tag}>"))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self._open) - 1, -1, -1):
            if self._open[depth][0] == tag:
                del self._open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.runs.append((data, tuple(self._open)))


def _cuts(plain: str, limit: int) -> list[tuple[int, int]]:
    """(start, end) of each message's text: at most `limit` UTF-16 units, cut at a paragraph,
    line or word end when there is one, whitespace at the cuts dropped."""
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(plain):
        while start < len(plain) and plain[start].isspace():
            start += 1
        end, units = start, 0
        while end < len(plain) and units + utf16_length(plain[end]) <= limit:
            units += utf16_length(plain[end])
            end += 1
        if end < len(plain):
            cut = max(plain.rfind(sep, start, end) for sep in SEPARATORS)
            end = cut if cut > start else end
        stop = end
        while stop > start and plain[stop - 1].isspace():
            stop -= 1
        if stop > start:
            spans.append((start, stop))
        start = end
    return spans


def _render(runs: list[tuple[str, tuple[Tag, ...]]], start: int, end: int) -> str:
    """The runs' text between two offsets as HTML, every tag opened and closed inside."""
    out: list[str] = []
    current: tuple[Tag, ...] = ()
    offset = 0
    for words, tags in runs:
        low, high = max(start, offset), min(end, offset + len(words))
        offset += len(words)
        if low >= high:
            continue
        common = 0
        while common < min(len(current), len(tags)) and current[common] == tags[common]:
            common += 1
        out += [f"</{name}>" for name, _ in reversed(current[common:])]
        out += [written for _, written in tags[common:]]
        begins = offset - len(words)
        out.append(html.escape(words[low - begins : high - begins], quote=False))
        current = tags
    out += [f"</{name}>" for name, _ in reversed(current)]
    return "".join(out)


def split_html(body: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Telegram HTML split into messages that each fit: the text is cut (at paragraph, line or
    word ends), then each part is formatted again with its tags closed and reopened."""
    parser = _Runs()
    parser.feed(body)
    parser.close()
    plain = "".join(words for words, _ in parser.runs)
    if utf16_length(plain) <= limit:
        return [body] if plain.strip() else []
    return [_render(parser.runs, start, end) for start, end in _cuts(plain, limit)]


def split_text(body: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Plain text split into messages of at most `limit` UTF-16 units."""
    return [body[start:end] for start, end in _cuts(body, limit)]


def clip(words: str, limit: int) -> str:
    """At most `limit` characters, with "…" when something was cut."""
    return words if len(words) <= limit else words[: limit - 1].rstrip() + "…"


# --- flood control ---------------------------------------------------------------------------


def _seconds(exc: RetryAfter) -> float:
    value = exc._retry_after  # the timedelta behind PTB's deprecated int property
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


class ChatRateLimiter(AIORateLimiter):
    """`AIORateLimiter`'s limits (30 messages a second, 20 a minute per group), but Telegram's
    "retry after N seconds" pauses only the chat it was about (`AIORateLimiter` pauses every
    request of the bot, so one flooded chat would stall all delegates), and groups (the staff
    chat) send only from what private chats leave of the 30 a second: delegates' answers first."""

    def __init__(self, max_retries: int = 3) -> None:
        super().__init__(max_retries=max_retries)
        self._resume_at: dict[object, float] = {}

    def has_room(self) -> bool:
        """Room for an optional call (a typing indicator) that delays no answer: a good part of
        this second's budget is still free."""
        return self._base_limiter is None or self._base_limiter.has_capacity(SPARE_FOR_EXTRAS)

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, Any]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = data.get("chat_id")
        group = chat_id if isinstance(chat_id, str) or (isinstance(chat_id, int) and chat_id < 0) else False
        retries = rate_limit_args or self._max_retries
        for attempt in range(retries + 1):
            pause = self._resume_at.get(chat_id, 0.0) - time.monotonic()
            if pause > 0:
                await asyncio.sleep(pause)
            while group and self._base_limiter and not self._base_limiter.has_capacity(PRIVATE_RESERVE):
                await asyncio.sleep(0.05)
            try:
                return await self._run_request(
                    chat=chat_id is not None,
                    group=group,
                    allow_paid_broadcast=bool(data.get("allow_paid_broadcast", False)),
                    callback=callback,
                    args=args,
                    kwargs=kwargs,
                )
            except RetryAfter as exc:
                if attempt == retries:
                    raise
                self._resume_at[chat_id] = time.monotonic() + _seconds(exc) + 0.1
        raise AssertionError("unreachable")


# --- a delegate's pace -----------------------------------------------------------------------------


class Pace(Enum):
    OK = "ok"
    TELL = "tell"  # the first message over the limit in this window: say "slow down" once
    QUIET = "quiet"  # over the limit and already told: ignore


@dataclass
class Throttle:
    """At most `limit` messages per user in a sliding `window` of seconds, counted in the database
    (row-locked while it is read and written), so replicas behind a load balancer share the count."""

    limit: int
    window: float
    store: Store

    def check(self, user_id: int) -> Pace:
        now = time.time()
        with self.store.transaction() as db:
            found = db.execute(select(paces).where(paces.c.user_id == user_id).with_for_update()).first()
            times = [t for t in json.loads(found.times) if now - t <= self.window] if found else []
            told = bool(found.told) if found else False
            if len(times) < self.limit:
                times.append(now)
                pace, told = Pace.OK, False
            else:
                pace, told = (Pace.QUIET if told else Pace.TELL), True
            db.execute(
                text(
                    "INSERT INTO paces (user_id, times, told) VALUES (:user, :times, :told) "
                    "ON CONFLICT (user_id) DO UPDATE SET times = excluded.times, told = excluded.told"
                ),
                {"user": user_id, "times": json.dumps(times), "told": int(told)},
            )
        return pace

    def forget(self, user_id: int) -> None:
        self.store.execute("DELETE FROM paces WHERE user_id = :user", {"user": user_id})
