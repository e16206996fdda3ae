"""Chinese as delegates write it from Hong Kong, Taiwan or abroad: traditional characters and
Cantonese words read as the simplified Mandarin the knowledge is written in, and the answer given
back in the characters its writer used."""

import re
from functools import cache

import opencc

# Characters and words only Cantonese writes: a message with one of them is read as Cantonese.
_CANTONESE = re.compile(
    "[喺嘅咗嚟㗎唔冇佢哋啲咩乜嘢𠮶嗰揾搵睇畀噉啱喎嘎]|边度|边个|边间|边啲|边几|几多|系咪|点样|朝早|上昼|下昼|好食"
)
# Cantonese → Mandarin, in this order (the longer words first).
_CANTONESE_WORDS = tuple(
    (re.compile(pattern), mandarin)
    for pattern, mandarin in (
        ("唔该", "请"),
        ("喺", "在"),
        ("边度|边处", "哪里"),
        ("呢度", "这里"),
        ("呢个", "这个"),
        ("[𠮶嗰]度", "那里"),
        ("边个(?=[?？!！。，,\\s]|$)", "谁"),
        ("边个", "哪个"),
        ("边间|边家", "哪家"),
        ("边啲", "哪些"),
        ("边几", "哪几"),
        ("^个(?=[\u4e00-\u9fff])", "这个"),
        ("乜嘢|乜野|咩嘢|做咩", "什么"),
        ("系咩", "是吗"),
        ("系咪", "是不是"),
        ("(?<![联关体派维])系(?![统列数])", "是"),
        ("咩|乜", "什么"),
        ("有冇", "有没有"),
        ("冇", "没有"),
        ("几多", "多少"),
        ("几时", "什么时候"),
        ("点解", "为什么"),
        ("点样|点(?=[去联搞报揾找])", "怎样"),
        ("今次", "这次"),
        ("好食", "好吃的"),
        ("上昼|朝早", "上午"),
        ("下昼", "下午"),
        ("定(?=[上下])", "还是"),
        # "江宁定溧水？": one place or the other (not 确定, 决定, 一定)
        ("(?<![确决规一肯稳固约指设鉴判认锁预否])定(?=[\u4e00-\u9fff]{2,4}[?？])", "还是"),
        ("(?<=[少哪这那些\\d])间", "家"),
        ("佢哋", "他们"),
        ("佢", "他"),
        ("哋", "们"),
        ("啲", "些"),
        ("[𠮶嗰]", "那"),
        ("[揾搵]", "找"),
        ("睇", "看"),
        ("[俾畀]", "给"),
        ("嘅", "的"),
        ("咗", "了"),
        ("嚟", "来"),
        ("唔", "不"),
        ("[㗎喎啩嘞]|嘎(?=[?？!！。]*$)", ""),
    )
)


@cache
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def as_mainland(text: str) -> str:
    """`text` in simplified characters, its Cantonese words in Mandarin: "個對接會係上晝定下晝㗎"
    → "个对接会是上午还是下午"."""
    text = _converter("t2s").convert(text)
    if not _CANTONESE.search(text):
        return text
    for pattern, mandarin in _CANTONESE_WORDS:
        text = pattern.sub(mandarin, text)
    return text


def writes_traditional(text: str) -> bool:
    """Whether `text` has more characters only traditional script uses than ones only simplified
    script uses ("劉佳說了什麼" yes; "能给我联係方式吗", one slip among simplified ones, no)."""
    simplified = _converter("t2s").convert(text)
    traditional = _converter("s2t").convert(text)
    only_traditional = sum(a != b for a, b in zip(text, simplified, strict=False))
    only_simplified = sum(a != b for a, b in zip(text, traditional, strict=False))
    return only_traditional > only_simplified


def in_traditional(text: str) -> str:
    """`text` in traditional characters, as Taiwan and Hong Kong print them (为, not 爲)."""
    return _converter("s2tw").convert(text)
