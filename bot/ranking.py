"""The answer decision: a logistic model over a few signals of each candidate entry, fitted on
development questions written the way delegates type (`python -m bot fit`), never on the public set.

The model says how likely an entry holds the answer; a "not published" entry is never a
candidate answer (it is the fallback when no fact entry is likely enough), so whatever an
organiser publishes wins over it as soon as it answers the question.
"""

import json
import logging
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

MODEL_PATH = Path(__file__).with_name("ranking_model.json")

# Signals of one candidate entry for one question (see `Signals`), in the model's order.
FEATURES = (
    "dense",  # the best cosine similarity of the question to one of the entry's chunks
    "dense_gap",  # how far that is below the best candidate's
    "lexical",  # BM25 of the entry's best chunk, scaled so the best entry has 1
    "coverage",  # IDF-weighted share of the question's words that occur in the entry
    "unseen",  # IDF-weighted share of the question's words the knowledge never uses
    "names_hit",  # share of the names in the question that the entry mentions
    "names_miss",  # the question names someone or something and the entry none of them
    "time_missing",  # the question asks for a clock time and the entry gives none
    "gap_dense",  # how much closer in meaning the nearest "not published" entry is (0 if farther)
    "gap_coverage",  # how many more of the question's words that entry holds (0 if fewer)
    "dense_x_coverage",
)

# "What time …", "几点", "a che ora": a clock time is wanted, not a date.
_ASKS_TIME = re.compile(
    r"\b(what time|which time|at what time|start time|schedule|timetable|a che ora|che ora|orari\w*|"
    r"ora di inizio|at \d)\b|几点|时间表|日程|什么时间|哪个时间|何时开始",
    re.IGNORECASE,
)
_HAS_TIME = re.compile(r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2} ?(am|pm)\b|\d{1,2}点|\d{1,2}时", re.IGNORECASE)


def asks_time(question: str) -> bool:
    return bool(_ASKS_TIME.search(question))


def has_time(text: str) -> bool:
    return bool(_HAS_TIME.search(text))


@dataclass
class Signals:
    dense: float = 0.0
    dense_gap: float = 0.0
    lexical: float = 0.0
    coverage: float = 0.0
    unseen: float = 0.0
    names_hit: float = 0.0
    names_miss: float = 0.0
    time_missing: float = 0.0
    gap_dense: float = 0.0
    gap_coverage: float = 0.0

    def vector(self) -> list[float]:
        return [
            self.dense,
            self.dense_gap,
            self.lexical,
            self.coverage,
            self.unseen,
            self.names_hit,
            self.names_miss,
            self.time_missing,
            self.gap_dense,
            self.gap_coverage,
            self.dense * self.coverage,
        ]


@dataclass(frozen=True)
class Model:
    """Weights over `FEATURES`, and the probability above which an entry answers (`threshold`)."""

    weights: tuple[float, ...]
    bias: float
    threshold: float
    tentative: float  # answers below this confidence say they may not be exactly what was asked

    def confidence(self, signals: Signals) -> float:
        """0..1, with 0.5 at the fitted threshold: the setting MIN_CONFIDENCE moves the line."""
        z = self.bias + sum(w * x for w, x in zip(self.weights, signals.vector(), strict=True))
        shift = math.log(self.threshold / (1.0 - self.threshold))
        return 1.0 / (1.0 + math.exp(-(z - shift)))

    def save(self, path: Path = MODEL_PATH, **about: object) -> None:
        data = {
            "features": FEATURES,
            "weights": self.weights,
            "bias": self.bias,
            "threshold": self.threshold,
            "tentative": self.tentative,
        }
        path.write_text(json.dumps(data | about, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@cache
def load_model(path: Path = MODEL_PATH) -> Model:
    """The fitted model; one fitted on other features (only while developing them) is replaced by
    a model that weighs nothing, until `python -m bot fit` fits it again."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES:
        log.error("%s was fitted on other features: run `python -m bot fit`", path)
        return Model((0.0,) * len(FEATURES), 0.0, threshold=0.5, tentative=0.5)
    return Model(tuple(data["weights"]), data["bias"], data["threshold"], data["tentative"])
