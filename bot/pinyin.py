"""Chinese typed as pinyin ("lishui you duoshao waiqi"): telling it apart from English and Italian,
and reading it back into the Chinese words the knowledge uses, so it can be matched like Chinese."""

import re
from collections import Counter
from collections.abc import Collection, Container, Iterable
from functools import cache

import jieba

from bot.normalise import fold, strip_accents

_WORD = re.compile(r"[a-z]+")
_VOWEL = re.compile(r"[aeiouv]")
_HAN_WORD = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff]+$")
MAX_SYLLABLES = 6  # the longest word looked up
MIN_WORDS = 2  # pinyin words (besides names) needed to call a message Chinese
MIN_SHARE = 0.6  # and their share of the message's other words
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
_PIECE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z]+(?:[^a-z\u3400-\u4dbf\u4e00-\u9fff]+[a-z]+)*")
PARTICLES = frozenset({"ma", "ne", "ba"})  # that end a Chinese question or suggestion
# Syllables of interjections alone (咯 lo, 哟 yo, 哦 o, 欸 ei, 嗯 ng): no word of a question is spelt
# with them
RARE_SYLLABLES = frozenset({"lo", "yo", "o", "ei", "ng", "hm", "m", "n"})
RARE = 9  # jieba's count of a "word" that is no word to speak of (欧州: 4; 车展: 10; 公式: 1158)


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


SHORT_SYLLABLE = 2


