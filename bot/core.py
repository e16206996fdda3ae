"""The core: (question, delegate context) → `Answer`. Knows nothing about Telegram or consoles."""

import asyncio
import datetime as dt
import logging
import re
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from chromadb.errors import NotFoundError
from langchain_core.runnables import Runnable

from bot import index
from bot.answer import Answer, Reason, Source, abstention, answer_chain, combined, in_traditional_script
from bot.choices import choices_listed, the_one_not_named
from bot.config import Settings
from bot.data_entries import AGENDA_TIMES_ID, SCHEDULE_GAP
from bot.guard import has_text, is_injection, small_talk
from bot.language import asked_for, detect, is_foreign, refers_back, without_request
from bot.matchmaking import Matchmaker
from bot.names import Names
from bot.normalise import (
    clean,
    only_chatter,
    standard_italian,
    with_digits,
    without_chatter,
    without_excluded,
    without_shorthand,
    without_the_asker,
)
from bot.questions import (
    asking_sentences,
    joined_parts,
    questions_in,
    with_the_writers_company,
    without_introduction,
    without_the_story,
    without_what_follows,
)
from bot.ranking import (
    NAMES_FIGURE,
    SPEAKER_FIGURE,
    SPOKE_FIGURE,
    figures_asked,
    figures_given,
    where_it_was_held,
    without_the_writers_own,
)
from bot.retrieval import Retrieval, Retriever
from bot.schedule import Ask, has_times, now_and_next, schedule_question, slots
from bot.scripts import as_mainland, writes_traditional
from bot.spelling import with_accents
from bot.texts import LANGUAGES, text
from bot.venue import VENUE_ENTRY, venue_pin

log = logging.getLogger(__name__)

