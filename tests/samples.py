"""`python -m tests.samples SET.yaml…`: a labelled question set's questions become sample questions of
the entries they belong to (question-to-question matching on the wording delegates really type).

An answerable question joins the likeliest entry, in its language, whose text holds what the
question's `must_contain` asks for; an unanswerable one joins the "not published" entry the bot
explains it with (none when no such entry is near). Questions an entry already has are skipped,
and so are the public evaluation set's (it must keep measuring wording the knowledge does not
hold); the entries' files keep their layout (the new questions are appended to their
`questions:` list). Re-ingest afterwards.

Only sets that are no longer held out may be added: a set whose questions are sample questions
measures nothing, and the decision model must be fitted on other questions (`python -m bot fit`).
"""

import argparse
import re
from pathlib import Path

import yaml

from bot.config import Settings
from bot.core import Assistant, Context
from bot.evaluation import Item, contains_all, load_items
from bot.retrieval import CANDIDATES
from tests.conftest import PUBLIC_EVAL

_QUESTIONS_BLOCK = re.compile(r"^questions:\n(?:- .*\n)*", re.MULTILINE)


def home(assistant: Assistant, item: Item) -> str | None:
    """The entry `item`'s question belongs to, if any: the retriever's own ranking of the facts, or
    the "not published" entry it would explain the question with."""
    retriever = assistant.retriever
    question = assistant.searched(item.question)
    retrieval = retriever.search(question, k=CANDIDATES, lang=assistant.language(question, Context()))
    if not item.answerable:
        return retrieval.gap.entry_id if retrieval.gap else None
    bodies = ((hit.entry_id, retriever.body(hit.entry_id, item.lang)) for hit in retrieval.hits)
    return next((entry_id for entry_id, body in bodies if contains_all(body, item)), None)


def append_questions(path: Path, questions: list[str]) -> int:
    """Append the questions `path`'s entry does not have yet to its `questions:` list."""
    text = path.read_text(encoding="utf-8")
    front = yaml.safe_load(text.split("---\n", 2)[1])
    have = {question.casefold() for question in front.get("questions") or []}
    new = list(dict.fromkeys(q for q in questions if q.casefold() not in have))
    if not new:
        return 0
    lines = "".join(yaml.safe_dump([q], allow_unicode=True, width=10_000) for q in new)
    block = _QUESTIONS_BLOCK.search(text)
    if block is None:  # an entry without sample questions yet
        text = text.replace("\n---\n", f"\nquestions:\n{lines}---\n", 1)
    else:
        text = text[: block.end()] + lines + text[block.end() :]
    path.write_text(text, encoding="utf-8")
    return len(new)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+", type=Path)
    args = parser.parse_args()
    settings = Settings()
    assistant = Assistant(settings)
    public = {item.question.casefold() for item in load_items(PUBLIC_EVAL)}
    homes: dict[Path, list[str]] = {}
    for item in (item for path in args.sets for item in load_items(path)):
        if item.question.casefold() in public:
            continue
        entry = home(assistant, item)
        path = settings.knowledge_dir / "entries" / f"{entry}.{item.lang}.md"
        if entry and path.exists():
            homes.setdefault(path, []).append(item.question)
    added = sum(append_questions(path, questions) for path, questions in sorted(homes.items()))
    print(f"{added} sample questions added to {len(homes)} entries; now run `python ingest.py`")


if __name__ == "__main__":
    main()
