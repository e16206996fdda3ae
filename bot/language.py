"""Language detection: which of zh / en / it a delegate wrote in."""

import re
from collections.abc import Collection, Mapping
from functools import lru_cache
from itertools import pairwise

from lingua import ConfidenceValue, Language, LanguageDetector, LanguageDetectorBuilder

from bot import DEFAULT_LANGUAGE, LANGUAGES
from bot.spelling import only_in

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Kana letters (not the marks "ー", "・", "ヽ" that kaomoji borrow)
_KANA = "\u3041-\u3096\u30a1-\u30fa"
# Japanese or Korean: two kana in a row, or hangul; not the lone kana of a kaomoji ("ヽ(；▽；)ノ")
_KANA_HANGUL = re.compile(rf"[{_KANA}]{{2}}|[\uac00-\ud7af]")
# A word; an Italian preposition elided before one is a word of its own, of neither language ("all'hotel":
# no English "all"), also when a phone leaves out the apostrophe ("vicino all hotel")
_WORD = re.compile(
    r"(?:all|dell|nell|sull|dall)['’](?=[^\W\d_])|all (?=[aeiouhAEIOUH])|[^\W\d_]+", re.UNICODE
)

# The words that ask, in English and Italian (a regex alternation, used between \b … \b) and in
# Chinese: shared by what splits a message into questions, what tells a sentence from a term, and
# what tells a question beside a sector from a wish to be matched.
QUESTION_WORDS = (
    r"how|what|what['’]?s|whats|which|when|where|who|whose|why|"
    r"wat|wht|wich|whic|wher|whr|qnd|"  # as phones shorten them
    r"quant[aeio]|qual[ei]?|qual['’]\S*|dove|chi|come|quando|cosa|che cosa|perch[eéè]"
)
CHINESE_QUESTION_WORDS = "什么|哪|几|多少|谁|吗|怎|啥"

# Function words settle short questions, where a proper noun ("Hans Song") can outweigh
# the rest of the sentence for a statistical detector; retrieval also skips them.
FUNCTION_WORDS = {
    "en": frozenset(
        "who what when where which why how is are was were the an of in on at to do "
        "does did can could there this that and or for with about from i you me my please "
        "hello hi thanks thank yes pls plz thx really actually exactly "
        # contractions typed on a phone without the apostrophe
        "whos whats wheres whens hows whys thats theres isnt arent wasnt dont doesnt didnt cant im".split()
    ),
    "it": frozenset(
        "chi che cosa quando dove dov quale quali quanto quanta quanti quante come "
        "perché è sono era il lo la i gli le un una uno di del della dei delle degli da "
        "dal al alla nel nella con per su sul tra fra e o mi ti ci si non anche questo "
        "questa grazie ciao c ce l un' po qual ma sta stanno davvero veramente esattamente x".split()
    ),
}
# English words Italians use as they are: no evidence either way ("wifi password" is not Italian).
LOANWORDS = frozenset(
    "wifi wi fi password login email mail web app hotel taxi bus shuttle parking meeting business "
    "manager partner network startup online smartphone pdf link ok badge check".split()
)
_OTHER_EUROPEAN = (Language.FRENCH, Language.SPANISH, Language.GERMAN, Language.PORTUGUESE)
_OTHER_CONFIDENCE = 0.6
_PAIR_CONFIDENCE = 0.65
NAME_CHARS = 4  # a Chinese personal or company name is rarely longer
_SENTENCES = re.compile(r"[?？!！。]+\s*|\.\s+")


@lru_cache(maxsize=1)
def _detector() -> LanguageDetector:
    """English, Italian and the European languages a delegate might write instead. One detector,
    computed once per question, answers both questions (another language? English or Italian?):
    English's and Italian's shares of its confidences decide as a detector of the pair alone did."""
    languages = (Language.ENGLISH, Language.ITALIAN, *_OTHER_EUROPEAN)
    return LanguageDetectorBuilder.from_languages(*languages).build()


def _confidences(words: str) -> list[ConfidenceValue]:
    return _detector().compute_language_confidence_values(words)


def normalise(code: str | None) -> str | None:
    """Map a language code such as Telegram's `it-IT` or `zh-hans` to zh/en/it, else None."""
    if not code:
        return None
    short = code.strip().lower().replace("_", "-").split("-")[0]
    return short if short in LANGUAGES else None


