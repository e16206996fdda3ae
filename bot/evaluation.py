"""Evaluation on a question set in the format of `shared/eval/questions.yaml`."""

import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.answer import Answer
from bot.core import Assistant, Context
from bot.language import detect

METRICS = (
    "retrieval_recall@3",
    "answer_accuracy",
    "language_match",
    "abstain_true_rate",
    "abstain_false_rate",
    "p50_ms",
    "p95_ms",
)
LOWER_IS_BETTER = frozenset({"abstain_false_rate", "p50_ms", "p95_ms"})


@dataclass
class Item:
    id: str
    lang: str
    question: str
    answerable: bool
    must_contain: list[str]


@dataclass
class Outcome:
    item: Item
    answer: Answer
    ms: float

    @property
    def found(self) -> bool:
        return contains_all(" ".join(hit.text for hit in self.answer.retrieved[:3]), self.item)

    @property
    def correct(self) -> bool:
        return not self.answer.abstained and contains_all(self.answer.text, self.item)

    @property
    def language_ok(self) -> bool:
        return self.answer.language == self.item.lang and (
            detect(self.answer.text, self.answer.language, requests=False) == self.item.lang
        )


def load_items(path: Path) -> list[Item]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Item(
            id=str(r["id"]),
            lang=r["lang"],
            question=str(r["question"]),
            answerable=bool(r["answerable"]),
            must_contain=[str(m) for m in r.get("must_contain", [])],
        )
        for r in raw
    ]


def contains_all(text: str, item: Item) -> bool:
    """Every must_contain entry ("a|b" = either) occurs in `text`, case-insensitively."""
    lowered = text.lower()
    return all(any(option.lower() in lowered for option in entry.split("|")) for entry in item.must_contain)


def _rate(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def _percentile(values: list[float], q: float) -> float:
    if len(values) < 2:
        return round(values[0], 2) if values else 0.0
    return round(statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1], 2)


def summarise(outcomes: list[Outcome]) -> dict[str, Any]:
    answerable = [o for o in outcomes if o.item.answerable]
    unanswerable = [o for o in outcomes if not o.item.answerable]
    times = [o.ms for o in outcomes]
    return {
        "n": len(outcomes),
        "retrieval_recall@3": _rate([o.found for o in answerable]),
        "answer_accuracy": _rate([o.correct for o in answerable]),
        "language_match": _rate([o.language_ok for o in outcomes]),
        "abstain_true_rate": _rate([o.answer.abstained for o in unanswerable]),
        "abstain_false_rate": _rate([o.answer.abstained for o in answerable]),
        "p50_ms": _percentile(times, 50),
        "p95_ms": _percentile(times, 95),
    }


def evaluate(assistant: Assistant, items: list[Item]) -> tuple[dict[str, Any], list[Outcome]]:
    """Ask every question (as a delegate with no history) and score the answers."""
    assistant.ask("warm-up", Context())
    outcomes = []
    for item in items:
        started = time.perf_counter()
        answer = assistant.ask(item.question, Context())
        outcomes.append(Outcome(item, answer, (time.perf_counter() - started) * 1000))
    report = summarise(outcomes)
    report["by_language"] = {
        lang: summarise([o for o in outcomes if o.item.lang == lang])
        for lang in sorted({o.item.lang for o in outcomes})
    }
    return report, outcomes


def failures(outcomes: list[Outcome]) -> list[dict[str, Any]]:
    """The items that missed, with what the bot said: for reading, not scoring."""
    missed = []
    for o in outcomes:
        wrong = (
            (o.item.answerable and not (o.correct and o.found))
            or (not o.item.answerable and not o.answer.abstained)
            or not o.language_ok
        )
        if wrong:
            missed.append(
                {
                    "id": o.item.id,
                    "question": o.item.question,
                    "reason": str(o.answer.reason),
                    "confidence": round(o.answer.confidence, 3),
                    "top": [h.entry_id for h in o.answer.retrieved],
                    "answer": o.answer.text[:160],
                }
            )
    return missed


def check_thresholds(report: dict[str, Any], thresholds: dict[str, float]) -> list[str]:
    """Each metric that misses its threshold (a minimum, or a maximum for rates of errors and times)."""
    problems = []
    for metric, bound in thresholds.items():
        value = report.get(metric)
        if value is None:
            continue
        if metric in LOWER_IS_BETTER and value > bound:
            problems.append(f"{metric} = {value} is above {bound}")
        elif metric not in LOWER_IS_BETTER and value < bound:
            problems.append(f"{metric} = {value} is below {bound}")
    return problems