# The other Lishui: 丽水 (a city in Zhejiang), often typed for 溧水 (the district of Nanjing) too.
# Asked together with a wish to meet a company, and answered before the offer: its contact details
# and who heads it, which the sources lack
_ASKED_BESIDE_A_MEETING = frozenset({"contact", "leader", "count"})
_OTHER_LISHUI = re.compile(r"丽水|浙江|zhejiang|\bzj\b", re.IGNORECASE)
WHICH_LISHUI_ENTRY = "faq-which-lishui"
_ZHEJIANG = re.compile(
    r"\b(in |of |from |nello |nella |dello |della |dal |del |di )?(the )?"
    r"zhejiang( province| provincia)?('s)?\b|"
    r"浙江省?的?(那个)?",
    re.IGNORECASE,
)
# "Is the meeting in Lishui, Zhejiang?", "il parco sta nello Zhejiang, vero?", "是在浙江吗": whether it is
# the other Lishui, which the note answers (not "chi è il sindaco … nello Zhejiang?").
_ASKS_WHICH_LISHUI = re.compile(
    r"(^|[.!?,;:-]\s*)(is|are|was)\b[^?]{0,60}\bin\b[^?]{0,40}\bzhejiang\b|"
    r"\b(?<!c')(?<!chi )(?<!qual )(?<!cosa )(si trova|si tiene|si tratta|si [eè] svolt[oa]|sta|era|[eè]'?)\s"
    r"[^?]{0,60}\b(in|nello|nel|dello|a)\b[^?]{0,40}\bzhejiang\b|"
    r"\bzhejiang\b[^?]{0,30}\b(right|correct|vero|giusto)\b|"
    # one or the other: "della Lishui dello Zhejiang o di quella di Nanchino?", "浙江的还是南京的"
    r"\bzhejiang\b[^?]{0,40}\b(or|o|oppure)\b[^?]{0,40}\b(nanjing|nanchino|jiangsu)\b|"
    r"\b(nanjing|nanchino|jiangsu)\b[^?]{0,40}\b(or|o|oppure)\b[^?]{0,40}\bzhejiang\b|"
    r"浙江[^？?]{0,12}还是[^？?]{0,12}(南京|江苏)|(南京|江苏)[^？?]{0,12}还是[^？?]{0,12}浙江|"
    r"\b(as in|non (era|[eè]))\b[^?]{0,40}\bzhejiang\b|"
    r"\bzhejiang\b[^?]{0,40}\b(is|was) (it|the \w+( \w+)?) (held )?there\b|"
    r"\bzhejiang\b[^?]{0,40}\b[eè] l[iì]\b|"
    r"是不是浙江|(是在|在|属于)浙江[^？?，,]{0,8}(吗|吧|么|对不对)|是浙江[^？?，,]{0,8}(吗|吧|么)|"
    r"浙江[^？?]{0,12}(对吧|对吗|是吧|对不对)|哪个\s*(lishui|溧水|丽水)|"
    r"\b(which|what|quale) lishui\b(?=\W*$|[?,]| (is|was|are|do|does|did|exactly|[eè]|si)\b)|"
    # "Lishui is the one near Wenzhou right?", "Lishui e quella vicino Qingtian si?"
    r"\blishui\b[^?]{0,40}\b(is|was|[eè]|era)\s+(the one|that one|the city|quell[ao]|la citt[aà])\b[^?]{0,30}"
    r"\b(near|close to|next to|by|vicin[oa]|accanto)\b|"
    r"(是在|在)丽水市[^？?，,]{0,8}(吗|吧|么)|"
    rf"(?=.*(?:{_OTHER_LISHUI.pattern}))(?:.*\bwrong (?:place|city|lishui|one|station)\b|"
    r".*\bright (?:place|city|lishui|one|station)\b|.*\b(?:which|what) city\b|.*\b(?:quale|che) citt[aà]\b|"
    r".*(?:哪个城市|哪座城市|哪个市)|"
    r".*\bsbagliat|.*\b(?:booked|got it|gone) wrong|.*(?:走错|搞错|弄错|订错|买错))",
    re.IGNORECASE,
)
# Asked about Lishui city in Zhejiang itself, not this meeting's Lishui read as it: "Lishui city,
# Zhejiang", "丽水市", "la città di Lishui", "我说的是浙江那个", the city's development zone (which
# the sources never mention: "lishui zhejiang's dev zone", "浙江丽水的经济开发区"), the one near
# Wenzhou, "浙江丽水那边".
_MAYOR_OF_A_CITY = r"(?<![副南京溧])市长"  # a city's, not this meeting's district's
_ZHEJIANG_CITY = re.compile(
    r"\blishui[\s,]+(city|prefecture)|\b(city|prefecture\w*) of lishui|"
    r"\bcitt[aà] (di|dello) (lishui|zhejiang)|\blishui,? (la )?citt[aà]|"
    r"\b(dev|development|economic) zone\b|\bzona (industriale|economica)\b|开发区|"
    r"\b(near|close to|vicino a|vicina a|accanto a) (wenzhou|hangzhou|jinhua|quzhou|taizhou)\b|"
    r"(温州|杭州|金华|衢州|台州)(附近|旁边|边上)|(丽水|浙江)那边|"
    rf"丽水市|{_MAYOR_OF_A_CITY}|我说的是|\bintendo\b|\bi mean\b",
    re.IGNORECASE,
)
# The mayor of a city (Lishui city, Zhejiang), not of this meeting's district.
_CITY_MAYOR = re.compile(
    rf"{_MAYOR_OF_A_CITY}|\bmayor of (the )?(lishui )?city\b|\b(lishui )?city'?s? mayor\b|"
    r"\bsindac[oa] della citt[aà]\b",
    re.IGNORECASE,
)
_A_MAYOR = re.compile(rf"\b(mayor|sindac[oa])\b|{_MAYOR_OF_A_CITY}", re.IGNORECASE)
_NOT_A_CITYS_MAYOR = re.compile(r"\b(vice|deputy|district|distretto)\b|区长|副", re.IGNORECASE)
# "溧水对接会在哪里开的", "lishui = the one in zhejiang? where exactly was the meeting": the venue,
# not only which Lishui (not "会议在哪个Lishui")
_MEETING_WORD = r"(对接会|会议|活动|开会|\bmeeting|incontro|conference|\bevent|evento|docking)"
_WHERE_WORD = r"(哪里|哪儿|在哪(?!个)|何处|\bwhere\b|\bdove\b|\bdov['’])"
_ASKS_WHERE_THE_MEETING_IS = re.compile(
    f"{_MEETING_WORD}.*{_WHERE_WORD}|{_WHERE_WORD}.*{_MEETING_WORD}", re.IGNORECASE
)
# Naming this meeting's Lishui too ("this one or that one?"), or the meeting itself: "how many firms
# does Lishui city in Zhejiang send to the meeting?" confuses the two; the note and the fact answer it.
# So does "this Lishui" ("which city does this Lishui belong to?").
_THIS_LISHUI = re.compile(
    r"nanjing|nanchino|jiangsu|南京|溧水|江苏|\b(meeting|conference|incontro|convegno|evento|event)\b|"
    r"\bthis (lishui|district)\b|\bquest[oa] (lishui|distretto)\b|这个(lishui|丽水)|"
    r"对接会|会议|大会|活动|参会",
    re.IGNORECASE,
)
# What a city is known for, asked of Lishui in Zhejiang: its leading industries, its fame (not this
# district's, nor the European firms' match with them)
_CITY_TRAIT = re.compile(
    r"^(?!.*\b(district|distretto|europe\w*|europa)\b)(?!.*(欧洲|区))"
    r".*(\b(main|leading|key|major|principal) industr\w*|\bindustri\w* (principal\w*|trainant\w*|chiave)\b|"
    r"\b(famous|known) for\b|\b(famos[oa]|conosciut[oa]) per\b|"
    r"\bper (che )?cosa [eè] (famos|conosciut|not)[oa]\b|"
    r"主导产业|支柱产业|特色产业|以什么(闻名|出名)|出名|"
    # its sights and things to do ("cosa vedere a Lishui nello Zhejiang", "things to do … on a free day")
    r"\b(what to see|things to do|sights|sightseeing|tourist\w*|cosa (vedere|fare)|"
    r"(c['’ ]?[eè]|ce) da (vedere|fare)|turistic\w*|attrazioni)\b|景点|旅游|好玩|"
    # its own make-up: "how many counties does Lishui in Zhejiang have", "丽水市下辖几个县"
    r"\b(count(y|ies)|contee|province capital|capoluogo)\b|几个县|下辖|辖区)",
    re.IGNORECASE,
)
# The counties of Lishui city, Zhejiang (Qingtian, the home town of many Chinese in Italy): a
# question naming one is about that Lishui, whatever else it names.
_ZHEJIANG_COUNTY = re.compile(
    r"青田|龙泉|缙云|遂昌|松阳|云和|庆元|景宁|莲都|\b(qingtian|longquan|jinyun|suichang|songyang|yunhe|"
    r"qingyuan|jingning|liandu)\b",
    re.IGNORECASE,
)
# Lishui, Zhejiang set beside this meeting's: "also", "anche", "也", "一样", "vs", "跟…比"
# (`_beside_the_other_lishui`).
_ALSO = re.compile(
    r"\b(also|too|as well|anche|pure|vs|versus|compared (to|with)|rispetto a\w*)\b|"
    r"也|一样|同样|[跟和与]\S{0,6}比|相比",
    re.IGNORECASE,
)
# Words for a person, which "besides …" leaves out of what is asked ("who else came besides the mayor?").
_PERSON = re.compile(
    r"\b(mayor|sindac\w*|president\w*|representatives?|rappresentant\w*|leaders?|director\w*|"
    r"secretar\w*|segretari\w*|speakers?|relator\w*)\b|区长|书记|主任|代表|领导|嘉宾",
    re.IGNORECASE,
)
REPORT_EVERY = 60.0  # seconds between a replica's reports of the index it answers from


