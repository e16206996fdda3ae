"""Chinese as delegates write it: traditional characters and Cantonese words are read as the
simplified Mandarin of the knowledge (a traditional writer is answered in traditional), and a
person's name typed by sound as the knowledge writes it."""

import pytest

from bot.core import Assistant, Context
from bot.scripts import as_mainland, in_traditional, writes_traditional


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("劉佳在會上說了什麼", "刘佳在会上说了什么"),
        ("唔該問下，個對接會係上晝定下晝㗎？", "请问下，个对接会是上午还是下午？"),
        ("今次有幾多間歐洲企業嚟咗？", "这次有多少家欧洲企业来了？"),
        ("翟小麗係邊個？", "翟小丽是谁？"),
        ("喺邊個會議室？", "在哪个会议室？"),
        ("點樣聯絡斯圖加特展覽公司亞洲嗰邊？有冇電郵", "怎样联络斯图加特展览公司亚洲那边？有没有电邮"),
        # Mandarin keeps its own 系 and 边: no Cantonese word, nothing rewritten
        ("溧水和欧洲企业是什么关系", "溧水和欧洲企业是什么关系"),
        ("会场旁边有停车场吗", "会场旁边有停车场吗"),
        ("Quando si tiene l'incontro?", "Quando si tiene l'incontro?"),
    ],
)
def test_traditional_and_cantonese_are_read_as_mainland_chinese(written: str, read: str):
    assert as_mainland(written) == read


@pytest.mark.parametrize(
    ("message", "traditional"),
    [
        ("劉佳在會上說了什麼", True),
        ("請問出席要穿正裝嗎？", True),
        ("能给我Avio带队代表的联係方式吗", False),  # one slip among simplified characters
        ("溧水有几家欧洲企业", False),
        ("who is Liu Jia?", False),
    ],
)
def test_a_writer_of_traditional_characters_is_told_apart(message: str, traditional: bool):
    assert writes_traditional(message) is traditional


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("唔該問下，個對接會係上晝定下晝㗎？", "上午"),
        ("你好～我係香港嚟嘅，想問下今次有幾多間歐洲企業嚟咗？", "22"),
        ("哈囉，想請問翟小麗是做什麼的喔？", "副區長"),
        ("溧水有冇意大利嘅知名企業？", "Brembo"),
        ("歐洲企業來了幾家？", "22"),
    ],
)
def test_traditional_and_cantonese_questions_are_answered_in_traditional(
    assistant: Assistant, question: str, expected: str
):
    answer = assistant.ask(question, Context())
    assert not answer.abstained and answer.language == "zh", answer.text
    assert expected in answer.text
    assert answer.text == in_traditional(answer.text)  # nothing left in simplified characters
    assert all(source.title == in_traditional(source.title) for source in answer.sources)


def test_a_simplified_question_is_answered_in_simplified(assistant: Assistant):
    answer = assistant.ask("翟小丽是做什么的？", Context())
    assert "副区长" in answer.text and not writes_traditional(answer.text)


def test_an_e_mail_asked_in_cantonese_is_declined(assistant: Assistant):
    answer = assistant.ask("點樣聯絡斯圖加特展覽公司亞洲嗰邊？有冇電郵", Context())
    assert answer.abstained and "/human" in answer.text


def test_a_cantonese_question_the_article_does_not_answer_is_declined(assistant: Assistant):
    answer = assistant.ask("星莊科技產業園有冇停車場？", Context())
    assert answer.abstained and answer.language == "zh"
    assert "停車" in answer.text  # the parking gap, in traditional characters


@pytest.mark.parametrize(
    ("typed", "written"),
    [
        ("刘加是什么职位", "刘佳是什么职位"),
        ("描秀美是谁", "缪秀梅是谁"),
        ("汉思宋是谁", "汉斯·宋是谁"),
        ("翟小丽和刘佳", "翟小丽和刘佳"),  # forms the names list knows stay as typed
        ("溧水和丽水", "溧水和丽水"),  # places are not people: the other Lishui stays itself
        ("瓜达尼欧说了什么", "瓜达尼欧说了什么"),  # 欧 is not read as 奥
        ("请问对接会在哪里开", "请问对接会在哪里开"),
        ("喜普是做什么的公司", "西普是做什么的公司"),  # a company's name too
        ("开窝新能源", "开沃新能源"),
    ],
)
def test_a_chinese_name_typed_by_sound_is_written_as_the_knowledge_writes_it(
    assistant: Assistant, typed: str, written: str
):
    assert assistant.retriever.names.as_spelt(typed) == written
