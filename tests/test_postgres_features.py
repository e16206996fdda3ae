"""The features merged beside the SQLAlchemy port, on a real PostgreSQL server: meeting tickets
beside a question's, notes, ratings, saved replies, follow-ups (reopen), meeting requests,
reminders, statistics and `/forget` — the same code path as SQLite, with PostgreSQL's stricter SQL."""

from collections.abc import Iterator

import pytest

from bot.handoff import MEETING, Status, TicketError, Tickets
from bot.insight import stats
from bot.meetings import Meetings, MeetingStatus, Step
from bot.reminders import Reminders
from bot.schema import metadata
from bot.storage import Store
from tests.harness.services import PostgreSQL, ServiceUnavailable


@pytest.fixture(scope="module")
def postgres() -> Iterator[PostgreSQL]:
    try:
        server = PostgreSQL().start()
    except ServiceUnavailable as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def store(postgres: PostgreSQL) -> Iterator[Store]:
    store = Store(postgres.url)
    yield store
    with store.transaction() as db:  # each test starts from empty tables
        for table in reversed(metadata.sorted_tables):
            db.execute(table.delete())
    store.close()


def test_tickets_notes_ratings_saved_replies_and_follow_ups(store: Store):
    tickets = Tickets(store)
    question = tickets.open(user_id=7, chat_id=7, delegate="G", language="it", question="Wi-Fi?")
    meeting = tickets.open(user_id=7, chat_id=7, delegate="G", language="it", question="🤝", kind=MEETING)
    second = tickets.open(user_id=7, chat_id=7, delegate="G", language="it", question="🤝", kind=MEETING)
    assert tickets.active_for(7).id == question.id and tickets.active_for(7, MEETING).id == second.id
    assert meeting.kind == MEETING
    with pytest.raises(TicketError) as refused:
        tickets.open(user_id=7, chat_id=7, delegate="G", language="it", question="Again?")
    assert refused.value.key == "handoff_already_open"

    tickets.add_note(question.id, "Anna", "called the hotel")
    assert tickets.notes(question.id) == [("Anna", "called the hotel")]
    assert not tickets.rate(question.id, 7, 1)  # still active
    tickets.claim(question.id, 100, "Anna")
    tickets.close(question.id, Status.RESOLVED)
    assert tickets.rate(question.id, 7, -1) and tickets.rate(question.id, 7, 1)
    assert tickets.rating(question.id) == 1 and tickets.satisfaction() == {"up": 1, "down": 0}

    tickets.save_reply("Wifi", {"en": "Network: Lishui", "it": "Rete: Lishui"}, "Org")
    tickets.save_reply("wifi", {"en": "Network: Lishui-5G"}, "Org")
    assert tickets.saved_replies() == {"wifi": {"en": "Network: Lishui-5G", "it": "Rete: Lishui"}}

    reopened = tickets.reopen(question.id, 101, "Bruno")
    assert reopened.status is Status.CLAIMED and reopened.staff_name == "Bruno"
    other = tickets.open(user_id=8, chat_id=8, delegate="H", language="en", question="Taxi?")
    tickets.close(other.id, Status.ENDED)
    tickets.open(user_id=8, chat_id=8, delegate="H", language="en", question="Bus?")
    with pytest.raises(TicketError) as refused:
        tickets.reopen(other.id, 101, "Bruno")
    assert refused.value.key == "other_open"

    numbers = stats(store)
    assert numbers["tickets_opened"] == 5 and numbers["answer_rate"] is None

    tickets.forget(7)
    assert tickets.active_for(7) is None and tickets.notes(question.id) == []
    assert tickets.satisfaction() == {"up": 0, "down": 0}


def test_meeting_requests_and_reminders(store: Store):
    meetings = Meetings(store)
    first = meetings.start(user_id=7, chat_id=7, delegate="G", language="en", enterprise="avio")
    draft = meetings.start(user_id=7, chat_id=7, delegate="G", language="en", enterprise="avio")
    assert draft.id != first.id and meetings.draft_of(7) == draft
    draft = meetings.answer(draft.id, Step.COMPANY, "Rossi")
    draft = meetings.answer(draft.id, Step.LOOKING_FOR, "partners")
    draft = meetings.answer(draft.id, Step.SLOT, "morning")
    sent = meetings.sent_as(draft.id, ticket_id=1)
    assert sent.status is MeetingStatus.REQUESTED and meetings.for_ticket(1) == sent
    assert meetings.propose(sent.id, "10:30").status is MeetingStatus.PROPOSED
    assert meetings.accept(sent.id, user_id=7).time == "10:30"
    assert meetings.last_company(7) == "Rossi" and [m.id for m in meetings.sent()] == [sent.id]

    reminders = Reminders(store)
    opening = (7, 7, "opening", "en", "Opening", "09:30", 1000.0, 900.0)
    kept = reminders.add(*opening)
    assert kept is not None and reminders.add(*opening) is None  # one reminder per item
    assert reminders.pending() == [kept]
    reminders.done(kept.id)
    assert reminders.pending() == []
    meetings.forget(7)
    assert meetings.of(7) == []


def test_statistics_use_portable_sql(store: Store):
    store.record_question(7, 7, "en", "Where is lunch?", "Hall B", "answered", 0.9, "faq-lunch")
    store.record_question(7, 7, "en", "Where is lunch?", "Hall B", "answered", 0.9, "faq-lunch")
    store.record_question(8, 8, "it", "Chi è il CEO?", "", "no_match", 0.1, "")
    store.record_question(8, 8, "it", "🤝 Avio", "", "meeting", 1.0, "")
    numbers = stats(store)
    assert (numbers["answered"], numbers["abstained"], numbers["answer_rate"]) == (3, 1, 75)
    assert list(numbers["trend"].values()) == [(4, 2)]
    assert numbers["top_questions"] == {"en": [("Where is lunch?", 2)], "it": [("Chi è il CEO?", 1)]}
