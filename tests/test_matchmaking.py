"""Matchmaking in the core: a wish to meet an enterprise or a sector (zh/en/it) becomes an Answer
with a `meeting` intent; near misses ("when is the meeting?") stay ordinary questions."""

import pytest
import yaml

from bot.answer import Reason
from bot.core import Context
from bot.matchmaking import Kind, Matchmaker
from bot.names import Names
from bot.texts import text
from tests.conftest import KNOWLEDGE, knowledge_names

MEET = [
    ("I'd like to meet a Lishui company in new-energy vehicles", "en", (), "new-energy-vehicles"),
    ("vorrei incontrare Avio", "it", ("avio",), None),
    ("我想见一下西门子", "zh", ("siemens",), None),
    ("How can I meet Kaiwu?", "en", ("kaiwu",), None),
    ("Vorrei conoscere un'impresa europea del settore aerospaziale", "it", (), "aerospace"),
    ("I’d love to arrange a meeting with Brembo", "en", ("brembo",), None),
    ("我想约见一家新能源汽车企业", "zh", (), "new-energy-vehicles"),
]

NOT_MEET = [
    "When is the meeting?",
    "Where is the docking meeting held?",
    "What is the meeting about?",
    "Who did Avio meet at the meeting?",
    "Can I meet the organisers at the entrance?",
    "What does Avio do?",
    "quando inizia l'incontro?",
    "Chi ha incontrato Avio?",
    "对接会在哪里举行？",
    "我想知道对接会在哪里",
    "会议什么时候开始？",
    "我想对西门子提个意见",
    "Which companies make batteries?",
]

# How to contact a company's person: the details are not published (declined as such), and a
# meeting request is the way to reach the company (None: no wish to meet read, "I want to contact")
CONTACT = [
    ("您好，我想联系开沃集团的人，有他们的电话吗", "zh", ("kaiwu",)),
    ("怎么联系开沃集团的对接人", "zh", ("kaiwu",)),
    ("怎么联系Avio的contact person", "zh", ("avio",)),
    ("come faccio a contattare kaiwu", "it", ("kaiwu",)),
    ("I want to contact Avio, do you have their email?", "en", None),
]


@pytest.mark.parametrize(("question", "lang", "companies", "sector"), MEET)
def test_a_wish_to_meet_is_a_meeting_answer_in_the_delegates_language(
    assistant, question, lang, companies, sector
):
    answer = assistant.ask(question, Context())
    assert answer.reason is Reason.MEETING and not answer.abstained
    assert answer.language == lang
    assert answer.meeting is not None and answer.meeting.kind is Kind.MEET
    assert answer.meeting.companies == companies
    assert answer.meeting.sector == sector


@pytest.mark.parametrize("question", NOT_MEET)
def test_near_misses_are_ordinary_questions(assistant, question):
    answer = assistant.ask(question, Context())
    assert answer.reason is not Reason.MEETING and answer.meeting is None


@pytest.mark.parametrize(("question", "lang", "companies"), CONTACT)
def test_asked_how_to_contact_a_company_the_bot_says_no_details_are_published_and_offers_a_meeting(
    assistant, question, lang, companies
):
    answer = assistant.ask(question, Context())
    assert answer.reason is Reason.GAP and answer.language == lang
    assert answer.sources[0].entry_id == "gap-contact-details"
    if companies is None:
        assert answer.meeting is None
    else:
        assert answer.meeting is not None and answer.meeting.companies == companies
        name = assistant.matchmaker.company_name(companies[0], lang)
        assert answer.text.endswith(text(lang, "contact_company", names=name))


def test_who_heads_a_company_one_wishes_to_meet_is_declined_before_the_offer(assistant):
    answer = assistant.ask("开沃集团的董事长是谁啊，我想约见一下", Context())
    assert answer.reason is Reason.GAP and answer.sources[0].entry_id == "gap-company-figures"
    assert answer.meeting is not None and answer.meeting.companies == ("kaiwu",)
    name = assistant.matchmaker.company_name("kaiwu", "zh")
    assert answer.text.endswith(text("zh", "contact_company", names=name))