def _mostly_chinese(text: str, neutral: frozenset[str]) -> bool:
    """Chinese, even with a few Latin names such as "Colleferro" in it; but "Who is 缪秀梅?" is an
    English sentence around a Chinese name, "Lishui (丽水) mayor … right?" one that glosses a name."""
    han = len(_HAN.findall(_HAN_GLOSS.sub(" ", text)))
    if not han or _KANA_HANGUL.search(text):
        return False
    latin_words = [w for w in _WORD.findall(_HAN.sub(" ", text)) if w.lower() not in neutral]
    counts = _function_word_counts([w.lower() for w in latin_words if w.lower() not in _COURTESY])
    voted = _vote(counts)
    if han <= NAME_CHARS and voted and not _HAN_GRAMMAR.search(text):
        return False
    # "what are the 四大主导产业 of Lishui": an English sentence that quotes a Chinese term; not
    # "European companies 里有做battery的吗", English words in a Chinese sentence
    grammar = bool(voted) and any(w.lower() in FUNCTION_WORDS[voted] for w in latin_words)
    if grammar and _HAN.match(text.strip()) is None and counts[voted] >= 2:
        return False
    # "这是哪个congress的special event": Chinese sentence, English words, no English grammar;
    # "Hans Song啥title": a Chinese question word is the only grammar
    return (
        han * 3 >= sum(len(word) for word in latin_words)
        or (han > 1 and not grammar)
        or (not voted and _HAN_QUESTION.search(text) is not None)
    )


_HAN_GLOSS = re.compile(r"[(（]\s*[\u3400-\u9fff]{1,8}\s*[)）]")  # "Lishui (丽水)"

# Chinese grammar, not a name: "Who is 缪秀梅?" quotes a name, "Brembo 是 which country 的公司？" is
# Chinese around English words.
_HAN_GRAMMAR = re.compile("[是的吗呢吧谁哪几么啥怎]|多少")
# asking in Chinese: "Hans Song啥title", "slogan是?"
_HAN_QUESTION = re.compile("[吗呢谁哪几啥]|什么|怎么|多少|是[?？]")

# Written the same in both ("aziende Lishui leader in?", "riassunto veloce pls"): a function word,
# but no vote.
_BOTH = frozenset({"in", "pls", "plz", "thx"})


# Words spelt only in one of the two, as telling as function words in a terse question ("italian firm
# in lishui?"), though retrieval searches them.
_SPELLING = {
    "en": frozenset(
        "italian german french chinese european firm firms company companies europe italy germany "
        "france china has have had all any".split()
    ),
    "it": frozenset(
        "italiano italiana italiani italiane tedesco tedesca tedeschi tedesche francese francesi cinese "
        "cinesi europeo europea europei europee azienda aziende impresa imprese europa italia germania "
        "francia cina ha hanno ho hai abbiamo tutto tutti tutte già gia più piu vende vendono esporta "
        "esportano".split()
    ),
}


def words_of(text: str) -> set[str]:
    """The words of `text` as the detector reads them, in lower case."""
    return {word.lower() for word in _WORD.findall(text)}


def _function_word_counts(words: list[str]) -> dict[str, int]:
    """How many of `words` are English and how many Italian function words (or words spelt only
    in that language)."""
    voting = [w for w in words if w not in _BOTH]
    counts = {
        lang: sum(w in vocab or w in _SPELLING[lang] for w in voting)
        for lang, vocab in FUNCTION_WORDS.items()
    }
    # "i am vegetarian": the English "I", not the Italian article of "i relatori"
    counts["it"] -= sum(w == "i" and after in _AFTER_I for w, after in pairwise(words))
    # "price per kWh": the English "per" of a rate, not the Italian preposition of "per il capo"
    counts["it"] -= sum(w == "per" and after in _RATE_UNITS for w, after in pairwise(words))
    return counts


_AFTER_I = frozenset(
    "am was have had want need would will can could should might think know saw heard missed forgot "
    "work just only also dont don't got read".split()
)


_RATE_UNITS = frozenset(
    "kwh mwh gwh kw mw kg ton tonne unit units person head capita year annum month week day hour "
    "piece employee worker share vehicle car cell mu sqm m2 acre hectare".split()
)


CLEAR_VOTE = 3  # more function words of one language than of the other: no French or Spanish guess
# Italian function words that Spanish or French use too ("¿Dónde es la reunión con la empresa?")
_ROMANCE = frozenset("la le con un una si no mi ti se lo e o su".split())


def _clear_vote(words: list[str]) -> str | None:
    """English or Italian, when its function words (not those Spanish or French share) outnumber the
    other's by `CLEAR_VOTE` ("c'è il wanyan dopo il duijiehui?": pinyin words make it look French to
    the statistical detector)."""
    counts = _function_word_counts([word.lower() for word in words if word.lower() not in _ROMANCE])
    return _vote(counts) if abs(counts["en"] - counts["it"]) >= CLEAR_VOTE else None


def _vote(counts: dict[str, int]) -> str | None:
    en, it = counts["en"], counts["it"]
    if en > it:
        return "en"
    if it > en:
        return "it"
    return None


def _latin_words(text: str, neutral: frozenset[str]) -> list[str]:
    return [
        w for w in _WORD.findall(text) if w.lower() not in neutral | LOANWORDS and not _HAN.search(w)
    ]


