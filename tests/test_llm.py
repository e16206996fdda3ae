"""The LLM path over real HTTP against a local OpenAI-compatible server, with offline fallback."""

import logging

import pytest

from bot.answer import Reason
from bot.config import Settings
from bot.core import Assistant
from tests.fake_openai import FakeOpenAI


@pytest.fixture(scope="module")
def fake_llm():
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def llm_assistant(shared_settings: Settings, fake_llm: FakeOpenAI):
    fake_llm.behaviour.requests.clear()
    fake_llm.behaviour.status, fake_llm.behaviour.delay = 200, 0.0
    settings = shared_settings.model_copy(update={
        "openai_api_key": "sk-test", "openai_base_url": fake_llm.base_url,
        "openai_model": "test-model", "llm_timeout": 1.0,
    })
    return Assistant(settings)


def test_good_llm_answer_is_used_with_its_citations(llm_assistant: Assistant, fake_llm: FakeOpenAI):
    fake_llm.behaviour.reply = "The docking meeting took place on the morning of 30 November 2023 [1]."
    answer = llm_assistant.ask("When was the docking meeting?")
    assert answer.generated_by == "llm" and answer.reason is Reason.ANSWERED
    assert answer.text == "The docking meeting took place on the morning of 30 November 2023 ."
    assert answer.sources and answer.sources[0].entry_id == answer.retrieved[0].entry_id
    request = fake_llm.behaviour.requests[-1]["body"]
    assert request["model"] == "test-model"
    system, human = request["messages"][0]["content"], request["messages"][-1]["content"]
    assert "English" in system and "[1]" in system and "30" in system
    assert human == "When was the docking meeting?"


def test_wrong_language_reply_falls_back_to_the_offline_answer(llm_assistant, fake_llm, caplog):
    fake_llm.behaviour.reply = "The meeting was held on 30 November 2023 in the morning [1]."
    with caplog.at_level(logging.WARNING):
        answer = llm_assistant.ask("Quando si è svolto l'incontro?")
    assert answer.generated_by == "extractive" and answer.language == "it"
    assert "novembre" in answer.text
    assert "WrongLanguage" in caplog.text


def test_timeout_falls_back_to_the_offline_answer(llm_assistant, fake_llm, caplog):
    fake_llm.behaviour.delay = 2.0
    with caplog.at_level(logging.WARNING):
        answer = llm_assistant.ask("对接会在哪里举行？")
    assert answer.generated_by == "extractive" and answer.language == "zh" and "星庄" in answer.text
    assert "LLM answer failed" in caplog.text


def test_server_error_falls_back_to_the_offline_answer(llm_assistant, fake_llm):
    fake_llm.behaviour.status = 500
    answer = llm_assistant.ask("Who is Hans Song?")
    assert answer.generated_by == "extractive" and "Messe Stuttgart" in answer.text
    assert len(fake_llm.behaviour.requests) == 1  # no retries: the delegate is waiting


def test_llm_saying_the_context_has_no_answer_makes_the_bot_abstain(llm_assistant, fake_llm):
    fake_llm.behaviour.reply = "NO_ANSWER"
    answer = llm_assistant.ask("Who is Hans Song?")
    assert answer.abstained and answer.reason is Reason.NO_MATCH


def test_llm_is_not_called_when_retrieval_abstains(llm_assistant, fake_llm):
    answer = llm_assistant.ask("Who won the 2022 football World Cup?")
    assert answer.abstained
    assert fake_llm.behaviour.requests == []
