"""A message's separate questions: "which sectors are the European firms from, and how many are
there?", "是什么大会的专项活动？另外一共有多少家欧洲企业参加？" ask two things, each answered on its own."""

import re
from collections.abc import Callable, Sequence
from itertools import islice

from bot.language import CHINESE_QUESTION_WORDS, FUNCTION_WORDS, QUESTION_WORDS
from bot.normalise import EMOJI

MAX_QUESTIONS = 3  # more parts than this stay in the last one
MAX_JOINS = 4  # the joins ("and", "e", "和") of a question tried as the place it joins two halves

# The verbs that open an English yes/no question ("is there …", "did Avio …").
_AUXILIARY = "is|are|was|were|do|does|did|can|could|will|would|has|have"
# A title or a company's form cut short is no sentence's end ("… del dott. Guadagno?", "fatturato gr. kaiwu?")
_NOT_AN_ABBREVIATION = "".join(
    rf"(?<!\b{short}\.)" for short in "dott dr mr mrs ms prof sig sgr ing avv st co gr vs".split()
)
# Where a sentence ends ("… activity? Also …", "…活动？另外…").
_SENTENCE_END = re.compile(
    rf"(?<=[?？!！。])(?![?？!！。])\s*|(?<=[a-zà-ù0-9)]\.){_NOT_AN_ABBREVIATION}\s+(?=\S)|(?<=[{EMOJI}])\s+(?=\S)|"
    # dictated Chinese, a space where the full stop was, after a clause ("我们拍了合影想发公众号 她全名
    # 叫什么"), not between the words a learner spaces ("会议上 溧水的副市长 介绍了 什么东西？")
    r"(?<=[\u4e00-\u9fff]{7})\s+(?=[\u4e00-\u9fff]|[A-Za-z]+[\u4e00-\u9fff])",
    re.IGNORECASE,
)
# What a further question may open with before its question word (", and in what park?").
_PREPOSITION = "in|at|on|from|for|with|by|di|da|a|con|per|su"
# Where a sentence goes on to ask something else: ", and how many …", " e quante …", "，还有外资企业…",
# "另外", "also, …", "… and (2) which …" (not "除了 A 还有哪些", one question, nor "A and B", two names).
_ASKS_MORE = re.compile(
    rf"(?:[,;]\s*|\s+)(?:and|plus|e|ed|inoltre)\s+(?:also\s+|anche\s+|poi\s+)?"
    rf"(?=(?:(?:{_PREPOSITION})\s+)?(?:{QUESTION_WORDS})\b)|"
    rf"(?:[,;]|\s[-–])\s*and\s+(?=(?:{_AUXILIARY})\s+(?:\w+\s+\w+|\w+\W*$)|whether\b)|"
    r"(?:[,;]\s*|\s+)(?:e\s+(?=se\s+\w+\s+\w+)|and\s+(?=if\s+\w+\s+\w+))|"
    r"[,;]\s*(?:and )?also\b[,\s]*|[,;]\s*inoltre\b[,\s]*|"
    r"[,;，；]?\s*(?:and\s+|e\s+|以及|和)?(?:\([2-9]\)|(?<![\w(])[2-9]\))\s*|"  # "(1) … and (2) …"
    r"(?:[，,；;]|(?<=[\u4e00-\u9fff])\s)\s*(?:另外|还有(?![哪什没谁别其])|顺便问一?下|再问一?下|以及)[，,\s]*|"
    r"(?<=[？?])\s*另外[，,\s]*|"
    r"[，,；;]\s*(?:[二三]是|其[二三]|第[二三](?:个问题|件事|点)?[，,：:是])\s*|"  # "一是…，二是…"
    r"(?<=吗)[，,]\s*|"  # "… 是南京那个溧水吗，具体哪个园区"
    # a space after a Chinese question, before another ("区长是谁 副区长来了几个")
    r"(?:(?<=[谁吗呢啥么没了])|(?<=几[个家位天号])|(?<=多少)|(?<=哪[里儿]))\s+"
    rf"(?=[\u4e00-\u9fff][^\s?？]*?(?:{CHINESE_QUESTION_WORDS}))",
    re.IGNORECASE,
)
_WH_WORD = re.compile(rf"\b(?:{QUESTION_WORDS})\b", re.IGNORECASE)
_WH_START = re.compile(rf"(?:{QUESTION_WORDS}|whether)\b", re.IGNORECASE)
# What opens a further sentence without asking anything itself ("Also what's …", "E dove …").
_LEAD = re.compile(
    r"^(?:(?:and|also|plus|e|ed|inoltre|anche)\b|另外|还有|顺便问一?下|再问一?下)[,，\s]*", re.IGNORECASE
)
_ASKING = re.compile(
    rf"\b(?:{QUESTION_WORDS})\b|(?:^|\s[-–:]\s*)(?:{_AUXILIARY}|any|whether|if)\b|"
    rf"\bc['’]?[eè]\b|{CHINESE_QUESTION_WORDS}|么|如何|是否|有没有|是不是|呢|了没(?:有)?(?=\W|$)|(?<![很许好])多(?:大|久|远)",
    re.IGNORECASE,
)
# A yes/no question without a question word ("Brembo sta davvero a Lishui?"); fewer words than this
# guess at the answer of the question before ("… quali settori? auto?", "… ? space stuff?").
_YES_NO = re.compile(r"[?？]\W*$")
YES_NO_WORDS = 4
OPENING_YES_NO_WORDS = 3
_STATEMENT = re.compile(r"[.。!！]\W*$")  # "Salve!", "Sono di un'azienda di batterie."
_SAYS_WHAT = re.compile(  # "… ? thats what i wrote in my notes"
    r"^\W*(?:that['’]?s|thats|this is|it['’]?s) what\b|^\W*(?:è|e) (?:quello|ciò) che\b", re.IGNORECASE
)
# A request that asks though it ends with a full stop ("另请告知出席的区领导还有哪几位。", "I want to
# know which …")
_REQUEST = re.compile(
    r"告知|告诉我|说明一下|想知道|想了解|"
    r"\b(tell me|let me know|(?:want|like) to know|wonder(?:ing)?|indicarmi|dirmi|comunicarmi|"
    r"vorrei sapere)\b",
    re.IGNORECASE,
)
# A part that only checks the one before ("… near 罗马 right?", "giusto?", "对吧？") or guesses at its
# answer ("… like a car maker?", "tipo idrogeno?", "比如电池？").
_CHECK = re.compile(
    r"(?:\b(?:right|correct|true|really|giusto|vero|davvero|no|sure|sicuro)|对吧|对吗|是吧|没错吧|确定吗)\W*$|"
    r"^(?:like|such as|e\.?g\.?|maybe|perhaps|tipo|(?:come )?ad esempio|magari|forse|比如|例如|像是?)\b",
    re.IGNORECASE,
)
_CHINESE = re.compile(r"[\u3400-\u9fff]")
_LATIN_WORD = re.compile(r"[^\W\d_\u3400-\u9fff]+")
_WORDS = re.compile(rf"{_LATIN_WORD.pattern}|[\u3400-\u9fff]{{1,2}}")  # a Chinese word as two characters
# Words that ask without saying about what ("da quando", "which one?", "叫什么").
_FUNCTION = frozenset().union(*FUNCTION_WORDS.values())
_ASKING_ONLY = frozenset("one ones many much long often else exactly precisely quello quella preciso".split())
_HAN_ASKING = re.compile("[是哪几多少谁吗呢么怎什啥个位年时候里儿些的了呀啊吧叫有]")


