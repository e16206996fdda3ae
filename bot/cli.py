"""Command line: `python -m bot [run|chat|ingest|eval]` and `python ingest.py`."""

import argparse
import contextlib
import json
import logging
import sys
from pathlib import Path

from tqdm import tqdm

from bot import index
from bot.config import Settings
from bot.knowledge import KnowledgeError
from bot.publishing import recover

log = logging.getLogger("bot")


def _parse_thresholds(pairs: list[str]) -> dict[str, float]:
    thresholds = {}
    for pair in pairs:
        metric, _, value = pair.partition("=")
        if not value:
            raise argparse.ArgumentTypeError(f"expected METRIC=VALUE, got {pair!r}")
        thresholds[metric.strip()] = float(value)
    return thresholds


def ingest_command(argv: list[str] | None = None, settings: Settings | None = None) -> int:
    """Validate and ingest; print `file:line: problem` lines and exit 1 if the knowledge is invalid."""
    parser = argparse.ArgumentParser(prog="ingest.py", description=__doc__)
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    settings = settings or Settings()
    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if args.quiet or total < index.PROGRESS_MIN_CHUNKS:
            return
        bar = bar or tqdm(total=total, unit="chunk", desc="embedding")
        bar.update(done - bar.n)

    try:
        report = index.ingest(settings, progress=progress)
    except KnowledgeError as exc:
        print(
            f"The knowledge base has {len(exc.problems)} problem(s); the index was not changed:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    finally:
        if bar:
            bar.close()
    from bot.retrieval import prepare  # imported lazily: it loads the tokenizers

    prepare(settings)
    print(f"Ingested {settings.knowledge_dir}: {report.summary()}")
    for entry_id, langs in report.missing_translations.items():
        print(f"  note: '{entry_id}' has no {', '.join(langs)} version yet")
    return 0


def _ensure_index(settings: Settings, background: bool = False) -> bool:
    """Make sure there is an index to answer from. A usable index (even one older than the
    knowledge, or the knowledge now invalid) is enough: the bot starts on it; with `background`
    the caller re-ingests later, else it is done now. Without one, ingest first.

    A folder swap interrupted by a crash is recovered first."""
    recover(settings.knowledge_dir)
    usable = index.usable(settings)
    if usable and (background or not index.is_stale(settings)):
        return True
    if not usable:
        print("The index is missing or unusable: ingesting the knowledge base first.", file=sys.stderr)
    # Progress goes to stderr: stdout may be the evaluation's JSON.
    with contextlib.redirect_stdout(sys.stderr):
        ingested = ingest_command(["--quiet"], settings) == 0
    if not ingested and usable:
        log.warning("the knowledge has problems (see above); answering from the last good index")
    return ingested or usable


def _assistant(settings: Settings):  # noqa: ANN202 - imported lazily, the model takes a moment
    from bot.core import Assistant

    return Assistant(settings)


def chat_command(settings: Settings) -> int:
    from bot.console import chat

    if not _ensure_index(settings):
        return 1
    chat(_assistant(settings), history_turns=settings.history_turns)
    return 0


def run_command(settings: Settings) -> int:
    """The main job: the Telegram bot when a token is configured, else the console chat."""
    if not settings.telegram_bot_token:
        print("TELEGRAM_BOT_TOKEN is not set: starting the local console chat.")
        return chat_command(settings)
    if not _ensure_index(settings, background=True):  # the bot re-ingests once it runs
        return 1
    from bot.telegram.app import run_bot

    run_bot(settings, _assistant(settings))
    return 0


def eval_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.evaluation import check_thresholds, evaluate, failures, load_items

    if not _ensure_index(settings):
        return 1
    report, outcomes = evaluate(_assistant(settings), load_items(args.file))
    if args.show_failures:
        report["failures"] = failures(outcomes)
    print(json.dumps(report, ensure_ascii=False, indent=2))
    problems = check_thresholds(report, args.fail_under)
    for problem in problems:
        print(f"FAIL: {problem}", file=sys.stderr)
    return 1 if problems else 0


def fit_command(files: list[Path], settings: Settings) -> int:
    from bot.evaluation import load_items
    from bot.fitting import fit_command as fit

    if not _ensure_index(settings):
        return 1
    items = [item for path in files for item in load_items(path)]
    model = fit(_assistant(settings), items, [path.as_posix() for path in files])
    print(json.dumps({"threshold": model.threshold, "tentative": model.tentative}))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="The delegate assistant.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Telegram bot (console chat without a token); default")
    commands.add_parser("chat", help="chat with the bot in this terminal")
    commands.add_parser("ingest", help="validate knowledge/ and update the index")
    evaluate = commands.add_parser("eval", help="score the bot on a question file")
    evaluate.add_argument("file", type=Path)
    evaluate.add_argument(
        "--fail-under",
        nargs="*",
        default=[],
        metavar="METRIC=VALUE",
        help="exit 1 if a metric misses its bound (a maximum for *_false_rate and *_ms)",
    )
    evaluate.add_argument("--show-failures", action="store_true", help="list the missed items")
    fit = commands.add_parser("fit", help="fit the answer decision on development question files")
    fit.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    settings = Settings()
    if args.command == "ingest":
        return ingest_command([], settings)
    if args.command == "chat":
        return chat_command(settings)
    if args.command == "fit":
        return fit_command(args.files, settings)
    if args.command == "eval":
        try:
            args.fail_under = _parse_thresholds(args.fail_under)
        except argparse.ArgumentTypeError as exc:
            parser.error(str(exc))
        return eval_command(args, settings)
    return run_command(settings)
