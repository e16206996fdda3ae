"""The console chat: the same core as Telegram, read and written through plain functions."""

import pytest

from bot.console import chat
from bot.core import Assistant


def _session(assistant: Assistant, lines: list[str]) -> list[str]:
    typed = iter(lines)
    written: list[str] = []

    def read(prompt: str) -> str:
        try:
            return next(typed)
        except StopIteration:
            raise EOFError from None

    chat(assistant, read, written.append)
    return written


@pytest.mark.parametrize("leave", ["/quit", "quit", "Exit", "/exit", "q"])
def test_the_chat_answers_until_the_delegate_leaves_with_or_without_the_slash(assistant: Assistant, leave):
    written = _session(assistant, ["When is the meeting?", leave, "Where is the venue?"])
    answers = [line for line in written if line.startswith("bot> ")]
    assert len(answers) == 1 and "30" in answers[0]  # nothing is asked after leaving
    assert any(line.startswith("[en · confidence") for line in written)


def test_the_chat_ends_at_the_end_of_input(assistant: Assistant):
    written = _session(assistant, ["溧水有多少外资企业"])
    assert any(line.startswith("bot> ") and "300" in line for line in written)
    assert written[-1] == ""