@dataclass
class Context:
    """What the front end knows about the delegate asking."""

    preferred_language: str | None = None  # chosen in the bot, or the client's language code
    history: Sequence[str] = field(default_factory=tuple)  # earlier questions, oldest first
    now: dt.datetime | None = None  # the moment "what's on now?" is asked about (default: the clock)


class Assistant:
    """Answers delegates' questions from the active index; reloads when an ingest (in this process
    or another replica) moves the index pointer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.replica = uuid.uuid4().hex[:12]
        self._lock = threading.Lock()
        self._checking = threading.Lock()
        self._pointer = index.Pointer(settings)
        self._loaded_collection = ""
        self._checked_at = self._reported_at = 0.0
        self.retriever: Retriever
        self.chain: Runnable
        self.matchmaker: Matchmaker
        self._neutral: frozenset[str] = frozenset()
        self._spelt: dict[str, frozenset[str]] = {}
        self._reloading: threading.Thread | None = None
        self.reload()
        self._warm_up()

    def _warm_up(self) -> None:
        """Load the language models now, not on a delegate's first question (`reload` warms the
        tokenizer dictionary and the retriever)."""
        self.language("warm-up riscaldamento", Context())

    def reload(self) -> None:
        """Open the active index (after an ingest) and rebuild the answer chain on it; questions
        asked meanwhile are answered from the index already open, which is swapped out at once."""
        retriever = Retriever.from_settings(self.settings)
        retriever.search("预热 warm-up riscaldamento", 1)  # its caches warm before any question
        chain = answer_chain(self.settings, retriever)
        matchmaker = Matchmaker(retriever.manifest.data, retriever.names)
        with self._lock:
            self.retriever, self.chain, self.matchmaker = retriever, chain, matchmaker
            self._neutral, self._spelt = retriever.neutral_words, retriever.spelt
            self._loaded_collection = retriever.manifest.collection
        self._checked_at = time.monotonic()  # as good as a check of the pointer
        self._report()

    def _report(self) -> None:
        """Tell the other replicas' ingests which generation this one answers from (kept meanwhile)."""
        self._reported_at = time.monotonic()
        try:
            self._pointer.report(self.replica, self._loaded_collection)
        except Exception as exc:  # an unreachable Chroma server: answering goes on, the next report retries
            log.warning("could not report the index in use: %s", exc)

    @property
    def menu_data(self) -> dict:
        """The structured knowledge (agenda, enterprises, investment) of the active index."""
        self._reload_if_reingested()
        return self.retriever.manifest.data

    def _reload_if_reingested(self) -> None:
        """At most once per `INDEX_CHECK_SECONDS` (and one thread at a time; the others answer on):
        one small read of the pointer. When an ingest (here or on another replica) moved it, the
        new index is opened in the background (`reload`); this question, and those until it is
        ready, are answered from the index already open."""
        now = time.monotonic()
        if now - self._checked_at < self.settings.index_check_seconds or not self._checking.acquire(False):
            return
        try:
            self._checked_at = now
            active = self._pointer.active()
            if active and active != self._loaded_collection:
                self._reload_in_background(active)
            elif now - self._reported_at >= REPORT_EVERY:
                self._report()
        finally:
            self._checking.release()

    def _reload_in_background(self, active: str) -> None:
        with self._lock:
            if self._reloading is not None and self._reloading.is_alive():
                return
            log.info("the index was rebuilt (%s); reloading in the background", active)
            self._reloading = threading.Thread(target=self._reload_logged, name="reload", daemon=True)
            self._reloading.start()

    def _reload_logged(self) -> None:
        try:
            self.reload()
        except Exception:  # the old index keeps answering; the next check of the pointer retries
            log.exception("reloading the index failed")

    def language(self, question: str, context: Context) -> str:
        if self.retriever.is_pinyin(question):
            return "zh"
        asked = without_the_asker(question, before=False)
        return detect(asked, context.preferred_language, self._neutral, spelt=self._spelt)

    def _asks_for_the_other_mayor(self, question: str) -> bool:
        """About the mayor of Lishui city, Zhejiang ("will 丽水市的市长 come to the meeting?"), not
        whether someone of this meeting is that mayor ("Miao Xiumei è la sindaca della città…?")."""
        city_mayor = _OTHER_LISHUI.search(question) and _CITY_MAYOR.search(question)
        # "il sindaco di Lishui nello Zhejiang c'era?": a mayor in Zhejiang (no deputy, no district's)
        zhejiang_mayor = _ZHEJIANG.search(question) and _A_MAYOR.search(question)
        if not (city_mayor or (zhejiang_mayor and not _NOT_A_CITYS_MAYOR.search(question))):
            return False
        named = self.retriever.names.find(_A_MAYOR.sub(" ", question))  # "the mayor of Lishui" names no one
        return not any(self._is_person(found) for found in named)

    def searched(self, question: str) -> str:
        """What is searched for `question` (`retrieval_text`)."""
        return retrieval_text(question, self._names_someone, self.retriever.names)

    def _venue_if_asked(self, searched: str, lang: str) -> Answer | None:
        """The venue's entry when the question (as `searched`) asks where the meeting is ("lishui
        duijiehui zai nali kai de", read in Chinese); else None."""
        if not _ASKS_WHERE_THE_MEETING_IS.search(self.retriever.readable(searched)):
            return None
        return self.entry_answer(VENUE_ENTRY, lang)

    def _described_by_name_asked(self, question: str) -> str | None:
        """The entry of the one company or person the question describes by a role and asks the name
        of ("the Lishui EV maker that spoke, whats it called?": Kaiwu's entry names it)."""
        others = figures_asked(question) - {NAMES_FIGURE, SPEAKER_FIGURE, SPOKE_FIGURE}  # "发言的那家…叫啥"
        if not _ASKS_THE_NAME.search(question) or others:
            return None  # "il capo dell'azienda cinese … come si chiama?" asks another's name
        names = self.retriever.names
        described = names.described_only(question, names.find(question))
        entries = {names.entities[found].entry for found in described} - {None}
        return entries.pop() if len(entries) == 1 and len(described) == 1 else None

    def _is_person(self, entity_id: str) -> bool:
        entity = self.retriever.names.entities.get(entity_id)
        return entity is not None and entity.kind == "person"

    def _their_place(self, found: Retrieval, named: Sequence[str]) -> bool:
        """`found` is sure of an entry about the place of a person `named` (Colleferro, Guadagno's)."""
        if found.best is None or found.confidence < self.settings.min_confidence:
            return False
        person = self.retriever.names.person_of_place(found.best.entry_id)
        return person is not None and person in {self.retriever.names.entities[one].entry for one in named}

    def _names_someone(self, text: str) -> list[str]:
        """The entities `text` names, or the person word it uses ("the mayor", "区长")."""
        return self.retriever.names.find(text) or _PERSON.findall(text)

    def ask(self, question: str, context: Context | None = None) -> Answer:
        question = self.retriever.with_italian_c(clean(question).strip())
        answer = self._ask_mainland(as_mainland(question), context or Context())
        return in_traditional_script(answer) if writes_traditional(question) else answer

    def _ask_mainland(self, question: str, context: Context) -> Answer:
        """The answer to `question`, written (or read) in simplified characters and Mandarin."""
        lang = self.language(question, context)
        early = self._check_input(question, lang)
        if early:
            return early
        self._reload_if_reingested()
        if lang == "it":
            question = standard_italian(with_accents(question))
        question = self.retriever.names.as_spelt(question)
        if _ASKS_OVERVIEW.search(question) and (overview := self._overview(lang)):
            return overview
        answers: list[Answer] = []
        question = without_what_follows(question)
        questions = [question] if _beside_the_other_lishui(question) else questions_in(question)
        # "我们几个老同志想了解一下，有哪些…？": a part that only says who asks is no question of its own
        questions = [asked for asked in questions if not only_chatter(asked)] or questions
        for asked in questions:  # each question of the message, read after the one before
            answers.append(self._ask_joined(asked, lang, context, continues=bool(answers)))
            context = replace(context, history=(*context.history, asked))
        return answers[0] if len(answers) == 1 else combined(answers)

    def _ask_joined(self, question: str, lang: str, context: Context, continues: bool) -> Answer:
        """One question, or its two halves each answered when it joins two things asked and the
        answer to the whole does not give both ("la data dell'incontro e il numero di imprese europee")."""
        searched = self.searched(question)
        answer = self._ask_one(question, lang, context, continues)
        answer = self._with_the_others_named(answer, searched, lang)
        parts = joined_parts(searched, figures_asked)
        if len(parts) < 2:
            return answer
        asked = figures_asked(searched) - {NAMES_FIGURE, SPEAKER_FIGURE}
        if not answer.abstained and asked <= figures_given(answer.text):
            return answer
        answers: list[Answer] = []
        for part in parts:
            answers.append(self._ask_one(part, lang, context, continues=continues or bool(answers)))
            context = replace(context, history=(*context.history, part))
        return combined(answers)

    def _ask_one(self, question: str, lang: str, context: Context, continues: bool = False) -> Answer:
        """One question; `continues` the one before in the same message ("… ? e quante …?")."""
        meeting = self.matchmaker.intent(question)
        if meeting and not figures_asked(question) & _ASKED_BESIDE_A_MEETING:
            return Answer(self.matchmaker.describe(meeting, lang), lang, Reason.MEETING, meeting=meeting)
        answer = self._ask_knowledge(question, lang, context, continues)
        if meeting:
            # "how do I contact Kaiwu's person?", "开沃集团的董事长是谁啊，我想约见一下": the sources give
            # neither, which the answer says; a meeting request reaches the company
            answer.text = f"{answer.text}\n\n{self.matchmaker.describe(meeting, lang, contact=True)}"
            answer.meeting = meeting
        return answer

    def _ask_knowledge(self, question: str, lang: str, context: Context, continues: bool) -> Answer:
        """One question answered from the schedule or the knowledge."""
        searched = self.searched(question)
        # what is on now or next, asked in what is searched: not in a story told after the question
        # ("quale azienda … ha fatto la presentazione? … volevo parlarci dopo")
        asked = schedule_question(searched)
        scheduled = self._schedule(asked, lang, context) if asked else None
        if scheduled:
            return scheduled
        # "请用英文回答：对接会在哪" is read as the Chinese it is written in, answered in English
        reading = lang if asked_for(question) is None else self.language(searched, context)
        searched = with_digits(searched, reading)
        try:
            retrieval = self._retrieve(searched, reading, context, continues)
        except NotFoundError:  # the generation was deleted under a replica that fell far behind
            log.warning("the index %s is gone; reloading the active one", self._loaded_collection)
            self.reload()
            retrieval = self._retrieve(searched, reading, context, continues)
        answer = self._answer(question, lang, retrieval)
        if _first_source(answer) == WHICH_LISHUI_ENTRY:
            answer = self._venue_if_asked(searched, lang) or answer  # the note says which Lishui
        other_mayor = self._asks_for_the_other_mayor(question)
        if other_mayor or _asks_about_the_other_lishui(question):
            answer = abstention(retrieval, lang, Reason.NO_MATCH, self.retriever, "other_lishui_unknown")
        if not answer.abstained and _first_source(answer) == VENUE_ENTRY:
            answer.venue = venue_pin(self.retriever.manifest.data, lang)
        # asked about that city itself, not "is it in Zhejiang?" nor "is the meeting near Qingtian?"
        county = _in_a_county(question) and not _THIS_LISHUI.search(question)
        trait = _asks_a_trait_of_that_city(question) and not _THIS_LISHUI.search(question)
        in_that_city = other_mayor or county or trait or _beside_the_other_lishui(question)
        if answer.abstained and not in_that_city and _ASKS_WHICH_LISHUI.search(question):
            answer = self.entry_answer(WHICH_LISHUI_ENTRY, lang) or answer
        if answer.abstained and not other_mayor and _OTHER_LISHUI.search(question):
            # "…丽水有个欧洲企业对接会，是在我们丽水市里面哪里开啊？": the meeting is never in that city
            answer = self._venue_if_asked(searched, lang) or answer
        unsure = answer.abstained or answer.confidence < DESCRIBED_OVER
        described = self._described_by_name_asked(searched) if unsure else None
        if described and described != _first_source(answer):  # a guess yields to the one described
            answer = self.entry_answer(described, lang) or answer
        if not answer.abstained and answer.sources and _asks_a_persons_name(question):
            # "the italian guy from the space capital town, whats his name?": the town's person
            person = self.retriever.names.person_of_place(answer.sources[0].entry_id)
            answer = (self.entry_answer(person, lang) if person else None) or answer
        explained = any(source.entry_id == WHICH_LISHUI_ENTRY for source in answer.sources)
        if _OTHER_LISHUI.search(question) and not explained:
            answer.text = f"{text(lang, 'which_lishui')}\n\n{answer.text}"
        return self._with_the_odd_one_out(answer, question, lang)

    def _with_the_odd_one_out(self, answer: Answer, question: str, lang: str) -> Answer:
        """ "Which is NOT one of the four: A, B, C, D?": the one choice its entry does not name, first."""
        choices = choices_listed(question)
        entry = _first_source(answer)
        if answer.abstained or not choices or entry is None:
            return answer
        odd = the_one_not_named(choices, (self.retriever.body(entry, each) for each in LANGUAGES))
        if odd is not None:
            answer.text = f"{text(lang, 'not_named', choice=odd)}\n\n{answer.text}"
        return answer

    def _answer(self, question: str, lang: str, retrieval: Retrieval) -> Answer:
        """The likeliest fact entry when it is likely enough; else the "not published" entry that
        explains the gap; else "I don't know" (both with what the sources say about a name asked)."""
        if retrieval.best is not None and retrieval.confidence >= self.settings.min_confidence:
            return self.chain.invoke({"question": question, "lang": lang, "retrieval": retrieval})
        if is_foreign(question):  # a language the bot does not speak: say which ones it does
            return abstention(retrieval, lang, Reason.NO_MATCH, self.retriever, "dont_know_language")
        if retrieval.gap is not None:
            return abstention(retrieval, lang, Reason.GAP, self.retriever)
        return abstention(retrieval, lang, Reason.NO_MATCH, self.retriever)

    def _schedule(self, asked: Ask, lang: str, context: Context) -> Answer | None:
        """ "What's on now / next?" from the agenda's clock times on the event's day; the timed
        programme when the day is not given; the "times not published" entry when no item has a
        time (None if that entry is gone: the question is then searched like any other)."""
        data = self.retriever.manifest.data
        if slots(data):
            now = context.now or dt.datetime.now(dt.UTC)
            return self.entry_answer(AGENDA_TIMES_ID, lang, now_and_next(data, asked, now, lang))
        if has_times(data):
            return self.entry_answer(AGENDA_TIMES_ID, lang)
        return self.entry_answer(SCHEDULE_GAP, lang, reason=Reason.GAP)

    def venue(self, lang: str) -> Answer | None:
        """Where the venue is (`/venue`): its entry, with the map pin when the data has one."""
        self._reload_if_reingested()
        answer = self.entry_answer(VENUE_ENTRY, lang)
        if answer is not None:
            answer.venue = venue_pin(self.retriever.manifest.data, lang)
        return answer

    def _with_the_others_named(self, answer: Answer, searched: str, lang: str) -> Answer:
        """`answer` from one person's entry, with the entries of the other people the question (as
        `searched`) names ("Miao Xiumei e Zhai Xiaoli che ruoli hanno?": both)."""
        names = self.retriever.names
        people = [found for found in names.find(searched) if self._is_person(found)]
        entries = [entry for entry in dict.fromkeys(names.entities[found].entry for found in people) if entry]
        first = _first_source(answer)
        if answer.abstained or len(entries) < 2 or first not in entries:
            return answer
        given = {source.entry_id for source in answer.sources}
        missing = [entry for entry in entries if entry not in given]
        others = [other for entry in missing if (other := self.entry_answer(entry, lang))]
        if not others:
            return answer
        hint = f"\n\n{text(lang, 'tentative')}"
        joined = combined([replace(answer, text=answer.text.replace(hint, "")), *others])
        joined.text += hint if answer.tentative else ""
        return joined

    def _overview(self, lang: str) -> Answer | None:
        """The event in brief: when and where, who took part, what happened (the entries that are
        published of those)."""
        answers = [answer for entry in OVERVIEW_ENTRIES if (answer := self.entry_answer(entry, lang))]
        return combined(answers) if answers else None

    def entry_answer(
        self, entry_id: str, lang: str, said: str | None = None, reason: Reason = Reason.ANSWERED
    ) -> Answer | None:
        """An answer from one known entry (`said`, else its text in `lang`); None without it."""
        body = self.retriever.body(entry_id, lang)
        if not body:
            return None
        source = Source(entry_id, self.retriever.title(entry_id, lang))
        return Answer(said or body, lang, reason, 1.0, [source], generated_by="entry")

    async def ask_async(self, question: str, context: Context | None = None) -> Answer:
        """`ask` off the event loop: embedding and the LLM call block."""
        return await asyncio.to_thread(self.ask, question, context)

    def _check_input(self, question: str, lang: str) -> Answer | None:
        limit = self.settings.max_question_chars
        if not question:
            return Answer(text(lang, "empty"), lang, Reason.EMPTY)
        if len(question) > limit:
            return Answer(text(lang, "too_long", length=len(question), limit=limit), lang, Reason.TOO_LONG)
        if not has_text(question):
            return Answer(text(lang, "no_text"), lang, Reason.NO_TEXT)
        if is_injection(question):
            return Answer(text(lang, "refuse"), lang, Reason.REFUSED)
        kind = small_talk(question)
        if kind:
            return Answer(text(lang, kind), lang, Reason.SMALL_TALK)
        return None

    def _retrieve(self, question: str, lang: str, context: Context, continues: bool = False) -> Retrieval:
        """Search for the question alone; one that leans on the previous question ("he", "and …?",
        他), or `continues` it without a sure answer of its own, is also read with it, and the
        better reading wins."""
        k, enough = self.settings.top_k, self.settings.min_confidence
        vector = self.retriever.embed(question, lang)  # embedded once, for both searches
        whole = self.retriever.search(question, k, vector, lang)
        alone = self._beside_its_story(question, vector, whole, lang)
        if not context.history or not (continues or refers_back(question)):
            return alone  # the earlier question is read only for a question that may lean on it
        previous = self.searched(context.history[-1])
        # "Hans Song ha parlato? cosa ha detto?": about whom the message named, whatever else fits
        named_before = self.retriever.names.find(previous)
        about_them = continues and not alone.names and any(map(self._is_person, named_before))
        # "… the official i mean, and what title did his town get": about their place, found alone
        about_them = about_them and not self._their_place(alone, named_before)
        if not (refers_back(question) or about_them or alone.confidence < enough):
            return alone
        follow_up = self.retriever.search_follow_up(question, previous, k, lang, vector, continues)
        better = follow_up.confidence > alone.confidence or follow_up.confidence >= enough
        return follow_up if better or about_them else alone

    def _beside_its_story(
        self, question: str, vector: list[float], whole: Retrieval, lang: str
    ) -> Retrieval:
        """A message that tells a story around what it asks ("i was outside on a call during liu jias
        speech … what was the gist?", "… my boss wants her name for the thank you letter what was it"):
        what it asks, without the writer's own people and papers, also read as a follow-up of the
        whole message (whose `vector` stands for the two read together), and the surer reading wins."""
        asking = without_the_writers_own(without_the_story(question))
        if asking == question:
            return whole
        told = self.retriever.search_follow_up(
            asking, question, self.settings.top_k, lang, previous_vector=vector
        )
        return told if told.confidence > whole.confidence else whole


