"""The organisers' knowledge base: load and validate `knowledge/` (Markdown entries + YAML data).

Every problem is reported as `file:line: what is wrong`; nothing is returned unless every
file is valid, so a malformed edit can never reach the index. YAML is read by a loader that
refuses anchors and aliases before anything is expanded, and files have a size cap, so no
file can make loading take more than a moment.
"""

import datetime as dt
import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
import yaml

from bot import LANGUAGES
from bot.menu_schema import schema_problems
from bot.normalise import fold
from bot.texts import Phrase, told

ENTRY_GLOB = "entries/*.md"
DATA_GLOB = "data/*.yaml"
KINDS = ("fact", "gap")
TOPICS = ("event", "people", "enterprises", "lishui", "faq")
MAX_BODY_CHARS = 2000
MAX_ENTRY_BYTES = 32_000
MAX_DATA_BYTES = 500_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_FILE_NAME = re.compile(r"^(?P<id>[^.]+)\.(?P<lang>[a-z]{2})\.md$")
_REQUIRED = ("id", "lang", "topic", "title", "source", "updated")


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one knowledge file."""

    path: Path
    line: int
    message: str  # a `Phrase` (English as a text, and sayable in the organiser's language)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"

    def told(self, lang: str) -> str:
        """`file:line: what is wrong`, in `lang`."""
        return f"{self.path}:{self.line}: {told(self.message, lang)}"


class KnowledgeError(Exception):
    """The knowledge base is not valid; `problems` says where and why."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Entry:
    """One language version of one knowledge entry."""

    id: str
    lang: str
    topic: str
    title: str
    source: str
    updated: dt.date
    body: str
    path: Path
    questions: tuple[str, ...] = ()
    kind: str = "fact"
    replaces: tuple[str, ...] = ()  # "not published" (or outdated) entries this fact fills: they step aside
    inherited: tuple[str, ...] = ()  # the sample questions it took from the entries it fills (at ingest)

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.lang)


@dataclass
class KnowledgeBase:
    """All entries (by id and language) and the structured data for menus."""

    entries: list[Entry]
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._by_key = {entry.key: entry for entry in self.entries}

    @property
    def ids(self) -> list[str]:
        return sorted({entry.id for entry in self.entries})

    def get(self, entry_id: str, lang: str) -> Entry | None:
        """The entry in `lang`, else in English, else in any language it exists in."""
        for candidate in (lang, "en", *LANGUAGES):
            entry = self._by_key.get((entry_id, candidate))
            if entry:
                return entry
        return None

    def missing_translations(self) -> dict[str, list[str]]:
        """Entry id → languages it lacks."""
        have: dict[str, set[str]] = {}
        for entry in self.entries:
            have.setdefault(entry.id, set()).add(entry.lang)
        return {
            entry_id: [lang for lang in LANGUAGES if lang not in langs]
            for entry_id, langs in sorted(have.items())
            if len(langs) < len(LANGUAGES)
        }


# What a "not published" entry's title says about its state, not its topic.
_GAP_STATE = re.compile(r"[(（][^)）]*[)）]|:.*$|：.*$")
_TITLE_WORD = re.compile(r"[^\W\d_]{3,}")
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_TITLE_FILLER = frozenset(
    "and the other details full about for with altri altre dettagli del della dei delle degli "
    "per con".split()
)


def _title_topics(title: str) -> set[str]:
    """The topic words of a title: "Wi-Fi (not published)" → {"wifi"}; Chinese as character pairs."""
    folded = fold(_GAP_STATE.sub("", title)).replace("-", "")
    words = {w for w in _TITLE_WORD.findall(_HAN_RUN.sub(" ", folded)) if w not in _TITLE_FILLER}
    pairs = {run[i : i + 2] for run in _HAN_RUN.findall(folded) for i in range(max(1, len(run) - 1))}
    return words | pairs


