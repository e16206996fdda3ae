"""Fitting the answer decision (`bot.ranking`) on development questions: `python -m bot fit FILE…`.

Every fact entry retrieved for a question is one example: positive when its text in the
question's language holds what the question's `must_contain` asks for. The model is small,
regularised gradient-boosted trees (LightGBM, deterministic); the threshold is the probability
with the best balanced accuracy (answered correctly, or declined when the knowledge has no
answer); below `tentative` answers say they may not be exactly what was asked.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import lightgbm
import numpy as np

from bot.core import Assistant, Context, retrieval_text
from bot.evaluation import Item, contains_all
from bot.ranking import FEATURES, MODEL_PATH, Model
from bot.retrieval import Hit

TENTATIVE_PRECISION = 0.8  # answers below `tentative` were right less often than this


@dataclass
class Example:
    item: Item
    hits: list[Hit]
    labels: list[bool]


def examples(assistant: Assistant, items: Sequence[Item]) -> list[Example]:
    """The fact candidates of every question, labelled."""
    retriever = assistant.retriever
    found = []
    for item in items:
        question = retrieval_text(item.question)
        lang = assistant.language(question, Context())
        _, hits = retriever.candidates(question, retriever.embed(question), lang)
        facts = [hit for hit in hits if hit.kind != "gap"]
        labels = [
            item.answerable and contains_all(retriever.body(hit.entry_id, item.lang) or hit.text, item)
            for hit in facts
        ]
        found.append(Example(item, facts, labels))
    return found


# Signals that can only make an entry more likely to answer (+1), or less (-1): the trees may not
# learn a quirk of the development questions that says otherwise.
RAISES = {"dense", "dense_question", "dense_body", "lexical", "coverage", "asked_coverage", "names_hit"}
LOWERS = {"unseen", "names_miss", "time_missing", "figure_missing", "gap_dense", "gap_coverage", "gap_asked"}
MONOTONE = [-1 if name in LOWERS else 0 for name in FEATURES]


def _trees(rows: list[list[float]], labels: list[bool]) -> lightgbm.Booster:
    classifier = lightgbm.LGBMClassifier(
        monotone_constraints=MONOTONE,
        n_estimators=300,
        learning_rate=0.05,
        num_leaves=8,
        min_child_samples=40,
        reg_lambda=1.0,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        random_state=0,
        deterministic=True,
        n_jobs=1,
        verbose=-1,
    )
    return classifier.fit(np.array(rows), np.array(labels, dtype=int)).booster_


def _best(model: Model, example: Example) -> tuple[float, bool]:
    """The probability of the likeliest fact, and whether it holds the answer."""
    if not example.hits:
        return 0.0, False
    scores = model.confidences([hit.signals for hit in example.hits])
    top = int(np.argmax(scores))
    return scores[top], example.labels[top]


def _threshold(model: Model, found: list[Example]) -> float:
    """The confidence line (in the unshifted model's probability) with the best balanced accuracy:
    the share of answerable questions answered right plus the share of the others declined."""
    best = [(_best(model, example), example.item.answerable) for example in found]
    answerable = max(1, sum(a for _, a in best))
    unanswerable = max(1, len(best) - answerable)
    grid = np.linspace(0.05, 0.95, 91)

    def right(line: float) -> float:
        answered = sum(p >= line and ok for (p, ok), a in best if a)
        declined = sum(p < line for (p, _), a in best if not a)
        return answered / answerable + declined / unanswerable

    scores = [right(line) for line in grid]
    top = max(scores)
    winners = [line for line, score in zip(grid, scores, strict=True) if score == top]
    return float(np.median(winners))


def _tentative(model: Model, found: list[Example]) -> float:
    """The confidence under which answers were right less often than `TENTATIVE_PRECISION`."""
    answered = sorted((p, ok) for p, ok in (_best(model, example) for example in found) if p >= 0.5)
    for line in np.linspace(0.5, 0.95, 46):
        below = [ok for p, ok in answered if p < line]
        if below and sum(below) / len(below) >= TENTATIVE_PRECISION:
            return float(line) - 0.01
    return 0.5


def fit(assistant: Assistant, items: Sequence[Item]) -> Model:
    found = examples(assistant, items)
    rows = [hit.signals.vector() for example in found for hit in example.hits]
    labels = [label for example in found for label in example.labels]
    booster = _trees(rows, labels)
    threshold = _threshold(Model(booster), found)
    return Model(booster, threshold, _tentative(Model(booster, threshold), found))


def fit_command(assistant: Assistant, items: Sequence[Item], sources: Sequence[str]) -> Model:
    model = fit(assistant, items)
    model.save(MODEL_PATH, fitted_on=list(sources), questions=len(items))
    return model