def test_contact_details_asked_of_a_company_are_declined_with_a_way_to_staff(assistant):
    answer = assistant.ask("想联系那个意大利航天企业avio，有联系方式吗", Context())
    assert answer.abstained and "/human" in answer.text


def test_a_sector_request_lists_the_matching_enterprise_by_side(assistant):
    answer = assistant.ask("I'd like to meet a Lishui company in new-energy vehicles", Context())
    assert answer.meeting.side == "lishui"
    assert answer.meeting.suggestions == {"lishui": ("kaiwu",)}
    assert "Kaiwu New Energy Automobile Group" in answer.text
    assert "36 took part" in answer.text  # the side lists the sector: said, with its count


def test_the_delegates_own_sector_lists_matches_on_both_sides(assistant):
    answer = assistant.ask("我们公司做新能源汽车", Context())
    assert answer.meeting.kind is Kind.SECTOR
    assert answer.meeting.sector == "new-energy-vehicles"  # 新能源汽车, not only 汽车
    assert answer.meeting.suggestions == {"europe": (), "lishui": ("kaiwu",)}
    assert "开沃新能源汽车集团" in answer.text and "资料中没有点名的企业" in answer.text


def knowledge_with_sectors() -> dict:
    """The real enterprises, plus one company per side whose sector the data states."""
    data = yaml.safe_load((KNOWLEDGE / "data" / "enterprises.yaml").read_text(encoding="utf-8"))
    battery = {"zh": "电池", "en": "Batteries", "it": "Batterie"}
    data["companies"] += [
        {"id": "volta", "name": {"en": "Volta Cells"}, "side": "europe", "group": None, "sector": battery},
        {"id": "dianchi", "name": {"zh": "溧水电池", "en": "Lishui Battery Co"}, "side": "lishui",
         "group": None, "sector": battery},
    ]
    return {"enterprises": data}


@pytest.mark.parametrize(
    ("question", "lang"),
    [("I work in batteries", "en"), ("Lavoriamo nel settore delle batterie", "it"), ("我们是做电池的", "zh")],
)
def test_sector_suggestions_come_from_the_data_on_both_sides(question, lang):
    matchmaker = Matchmaker(knowledge_with_sectors(), knowledge_names())
    intent = matchmaker.intent(question)
    assert intent is not None and intent.kind is Kind.SECTOR and intent.sector == "batteries"
    assert intent.suggestions == {"europe": ("volta",), "lishui": ("dianchi",)}
    described = matchmaker.describe(intent, lang)
    assert "Volta Cells" in described
    assert ("溧水电池" if lang == "zh" else "Lishui Battery Co") in described


def test_without_a_wish_or_a_sector_nothing_is_looked_up():
    matchmaker = Matchmaker(knowledge_with_sectors(), Names.from_data(None))
    assert matchmaker.intent("Who spoke about batteries?") is None
    assert matchmaker.intent("We need a taxi") is None  # describes the delegate, names no sector


@pytest.mark.parametrize(
    "question",
    [
        "你好，我是做汽车零部件的，想问下这个欧洲企业对接会是哪天开的？",
        "We make car parts, when was the meeting?",
        "Lavoriamo nel settore auto: dove si è svolto l'incontro?",
    ],
)
def test_a_sector_said_beside_a_question_is_context_not_a_wish_to_be_matched(assistant, question):
    answer = assistant.ask(question, Context())
    assert answer.reason is not Reason.MEETING and not answer.abstained


@pytest.mark.parametrize(
    "question", ["we make batteries - any relevant european companies?", "我们是做电池的，有哪些相关企业？"]
)
def test_a_sector_said_with_a_question_for_matching_companies_is_matched(question):
    intent = Matchmaker(knowledge_with_sectors(), knowledge_names()).intent(question)
    assert intent is not None and intent.kind is Kind.SECTOR and intent.sector == "batteries"
