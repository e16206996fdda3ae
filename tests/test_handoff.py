"""The ticket domain: lifecycle, relays, finding a ticket from staff messages, drafts."""

import time

import pytest

from bot.handoff import Status, TicketError, Tickets, draft_files, draft_title, missing, write_draft
from bot.knowledge import load
from bot.storage import Store


@pytest.fixture
def tickets(tmp_path) -> Tickets:
    return Tickets(Store(tmp_path / "bot.sqlite3"))


def open_ticket(tickets: Tickets, user_id: int = 7, question: str = "Dov'è il guardaroba?"):
    return tickets.open(user_id=user_id, chat_id=user_id, delegate="Giulia", language="it", question=question)


def test_a_ticket_goes_from_open_to_claimed_to_resolved(tickets):
    ticket = open_ticket(tickets)
    assert ticket.status is Status.OPEN and ticket.active
    claimed = tickets.claim(ticket.id, 100, "Anna")
    assert (claimed.status, claimed.staff_name) == (Status.CLAIMED, "Anna")
    resolved = tickets.close(ticket.id, Status.RESOLVED)
    assert resolved.status is Status.RESOLVED and not resolved.active and resolved.closed_at
    with pytest.raises(TicketError) as error:
        tickets.claim(ticket.id, 100, "Anna")
    assert error.value.key == "closed"


def test_one_active_ticket_per_delegate(tickets):
    first = open_ticket(tickets)
    with pytest.raises(TicketError) as error:
        open_ticket(tickets, question="another")
    assert (error.value.key, error.value.values["number"]) == ("handoff_already_open", first.id)
    tickets.close(first.id, Status.ENDED)
    assert open_ticket(tickets, question="another").id != first.id


def test_another_staff_member_cannot_take_a_claimed_ticket(tickets):
    ticket = open_ticket(tickets)
    tickets.claim(ticket.id, 100, "Anna")
    with pytest.raises(TicketError) as error:
        tickets.claim(ticket.id, 200, "Marco")
    assert error.value.values["name"] == "Anna"
    assert tickets.claim(ticket.id, 100, "Anna").staff_id == 100  # claiming again is harmless


def test_staff_messages_find_their_ticket_by_topic_card_or_relayed_message(tickets):
    in_topic = tickets.posted(open_ticket(tickets, 1).id, thread_id=55, message_id=500)
    by_card = tickets.posted(open_ticket(tickets, 2).id, thread_id=None, message_id=600)
    relay = tickets.add_message(by_card.id, "delegate", "Giulia", "grazie")
    tickets.delivered(relay, staff_message_id=601)
    assert tickets.for_staff_message(55, None).id == in_topic.id
    assert tickets.for_staff_message(None, 600).id == by_card.id
    assert tickets.for_staff_message(None, 601).id == by_card.id
    assert tickets.for_staff_message(None, 999) is None
    assert tickets.for_staff_message(None, None) is None


def test_a_failed_relay_is_kept_on_the_message_and_the_ticket(tickets):
    ticket = open_ticket(tickets)
    relay = tickets.add_message(ticket.id, "staff", "Anna", "The cloakroom is by the entrance")
    tickets.failed(relay, "the delegate blocked the bot")
    (message,) = tickets.messages(ticket.id)
    assert (message.delivered, message.error) == (0, "the delegate blocked the bot")
    assert tickets.get(ticket.id).last_error == "the delegate blocked the bot"
    assert tickets.staff_answer(ticket.id).text == "The cloakroom is by the entrance"


def test_forget_deletes_the_delegates_tickets_and_messages(tickets):
    ticket = open_ticket(tickets)
    tickets.add_message(ticket.id, "delegate", "Giulia", "ciao")
    other = open_ticket(tickets, user_id=8)
    tickets.forget(7)
    with pytest.raises(TicketError):
        tickets.get(ticket.id)
    assert tickets.messages(ticket.id) == []
    assert tickets.get(other.id).active



def test_an_approved_draft_becomes_valid_knowledge(tickets, tmp_path):
    ticket = open_ticket(tickets)
    versions = {
        "it": {"question": "Dov'è il guardaroba?", "answer": "Il guardaroba è all'ingresso."},
        "en": {"question": "Where is the cloakroom?", "answer": "The cloakroom is at the entrance."},
    }
    draft = tickets.add_draft(ticket.id, "Dov'è il guardaroba?", versions, created_by="Anna")
    assert [d.id for d in tickets.drafts()] == [draft.id]
    decided = tickets.decide(draft.id, "approved", "Organiser")
    assert decided.status == "approved" and tickets.drafts() == []
    with pytest.raises(TicketError):
        tickets.decide(draft.id, "rejected", "Organiser")
    written = write_draft(decided, tmp_path / "knowledge", approved_by="Organiser")
    assert sorted(p.name for p in written) == [f"staff-{ticket.id}.en.md", f"staff-{ticket.id}.it.md"]
    kb = load(tmp_path / "knowledge")
    entry = kb.get(f"staff-{ticket.id}", "it")
    assert entry.body == "Il guardaroba è all'ingresso."
    assert entry.questions == ("Dov'è il guardaroba?",)
    assert entry.title == "Dov'è il guardaroba"
    assert kb.missing_translations() == {f"staff-{ticket.id}": ["zh"]}


