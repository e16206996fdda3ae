"""Input checks before retrieval: empty, symbol-only, oversized, prompt-injection and small-talk
messages."""

import re

_LETTER_OR_DIGIT = re.compile(r"[^\W_]", re.UNICODE)

# Attempts to steer the bot rather than ask it something, in the three languages.
_INJECTION = re.compile(
    "|".join(
        [
            r"\b(ignore|disregard|forget|override)\b.{0,30}\b(previous|prior|above|earlier|all|your|the)\b"
            r".{0,20}\b(instructions?|rules|prompts?|guidelines)\b",
            r"\b(system|developer|hidden|initial)\s+(prompt|instructions?)",
            r"\byou are now\b|\bfrom now on,? you\b|\bpretend (to be|you are)\b|\bjailbreak\b|\bDAN mode\b"
            r"|\bact as (an? )?(ai|assistant|chatbot|bot|language model|unrestricted|different)\b",
            r"\b(ignora|ignorate|ignori|dimentica|dimenticate|dimentichi)\b.{0,30}\b(istruzion\w*|regol\w*|prompt)",
            r"\bprompt (di|del) sistema\b|\bistruzioni (di sistema|nascoste|iniziali)\b",
            r"忽略.{0,12}(指令|指示|规则|提示|设定)|忘记(你的|之前的|以上的?|所有的?)(指令|指示|规则|设定)",
            r"系统提示|提示词|系统指令|你现在是(一个|一名|个)|从现在(开始|起)你|(你|请)来?扮演|假装你是",
        ]
    ),
    re.IGNORECASE | re.DOTALL,
)


# Whole messages that only greet or thank, in the three languages (after `_plain`).
_GREETING = re.compile(
    r"(hi|hello|hey|hallo|good (morning|afternoon|evening)|ciao|salve|buongiorno|buonasera|"
    r"buon pomeriggio|你好|您好|嗨|哈喽|早上好|上午好|下午好|晚上好|大家好)"
    r"( (there|everyone|all|bot|a tutti|tutti))?"
)
_THANKS = re.compile(
    r"((ok|okay|great|perfect|perfetto|ottimo|好的) )?"
    r"(thanks|thank you|thx|many thanks|cheers|grazie|grazie mille|molte grazie|tante grazie|"
    r"谢谢|多谢|感谢|谢谢你|谢谢您|非常感谢)( (so much|a lot|very much|tante))?"
)
# Whole messages that only acknowledge ("ok", "好的", "va bene"): no question, nothing to look up.
_ACK = re.compile(
    r"(ok|okay|k|kk|ok ok|okk|got it|i see|understood|fine|cool|great|perfect|nice|alright|all right|sure|"
    r"noted|good|very good|va bene|capito|ho capito|d accordo|perfetto|ottimo|bene|benissimo|certo|"
    r"chiaro|好的|好|好吧|嗯|嗯嗯|哦|噢|收到|明白|明白了|知道了|了解|行|可以|没问题|ok好的)"
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _plain(question: str) -> str:
    return _NOT_WORD.sub(" ", question.lower()).strip()


def small_talk(question: str) -> str | None:
    """The kind of small talk the whole message is (`greeting`, `thanks` or `ack`), else None."""
    plain = _plain(question)
    if _THANKS.fullmatch(plain):
        return "thanks"
    if _ACK.fullmatch(plain):
        return "ack"
    if _GREETING.fullmatch(plain):
        return "greeting"
    return None


def has_text(question: str) -> bool:
    """False for a message of only emoji, punctuation or spaces."""
    return bool(_LETTER_OR_DIGIT.search(question))


def is_injection(question: str) -> bool:
    return bool(_INJECTION.search(question))
