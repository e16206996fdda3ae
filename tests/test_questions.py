"""A message that asks two things is split into its questions; one that asks one thing is not."""

import pytest

from bot.questions import (
    MAX_JOINS,
    MAX_QUESTIONS,
    joined_parts,
    questions_in,
    with_the_writers_company,
    without_the_story,
)


# Each message is its parts joined by what separated them.
@pytest.mark.parametrize(
    ("parts", "separator"),
    [
        (["您好，我是助理，想问下对接会是什么大会的专项活动？", "一共有多少家欧洲企业参加？"], "另外"),
        (["我是投资人，想问溧水对南京来说是什么定位", "外资企业大概有多少家"], "，还有"),
        (["Hi I'm with a fund. Which brands are here", "which local brands sell in Europe?"], " and "),
        (["What were the four aspects?", "what's Lishui's role for Nanjing?"], " Also "),
        (["Salve, sono un investitore. Quante aziende estere ci sono", "quante vanno all'estero?"], " e "),
        (["L'incontro fa parte di quale evento?", "dove si è svolto?"], " E "),
        (["Hans Song ha parlato?", "cosa ha detto?"], " "),
        (["Which European firms are in Lishui", "do any local companies want to go abroad?"], ", and "),
        (["He'd like to know which industries matter", "whether there are hydrogen firms."], ", and "),
        (["溧水本地企业里有搞氢能的吗🤔", "有几家想出海的"], " "),  # an emoji ends a sentence
        # an indirect question asks, whatever its full stop
        (["Volevo capire quali sono le industrie", "quante aziende vogliono andare all'estero."], " e "),
        # numbered questions
        (["Could you confirm (1) the official slogan", "which congress it was part of?"], " and (2) "),
        (["1) when is it", "where is it?"], " 2) "),
        (["请问(1)几号开", "在哪里开"], " (2)"),
        (["Quante aziende cinesi ci sono", "se ce ne sono nell'idrogeno?"], " e "),  # e se: whether
        (["which Lishui was it really", "in what park?"], ", and "),  # a preposition, then the question word
        (["Kaiwu - did they speak at the meeting", "did Avio?"], ", and "),  # a short yes/no after a dash
        # dictated without punctuation; enumerated; a yes/no question, then what it leads to
        (["我是开沃的 我们集团在会上有没有代表发言", "欧洲那边哪家企业发言了"], " 还有"),
        (["想确认两件事：一是本次对接会属于哪个大会", "在哪个园区举办？"], "，二是"),
        (["这次专场是在南京那个溧水吗", "具体哪个园区"], "，"),
        # a clause asking after one that asked; a request that ends with a full stop; "and if"
        (["请问此次对接会属于哪个大会的专场活动", "在哪个园区举行？"], "，"),
        (["缪秀梅是否出席了本次对接会？", "另请告知出席的区领导还有哪几位。"], " "),
        (["what are the four leading industries", "if new materials was among the fields?"], " and "),
        (["刘佳到底是什么职务啊", "是两个都兼着吗"], " "),  # dictated: a space where the full stop was
    ],
)
def test_two_questions_in_one_message_are_split(parts: list[str], separator: str) -> None:
    assert questions_in(separator.join(parts)) == parts


@pytest.mark.parametrize(
    "message",
    [
        "When is the docking meeting?",
        "Colleferro 在哪里? near 罗马 right?",  # checks the question before
        "Valeo è francese, giusto?",
        "did any Lishui company present itself? like a car maker?",  # guesses at the answer
        "ok ma le aziende di Lishui in che settori sono forti? tipo idrogeno?",
        "quali sono i settori? auto?",
        "除了 Skyworth 还有哪些溧水企业的产品卖到 Europe",  # one question: "what else besides"
        "话说溧水到底归哪个城市管啊，是南京吗",  # a clause that only guesses at the answer
        "the date of the meeting and the venue?",  # joined halves are the core's to split
        "Which companies from Italy and Germany are in Lishui?",  # two names, one question
        "Salve! Sono di un'azienda di batterie.",  # nothing asked: the message as it is
        "booked a train to lishui zj, wrong place??",
        "I'm a journalist. I read about the meeting. When was it?",  # statements stay with the question
        "I work in batteries, and are there firms like mine?",  # kept as written, ", and" included
        "Avio, and is it Italian?",
        "When and where was it?",  # one question word is no question of its own
        "quando e dove si è svolto?",
    ],
)
def test_one_question_stays_whole(message: str) -> None:
    assert questions_in(message) == [message]


