"""Which Latin words are real English or Italian words (pyspellchecker's word lists, shipped with
the package), so that only slips are mended: "pezzo" is a word, not a slip for "prezzo"."""

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


@lru_cache(maxsize=16384)
def is_word(word: str) -> bool:
    """True when `word` (lower case) is a common English or Italian word."""
    return any(checker.word_frequency[word] >= COMMON for checker in _checkers())