def questions_in(message: str) -> list[str]:
    """The questions `message` asks, in order (one, the message itself, when it asks one thing).
    A part that asks nothing (an introduction, a greeting, "right?") stays with its question, joined
    as it was written ("I work in batteries, and are there …" keeps its ", and")."""
    questions: list[str] = []
    pending = ""  # what precedes a question: an introduction, a greeting
    for before, part in _parts(message):
        if questions and not _has_subject(part):  # "… tra Colleferro e Lishui? da quando"
            questions[-1] += before + part
            continue
        # "… quali sono le industrie e quante aziende vogliono espandersi." asks, whatever its full stop
        # a short yes/no question that opens the message asks, as after a question it would guess
        # ("Avio ha parlato? e per la parte cinese quale azienda ha presentato")
        yes_no_words = OPENING_YES_NO_WORDS if not (questions or pending) else YES_NO_WORDS
        if not (_asks(part, yes_no_words) or (before.strip() and _WH_START.match(part))):
            if questions and (_CHECK.search(part) or (not _CHINESE.search(part) and len(part) < 4)):
                questions[-1] += before + part
            else:
                pending += before + part
            continue
        questions.append(f"{pending}{before}{part}".lstrip(" ,;") if pending else part)
        pending = ""
    if not questions:
        return [message]
    questions[-1] += pending
    if len(questions) > MAX_QUESTIONS:
        questions[MAX_QUESTIONS - 1 :] = [" ".join(questions[MAX_QUESTIONS - 1 :])]
    return questions


