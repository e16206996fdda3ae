"""Chinese typed as pinyin ("lishui you duoshao waiqi"): telling it apart from English and Italian,
and reading it back into the Chinese words the knowledge uses, so it can be matched like Chinese."""

import re
from collections import Counter
from collections.abc import Collection, Iterable
from functools import cache

from bot.normalise import fold, strip_accents

_WORD = re.compile(r"[a-z]+")
_VOWEL = re.compile(r"[aeiouv]")
_HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
MAX_SYLLABLES = 6  # the longest word looked up
MIN_WORDS = 2  # pinyin words (besides names) needed to call a message Chinese
MIN_SHARE = 0.6  # and their share of the message's other words


@cache
def syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (about 420), from pypinyin's dictionary. pypinyin is imported
    only here and in `Reader()`, when a lexicon is derived: it holds 50 MB of phrase readings, and a
    running bot reads pinyin with the syllables and words its cached lexicon keeps."""
    from pypinyin import pinyin_dict

    readings = (reading for value in pinyin_dict.pinyin_dict.values() for reading in value.split(","))
    toneless = (strip_accents(reading).replace("ü", "v") for reading in readings)
    return frozenset(s for s in toneless if _VOWEL.search(s))  # not the interjections "n", "hm", "ng"


def syllabify(word: str, known: frozenset[str] | None = None) -> list[str] | None:
    """`word` split into pinyin syllables ("duijiehui" → dui jie hui), or None if it cannot be. A
    final "r" is the spoken 儿 ("nar", "zher": 哪儿, 这儿) and is read without it."""
    known, best = known or syllables(), {0: []}  # position → syllables so far (fewest syllables)
    for start in range(len(word)):
        if start not in best:
            continue
        for end in range(start + 1, min(len(word), start + 6) + 1):
            if word[start:end] in known and end not in best:
                best[end] = [*best[start], word[start:end]]
    if len(word) not in best and word.endswith("r") and len(word) > 1:
        return best.get(len(word) - 1)
    return best.get(len(word))


def is_pinyin(
    text: str,
    names: Collection[str],
    other_words: Collection[str],
    function_words: Collection[str],
    known: frozenset[str] | None = None,
) -> bool:
    """Chinese written in pinyin: most words (other than the `names` of people and places) are
    pinyin, and at least `MIN_WORDS` of them, or one beside names that are pinyin too ("liu jia shi
    shui"); words in `other_words` (English and Italian words the bot knows) never count as pinyin.
    An English or Italian function word that is not also a syllable ("quanti", "who") means it is
    not pinyin; one that is a syllable too ("you", "can") tells nothing."""
    known = known or syllables()
    words = _WORD.findall(fold(text))
    own = [word for word in words if word not in names]
    if not own or any(word in function_words and word not in known for word in own):
        return False
    telling = [word for word in own if word not in function_words or word not in known]
    pinyin = [word for word in telling if word not in other_words and syllabify(word, known)]
    spelt_names = [word for word in words if word in names and syllabify(word, known)]
    enough = len(pinyin) >= MIN_WORDS or (len(pinyin) == 1 and len(spelt_names) >= MIN_WORDS)
    return enough and len(pinyin) / len(telling) >= MIN_SHARE


class Reader:
    """Reads pinyin back into Chinese words of the knowledge ("duijiehui" → 对接会)."""

    def __init__(self, chinese_words: Iterable[str]) -> None:
        from pypinyin import Style, lazy_pinyin

        self.syllables = syllables()
        counts = Counter(word for word in chinese_words if _HAN_WORD.match(word))
        self._words: dict[tuple[str, ...], str] = {}
        for word, _ in counts.most_common():  # the most frequent word of a reading wins (溧水, not 丽水)
            self._words.setdefault(tuple(lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)), word)

    def chinese(self, text: str) -> str:
        """The Chinese words the pinyin in `text` spells, longest first; the rest left out."""
        spelt = [s for word in _WORD.findall(fold(text)) for s in syllabify(word, self.syllables) or []]
        found, start = [], 0
        while start < len(spelt):
            for size in range(min(MAX_SYLLABLES, len(spelt) - start), 0, -1):
                word = self._words.get(tuple(spelt[start : start + size]))
                if word:
                    found.append(word)
                    start += size
                    break
            else:
                start += 1
        return "".join(found)
