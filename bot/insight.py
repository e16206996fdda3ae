"""What organisers learn from use: question statistics and the knowledge gaps, i.e. the
questions the bot could not answer (or answered with a 👎), grouped across languages.

Two questions are one gap when the knowledge entry they come closest to is the same (a
known-gap entry such as "Wi-Fi", or the fact a 👎 answer quoted), or when their wording is
nearly identical; so "会场在哪", "where is the venue" and "dov'è la sede" count once.
"""

import csv
import datetime as dt
import io
import statistics
from dataclasses import dataclass, field

import numpy as np

from bot import LANGUAGES
from bot.retrieval import Retrieval, Retriever
from bot.storage import Store

SAME_ENTRY_MIN_DENSE = 0.86  # closest entry counts as the question's topic from this cosine on
NEAR_DUPLICATE = 0.93  # cosine of two questions that say the same thing
SILENT_REASONS = ("empty", "no_text", "too_long", "refused", "small_talk", "meeting")  # not knowledge gaps
SILENT_SQL = ", ".join(f"'{reason}'" for reason in SILENT_REASONS)
HELPED_SQL = "reason IN ('answered', 'partly', 'small_talk', 'meeting')"  # the bot helped (not a gap)
TOP_QUESTIONS = 3  # per language, in /stats
EPOCH_DAY = dt.date(1970, 1, 1).toordinal()


@dataclass
class Gap:
    """One thing delegates asked that the knowledge base does not answer well."""

    count: int
    examples: dict[str, str]  # language → one question as asked
    topic: str = ""  # the entry these questions come closest to ("" when none)
    downvoted: int = 0
    questions: list[str] = field(default_factory=list)


def _day(days: float) -> str:
    """The ISO date of a count of days since 1970-01-01 (UTC)."""
    return dt.date.fromordinal(EPOCH_DAY + int(days)).isoformat()


def stats(store: Store) -> dict:
    """Questions per language and day, answered vs abstained, votes, tickets, staff response."""
    one = store.query
    per_language = {row[0]: row[1] for row in one("SELECT language, COUNT(*) FROM questions GROUP BY 1")}
    per_day = {
        _day(row[0]): row[1]
        for row in one(
            "SELECT FLOOR(asked_at / 86400) AS day, COUNT(*) FROM questions "
            "GROUP BY 1 ORDER BY 1 DESC LIMIT 14"
        )
    }
    answered, abstained = one(
        f"SELECT COALESCE(SUM(CASE WHEN {HELPED_SQL} THEN 1 ELSE 0 END), 0), "
        f"COALESCE(SUM(CASE WHEN {HELPED_SQL} THEN 0 ELSE 1 END), 0) FROM questions"
    )[0]
    up, down = one(
        "SELECT COALESCE(SUM(CASE WHEN value = 1 THEN 1 ELSE 0 END), 0), "
        "COALESCE(SUM(CASE WHEN value = -1 THEN 1 ELSE 0 END), 0) FROM votes"
    )[0]
    tickets = {row[0]: row[1] for row in one("SELECT status, COUNT(*) FROM tickets GROUP BY 1")}
    waits = [
        row[0]
        for row in one(
            "SELECT MIN(m.at) - t.created_at FROM tickets t JOIN ticket_messages m ON m.ticket_id = t.id "
            "WHERE m.direction = 'staff' GROUP BY t.id, t.created_at"
        )
    ]
    trend = {
        _day(row[0]): (row[1], row[2])
        for row in one(
            "SELECT FLOOR(asked_at / 86400) AS day, COUNT(*), "
            "COALESCE(SUM(CASE WHEN reason IN ('answered', 'partly', 'small_talk') THEN 1 ELSE 0 END), 0) "
            "FROM questions GROUP BY 1 ORDER BY 1 DESC LIMIT 14"
        )
    }
    return {
        "answer_rate": round(100 * answered / (answered + abstained)) if answered + abstained else None,
        "trend": dict(sorted(trend.items())),  # day → (asked, answered), oldest first
        "top_questions": _top_questions(store),
        "staff_response_s": sorted(round(wait) for wait in waits),
        "questions": answered + abstained,
        "answered": answered,
        "abstained": abstained,
        "per_language": per_language,
        "per_day": per_day,
        "thumbs_up": up,
        "thumbs_down": down,
        "tickets_opened": sum(tickets.values()),
        "tickets_resolved": tickets.get("resolved", 0),
        "median_staff_response_s": round(statistics.median(waits)) if waits else None,
        "delegates": one("SELECT COUNT(*) FROM delegates")[0][0],
    }


def _top_questions(store: Store) -> dict[str, list[tuple[str, int]]]:
    """Per language, the questions asked most often (same words, ignoring case), most first."""
    rows = store.query(
        "SELECT language, MIN(question), COUNT(*) FROM questions "
        f"WHERE reason NOT IN ({SILENT_SQL}) "
        "GROUP BY language, lower(trim(question)) ORDER BY 3 DESC, 2",
    )
    top: dict[str, list[tuple[str, int]]] = {}
    for lang, question, count in rows:
        if len(top.setdefault(lang, [])) < TOP_QUESTIONS:
            top[lang].append((question, count))
    return top


