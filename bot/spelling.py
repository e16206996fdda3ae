"""Which Latin words are real English or Italian words (pyspellchecker's word lists, shipped with
the package), so that only slips are mended: "pezzo" is a word, not a slip for "prezzo"."""

import re
from functools import lru_cache

from spellchecker import SpellChecker

LANGUAGES = ("en", "it")


@lru_cache(maxsize=1)
def _checkers() -> tuple[SpellChecker, ...]:
    return tuple(SpellChecker(language=lang, distance=1) for lang in LANGUAGES)


def load_word_lists() -> None:
    """Read the word lists (half a second) before the first question needs them."""
    _checkers()


COMMON = 1000  # times in the lists' corpora: rarer words ("meting", "impresse") are likelier slips
ABSENT = 5  # times in a list's corpus of a word that is not that language's (a name, a loan)
EVERYDAY = 10000  # so common that it is not pinyin, though it could be spelt so ("came": ca me, "carica")


@lru_cache(maxsize=16384)
def is_word(word: str, at_least: int = COMMON) -> bool:
    """True when `word` (lower case) is an English or Italian word used `at_least` so often."""
    return any(checker.word_frequency[word] >= at_least for checker in _checkers())


def only_in(words: list[str]) -> dict[str, int]:
    """Language → how many of `words` (lower case, four letters or more) are common words of its list
    and all but absent from the other's ("laurea": Italian)."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for word in (word for word in words if len(word) >= 4):
        frequencies = [checker.word_frequency[word] for checker in _checkers()]
        for lang, mine, other in zip(LANGUAGES, frequencies, reversed(frequencies), strict=True):
            counts[lang] += mine >= COMMON and other < ABSENT
    return counts


class EverydayWords:
    """The words the bot knows in English and Italian, and every everyday word of four letters or
    more ("came"), or of three that no single pinyin syllable spells ("age": a ge), as a collection
    `pinyin.is_pinyin` can ask."""

    def __init__(self, known: frozenset[str], syllables: frozenset[str]) -> None:
        self._known = known
        self._syllables = syllables

    def __contains__(self, word: object) -> bool:
        if word in self._known:
            return True
        if not isinstance(word, str):
            return False
        long_enough = len(word) >= 4 or (len(word) == 3 and word not in self._syllables)
        return long_enough and is_word(word, EVERYDAY)


_ACCENTED = {"a": "à", "e": "èé", "i": "ì", "o": "ò", "u": "ù"}
_LAST_VOWEL_WORD = re.compile(r"(?<![\w'’])([a-z]{2,}[aeiou])(?![\w'’])", re.IGNORECASE)


def with_accents(question: str) -> str:
    """An Italian `question` typed without its final accents, with them ("zhai xiaoli eta" →
    "età", "citta", "societa"): a word the Italian list lacks whose accented form is a common
    word. Words the list has as typed stay ("cosi", "pero", "e"), and "perche", which asks why or
    tells because."""
    italian = _checkers()[LANGUAGES.index("it")].word_frequency

    def accented(found: re.Match[str]) -> str:
        word = found.group()
        if italian[word.lower()] or word.lower().endswith("che"):  # "perche": "why" or "because"
            return word
        forms = [word[:-1] + accent for accent in _ACCENTED[word[-1].lower()]]
        best = max(forms, key=lambda form: italian[form.lower()])
        return best if italian[best.lower()] >= COMMON else word

    return _LAST_VOWEL_WORD.sub(accented, question)


# Italian chat writes "k" for the hard c: "kuante", "ki", "anke", "kiama", "carika", "kosa"
_K_WORD = re.compile(r"(?<![\w'’])([a-z]*k[a-z]*)(?![\w'’])", re.IGNORECASE)
_HARD_C = re.compile(r"(k(?=[ei]))|(ku(?=[aeio]))|k", re.IGNORECASE)


def with_italian_c(question: str, syllables: frozenset[str]) -> str:
    """`question` with the Italian words chat spells with "k" in their own spelling ("kuante
    aziende" → "quante", "ki a parlato" → "chi", "anke" → "anche"): a word that is neither an English
    word in everyday use nor an Italian word nor one pinyin syllable ("ke", "kan"), whose spelling
    with c, ch or qu is a common Italian word. Names ("Kaiwu": "caiwu" is no word) stay."""
    italian = _checkers()[LANGUAGES.index("it")].word_frequency

    def spelt(found: re.Match[str]) -> str:
        word = found.group().lower()
        if word in syllables or is_word(word, EVERYDAY) or italian[word]:
            return found.group()
        form = _HARD_C.sub(lambda hard: "ch" if hard[1] else "qu" if hard[2] else "c", word)
        return form if italian[form] >= COMMON else found.group()

    return _K_WORD.sub(spelt, question)
