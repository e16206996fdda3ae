"""Hybrid retrieval: tokens, typo correction, names as tokens, "not published" entries as the fallback."""

import pytest

from bot.answer import Reason
from bot.core import Assistant, Context
from bot.retrieval import Retriever, index_tokens, tokenize


def test_question_words_fold_into_one_kind_across_languages():
    where = {tokenize("对接会在哪儿？", "zh")[-1], tokenize("Dov'è?", "it")[0], tokenize("Where?", "en")[0]}
    assert where == {"?where"}
    assert tokenize("quando", "it") == tokenize("when", "en") == ["?when"]
    assert "?when" in tokenize("会议是哪天举行的", "zh")


def test_stems_join_forms_of_one_word_in_its_language():
    assert tokenize("tedesca", "it") == tokenize("tedesco", "it")
    assert tokenize("companies", "en") == tokenize("company", "en")
    assert tokenize("Guadagno", "zh") == ["guadagno"]  # names in a Chinese question stay whole


def test_hyphenated_words_match_with_and_without_the_hyphen():
    tokens = tokenize("Guadagno's e-mail", "en")
    assert "email" in tokens and "mail" in tokens
    assert "s" not in tokens and "e" not in tokens  # lone letters carry no meaning


def test_knowledge_also_yields_the_characters_of_chinese_words():
    assert "刘" not in tokenize("刘佳致辞", "zh")
    assert {"刘", "佳"} <= set(index_tokens("刘佳致辞"))


def test_knowledge_words_match_questions_in_either_latin_language():
    mixed = set(index_tokens("C'è un guardaroba? Yes: the cloakrooms are at the entrance."))
    assert set(tokenize("Dove sono i guardaroba?", "it")) <= mixed | {"?where"}
    assert set(tokenize("Where is the cloakroom?", "en")) <= mixed | {"?where"}


def test_slips_are_read_as_the_knowledges_words(assistant: Assistant):
    correct = assistant.retriever.correct
    assert tokenize("whre is the vneue", "en", correct) == ["?where", "venu"]
    assert tokenize("incontor quando", "it", correct) == tokenize("incontro quando", "it")
    assert correct("weather") == "weather"  # two slips from "whether": an unknown word stays


def test_slips_in_the_words_that_ask_for_a_figure_are_mended_before_it_is_read(assistant: Assistant):
    spelt_right = assistant.retriever.spelt_right
    assert spelt_right("Which booht is Brembo at?") == "Which booth is Brembo at?"  # a word no entry has
    assert spelt_right("c'è un secodno giorno?") == "c'è un secondo giorno?"
    assert spelt_right("nel mio pezzo su Avio") == "nel mio pezzo su Avio"  # a word, not "prezzo"


def test_names_are_tokens_in_any_script(assistant: Assistant):
    retriever = assistant.retriever
    assert retriever.names.find("阿维奥") == retriever.names.find("Avio") == ["avio"]
    assert "avio" in retriever.entry_names("enterprises-avio")


def test_gaps_are_never_candidate_answers(assistant: Assistant):
    retrieval = assistant.retriever.search("Is there Wi-Fi at the venue?", 3)
    assert all(hit.kind != "gap" for hit in retrieval.hits)
    assert retrieval.gap is not None and retrieval.gap.entry_id == "gap-wifi"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("对接会在哪儿办的", "event-venue"),  # colloquial "where", verb 办 for 举办
        ("刘副区长致辞讲了什么", "speech-liu-jia"),  # surname + title for Liu Jia
        ("chi era il rappresentante tedesco?", "people-hans-song"),
    ],
)
def test_colloquial_questions_find_their_entry(assistant: Assistant, question: str, entry_id: str):
    answer = assistant.ask(question, Context())
    assert not answer.abstained and answer.retrieved[0].entry_id == entry_id


@pytest.mark.parametrize(
    ("question", "gap"),
    [
        ("Which hall in the Xingzhuang park is the meeting in?", "gap-rooms"),
        ("Can you give me Francesco Guadagno's e-mail address?", "gap-contact-details"),
    ],
)
def test_a_detail_the_sources_lack_is_answered_by_its_gap(assistant: Assistant, question: str, gap: str):
    answer = assistant.ask(question, Context())
    assert answer.reason == Reason.GAP and answer.sources[0].entry_id == gap


def test_an_off_topic_question_sharing_words_with_an_entry_abstains(assistant: Assistant):
    answer = assistant.ask("Qual è la capitale della Francia?", Context())  # "capitale estero", "Francia"
    assert answer.abstained and answer.language == "it"


def test_slips_are_also_embedded_as_the_words_meant(assistant: Assistant):
    mended = assistant.retriever._mended
    assert mended("which feilds do the firms work in") == ["fields"]
    assert mended("can I bring a plus one? sure") == []  # short words: no guess at a function word
    assert mended("Avio Colleferro Guadgno") == []  # names are found by the names list


def test_pinyin_is_read_into_words_not_into_a_slip_of_a_sample_question(assistant: Assistant):
    """A sample question typed with a slip ("栗水有多少外资企业") leaves a cut that is no word
    ("栗水有"): "lishui you" is read as 溧水 and 有."""
    assert assistant.retriever.readable("lishui you duoshao waiqi").startswith("溧水有多少")


def _nearest(retriever: Retriever, vector: list[float]) -> list[tuple[str, str, str, float]]:
    found = retriever._dense(vector)
    return [(doc.metadata["entry_id"], doc.metadata["role"], doc.page_content, score) for doc, score in found]


@pytest.mark.parametrize(
    "question", ["When is the meeting?", "溧水有哪些德国企业？", "chi è il vicesindaco di Colleferro", "wifi"]
)
def test_the_exact_search_in_memory_finds_what_chromas_graph_finds(shared_settings, question: str):
    exact = Retriever.from_settings(shared_settings)
    graph = Retriever.from_settings(shared_settings.model_copy(update={"exact_search_up_to": 0}))
    assert exact._exact is not None and graph._exact is None
    vector = exact.embed(question)
    found, by_graph = _nearest(exact, vector), _nearest(graph, vector)
    assert [score for *_, score in found] == pytest.approx([score for *_, score in by_graph], abs=1e-4)
    # the same chunks, but for which of the equally near ones at the cut (a text in two languages'
    # entries has one vector) each kept
    cut = found[-1][-1] + 1e-4
    nearer = [{chunk[:3] for chunk in chunks if chunk[-1] > cut} for chunks in (found, by_graph)]
    assert nearer[0] == nearer[1]