# Where two things asked are joined in one phrase: "la data dell'incontro e il numero di imprese",
# "会议的日期和欧洲企业的数量"
_JOINS = re.compile(r"\s+(?:and|e|ed|as well as|plus)\s+|\s*(?:以及|和|及|与)\s*", re.IGNORECASE)


def joined_parts(question: str, figures: Callable[[str], frozenset[str]]) -> list[str]:
    """The two halves of a question that joins two things asked ("the date of the meeting and the
    number of European firms": a date, then a count), each asking something of its own that the other
    does not (`figures` tells what a text asks); the question alone when it joins none ("Brembo and
    Siemens, which countries?": one thing asked of two names)."""
    for join in islice(_JOINS.finditer(question), MAX_JOINS):  # a flood of "和" is not read 300 times
        left, right = question[: join.start()].strip(), question[join.end() :].strip()
        asked_left, asked_right = figures(left), figures(right)
        if asked_left and asked_right and not asked_left & asked_right:
            return [left, right]
    return [question]


# "属于哪个大会的专场活动，在哪个园区举行？": a clause that asks after one that asked
# (one that only guesses at the answer asks nothing new: "归哪个城市管啊，是南京吗")
_HAN_CLAUSE = re.compile(r"[，,]\s*(?=[\u4e00-\u9fff]{0,3}(?:什么|哪|几|多少|谁|怎|啥))")
_HAN_ASKS = re.compile(CHINESE_QUESTION_WORDS)


def _clauses(before: str, part: str) -> list[tuple[str, str]]:
    """A Chinese part's clauses that each ask something, each with what separated it from the one
    before, or the part."""
    for comma in _HAN_CLAUSE.finditer(part):
        if _HAN_ASKS.search(part[: comma.start()]) and _CHINESE.search(part[: comma.start()]):
            return [(before, part[: comma.start()]), *_clauses(comma.group(), part[comma.end() :])]
    return [(before, part)]


def _parts(message: str) -> list[tuple[str, str]]:
    """The message's parts, each with what separated it from the part before (a space between
    sentences, ", and " within one)."""
    parts: list[tuple[str, str]] = []
    for sentence in _sentences(message):
        before, start = " ", 0
        for split in _ASKS_MORE.finditer(sentence):
            if _WH_WORD.fullmatch(sentence[start : split.start()].strip()):  # "When and where was it?"
                continue
            parts += _clauses(before, sentence[start : split.start()])
            before, start = split.group(), split.end()
        parts += _clauses(before, sentence[start:])
    return [(before if before.strip() else " ", part.strip()) for before, part in parts if part.strip()]


def _split(message: str) -> list[str]:
    """The sentences of `message`, as written."""
    return [sentence for sentence in _SENTENCE_END.split(message.strip()) if sentence.strip()]


def _sentences(message: str) -> list[str]:
    """The sentences of `message` without the words that only lead them ("Also what's …")."""
    return [sentence for sentence in (_LEAD.sub("", part) for part in _split(message)) if sentence.strip()]


# A sentence about the one who writes ("I'm sourcing manager at a brake-pad supplier near Turin",
# "sono di un'azienda di materiali per batterie", "我是帮西班牙企业的留学生"), and a question that
# points back to what was said before it ("… Is it in Lishui?").
_ABOUT_THE_WRITER = re.compile(
    r"\b(i|i['’]?m|i am|we|we['’]re|my|our|sono|siamo|mi chiamo|lavoro|ho|abbiamo)\b|我", re.IGNORECASE
)
# … and in the story after the question: "asking bc I'm presenting", "tocca a me", "il mio responsabile"
_THE_WRITERS = re.compile(
    rf"{_ABOUT_THE_WRITER.pattern}|\b(me|us|io|mi|mio|mia|miei|noi|nostr[oaie])\b", re.IGNORECASE
)
_CLAUSE_END = re.compile(r"(?<=[\u3400-\u9fff][,，])")
# (and "the others" of what the writer said: "四个方面我记得有开放合作，另外三个呢")
_POINTS_BACK = re.compile(
    r"\b(it|its|they|them|their|he|she|his|her|lui|lei|loro|else|others|other (two|three|ones?|\d)|"
    r"altr[ie]|gli altri|le altre)\b|它|他|她|另外|其他|其余|剩下|别的",
    re.IGNORECASE,
)