def gaps_filled(entries: list[Entry]) -> dict[str, Entry]:
    """Replaced entry id → the fact that replaces it: a "not published" entry or an older fact the
    fact `replaces` (never itself), or a "not published" entry when the fact has no
    sample questions of its own and its title names the gap's topic (a new "Wi-Fi" entry fills
    "Wi-Fi (not published)"), so it inherits the questions that used to find the gap."""
    gaps = [entry for entry in entries if entry.kind == "gap"]
    filled: dict[str, Entry] = {}
    for fact in (entry for entry in entries if entry.kind != "gap"):
        for replaced in fact.replaces:
            if replaced != fact.id:
                filled[replaced] = fact
        if fact.questions or fact.replaces:
            continue
        topics = _title_topics(fact.title)
        for gap in gaps:
            if gap.id not in filled and topics & _title_topics(gap.title):
                filled[gap.id] = fact
    return filled


class StrictLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses anchors (`&a`) and aliases (`*a`) where it meets them,
    before anything is expanded: a few hundred bytes of nested aliases cannot become gigabytes."""

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise yaml.composer.ComposerError(
                None, None, "anchors and aliases (&name, *name) are not allowed", event.start_mark
            )
        return super().compose_node(parent, index)  # type: ignore[arg-type]


def compose_yaml(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=StrictLoader)


_FAST_LOADER = getattr(yaml, "CSafeLoader", None)  # libyaml's parser, when PyYAML was built with it
_FAST_MAX_BRACKETS = 64  # flow collections ([ {) beyond this may nest deeper than C code should recurse


def load_yaml(text: str) -> Any:
    """Parse YAML text as `StrictLoader` does; raises `yaml.YAMLError`.

    Text without `&` or `*` can hold no anchor or alias, so libyaml's parser (same safe
    constructor, twenty times faster: a re-ingest parses every entry's front matter) reads it;
    anything else, and anything it rejects, goes to `StrictLoader` for its checks and messages."""
    fast = (
        _FAST_LOADER is not None
        and "&" not in text
        and "*" not in text
        and text.count("[") + text.count("{") <= _FAST_MAX_BRACKETS
    )
    if fast:
        try:
            return yaml.load(text, Loader=_FAST_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=StrictLoader)


def _yaml_line(exc: yaml.YAMLError) -> int:
    """The 1-based file line of a YAML error: where the broken construct starts, if known.

    Front matter is parsed from just after the opening '---', so its lines match the file's.
    """
    mark = getattr(exc, "context_mark", None) or getattr(exc, "problem_mark", None)
    return mark.line + 1 if mark else 1


_YAML_PROBLEMS = (  # the parser's words → what the organiser is told (in their language)
    ("anchors and aliases", "yaml_anchors"),
    ("mapping values are not allowed", "yaml_mapping_here"),
    ("could not find expected ':'", "yaml_no_colon"),
    ("'\\t'", "yaml_tab"),
    ("expected <block end>", "yaml_indent"),
    ("end of stream", "yaml_unclosed"),
    ("expected ',' or", "yaml_unclosed"),
)


def _yaml_message(exc: yaml.YAMLError) -> Phrase:
    """What is wrong, in one line and without the parser's internals (no file names, no columns)."""
    said = str(getattr(exc, "problem", "") or "")
    return Phrase(next((key for words, key in _YAML_PROBLEMS if words in said), "yaml_syntax"))


def _read(path: Path, limit: int) -> tuple[str | None, list[Problem]]:
    """The file's text (a UTF-8 BOM is accepted; control characters are reported and blanked)."""
    try:
        size = path.stat().st_size
        if size > limit:
            return None, [Problem(path, 1, Phrase("kp_too_big", size=size, limit=limit))]
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, [Problem(path, 1, Phrase("kp_not_utf8"))]
    problems = []
    for match in _CONTROL.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if not any(p.line == line for p in problems):
            problems.append(Problem(path, line, Phrase("kp_control", code=f"{ord(match.group()):#04x}")))
    return _CONTROL.sub(" ", text), problems


