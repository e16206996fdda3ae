"""Language detection for short and mixed questions."""

import pytest

from bot.language import asked_for, detect, normalise, refers_back, without_request

# Names read the same in every language; the core passes those of its knowledge base.
NAMES = frozenset({"brembo", "lishui", "hans", "song"})


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("quante aziende europee? how many came", "en"),  # the part written last says how to answer
        ("Hans Song 是哪个公司的? which company", "en"),
        ("le 4 industrie principali di lishui? in english pls", "en"),
        ("Where is the venue? Grazie mille", "en"),  # a sign-off is not a request
        ("Where is the venue? 谢谢", "en"),
        ("Chi è Hans Song? E cosa ha detto?", "it"),
        # … unless that part only checks the one before
        ("Valeo è francese, giusto? is it in Lishui?", "it"),
        ("Avio è un'azienda europea o cinese? just checking", "it"),
        ("Skyworth e Hengtian vendono già in Europa? are they on the market there?", "it"),
        ("Where is the venue? giusto?", "en"),
        # … or it is only a term in the other language, not a question or a sentence of its own
        ("翟小丽是啥职位？vice mayor？", "zh"),
        ("qual era lo slogan dell'evento? the motto", "it"),
        ("Colleferro 在哪个城市附近? near which big city", "en"),  # a question of its own
        # … or it only repeats the question, far shorter than it ("how many" for "da quanti")
        ("Zhai Xiaoli promoted Lishui from how many aspects? 几个方面", "en"),
        ("Zhai Xiaoli ha presentato Lishui da quanti aspetti? how many", "it"),
        ("Siemens e Valeo di che paese sono? which country", "it"),
    ],
)
def test_a_question_in_two_languages_is_answered_in_the_one_written_last(question, expected):
    assert detect(question, preferred="zh", neutral=NAMES) == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Who is Hans Song?", "en"),
        ("Chi è Hans Song?", "it"),
        ("Brembo è presente a Lishui?", "it"),
        ("Is Brembo in Lishui?", "en"),
        ("Dove?", "it"),
        ("where?", "en"),
        ("对接会在哪里？", "zh"),
        ("Colleferro是哪一年获得欧洲航天之都称号的？", "zh"),
        ("Who is 缪秀梅?", "en"),
        ("Lishui (丽水) mayor Miao Xiumei attended, right?", "en"),  # a name glossed in Chinese
        ("Chi è 刘佳?", "it"),
        ("Hans Song 是谁？", "zh"),
        ("what are the 四大主导产业 of Lishui", "en"),  # an English sentence quoting a Chinese term
        ("aziende Lishui leader in?", "it"),  # "in" is English and Italian alike
        ("what's the venue, 在哪个园区?", "en"),
        ("这是哪个congress的special event", "zh"),
        ("Hans Song啥title", "zh"),  # a Chinese question word is the only grammar
        ("Hans Song what title", "en"),
        ("whos Francessco Guadanio", "en"),  # a misspelt Italian name after a phone-typed "who's"
        ("chi e Francessco Guadanio", "it"),
        ("Brembo 是 which country 的公司？", "zh"),  # Chinese grammar around English words, not a name
        ("Kaiwu 的 CEO 是谁 please", "zh"),  # a "please" tells nothing
        ("italian firm in lishui?", "en"),  # spelt only in English
        ("aziende italiane a lishui?", "it"),
        ("skywoth vende in europa?", "it"),  # place names spelt the Italian way
        ("brembo from italy?", "en"),
        ("quante foreign companies ha Lishui in tutto?", "it"),  # an Italian auxiliary and quantifier
        ("allora, Liu Jia cosa ha detto in sostanza? riassunto veloce pls", "it"),  # Italians write pls
        ("password wifi?", "it"),  # the head noun first: Italian word order
        ("wifi password?", "en"),
        ("pwd wifi?", "it"),  # abbreviated, in the same order
        ("zhai xiaoli laurea", "it"),  # an everyday Italian word no English list has
        ("zhai xiaoli degree", "en"),
        ("wifi pw?", "en"),
        ("what is the password wifi", "en"),
    ],
)
def test_detects_the_language_of_short_and_mixed_questions(question, expected):
    assert detect(question, preferred="en", neutral=NAMES) == expected


@pytest.mark.parametrize(
    ("question", "preferred", "expected"),
    [
        ("Hans Song", "it", "it"),  # a bare name says nothing: the delegate's language
        ("2023", "zh", "zh"),
        ("¿Dónde es la reunión de las empresas?", "it", "it"),  # Spanish: the preference
        ("Où se trouve la réunion des entreprises ?", None, "en"),  # French, no preference: English
        ("これは何ですか", "it", "it"),  # Japanese is not Chinese
        ("wifi password", "en", "en"),  # English words Italians use too: the delegate's language
        ("wifi password", "it", "it"),
        ("wifi password pls", "it", "en"),  # "pls" is English
        ("password del wifi", "en", "it"),
    ],
)
def test_falls_back_to_the_preference_then_english(question, preferred, expected):
    assert detect(question, preferred=preferred, neutral=NAMES) == expected


def test_telegram_language_codes_are_normalised():
    assert [normalise(c) for c in ("it-IT", "zh-hans", "EN", "de", None, "")] == [
        "it", "zh", "en", None, None, None,
    ]


@pytest.mark.parametrize(
    ("question", "leans"),
    [
        ("and what did he say?", True),
        ("e dove?", True),
        ("他说了什么？", True),
        ("还有别的企业吗？", True),
        ("Where is the meeting held?", False),
        ("Chi è Hans Song?", False),
        ("会议在哪里举行？", False),
    ],
)
def test_refers_back_spots_questions_that_lean_on_the_previous_one(question: str, leans: bool):
    assert refers_back(question) is leans


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("Lishui 四大产业 in English pls", "en"),
        ("请用英文回答：对接会在哪", "en"),
        ("rispondi in italiano: where is the venue?", "it"),
        ("where is the venue? answer in chinese", "zh"),
        ("come si dice cheers in chinese", None),  # asks for a translation, not an answer in Chinese
        ("what are the four industries in english?", None),
    ],
)
def test_the_language_a_delegate_asks_for_wins(question, expected):
    assert asked_for(question) == expected
    if expected:
        assert detect(question, preferred="it", neutral=NAMES) == expected
        assert asked_for(without_request(question)) is None