# The writer's own company, named in their introduction ("I'm on Hengtian's export team. Does the
# article mention us?", "lavoro per Brembo. L'articolo parla di noi?", "我是恒天的员工，…提到我们公司…")
_OURS = re.compile(
    r"\b(?:mention(?:s|ed)?|about|name[sd]?|list(?:s|ed)?|include[sd]?|say about|parla(?:no)? di|dice di|"
    r"cita|scrive di|su di) (?P<us>us|noi)\b|"
    r"\b(?P<our>our (?:company|firm|group|products?|brand)|(?:la )?nostra (?:azienda|società|impresa|ditta)|"
    r"(?:i )?nostri prodotti)\b|(?P<ours>我们(?:公司|企业|集团|厂)|(?<=提到|提及|说到|关于)我们)",
    re.IGNORECASE,
)


def with_the_writers_company(
    message: str, named: Callable[[str], Sequence[str]], label: Callable[[str], str]
) -> str:
    """`message` with "us", "noi", "我们公司" after an introduction that names the writer's company
    ("I'm on Hengtian's export team. Does the article mention us?") read as that company (`named`
    finds names, `label` writes one), so what is asked is asked about it."""
    ours = _OURS.search(message)
    before = message[: ours.start()] if ours else ""
    introduced = named(before) if _ABOUT_THE_WRITER.search(before) else []
    if not ours or not introduced or named(message[ours.end() :]):
        return message
    start, end = next(ours.span(group) for group in ("us", "our", "ours") if ours.group(group))
    return f"{message[:start]}{' '.join(label(name) for name in introduced)}{message[end:]}"


# Sentences before a question, this many or more, that tell the writer's story rather than ask
STORY_SENTENCES = 2
# Words after the last question (two Chinese characters as one) that tell a story rather than add
# a guess ("… ? 36+22? 🤔", "… ？比如电池？"); after a question alone, a story of the writer this long
# ("… ? mio cugino va a incontro con aziende europee" still says which meeting)
TOLD = 4
TOLD_AFTER_ONE = 10
# What the writer meant, after the question: "我是说西门子", "i mean Siemens", "cioè Siemens"
_MEANT = re.compile(
    r"\s*(?:我是说|我说的是|就是|也就是|i mean|i meant|that is|cio[eè]|intendo)", re.IGNORECASE
)


def without_what_follows(message: str) -> str:
    """`message` without what follows its last question when that is long enough to tell of the
    writer's day ("…?? My printout got soaked in the rain lol", "…？我怕跑错日子被老板骂。"): it asks
    nothing. Not a short guess ("… ? FDI?", "names please") nor what the writer meant ("…？我是说西门子")."""
    sentences = _split(message)
    asking_at = [number for number, sentence in enumerate(sentences) if _asks(sentence)]
    if not asking_at and len(sentences) > STORY_SENTENCES:
        # what a long story checks ("欧洲企业来了30家对吧？本地是36家。我在做PPT…")
        asking_at = [number for number, sentence in enumerate(sentences) if _YES_NO.search(sentence)]
    after = sentences[asking_at[-1] + 1 :] if asking_at else []
    told = " ".join(after)
    size = _size(told)
    # after a question alone, only the writer's own story ("… ? il mio responsabile vuole il numero
    # esatto"), not a second question typed without its mark ("… ? in che citta si trova il distretto")
    if len(sentences) <= STORY_SENTENCES and (size < TOLD_AFTER_ONE or not _THE_WRITERS.search(told)):
        return message
    if size < TOLD or _MEANT.match(after[0]):
        return message
    return " ".join(sentences[: asking_at[-1] + 1])