def _beside_the_other_lishui(message: str) -> bool:
    """Sets Lishui, Zhejiang beside this meeting's Lishui ("does Lishui in Zhejiang also have …?"),
    asking about that city in all its parts ("浙江丽水的主导产业是什么？跟这边一样吗")."""
    other = _ZHEJIANG.search(message) or "丽水市" in message
    return bool(other and _ALSO.search(message) and not _WHICH_ONE.search(message))


# What someone or something described is called: "whats it called", "name?", "come si chiama", "叫什么"
_ASKS_THE_NAME = re.compile(
    r"\b(what(['’]?s| is| was) (it|they) called|what(['’]?s| is| was) (its|the|their|his|her) name|"
    r"called\s*\??$|(its |the )?name\s*\??$|come si chiama(va)?|which one\s*\??$|"
    r"qual (e|è|era) il (suo )?nome|nome\s*\??$)|叫什么|叫啥|什么名字|名字是?什么|"
    r"是哪一?家(?:[?？]?$|[?？]?\s)|"  # "…是哪家 上台介绍的那个": dictated, a space for the full stop
    # a description alone asks who it is: "the chinese EV maker that presented?"
    # ("… supports local enterprises and ... who else?" asks no name)
    r"^\s*(the|that|l['’]|la|il|lo|quell[ao])\s?[^?,]{3,80}\s(that|which|who|che)\s(?!else\b)[^?,]{2,60}\?\s*$",
    re.IGNORECASE,
)
# A word for a person, beside a name asked in the same line ("the italian guy from the space capital
# town, whats his name again?", "il vicesindaco della capitale europea dello spazio come si chiama?")
_PERSON_WORD = re.compile(
    r"\b(guy|man|woman|lady|person|he|his|him|she|her|mayor|deputy mayor|vice mayor|official|sindac[oa]|"
    r"vicesindac[oa]|signore|signora|tizio|lui|lei|funzionario)\b|他|她|副区长|区长|那位|这位|官员",
    re.IGNORECASE,
)