def _other_european(confidences: list[ConfidenceValue]) -> bool:
    return confidences[0].language in _OTHER_EUROPEAN and confidences[0].value >= _OTHER_CONFIDENCE


def _english_or_italian(confidences: list[ConfidenceValue]) -> str | None:
    """English or Italian, when one is clearly likelier than the other (the other languages aside)."""
    value = {confidence.language: confidence.value for confidence in confidences}
    en, it = value.get(Language.ENGLISH, 0.0), value.get(Language.ITALIAN, 0.0)
    if en + it == 0 or max(en, it) / (en + it) < _PAIR_CONFIDENCE:
        return None
    return "en" if en >= it else "it"


# Scripts of languages the bot does not speak: Cyrillic, Greek, Arabic, Hebrew, Devanagari, Thai,
# Japanese kana, Korean hangul; two letters in a row, not the lone ω or ノ of a kaomoji ("(´・ω・`)")
_OTHER_SCRIPT = re.compile(
    rf"[\u0370-\u03ff\u0400-\u04ff\u0590-\u06ff\u0900-\u097f\u0e00-\u0e7f{_KANA}\uac00-\ud7af]{{2}}"
)


def is_foreign(text: str) -> bool:
    """Clearly written in a language the bot does not speak: another script (Russian, Japanese,
    Arabic…) or a European language (French, Spanish, …)."""
    if _OTHER_SCRIPT.search(text):
        return True
    words = _latin_words(text, frozenset())
    if not words or _mostly_chinese(text, frozenset()) or _clear_vote(words):
        return False
    return _other_european(_confidences(" ".join(words)))


# "… in English pls", "rispondi in italiano", "请用中文回答": the language asked for wins.
_ASKED_FOR = re.compile(
    r"\b(?:answer|reply|respond|rispond\w*|risposta|write|scrivi\w*)(?: me| mi)? in (?:lingua )?"
    r"(english|inglese|italian|italiano|chinese|cinese)\b|"
    r"\bin (english|inglese|italian|italiano|chinese|cinese),? (?:pls|plz|please|per favore|grazie)\b|"
    r"用(英文|英语|中文|意大利语|意大利文)(?:回答|回复|说|解释)",
    re.IGNORECASE,
)
_NAMED = {
    **dict.fromkeys(("english", "inglese", "英文", "英语"), "en"),
    **dict.fromkeys(("italian", "italiano", "意大利语", "意大利文"), "it"),
    **dict.fromkeys(("chinese", "cinese", "中文"), "zh"),
}


def asked_for(text: str) -> str | None:
    """The language the delegate asks the answer to be in, if they say so."""
    found = _ASKED_FOR.search(text)
    return _NAMED[next(group for group in found.groups() if group).lower()] if found else None


def without_request(text: str) -> str:
    """`text` without its request for a language ("… in English pls")."""
    return _ASKED_FOR.sub(" ", text).strip(" :：,，")


def detect(
    text: str,
    preferred: str | None = None,
    neutral: frozenset[str] = frozenset(),
    requests: bool = True,
    spelt: Mapping[str, Collection[str]] | None = None,
) -> str:
    """The language to answer `text` in: zh, en or it.

    The language the delegate asks for ("in English pls") wins. Han characters mean Chinese.
    Otherwise function words, then lingua, decide between
    English and Italian. A text with too little language in it (emoji, a number, a name)
    falls back to the delegate's `preferred` language, then English; so does a question
    clearly written in a language the bot does not speak. Words in `neutral` (names that
    read the same in every language, such as "Brembo") are not evidence either way. Without
    `requests` (an answer's text: "this bot answers in Chinese, …"), no language is asked for.
    `spelt` holds the words only the English or only the Italian knowledge uses ("principali"),
    which settle a terse question the function words and the statistical detector leave open.
    """
    fallback = normalise(preferred) or DEFAULT_LANGUAGE
    if requests and (asked := asked_for(text)):
        return asked
    parts = _SENTENCES.split(text.strip(" ?？!！。."))
    if len(parts) > 1:
        # "quante aziende europee? how many came": the part written last says how to answer,
        # unless it only checks the part before ("Valeo è francese, giusto? is it in Lishui?")
        deciding = parts[-2] if _FOLLOW_UP.match(parts[-1]) else parts[-1]
        says = _is_sentence(deciding, neutral) and not _is_gloss(deciding, text, neutral)
        found = _detect_one(deciding, None, neutral, spelt or {}) if says else None
        if found is not None:
            return found
    return _detect_one(text, fallback, neutral, spelt or {}) or fallback


