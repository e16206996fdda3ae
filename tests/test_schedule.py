"""Agenda times in the core: "what's on now / next?" detected cheaply in zh, en, it (and near
misses left to retrieval), answered from the clock times on the event's day, or honestly from the
"times not published" entry when the agenda has none; the venue's map pin on venue answers."""

import datetime as dt

import pytest

from bot.answer import Reason
from bot.core import Assistant, Context
from bot.data_entries import AGENDA_TIMES_ID, SCHEDULE_GAP
from bot.schedule import Ask, _clocks, schedule_question, slots
from bot.texts import text
from tests.timed_data import EVENT_DATE, EVENT_DAY, VENUE, at, timed_knowledge

DOCKING = "Docking talks between the enterprises"
NOW_QUESTIONS = [
    "what's on now?", "What is happening right now?", "which session is running at the moment?",
    "who is speaking now", "whats on now", "现在在进行什么", "现在是什么环节？", "现在谁在讲话",
    "正在进行的是哪个议程", "cosa c'è adesso?", "Cosa c’è ora?", "che cosa succede in questo momento?",
    "chi parla adesso?",
]
NEXT_QUESTIONS = [
    "what's next", "What is next on the agenda?", "who speaks next?", "what's the next session?",
    "接下来是什么？", "下一个环节是什么", "cosa c'è dopo?", "qual è il prossimo intervento?",
    "chi parla dopo?",
]
NEAR_MISSES = [
    "What time does the first speech start?", "When does it end?", "a che ora inizia?",
    "A che ora finisce l'incontro?", "现在几点", "几点开始？", "溧水现在有什么企业？", "Who is Hans Song?",
    "What is Kaiwu doing now?", "Is Avio on the list now?", "When is the next edition?",
    "what will happen next year?", "下一届大会什么时候举办？", "Qual è la prossima edizione?",
    "Cosa fa Avio ora?", "Where is the venue?", "Now, who organised the meeting?",
]


@pytest.mark.parametrize("question", NOW_QUESTIONS)
def test_now_questions_are_detected(question):
    assert schedule_question(question) is Ask.NOW


@pytest.mark.parametrize("question", NEXT_QUESTIONS)
def test_next_questions_are_detected(question):
    assert schedule_question(question) is Ask.NEXT


@pytest.mark.parametrize("question", NEAR_MISSES)
def test_near_misses_are_not_schedule_questions(question):
    assert schedule_question(question) is None


def test_clock_times_in_the_forms_organisers_write():
    assert [t.isoformat("minutes") for t in _clocks("9.30 - 10:15")] == ["09:30", "10:15"]
    assert [t.isoformat("minutes") for t in _clocks({"en": "14：05", "zh": "下午"})] == ["14:05"]
    assert [t.isoformat("minutes") for t in _clocks(600)] == ["10:00"]  # YAML reads a bare 10:00 as 600
    assert _clocks(None) == [] and _clocks("morning") == [] and _clocks("25:00") == []


# --- without times: the seed --------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang"), [
    ("what's on now?", "en"), ("现在在进行什么", "zh"), ("cosa c'è adesso?", "it"), ("what's next", "en"),
])
def test_without_times_the_bot_says_they_are_not_published(assistant, question, lang):
    answer = assistant.ask(question)
    assert answer.reason is Reason.GAP and answer.language == lang
    assert [source.entry_id for source in answer.sources] == [SCHEDULE_GAP]
    assert answer.text == assistant.retriever.body(SCHEDULE_GAP, lang)
    assert answer.venue is None


def test_near_misses_still_go_to_retrieval(assistant):
    answer = assistant.ask("Who is Hans Song?")
    assert answer.reason is Reason.ANSWERED and "Messe Stuttgart" in answer.text


# --- with times ---------------------------------------------------------------------------------


# This test makes and ingests its own copy: it runs before the module's copy below is made
# (Chroma loses a live copy's collection when another copy is ingested after it in one process).
def test_times_without_the_events_day_give_the_timed_programme(shared_settings, tmp_path):
    assistant = Assistant(timed_knowledge(shared_settings, tmp_path, day=None, venue=False))
    answer = assistant.ask("what's on now?")
    assert answer.reason is Reason.ANSWERED
    assert answer.text == assistant.retriever.body(AGENDA_TIMES_ID, "en")
    assert "09:40-10:10 Presentation of Lishui" in answer.text