_A_TITLE = re.compile(r"\b(title|titolo)\b|称号", re.IGNORECASE)


def _asks_a_persons_name(question: str) -> bool:
    """The name of a person asked: a line where a name is asked (`_ASKS_THE_NAME`, read on in the
    message as written) and a person word stands. Searched line by line, each search going on from
    the last, so a long message costs one pass (one pattern holding both cost 0.9 s on 4,000 letters)."""
    if _A_TITLE.search(question):  # "the deputy mayor said the town got a title … what was it called"
        return False
    start, asked = 0, None
    for line in question.split("\n"):
        end = start + len(line)
        if asked is None or asked.start() < start:
            asked = _ASKS_THE_NAME.search(question, start)
            if asked is None:
                return False
        if asked.start() < end and _PERSON_WORD.search(question, start, end):
            return True
        start = end + 1
    return False
# "Lishui in Zhejiang vs Lishui the district - which one hosted it?": which Lishui, not the other one
_WHICH_ONE = re.compile(r"\bwhich one\b|\bquale dei due\b|哪一?个(?![多大少好强])", re.IGNORECASE)


def _in_a_county(question: str) -> bool:
    """Asks about a county of Lishui city, Zhejiang ("我人在青田" only says where the writer is)."""
    return any(_ZHEJIANG_COUNTY.search(sentence) for sentence in asking_sentences(question))


