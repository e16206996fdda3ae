"""Test knowledge with what the seed does not publish: clock times on the agenda (with the
event's day and time zone) and the venue's coordinates. Test data only, in a temporary copy."""

import datetime as dt
import shutil
from pathlib import Path

import yaml

from bot.config import Settings
from bot.index import ingest

EVENT_DAY = dt.date(2031, 5, 20)
EVENT_DATE = {"zh": "2031年5月20日", "en": "20 May 2031", "it": "20 maggio 2031"}
SHANGHAI = dt.timezone(dt.timedelta(hours=8))  # Asia/Shanghai has had no daylight saving since 1991
TIMES = {
    "speech-guadagno": "09:00",
    "speech-liu-jia": "09:20",
    "lishui-promotion": "09:40-10:10",
    "enterprise-presentations": "10:30",
    "docking-talks": "11:00-12:00",
}
VENUE = {  # made-up test values, not the real venue
    "name": {"zh": "测试会场", "en": "Test Hall", "it": "Sala di prova"},
    "address": {"zh": "测试路1号", "en": "1 Test Road", "it": "Via di prova 1"},
    "latitude": 31.5,
    "longitude": 119.25,
}


def at(day: dt.date, clock: str) -> dt.datetime:
    """A moment on `day` at `clock` ("09:25") in the event's time zone."""
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), SHANGHAI)


def write_timed_agenda(knowledge: Path, day: dt.date | None = EVENT_DAY, times: dict | None = None) -> None:
    """Give the seed agenda's items clock times (and the event its day, unless `day` is None)."""
    path = knowledge / "data" / "agenda.yaml"
    agenda = yaml.safe_load(path.read_text(encoding="utf-8"))
    if day is not None:
        agenda["event"].update(day=day.isoformat(), time_zone="Asia/Shanghai", date=EVENT_DATE)
    for item in agenda["items"]:
        item["time"] = (times or TIMES).get(item["id"])
    path.write_text(yaml.safe_dump(agenda, allow_unicode=True, sort_keys=False), encoding="utf-8")


def write_venue(knowledge: Path) -> None:
    path = knowledge / "data" / "venue.yaml"
    path.write_text(yaml.safe_dump(VENUE, allow_unicode=True), encoding="utf-8")


def timed_knowledge(
    shared: Settings, base: Path, *, day: dt.date | None = EVENT_DAY, times: dict | None = None,
    venue: bool = True,
) -> Settings:
    """A copy of the shared, ingested knowledge with agenda times (and the venue's pin), ingested
    again: only what changed (the timed agenda entry) is embedded."""
    shutil.copytree(shared.knowledge_dir, base / "knowledge")
    shutil.copytree(shared.data_dir, base / "data")
    settings = shared.model_copy(update={"knowledge_dir": base / "knowledge", "data_dir": base / "data"})
    write_timed_agenda(settings.knowledge_dir, day, times)
    if venue:
        write_venue(settings.knowledge_dir)
    ingest(settings)
    return settings


def times_around(now: dt.datetime) -> tuple[dt.date, dict[str, str]]:
    """The agenda around `now` in Shanghai: the first item started an hour ago (and runs 20 more
    minutes), the others start 20, 40, 60 and 80 minutes from now; the day is today there."""
    import pytest

    base = now.astimezone(SHANGHAI).replace(second=0, microsecond=0)
    moments = [base + dt.timedelta(minutes=offset) for offset in (-60, 20, 40, 60, 80)]
    if moments[0].date() != moments[-1].date():
        pytest.skip("a test agenda around now would cross midnight in Shanghai")
    return base.date(), {key: moment.strftime("%H:%M") for key, moment in zip(TIMES, moments, strict=True)}
