"""Named entities (people, companies, places) and the other forms delegates type for them:
Chinese characters, pinyin, transliterations, misspellings, and the roles that name someone
("the district mayor", "区长"). From `knowledge/data/names.yaml`.

A question's names are found exactly (Chinese forms, short Latin forms) or within a small
edit distance (longer Latin forms: "Guadgno", "Collefero"), so retrieval can match the entity
however it is written and tell when an entry is about someone else.
"""

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

from pypinyin import Style, pinyin
from rapidfuzz import fuzz, process

from bot.normalise import fold, without_shorthand

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN_WORD = re.compile(r"[a-z0-9]+")
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]{2,}")
# A Latin letter or digit, which a Latin form must not touch (Chinese may: "wimc溧水"). Case-sensitive:
# a case-insensitive class of wide ranges takes milliseconds to compile.
_LATIN_CHAR = r"[0-9A-Za-z\u00c0-\u024f]"
SOUNDED_NAME = range(2, 5)  # Chinese names of two to four characters are matched by sound
_SOUNDED_KINDS = frozenset({"person", "company"})  # people's and companies' names ("开窝": 开沃)
_TITLE = re.compile("[长总]$")  # "翟区长": a title, whose sound is too common ("的区长")
EXACT_UP_TO = 4  # Latin forms this short ("Avio", "Roma") must be typed exactly
MATCH_CACHE = 65536  # phrases whose match is remembered
_INITIALS = re.compile("[bcdfghjklmnpqrstwxyz]{2,4}")  # "zxl": pinyin initials, no vowel
FUZZY_CUTOFF = 85  # rapidfuzz ratio for a longer Latin form typed with a slip


@dataclass(frozen=True)
class Entity:
    id: str
    kind: str
    entry: str | None  # the entry that says who or what this is
    forms: tuple[str, ...]
    roles: tuple[str, ...] = ()  # what a delegate calls them instead of their name ("区长")

    @property
    def label(self) -> str:
        """The first Latin form (the name as the sources write it), else the first form."""
        written = self.forms or self.roles
        return next((form for form in written if not _HAN.search(form)), written[0])


def _strings(value: object) -> tuple[str, ...]:
    """A list of forms or roles as written; one written without the list brackets is one form (its
    letters are not forms each), and empty ones are none."""
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return tuple(text for text in (str(item).strip() for item in items if item is not None) if text)


def _written_out(roles: tuple[str, ...]) -> tuple[str, ...]:
    """`roles`, and those written with phone shorthand as they are searched ("local EV maker" is
    also "local electric vehicle maker")."""
    return roles + tuple(dict.fromkeys(out for role in roles if (out := without_shorthand(role)) != role))


def _misspellings(entities: Iterable[Entity]) -> Iterable[tuple[str, str]]:
    """(misspelt or titled Chinese form, first Chinese form) of every entity: the forms of as many
    characters ("翟小丽" for 翟晓丽, "科列费罗"), and a surname with a title that is alone another
    person's role ("刘区长" for 刘佳: 区长 is 缪秀梅); not other names of it ("幸庄科技园", "刘副区长")."""
    entities = list(entities)
    roles = {role: entity.id for entity in entities if entity.kind == "person" for role in entity.roles}
    for entity in entities:
        han = [form.replace("·", "") for form in entity.forms if _HAN.search(form)]
        for form in han[1:]:
            anothers = roles.get(form[1:], entity.id) != entity.id
            titled = _TITLE.search(form) and form[0] == han[0][0] and anothers
            if form != han[0] and (len(form) == len(han[0]) or titled):
                yield form, han[0]


def _descriptions(entities: Iterable[Entity]) -> Iterable[tuple[re.Pattern[str], str]]:
    """(a place's role, its name in the role's script) of every place: "deputy mayor's town" →
    Colleferro, "意大利副区长所在的区" → 科莱费罗."""
    for entity in entities:
        if entity.kind != "place":
            continue
        latin = entity.forms[0] if entity.forms else ""
        han = next((form for form in entity.forms if _HAN.search(form)), latin)
        for role in entity.roles:
            if _HAN.search(role):
                yield re.compile(re.escape(role)), han
            elif latin:
                yield re.compile(rf"(?<![^\W_]){re.escape(role)}(?![^\W_])", re.IGNORECASE), latin


@lru_cache(maxsize=8192)
def _sounds(character: str) -> frozenset[str]:
    """The toneless readings of a Chinese character (缪: miao, miu, mou)."""
    return frozenset(pinyin(character, style=Style.NORMAL, heteronym=True)[0])


