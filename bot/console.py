"""The local console chat: the same core as Telegram, for organisers and for trying the bot offline."""

from collections.abc import Callable

from bot.answer import Reason
from bot.core import Assistant, Context
from bot.texts import text

PROMPT = "you> "
LEAVE = frozenset({"/quit", "/exit", "quit", "exit", "q"})  # typed with or without the slash


def chat(
    assistant: Assistant,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    history_turns: int = 3,
) -> None:
    """Read questions until end of input (Ctrl-D) or `/quit`; show each answer with its details."""
    write("Ask about the Europe–Lishui docking meeting in 中文, English or Italiano. /quit to leave.")
    context = Context()
    history: list[str] = []
    while True:
        try:
            question = read(PROMPT)
        except (EOFError, KeyboardInterrupt):
            write("")
            return
        if question.strip().lower() in LEAVE:
            return
        context.history = tuple(history[-history_turns:]) if history_turns else ()
        answer = assistant.ask(question, context)
        context.preferred_language = answer.language
        if answer.reason is Reason.ANSWERED:
            history.append(question.strip())
        write(f"bot> {answer.text}")
        sources = ", ".join(source.title for source in answer.sources)
        details = f"[{answer.language} · confidence {answer.confidence:.2f} · {answer.reason}"
        details += f" · {text(answer.language, 'sources')}: {sources}]" if sources else "]"
        write(details)
