"""End-to-end Telegram test harness: the npm `telegram-test-api` emulator, a bridge that lets
the unmodified python-telegram-bot product talk to it, and simulated delegates.

`python -m tests.harness` runs emulator + bridge for manual testing; `tests/harness/fixtures.py`
provides the pytest fixtures; `tests/bench.py` load-tests the bot through it.
"""

from tests.harness.bridge import Bridge, Call, Fault
from tests.harness.client import BotMessage, Button, Delegate, Inbox
from tests.harness.emulator import Emulator, EmulatorError
from tests.harness.stack import DEFAULT_TOKEN, Harness

__all__ = [
    "DEFAULT_TOKEN",
    "BotMessage",
    "Bridge",
    "Button",
    "Call",
    "Delegate",
    "Emulator",
    "EmulatorError",
    "Fault",
    "Harness",
    "Inbox",
]