def _first_source(answer: Answer) -> str | None:
    """The entry `answer` is mainly from (None without a source)."""
    return answer.sources[0].entry_id if answer.sources else None


def _asks_about_the_other_lishui(question: str) -> bool:
    """About Lishui city in Zhejiang itself ("the mayor of Lishui city, Zhejiang"), which the
    knowledge says nothing of; not "丽水" typed for this meeting's 溧水."""
    if _in_a_county(question) or _beside_the_other_lishui(question):
        return True
    other = _OTHER_LISHUI.search(question) and _ZHEJIANG_CITY.search(question)
    return bool((other or _asks_a_trait_of_that_city(question)) and not _THIS_LISHUI.search(question))


def _asks_a_trait_of_that_city(question: str) -> bool:
    """"浙江丽水的主导产业是什么", "Lishui nello Zhejiang è famosa per cosa?": that city's own industries,
    fame or sights."""
    return bool(_ZHEJIANG.search(question) and _CITY_TRAIT.search(question))


def retrieval_text(question: str, named: Callable[[str], Sequence[str]], names: Names) -> str:
    """What is searched for: the question without its chatter, the writer's introduction (kept when
    the question names none of the `names`; the company it names read for "us"), a request for a
    language or whom it leaves out (`named` finds them: "besides the mayor"), with 丽水 read as 溧水
    and Zhejiang left out (the Lishui of this meeting, what is asked about it; the answer notes the
    difference)."""
    asked = with_the_writers_company(without_request(clean(question)), names.find, names.label)
    asked = without_chatter(without_introduction(asked, names.find))
    asked = _FORMAL_COPULA.sub("是", without_excluded(without_shorthand(asked), named))
    asked = _without_the_congress_of_its_lishui_event(asked, names)
    return where_it_was_held(_NOW.sub(" ", _ZHEJIANG.sub(" ", asked.replace("丽水", "溧水"))).strip())


