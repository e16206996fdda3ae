"""The agenda's clock: the timed items of `data/agenda.yaml` on the event's day in its time zone,
what is on now and next, and the cheap detection of "what's on now?" / "what's next?" in zh, en, it.

Organisers give an item a clock time (`time: "09:30"` or `"09:30-10:15"`) and the event its day
(`event.day: 2023-11-30`) and time zone (`event.time_zone`, default Asia/Shanghai). An item runs
until its own end time, else until the next timed item starts; the last one without an end runs
until the day ends. Knows nothing about Telegram.
"""

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.texts import text

DEFAULT_TIME_ZONE = "Asia/Shanghai"
_CLOCK = re.compile(r"(\d{1,2})\s*[:.：]\s*(\d{2})")


def in_language(value: Any, lang: str) -> str:
    """A {zh, en, it} mapping in `lang` (English, then any, when it lacks one); plain values as text."""
    if isinstance(value, dict):
        value = value.get(lang) or value.get("en") or next(iter(value.values()), "")
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Slot:
    """One timed agenda item: `key` is its id, else its position in the agenda (from 1)."""

    key: str
    start: dt.datetime  # aware, in the event's time zone
    end: dt.datetime | None
    item: dict[str, Any]

    def title(self, lang: str) -> str:
        return in_language(self.item.get("title"), lang)

    @property
    def clock(self) -> str:
        """"09:30" or "09:30–10:15"."""
        start = self.start.strftime("%H:%M")
        return f"{start}–{self.end.strftime('%H:%M')}" if self.end else start


def _clocks(value: Any) -> list[dt.time]:
    """The clock times in an item's `time`: "09:30", "9.30-10.15", {en: …}; a bare 10:00 that YAML
    read as a number of minutes (sexagesimal 600) too."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return [dt.time(value // 60, value % 60)]
    found = []
    for hours, minutes in _CLOCK.findall(in_language(value, "en")):
        if int(hours) < 24 and int(minutes) < 60:
            found.append(dt.time(int(hours), int(minutes)))
    return found


def _event(data: dict[str, Any]) -> dict[str, Any]:
    agenda = data.get("agenda")
    event = agenda.get("event") if isinstance(agenda, dict) else None
    return event if isinstance(event, dict) else {}


def event_day(data: dict[str, Any]) -> dt.date | None:
    """The event's day (`event.day`, a date or "YYYY-MM-DD"), if the data gives it."""
    day = _event(data).get("day")
    if isinstance(day, dt.date):
        return day
    try:
        return dt.date.fromisoformat(str(day)) if day else None
    except ValueError:
        return None


def time_zone(data: dict[str, Any]) -> ZoneInfo:
    try:
        return ZoneInfo(str(_event(data).get("time_zone") or DEFAULT_TIME_ZONE))
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def has_times(data: dict[str, Any]) -> bool:
    """Whether any agenda item has a clock time (with or without the event's day)."""
    return any(_clocks(item.get("time")) for _, item in _items(data))


