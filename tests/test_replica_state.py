"""State replicas share through the database: two `Store`s on one database stand for two replicas."""

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.handoff import TicketError, Tickets
from bot.storage import Store
from bot.telegram.limits import Pace, Throttle


def test_two_replicas_count_one_pace(tmp_path: Path):
    first, second = (Throttle(3, 60.0, Store(tmp_path / "bot.sqlite3")) for _ in range(2))
    paces = [(first, second)[n % 2].check(42) for n in range(6)]
    assert paces == [Pace.OK, Pace.OK, Pace.OK, Pace.TELL, Pace.QUIET, Pace.QUIET]
    assert second.check(43) is Pace.OK  # another delegate has a pace of their own
    first.forget(42)
    assert second.check(42) is Pace.OK


def test_an_announcement_is_sent_by_one_replica_only(tmp_path: Path):
    first, second = Store(tmp_path / "bot.sqlite3"), Store(tmp_path / "bot.sqlite3")
    versions = {"en": "Lunch at noon", "zh": "中午午餐"}
    first.keep_announcement("ab12", versions, ["it"], ["shuttle"])
    assert second.take_announcement("ab12") == (versions, ["it"], ["shuttle"])
    assert first.take_announcement("ab12") is None


def test_simultaneous_claims_have_one_winner(tmp_path: Path):
    replicas = [Tickets(Store(tmp_path / "bot.sqlite3")) for _ in range(2)]
    ticket = replicas[0].open(user_id=1, chat_id=1, delegate="D", language="en", question="Parking?")

    def claim(staff: int) -> int | str:
        try:
            return replicas[staff % 2].claim(ticket.id, staff, f"staff {staff}").staff_id or 0
        except TicketError as exc:
            return exc.key

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(claim, range(100, 108)))
    winners = [o for o in outcomes if isinstance(o, int)]
    assert len(winners) == 1 and outcomes.count("claimed_by") == 7
    assert replicas[1].get(ticket.id).staff_id == winners[0]


def test_busy_notice_and_close_happen_once(tmp_path: Path):
    first, second = (Tickets(Store(tmp_path / "bot.sqlite3")) for _ in range(2))
    ticket = first.open(user_id=1, chat_id=1, delegate="D", language="en", question="Parking?")
    assert [first.busy_notified(ticket.id), second.busy_notified(ticket.id)] == [True, False]
    first.close(ticket.id, ticket.status.RESOLVED)
    with pytest.raises(TicketError) as refused:
        second.close(ticket.id, ticket.status.RETURNED)
    assert refused.value.key == "closed"


def test_one_active_ticket_per_delegate_across_replicas(tmp_path: Path):
    first, second = (Tickets(Store(tmp_path / "bot.sqlite3")) for _ in range(2))
    first.open(user_id=1, chat_id=1, delegate="D", language="en", question="Parking?")
    with pytest.raises(TicketError) as refused:
        second.open(user_id=1, chat_id=1, delegate="D", language="en", question="Parking again?")
    assert refused.value.key == "handoff_already_open"
    assert len(second.active()) == 1
