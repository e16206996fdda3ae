"""`python -m tests.harness` (`make emulator`): emulator + bridge on 127.0.0.1 until Ctrl-C.

Point the bot at it with the two printed variables, e.g. in another terminal:

    TELEGRAM_API_BASE_URL=http://127.0.0.1:8081/bot TELEGRAM_BOT_TOKEN=123456789:HARNESS-test-token make run
"""

from __future__ import annotations

import argparse
import signal
import threading

from tests.harness.stack import DEFAULT_TOKEN, Harness


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.harness", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="the bridge's port (default: a free one)")
    parser.add_argument("--emulator-port", type=int, default=None, help="the emulator's (default: free)")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token to suggest")
    args = parser.parse_args(argv)

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with Harness(bridge_port=args.port, emulator_port=args.emulator_port) as harness:
        print("Telegram emulator and bridge are running on 127.0.0.1. For the bot:", flush=True)
        print(f"  TELEGRAM_API_BASE_URL={harness.bot_api_url}")
        print(f"  TELEGRAM_BOT_TOKEN={args.token}")
        print(f"Client API (play a user): {harness.client_url}")
        print("  POST /sendMessage, /sendCommand, /sendCallback with a JSON update and botToken;")
        print(
            '  POST /getUpdatesHistory {"token": ...} lists what the bot sent (see tests/harness/client.py).'
        )
        print(f"Bridge: GET {harness.bridge_url}/_bridge/calls, POST {harness.bridge_url}/_bridge/fail")
        print("Press Ctrl-C to stop.", flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    print("stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
