"""Input checks before retrieval: empty, symbol-only, oversized and prompt-injection messages."""

import re

_LETTER_OR_DIGIT = re.compile(r"[^\W_]", re.UNICODE)

# Attempts to steer the bot rather than ask it something, in the three languages.
_INJECTION = re.compile(
    "|".join(
        [
            r"\b(ignore|disregard|forget|override)\b.{0,40}\b(previous|prior|above|earlier|all|your)\b"
            r".{0,30}\b(instructions?|rules|prompts?|messages?)",
            r"\b(system|developer|hidden|initial)\s+(prompt|instructions?|message)",
            r"\byou are now\b|\bact as\b|\bpretend (to be|you are)\b|\bjailbreak\b|\bDAN mode\b",
            r"\b(ignora|dimentica)\w*\b.{0,40}\b(istruzion\w*|regol\w*|prompt)",
            r"\bprompt (di|del) sistema\b|\bistruzioni (di sistema|nascoste|iniziali)\b",
            r"忽略.{0,12}(指令|指示|规则|提示|设定)|忘记.{0,12}(指令|指示|规则|设定)",
            r"系统提示|提示词|系统指令|你现在是|(你|请)来?扮演",
        ]
    ),
    re.IGNORECASE | re.DOTALL,
)


def has_text(question: str) -> bool:
    """False for a message of only emoji, punctuation or spaces."""
    return bool(_LETTER_OR_DIGIT.search(question))


def is_injection(question: str) -> bool:
    return bool(_INJECTION.search(question))