CONGRESS_ENTRY = "event-congress"
# "WIMC 2023 evento lishui che giorno?", "wimc溧水那个欧洲专场几号在哪开": the congress's event in Lishui,
# whose date or place is asked, is this meeting (not the congress itself, whose dates are unknown)
_ITS_LISHUI_EVENT = re.compile(
    r"(lishui|溧水)[^?？]{0,20}(\bevent|evento|专场|活动|分会场|incontro)|"
    r"(\bevent|evento|专场|活动|分会场|incontro)[^?？]{0,20}(lishui|溧水)|"
    # the two named side by side: "#WIMC2023 #Lishui dove e quando??"
    r"(wimc|智能制造大会)\s*(2023)?[\s#:,./-]*(lishui|溧水)|(lishui|溧水)[\s#:,./-]*(wimc|智能制造大会)",
    re.IGNORECASE,
)
_WHEN_OR_WHERE = re.compile(
    r"\b(when|date|quando|data|giorno|where|venue|dove)\b|哪天|几号|日期|时间|在哪|哪里|地点", re.IGNORECASE
)


def _without_the_congress_of_its_lishui_event(question: str, names: Names) -> str:
    """`question` without the congress's name where it asks when or where the congress's event in
    Lishui was: that event is this meeting."""
    if not (_ITS_LISHUI_EVENT.search(question) and _WHEN_OR_WHERE.search(question)):
        return question
    congress = [found for found in names.find(question) if names.entities[found].entry == CONGRESS_ENTRY]
    return names.without(question, congress) if congress else question