# A last part that only checks the one before ("… just checking", "… are they on the market there?").
_FOLLOW_UP = re.compile(
    r"\s*(?:just checking|yes or no|or not|right|correct|true|really|am i right"
    r"|is that (?:right|correct|true|so)|giusto|vero|davvero|s[iì] o no"
    r"|(?:is|are|was|were|does|do|did|has|have|can) (?:it|they|he|she|there|that|this)\b)",
    re.IGNORECASE,
)
_COURTESY = frozenset(
    "thanks thank you very much please pls grazie mille tante per favore prego ciao hi hello".split()
)


GLOSS_SIZE = 4  # Han characters, or twice as many Latin words; a gloss ("how many", "几个方面") …
GLOSS_SHARE = 0.34  # … is at most a third of the message


def _size(text: str, neutral: frozenset[str]) -> float:
    """How much language `text` holds: its Han characters and twice its Latin words."""
    return len(_HAN.findall(text)) + 2 * len(_latin_words(text, neutral))


def _is_gloss(part: str, text: str, neutral: frozenset[str]) -> bool:
    """A last part that only repeats the question in another language ("… da quanti aspetti? how
    many", "… from how many aspects? 几个方面"): the message, not the gloss, says how to answer."""
    size = _size(part, neutral)
    return size <= GLOSS_SIZE and size <= GLOSS_SHARE * _size(text, neutral)


def _says_enough(part: str, neutral: frozenset[str]) -> bool:
    """Enough of a sentence to tell its language: not a name or a "grazie mille" sign-off."""
    words = [w for w in _latin_words(part, neutral) if w.lower() not in _COURTESY]
    return len(_HAN.findall(_COURTESY_HAN.sub("", part))) >= 3 or len(words) >= 2


_COURTESY_HAN = re.compile("谢谢|多谢|请问|你好|您好")
SENTENCE_FUNCTION_WORDS = 2  # a last part with fewer is a term glossed ("vice mayor", "the motto")
_INTERROGATIVE = re.compile(rf"\b(?:{QUESTION_WORDS})\b", re.IGNORECASE)


def _is_sentence(part: str, neutral: frozenset[str]) -> bool:
    """A part that says how to answer: Chinese, or a question or sentence of its own ("how many
    came", "near which big city"), not a term added in another language ("… ？vice mayor？",
    "… ? the motto"), which leaves the whole message to decide."""
    if not _says_enough(part, neutral):
        return False
    if _mostly_chinese(part, neutral) or _INTERROGATIVE.search(part):
        return True
    words = [word.lower() for word in _latin_words(part, neutral)]
    return sum(_function_word_counts(words).values()) >= SENTENCE_FUNCTION_WORDS


# "Brembo a Lishui?": "a" before a name that ends the question is the Italian preposition
_TO_A_NAME = re.compile(r"\ba\s+([A-Z]\w+)\W*$")
# "password wifi?": the head noun before its modifier is Italian word order ("wifi password" in English)
_ITALIAN_ORDER = re.compile(r"\b(?:password|pwd?|codice|rete)\s+(?:de[lr](?:la)?\s+)?wi-?fi\b", re.IGNORECASE)


def _detect_one(
    text: str, fallback: str | None, neutral: frozenset[str], spelt: Mapping[str, Collection[str]]
) -> str | None:
    if _mostly_chinese(text, neutral):
        return "zh"
    words = _latin_words(text, neutral)
    if _ITALIAN_ORDER.search(text) and not _function_word_counts([w.lower() for w in words])["en"]:
        return "it"
    if not words or _KANA_HANGUL.search(text):
        return fallback
    if clear := _clear_vote(words):
        return clear
    confidences = _confidences(" ".join(words))
    if _other_european(confidences):
        return fallback
    lowered = [w.lower() for w in words]
    voted = _vote(_function_word_counts(lowered))
    if voted is None and (name := _TO_A_NAME.search(text)) and name.group(1).lower() in neutral:
        voted = "it"
    if voted or (voted := _english_or_italian(confidences)):
        return voted
    spelt_only = _vote({lang: sum(w in spelt.get(lang, ()) for w in lowered) for lang in ("en", "it")})
    return spelt_only or _vote(only_in(lowered)) or fallback  # "zhai xiaoli laurea": an everyday Italian word


# Words that point back to the previous question: "and what did he say?", "e lei?", "他说了什么？".
_REFERS_BACK_LATIN = re.compile(
    r"^\s*(and|what about|how about|e|e invece|anche)\b"
    r"|\b(he|she|him|his|her|they|them|their|lui|lei|loro|suo|sua|suoi|sue)\b",
    re.IGNORECASE,
)
_REFERS_BACK_HAN = re.compile(r"^\s*(还有|那么?|另外)|[他她]")


def refers_back(question: str) -> bool:
    """True when the question leans on an earlier one (a pronoun, a leading "and")."""
    return bool(_REFERS_BACK_LATIN.search(question) or _REFERS_BACK_HAN.search(question))