def stats_chart(numbers: dict) -> bytes:
    """A PNG of `stats(...)`: questions per day (all, and answered) with the answer rate in %,
    and how long delegates waited for a first staff reply. Labelled with symbols and numbers
    only (Σ, ✓, %, Δt min), so it reads the same in every language and needs no CJK font."""
    from matplotlib.figure import Figure  # the object API draws with Agg, without pyplot's state

    figure = Figure(figsize=(8, 6), dpi=100)
    days, waits_axis = figure.add_subplot(2, 1, 1), figure.add_subplot(2, 1, 2)
    dates = [day[5:] for day in numbers["trend"]] or ["–"]
    asked = [count for count, _ in numbers["trend"].values()] or [0]
    answered = [count for _, count in numbers["trend"].values()] or [0]
    days.bar(dates, asked, color="#c8d6e5", label="Σ")
    days.bar(dates, answered, color="#2e86de", label="✓")
    rate = days.twinx()
    rate.plot(dates, [100 * a / q if q else 0 for q, a in zip(asked, answered, strict=True)], "o-",
              color="#ee5253", label="✓ %")
    rate.set_ylim(0, 105)
    rate.set_ylabel("✓ %")
    days.legend(loc="upper left")
    waits = [wait / 60 for wait in numbers["staff_response_s"]]
    waits_axis.hist(waits or [0], bins=min(10, max(1, len(waits))), color="#10ac84")
    waits_axis.set_xlabel("Δt (min)")
    figure.tight_layout()
    out = io.BytesIO()
    figure.savefig(out, format="png")
    return out.getvalue()


def _gap_questions(store: Store) -> list[tuple[str, str, bool]]:
    """(question, language, downvoted) for every abstention, every message answered only in part and
    every 👎 answer."""
    rows = store.query(
        "SELECT q.question, q.language, COALESCE(v.value, 0) = -1 AS down FROM questions q "
        "LEFT JOIN votes v ON v.question_id = q.id "
        f"WHERE (q.reason != 'answered' AND q.reason NOT IN ({SILENT_SQL})) "
        "OR v.value = -1 ORDER BY q.id",
    )
    return [(row[0], row[1], bool(row[2])) for row in rows]


def _groups(labels: list[str | None], vectors: np.ndarray) -> list[list[int]]:
    """Union-find over "same closest entry" and "near-duplicate wording" links."""
    parent = list(range(len(labels)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    similar = vectors @ vectors.T if len(labels) else np.zeros((0, 0))
    for i in range(len(labels)):
        for j in range(i):
            if (labels[i] and labels[i] == labels[j]) or similar[i, j] >= NEAR_DUPLICATE:
                parent[root(i)] = root(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(labels)):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def _label(retrieval: Retrieval, downvoted: bool) -> str | None:
    """The entry a question is filed under: the fact a 👎 answer quoted, or the "not published"
    entry the bot explains it with; nothing else (no unrelated gap takes it in)."""
    if downvoted:
        best = retrieval.best
        return best.entry_id if best and best.dense >= SAME_ENTRY_MIN_DENSE else None
    return retrieval.gap.entry_id if retrieval.gap else None


def gaps(store: Store, retriever: Retriever, answered_from: float = 1.0) -> list[Gap]:
    """The knowledge gaps, most frequent first. A question the knowledge now answers (its likeliest
    entry is as sure as `answered_from`, the core's threshold) is no longer a gap."""
    asked, vectors, labels = [], [], []
    for question, lang, down in _gap_questions(store):
        vector = retriever.embed(question, lang)
        retrieval = retriever.search(question, k=3, vector=vector, lang=lang)
        if not down and retrieval.best is not None and retrieval.confidence >= answered_from:
            continue  # published since: answered now
        asked.append((question, lang, down))
        vectors.append(vector)
        labels.append(_label(retrieval, down))
    found = []
    for members in _groups(labels, np.array(vectors)):
        examples: dict[str, str] = {}
        for i in members:
            examples.setdefault(asked[i][1], asked[i][0])
        found.append(
            Gap(
                count=len(members),
                examples=examples,
                topic=labels[members[0]] or "",
                downvoted=sum(asked[i][2] for i in members),
                questions=[asked[i][0] for i in members],
            )
        )
    return sorted(found, key=lambda gap: gap.count, reverse=True)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A delegate's words as a spreadsheet cell that is never run as a formula (CSV injection):
    a text starting like a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.lstrip(" ").startswith(FORMULA_START):
        return "'" + value
    return value


def gaps_csv(found: list[Gap]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    example_columns = [f"example_{lang}" for lang in LANGUAGES]
    writer.writerow(["count", "downvoted", "closest_entry", *example_columns, "all"])
    for gap in found:
        examples = [gap.examples.get(lang, "") for lang in LANGUAGES]
        row = [gap.count, gap.downvoted, gap.topic, *examples, " | ".join(gap.questions)]
        writer.writerow([safe_cell(value) for value in row])
    return out.getvalue()