# "today" in a delegate's question is the day of the meeting, not news ("chi ha parlato oggi?")
_NOW = re.compile(r"\b(today|this morning|oggi|stamattina|stamani)\b|今天|今日|今早", re.IGNORECASE)


# A summary of the whole event asked ("a quick summary of the whole event: when, where, how many",
# "mi fai un riassunto dell'evento?", "帮我简单总结一下这次活动"), not of a speech
_ASKS_OVERVIEW = re.compile(
    r"\b(summary|summari[sz]e|overview|recap) (of )?(the )?(whole |entire )?(event|meeting|docking)\b|"
    r"\briassunt\w* (dell['’ ] ?|del |della )?(intero )?(evento|incontro|convegno)\b|"
    r"\briassum\w* (l['’ ] ?)?(evento|incontro)\b|\bpanoramica (dell['’ ] ?)(evento|incontro)\b|"
    r"总结一下(这次|本次|这个)?(活动|会议|对接会)|(这次|本次|这个)(活动|会议|对接会)的?(概况|总结|简介)|"
    r"概括一下(这次|本次|这个)?(活动|会议|对接会)|"
    # a summary and nothing else asked: "riassunto in 3 righe", "summary in 3 lines pls", "tl;dr?"
    r"^(?=.*(\b(riassunto|sintesi|summary|recap|overview|tl;?dr)\b|总结一下|概括一下))"
    r"(\W*\b(riassunto|sintesi|summary|recap|overview|tl;?dr|sorry|scusa|scusate|in|\d|tre|three|due|two|"
    r"poche|few|righe|lines|frasi|sentences|pls|please|plz|per favore|grazie|thanks)\b|"
    r"\W*(总结一下|概括一下|(三|两|几)句话))+\W*$",
    re.IGNORECASE,
)
# Below this confidence an answer yields to the entry of the one company or person the question
# describes by a role and asks the name of ("发言的那家意大利航天企业叫啥": 0.51 from Lishui's foreign firms)
DESCRIBED_OVER = 0.6
OVERVIEW_ENTRIES = ("event-date", "event-participants", "event-programme")

# The formal written copula: "此次对接会系哪个大会的专题活动" (是)
_FORMAL_COPULA = re.compile(r"(?<=[\u4e00-\u9fff])(?<![联关体维])系(?=哪|何|什么|谁|由)")
