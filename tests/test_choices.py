"""The odd one out of a question's list (`bot.choices`): which choices a question lists, and the one
the answering entry does not name."""

import pytest

from bot.choices import choices_listed, the_one_not_named

FOUR = "Lishui's four leading industries are new energy vehicles, new medicine and life health, " \
    "intelligent manufacturing equipment, and smart home."
QUATTRO = "溧水的四大主导产业是：新能源汽车、新医药与生命健康、智能制造装备、智能家居。"


@pytest.mark.parametrize(
    ("question", "choices"),
    [
        ("which is NOT a leading industry: NEV, smart home, chips, new medicine",
         ["NEV", "smart home", "chips", "new medicine"]),
        ("odd one out - Skyworth, Hengtian, Xipu, Kaiwu: which was NOT mentioned",
         ["Skyworth", "Hengtian", "Xipu", "Kaiwu"]),
        ("quale NON era uno dei quattro aspetti: posizione, economia, turismo o servizi",
         ["posizione", "economia", "turismo", "servizi"]),
        ("产品推向欧洲市场的企业：创维、恒天、西普、开沃，哪个不是文章里说的",
         ["创维", "恒天", "西普", "开沃"]),
        ("溧水主导产业：新能源汽车 智能家居 集成电路，哪个不是", ["新能源汽车", "智能家居", "集成电路"]),
    ],
)
def test_the_choices_a_which_not_question_lists(question, choices):
    assert choices_listed(question) == choices


@pytest.mark.parametrize(
    "question",
    [
        "what are the leading industries: NEV, smart home, chips?",  # asks no "not"
        "which is not a leading industry: NEV or chips",  # two choices are no list
        "which companies did not present?",
    ],
)
def test_no_choices_without_a_which_not_question_and_a_list(question):
    assert choices_listed(question) == []


@pytest.mark.parametrize(
    ("choices", "odd"),
    [
        (["NEV", "smart home", "semiconductors", "new medicine"], "semiconductors"),  # NEV: initials
        (["新能源车", "智能家居", "集成电路"], "集成电路"),  # 新能源车: half its letter pairs
        (["auto a nuova energia", "smart home", "tessile"], "tessile"),  # in the English text
        (["smart home", "chips", "textiles"], None),  # two missing: nothing settled
        (["smart home", "new medicine", "NEV"], None),  # none missing
    ],
)
def test_the_one_choice_no_text_of_the_entry_names(choices, odd):
    assert the_one_not_named(choices, [FOUR, QUATTRO]) == odd
