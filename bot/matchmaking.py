"""Business matchmaking in the knowledge: whom a delegate wants to meet ("vorrei incontrare Avio",
"我想见一下西门子", "I'd like to meet a Lishui company in new-energy vehicles"), the sector they
say they work in, and the enterprises of the knowledge base whose sector matches, on both sides.

Knows nothing about Telegram. `Matchmaker.intent` runs on every question, so it starts with
substring tests for the words a wish to meet needs, runs its regular expressions only when one is
there, and looks further only when they find a wish to meet (or a delegate describing their own
sector).
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.language import CHINESE_QUESTION_WORDS, QUESTION_WORDS
from bot.names import Names
from bot.normalise import fold
from bot.texts import text

SIDES = ("europe", "lishui")
# Companies that were not at the meeting as participants still belong to a side of the docking.
GROUP_SIDE = {"foreign_invested": "europe", "exports_to_europe": "lishui"}

_WISH_EN = (
    r"\b(?:i(?:['’]d| would)? (?:like|love|want|wish|hope)|i['’]m (?:looking|hoping)|can i|could i|may i"
    r"|how (?:can|do|could) i|help me|please)\b[^.?!。？！]{0,40}?"
    r"\b(?:meet|meeting with|appointment with|talk (?:to|with)|speak (?:to|with)|get in touch with"
    r"|connect with)\b"
)
_WISH_IT = (
    r"\b(?:vorrei|voglio|desidero|desidererei|posso|potrei|mi piacerebbe|come (?:posso|faccio a)"
    r"|e possibile|sarebbe possibile)\b[^.?!]{0,30}?"
    r"\b(?:incontrar\w*|conoscer\w*|parlare con|contattar\w*|un incontro|un appuntamento)"
)
_WISH_ZH = (
    r"(?:想|要|希望|能否|能不能|可以|可否|怎么|如何|请|帮我|麻烦).{0,8}?"
    r"(?:(?<![意看听遇])见|认识|拜访|对接(?!会)|洽谈|联系)"
)
_REQUEST = (
    r"\b(?:request|book|arrange|set up|schedule|organi[sz]e)\s+(?:a |an )?(?:b2b |business |one-to-one )?"
    r"(?:meeting|appointment)\b"
    r"|\b(?:chiedere|richiedere|prenotare|fissare|organizzare)\s+un\s+(?:incontro|appuntamento)\b"
    r"|(?:预约|申请|安排)(?:一[次个场])?(?:会面|会谈|见面|洽谈|商务对接)"
)
_SELF_SECTOR = (
    r"\b(?:i work in|we work in|i['’]m in|we['’]re in|we are in|my (?:sector|industry|field) is"
    r"|our (?:sector|industry|field) is|our company (?:makes|is in)|we (?:make|produce|build))\b"
    r"|\b(?:lavoro nel|lavoriamo nel|siamo nel|operiamo nel|il mio settore|il nostro settore"
    r"|produciamo|la mia azienda|la nostra azienda)\b"
    r"|(?:我们|我司|本公司|我的公司|我在|我是|我们是).{0,6}?(?:行业|领域|做|从事|生产)|我(?:从事|做)"
)
# Words one of the patterns needs: most questions have none, and substring tests cost nanoseconds.
_MEET_WORDS = ("meet", "appointment", "talk", "speak", "touch", "connect", "incontr", "conosc", "parlare",
               "contatt", "appuntament", "见", "认识", "拜访", "对接", "洽谈", "联系", "会面", "会谈")
_SELF_WORDS = ("i work", "we work", "i'm in", "i’m in", "we're in", "we’re in", "we are in", "my ",
               "our ", "we make", "we produce", "we build", "lavor", "siamo nel", "operiamo", "settore",
               "produciamo", "azienda", "我们", "我司", "本公司", "我的公司", "我在", "我是", "我从事",
               "我做")
_MEET = re.compile(f"{_WISH_EN}|{_WISH_IT}|{_WISH_ZH}|{_REQUEST}")
_EXPLICIT = re.compile(_REQUEST)
_SELF = re.compile(_SELF_SECTOR)
# A question beside the sector ("我是做汽车零部件的，想问下对接会是哪天开的？"): the sector is context
# for it, not a wish to be matched, unless what it asks is which companies match.
_ASKS = re.compile(rf"[?？]|\b(?:{QUESTION_WORDS})\b|{CHINESE_QUESTION_WORDS}|请问|想问")
_ASKS_MATCHES = re.compile(
    r"\b(which|what|any|quali|che|ci sono) (\w+ )?"
    r"(companies|firms|enterprises|partners|aziende|imprese|partner)\b|"
    r"\b(relevant|matching|pertinenti|adatte)\b|哪些(相关的?)?(企业|公司)|相关的?(企业|公司)|对口|"
    # "will there be anyone from my field?", "c'è qualcuno del mio settore?", "有同行吗"
    r"\b(anyone|anybody|qualcuno) (from|in|of|del|nel) (my|our|mio|nostro) "
    r"(field|sector|industry|settore|campo)\b|"
    r"同行"
)
_SIDE_WORDS = {"lishui": re.compile(r"lishui|li shui|溧水"), "europe": re.compile(r"europ|欧洲")}
_ENTERPRISE = re.compile(r"compan|enterprise|firm|business|aziend|impres|societa|ditt|企业|公司|厂")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_WORD = re.compile(r"[a-z0-9]+")


class Kind(StrEnum):
    MEET = "meet"  # the delegate wants to meet an enterprise, a side or a sector
    SECTOR = "sector"  # the delegate said which sector they work in


@dataclass(frozen=True)
class Sector:
    """A sector as the knowledge names it ({zh, en, it}); `key` is short and stable (button data)."""

    key: str
    names: Mapping[str, str]
    stems: tuple[tuple[str, ...], ...]  # per Latin name: the stems of its words
    han: tuple[str, ...]  # Chinese names

    def match(self, folded: str, words: list[str]) -> int:
        """How long the name of this sector found in a (folded) text is; 0 when none is."""
        found = [len(name) for name in self.han if name in folded]
        found += [
            sum(map(len, stems))
            for stems in self.stems
            if stems and all(any(w.startswith(s) for w in words) for s in stems)
        ]
        return max(found, default=0)


@dataclass(frozen=True)
class Intent:
    """What the core found: whom to meet (or the delegate's sector) and the matching enterprises."""

    kind: Kind
    companies: tuple[str, ...] = ()  # companies named in the question
    sector: str | None = None  # sector key
    side: str | None = None  # "europe" / "lishui", when the question names one
    suggestions: dict[str, tuple[str, ...]] = field(default_factory=dict)  # side → company ids


def _stem(word: str) -> str:
    """"vehicles" → "vehic", "batteries" → "batter": enough to match "vehicle", "battery"."""
    return word[: max(4, len(word) - 3)]


def _words(folded: str) -> list[str]:
    return _WORD.findall(folded)


def _sector(key: str, names: Mapping[str, str]) -> Sector:
    han, stems = [], []
    for name in names.values():
        folded = fold(str(name))
        if _HAN.search(folded):
            han.append(folded)
        else:
            stems.append(tuple(_stem(word) for word in _words(folded) if len(word) > 2))
    return Sector(key, dict(names), tuple(stems), tuple(han))


def sector_key(names: Mapping[str, str] | str) -> str:
    """"New energy vehicles" → "new-energy-vehicles" (from the English name)."""
    english = names if isinstance(names, str) else names.get("en") or next(iter(names.values()), "")
    return "-".join(_words(fold(str(english))))[:40]


class Matchmaker:
    """The enterprises and sectors of the active knowledge, and the delegate's wish to meet them."""

    def __init__(self, data: Mapping[str, Any], names: Names) -> None:
        enterprises = data.get("enterprises") or {}
        self.sides: dict[str, Mapping[str, Any]] = {s["id"]: s for s in enterprises.get("sides") or []}
        self.companies: dict[str, Mapping[str, Any]] = {
            c["id"]: c for c in enterprises.get("companies") or []
        }
        self.names = names
        self.sectors: dict[str, Sector] = {}
        for names_of in self._sector_names():
            self.sectors.setdefault(sector_key(names_of), _sector(sector_key(names_of), names_of))

    def _sector_names(self) -> Iterable[Mapping[str, str]]:
        for side in self.sides.values():
            yield from (s if isinstance(s, dict) else {"en": str(s)} for s in side.get("sectors") or [])
        for company in self.companies.values():
            sector = company.get("sector")
            if sector:
                yield sector if isinstance(sector, dict) else {"en": str(sector)}

    # --- the knowledge ---------------------------------------------------------------------

    def side_of(self, company_id: str) -> str | None:
        company = self.companies.get(company_id) or {}
        return company.get("side") or GROUP_SIDE.get(company.get("group") or "")

    def sector_of(self, company_id: str) -> str | None:
        """The company's own sector, else None (the sources rarely state it)."""
        sector = (self.companies.get(company_id) or {}).get("sector")
        return sector_key(sector) if sector else None

    def listing(self, sector: str) -> tuple[str, ...]:
        """The sides whose sectors include `sector`."""
        return tuple(
            side_id
            for side_id, data in self.sides.items()
            if any(sector_key(s) == sector for s in data.get("sectors") or [])
        )

    def in_sector(self, sector: str, side: str | None = None) -> dict[str, tuple[str, ...]]:
        """Per side: the companies whose own sector is `sector`, or whose name says it
        (开沃新能源汽车集团 for "new energy vehicles")."""
        found = self.sectors[sector]

        def matches(company_id: str) -> bool:
            company = self.companies[company_id]
            if self.sector_of(company_id):
                return self.sector_of(company_id) == sector
            names = company.get("name") or {}
            names = names.values() if isinstance(names, Mapping) else [names]
            return any(found.match(fold(str(n)), _words(fold(str(n)))) for n in names)

        return {
            side_id: tuple(c for c in self.companies if self.side_of(c) == side_id and matches(c))
            for side_id in (SIDES if side is None else (side,))
        }

    def on_side(self, side: str) -> dict[str, tuple[str, ...]]:
        return {side: tuple(c for c in self.companies if self.companies[c].get("side") == side)}

    def find_sector(self, question: str) -> str | None:
        """The sector the question names (the longest name found: 新能源汽车 before 汽车)."""
        folded = fold(question)
        words = _words(folded)
        lengths = {key: sector.match(folded, words) for key, sector in self.sectors.items()}
        best = max(lengths, key=lengths.__getitem__, default=None)
        return best if best and lengths[best] else None

    # --- the question ----------------------------------------------------------------------

    def intent(self, question: str) -> Intent | None:
        """A wish to meet an enterprise, a side or a sector, or the delegate's own sector; None
        for every other question (the usual case, decided by one regular-expression search)."""
        folded = fold(question)
        if any(word in folded for word in _MEET_WORDS) and _MEET.search(folded):
            return self._meet(question, folded)
        if any(word in folded for word in _SELF_WORDS) and _SELF.search(folded):
            if _ASKS.search(folded) and not _ASKS_MATCHES.search(folded):
                return None
            sector = self.find_sector(question)
            if sector:
                return Intent(Kind.SECTOR, sector=sector, suggestions=self.in_sector(sector))
        return None

    def _meet(self, question: str, folded: str) -> Intent | None:
        companies = tuple(c for c in self.names.find(question) if c in self.companies)
        sector = self.find_sector(question)
        side = next((s for s, words in _SIDE_WORDS.items() if words.search(folded)), None)
        wants_enterprise = side is not None and _ENTERPRISE.search(folded) is not None
        if not (companies or sector or wants_enterprise or _EXPLICIT.search(folded)):
            return None  # "can I meet the organisers?": not matchmaking
        if companies:
            suggestions: dict[str, tuple[str, ...]] = {}
        elif sector:
            suggestions = self.in_sector(sector, side)
        elif wants_enterprise and side:
            suggestions = self.on_side(side)
        else:
            suggestions = {}
        return Intent(Kind.MEET, companies, sector, side, suggestions)

    # --- what the delegate reads -----------------------------------------------------------

    def company_name(self, company_id: str, lang: str) -> str:
        return label((self.companies.get(company_id) or {}).get("name") or company_id, lang)

    def sector_name(self, sector: str, lang: str) -> str:
        found = self.sectors.get(sector)
        return label(found.names, lang) if found else sector

    def side_name(self, side: str, lang: str) -> str:
        return label((self.sides.get(side) or {}).get("name") or side, lang)

    def describe(self, intent: Intent, lang: str, contact: bool = False) -> str:
        """The core's answer to a wish to meet (plain text): whom, and the matching enterprises;
        after the answer to "how do I contact them?" (`contact`), the offer to ask for a meeting."""
        if intent.companies:
            names = ", ".join(self.company_name(c, lang) for c in intent.companies)
            return text(lang, "contact_company" if contact else "meet_company", names=names)
        lines = []
        if intent.sector:
            key = "sector_matches" if intent.kind is Kind.SECTOR else "meet_sector"
            lines.append(text(lang, key, sector=self.sector_name(intent.sector, lang)))
        elif intent.suggestions:
            lines.append(text(lang, "meet_side"))
        else:
            return text(lang, "meet_anyone")
        listing = self.listing(intent.sector) if intent.sector else ()
        for side, companies in intent.suggestions.items():
            named = ", ".join(self.company_name(c, lang) for c in companies) or text(lang, "meet_none_named")
            count = (self.sides.get(side) or {}).get("count")
            note = text(lang, "meet_side_lists", count=count) if side in listing and count else ""
            side_name = self.side_name(side, lang)
            lines.append(text(lang, "meet_side_line", side=side_name, note=note, names=named))
        named_any = any(intent.suggestions.values())
        lines.append(text(lang, "meet_pick" if named_any else "meet_pick_any"))
        return "\n".join(lines)


def label(value: Any, lang: str) -> str:
    """A language mapping ({zh, en, it}) in `lang` (else English, else any); plain values as they are."""
    if isinstance(value, Mapping):
        value = value.get(lang) or value.get("en") or next(iter(value.values()), "")
    return "" if value is None else str(value)
