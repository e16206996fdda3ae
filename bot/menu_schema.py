"""The shape the menus (`bot/menus.py`) need from `knowledge/data/agenda.yaml`, `enterprises.yaml`,
`invest.yaml` and the optional `venue.yaml` (the map pin), as pydantic models; a file that does not
fit is reported as `file:line` problems.

Other data files (a future `data/names.yaml`) are not checked here: any valid YAML is accepted.
"""

import datetime as dt
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from bot.texts import Phrase

if TYPE_CHECKING:
    from bot.knowledge import Problem

Scalar = str | int | float
Text = Scalar | dict[str, Scalar | None]  # one text per language ({zh, en, it}) or a plain value


class _Model(BaseModel):
    model_config = ConfigDict(extra="allow")  # new fields do not break old menus


class Event(_Model):
    name: Text
    date: Text | None = None
    day: dt.date | None = None  # the date as YYYY-MM-DD: agenda times become moments (reminders, "now")
    time_zone: str | None = None  # e.g. Asia/Shanghai (the default)
    part_of_day: Text | None = None
    venue: Text | None = None
    part_of: Text | None = None


class Speaker(_Model):
    name: Text
    role: Text | None = None


class AgendaItem(_Model):
    title: Text
    id: str | None = None
    time: Text | None = None
    speakers: list[Speaker] = Field(default_factory=list)
    details: Text | None = None


class Agenda(_Model):
    event: Event
    items: list[AgendaItem] = Field(min_length=1)


class Side(_Model):
    id: str
    name: Text
    count: int | None = None
    summary: Text | None = None
    sectors: list[Text] = Field(default_factory=list)


class Company(_Model):
    id: str
    name: Text
    side: str | None = None
    group: str | None = None
    country: Text | None = None
    sector: Text | None = None
    note: Text | None = None


class Enterprises(_Model):
    sides: list[Side] = Field(min_length=1)
    companies: list[Company] = Field(default_factory=list)


class Section(_Model):
    title: Text
    id: str | None = None
    text: Text | None = None
    items: list[Text] = Field(default_factory=list)


class Invest(_Model):
    sections: list[Section] = Field(min_length=1)


class Venue(_Model):
    """`data/venue.yaml`: the venue as a map pin (optional; without it the venue is told in text)."""

    name: Text
    address: Text
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)


_TYPE_NAME = re.compile(r"^(str|int|float|bool|none|dict\[.*\]|list\[.*\]|function-.*)$")

MENU_DATA: dict[str, type[BaseModel]] = {
    "agenda": Agenda,
    "enterprises": Enterprises,
    "invest": Invest,
    "venue": Venue,
}


def _node_at(node: yaml.Node, location: tuple[int | str, ...]) -> yaml.Node:
    """The deepest YAML node along a pydantic error location (for its line)."""
    for step in location:
        if isinstance(node, yaml.MappingNode):
            found = next((value for key, value in node.value if key.value == step), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            found = node.value[step]
        else:
            found = None
        if found is None:
            break
        node = found
    return node


_ERROR_PHRASES = {  # pydantic's error types → what the organiser is told (in their language)
    "missing": "schema_missing",
    "string_type": "schema_text",
    "int_type": "schema_number",
    "int_parsing": "schema_number",
    "int_from_float": "schema_number",
    "float_type": "schema_number",
    "float_parsing": "schema_number",
    "date_type": "schema_date",
    "date_parsing": "schema_date",
    "date_from_datetime_parsing": "schema_date",
    "date_from_datetime_inexact": "schema_date",
    "list_type": "schema_list",
    "dict_type": "schema_mapping",
    "model_type": "schema_mapping",
    "model_attributes_type": "schema_mapping",
}


def _where(location: tuple[int | str, ...]) -> str | Phrase:
    path = "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in location)
    return path.lstrip(".") or Phrase("kp_whole_file")


def _phrase(error: ErrorDetails) -> Phrase:
    """One pydantic error as a phrase (pydantic's own message is English only)."""
    limits = error.get("ctx") or {}
    if error["type"] == "too_short":
        return Phrase("schema_too_short", count=limits.get("min_length", 1))
    if error["type"] in ("greater_than_equal", "greater_than"):
        return Phrase("schema_at_least", limit=limits.get("ge", limits.get("gt")))
    if error["type"] in ("less_than_equal", "less_than"):
        return Phrase("schema_at_most", limit=limits.get("le", limits.get("lt")))
    return Phrase(_ERROR_PHRASES.get(error["type"], "schema_invalid"))


def schema_problems(path: Path, node: yaml.Node, value: Any) -> list["Problem"]:
    """Problems of a menu data file against its model (none for files the menus do not use)."""
    from bot.knowledge import Problem

    model = MENU_DATA.get(path.stem)
    if model is None:
        return []
    if not isinstance(value, dict):
        fields = ", ".join(model.model_fields)
        return [Problem(path, 1, Phrase("kp_data_not_mapping", name=path.name, fields=fields))]
    try:
        model.model_validate(value)
    except ValidationError as exc:
        return _problems(path, node, exc)
    return []


def _problems(path: Path, node: yaml.Node, exc: ValidationError) -> list["Problem"]:
    """One problem per wrong place; a value that fits none of a union's types is said once."""
    from bot.knowledge import Problem

    messages: dict[tuple[int | str, ...], list[Phrase]] = {}
    for error in exc.errors():
        # Union errors add the alternative tried ("str", "dict[str,...]") to the location: drop it.
        location = tuple(
            step for step in error["loc"] if isinstance(step, int) or not _TYPE_NAME.match(step)
        )
        messages.setdefault(location, []).append(_phrase(error))
    problems = []
    for location, found in messages.items():
        message = found[0] if len(found) == 1 else Phrase("schema_text_or_langs")
        line = _node_at(node, location).start_mark.line + 1
        problems.append(Problem(path, line, Phrase("kp_schema", where=_where(location), detail=message)))
    return problems