def is_pinyin(
    text: str,
    names: Collection[str],
    other_words: Container[str],
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
    # "liu jia che fa de lavoro": a function word that is a syllable too ("che") beside a word of
    # the same sentence that no syllables spell ("lavoro"), or only with a rare one ("ruolo": ruo
    # lo), is English or Italian
    common = known - RARE_SYLLABLES
    worded = (len(word) >= 4 and word in other_words and not syllabify(word, common) for word in telling)
    if len(telling) > len(pinyin) and any(word in function_words for word in own) and any(worded):
        return False
    # "liu jia ke ruolo a": beside an English or Italian word, syllables as short as "ke" and "a" are
    # chat shorthand ("ke": che) and vowels, not Chinese
    if len(telling) > len(pinyin) and all(len(word) <= SHORT_SYLLABLE for word in pinyin):
        return False
    spelt_names = [word for word in words if word in names and syllabify(word, known)]
    # one pinyin word is enough beside pinyin names, not also beside function words ("chi è Miao
    # Xiumei quzhang?" is Italian); or in a question that ends in a Chinese particle and is all
    # syllables ("you zhibo ma": 有直播吗)
    particle = own[-1] in PARTICLES and all(syllabify(word, known) for word in own)
    beside_names = len(spelt_names) >= MIN_WORDS and len(telling) == len(own)
    alone = len(pinyin) == 1 and (beside_names or particle)
    enough = len(pinyin) >= MIN_WORDS or alone
    return enough and len(pinyin) / len(telling) >= MIN_SHARE


def _readings() -> dict[str, str]:
    """Every common Chinese character's usual reading, toneless (行: xing), from pypinyin."""
    from pypinyin import pinyin_dict

    return {
        chr(code): strip_accents(value.split(",")[0]).replace("ü", "v")
        for code, value in pinyin_dict.pinyin_dict.items()
        if 0x4E00 <= code <= 0x9FFF
    }


def _is_word(text: str) -> bool:
    """A word of Chinese as jieba's dictionary counts them ("外资"; not "外姿", hardly "欧州")."""
    jieba.dt.check_initialized()
    return jieba.dt.FREQ.get(text, 0) > RARE


def _by_reading(words: Counter[str]) -> dict[tuple[str, ...], str]:
    """Each reading's word: the most frequent of those read alike (溧水, not 丽水)."""
    from pypinyin import Style, lazy_pinyin

    found: dict[tuple[str, ...], str] = {}
    for word, _ in words.most_common():
        found.setdefault(tuple(lazy_pinyin(word, style=Style.NORMAL, v_to_u=False)), word)
    return found


# The words that ask in Chinese, as typed in pinyin: read even where no text of the knowledge uses
# them ("huichang zai ji lou": which floor), "shei" as spoken for 谁.
_ASKING = {
    "几楼": ("ji", "lou"), "几层": ("ji", "ceng"), "几点": ("ji", "dian"), "几号": ("ji", "hao"),
    "哪里": ("na", "li"), "哪儿": ("na", "er"), "多远": ("duo", "yuan"),
    "多久": ("duo", "jiu"), "多少": ("duo", "shao"), "什么": ("shen", "me"), "怎么": ("zen", "me"),
    "谁": ("shei",), "是谁": ("shi", "shei"),
}


class Reader:
    """Reads pinyin back into Chinese words of the knowledge ("duijiehui" → 对接会), and mends
    the homophone slips a pinyin keyboard makes in Chinese ("外姿企业" → 外资企业)."""

    def __init__(self, chinese_words: Iterable[str], text_words: Iterable[str]) -> None:
        """`chinese_words`: the knowledge's Chinese words (texts and sample questions: pinyin is
        read into them); `text_words`: those of its texts (slips are mended to those that are
        words of Chinese: a sample question may hold a slip itself, jieba a stray cut)."""
        self.syllables = syllables()
        counts = Counter(word for word in chinese_words if _HAN_WORD.match(word))
        in_texts = Counter(word for word in text_words if _HAN_WORD.match(word))
        # a cut of a sample question that is no word ("栗水有", a slip and what follows) spells nothing
        self._words = _by_reading(Counter({w: n for w, n in counts.items() if w in in_texts or _is_word(w)}))
        for asking, reading in _ASKING.items():  # "ji lou": 几楼, though the knowledge never asks it
            self._words.setdefault(reading, asking)
        self._known = frozenset(in_texts)  # a slip some sample question holds ("企叶") is still mended
        words = Counter({w: n for w, n in in_texts.items() if len(w) > 1 and _is_word(w)})
        self._mended_to = _by_reading(words)
        self._reading = _readings()

    def mend(self, text: str) -> str:
        """`text` with each slip mended: a piece that is no word of Chinese ("外姿", "欧州", two
        characters jieba leaves apart: "平抬") but reads as a word of the knowledge's texts one
        character away is written as that word (外资, 欧洲, 平台). Words are left alone, and so
        is a piece across two words ("觉得国际" is not 德国)."""
        return _HAN_RUN.sub(lambda run: self._mended(jieba.lcut(run.group())), text)

    def _mended(self, words: list[str]) -> str:
        out, at = [], 0
        while at < len(words):
            word, pair = words[at], "".join(words[at : at + 2])  # two single characters: a pair
            if len(word) > 1:
                out.append(self._mended_word(word))
            elif mended := self._homophone(pair) if len(pair) == 2 else self._across(pair):
                out.append(mended)  # two single characters, or one and a cut of no word ("队|接会")
                at += 1
            else:
                out.append(word)
            at += 1
        return "".join(out)

    def _across(self, pair: str) -> str | None:
        """A character and the cut after it that is no word, when a slip made the two: "队|接会" is
        对接会; "会|一共" stays (一共 is a word)."""
        after = pair[1:]
        if after in self._known or _is_word(after):
            return None
        mended = self._homophone(pair[:2])
        return mended + pair[2:] if mended else None

    def _mended_word(self, word: str) -> str:
        """`word` as jieba cut it, mended whole, else in the first two characters that mend: a cut
        of no word may hold the slip beside a character of the next ("家外姿" → 家外资)."""
        whole = self._homophone(word)
        if whole or len(word) < 3 or word in self._known or _is_word(word):
            return whole or word
        for at in range(len(word) - 1):
            if pair := self._homophone(word[at : at + 2]):
                return word[:at] + pair + word[at + 2 :]
        return word

    def _homophone(self, typed: str) -> str | None:
        """The word of the knowledge's texts that `typed` (no word itself) reads as, one character
        apart (each typed character read as it is most often read: 不 as bu, not fou)."""
        if typed in self._known or _is_word(typed):
            return None
        word = self._mended_to.get(tuple(self._reading.get(character, "") for character in typed))
        if word and sum(a != b for a, b in zip(word, typed, strict=True)) == 1:
            return word
        return None

    def chinese(self, text: str, whole: bool = False) -> str:
        """The Chinese words the pinyin in `text` spells, longest first; the rest left out (with
        `whole`, nothing unless every syllable is read: "mona lisa" is not 哪里)."""
        found = []
        for piece in _PIECE.findall(fold(text)):  # Chinese typed among the pinyin is kept as it is
            read = piece if _HAN_WORD.match(piece) else self._read(piece, whole)
            if read is None:
                return ""
            found.append(read)
        return "".join(found)

    def _read(self, pinyin: str, whole: bool) -> str | None:
        """The Chinese words a run of pinyin words spells, longest first (None, with `whole`, if a
        syllable is not read)."""
        spelt = [s for word in _WORD.findall(pinyin) for s in syllabify(word, self.syllables) or []]
        found, start = [], 0
        while start < len(spelt):
            for size in range(min(MAX_SYLLABLES, len(spelt) - start), 0, -1):
                word = self._words.get(tuple(spelt[start : start + size]))
                if word:
                    found.append(word)
                    start += size
                    break
            else:
                if whole:
                    return None
                start += 1
        return "".join(found)