def test_a_message_with_many_questions_gets_at_most_the_limit() -> None:
    message = "Who came? When was it? Where was it? Which firms spoke? How many were there?"
    parts = questions_in(message)
    assert len(parts) == MAX_QUESTIONS
    assert parts[-1] == "Where was it? Which firms spoke? How many were there?"


def test_a_flood_of_joins_is_read_at_a_bounded_cost() -> None:
    # a 1,000-character message of "和日期" reads only the first joins, not all 333 of them
    calls: list[str] = []

    def figures(text: str) -> frozenset[str]:
        calls.append(text)
        return frozenset()

    assert joined_parts(("和日期" * 333)[:1000], figures) == [("和日期" * 333)[:1000]]
    assert len(calls) <= 2 * MAX_JOINS


def test_us_is_read_as_the_company_the_writer_introduced():
    found = {"Brembo": "brembo", "Hengtian": "hengtian"}

    def named(text: str) -> list[str]:
        return [entity for name, entity in found.items() if name in text]

    def label(entity: str) -> str:
        return entity.title()

    assert (
        with_the_writers_company("Ciao, lavoro per Brembo. L'articolo parla di noi?", named, label)
        == "Ciao, lavoro per Brembo. L'articolo parla di Brembo?"
    )
    assert with_the_writers_company("I'm on Hengtian's team. Is our company listed?", named, label).endswith(
        "Is Hengtian listed?"
    )
    unchanged = [
        "Does the article mention us?",  # no company introduced
        "Brembo is in Lishui. Does the article mention us?",  # not the writer's introduction
        "I work for Brembo. Can you send us the agenda?",  # "us" not mentioned in the report
        "I work for Brembo. Does it mention us or Hengtian?",  # the question names a company itself
    ]
    for message in unchanged:
        assert with_the_writers_company(message, named, label) == message


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        # a dictated message without full stops pauses where a sentence ends
        ("hey quick one my colleague wants to know how many local companies are taking part um he needs "
         "the numbers for his slides",
         "hey quick one my colleague wants to know how many local companies are taking part"),
        # what a story checks, when nothing else asks
        ("just double checking my notes. it was a long week so my head is mush. it was 22 chinese companies "
         "and 36 european ones correct? or did i swap them around",
         "it was 22 chinese companies and 36 european ones correct?"),
        # a question that says nothing of its own keeps the sentence before it
        ("明年还办不办欧洲企业对接会 啥时候", "明年还办不办欧洲企业对接会 啥时候"),
        ("we flew in from Milan yesterday and the hotel was great. the district mayor was there. whats her "
         "name?", "whats her name?"),
        # a title cut short ends no sentence
        ("Mi potrebbe fornire l'indirizzo email del dott. Guadagno? La ringrazio molto per la cortesia.",
         "Mi potrebbe fornire l'indirizzo email del dott. Guadagno?"),
    ],
)
def test_a_story_is_told_apart_from_what_it_asks(message: str, asked: str) -> None:
    assert without_the_story(message) == asked


@pytest.mark.parametrize("message", ["", "  ", "?", "um", "and. also. e."])
def test_a_message_with_no_sentence_is_its_own_story(message: str) -> None:
    assert without_the_story(message) == message


def test_dictated_chinese_ends_a_clause_before_latin_letters_and_did_not_is_no_question() -> None:
    told = "我只记住了区位和环境 后面三个就忘了 PPT翻太快了没拍到"
    message = f"翟区长推介溧水是从哪四个方面讲的 {told} 帮我补全"
    # "没拍到" (did not get a photo of) asks nothing; "会开了没" does
    assert without_the_story(message) == "翟区长推介溧水是从哪四个方面讲的 后面三个就忘了 帮我补全"
    assert questions_in("会开了没") == ["会开了没"]