def without_introduction(message: str, named: Callable[[str], Sequence[str]]) -> str:
    """`message` without the sentences before its question that tell who writes ("Hi, I'm sourcing
    manager near Turin, couldn't make the trip. Could you tell me …?"), unless the question points
    back to them ("We supply Brembo. Is it in Lishui?"), or they name what the question does not
    (`named` finds names: "… a summary of Liu Jia's speech … What did he say exactly?"); the one just
    before a question that says nothing of its own stays ("… ha parlato anche un'azienda europea. quale?")."""
    sentences = _split(message) or [message]
    first = next((number for number, sentence in enumerate(sentences) if _asks(sentence)), 0)
    # a Chinese clause before the question tells who writes too ("我买了去丽水的高铁票，对接会…吧？")
    clauses = _CLAUSE_END.split(sentences[first])
    asks_at = next((number for number, clause in enumerate(clauses) if _asks(clause)), 0)
    before = sentences[:first] + clauses[:asks_at]
    asking = "".join(clauses[asks_at:])
    asked = " ".join([asking, *sentences[first + 1 :]])
    if not before or _POINTS_BACK.search(asking):  # "… He wants to meet them." points back to no one
        return message
    unnamed = not named(asked)
    # a story of two sentences or more before the question ("Flew into Shanghai yesterday, took the
    # fast train, hotel is ok-ish. Quick one: what date …?") is kept only for a name it gives
    story = first >= STORY_SENTENCES  # whole sentences, not a Chinese clause or two
    kept = [s for s in before if (unnamed and named(s)) or not (story or _ABOUT_THE_WRITER.search(s))]
    if not _has_subject(asking) and before[-1] not in kept:
        # "… Mi hanno detto che ha parlato anche un'azienda europea. quale?": what the sentence
        # before says is what is asked about
        kept.append(before[-1])
    return " ".join([*kept, asked])


def asking_sentences(message: str) -> list[str]:
    """The sentences of `message` that ask something ("… in Poland. How many …?": the second); the
    whole message when it is one sentence."""
    sentences = _sentences(message)
    return [sentence for sentence in sentences if _asks(sentence)] if len(sentences) > 1 else sentences


# Where a dictated message without full stops pauses ("… are taking part um he needs the numbers …")
_PAUSE = re.compile(r"\s+(?:(?:um+|uh+|erm|uhm|hmm+|ehm+|eh|cio[eè]|insomma|嗯+|呃+)[,\s]+)+", re.IGNORECASE)


def without_the_story(message: str) -> str:
    """`message` without its sentences that tell a story rather than ask ("we did a group photo at
    the end …. who was the district mayor …?"); a few words added to a question stay ("… ? names
    please"), and so does the sentence before a question that says nothing of its own. A dictated
    message without full stops is split where it pauses ("… um …"); when nothing asks, what it checks
    ("… correct?") is what it asks. The message when nothing in it asks or checks."""
    sentences = _sentences(message)
    if len(sentences) == 1:  # dictated: its pauses for full stops
        sentences = [part for part in _PAUSE.split(message.strip()) if part.strip()]
    if len(sentences) < 2:
        return message
    asking = [_asks(sentence) for sentence in sentences]
    if not any(asking):  # what a story checks ("… 22 chinese and 36 european correct? or did i swap …")
        asking = [bool(_YES_NO.search(sentence)) for sentence in sentences]
    # what a question that says nothing of its own asks about is in the sentence before it
    # ("明年还办不办欧洲企业对接会 啥时候")
    bare = [asks and not _has_subject(sentence) for sentence, asks in zip(sentences, asking, strict=True)]
    leaned_on = [*bare[1:], False]
    kept = [
        sentence
        for sentence, asks, lent in zip(sentences, asking, leaned_on, strict=True)
        if asks or lent or _size(sentence) < TOLD
    ]
    return " ".join(kept) if any(asking) else message


def _size(text: str) -> float:
    """How many words `text` holds, two Chinese characters as one."""
    return len(_LATIN_WORD.findall(text)) + len(_CHINESE.findall(text)) / 2


def _has_subject(part: str) -> bool:
    """Says what it asks about ("quante aziende locali…", "有来参会吗"), not only how or when it asks
    ("da quando", "which one?", "叫什么"), which asks about the question before."""
    words = [w for w in _LATIN_WORD.findall(part.lower()) if w not in _FUNCTION and w not in _ASKING_ONLY]
    return bool(words) or len(_HAN_ASKING.sub("", "".join(_CHINESE.findall(part)))) >= 2


def _asks(part: str, yes_no_words: int = YES_NO_WORDS) -> bool:
    """A question of its own: it asks something, and not only whether the one before is right (a
    yes/no question, with `yes_no_words` words or more)."""
    if _SAYS_WHAT.search(part):
        return False
    statement = _STATEMENT.search(part) and not (_REQUEST.search(part) and _ASKING.search(part))
    if statement or (_CHECK.search(part) and not _WH_WORD.search(part)) or len(part) <= 2:
        return False
    if _ASKING.search(part):
        return True
    return bool(_YES_NO.search(part)) and len(_WORDS.findall(part)) >= yes_no_words
