"""Menu data as knowledge: when organisers give agenda items clock times in `data/agenda.yaml`,
the timed programme becomes an entry in every language, so "what time does the first speech
start?" is answered from it (and the "times not published" entry steps aside)."""

import datetime as dt
from pathlib import Path
from typing import Any

from bot import LANGUAGES
from bot.knowledge import Entry
from bot.schedule import in_language as _in
from bot.texts import text

AGENDA_TIMES_ID = "agenda-times"
SCHEDULE_GAP = "gap-schedule-times"  # "no clock times are published": the timed agenda fills it


def _agenda_line(item: dict[str, Any], lang: str) -> str:
    speakers = ", ".join(_in(speaker.get("name"), lang) for speaker in item.get("speakers") or [])
    line = f"{_in(item.get('time'), lang)} {_in(item.get('title'), lang)}"
    return f"{line} ({speakers})" if speakers and speakers not in line else line


def agenda_entries(data: dict[str, Any], root: Path) -> list[Entry]:
    """The timed programme as one entry per language; none when no item has a time."""
    agenda = data.get("agenda")
    items = agenda.get("items") if isinstance(agenda, dict) else None
    timed = [item for item in items or [] if isinstance(item, dict) and item.get("time")]
    if not timed:
        return []
    path = root / "data" / "agenda.yaml"
    updated = dt.date.fromtimestamp(path.stat().st_mtime) if path.exists() else dt.date.today()
    return [
        Entry(
            id=AGENDA_TIMES_ID,
            lang=lang,
            topic="event",
            title=text(lang, "agenda_times_title"),
            source="data/agenda.yaml",
            updated=updated,
            body="\n".join(_agenda_line(item, lang) for item in timed),
            path=path,
            replaces=(SCHEDULE_GAP,),
        )
        for lang in LANGUAGES
    ]