def _items(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    agenda = data.get("agenda")
    items = agenda.get("items") if isinstance(agenda, dict) else None
    return [
        (str(item.get("id") or number), item)
        for number, item in enumerate(items or [], start=1)
        if isinstance(item, dict)
    ]


def slots(data: dict[str, Any]) -> list[Slot]:
    """The timed items on the event's day, by start time; none without the day."""
    day = event_day(data)
    if day is None:
        return []
    zone = time_zone(data)
    timed = []
    for key, item in _items(data):
        clocks = _clocks(item.get("time"))
        if clocks:
            start = dt.datetime.combine(day, clocks[0], zone)
            end = dt.datetime.combine(day, clocks[1], zone) if len(clocks) > 1 else None
            timed.append((start, end, key, item))
    timed.sort(key=lambda found: found[0])
    return [
        Slot(key, start, end or (timed[n + 1][0] if n + 1 < len(timed) else None), item)
        for n, (start, end, key, item) in enumerate(timed)
    ]


def find_slot(data: dict[str, Any], key: str) -> Slot | None:
    return next((slot for slot in slots(data) if slot.key == key), None)


# --- "what's on now?" / "what's next?" -----------------------------------------------------------


class Ask(StrEnum):
    NOW = "now"
    NEXT = "next"


_RULES: list[tuple[Ask, re.Pattern[str], re.Pattern[str]]] = [
    # English: a question word, a "now" and "on / happening / speaking…"
    (
        Ask.NOW,
        re.compile(r"\b(what|whats|which|who)\b.*\b(now|right now|at the moment|currently)\b"),
        re.compile(r"\b(on|happening|going on|running|taking place|in progress|session|talk|speaking)\b"),
    ),
    (
        Ask.NEXT,
        re.compile(r"\b(what|whats|which|who)\b.*\bnext\b|\bnext\b.*\b(session|talk|speech|item|speaker)\b"),
        # not what someone agreed or planned to do next ("what did both sides agree to do next")
        re.compile(r"^(?!.*\bnext (year|time|week|month|edition|congress|event|meeting)\b)(?!.*\bdid\b)"),
    ),
    # Chinese: 现在/正在… with 进行/环节/谁在讲…; 接下来/下一个… with 是/什么/谁…
    (
        Ask.NOW,
        re.compile(r"现在|目前|此刻|当前|正在"),
        re.compile(r"进行|在开|环节|议程|谁在讲|谁在发言|在讲什么|开什么"),
    ),
    (
        Ask.NEXT,
        re.compile(r"接下来|下一个|下一项|下一场|下个环节|之后是|然后是"),
        re.compile(r"^(?!.*(双方|他们|说|打算|计划))(?=.*(是|什么|谁|哪))"),  # not "双方说接下来要怎么做"
    ),
    # Italian: cosa/chi… with adesso/ora/in questo momento and c'è/succede/parla… ("a che ora" is not "now")
    (
        Ask.NOW,
        re.compile(r"\b(cosa|chi|quale)\b.*\b(adesso|ora|in questo momento|attualmente)\b"),
        re.compile(r"\b(c'e|c'è|succede|parla|in corso|in programma|si tiene|sta|stanno)\b"),
    ),
    (
        Ask.NEXT,
        re.compile(r"\b(cosa|chi|quale|qual)\b.*\b(dopo|prossimo|prossima|successivo)\b"),
        re.compile(r"^(?!.*\b(prossimo anno|prossima (volta|edizione|settimana))\b)"),
    ),
]


def schedule_question(question: str) -> Ask | None:
    """NOW or NEXT when the question asks what is on now or next; two regex searches per rule."""
    folded = question.lower().replace("’", "'").replace("what's", "whats").replace("what is", "whats")
    for ask, first, second in _RULES:
        if first.search(folded) and second.search(folded):
            return ask
    return None


def _line(lang: str, key: str, slot: Slot) -> str:
    return text(lang, key, time=slot.clock, title=slot.title(lang))


def now_and_next(data: dict[str, Any], ask: Ask, now: dt.datetime, lang: str) -> str:
    """What is on at `now` and what follows, from the timed items (the question asked first)."""
    timed = slots(data)
    date = in_language(_event(data).get("date"), lang) or str(timed[0].start.date())
    now = now.astimezone(timed[0].start.tzinfo)
    day_end = dt.datetime.combine(timed[0].start.date() + dt.timedelta(days=1), dt.time(), now.tzinfo)
    if now < timed[0].start:
        return text(lang, "schedule_not_started", date=date, time=timed[0].clock, title=timed[0].title(lang))
    if now >= (timed[-1].end or day_end):
        return text(lang, "schedule_over", date=date)
    current = next((s for s in timed if s.start <= now < (s.end or day_end)), None)
    following = next((s for s in timed if s.start > now), None)
    on = _line(lang, "schedule_now", current) if current else text(lang, "schedule_break")
    then = _line(lang, "schedule_next", following) if following else text(lang, "schedule_last")
    return "\n".join([then, on] if ask is Ask.NEXT else [on, then])