def _line_of(text: str, key: str) -> int:
    match = re.search(rf"^{re.escape(key)}\s*:", text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _is_text(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _check_fields(path: Path, text: str, meta: dict[str, Any]) -> list[Problem]:
    """Every problem of the front matter at once (missing fields, wrong types, wrong values)."""
    present = {key for key in _REQUIRED if meta.get(key) not in (None, "")}
    problems = [Problem(path, 1, Phrase("kp_missing_field", field=key)) for key in _REQUIRED
                if key not in present]

    def bad(key: str, message: Phrase) -> None:
        problems.append(Problem(path, _line_of(text, key), message))

    name = _FILE_NAME.match(path.name)
    if "id" in present:
        if not isinstance(meta["id"], str) or not _ID.match(meta["id"]):
            bad("id", Phrase("kp_bad_id", value=meta["id"]))
        elif not name or name["id"] != meta["id"]:
            bad("id", Phrase("kp_id_vs_name", value=meta["id"]))
    if "lang" in present:
        if meta["lang"] not in LANGUAGES:
            bad("lang", Phrase("kp_bad_lang", value=meta["lang"], choices=", ".join(LANGUAGES)))
        elif name and name["lang"] != meta["lang"]:
            bad("lang", Phrase("kp_lang_vs_name", value=meta["lang"], named=name["lang"]))
    if "topic" in present and meta["topic"] not in TOPICS:
        bad("topic", Phrase("kp_bad_topic", value=meta["topic"], choices=", ".join(TOPICS)))
    for key in ("title", "source"):
        if key in present and not _is_text(meta[key]):
            bad(key, Phrase("kp_not_text", field=key))
    if meta.get("kind", "fact") not in KINDS:
        bad("kind", Phrase("kp_bad_kind", value=meta["kind"], choices=", ".join(KINDS)))
    if "updated" in present and not isinstance(meta["updated"], dt.date):
        bad("updated", Phrase("kp_bad_date", value=meta["updated"]))
    questions = meta.get("questions", [])
    if not isinstance(questions, list) or not all(isinstance(q, str) and q for q in questions):
        bad("questions", Phrase("kp_bad_questions"))
    if not all(isinstance(gap, str) and _ID.match(gap) for gap in _replaced(meta)):
        bad("replaces", Phrase("kp_bad_replaces"))
    return problems


def _replaced(meta: dict[str, Any]) -> list[Any]:
    replaces = meta.get("replaces") or []
    return replaces if isinstance(replaces, list) else [replaces]


def _front_matter(path: Path, text: str) -> tuple[dict[str, Any] | None, str, list[Problem]]:
    """The front matter (parsed with `StrictLoader`) and the body of an entry file."""
    if not text.startswith("---"):
        return None, "", [Problem(path, 1, Phrase("kp_no_front_matter"))]
    try:
        front, body = frontmatter.YAMLHandler().split(text)
    except ValueError:
        return None, "", [Problem(path, 1, Phrase("kp_unclosed"))]
    try:
        meta = load_yaml(front)
    except yaml.YAMLError as exc:
        message = Phrase("kp_front_yaml", detail=_yaml_message(exc))
        return None, "", [Problem(path, _yaml_line(exc), message)]
    except RecursionError:
        return None, "", [Problem(path, 1, Phrase("kp_front_deep"))]
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, "", [Problem(path, 2, Phrase("kp_front_not_mapping"))]
    return meta, body, []


def _parse_entry(path: Path) -> tuple[Entry | None, list[Problem]]:
    text, problems = _read(path, MAX_ENTRY_BYTES)
    if text is None:
        return None, problems
    meta, body, found = _front_matter(path, text)
    if meta is None:
        return None, problems + found
    problems += _check_fields(path, text, meta)
    body = body.strip()
    body_line = text.count("\n", 0, text.find("---", 3)) + 2
    if not body:
        problems.append(Problem(path, body_line, Phrase("kp_no_body")))
    elif len(body) > MAX_BODY_CHARS:
        too_long = Phrase("kp_body_long", chars=len(body), limit=MAX_BODY_CHARS)
        problems.append(Problem(path, body_line, too_long))
    if problems:
        return None, problems
    entry = Entry(
        id=meta["id"],
        lang=meta["lang"],
        topic=meta["topic"],
        title=str(meta["title"]),
        source=str(meta["source"]),
        updated=meta["updated"],
        body=body,
        path=path,
        questions=tuple(meta.get("questions", [])),
        kind=meta.get("kind", "fact"),
        replaces=tuple(_replaced(meta)),
    )
    return entry, []


def _check_lang_maps(path: Path, node: yaml.Node) -> Iterable[Problem]:
    """Every mapping keyed by languages must give all three (a menu text per language)."""
    if isinstance(node, yaml.MappingNode):
        keys = {key.value for key, _ in node.value if isinstance(key, yaml.ScalarNode)}
        if keys and keys <= set(LANGUAGES) and keys != set(LANGUAGES):
            missing = ", ".join(lang for lang in LANGUAGES if lang not in keys)
            yield Problem(path, node.start_mark.line + 1, Phrase("kp_missing_langs", missing=missing))
        for _, value in node.value:
            yield from _check_lang_maps(path, value)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _check_lang_maps(path, item)


def _parse_data(path: Path) -> tuple[Any, list[Problem]]:
    text, problems = _read(path, MAX_DATA_BYTES)
    if text is None:
        return None, problems
    try:
        node = compose_yaml(text)
    except yaml.YAMLError as exc:
        invalid = Phrase("kp_data_yaml", detail=_yaml_message(exc))
        return None, [*problems, Problem(path, _yaml_line(exc), invalid)]
    except RecursionError:
        return None, [*problems, Problem(path, 1, Phrase("kp_data_deep"))]
    if node is None:
        return None, [*problems, Problem(path, 1, Phrase("kp_empty"))]
    problems += _check_lang_maps(path, node)
    value = load_yaml(text)
    problems += schema_problems(path, node, value)
    return (None if problems else value), problems


def _duplicates(entries: list[Entry]) -> list[Problem]:
    seen: dict[tuple[str, str], Path] = {}
    problems = []
    for entry in entries:
        if entry.key in seen:
            said = Phrase("kp_duplicate", entry=entry.id, lang=entry.lang, other=seen[entry.key])
            problems.append(Problem(entry.path, 1, said))
        seen.setdefault(entry.key, entry.path)
    return problems


def entry_file(meta: dict[str, Any], body: str) -> str:
    """The text of an entry file: YAML front matter, then the body."""
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    return f"---\n{front}---\n{body.strip()}\n"


def entry_files(root: Path) -> list[Path]:
    return sorted(root.glob(ENTRY_GLOB))


def load(root: Path) -> KnowledgeBase:
    """Load and validate the whole knowledge folder; raise `KnowledgeError` listing every problem."""
    if not root.is_dir():
        raise KnowledgeError([Problem(root, 0, Phrase("kp_no_folder"))])
    problems: list[Problem] = []
    entries: list[Entry] = []
    for path in entry_files(root):
        entry, found = _parse_entry(path)
        problems += found
        if entry:
            entries.append(entry)
    problems += _duplicates(entries)
    data: dict[str, Any] = {}
    for path in sorted(root.glob(DATA_GLOB)):
        value, found = _parse_data(path)
        problems += found
        data[path.stem] = value
    if not entries and not problems:
        problems.append(Problem(root, 0, Phrase("kp_no_entries", glob=ENTRY_GLOB)))
    if problems:
        raise KnowledgeError(problems)
    return KnowledgeBase(entries=entries, data=data)


def fingerprint(root: Path) -> str:
    """A hash of every knowledge file's name and content: changes whenever the knowledge does."""
    digest = hashlib.sha256()
    for path in sorted([*root.glob(ENTRY_GLOB), *root.glob(DATA_GLOB)]):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()
