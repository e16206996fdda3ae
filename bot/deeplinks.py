"""Deep links and their QR codes: `t.me/<bot>?start=it` opens the bot in Italian,
`?start=agenda` on the programme, `?start=zh-meet_avio` in Chinese on a meeting request
with Avio. Posters and badges carry them as QR codes (PNG, made by `segno`).

Knows nothing about Telegram's API; `start` in `telegram/delegates.py` reads the payload and
`/qr` in `telegram/organisers.py` prints the codes.
"""

import io
import re
from dataclasses import dataclass

import segno

from bot import LANGUAGES

SCREENS = ("agenda", "enterprises", "invest", "meetings")
MEET_PREFIX = "meet_"  # meet_<company id>: a meeting request with that enterprise
# Telegram allows 1-64 characters A-Z, a-z, 0-9, _ and - in a start payload.
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class Start:
    """What a /start payload asks for: a language, a screen (or `meet_<company>`), or both."""

    language: str | None = None
    screen: str | None = None

    @property
    def company(self) -> str | None:
        """The enterprise of a `meet_<company>` link."""
        if self.screen and self.screen.startswith(MEET_PREFIX):
            return self.screen.removeprefix(MEET_PREFIX)
        return None


def parse(payload: str) -> Start:
    """"it" → Italian; "agenda" → the programme; "it-agenda" → both; anything else → nothing
    (a mistyped or stale link still starts the bot normally)."""
    if not _PAYLOAD.fullmatch(payload or ""):
        return Start()
    head, _, tail = payload.partition("-")
    language = head.lower() if head.lower() in LANGUAGES else None
    screen = (tail if language else payload).lower() or None
    if screen is not None and screen not in SCREENS and not screen.startswith(MEET_PREFIX):
        screen = None
    return Start(language, screen)


def payload(language: str, screen: str | None = None) -> str:
    """The start payload for a language (and a screen)."""
    return f"{language}-{screen}" if screen else language


def qr_png(url: str, scale: int = 10) -> bytes:
    """A QR code of `url` as PNG, large enough to print (error correction Q: survives smudges)."""
    code = segno.make(url, error="q", micro=False)
    out = io.BytesIO()
    code.save(out, kind="png", scale=scale, border=4)
    return out.getvalue()
