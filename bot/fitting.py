"""Fitting the answer decision (`bot.ranking`) on development questions: `python -m bot fit FILE…`.

Every fact entry retrieved for a question is one example: positive when its text in the
question's language holds what the question's `must_contain` asks for. The model is small,
regularised gradient-boosted trees (LightGBM, deterministic); the threshold is the probability
that comes closest to the answer-quality targets out of fold (answered correctly, declined when
the knowledge has no answer, wrongly declined); below `tentative` answers say they may not be
exactly what was asked.
"""

from collections.abc import Sequence
from dataclasses import dataclass

import lightgbm
import numpy as np

from bot.core import Assistant, Context
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
        question = assistant.searched(item.question)
        lang = assistant.language(question, Context())
        hits = retriever.candidates(question, retriever.embed(question, lang), lang).hits
        facts = [hit for hit in hits if hit.kind != "gap"]
        labels = [
            item.answerable and contains_all(retriever.body(hit.entry_id, item.lang) or hit.text, item)
            for hit in facts
        ]
        found.append(Example(item, facts, labels))
    return found


# Signals that can only make an entry less likely to answer: the trees may not learn a quirk of
# the development questions that says otherwise.
LOWERS = {
    "unseen",
    "names_miss",
    "time_missing",
    "figure_missing",
    "detail_elsewhere",
    "gap_dense",
    "gap_coverage",
    "gap_asked",
}
MONOTONE = [-1 if name in LOWERS else 0 for name in FEATURES]


def _trees(rows: list[list[float]], labels: list[bool]) -> lightgbm.Booster:
    """LightGBM's own training API (its scikit-learn wrapper would need scikit-learn installed)."""
    params = {
        "objective": "binary",
        "monotone_constraints": MONOTONE,
        "learning_rate": 0.05,
        "num_leaves": 8,
        "min_data_in_leaf": 40,
        "lambda_l2": 1.0,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "feature_fraction": 0.8,
        "seed": 0,
        "deterministic": True,
        "num_threads": 1,
        "verbose": -1,
    }
    data = lightgbm.Dataset(np.array(rows), np.array(labels, dtype=int))
    return lightgbm.train(params, data, num_boost_round=300)


# The line is placed where the product comes closest to its targets (answer accuracy, declining
# the unanswerable, wrongly declining at most), judged out of fold: in-sample probabilities are too
# sure of themselves, so a line placed on them declines too little.
TARGET_ACCURACY, TARGET_DECLINED, TARGET_WRONGLY_DECLINED = 0.92, 0.90, 0.05
FOLDS, REPEATS = 5, 3

Outcome = tuple[float, bool, bool]  # the likeliest fact's probability, whether it is right, answerable


def _best(model: Model, example: Example) -> Outcome:
    """The probability of the likeliest fact, whether it holds the answer, whether any does."""
    if not example.hits:
        return 0.0, False, example.item.answerable
    scores = model.confidences([hit.signals for hit in example.hits])
    top = int(np.argmax(scores))
    return scores[top], example.labels[top], example.item.answerable


def _booster(found: Sequence[Example]) -> lightgbm.Booster:
    rows = [hit.signals.vector() for example in found for hit in example.hits]
    return _trees(rows, [label for example in found for label in example.labels])


def _out_of_fold(found: list[Example]) -> list[Outcome]:
    """Every question's outcome under trees fitted without it, `REPEATS` times `FOLDS` folds."""
    outcomes: list[Outcome] = []
    for repeat in range(REPEATS):
        fold_of = np.random.default_rng(repeat).integers(0, FOLDS, len(found))
        for fold in range(FOLDS):
            held_out = [example for example, f in zip(found, fold_of, strict=True) if f == fold]
            model = Model(_booster([example for example, f in zip(found, fold_of, strict=True) if f != fold]))
            outcomes += [_best(model, example) for example in held_out]
    return outcomes


def _shortfall(outcomes: list[Outcome], line: float) -> float:
    """How far the outcomes with this line fall short of the worst-met target."""
    answerable = [(p, ok) for p, ok, a in outcomes if a]
    others = [p for p, _, a in outcomes if not a]
    accuracy = sum(p >= line and ok for p, ok in answerable) / max(1, len(answerable))
    wrongly_declined = sum(p < line for p, _ in answerable) / max(1, len(answerable))
    declined = sum(p < line for p in others) / max(1, len(others))
    return max(
        TARGET_ACCURACY - accuracy, TARGET_DECLINED - declined, wrongly_declined - TARGET_WRONGLY_DECLINED
    )


def _threshold(outcomes: list[Outcome]) -> float:
    """The probability line with the smallest shortfall from the targets (the middle of a tie)."""
    grid = np.linspace(0.05, 0.95, 91)
    shortfalls = [_shortfall(outcomes, line) for line in grid]
    winners = [line for line, gap in zip(grid, shortfalls, strict=True) if gap == min(shortfalls)]
    return float(np.median(winners))


def _tentative(model: Model, found: list[Example]) -> float:
    """The highest confidence under which answers were right less often than `TENTATIVE_PRECISION`
    (0.5, the answer line, when even the least confident were right often enough)."""
    answered = [(p, ok) for p, ok, _ in (_best(model, example) for example in found) if p >= 0.5]
    for line in np.linspace(0.95, 0.51, 45):
        below = [ok for p, ok in answered if p < line]
        if below and sum(below) / len(below) < TENTATIVE_PRECISION:
            return float(line)
    return 0.5


def fit(assistant: Assistant, items: Sequence[Item]) -> Model:
    found = examples(assistant, items)
    booster = _booster(found)
    threshold = _threshold(_out_of_fold(found))
    return Model(booster, threshold, _tentative(Model(booster, threshold), found))


def fit_command(assistant: Assistant, items: Sequence[Item], sources: Sequence[str]) -> Model:
    model = fit(assistant, items)
    model.save(MODEL_PATH, fitted_on=list(sources), questions=len(items))
    return model
