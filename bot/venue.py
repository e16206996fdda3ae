"""The venue as a map pin, when `knowledge/data/venue.yaml` gives its coordinates (name and
address per language, latitude, longitude); without them the venue is told in text only."""

from dataclasses import dataclass
from typing import Any

from bot.schedule import in_language

VENUE_ENTRY = "event-venue"  # the entry that answers "where is the venue?"


@dataclass(frozen=True)
class Pin:
    """A place to show on a map, its name and address in one language."""

    latitude: float
    longitude: float
    name: str
    address: str


def venue_pin(data: dict[str, Any], lang: str) -> Pin | None:
    """The venue's pin in `lang`, or None when the data has no (valid) coordinates."""
    venue = data.get("venue")
    if not isinstance(venue, dict):
        return None
    try:
        latitude, longitude = float(venue["latitude"]), float(venue["longitude"])
    except (KeyError, TypeError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    name = in_language(venue.get("name"), lang)
    return Pin(latitude, longitude, name, in_language(venue.get("address"), lang) or name)
