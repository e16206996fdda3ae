"""The odd one out of a list the question gives ("which is NOT a Lishui leading industry: NEV, smart
home, semiconductors, new medicine?"): the one choice that the answering entry does not name."""

import re
from collections.abc import Iterable

from bot.normalise import fold

# Asks which of the listed things is not one of them ("which … NOT", "odd one out", "quale NON …",
# "哪个不是", "哪一项没有提到").
_ASKS_WHICH_NOT = re.compile(
    r"\b(?:which|what)\b.*\b(?:not|isn'?t|wasn'?t|aren'?t|weren'?t)\b|"
    r"\b(?:not|isn'?t|wasn'?t)\b.*\bwhich\b|\bodd one out\b|"
    r"\b(?:quale|quali|qual|chi|cosa)\b.*\bnon\b|\bnon\b.*\b(?:quale|quali)\b|\bintrus[oa]\b|"
    r"哪(?:一)?(?:个|家|项|位|些)?(?:不是|不属于|不在|没有|没|不算|不包括)|"
    r"(?:不是|不属于|不在|没提到|没有提到)[^，,。？?]{0,12}(?:的是哪|是哪)",
    re.IGNORECASE,
)
# Where a list of choices ends or begins: the clauses of the question.
_CLAUSE = re.compile(r"\s*(?:[:：?？!！。;；]|\s[-–]\s)\s*")
# Between two choices.
_BETWEEN = re.compile(r"\s*(?:[,，、/&]|\s(?:or|and|o|e|oppure|oder)\s|或者?|还是)\s*", re.IGNORECASE)
# Choices written with spaces between them in Chinese ("新能源汽车 智能家居 集成电路").
_HAN_WORDS = re.compile(r"^[\u4e00-\u9fff]+(?:\s+[\u4e00-\u9fff]+)+$")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_SHORT = 3  # Latin words this short say nothing alone ("new", "of", "a")
MIN_CHOICES = 3
_INITIALS = 3  # letters of the shortest choice read as initials ("NEV"; not "EV")
_MAX_CHOICE_WORDS = 5
_MAX_CHOICE_HAN = 10


def choices_listed(question: str) -> list[str]:
    """The things a "which of these is not …" question lists (none when it asks no such thing)."""
    if not _ASKS_WHICH_NOT.search(question):
        return []
    lists = [_choices(clause) for clause in _CLAUSE.split(question)]
    found = max(lists, key=len, default=[])
    return found if len(found) >= MIN_CHOICES else []


def _choices(clause: str) -> list[str]:
    parts = [part.strip() for part in _BETWEEN.split(clause) if part and part.strip()]
    words = [word for part in parts for word in (part.split() if _HAN_WORDS.match(part) else [part])]
    return [word for word in words if _is_a_choice(word)]


def _is_a_choice(part: str) -> bool:
    """Short, and no words of the question around the list ("哪个不是", "which was NOT …")."""
    if _ASKS_WHICH_NOT.search(part):
        return False
    han = sum("\u4e00" <= letter <= "\u9fff" for letter in part)
    return len(part.split()) <= _MAX_CHOICE_WORDS and han <= _MAX_CHOICE_HAN


def the_one_not_named(choices: list[str], texts: Iterable[str]) -> str | None:
    """The only choice that none of `texts` names (an entry in each of its languages); None when all
    are named or more than one is not (the question then asks something the entry does not settle)."""
    written = [fold(text) for text in texts]
    missing = [choice for choice in choices if not any(_names(fold(choice), text) for text in written)]
    return missing[0] if len(missing) == 1 else None


def _names(choice: str, text: str) -> bool:
    """Whether `text` names `choice`: half its Chinese letter pairs, a word of it, or its initials
    ("NEV": new energy vehicles)."""
    words = [word for word in _LATIN_WORD.findall(choice) if len(word) > _SHORT or word.isdigit()]
    han = re.sub(r"[^\u4e00-\u9fff]", "", choice)
    pairs = {han[i : i + 2] for i in range(len(han) - 1)} or {han} - {""}
    if pairs and sum(pair in text for pair in pairs) * 2 >= len(pairs):  # "新能源车": 新能源汽车
        return True
    if any(re.search(rf"\b{re.escape(_stem(word))}", text) for word in words):
        return True
    initials = "".join(word[0] for word in _LATIN_WORD.findall(text))
    return len(choice) >= _INITIALS and choice.isalpha() and choice in initials


def _stem(word: str) -> str:
    """The start every form of `word` shares ("services", "servizi" → "servi")."""
    return word[: max(_SHORT + 1, len(word) - 2)]