@pytest.fixture(scope="module")
def timed(shared_settings, tmp_path_factory):
    return Assistant(timed_knowledge(shared_settings, tmp_path_factory.mktemp("timed")))


def ask_at(assistant, question, clock, day=EVENT_DAY):
    return assistant.ask(question, Context(now=at(day, clock)))


def test_slots_run_until_their_end_or_the_next_start(timed):
    found = slots(timed.menu_data)
    assert [slot.key for slot in found] == [
        "speech-guadagno", "speech-liu-jia", "lishui-promotion", "enterprise-presentations", "docking-talks"
    ]
    assert [slot.clock for slot in found] == [
        "09:00–09:20", "09:20–09:40", "09:40–10:10", "10:30–11:00", "11:00–12:00"
    ]


@pytest.mark.parametrize(("question", "lang", "now", "then"), [
    ("what's on now?", "en", "Speech: Liu Jia", "Presentation of Lishui"),
    ("现在在进行什么", "zh", "致辞：刘佳（Liu Jia）", "溧水推介"),
    ("cosa c'è adesso?", "it", "Discorso: Liu Jia", "Presentazione di Lishui"),
])
def test_what_is_on_now_in_three_languages(timed, question, lang, now, then):
    answer = ask_at(timed, question, "09:25")
    assert answer.reason is Reason.ANSWERED and answer.language == lang
    assert answer.text.splitlines() == [
        text(lang, "schedule_now", time="09:20–09:40", title=now),
        text(lang, "schedule_next", time="09:40–10:10", title=then),
    ]
    assert [source.entry_id for source in answer.sources] == [AGENDA_TIMES_ID]


def test_what_is_next_puts_the_next_item_first(timed):
    answer = ask_at(timed, "what's next", "10:45")
    assert answer.text.splitlines() == [
        text("en", "schedule_next", time="11:00–12:00", title=DOCKING),
        text("en", "schedule_now", time="10:30–11:00", title="Enterprise presentations"),
    ]


@pytest.mark.parametrize(("clock", "day_offset", "expected"), [
    ("10:20", 0, [text("en", "schedule_break"),
                  text("en", "schedule_next", time="10:30–11:00", title="Enterprise presentations")]),
    ("11:30", 0, [text("en", "schedule_now", time="11:00–12:00", title=DOCKING),
                  text("en", "schedule_last")]),
    ("08:00", 0, [text("en", "schedule_not_started", date=EVENT_DATE["en"], time="09:00–09:20",
                       title="Speech: Francesco Guadagno")]),
    ("15:00", -3, [text("en", "schedule_not_started", date=EVENT_DATE["en"], time="09:00–09:20",
                        title="Speech: Francesco Guadagno")]),
    ("12:00", 0, [text("en", "schedule_over", date=EVENT_DATE["en"])]),
    ("08:00", 1, [text("en", "schedule_over", date=EVENT_DATE["en"])]),
])
def test_breaks_the_last_item_before_and_after_the_event(timed, clock, day_offset, expected):
    answer = ask_at(timed, "what's on now?", clock, EVENT_DAY + dt.timedelta(days=day_offset))
    assert answer.text.splitlines() == expected


# --- the venue ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "lang"), [
    ("Where is the venue?", "en"), ("会场在哪里？", "zh"), ("Dove si trova la sede dell'incontro?", "it"),
])
def test_a_venue_answer_carries_the_pin_in_the_delegates_language(timed, assistant, question, lang):
    answer = timed.ask(question)
    assert answer.sources[0].entry_id == "event-venue" and "Xingzhuang" in answer.text
    assert (answer.venue.name, answer.venue.address) == (VENUE["name"][lang], VENUE["address"][lang])
    assert (answer.venue.latitude, answer.venue.longitude) == (31.5, 119.25)
    plain = assistant.ask(question)  # the seed has no coordinates: the text answer as before
    assert plain.text == answer.text and plain.venue is None


def test_other_answers_carry_no_pin(timed):
    assert timed.ask("Who is Hans Song?").venue is None
    assert timed.venue("it").venue.address == VENUE["address"]["it"]


@pytest.mark.parametrize("question", ["so what did both sides agree to do next", "双方说接下来要怎么做"])
def test_what_someone_agreed_to_do_next_is_no_question_about_the_agenda(question):
    assert schedule_question(question) is None