@lru_cache(maxsize=8192)
def _usual_sound(character: str) -> str:
    """How a typed character is most often read (的: de, though it can be di)."""
    return pinyin(character, style=Style.NORMAL)[0][0]


def _sounds_like(typed: str, form: str) -> bool:
    """`typed` is `form` written by sound: every character, read as usual, one of the ways the
    name's is read, and some the same ("刘加": 刘佳)."""
    pairs = list(zip(typed, form, strict=True))
    same = sum(a == b for a, b in pairs)
    return 0 < same < len(form) and all(a == b or _usual_sound(a) in _sounds(b) for a, b in pairs)


@lru_cache(maxsize=8192)
def _form_pattern(form: str) -> re.Pattern[str]:
    """`form` as found in a text: a Latin form as a word of its own, though Chinese may touch it
    ("wimc溧水")."""
    if _HAN.search(form):
        return re.compile(re.escape(form), re.IGNORECASE)
    return re.compile(rf"(?<!{_LATIN_CHAR})(?i:{re.escape(form)})(?!{_LATIN_CHAR})")


def _latin_key(form: str) -> str:
    return " ".join(_LATIN_WORD.findall(fold(form)))


class Names:
    """Finds the entities a text names."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities = {entity.id: entity for entity in entities}
        self._han: list[tuple[str, str]] = []  # (form, entity id), longest first
        self._latin: dict[str, str] = {}  # folded Latin form → entity id
        self._roles: set[str] = set()  # the Latin keys that are roles, not names
        for entity in self.entities.values():
            for form in entity.forms:
                self._add(form, entity)
            for role in entity.roles:
                self._add(role, entity, role=True)
        self._han.sort(key=lambda pair: len(pair[0]), reverse=True)
        self._han_at: dict[str, list[str]] = {}  # first character → the Chinese forms, longest first
        for form, _ in self._han:
            self._han_at.setdefault(form[0], []).append(form)
        # people's Chinese names, to know them typed by sound (a voice keyboard's 刘加 for 刘佳), by
        # the readings of their first character
        self._sounded: dict[str, list[tuple[str, str]]] = {}
        for form, entity_id in self._han:
            sounded = self.entities[entity_id].kind in _SOUNDED_KINDS
            name = all(_HAN.match(character) for character in form) and not _TITLE.search(form)
            if sounded and len(form) in SOUNDED_NAME and name:
                for sound in _sounds(form[0]):  # longest first, as `_han`
                    self._sounded.setdefault(sound, []).append((form, entity_id))
        self._first_han = {  # how the knowledge writes each name: its first Chinese form
            entity.id: next(form for form in entity.forms if _HAN.search(form))
            for entity in self.entities.values()
            if any(_HAN.search(form) for form in entity.forms)
        }
        self._misspelt = sorted(_misspellings(self.entities.values()), key=lambda pair: -len(pair[0]))
        # a name's pinyin initials ("zxl", "lj"), one letter for each character of its Chinese form
        initials = {
            form.lower(): self._first_han[entity.id]
            for entity in self.entities.values()
            for form in entity.forms
            if _INITIALS.fullmatch(form.lower()) and len(form) == len(self._first_han.get(entity.id, ""))
        }
        self._initials = initials
        words = "|".join(sorted(initials, key=len, reverse=True))
        self._typed_initials = re.compile(rf"(?<![A-Za-z])({words})(?![A-Za-z])", re.I) if words else None
        described = _descriptions(self.entities.values())
        self._described = sorted(described, key=lambda pair: -len(pair[0].pattern))
        self._han_folded = [(fold(form), len(form), entity_id) for form, entity_id in self._han]
        self._match = lru_cache(maxsize=MATCH_CACHE)(self._match_phrase)  # chunks repeat phrases
        # a role is typed exactly: "mayor of Colleferro" is not a slip for "vice mayor of Colleferro"
        self._fuzzy = [key for key in self._latin if len(key) > EXACT_UP_TO and key not in self._roles]
        self._longest = max((key.count(" ") + 1 for key in self._latin), default=1)

    def _add(self, form: str, entity: Entity, role: bool = False) -> None:
        # "2023世界智能制造大会", "Colleferro区副区长": found as written, not by their Latin part alone
        if _HAN.search(form):
            self._han.append((form, entity.id))
            return
        key = _latin_key(form)
        if not key:
            return
        self._latin[key] = entity.id
        if role:  # "district mayor": its words ("mayor") do not name anyone alone
            self._roles.add(key)
            return
        self._latin.setdefault(key.replace(" ", ""), entity.id)  # "zhaixiaoli"
        surname = key.split()[-1]
        if entity.kind == "person" and len(surname) > EXACT_UP_TO:
            self._latin.setdefault(surname, entity.id)  # "Guadagno" alone

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> "Names":
        """From the parsed `names.yaml` (`{"entities": [...]}`); empty when there is none. Rows that
        are not entities (no id, no form or role, not a mapping) are left out."""
        rows = data.get("entities") if isinstance(data, Mapping) else None
        rows = [row for row in rows if isinstance(row, Mapping)] if isinstance(rows, list) else []
        return cls(
            Entity(
                str(row["id"]),
                str(row.get("kind", "")),
                row.get("entry"),
                _strings(row.get("forms")),
                _written_out(_strings(row.get("roles"))),
            )
            for row in rows
            if row.get("id") and (_strings(row.get("forms")) or _strings(row.get("roles")))
        )

    def find(self, text: str) -> list[str]:
        """The ids of the entities `text` names, in order of first mention, each once."""
        folded = fold(text)
        found: list[tuple[int, str]] = []
        rest = folded
        for form, length, entity_id in self._han_folded:
            at = rest.find(form)
            if at >= 0:
                found.append((at, entity_id))
                rest = rest.replace(form, " " * length)  # 翟晓丽 is not also 晓丽
        words = _LATIN_WORD.findall(rest)
        offset = len(folded)  # Latin names after Chinese ones of the same position: order is enough
        for position, _, entity_id in self._latin_matches(words):
            found.append((offset + position, entity_id))
        return list(dict.fromkeys(entity_id for _, entity_id in sorted(found)))

    def named_words(self, text: str) -> frozenset[str]:
        """The Latin words of `text` that name someone or something in it ("brembo", "lishui"), a
        name typed with a slip included ("xinzhuang"); not a word that is only part of a longer name
        ("zai" of "Zai Xiaoli" in "brembo zai lishui"), nor a word beside a name that a slip took
        into its match ("shi" of "francesco guadagno shi shui")."""
        words = _LATIN_WORD.findall(fold(text))
        spans = [words[start : start + size] for start, size, _ in self._latin_matches(words)]
        return frozenset(word for span in spans for word in span if self._name_word(word))

    def _name_word(self, word: str) -> bool:
        """A word of a name's Latin forms, or one typed with a slip ("xinzhuang")."""
        if word in self._latin_words:
            return True
        return len(word) > EXACT_UP_TO and bool(
            process.extractOne(word, self._latin_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        )

    def as_written(self, text: str) -> str:
        """`text` with other Chinese forms of a name ("翟小丽", "科列费罗"), and its pinyin initials in
        Chinese ("zxl"), written as the knowledge writes it (the entity's first Chinese form), and a
        place described by someone's role ("the deputy mayor's town", "意大利副区长所在的区") by its
        name, so meaning and words match it too, not the person's."""
        for form, written in self._misspelt:
            text = text.replace(form, written)
        if self._typed_initials and _HAN.search(text):  # "zxl推介讲了什么": initials in a Chinese message
            text = self._typed_initials.sub(lambda found: self._initials[found.group().lower()], text)
        for pattern, name in self._described:
            text = pattern.sub(name, text)
        return text

    def as_spelt(self, text: str) -> str:
        """`text` with a person's or company's Chinese name typed by sound ("刘加", "开窝") written as the
        knowledge writes it; names typed as written, and words that are another's name, stay."""
        return _HAN_RUN.sub(lambda run: self._spelt_run(run.group()), text)

    def _spelt_run(self, run: str) -> str:
        out, at = [], 0
        while at < len(run):
            size, written = self._name_at(run, at)
            out.append(written)
            at += size
        return "".join(out)

    def _name_at(self, run: str, at: int) -> tuple[int, str]:
        """The name at `at` of `run` (as written, or typed by sound and then as the knowledge writes
        it) and its length; else the one character there."""
        for form in self._han_at.get(run[at], ()):
            if run.startswith(form, at):
                return len(form), form
        for form, entity_id in self._sounded.get(_usual_sound(run[at]), ()):
            typed = run[at : at + len(form)]
            if len(typed) == len(form) and _sounds_like(typed, form):
                return len(form), self._first_han[entity_id]
        return 1, run[at]

    def _latin_matches(self, words: list[str]) -> Iterable[tuple[int, int, str]]:
        """(start, number of words, entity id) of every name among `words`, longest first; of the same
        length, one typed exactly before one typed with a slip ("lishui district mayor" is Miao Xiumei,
        not "the lishui district" read as the district)."""
        taken: set[int] = set()
        for size in range(min(self._longest, len(words)), 0, -1):
            for match in (self._exact, self._match):  # the spans still free, each way in turn
                for start in range(len(words) - size + 1):
                    span = set(range(start, start + size))
                    if span & taken:
                        continue
                    entity_id = match(" ".join(words[start : start + size]))
                    if entity_id:
                        taken |= span
                        yield start, size, entity_id

    def _exact(self, phrase: str) -> str | None:
        """The entity a Latin phrase names as typed (its words run together too: "zhaixiaoli")."""
        return self._latin.get(phrase) or self._latin.get(phrase.replace(" ", ""))

    def _match_phrase(self, phrase: str) -> str | None:
        exact = self._exact(phrase)
        if exact or len(phrase) <= EXACT_UP_TO:
            return exact
        best = process.extractOne(phrase, self._fuzzy, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return self._latin[best[0]] if best else None

    def han_forms(self) -> frozenset[str]:
        """Every Chinese form of the names (阿维奥, 翟晓丽)."""
        return frozenset(form for form, _ in self._han)

    @cached_property
    def _latin_words(self) -> frozenset[str]:
        return frozenset(word for key in self._latin if key not in self._roles for word in key.split())

    def latin_words(self) -> frozenset[str]:
        """Every word of the names' Latin forms ("zhai", "xiaoli", "lishui"; not roles' words)."""
        return self._latin_words

    def label(self, entity_id: str) -> str:
        return self.entities[entity_id].label

    def without(self, text: str, entity_ids: Iterable[str], instead: str = " ", forms: bool = True) -> str:
        """`text` with the roles of the entities, and their forms unless not `forms`, left out ("What is
        Avio?" → "What is ?"), or replaced by `instead`."""
        entities = [self.entities[entity_id] for entity_id in entity_ids]
        written = (form for e in entities for form in (*(e.forms if forms else ()), *e.roles))
        for form in sorted(written, key=len, reverse=True):
            text = _form_pattern(form).sub(instead, text)
        return text

    def person_of_place(self, entry_id: str) -> str | None:
        """The entry of the one person whose role names the place `entry_id` is about ("deputy mayor of
        Colleferro": Guadagno, for the entry on Colleferro); None for no place or several people."""
        places = [e for e in self.entities.values() if e.kind == "place" and e.entry == entry_id]
        forms = {_latin_key(form) for place in places for form in place.forms} - {""}
        han = {form for place in places for form in place.forms if _HAN.search(form)}
        people = {
            person.entry
            for person in self.entities.values()
            if person.kind == "person"
            and person.entry
            and any(
                any(f" {form} " in f" {_latin_key(role)} " for form in forms) or any(h in role for h in han)
                for role in person.roles
            )
        }
        return people.pop() if len(people) == 1 else None

    def described_only(self, text: str, entity_ids: Iterable[str]) -> list[str]:
        """Of `entity_ids`, those `text` names only by a role ("the Lishui EV maker"), not by a name."""
        return [
            entity_id
            for entity_id in entity_ids
            if entity_id not in self.find(self.without(text, [entity_id], forms=False))
        ]

    def forms_text(self, entity_ids: Iterable[str], question: str = "") -> str:
        """The entities' main forms ("Avio 阿维奥"), to add to a `question`: those it does not hold
        already, the Chinese one only to a question in Chinese (a Latin name is written into the
        Chinese texts too). Every form added costs the embedder time, so a Latin name typed as the
        texts write it adds no longer one: "parking at xingzhuang?" not the park's full name; a slip
        ("Guadgno") or a role ("意大利副市长") adds it."""
        folded, chinese = fold(question), bool(_HAN.search(question))
        words = set(_LATIN_WORD.findall(folded))
        forms = []
        for entity_id in entity_ids:
            entity = self.entities[entity_id]
            han = next((form for form in entity.forms if _HAN.search(form)), "") if chinese else ""
            forms_typed = {fold(form) for form in entity.forms} & words  # one-word forms typed
            typed = any(word in forms_typed for word in fold(entity.label).split())
            added = ("" if typed else entity.label, han)
            forms += [form for form in added if form and fold(form) not in folded]
        return " ".join(forms)
