"""Statistics and knowledge gaps from what delegates asked."""

import csv
import io

import pytest

from bot.handoff import Status, Tickets
from bot.insight import gaps, gaps_csv, stats
from bot.storage import Store


@pytest.fixture
def store(tmp_path) -> Store:
    store = Store(tmp_path / "bot.sqlite3")
    Tickets(store)  # the ticket tables, as the Telegram app creates them
    return store


def ask(store, assistant, question, user_id=1):
    answer = assistant.ask(question)
    return store.record_question(user_id, user_id, answer.language, question, answer.text,
                                 str(answer.reason), answer.confidence, "")


def test_stats_count_questions_votes_and_staff_response(store, assistant):
    answered = ask(store, assistant, "Who is Hans Song?")
    ask(store, assistant, "What is the Wi-Fi password?")
    ask(store, assistant, "")  # empty: counted, but not a knowledge gap
    ask(store, assistant, "thanks!")  # small talk: returned in kind, not an abstention
    store.vote(answered, 1, 1)
    tickets = Tickets(store)
    ticket = tickets.open(user_id=1, chat_id=1, delegate="Ada", language="en", question="Wi-Fi?")
    tickets.add_message(ticket.id, "staff", "Anna", "At the desk.")
    tickets.close(ticket.id, Status.RESOLVED)
    numbers = stats(store)
    assert (numbers["questions"], numbers["answered"], numbers["abstained"]) == (4, 2, 2)
    assert numbers["per_language"] == {"en": 4} and sum(numbers["per_day"].values()) == 4
    assert (numbers["thumbs_up"], numbers["thumbs_down"]) == (1, 0)
    assert (numbers["tickets_opened"], numbers["tickets_resolved"]) == (1, 1)
    assert numbers["median_staff_response_s"] is not None and numbers["median_staff_response_s"] >= 0


def test_gaps_group_one_need_across_languages_and_count_downvotes(store, assistant):
    asked = ["会场附近有停车场吗？", "Is there a car park at the venue?",
             "C'è un parcheggio vicino alla sede?", "Who won the 2022 World Cup?"]
    for user_id, question in enumerate(asked):
        ask(store, assistant, question, user_id)
    disliked = ask(store, assistant, "Who is Hans Song?", 9)
    store.vote(disliked, 9, -1)
    found = gaps(store, assistant.retriever)
    assert (found[0].count, found[0].topic) == (3, "gap-parking")
    assert set(found[0].examples) == {"zh", "en", "it"}
    assert any(gap.downvoted == 1 and "Hans Song" in gap.questions[0] for gap in found)
    rows = list(csv.reader(io.StringIO(gaps_csv(found))))
    assert rows[0] == ["count", "downvoted", "closest_entry", "example_zh", "example_en", "example_it", "all"]
    assert rows[1][:3] == ["3", "0", "gap-parking"] and len(rows) == len(found) + 1


def test_a_message_answered_in_part_counts_as_helped_and_is_still_a_gap(store, assistant):
    question = "where is the venue and how do I get there?"  # the venue, and no route published
    ask(store, assistant, question)
    assert (stats(store)["answered"], stats(store)["abstained"]) == (1, 0)
    assert any(question in gap.questions for gap in gaps(store, assistant.retriever))


def test_no_questions_no_gaps(store, assistant):
    assert gaps(store, assistant.retriever) == []
    assert stats(store)["questions"] == 0
