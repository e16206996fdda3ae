"""Meeting requests in the database: the steps of a draft, the states after it is sent, the
tickets' new `kind` column on an older database, and the organisers' CSV."""

import csv
import io
import sqlite3

import pytest

from bot.handoff import MEETING, QUESTION, Tickets
from bot.meetings import MeetingError, Meetings, MeetingStatus, Step, counts, meetings_csv
from bot.storage import Store

# The tickets table as it was before meeting requests (made by an older version of the bot).
OLD_TICKETS = """
CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL,
    chat_id INTEGER NOT NULL,
    delegate TEXT NOT NULL,
    language TEXT NOT NULL,
    question TEXT NOT NULL,
    bot_answer TEXT NOT NULL DEFAULT '',
    sources TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    staff_id INTEGER,
    staff_name TEXT NOT NULL DEFAULT '',
    thread_id INTEGER,
    staff_message_id INTEGER,
    created_at REAL NOT NULL,
    claimed_at REAL,
    closed_at REAL,
    busy_notified INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    rendering TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tickets_user ON tickets (user_id, status);
"""


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "bot.sqlite3")


def sent_request(meetings, user_id=7, company="Rossi", enterprise="avio"):
    draft = meetings.start(user_id=user_id, chat_id=user_id, delegate="Giulia", language="it",
                           enterprise=enterprise)
    meetings.answer(draft.id, Step.COMPANY, company)
    meetings.answer(draft.id, Step.LOOKING_FOR, "partners")
    meetings.answer(draft.id, Step.SLOT, "morning")
    return meetings.sent_as(draft.id, ticket_id=100 + draft.id)


def test_a_draft_moves_step_by_step_and_refuses_an_old_button(store):
    meetings = Meetings(store)
    draft = meetings.start(user_id=7, chat_id=7, delegate="Giulia", language="it", sector="aerospace")
    assert draft.step == Step.COMPANY and draft.status is MeetingStatus.DRAFT
    with pytest.raises(MeetingError):
        meetings.answer(draft.id, Step.SLOT, "morning")  # not this step yet
    meetings.answer(draft.id, Step.COMPANY, "  Rossi Meccanica  " + "x" * 300)
    typed = meetings.answer(draft.id, Step.LOOKING_FOR, "other")
    assert typed.step == Step.TYPE_LOOKING_FOR and typed.looking_for == ""
    typed = meetings.answer(draft.id, Step.TYPE_LOOKING_FOR, "a joint venture for carbon brakes")
    assert typed.looking_for == "a joint venture for carbon brakes" and typed.step == Step.SLOT
    assert len(typed.company) == 200 and typed.company.startswith("Rossi Meccanica")
    with pytest.raises(MeetingError):
        meetings.sent_as(draft.id, 1)  # the time is not chosen yet
    meetings.answer(draft.id, Step.SLOT, "afternoon")
    assert meetings.sent_as(draft.id, 1).status is MeetingStatus.REQUESTED
    assert meetings.draft_of(7) is None and meetings.last_company(7).startswith("Rossi Meccanica")


def test_one_draft_at_a_time(store):
    meetings = Meetings(store)
    first = meetings.start(user_id=7, chat_id=7, delegate="G", language="it", enterprise="avio")
    second = meetings.start(user_id=7, chat_id=7, delegate="G", language="it", enterprise="kaiwu")
    assert meetings.draft_of(7) == second
    with pytest.raises(MeetingError):
        meetings.get(first.id)


def test_states_after_sending(store):
    meetings = Meetings(store)
    request = sent_request(meetings)
    proposed = meetings.propose(request.id, "10:30")
    with pytest.raises(MeetingError):
        meetings.accept(request.id, user_id=8)  # somebody else's request
    assert meetings.accept(request.id, user_id=7).status is MeetingStatus.CONFIRMED
    assert meetings.get(request.id).time == proposed.time == "10:30"
    with pytest.raises(MeetingError) as refused:
        meetings.decline(request.id)  # confirmed: too late to decline
    assert refused.value.key == "meeting_closed"
    assert meetings.cancel(request.id, user_id=7).status is MeetingStatus.CANCELLED
    with pytest.raises(MeetingError):
        meetings.cancel(request.id, user_id=7)
    meetings.forget(7)
    assert meetings.of(7) == []


def test_tickets_of_an_older_database_get_the_kind_column(tmp_path):
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as old:
        old.executescript(OLD_TICKETS)
        old.execute("INSERT INTO tickets (user_id, chat_id, delegate, language, question, status, "
                    "created_at) VALUES (7, 7, 'G', 'it', 'Wi-Fi?', 'open', 0)")
    tickets = Tickets(Store(path))
    assert tickets.get(1).kind == QUESTION
    meeting = tickets.open(user_id=7, chat_id=7, delegate="G", language="it", question="🤝", kind=MEETING)
    assert meeting.kind == MEETING
    assert tickets.active_for(7).id == 1  # the question keeps its relay; the meeting is apart
    assert tickets.active_for(7, MEETING).id == meeting.id


def test_counts_and_a_csv_no_spreadsheet_runs_as_a_formula(store):
    meetings = Meetings(store)
    sent_request(meetings, user_id=7, company="=1+2")
    sent_request(meetings, user_id=8, company="@SUM(A1)", enterprise="")
    sent_request(meetings, user_id=9, company="-cmd|' /C calc'!A0")
    found = meetings.sent()
    statuses, enterprises, _ = counts(found)
    assert statuses == {"requested": 3} and enterprises == {"avio": 2, "": 1}
    rows = list(csv.reader(io.StringIO(meetings_csv(found))))
    assert [row[7] for row in rows[1:]] == ["'=1+2", "'@SUM(A1)", "'-cmd|' /C calc'!A0"]