def test_draft_titles_are_short_headings():
    assert draft_title("Where is the cloakroom?") == "Where is the cloakroom"
    long = draft_title("word " * 40)
    assert len(long) <= 60 and long.endswith("…")


def test_tickets_survive_reopening_the_database(tmp_path):
    first = Tickets(Store(tmp_path / "bot.sqlite3"))
    ticket = open_ticket(first)
    first.claim(ticket.id, 100, "Anna")
    again = Tickets(Store(tmp_path / "bot.sqlite3"))
    assert again.active_for(7).status is Status.CLAIMED
    assert again.get(ticket.id).created_at <= time.time()


def test_pseudonym_is_stable_and_hides_the_telegram_id(tickets):
    ticket = open_ticket(tickets, user_id=123456789)
    other = open_ticket(tickets, user_id=555)
    assert ticket.pseudonym.startswith("D-") and "123456789" not in ticket.pseudonym
    assert ticket.pseudonym != other.pseudonym
    assert tickets.get(ticket.id).pseudonym == ticket.pseudonym


def test_waiting_is_what_staff_have_not_answered_yet(tickets):
    ticket = tickets.open(user_id=7, chat_id=7, delegate="Giulia", language="it",
                          question="Dov'è il guardaroba?", bot_answer="Non lo so.")
    assert [words for words, _ in tickets.waiting(ticket)] == ["Dov'è il guardaroba?"]
    assert tickets.waiting(ticket, tried=False) == []  # the bot already tried the question
    tickets.add_message(ticket.id, "delegate", "Giulia", "E il parcheggio?")
    assert [words for words, _ in tickets.waiting(ticket, tried=False)] == ["E il parcheggio?"]
    tickets.add_message(ticket.id, "staff", "Anna", "All'ingresso; il parcheggio è dietro.")
    tickets.add_message(ticket.id, "delegate", "Giulia", "Grazie mille!")
    assert tickets.waiting(ticket) == []  # thanks need no answer


def test_ratings_reopening_and_saved_replies(tickets):
    ticket = open_ticket(tickets)
    assert not tickets.rate(ticket.id, 7, 1)  # still active
    tickets.close(ticket.id, Status.RESOLVED)
    assert not tickets.rate(ticket.id, 8, 1) and not tickets.rate(ticket.id, 7, 5)
    assert tickets.rate(ticket.id, 7, -1) and tickets.rate(ticket.id, 7, 1)  # a new rating replaces
    assert tickets.satisfaction() == {"up": 1, "down": 0}
    other = open_ticket(tickets)
    with pytest.raises(TicketError) as error:
        tickets.reopen(ticket.id, 100, "Anna")
    assert error.value.key == "other_open" and error.value.values["other"] == other.id
    tickets.close(other.id, Status.ENDED)
    reopened = tickets.reopen(ticket.id, 100, "Anna")
    assert reopened.status is Status.CLAIMED and reopened.staff_name == "Anna" and reopened.closed_at is None
    tickets.save_reply("WiFi", {"en": "On your badge.", "it": "Sul badge."}, "Olga")
    tickets.save_reply("wifi", {"it": "Sul Suo badge."}, "Olga")
    assert tickets.saved_replies() == {"wifi": {"en": "On your badge.", "it": "Sul Suo badge."}}


def test_a_draft_publishes_only_its_complete_languages(tickets):
    ticket = open_ticket(tickets)
    versions = {"zh": {"question": "有衣帽间吗？", "answer": ""},
                "en": {"question": "", "answer": "Yes, at the entrance."}}
    draft = tickets.add_draft(ticket.id, "有衣帽间吗？", versions, created_by="Anna")
    assert missing(draft) == {"zh": ["answer"], "en": ["question"], "it": ["question", "answer"]}
    with pytest.raises(TicketError) as error:
        draft_files(draft, "Olga")
    assert error.value.key == "draft_incomplete"
    draft = tickets.edit_draft(draft.id, {"en": {"question": "Is there a cloakroom?"}})
    assert draft.versions["en"] == {"question": "Is there a cloakroom?", "answer": "Yes, at the entrance."}
    assert list(draft_files(draft, "Olga")) == [f"entries/staff-{ticket.id}.en.md"]
